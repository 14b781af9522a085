"""REINFORCE on CartPole-v1 in plain NumPy: hand-written gradient, hand-written RMSProp
(chapter 4).

The policy is `numpy_policy.TwoLayerPolicy` (ReLU hidden layer, sigmoid output p = P(push
right)); the optimiser is `rmsprop.RMSProp`, which ascends. One update:

    batch  <- N whole episodes, run side by side             rollout.collect_episodes
    w      <- a weight per step, e.g. G_t standardised       pg_weights.pg_weights
    g_hat  <- (1/N) sum_t w_t grad log pi(a_t | s_t)         batch_gradient
    theta  <- theta + RMSProp step along g_hat               RMSProp.step

Checkpoints are `.npz` files of plain arrays, read back with allow_pickle=False.
"""

from __future__ import annotations

import os
import time

import numpy as np

from course_lib.cartpole.config import CartPoleConfig, TrainResult, advance, progress_bar
from course_lib.cartpole.rollout import (
    OBS_DIM,
    EpisodeBatch,
    SolvedJudge,
    collect_episodes,
    make_cartpole,
)
from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pg_weights import pg_weights
from course_lib.rmsprop import RMSProp


def sample_actions(policy: TwoLayerPolicy, obs, rng: np.random.Generator) -> np.ndarray:
    """Push right (1) with probability p = policy.forward(obs), else left (0), shape (N,).

    Example:
        >>> policy = TwoLayerPolicy(4, 8, np.random.default_rng(0))
        >>> sample_actions(policy, np.zeros((3, 4)), np.random.default_rng(0))  # p = 1/2
        array([0, 1, 1])
    """
    p, _ = policy.forward(obs)  # (N,)
    return (rng.random(p.shape) < p).astype(np.int64)


def batch_gradient(
    policy: TwoLayerPolicy, batch: EpisodeBatch, gamma: float, weight: str = "rtg_std"
) -> dict[str, np.ndarray]:
    """g_hat = (1/N) sum_i sum_t w[t, i] grad log pi(a_t | s_t), by hand: {"W1", "W2"}.

    For the Bernoulli policy d log pi(a | s) / d logit = a - p, so the weight of each step's
    logit is (a_t - p_t) w_t / N, and `policy.backward` carries it back to W1 and W2.

    Example:
        >>> policy = TwoLayerPolicy(4, 8, np.random.default_rng(0))
        >>> batch = collect_episodes(make_cartpole(2, seed=0), lambda o: np.zeros(len(o), int))
        >>> {k: g.shape for k, g in batch_gradient(policy, batch, gamma=0.99).items()}
        {'W1': (8, 4), 'W2': (8,)}
    """
    if not isinstance(batch, EpisodeBatch):
        raise TypeError(f"batch must be an EpisodeBatch, got {type(batch).__name__}")
    w = pg_weights(batch.rew, batch.mask, gamma, weight)[batch.mask]  # (M,)
    x = batch.obs[batch.mask]  # (M, 4): the M = sum(ep_len) real steps
    act = batch.act[batch.mask]  # (M,)
    p, h = policy.forward(x)  # (M,), (M, H): the same p the actions were sampled with
    dlogit = (act - p) * w / batch.n_episodes  # (M,): d g_hat-objective / d logit_t
    return policy.backward(x, h, dlogit)


def train(config: CartPoleConfig) -> TrainResult:
    """Train a TwoLayerPolicy on CartPole-v1 with REINFORCE; same config, same result.

    Example:
        >>> result = train(CartPoleConfig(seed=0, n_episodes=32, n_envs=16, progress=False))
        >>> result.ep_ret.shape
        (32,)
    """
    if not isinstance(config, CartPoleConfig):
        raise TypeError(f"config must be a CartPoleConfig, got {type(config).__name__}")
    start = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    policy = TwoLayerPolicy(OBS_DIM, config.n_hidden, rng)
    opt = RMSProp(policy.params, lr=config.lr, decay=config.decay, eps=config.eps)
    env = make_cartpole(config.n_envs, config.seed)
    ep_ret, n_steps = [], 0
    judge = SolvedJudge(config.seed)  # judges each update's policy on fresh episodes
    with progress_bar(config, desc=f"NumPy, seed {config.seed}") as bar:
        for _ in range(config.n_episodes // config.n_envs):
            batch = collect_episodes(env, lambda obs: sample_actions(policy, obs, rng))
            opt.step(batch_gradient(policy, batch, config.gamma, config.weight))  # ascent
            ep_ret.extend(batch.rew.sum(axis=0)[batch.finish_order()])
            n_steps += batch.n_steps
            advance(bar, ep_ret)
            solved = judge(lambda obs, r: sample_actions(policy, obs, r), len(ep_ret))
            if config.stop_when_solved and solved:
                break
    seconds = time.perf_counter() - start - judge.seconds  # judging is not training
    return TrainResult(
        np.array(ep_ret),
        judge.solved_at,
        seconds,
        n_steps,
        policy,
        opt,
        config,
        eval_len=np.array(judge.eval_len),
        judge_seconds=judge.seconds,
    )


def save_checkpoint(path, policy: TwoLayerPolicy, opt: RMSProp, config: CartPoleConfig) -> None:
    """Write the weights, the RMSProp state and the config to an .npz of plain arrays.

    Example:
        >>> import tempfile, pathlib
        >>> config = CartPoleConfig(n_hidden=8)
        >>> policy = TwoLayerPolicy(OBS_DIM, config.n_hidden, np.random.default_rng(0))
        >>> opt = RMSProp(policy.params, lr=config.lr)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_checkpoint(pathlib.Path(tmp) / "ckpt.npz", policy, opt, config)
        ...     with np.load(pathlib.Path(tmp) / "ckpt.npz", allow_pickle=False) as data:
        ...         for key in sorted(data):
        ...             print(key, data[key].shape)
        config ()
        policy/W1 (8, 4)
        policy/W2 (8,)
        rmsprop/cache/W1 (8, 4)
        rmsprop/cache/W2 (8,)
        rmsprop/hyper (3,)
        rmsprop/n_steps ()
    """
    if not isinstance(policy, TwoLayerPolicy):
        raise TypeError(f"policy must be a TwoLayerPolicy, got {type(policy).__name__}")
    if not isinstance(opt, RMSProp):
        raise TypeError(f"opt must be an RMSProp, got {type(opt).__name__}")
    if not isinstance(config, CartPoleConfig):
        raise TypeError(f"config must be a CartPoleConfig, got {type(config).__name__}")
    arrays = {f"policy/{k}": v for k, v in policy.params.items()}
    arrays |= {f"rmsprop/{k}": v for k, v in opt.state_dict().items()}
    arrays["config"] = np.array(config.to_json())  # a unicode string array: no pickle needed
    np.savez(os.fspath(path), **arrays)


def load_checkpoint(path) -> tuple[TwoLayerPolicy, RMSProp, CartPoleConfig]:
    """Read what `save_checkpoint` wrote (allow_pickle=False: arrays only, no code runs).

    Example:
        >>> import tempfile, pathlib
        >>> result = train(CartPoleConfig(n_episodes=16, n_envs=16, progress=False))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_checkpoint(pathlib.Path(tmp) / "ckpt.npz", result.policy, result.optimizer,
        ...                     result.config)
        ...     policy, opt, config = load_checkpoint(pathlib.Path(tmp) / "ckpt.npz")
        >>> bool(np.array_equal(policy.W1, result.policy.W1)), config == result.config
        (True, True)
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        config = CartPoleConfig.from_json(data["config"].item())
        policy = TwoLayerPolicy(OBS_DIM, config.n_hidden, np.random.default_rng(0))
        for k, v in policy.params.items():
            v[...] = data[f"policy/{k}"]
        opt = RMSProp(policy.params, lr=config.lr, decay=config.decay, eps=config.eps)
        opt.load_state_dict(
            {k[len("rmsprop/") :]: data[k] for k in data if k.startswith("rmsprop/")}
        )
    return policy, opt, config
