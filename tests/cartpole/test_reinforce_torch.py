"""Tests for course_lib.cartpole.reinforce_torch: the NumPy trainer's algorithm, in PyTorch."""

import dataclasses

import numpy as np
import pytest
import torch

from course_lib.cartpole import reinforce_numpy, reinforce_torch
from course_lib.cartpole.config import CartPoleConfig
from course_lib.cartpole.reinforce_torch import (
    TorchPolicy,
    load_checkpoint,
    pg_loss,
    save_checkpoint,
)
from course_lib.cartpole.rollout import collect_episodes, make_cartpole
from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pg_weights import WEIGHT_KINDS

torch.set_num_threads(1)
QUIET = dict(progress=False)


def test_same_forward_as_numpy():
    policy = TwoLayerPolicy(4, 16, np.random.default_rng(0))
    net = TorchPolicy.from_numpy(policy)
    x = np.random.default_rng(1).normal(size=(20, 4))
    with torch.no_grad():
        p_torch = net.dist(torch.tensor(x)).probs.numpy()
    np.testing.assert_allclose(p_torch, policy.forward(x)[0], rtol=1e-12)


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_same_gradient_as_numpy_on_the_same_batch(kind):
    rng = np.random.default_rng(2)
    policy = TwoLayerPolicy(4, 16, rng)
    batch = collect_episodes(
        make_cartpole(8, seed=2), lambda o: reinforce_numpy.sample_actions(policy, o, rng)
    )
    net = TorchPolicy.from_numpy(policy)
    pg_loss(net, batch, 0.99, kind).backward()
    g = reinforce_numpy.batch_gradient(policy, batch, 0.99, kind)
    # The loss is MINUS the objective: its gradient is -g_hat.
    np.testing.assert_allclose(-net.l1.weight.grad.numpy(), g["W1"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(-net.l2.weight.grad.numpy()[0], g["W2"], rtol=1e-10, atol=1e-12)


def test_trainers_play_the_same_episodes():
    """Same init, same random numbers, same update rule: the same first updates."""
    config = CartPoleConfig(seed=3, n_episodes=256, **QUIET)
    a, b = reinforce_numpy.train(config), reinforce_torch.train(config)
    assert np.array_equal(a.ep_ret[:128], b.ep_ret[:128])


def test_same_seed_same_returns():
    config = CartPoleConfig(seed=4, n_episodes=128, **QUIET)
    a, b = reinforce_torch.train(config), reinforce_torch.train(config)
    assert np.array_equal(a.ep_ret, b.ep_ret)
    c = reinforce_torch.train(dataclasses.replace(config, seed=5))
    assert not np.array_equal(a.ep_ret, c.ep_ret)


def test_checkpoint_round_trip_weights_only(tmp_path):
    result = reinforce_torch.train(CartPoleConfig(seed=1, n_episodes=64, n_envs=16, **QUIET))
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, result.policy, result.optimizer, result.config)
    torch.load(path, weights_only=True)  # loads under the safe unpickler
    policy, opt, config = load_checkpoint(path)
    assert config == result.config
    for a, b in zip(policy.parameters(), result.policy.parameters(), strict=True):
        assert torch.equal(a, b)
    state, want = opt.state_dict()["state"], result.optimizer.state_dict()["state"]
    assert all(torch.equal(state[k]["square_avg"], want[k]["square_avg"]) for k in want)


def test_bad_input(tmp_path):
    with pytest.raises(TypeError, match="config"):
        reinforce_torch.train(None)
    with pytest.raises(TypeError, match="policy"):
        TorchPolicy.from_numpy("not a policy")
    net = TorchPolicy(4, 3)
    with pytest.raises(TypeError, match="batch"):
        pg_loss(net, None, 0.99)
    with pytest.raises(TypeError, match="opt"):
        save_checkpoint(tmp_path / "x.pt", net, None, CartPoleConfig())


@pytest.mark.slow
def test_a_short_run_learns():
    result = reinforce_torch.train(CartPoleConfig(seed=0, n_episodes=512, **QUIET))
    assert result.ep_ret[-64:].mean() > 150
