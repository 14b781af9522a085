"""Tests for course_lib.gaussian_policy: log-density and score against torch.distributions."""

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import course_lib.gaussian_policy as gaussian_policy
from course_lib.gaussian_policy import grad_log_prob, log_prob, sample_actions

finite = st.floats(-5, 5, allow_nan=False)


def test_docstring_examples_run():
    assert doctest.testmod(gaussian_policy).failed == 0


@given(finite, st.floats(-3, 2), st.lists(finite, min_size=1, max_size=5))
def test_log_prob_and_score_match_torch(mu, log_std, acts):
    theta = torch.tensor([mu, log_std], dtype=torch.float64, requires_grad=True)
    act = torch.tensor(acts, dtype=torch.float64)
    dist = torch.distributions.Normal(theta[0], theta[1].exp())
    logp = dist.log_prob(act)
    np.testing.assert_allclose(log_prob([mu, log_std], acts), logp.detach().numpy(), rtol=1e-10)
    for i in range(len(acts)):  # one backward pass per action: the score of each
        (g,) = torch.autograd.grad(logp[i], theta, retain_graph=True)
        np.testing.assert_allclose(grad_log_prob([mu, log_std], acts)[i], g.numpy(), atol=1e-9)


@pytest.mark.parametrize("theta", [(0.0, 0.0), (2.0, np.log(0.3)), (-1.0, np.log(3.0))])
def test_score_has_mean_zero_by_quadrature(theta):
    # Gauss-Hermite quadrature with weight exp(-z^2/2) integrates polynomials in z exactly,
    # and the score is a polynomial in z = (a - mu) / sigma.
    z, w = np.polynomial.hermite_e.hermegauss(20)
    act = theta[0] + np.exp(theta[1]) * z
    mean = w @ grad_log_prob(theta, act) / w.sum()
    np.testing.assert_allclose(mean, 0.0, atol=1e-12)


def test_sample_moments():
    theta = np.array([1.5, np.log(0.4)])
    n = 400_000
    a = sample_actions(theta, n, np.random.default_rng(0))
    assert a.shape == (n,)
    assert abs(a.mean() - 1.5) < 5 * 0.4 / np.sqrt(n)
    assert abs(a.std() - 0.4) < 0.005


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: log_prob([0.0], 1.0), ValueError, "theta"),
        (lambda: log_prob([0.0, np.inf], 1.0), ValueError, "theta"),
        (lambda: grad_log_prob([0.0, 0.0], "a"), TypeError, "act"),
        (lambda: sample_actions([0.0, 0.0], -1, np.random.default_rng()), ValueError, "n"),
        (lambda: sample_actions([0.0, 0.0], 3, None), TypeError, "rng"),
    ],
)
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call()
