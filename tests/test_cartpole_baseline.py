"""Tests for chapter 6's CartPole trainer with a learned baseline and an entropy bonus."""

import dataclasses

import numpy as np
import pytest
import torch

from course_lib.cartpole_baseline import (
    BaselineConfig,
    ValueNet,
    advantages,
    load_arms,
    run_arms,
    save_arms,
    train,
)
from course_lib.cartpole_config import CartPoleConfig
from course_lib.cartpole_torch import train as train_ch4

torch.set_num_threads(1)
SMALL = {"n_episodes": 64, "n_envs": 16, "progress": False}


@pytest.mark.parametrize("weight", ["rtg", "rtg_std"])
def test_without_baseline_it_is_chapter_4s_trainer(weight):
    ours = train(BaselineConfig(seed=2, baseline=False, weight=weight, **SMALL))
    theirs = train_ch4(CartPoleConfig(seed=2, weight=weight, **SMALL))
    np.testing.assert_array_equal(ours.ep_ret, theirs.ep_ret)
    for a, b in zip(ours.policy.parameters(), theirs.policy.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_policy_gradient_does_not_reach_v_and_v_fits_returns():
    result = train(BaselineConfig(seed=0, baseline=True, **SMALL))
    assert result.value is not None and result.value_ev.shape == (4,)
    assert np.all(np.isfinite(result.value_ev))
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

    root = Path(__file__).resolve().parents[1] / "book" / "data" / "baselines"
    runs = load_arms(root / "cartpole_baseline.npz")
    assert runs["ep_ret"].shape == (4, 10, 1024)
    ent = load_arms(root / "cartpole_entropy.npz")
    assert ent["entropy"].shape == (4, 10, 16)
    # the no-bonus arm of the entropy sweep is the standardised value-baseline arm
    np.testing.assert_array_equal(ent["ep_ret"][0], runs["ep_ret"][3])


@pytest.mark.slow
def test_baseline_run_learns():
    result = train(BaselineConfig(seed=1, n_episodes=384, weight="rtg", progress=False))
    assert result.ep_ret[-64:].mean() > 3 * result.ep_ret[:64].mean()
