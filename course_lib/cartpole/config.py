"""The settings and the result of a CartPole REINFORCE run, shared by both trainers (chapter 4).

`CartPoleConfig` is what `reinforce_numpy.train` and `reinforce_torch.train` take; both return a
`TrainResult`. The config round-trips through JSON (`to_json` / `from_json`), which is how
checkpoints and saved results record it without pickle.

What every CartPole config shares (chapter 6's `BaselineConfig`, chapter 7's `PPOConfig`) is
here too: `JsonConfig`, the JSON round trip, and `check_fields`, the checks of its fields.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

import numpy as np

from course_lib._validate import as_real, check_gamma, check_int
from course_lib.pg_weights import WEIGHT_KINDS


def check_fields(config, *, ints: dict | None = None, reals=(), flags=()) -> None:
    """Check the fields of a frozen config dataclass, from its `__post_init__`.

    Every error names the field. What is left to the config is its own ranges.

    Args:
        config: the dataclass instance.
        ints: field -> the lowest value allowed. Each field is an integer (`check_int`) and is
            stored back as a plain int: NumPy integers do not go to JSON.
        reals: fields that must be finite real numbers (`as_real`); they are kept as given.
        flags: fields that must be True or False.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Demo:
        ...     n: int = 1
        ...     lr: float = 0.1
        ...     def __post_init__(self):
        ...         check_fields(self, ints={"n": 1}, reals=("lr",))
        >>> type(Demo(n=np.int64(3)).n)
        <class 'int'>
        >>> Demo(lr="fast")
        Traceback (most recent call last):
        ...
        TypeError: lr must be a real number, got str
    """
    for name, low in (ints or {}).items():
        object.__setattr__(config, name, check_int(name, getattr(config, name), low=low))
    for name in reals:
        as_real(name, getattr(config, name))
    for name in flags:
        value = getattr(config, name)
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")


class JsonConfig:
    """A config dataclass that round-trips through JSON, which is how checkpoints and saved
    results record it without pickle. `CartPoleConfig` and `PPOConfig` are ones.

    Example:
        >>> from course_lib.cartpole.ppo import PPOConfig
        >>> text = PPOConfig(seed=4, lam=0.9).to_json()
        >>> PPOConfig.from_json(text) == PPOConfig(seed=4, lam=0.9)
        True
    """

    def to_json(self) -> str:
        """The config as a JSON string.

        Example:
            >>> CartPoleConfig.from_json(CartPoleConfig(seed=3).to_json()).seed
            3
        """
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str):
        """The config that `to_json` wrote; unknown keys are an error.

        Example:
            >>> CartPoleConfig.from_json('{"seed": 5, "progress": false}')
            ... # doctest: +ELLIPSIS
            CartPoleConfig(seed=5, n_episodes=1024, ..., progress=False)
            >>> CartPoleConfig.from_json('{"sed": 5}')
            Traceback (most recent call last):
            ...
            ValueError: not a CartPoleConfig: keys ['sed']
        """
        data = json.loads(str(text))
        known = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or not set(data) <= known:
            raise ValueError(f"not a {cls.__name__}: keys {sorted(data)}")
        return cls(**data)


@dataclass(frozen=True)
class CartPoleConfig(JsonConfig):
    """Hyperparameters of one REINFORCE run on CartPole-v1. The defaults are chapter 4's
    configuration.

    How well they do is a measurement, not a guarantee. In the 10-seed run saved in
    book/data/cartpole/weights.npz (seeds 0 to 9, 1,024 episodes each, made by
    `OMP_NUM_THREADS=1 python -m course_lib.cartpole.runs --seeds 10 --out
    book/data/cartpole/weights.npz`), these defaults solved CartPole-v1 (100 fresh episodes
    of the policy averaged >= 475 steps after an update) in 9 of the 10 seeds, after a median
    of 544 episodes over all ten, the unsolved seed counted as never; seed 6 was not solved
    within 1,024 episodes. tests/cartpole/test_config.py checks these numbers against that
    file. Other seeds, NumPy builds or thread counts give other runs.

    Example:
        >>> config = CartPoleConfig(n_episodes=128, n_envs=32, weight="rtg")
        >>> config.n_episodes // config.n_envs           # the number of updates
        4
        >>> CartPoleConfig(n_episodes=100)
        Traceback (most recent call last):
        ...
        ValueError: n_episodes must be a multiple of n_envs = 64, got 100
    """

    seed: int = 0
    """Seeds the initial weights, the action sampling and the carts: same seed, same run."""
    n_episodes: int = 1024
    """The most episodes to run; a multiple of `n_envs`."""
    n_envs: int = 64
    """N, the episodes per update, collected side by side in a vectorised CartPole."""
    n_hidden: int = 32
    """H, the width of the ReLU hidden layer."""
    lr: float = 0.03
    """The RMSProp step size alpha."""
    decay: float = 0.99
    """RMSProp's weight on its old mean square of the gradient."""
    eps: float = 1e-5
    """Added to RMSProp's root mean square, so that a zero gradient does not divide by 0."""
    gamma: float = 0.99
    """The discount factor of the returns-to-go."""
    weight: str = "rtg_std"
    """What multiplies each grad log pi: one of pg_weights.WEIGHT_KINDS."""
    stop_when_solved: bool = False
    """Stop after the first update whose policy is solved: 100 fresh episodes of it average
    >= 475 steps (cartpole.rollout.SolvedJudge)."""
    progress: bool = True
    """Show a progress bar (episodes, mean return of the last 100)."""

    def __post_init__(self):
        ints = {"seed": 0, "n_episodes": 1, "n_envs": 1, "n_hidden": 1}
        flags = ("stop_when_solved", "progress")
        check_fields(self, ints=ints, reals=("lr", "decay", "eps", "gamma"), flags=flags)
        if self.n_episodes % self.n_envs:
            raise ValueError(
                f"n_episodes must be a multiple of n_envs = {self.n_envs}, got {self.n_episodes}"
            )
        if self.lr <= 0 or self.eps <= 0:
            raise ValueError("lr and eps must be positive")
        if not 0 <= self.decay < 1:
            raise ValueError(f"decay must lie in [0, 1), got {self.decay}")
        check_gamma(self.gamma)
        if self.weight not in WEIGHT_KINDS:
            raise ValueError(f"weight must be one of {WEIGHT_KINDS}, got {self.weight!r}")


@dataclass
class TrainResult:
    """What a trainer returns.

    Attributes:
        ep_ret: the (undiscounted) return of every episode, in the order they finished,
            shape (n,). CartPole pays 1 per step, so it equals the episode's length.
        solved_at: the training episodes before the first update after which the policy was
            solved (100 fresh episodes of it averaged >= 475 steps), or None.
        seconds: wall-clock seconds of the whole run, set-up included, judging left out.
        n_steps: the environment steps taken inside episodes.
        policy: the trained policy (a TwoLayerPolicy or a TorchPolicy).
        optimizer: its optimiser (RMSProp or torch.optim.RMSprop), for checkpoints.
        config: the config of the run.

    Example:
        >>> from course_lib.cartpole.reinforce_numpy import train
        >>> result = train(CartPoleConfig(n_episodes=8, n_envs=8, progress=False))
        >>> result.ep_ret.shape, len(result.eval_len), result.solved_at   # one update
        ((8,), 1, None)
        >>> result.n_steps == int(result.ep_ret.sum())     # 1 reward per step
        True
    """

    ep_ret: np.ndarray
    solved_at: int | None
    seconds: float
    n_steps: int
    policy: object
    optimizer: object
    config: CartPoleConfig
    eval_len: np.ndarray
    """The mean length of 100 fresh episodes of the policy after each update, shape (U,)."""
    judge_seconds: float = 0.0
    """The wall-clock seconds spent judging the policy, left out of `seconds`."""


def progress_bar(config: CartPoleConfig, desc: str):
    """A tqdm bar over episodes (a widget in a notebook, text in a terminal); silent when
    `config.progress` is False.

    Example:
        >>> bar = progress_bar(CartPoleConfig(n_episodes=128), "demo")
        >>> bar.total, bar.desc
        (128, 'demo')
        >>> bar.close()
    """
    from tqdm.auto import tqdm  # imported here: the library itself needs no tqdm to load

    return tqdm(total=config.n_episodes, desc=desc, unit="ep", disable=not config.progress)


def advance(bar, ep_ret: list) -> None:
    """Move `bar` to len(ep_ret) episodes and show the mean return of the last 100.

    Example:
        >>> bar = progress_bar(CartPoleConfig(n_episodes=128), "demo")
        >>> advance(bar, [10.0] * 64 + [30.0] * 64)
        >>> bar.n, bar.postfix                # the last 100: 36 tens and 64 thirties
        (128, 'mean100=22.8')
        >>> bar.close()
    """
    bar.update(len(ep_ret) - bar.n)
    bar.set_postfix(mean100=f"{np.mean(ep_ret[-100:]):.1f}", refresh=False)
