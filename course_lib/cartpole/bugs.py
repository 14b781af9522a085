"""Classic policy-gradient bugs, each one swap away from a working trainer (chapter 6).

`train` is a small REINFORCE-with-baseline trainer for CartPole, built from two pieces that
can be swapped:

    targets_fn(rew, mask, gamma) -> (T, N)     what V fits and what the advantage starts from
    loss_fn(logp, v, target, n_episodes)       -> (policy loss, value loss)

The correct pieces are `targets_per_batch` (G_t standardised over the batch, as chapter 4 does)
and `reference_loss` (advantage = target - V(s_t), V detached). Each bug replaces one piece:

    "no_detach"       the advantage keeps V's graph: the policy loss also trains V
    "wrong_sign"      the policy loss without its minus: gradient DEscent on J
    "history_norm"    G_t standardised with the mean and std of every return seen so far (a
                      stale baseline and scale, not a bias)
    "reset_at_point"  chapter 5's return for Pong (a heuristic), restarted at every non-zero
                      reward: in CartPole every reward is 1, so every target is the same
                      constant, a baseline with nothing left, which says nothing about the actions
    "g0"              every step weighted by G_0 (the whole return) instead of G_t: unbiased for
                      the gradient of the discounted J, a different target from the one the
                      G_t trainer (gamma^t dropped) follows, and noisier

`train` records what a symptom would show: the returns, V's error and V's mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from course_lib._validate import check_int
from course_lib.cartpole.baseline import ValueNet
from course_lib.cartpole.reinforce_torch import TorchPolicy, sample_actions
from course_lib.cartpole.rollout import OBS_DIM, collect_episodes, make_cartpole
from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.returns import discounted_returns, returns_to_go, standardize

BUGS = ("no_detach", "wrong_sign", "history_norm", "reset_at_point", "g0")


def targets_per_batch(rew, mask, gamma: float) -> np.ndarray:
    """G_t standardised over all the steps of this batch, shape (T, N), 0 outside the mask.

    Example:
        >>> rew, mask = np.ones((3, 1)), np.ones((3, 1), dtype=bool)
        >>> targets_per_batch(rew, mask, 1.0).ravel().round(3)       # G = 3, 2, 1
        array([ 1.225,  0.   , -1.225])
    """
    return standardize(returns_to_go(rew, mask, gamma), mask)


def reference_loss(logp, v, target, n_episodes: int):
    """The policy loss -(1/N) sum (target - V) log pi, V detached, and V's loss mean (V - target)^2.

    Example:
        >>> logp = torch.tensor([-0.5, -1.0], requires_grad=True)
        >>> v = torch.tensor([0.0, 1.0], requires_grad=True)
        >>> pl, vl = reference_loss(logp, v, torch.tensor([1.0, 1.0]), n_episodes=1)
        >>> pl.backward()
        >>> v.grad is None                      # the policy loss does not reach V
        True
    """
    adv = target - v.detach()  # the baseline is data here: no gradient flows into V
    policy_loss = -(logp * adv).sum() / n_episodes  # minus: optimisers descend, we climb J
    value_loss = ((v - target) ** 2).mean()
    return policy_loss, value_loss


def loss_no_detach(logp, v, target, n_episodes):
    """Bug "no_detach" (chapter 6's first bug hunt shows this source, docstring removed).

    Example:
        >>> logp, target = torch.tensor([-0.5, -1.0]), torch.ones(2)
        >>> v = torch.zeros(2, requires_grad=True)
        >>> loss_no_detach(logp, v, target, 1)[0].backward()
        >>> v.grad        # the policy loss reaches V through the advantage
        tensor([-0.5000, -1.0000])
    """
    adv = target - v  # the advantage: how much better than expected
    return -(logp * adv).sum() / n_episodes, ((v - target) ** 2).mean()


def loss_wrong_sign(logp, v, target, n_episodes):
    """Bug "wrong_sign": the policy loss lost its minus.

    Example:
        >>> logp, v, target = torch.tensor([-0.5, -1.0]), torch.zeros(2), torch.ones(2)
        >>> wrong, right = loss_wrong_sign(logp, v, target, 1), reference_loss(logp, v, target, 1)
        >>> float(wrong[0]), float(right[0])          # the policy losses: opposite signs
        (-1.5, 1.5)
    """
    adv = target - v.detach()
    return (logp * adv).sum() / n_episodes, ((v - target) ** 2).mean()


class HistoryTargets:
    """BUG "history_norm": G_t standardised with the mean and std of every G_t seen so far.

    Example:
        >>> targets = HistoryTargets()
        >>> ones = lambda n: (np.ones((n, 1)), np.ones((n, 1), dtype=bool))
        >>> targets(*ones(2), 1.0).ravel().round(3)      # G = 2, 1: the first batch is fine
        array([ 1., -1.])
        >>> later = targets(*ones(4), 1.0)               # G = 4, 3, 2, 1, scaled with 2, 1 too
        >>> round(float(later.mean()), 3)                # no longer centred on this batch
        0.312
    """

    def __init__(self):
        self.seen: list[np.ndarray] = []

    def __call__(self, rew, mask, gamma):
        ret = returns_to_go(rew, mask, gamma)
        self.seen.append(ret[mask])
        history = np.concatenate(self.seen)
        return np.where(mask, (ret - history.mean()) / (history.std() + 1e-8), 0.0)


def targets_reset_at_point(rew, mask, gamma):
    """Bug "reset_at_point" (chapter 6's second bug hunt shows this source, docstring removed).

    Example:
        >>> rew = np.array([[0.0], [1.0], [0.0], [1.0]])       # one episode of 4 steps
        >>> mask = np.ones((4, 1), dtype=bool)
        >>> targets_reset_at_point(rew, mask, 0.5)[:, 0].round(2)
        array([-1.,  1., -1.,  1.])
    """
    ret = np.zeros_like(rew)
    for i in range(rew.shape[1]):  # one episode at a time
        n = int(mask[:, i].sum())
        ret[:n, i] = discounted_returns(rew[:n, i], gamma, reset_at_nonzero=True)
    return standardize(ret, mask)


def targets_g0(rew, mask, gamma):
    """Bug "g0": G_0 at every step.

    Example:
        >>> mask = np.array([[True, True], [True, False], [True, False]])   # lengths 3 and 1
        >>> targets_g0(np.ones((3, 2)), mask, 1.0).round(3)   # G_0 = 3 and 1, standardised
        array([[ 0.577, -1.732],
               [ 0.577,  0.   ],
               [ 0.577,  0.   ]])
    """
    ret = returns_to_go(rew, mask, gamma)
    return standardize(np.where(mask, ret[0], 0.0), mask)


def bug_pieces(bug: str | None) -> tuple[Callable, Callable]:
    """(targets_fn, loss_fn) for `bug` (one of BUGS), or the correct pair for None.

    Example:
        >>> bug_pieces(None) == (targets_per_batch, reference_loss)
        True
        >>> bug_pieces("wrong_sign") == (targets_per_batch, loss_wrong_sign)
        True
    """
    if bug is None:
        return targets_per_batch, reference_loss
    pieces = {
        "no_detach": (targets_per_batch, loss_no_detach),
        "wrong_sign": (targets_per_batch, loss_wrong_sign),
        "history_norm": (HistoryTargets(), reference_loss),
        "reset_at_point": (targets_reset_at_point, reference_loss),
        "g0": (targets_g0, reference_loss),
    }
    if bug not in pieces:
        raise ValueError(f"bug must be None or one of {BUGS}, got {bug!r}")
    return pieces[bug]


@dataclass
class SmallRun:
    """What `train` records, one entry per update (batch) unless said otherwise.

    Attributes:
        ep_ret: the mean return of each batch, shape (U,).
        value_err: mean (V(s_t) - target_t)^2 on each batch before the update, shape (U,).
        value_mean: the mean of V(s_t) over each batch, shape (U,).

    Example:
        >>> run = train(seed=0, n_updates=3, n_envs=4)
        >>> run.ep_ret.shape, run.value_err.shape, run.value_mean.shape
        ((3,), (3,), (3,))
    """

    ep_ret: np.ndarray
    value_err: np.ndarray
    value_mean: np.ndarray

    def final(self, n: int = 5) -> float:
        """The mean return over the last `n` batches.

        Example:
            >>> run = SmallRun(np.array([10.0, 20.0, 30.0]), np.zeros(3), np.zeros(3))
            >>> run.final(2), run.final()
            (25.0, 20.0)
        """
        return float(self.ep_ret[-n:].mean())


def train(
    seed: int = 0,
    n_updates: int = 25,
    n_envs: int = 16,
    *,
    bug: str | None = None,
    targets_fn: Callable | None = None,
    loss_fn: Callable | None = None,
    lr: float = 0.03,
    value_lr: float = 0.05,
    gamma: float = 0.99,
) -> SmallRun:
    """A small REINFORCE-with-baseline run on CartPole with the pieces of `bug` (or yours).

    One backward pass of policy loss + value loss per batch, then RMSProp steps the policy and
    Adam steps V, so that a graph left attached shows up as it would in a real trainer.

    Args:
        seed: seeds the weights, the actions and the carts.
        n_updates, n_envs: the number of batches and the episodes per batch.
        bug: None or one of BUGS; overridden by `targets_fn` / `loss_fn` when given.
        targets_fn, loss_fn: your own pieces (see the module docstring).
        lr, value_lr: the step sizes of the policy (RMSProp) and of V (Adam).
        gamma: the discount factor.

    Example:
        >>> run = train(seed=0, n_updates=2, n_envs=4)
        >>> run.ep_ret.shape
        (2,)
    """
    seed = check_int("seed", seed, low=0)
    n_updates = check_int("n_updates", n_updates, low=1)
    n_envs = check_int("n_envs", n_envs, low=1)
    default_targets, default_loss = bug_pieces(bug)
    targets_fn = default_targets if targets_fn is None else targets_fn
    loss_fn = default_loss if loss_fn is None else loss_fn
    if not callable(targets_fn) or not callable(loss_fn):
        raise TypeError("targets_fn and loss_fn must be callable")
    rng = np.random.default_rng(seed)
    policy = TorchPolicy.from_numpy(TwoLayerPolicy(OBS_DIM, 32, rng))
    torch.manual_seed(seed)
    value = ValueNet(OBS_DIM, 32)
    opt = torch.optim.RMSprop(policy.parameters(), lr=lr, alpha=0.99, eps=1e-5)
    vopt = torch.optim.Adam(value.parameters(), lr=value_lr)
    env = make_cartpole(n_envs, seed)
    ep_ret, value_err, value_mean = [], [], []
    for _ in range(n_updates):
        batch = collect_episodes(env, lambda obs: sample_actions(policy, obs, rng))
        target = torch.as_tensor(np.asarray(targets_fn(batch.rew, batch.mask, gamma))[batch.mask])
        x = torch.as_tensor(batch.obs[batch.mask])  # (M, 4)
        act = torch.as_tensor(batch.act[batch.mask], dtype=torch.float64)  # (M,)
        logp = policy.dist(x).log_prob(act)  # (M,)
        v = value(x)  # (M,)
        policy_loss, value_loss = loss_fn(logp, v, target, batch.n_episodes)
        opt.zero_grad()
        vopt.zero_grad()
        (policy_loss + value_loss).backward()
        opt.step()
        vopt.step()
        ep_ret.append(batch.ep_len.mean())
        value_err.append(float(((v.detach() - target) ** 2).mean()))
        value_mean.append(float(v.detach().mean()))
    return SmallRun(np.array(ep_ret), np.array(value_err), np.array(value_mean))
