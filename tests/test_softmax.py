"""Tests for course_lib.softmax: the score against torch autograd and finite differences."""

import numpy as np
import pytest
import torch

from course_lib.finite_diff import numerical_gradient
from course_lib.softmax import log_prob, policy_probs, sample_from_uniform, score


@pytest.mark.parametrize("act", [0, 2, 4])
def test_score_matches_torch_autograd(act):
    theta = np.random.default_rng(act).normal(size=5)
    t = torch.tensor(theta, requires_grad=True)
    torch.log_softmax(t, dim=-1)[act].backward()
    np.testing.assert_allclose(score(theta, act), t.grad.numpy(), atol=1e-12)


def test_score_matches_finite_differences_of_log_prob():
    theta = np.array([0.3, -1.0, 2.0])
    for act in range(3):
        numeric = numerical_gradient(lambda th, a=act: log_prob(th, a), theta)
        np.testing.assert_allclose(score(theta, act), numeric, atol=1e-8)


def test_score_has_mean_zero_under_the_policy():
    theta = np.array([1.0, -0.5, 0.0, 2.0])
    pi = policy_probs(theta)
    mean = sum(pi[a] * score(theta, a) for a in range(4))
    np.testing.assert_allclose(mean, 0.0, atol=1e-15)


def test_batched_score_is_the_score_of_each_row():
    theta = np.random.default_rng(0).normal(size=(6, 3))
    act = np.array([0, 1, 2, 2, 1, 0])
    batched = score(theta, act)
    for i in range(6):
        np.testing.assert_allclose(batched[i], score(theta[i], act[i]))


def test_log_prob_stays_finite_for_huge_logits():
    assert log_prob([0.0, 1000.0], 0) == pytest.approx(-1000.0)
    assert np.all(np.isfinite(score([1000.0, -1000.0], 1)))


def test_inverse_cdf_sampling_has_the_policys_frequencies():
    pi = np.array([0.1, 0.6, 0.3])
    u = np.random.default_rng(0).random(20000)
    counts = np.bincount(sample_from_uniform(np.tile(pi, (u.size, 1)), u), minlength=3)
    se = np.sqrt(pi * (1 - pi) / u.size)
    assert np.all(np.abs(counts / u.size - pi) < 4 * se)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: score([0.0, 0.0], 2), ValueError, "act"),
        (lambda: score([0.0, 0.0], 0.5), TypeError, "act"),
        (lambda: score([[0.0, 0.0]], [0, 1]), ValueError, "act"),
        (lambda: policy_probs([np.nan, 0.0]), ValueError, "theta"),
        (lambda: policy_probs("ab"), TypeError, "theta"),
    ],
)
def test_bad_policy_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()
