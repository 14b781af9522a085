"""Tests for chapter 6's CartPole trainer with a learned baseline and an entropy bonus."""

import dataclasses

import numpy as np
import pytest
import torch

from course_lib.cartpole.baseline import (
    BaselineConfig,
    ValueNet,
    advantages,
    bootstrapped_returns,
    cut_states,
    explained_variance,
    fall_return_moments,
    load_arms,
    run_arms,
    save_arms,
    train,
    value_scale,
)
from course_lib.cartpole.config import CartPoleConfig
from course_lib.cartpole.reinforce_torch import train as train_ch4
from course_lib.cartpole.rollout import MAX_LEN, collect_episodes, make_cartpole
from course_lib.returns import returns_to_go

torch.set_num_threads(1)
SMALL = {"n_episodes": 64, "n_envs": 16, "progress": False}


@pytest.mark.parametrize("weight", ["rtg", "rtg_std"])
def test_without_baseline_it_takes_chapter_4s_steps(weight):
    ours = train(BaselineConfig(seed=2, baseline=False, weight=weight, **SMALL))
    theirs = train_ch4(CartPoleConfig(seed=2, weight=weight, **SMALL))
    np.testing.assert_array_equal(ours.ep_ret, theirs.ep_ret)
    np.testing.assert_array_equal(ours.eval_len, theirs.eval_len)  # judged alike
    assert ours.solved_at == theirs.solved_at
    for a, b in zip(ours.policy.parameters(), theirs.policy.parameters(), strict=True):
        exact = {"rtol": 0, "atol": 0} if weight == "rtg" else {}  # rtg_std: another sum order
        torch.testing.assert_close(a, b, **exact)


def test_policy_gradient_does_not_reach_v_and_v_fits_returns():
    result = train(BaselineConfig(seed=0, baseline=True, **SMALL))
    assert result.value is not None and result.value_ev.shape == (4,)
    assert np.all(np.isfinite(result.value_ev))
    # V is fitted to the batch after the policy's step: it explains the batch better after
    assert np.all(result.value_ev_fit >= result.value_ev)
    no_v = train(BaselineConfig(seed=0, baseline=False, **SMALL))
    assert np.all(np.isnan(no_v.value_ev)) and no_v.value is None


def test_same_seed_same_run():
    a = train(BaselineConfig(seed=4, **SMALL))
    b = train(BaselineConfig(seed=4, **SMALL))
    np.testing.assert_array_equal(a.ep_ret, b.ep_ret)


def test_entropy_bonus_keeps_entropy_up():
    base = BaselineConfig(seed=0, n_episodes=256, n_envs=32, progress=False)
    none = train(base)
    big = train(dataclasses.replace(base, ent_coef=1.0))
    assert big.entropy[-1] > none.entropy[-1]
    assert big.entropy[-1] > 0.6


def test_bootstrapped_returns_add_the_discounted_value_of_the_cut():
    rng = np.random.default_rng(0)
    env = make_cartpole(3, seed=0)
    batch = collect_episodes(env, lambda obs: rng.integers(0, 2, len(obs)))
    gamma, v_last = 0.9, np.array([5.0, 0.0, 2.0])
    ret = bootstrapped_returns(batch, gamma, v_last)
    for i, n in enumerate(batch.ep_len):
        g = 0.0
        for t in range(n - 1, -1, -1):  # the oracle: G_t by hand, then + gamma^(n - t) v_last
            g = batch.rew[t, i] + gamma * g
            assert np.isclose(ret[t, i], g + gamma ** (n - t) * v_last[i])


def test_cut_states_find_the_time_limit_only():
    env = make_cartpole(2, seed=0)
    falls = collect_episodes(env, lambda obs: np.ones(len(obs), dtype=int))  # falls fast
    cut, _ = cut_states(env, falls)
    assert not cut.any()
    # a hand-made balancing rule that survives 500 steps: push towards where the pole leans
    env = make_cartpole(2, seed=0)
    kept = collect_episodes(env, lambda obs: (obs[:, 2] + 0.5 * obs[:, 3] > 0).astype(int))
    cut, last = cut_states(env, kept)
    assert np.all(kept.ep_len == MAX_LEN) and cut.all()
    assert np.all(np.abs(last[:, 2]) < env.theta_threshold_radians)


def test_value_scale_and_explained_variance():
    assert np.isclose(value_scale(0.99), 100.0) and value_scale(1.0) == MAX_LEN
    ret = np.array([1.0, 2.0, 3.0])
    assert explained_variance(ret, ret) == 1.0
    assert np.isclose(explained_variance(ret, np.full(3, ret.mean())), 0.0)
    assert explained_variance(ret, np.zeros(3)) < 0  # worse than the mean


def test_fall_return_moments_match_the_trainers_returns():
    env = make_cartpole(8, 0)
    rng = np.random.default_rng(0)
    batch = collect_episodes(env, lambda obs: (rng.random(obs.shape[0]) < 0.5).astype(int))
    assert np.all(batch.ep_len < MAX_LEN)  # random actions: every episode falls
    ret = returns_to_go(batch.rew, batch.mask, 0.99)[batch.mask]
    mean, std, msq = fall_return_moments(batch.ep_len, 0.99)
    assert np.isclose(mean, ret.mean()) and np.isclose(std, ret.std())
    assert np.isclose(msq, np.mean(ret**2))
    assert np.isclose(explained_variance(ret, np.zeros_like(ret)), -(mean**2) / std**2)
    assert fall_return_moments([3], 1.0)[0] == 2.0  # G = 3, 2, 1 undiscounted
    with pytest.raises(ValueError):
        fall_return_moments([0, 2], 0.99)


def test_v_starts_at_zero_so_the_first_batch_is_plain_reinforce():
    one_batch = {"seed": 3, "weight": "rtg", "n_episodes": 16, "n_envs": 16, "progress": False}
    a = train(BaselineConfig(baseline=True, **one_batch))
    b = train(BaselineConfig(baseline=False, **one_batch))
    for p, q in zip(a.policy.parameters(), b.policy.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_advantages():
    np.testing.assert_allclose(advantages(np.array([1.0, 3.0]), None, standardize=True), [-1, 1])
    np.testing.assert_allclose(advantages(np.array([2.0, 2.0]), None, standardize=True), [0, 0])


def test_value_net_can_output_a_constant():
    net = ValueNet(4, 8)
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net.net[2].bias.fill_(7.0)
    assert torch.all(net(torch.zeros(3, 4, dtype=torch.float64)) == 7.0)


def test_run_arms_round_trip(tmp_path):
    base = BaselineConfig(n_episodes=16, n_envs=8, progress=False)
    runs = run_arms(base, {"a": {"baseline": False}, "b": {"ent_coef": 0.1}}, [0, 1])
    save_arms(tmp_path / "x.npz", runs)
    back = load_arms(tmp_path / "x.npz")
    np.testing.assert_array_equal(back["ep_ret"], runs["ep_ret"])
    assert back["config"] == base
    assert (tmp_path / "x.csv").read_text().startswith("arm,seed,solved_at\na,0,")


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"weight": "total"}, ValueError, "weight"),
        ({"baseline": 1}, TypeError, "baseline"),
        ({"bootstrap": 0}, TypeError, "bootstrap"),
        ({"value_batch": 0}, ValueError, "value_batch"),
        ({"value_iters": 0}, ValueError, "value_iters"),
        ({"value_lr": 0.0}, ValueError, "value_lr"),
        ({"ent_coef": -0.1}, ValueError, "ent_coef"),
        ({"ent_coef": "a"}, TypeError, "ent_coef"),
    ],
)
def test_bad_config(kwargs, err, match):
    with pytest.raises(err, match=match):
        BaselineConfig(**kwargs)


def test_train_rejects_other_configs():
    with pytest.raises(TypeError, match="config"):
        train(CartPoleConfig())


def test_saved_results_are_complete():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "book" / "data" / "cartpole"
    runs = load_arms(root / "cartpole_baseline.npz")
    assert runs["ep_ret"].shape == (4, 10, 1024)
    for name in ("eval_len", "value_ev", "value_ev_fit", "ret_std", "n_cut"):
        assert runs[name].shape == (4, 10, 16), name
    assert runs["config"].bootstrap and runs["config"].value_iters == 100
    ent = load_arms(root / "cartpole_entropy.npz")
    assert ent["entropy"].shape == (4, 10, 16)
    # the no-bonus arm of the entropy sweep is the standardised value-baseline arm
    np.testing.assert_array_equal(ent["ep_ret"][0], runs["ep_ret"][3])


@pytest.mark.slow
def test_baseline_run_learns():
    result = train(BaselineConfig(seed=1, n_episodes=384, weight="rtg", progress=False))
    assert result.ep_ret[-64:].mean() > 3 * result.ep_ret[:64].mean()
