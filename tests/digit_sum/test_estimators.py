"""Tests for the four estimators: their advantages and their losses' gradients."""

import numpy as np
import pytest
import torch

from course_lib.digit_sum.estimators import ESTIMATORS, advantages, batch_gradient, policy_loss
from course_lib.digit_sum.policy import score_vectors
from course_lib.digit_sum.task import reward, sample_targets
from course_lib.group_baselines import grpo_advantages, rloo_advantages
from course_lib.ppo import clipped_surrogate
from course_lib.returns import standardize
from tests.digit_sum.conftest import random_policy


def batch(policy, N=5, K=4, seed=0):
    """N prompts from rho_0 and K completions of each: targets, digits (N, K, T), rewards."""
    rng = np.random.default_rng(seed)
    targets = sample_targets(policy.task, N, rng)
    digits = policy.sample(np.repeat(targets, K), rng).reshape(N, K, policy.task.T)
    return targets, digits, reward(policy.task, targets[:, None], digits)


@pytest.mark.parametrize("kind", ESTIMATORS)
def test_batch_gradient_is_the_advantage_weighted_sum_of_scores(kind):
    policy = random_policy(2)
    targets, digits, rew = batch(policy)
    N, K, T = digits.shape
    adv = advantages(kind, rew, values=np.full(N, 0.3))
    scores = score_vectors(policy, np.repeat(targets, K), digits.reshape(N * K, T))
    want = adv.reshape(-1) @ scores / (N * K)
    np.testing.assert_allclose(batch_gradient(policy, kind, targets, digits, adv), want, atol=1e-12)


def test_grpo_loss_is_ppos_clipped_surrogate_per_token():
    policy = random_policy(3)
    targets, digits, rew = batch(policy)
    N, K, T = digits.shape
    adv = grpo_advantages(rew)
    logp_old = torch.full((N, K, T), -1.0, dtype=torch.float64)  # ratios far from 1: clip acts
    got = policy_loss(policy, "grpo", targets, digits, adv, logp_old=logp_old, clip_eps=0.2)
    logp = policy.log_prob_tokens(np.repeat(targets, K), digits.reshape(N * K, T)).reshape(N, K, T)
    want = clipped_surrogate(logp, logp_old, torch.tensor(adv)[..., None].expand(N, K, T), 0.2)
    assert torch.isclose(got, want, atol=1e-14)


def test_advantages_of_each_kind():
    rew = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(advantages("reinforce", rew), rew)
    np.testing.assert_allclose(advantages("rloo", rew), rloo_advantages(rew))
    np.testing.assert_allclose(advantages("grpo", rew, xi=0.0), grpo_advantages(rew, xi=0.0))
    flat = advantages("batch_std", rew).reshape(-1)
    assert np.isclose(flat.mean(), 0.0) and np.isclose(flat.std(), 1.0)
    with pytest.raises(ValueError, match="values"):
        advantages("value", rew)
    with pytest.raises(ValueError, match="kind"):
        advantages("ppo", rew)
    with pytest.raises(ValueError, match="rew"):
        advantages("reinforce", [[1.0, np.nan]])
    with pytest.raises(ValueError, match="values"):
        advantages("value", rew, values=[0.5])
    with pytest.raises(ValueError, match="kind"):
        policy_loss(random_policy(), "batch_std", [1], np.zeros((1, 2, 3), int), np.zeros((1, 2)))


def test_batch_std_is_chapter_4s_standardize_over_the_whole_batch():
    rew = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(advantages("batch_std", rew), standardize(rew))
    np.testing.assert_array_equal(advantages("batch_std", np.ones((2, 3))), 0.0)
