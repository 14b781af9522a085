"""Tests for course_lib.cartpole.ppo: PPO-clip on CartPole."""

import dataclasses

import numpy as np
import pytest
import torch

from course_lib.advantages import gae
from course_lib.cartpole.ppo import PPOConfig, train
from course_lib.cartpole.reinforce_torch import TorchPolicy, sample_actions
from course_lib.cartpole.rollout import OBS_DIM, collect_episodes, make_cartpole
from course_lib.numpy_policy import TwoLayerPolicy
from tests.config_checks import assert_rejected

torch.set_num_threads(1)
TINY = PPOConfig(n_envs=4, max_steps=300, epochs=2, minibatch=32, progress=False)


def test_smoke_stops_at_the_step_cap():
    result = train(TINY)
    total = result.n_steps.sum()
    assert total >= TINY.max_steps and total - result.n_steps[-1] < TINY.max_steps
    assert result.ep_ret.size == 4 * result.n_steps.size
    assert result.ep_ret.sum() == total  # CartPole pays 1 per step
    for name in ("eval_len", "clip_frac", "approx_kl", "value_ev", "entropy", "n_grad_steps"):
        assert getattr(result, name).shape == result.n_steps.shape, name
    # epochs passes, each of ceil(M / minibatch) minibatches
    np.testing.assert_array_equal(result.n_grad_steps, 2 * np.ceil(result.n_steps / 32))
    assert np.all((result.clip_frac >= 0) & (result.clip_frac <= 1))
    assert np.all(result.approx_kl >= 0)


def test_judging_less_often_changes_nothing_but_the_record():
    every = train(TINY)
    third = train(dataclasses.replace(TINY, judge_every=3))
    np.testing.assert_array_equal(every.ep_ret, third.ep_ret)  # the judge has its own generator
    assert third.eval_len.shape == (every.n_steps.size // 3,)


def test_same_seed_same_run():
    a, b = train(TINY), train(TINY)
    np.testing.assert_array_equal(a.ep_ret, b.ep_ret)
    assert not np.array_equal(a.ep_ret, train(dataclasses.replace(TINY, seed=1)).ep_ret)


def test_one_epoch_one_minibatch_is_one_policy_gradient_step():
    """With one pass and the whole batch in one minibatch, the ratio is 1 at the only step:
    PPO's update is one Adam step on -(1/M) sum A_t log pi, A from GAE with V = 0 (V starts
    at 0)."""
    config = PPOConfig(seed=5, n_envs=4, max_steps=1, epochs=1, minibatch=10_000, progress=False)
    result = train(config)
    # The oracle: the same batch, by hand.
    rng = np.random.default_rng(config.seed)
    policy = TorchPolicy.from_numpy(TwoLayerPolicy(OBS_DIM, config.n_hidden, rng))
    batch = collect_episodes(
        make_cartpole(config.n_envs, config.seed), lambda o: sample_actions(policy, o, rng)
    )
    np.testing.assert_array_equal(np.sort(result.ep_ret), np.sort(batch.ep_len))
    adv = gae(batch.rew, np.zeros(batch.rew.shape), batch.mask, config.gamma, config.lam)
    adv = adv[batch.mask]
    adv = torch.as_tensor((adv - adv.mean()) / adv.std())
    x = torch.as_tensor(batch.obs[batch.mask])
    act = torch.as_tensor(batch.act[batch.mask], dtype=torch.float64)
    opt = torch.optim.Adam(policy.parameters(), lr=config.lr)
    loss = -(adv * policy.dist(x).log_prob(act)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    for a, b in zip(result.policy.parameters(), policy.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_config_round_trip_and_validation():
    assert PPOConfig.from_json(TINY.to_json()) == TINY
    assert type(PPOConfig(seed=np.int64(3)).seed) is int  # a plain int: it goes to JSON
    bad = [("clip_eps", 0.0, ValueError), ("lam", 1.2, ValueError), ("epochs", 2.0, TypeError)]
    bad += [("minibatch", 1, ValueError), ("gamma", 1.5, ValueError), ("lr", np.inf, ValueError)]
    bad += [("ent_coef", -0.1, ValueError), ("seed", -1, ValueError), ("progress", 1, TypeError)]
    bad += [("judge_every", 0, ValueError)]
    assert_rejected(PPOConfig, bad)
    with pytest.raises(ValueError, match="PPOConfig"):
        PPOConfig.from_json('{"lr": 0.1, "colour": 3}')
    with pytest.raises(TypeError, match="PPOConfig"):
        train({"seed": 0})


@pytest.mark.slow
def test_ppo_learns():
    result = train(PPOConfig(seed=0, max_steps=100_000, stop_when_solved=True, progress=False))
    assert result.solved_at is not None  # 100 fresh episodes averaged >= 475 steps
    assert result.solved_steps == result.n_steps.sum() <= 100_000
    assert result.eval_len[0] < 60
