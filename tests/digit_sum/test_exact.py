"""Tests for the exact expectations: J by enumeration, grad J against finite differences."""

import itertools

import numpy as np

from course_lib.digit_sum.exact import (
    exact_gradient,
    expected_estimate,
    expected_reward,
    success_probs,
    value_jacobian,
)
from course_lib.digit_sum.policy import DigitPolicy, flat_params, score_vectors, set_flat_params
from course_lib.digit_sum.task import DigitSumTask, all_completions, n_solutions, reward
from course_lib.finite_diff import numerical_gradient
from course_lib.group_baselines import grpo_advantages, rloo_advantages
from tests.digit_sum.conftest import TASK, random_policy


def test_success_probs_sum_over_every_prompt_and_completion_pair():
    policy = random_policy()
    y = all_completions(TASK)
    for s in range(TASK.n_targets):  # the slow way: all 27 completions of every prompt
        prob = policy.log_prob(np.full(len(y), s), y).exp().detach().numpy()
        want = (prob * reward(TASK, np.full(len(y), s), y)).sum()
        assert np.isclose(success_probs(policy)[s].item(), want, atol=1e-12)


def test_uniform_policy_succeeds_with_solutions_over_completions():
    v = success_probs(DigitPolicy(TASK, seed=3)).detach().numpy()
    np.testing.assert_allclose(v, n_solutions(TASK) / 27)


def test_exact_gradient_matches_finite_differences():
    policy = random_policy(1)
    theta = flat_params(policy)

    def J(th):
        set_flat_params(policy, th)
        return expected_reward(policy)

    fd = numerical_gradient(J, theta, dx=1e-6)
    set_flat_params(policy, theta)
    np.testing.assert_allclose(exact_gradient(policy), fd, atol=1e-8)


def test_value_jacobian_rows_are_the_gradients_of_each_prompt():
    policy = random_policy(2)
    theta = flat_params(policy)
    v, jac = value_jacobian(policy)
    s = 4

    def V(th):
        set_flat_params(policy, th)
        return success_probs(policy)[s].item()

    fd = numerical_gradient(V, theta, dx=1e-6)
    set_flat_params(policy, theta)
    np.testing.assert_allclose(jac[s], fd, atol=1e-8)
    np.testing.assert_allclose(jac.mean(axis=0), exact_gradient(policy), atol=1e-14)


def _brute_expected_estimate(policy, advantages, K):
    """E[(1/K) sum_l A^l grad log pi(y^l | s)], averaged over s, by listing all K-tuples."""
    task = policy.task
    y = all_completions(task)
    total = 0.0
    for s in range(task.n_targets):
        prob = policy.log_prob(np.full(len(y), s), y).exp().detach().numpy()
        score = score_vectors(policy, np.full(len(y), s), y)  # (n_completions, P)
        rew = reward(task, np.full(len(y), s), y)
        for idx in itertools.product(range(len(y)), repeat=K):  # every group of K completions
            idx = list(idx)
            adv = advantages(rew[idx][None])[0]
            total = total + np.prod(prob[idx]) * (adv @ score[idx]) / K
    return total / task.n_targets


def test_expected_estimate_matches_listing_every_group():
    small = random_policy(5, task=DigitSumTask(T=2), hidden=2)
    for fn in (rloo_advantages, grpo_advantages):
        np.testing.assert_allclose(
            expected_estimate(small, fn, 3), _brute_expected_estimate(small, fn, 3), atol=1e-10
        )
    np.testing.assert_allclose(
        expected_estimate(small, rloo_advantages, 3), exact_gradient(small), atol=1e-12
    )
    gap = expected_estimate(small, grpo_advantages, 3) - exact_gradient(small)
    assert np.abs(gap).max() > 1e-2  # GRPO's expectation is not grad J


def test_with_two_completions_grpo_is_rloo_up_to_xi():
    policy = random_policy(5, hidden=2)  # K = 2: (r - mean) / std = +-1 = r - the other's r
    np.testing.assert_allclose(
        expected_estimate(policy, lambda r: grpo_advantages(r, xi=0.0), 2),
        expected_estimate(policy, rloo_advantages, 2),
        atol=1e-14,
    )
    np.testing.assert_allclose(
        _brute_expected_estimate(policy, rloo_advantages, 2), exact_gradient(policy), atol=1e-12
    )
