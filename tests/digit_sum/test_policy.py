"""Tests for the digit-sum policy: log-probabilities against a brute force, sampling, params."""

import numpy as np
import pytest
import torch

from course_lib.digit_sum.policy import (
    DigitPolicy,
    flat_grad,
    flat_params,
    score_vectors,
    set_flat_params,
)
from course_lib.digit_sum.task import DigitSumTask, all_completions
from tests.digit_sum.conftest import TASK, random_policy


def brute_log_prob(policy, s, y):
    """log pi(y | s) token by token, with the one-hot x_t built explicitly, in NumPy."""
    W1, b1 = policy.W1.detach().numpy(), policy.b1.detach().numpy()
    W2, b2 = policy.W2.detach().numpy(), policy.b2.detach().numpy()
    n, T = policy.task.n_targets, policy.task.T
    total = 0.0
    for t, a in enumerate(y):
        x = np.zeros(policy.D)
        x[s] = 1.0
        x[n + t] = 1.0
        x[n + T + sum(y[:t])] = 1.0
        z = W2.T @ np.tanh(W1.T @ x + b1) + b2
        total += z[a] - np.log(np.exp(z).sum())
    return total


def test_log_prob_matches_a_token_by_token_brute_force():
    policy = random_policy()
    y = all_completions(TASK)
    rng = np.random.default_rng(1)
    s = rng.integers(0, TASK.n_targets, size=len(y))
    got = policy.log_prob(s, y).detach().numpy()
    want = np.array([brute_log_prob(policy, si, yi) for si, yi in zip(s, y, strict=True)])
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_every_prompts_completions_sum_to_probability_one():
    policy = random_policy(3)
    y = all_completions(TASK)
    for s in range(TASK.n_targets):
        p = policy.log_prob(np.full(len(y), s), y).exp().sum()
        assert torch.isclose(p, torch.tensor(1.0, dtype=torch.float64), atol=1e-12)


def test_sample_frequencies_match_the_probabilities():
    policy = random_policy(2, task=DigitSumTask(T=2), hidden=3)
    s = 2
    draws = policy.sample(np.full(40_000, s), np.random.default_rng(0))
    codes = draws[:, 0] * 3 + draws[:, 1]
    freq = np.bincount(codes, minlength=9) / len(codes)
    y = all_completions(policy.task)
    prob = policy.log_prob(np.full(9, s), y).exp().detach().numpy()
    se = np.sqrt(prob * (1 - prob) / len(codes))
    assert np.all(np.abs(freq - prob) < 4.5 * se)


def test_sampling_is_reproducible_with_the_seed():
    policy = random_policy()
    a = policy.sample(np.arange(7), np.random.default_rng(5))
    b = policy.sample(np.arange(7), np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_uniform_start_and_seeds_differ_only_in_the_first_layer():
    p0, p1 = DigitPolicy(TASK, seed=0), DigitPolicy(TASK, seed=1)
    y = all_completions(TASK)
    lp = p0.log_prob(np.full(len(y), 2), y).detach().numpy()
    np.testing.assert_allclose(lp, -3 * np.log(3))
    assert not torch.equal(p0.W1, p1.W1) and torch.equal(p0.W2, p1.W2)


def test_flat_params_round_trip_and_bad_input():
    policy = random_policy()
    theta = flat_params(policy)
    set_flat_params(policy, theta + 1.0)
    np.testing.assert_allclose(flat_params(policy), theta + 1.0)
    with pytest.raises(ValueError, match="theta"):
        set_flat_params(policy, theta[:-1])
    with pytest.raises(ValueError, match="digits"):
        policy.log_prob(np.array([1]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="targets"):
        policy.log_prob(np.array([1, 2]), np.array([[0, 1, 0]]))
    with pytest.raises(TypeError, match="task"):
        DigitPolicy("digits")
    with pytest.raises(ValueError, match="hidden"):
        DigitPolicy(TASK, hidden=0)
    with pytest.raises(TypeError, match="seed"):
        DigitPolicy(TASK, seed=0.5)
    with pytest.raises(TypeError, match="rng"):
        policy.sample(np.array([1]), rng=0)


def test_score_vectors_match_autograd():
    policy = random_policy(1)
    y = all_completions(TASK)
    s = np.random.default_rng(0).integers(0, TASK.n_targets, size=len(y))
    scores = score_vectors(policy, s, y)
    for b in range(0, len(y), 5):
        policy.zero_grad()
        policy.log_prob(s[b : b + 1], y[b : b + 1]).sum().backward()
        np.testing.assert_allclose(scores[b], flat_grad(policy), atol=1e-12)
    with pytest.raises(ValueError, match="targets"):
        score_vectors(policy, np.array([1, 2]), y[:3])
    with pytest.raises(TypeError, match="policy"):
        score_vectors("policy", np.array([1]), y[:1])
