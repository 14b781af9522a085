"""Tests for course_lib.cartpole.actor_critic: GAE(lambda) advantages in chapter 6's trainer."""

import numpy as np
import pytest
import torch

from course_lib.cartpole.actor_critic import ActorCriticConfig, batch_advantages, train
from course_lib.cartpole.baseline import BaselineConfig
from course_lib.cartpole.baseline import train as train_ch6
from course_lib.cartpole.rollout import EpisodeBatch
from tests.config_checks import assert_rejected

torch.set_num_threads(1)
SMALL = {"n_episodes": 64, "n_envs": 16, "progress": False}


def _two_episodes():
    """Episode 0: 3 steps, cut by the clock; episode 1: 2 steps, then a fall."""
    mask = np.array([[True, True], [True, True], [True, False]])
    rew = np.where(mask, 1.0, 0.0)
    batch = EpisodeBatch(np.zeros((3, 2, 4)), np.zeros((3, 2), int), rew, mask, np.array([3, 2]))
    v = np.array([10.0, 20.0, 11.0, 21.0, 12.0])  # batch.obs[batch.mask] order: row by row
    return batch, v, np.array([13.0, 99.0]), np.array([True, False])


def test_lambda_zero_weights_are_td_errors_by_hand():
    batch, v, v_last, cut = _two_episodes()
    g = 0.9
    adv = batch_advantages(batch, v, v_last, cut, g, lam=0.0)
    # steps in mask order: (t=0, i=0), (0, 1), (1, 0), (1, 1), (2, 0)
    expected = [
        1 + g * 11 - 10,  # episode 0, t = 0
        1 + g * 21 - 20,  # episode 1, t = 0
        1 + g * 12 - 11,
        1 + g * 0 - 21,  # episode 1 fell: V(s_T) = 0, its v_last is ignored
        1 + g * 13 - 12,  # episode 0 was cut: V(s_T) = v_last
    ]
    np.testing.assert_allclose(adv, expected)


def test_lambda_one_weights_are_bootstrapped_return_minus_value():
    batch, v, v_last, cut = _two_episodes()
    g = 0.9
    adv = batch_advantages(batch, v, v_last, cut, g, lam=1.0)
    g0 = 1 + g + g**2 + g**3 * 13  # episode 0: G^_0 with the bootstrap
    expected = [g0 - 10, 1 + g - 20, (g0 - 1) / g - 11, 1 - 21, 1 + g * 13 - 12]
    np.testing.assert_allclose(adv, expected)


@pytest.mark.parametrize("weight", ["rtg", "rtg_std"])
def test_lambda_one_takes_chapter_6s_steps(weight):
    ours = train(ActorCriticConfig(seed=3, lam=1.0, weight=weight, **SMALL))
    theirs = train_ch6(BaselineConfig(seed=3, weight=weight, **SMALL))
    np.testing.assert_array_equal(ours.ep_ret, theirs.ep_ret)
    np.testing.assert_array_equal(ours.eval_len, theirs.eval_len)
    for a, b in zip(ours.policy.parameters(), theirs.policy.parameters(), strict=True):
        torch.testing.assert_close(a, b)  # GAE sums the deltas: rounding, no more


def test_lambda_changes_the_run():
    one = train(ActorCriticConfig(seed=3, lam=1.0, **SMALL))
    zero = train(ActorCriticConfig(seed=3, lam=0.0, **SMALL))
    assert np.array_equal(one.ep_ret[:16], zero.ep_ret[:16])  # the first batch: same policy
    assert not np.array_equal(one.ep_ret, zero.ep_ret)


def test_smoke_shapes_and_finite():
    result = train(ActorCriticConfig(seed=0, lam=0.9, **SMALL))
    assert result.ep_ret.shape == (64,) and result.eval_len.shape == (4,)
    assert np.all(np.isfinite(result.value_ev)) and result.seconds > 0


def test_bad_config():
    bad = [("baseline", False, ValueError), ("lam", 1.5, ValueError), ("lam", "0.5", TypeError)]
    bad += [("lam", float("nan"), ValueError), ("value_lr", 0.0, ValueError)]  # and chapter 6's
    assert_rejected(ActorCriticConfig, bad)


def test_train_rejects_other_configs():
    with pytest.raises(TypeError, match="ActorCriticConfig"):
        train(BaselineConfig())


@pytest.mark.slow
def test_one_step_actor_critic_learns():
    result = train(ActorCriticConfig(seed=0, lam=0.0, n_episodes=1024, progress=False))
    assert result.eval_len[-4:].mean() > 200  # from about 20 steps at the start
    assert result.eval_len[0] < 60
