"""Tests for course_lib.bandit.quadratic: closed forms against quadrature and differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.bandit.quadratic import (
    exact_gradient,
    expected_reward,
    gradient_ascent,
    gradient_estimate,
    reward,
)
from course_lib.finite_diff import numerical_gradient
from course_lib.gaussian_policy import sample_actions


@given(st.floats(-5, 5), st.floats(-2, 1.5), st.floats(-5, 5))
def test_expected_reward_by_quadrature_and_its_gradient_by_differences(mu, log_std, a_star):
    theta = np.array([mu, log_std])
    z, w = np.polynomial.hermite_e.hermegauss(10)
    by_quadrature = w @ reward(mu + np.exp(log_std) * z, a_star) / w.sum()
    assert np.isclose(expected_reward(theta, a_star), by_quadrature, rtol=1e-10, atol=1e-10)
    g_fd = numerical_gradient(lambda th: expected_reward(th, a_star), theta)
    np.testing.assert_allclose(exact_gradient(theta, a_star), g_fd, rtol=1e-6, atol=1e-6)


def test_estimate_is_unbiased_within_standard_errors():
    theta, a_star, n = np.array([-1.0, np.log(0.7)]), 2.0, 20
    rng = np.random.default_rng(0)
    estimates = []
    for _ in range(5000):  # many independent small batches
        act = sample_actions(theta, n, rng)
        estimates.append(gradient_estimate(theta, act, reward(act, a_star)))
    estimates = np.array(estimates)
    stderr = estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - exact_gradient(theta, a_star)) < 4 * stderr)


def test_gradient_ascent_moves_mu_to_the_target():
    hist = gradient_ascent([-1.0, 0.0], 2.0, 0.1, 40, 100, np.random.default_rng(0))
    assert hist.shape == (41, 2)
    assert abs(hist[-1, 0] - 2.0) < 0.1
    assert hist[-1, 1] < hist[0, 1]  # sigma shrinks: any spread costs reward


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: reward([1.0], a_star="2"), TypeError, "a_star"),
        (lambda: expected_reward([1.0, 2.0, 3.0], 0.0), ValueError, "theta"),
        (lambda: gradient_estimate([0.0, 0.0], [1.0, 2.0], [1.0]), ValueError, "same shape"),
        (lambda: gradient_estimate([0.0, 0.0], [], []), ValueError, "N >= 1"),
        (
            lambda: gradient_ascent([0.0, 0.0], 1.0, -0.1, 5, 5, np.random.default_rng()),
            ValueError,
            "alpha",
        ),
        (
            lambda: gradient_ascent([0.0, 0.0], 1.0, 0.1, 5.0, 5, np.random.default_rng()),
            TypeError,
            "n_steps",
        ),
    ],
)
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call()
