"""REINFORCE on CartPole-v1 in PyTorch: the same algorithm as `reinforce_numpy`, with autograd
(chapter 4).

The policy is the same network (ReLU hidden layer, no biases, sigmoid output) as a
`torch.nn.Module`; `torch.distributions.Bernoulli` gives log pi(a | s), autograd its gradient,
and `torch.optim.RMSprop` the step. Two things differ from the NumPy trainer:

    loss = -(1/N) sum w_t log pi(a_t | s_t)     the MINUS: torch optimisers descend, we ascend J
    w    = a tensor built from NumPy rewards    data, not a function of theta: no gradient flows

Everything else is shared: the batch of episodes (`cartpole.rollout`), the weights
(`pg_weights`), the initial weights (copied from a `TwoLayerPolicy` made with the same seed)
and the random numbers that pick the actions. With float64 the two trainers take the same
actions, update for update, until rounding differences flip one (checked in the tests).

Checkpoints use `torch.save` of state dicts and plain values, read back with weights_only=True.
"""

from __future__ import annotations

import os
import time

import numpy as np
import torch
from torch import nn

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


class TorchPolicy(nn.Module):
    """logit = W2 . relu(W1 x), p = sigmoid(logit) = P(push right): TwoLayerPolicy in torch.

    Args:
        n_inputs: the length D of one observation.
        n_hidden: the number H of hidden units.
        dtype: torch.float64 (the default, to match NumPy exactly) or torch.float32.

    Example:
        >>> policy = TorchPolicy.from_numpy(TwoLayerPolicy(4, 3, np.random.default_rng(0)))
        >>> policy.dist(torch.zeros(5, 4, dtype=torch.float64)).probs.detach()  # x = 0: p = 1/2
        tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000], dtype=torch.float64)
    """

    def __init__(self, n_inputs: int, n_hidden: int, dtype=torch.float64):
        super().__init__()
        self.l1 = nn.Linear(n_inputs, n_hidden, bias=False, dtype=dtype)  # weight: W1 (H, D)
        self.l2 = nn.Linear(n_hidden, 1, bias=False, dtype=dtype)  # weight: W2 as (1, H)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """The logits z_j, shape (M,), for M observations x_j of shape (M, D) (D = 4 inputs).

        Example:
            >>> TorchPolicy(4, 8)(torch.zeros(3, 4, dtype=torch.float64)).shape
            torch.Size([3])
        """
        return self.l2(torch.relu(self.l1(obs))).squeeze(-1)

    def dist(self, obs: torch.Tensor) -> torch.distributions.Bernoulli:
        """pi(. | s) for each row of `obs`: a Bernoulli over {0 = left, 1 = right}.

        Example:
            >>> policy = TorchPolicy(4, 8)
            >>> with torch.no_grad():
            ...     _ = policy.l2.weight.zero_()           # logit 0 everywhere: p = 1/2
            >>> logp = policy.dist(torch.ones(2, 4, dtype=torch.float64)).log_prob(
            ...     torch.tensor([0.0, 1.0], dtype=torch.float64))
            >>> bool(torch.allclose(logp, torch.log(torch.tensor(0.5, dtype=torch.float64))))
            True
        """
        return torch.distributions.Bernoulli(logits=self(obs))

    @classmethod
    def from_numpy(cls, policy: TwoLayerPolicy) -> TorchPolicy:
        """A TorchPolicy with a copy of `policy`'s weights (float64).

        Example:
            >>> numpy_policy = TwoLayerPolicy(4, 8, np.random.default_rng(0))
            >>> net = TorchPolicy.from_numpy(numpy_policy)
            >>> bool(np.array_equal(net.l1.weight.detach().numpy(), numpy_policy.W1))
            True
            >>> net.l2.weight.shape                     # W2 as a (1, H) layer
            torch.Size([1, 8])
            >>> obs = np.random.default_rng(1).normal(size=(5, 4))
            >>> p, _ = numpy_policy.forward(obs)        # the NumPy network's P(push right)
            >>> p_torch = torch.sigmoid(net(torch.from_numpy(obs))).detach().numpy()
            >>> bool(np.allclose(p_torch, p))
            True
        """
        if not isinstance(policy, TwoLayerPolicy):
            raise TypeError(f"policy must be a TwoLayerPolicy, got {type(policy).__name__}")
        net = cls(policy.n_inputs, policy.n_hidden)
        with torch.no_grad():
            net.l1.weight.copy_(torch.from_numpy(policy.W1))
            net.l2.weight.copy_(torch.from_numpy(policy.W2)[None, :])
        return net


def sample_actions(policy: TorchPolicy, obs, rng: np.random.Generator) -> np.ndarray:
    """Push right (1) with probability p, else left (0), shape (N,), with NumPy's `rng`.

    The same random numbers as `reinforce_numpy.sample_actions`, so the same actions.

    Example:
        >>> from course_lib.cartpole import reinforce_numpy
        >>> numpy_policy = TwoLayerPolicy(4, 8, np.random.default_rng(0))
        >>> obs = np.random.default_rng(1).normal(size=(6, 4))
        >>> a = sample_actions(TorchPolicy.from_numpy(numpy_policy), obs, np.random.default_rng(2))
        >>> b = reinforce_numpy.sample_actions(numpy_policy, obs, np.random.default_rng(2))
        >>> a.shape, bool(np.array_equal(a, b))
        ((6,), True)
    """
    with torch.no_grad():  # acting needs no graph; the loss recomputes log pi with one
        p = torch.sigmoid(policy(torch.as_tensor(obs, dtype=policy.l1.weight.dtype))).numpy()
    return (rng.random(p.shape) < p).astype(np.int64)


def pg_loss(policy: TorchPolicy, batch: EpisodeBatch, gamma: float, weight: str = "rtg_std"):
    """The loss whose gradient is -g_hat: -(1/N) sum_i sum_t w[t, i] log pi(a_t | s_t).

    Example:
        >>> policy = TorchPolicy.from_numpy(TwoLayerPolicy(4, 8, np.random.default_rng(0)))
        >>> batch = collect_episodes(make_cartpole(2, seed=0), lambda o: np.zeros(len(o), int))
        >>> pg_loss(policy, batch, gamma=0.99).shape
        torch.Size([])
    """
    if not isinstance(batch, EpisodeBatch):
        raise TypeError(f"batch must be an EpisodeBatch, got {type(batch).__name__}")
    dtype = policy.l1.weight.dtype
    # The weights come from the environment's rewards: plain data with no graph behind them.
    w = torch.as_tensor(pg_weights(batch.rew, batch.mask, gamma, weight)[batch.mask], dtype=dtype)
    x = torch.as_tensor(batch.obs[batch.mask], dtype=dtype)  # (M, 4)
    act = torch.as_tensor(batch.act[batch.mask], dtype=dtype)  # (M,)
    logp = policy.dist(x).log_prob(act)  # (M,): log pi(a_j | s_j), with a graph to theta
    return -(logp * w).sum() / batch.n_episodes  # minus: the optimiser descends, J goes up


def train(config: CartPoleConfig) -> TrainResult:
    """Train a TorchPolicy on CartPole-v1 with REINFORCE; same config, same result.

    The run starts from the weights `reinforce_numpy.train` starts from for the same seed.

    Example:
        >>> result = train(CartPoleConfig(seed=0, n_episodes=32, n_envs=16, progress=False))
        >>> result.ep_ret.shape
        (32,)
    """
    if not isinstance(config, CartPoleConfig):
        raise TypeError(f"config must be a CartPoleConfig, got {type(config).__name__}")
    start = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    policy = TorchPolicy.from_numpy(TwoLayerPolicy(OBS_DIM, config.n_hidden, rng))
    opt = torch.optim.RMSprop(policy.parameters(), lr=config.lr, alpha=config.decay, eps=config.eps)
    env = make_cartpole(config.n_envs, config.seed)
    ep_ret, n_steps = [], 0
    judge = SolvedJudge(config.seed)  # judges each update's policy on fresh episodes
    with progress_bar(config, desc=f"PyTorch, seed {config.seed}") as bar:
        for _ in range(config.n_episodes // config.n_envs):
            batch = collect_episodes(env, lambda obs: sample_actions(policy, obs, rng))
            loss = pg_loss(policy, batch, config.gamma, config.weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
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


def save_checkpoint(path, policy: TorchPolicy, opt, config: CartPoleConfig) -> None:
    """`torch.save` the policy's and the optimiser's state dicts and the config (as JSON).

    Example:
        >>> import tempfile, pathlib
        >>> policy = TorchPolicy(OBS_DIM, 8)
        >>> opt = torch.optim.RMSprop(policy.parameters(), lr=0.03)
        >>> config = CartPoleConfig(n_hidden=8)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_checkpoint(pathlib.Path(tmp) / "ckpt.pt", policy, opt, config)
        ...     state = torch.load(pathlib.Path(tmp) / "ckpt.pt", weights_only=True)
        >>> sorted(state), sorted(state["policy"])
        (['config', 'optimizer', 'policy'], ['l1.weight', 'l2.weight'])
    """
    if not isinstance(policy, TorchPolicy):
        raise TypeError(f"policy must be a TorchPolicy, got {type(policy).__name__}")
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"opt must be a torch optimiser, got {type(opt).__name__}")
    if not isinstance(config, CartPoleConfig):
        raise TypeError(f"config must be a CartPoleConfig, got {type(config).__name__}")
    state = {"policy": policy.state_dict(), "optimizer": opt.state_dict()}
    torch.save(state | {"config": config.to_json()}, os.fspath(path))


def load_checkpoint(path) -> tuple[TorchPolicy, torch.optim.RMSprop, CartPoleConfig]:
    """Read what `save_checkpoint` wrote, with weights_only=True (tensors and plain values).

    Example:
        >>> import tempfile, pathlib
        >>> result = train(CartPoleConfig(n_episodes=16, n_envs=16, progress=False))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_checkpoint(pathlib.Path(tmp) / "ckpt.pt", result.policy, result.optimizer,
        ...                     result.config)
        ...     policy, opt, config = load_checkpoint(pathlib.Path(tmp) / "ckpt.pt")
        >>> bool(torch.equal(policy.l1.weight, result.policy.l1.weight)), config == result.config
        (True, True)
    """
    state = torch.load(os.fspath(path), weights_only=True)
    config = CartPoleConfig.from_json(state["config"])
    policy = TorchPolicy(OBS_DIM, config.n_hidden)
    policy.load_state_dict(state["policy"])
    opt = torch.optim.RMSprop(policy.parameters(), lr=config.lr, alpha=config.decay, eps=config.eps)
    opt.load_state_dict(state["optimizer"])
    return policy, opt, config
