"""One training run on the digit-sum task with one of the four estimators (chapter 7).

Every update draws a fresh batch, N prompts and K completions of each, computes the chosen
estimator's advantages from the batch's 0/1 rewards, and takes one Adam step on the
estimator's loss (`course_lib.digit_sum.estimators.policy_loss`). Runs with the same seed
start from the same parameters and draw the same prompts and the same uniform numbers for
their tokens, so at the first update every estimator sees the same batch, and later ones
differ only because the policies do. The curve we record is J(theta), computed exactly by
listing every completion, so it carries no evaluation noise.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass

import numpy as np
import torch

from course_lib._validate import as_real, check_int
from course_lib.digit_sum.estimators import ESTIMATORS, advantages, policy_loss
from course_lib.digit_sum.exact import expected_reward
from course_lib.digit_sum.policy import DigitPolicy, flat_params, set_flat_params
from course_lib.digit_sum.task import DigitSumTask, reward, sample_targets


@dataclass(frozen=True)
class TrainConfig:
    """The settings of one run. Every estimator gets the same ones.

    Example:
        >>> TrainConfig(n_updates=10).batch_size
        128
        >>> TrainConfig(K=1)
        Traceback (most recent call last):
        ...
        ValueError: K must be an integer >= 2, got 1
    """

    T: int = 6
    """tokens per completion (digits to write)"""
    n_tokens: int = 3
    """the digits 0 .. n_tokens - 1"""
    hidden: int = 32
    """H, the hidden units of the policy"""
    N: int = 16
    """prompts per batch, drawn from rho_0 (uniform over the targets)"""
    K: int = 8
    """completions per prompt: the group size"""
    n_updates: int = 300
    """batches, one Adam step each (or `epochs` for GRPO)"""
    lr: float = 0.01
    """Adam's step size alpha_theta"""
    alpha_phi: float = 0.2
    """the step size of the per-prompt value table V_phi ("value" only)"""
    xi: float = 1e-4
    """GRPO's constant in (R - Gbar) / (sigma_G + xi)"""
    clip_eps: float = 0.2
    """PPO's epsilon in GRPO's clipped surrogate"""
    epochs: int = 1
    """GRPO only: Adam steps on each batch (the clip acts only from the second)"""
    eval_every: int = 5
    """compute the exact J every this many updates"""
    seed: int = 0
    """seeds the first layer, the prompts and the tokens"""

    def __post_init__(self):
        for name in ("T", "hidden", "N", "n_updates", "epochs", "eval_every"):
            check_int(name, getattr(self, name), low=1)
        check_int("n_tokens", self.n_tokens, low=2)
        check_int("K", self.K, low=2)  # a group: every completion has others to compare with
        check_int("seed", self.seed)
        for name in ("lr", "alpha_phi", "xi", "clip_eps"):
            if as_real(name, getattr(self, name)) < 0:
                raise ValueError(f"{name} must be a number >= 0, got {getattr(self, name)!r}")

    @property
    def batch_size(self) -> int:
        """N K, the completions of one batch.

        Example:
            >>> TrainConfig(N=4, K=3).batch_size
            12
        """
        return self.N * self.K

    @property
    def task(self) -> DigitSumTask:
        """The task these settings train on.

        Example:
            >>> TrainConfig(T=4).task
            DigitSumTask(T=4, n_tokens=3)
        """
        return DigitSumTask(T=self.T, n_tokens=self.n_tokens)

    def to_json(self) -> str:
        """The settings as JSON, which is how digit_sum.npz records them (no pickle).

        Example:
            >>> TrainConfig.from_json(TrainConfig(seed=3).to_json()).seed
            3
        """
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        """The settings that `to_json` wrote.

        Example:
            >>> TrainConfig.from_json('{"K": 4, "N": 2}').batch_size
            8
        """
        return cls(**json.loads(text))


@dataclass
class TrainResult:
    """What a run records.

    Attributes:
        kind: the estimator.
        eval_at: the numbers of updates n at which J was computed, shape (E,).
        J: the exact expected reward J(theta^(n)) at those n, shape (E,).
        batch_reward: the mean reward of each update's batch, shape (n_updates,).
        theta: the final parameters, flat (`flat_params`).
        seconds: wall-clock time of the run.

    Example:
        >>> result = train(TrainConfig(T=3, hidden=4, N=2, K=2, n_updates=2, eval_every=1), "rloo")
        >>> result.kind, result.J.shape, result.batch_reward.shape
        ('rloo', (3,), (2,))
    """

    kind: str
    eval_at: np.ndarray
    J: np.ndarray
    batch_reward: np.ndarray
    theta: np.ndarray
    seconds: float


def train(config: TrainConfig, kind: str) -> TrainResult:
    """Train the digit-sum policy with estimator `kind` (one of ESTIMATORS) for one run.

    Example:
        >>> result = train(TrainConfig(n_updates=4, eval_every=2), "rloo")
        >>> result.eval_at.tolist(), round(float(result.J[0]), 4)   # uniform start: 1/13
        ([0, 2, 4], 0.0769)
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    if kind not in ESTIMATORS:
        raise ValueError(f"kind must be one of {ESTIMATORS}, got {kind!r}")
    if config.epochs > 1 and kind != "grpo":
        raise ValueError(
            "epochs > 1 needs the importance ratio: only kind 'grpo' (PPO's clip) may reuse a batch"
        )
    start = time.perf_counter()
    task, N, K = config.task, config.N, config.K
    policy = DigitPolicy(task, hidden=config.hidden, seed=config.seed)
    opt = torch.optim.Adam(policy.parameters(), lr=config.lr)
    rng_prompts = np.random.default_rng([config.seed, 0])  # the same prompts for every kind
    rng_tokens = np.random.default_rng([config.seed, 1])  # the same uniforms for the tokens
    phi = np.zeros(task.n_targets)  # V_phi(s): one number per prompt
    eval_at, J, batch_reward = [], [], np.zeros(config.n_updates)
    for n in range(config.n_updates + 1):
        if n % config.eval_every == 0 or n == config.n_updates:
            eval_at.append(n)
            J.append(expected_reward(policy))
        if n == config.n_updates:
            break
        targets = sample_targets(task, N, rng_prompts)  # (N,)
        digits = policy.sample(np.repeat(targets, K), rng_tokens).reshape(N, K, task.T)
        rew = reward(task, targets[:, None], digits)  # (N, K)
        adv = advantages(kind, rew, values=phi[targets], xi=config.xi)
        logp_old = None
        if kind == "grpo":
            with torch.no_grad():
                logp_old = policy.log_prob_tokens(
                    np.repeat(targets, K), digits.reshape(N * K, task.T)
                ).reshape(N, K, task.T)
        for _ in range(config.epochs):
            loss = policy_loss(
                policy, kind, targets, digits, adv, logp_old=logp_old, clip_eps=config.clip_eps
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
        for i, s in enumerate(targets):  # V_phi learns after the batch has used it
            phi[s] += config.alpha_phi * (rew[i].mean() - phi[s])
        batch_reward[n] = rew.mean()
    return TrainResult(
        kind=kind,
        eval_at=np.array(eval_at),
        J=np.array(J),
        batch_reward=batch_reward,
        theta=flat_params(policy),
        seconds=time.perf_counter() - start,
    )


def trained_policy(config: TrainConfig, kind: str) -> DigitPolicy:
    """The policy at the end of `train(config, kind)`, as a DigitPolicy.

    Example:
        >>> config = TrainConfig(n_updates=3, eval_every=3)
        >>> bool(expected_reward(trained_policy(config, "rloo")) == train(config, "rloo").J[-1])
        True
    """
    result = train(config, kind)
    policy = DigitPolicy(config.task, hidden=config.hidden, seed=config.seed)
    set_flat_params(policy, result.theta)
    return policy
