"""Whole CartPole-v1 episodes, many at once, from a vectorised environment (chapter 4).

REINFORCE needs complete episodes: the weight of step t, the return-to-go G_t, is only known
once the episode is over. `collect_episodes` runs N copies of CartPole side by side and
returns one complete episode from each, in a padded (T, N) layout with a mask:

    obs[t, i], act[t, i], rew[t, i]    step t of episode i, valid where mask[t, i]
    ep_len[i]                          the number of steps of episode i

Gymnasium's `CartPoleVectorEnv` steps all N carts with one set of NumPy operations. Its
autoreset is "next step": the step after an episode ends does not move that cart but resets
it (the action is ignored, the reward is 0). We never use those steps, because each cart
contributes one episode per batch and `env.reset()` starts every batch afresh.

NumPy only: the PyTorch trainer reuses this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

from course_lib._validate import check_int

OBS_DIM = 4  # cart position, cart velocity, pole angle, pole angular velocity
MAX_LEN = 500  # CartPole-v1 truncates an episode after 500 steps
SOLVED_LEN = 475.0  # "solved": fresh episodes of the policy last this long on average
SOLVED_EPISODES = 100  # ... over this many fresh episodes
SOLVED_WINDOW = 100  # the window of the older rule `solved_at` (kept to show why it misleads)


def make_cartpole(n_envs: int, seed: int) -> CartPoleVectorEnv:
    """`n_envs` CartPole-v1 carts stepped together, seeded with `seed`.

    Example:
        >>> env = make_cartpole(3, seed=0)
        >>> obs, _ = env.reset()
        >>> obs.shape
        (3, 4)
    """
    n_envs = check_int("n_envs", n_envs, low=1)
    seed = check_int("seed", seed, low=0)
    env = CartPoleVectorEnv(num_envs=n_envs, max_episode_steps=MAX_LEN)
    env.reset(seed=seed)  # seeds env.np_random; every later reset() draws from it
    return env


@dataclass(frozen=True)
class EpisodeBatch:
    """One complete episode from each of N carts, padded to the longest, T steps.

    Attributes:
        obs: the observations s_t, shape (T, N, 4), float64.
        act: the actions a_t (0 = push left, 1 = push right), shape (T, N), int64.
        rew: the rewards r_t, shape (T, N), float64; 0 outside the episodes.
        mask: True where step t belongs to episode i, shape (T, N), bool.
        ep_len: the length of each episode, shape (N,), int64.

    Example:
        >>> batch = collect_episodes(make_cartpole(3, seed=0), lambda obs: np.zeros(3, int))
        >>> batch.act.shape == batch.mask.shape == (batch.ep_len.max(), 3)
        True
        >>> bool((batch.mask.sum(axis=0) == batch.ep_len).all())   # the mask marks each episode
        True
    """

    obs: np.ndarray
    act: np.ndarray
    rew: np.ndarray
    mask: np.ndarray
    ep_len: np.ndarray

    @property
    def n_episodes(self) -> int:
        """N, the number of episodes (one per cart).

        Example:
            >>> collect_episodes(make_cartpole(3, seed=0), lambda obs: np.zeros(3, int)).n_episodes
            3
        """
        return int(self.ep_len.size)

    @property
    def n_steps(self) -> int:
        """The number of real steps, sum(ep_len).

        Example:
            >>> batch = collect_episodes(make_cartpole(2, seed=0), lambda obs: np.ones(2, int))
            >>> batch.n_steps, int(batch.mask.sum())      # 10 + 8 steps, padding not counted
            (18, 18)
        """
        return int(self.ep_len.sum())

    def finish_order(self) -> np.ndarray:
        """The episodes' indices in the order they ended (shortest first; ties by index).

        Example:
            >>> batch = collect_episodes(make_cartpole(2, seed=0), lambda obs: np.ones(2, int))
            >>> batch.ep_len, batch.finish_order()
            (array([10,  8]), array([1, 0]))
        """
        return np.argsort(self.ep_len, kind="stable")


def collect_episodes(env: CartPoleVectorEnv, act_fn: Callable) -> EpisodeBatch:
    """Reset every cart, run until each has finished one episode, and return them.

    Args:
        env: from `make_cartpole`; its N sets the batch size.
        act_fn: maps observations of shape (N, 4) to actions of shape (N,) (0 or 1). It is
            called once per step for all carts, finished ones included (their actions are
            not used), so that a policy runs one batched forward pass per step.

    Returns:
        An `EpisodeBatch` with N episodes.

    Example:
        >>> env = make_cartpole(2, seed=0)
        >>> batch = collect_episodes(env, lambda obs: np.ones(len(obs), dtype=int))
        >>> batch.ep_len                      # always pushing right fails fast
        array([10,  8])
        >>> batch.obs.shape, int(batch.rew.sum()), batch.mask.sum(axis=0)
        ((10, 2, 4), 18, array([10,  8]))
    """
    if not isinstance(env, CartPoleVectorEnv):
        raise TypeError(f"env must be a CartPoleVectorEnv, got {type(env).__name__}")
    if not callable(act_fn):
        raise TypeError(f"act_fn must be callable, got {type(act_fn).__name__}")
    n = env.num_envs
    obs_buf = np.zeros((MAX_LEN, n, OBS_DIM))
    act_buf = np.zeros((MAX_LEN, n), dtype=np.int64)
    rew_buf = np.zeros((MAX_LEN, n))
    mask = np.zeros((MAX_LEN, n), dtype=bool)
    ep_len = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    obs, _ = env.reset()
    t = 0
    while alive.any():
        act = np.asarray(act_fn(obs), dtype=np.int64)
        if act.shape != (n,):
            raise ValueError(f"act_fn must return shape ({n},), got {act.shape}")
        obs_buf[t], act_buf[t], mask[t] = obs, act, alive
        obs, rew, terminated, truncated, _ = env.step(act)
        rew_buf[t] = np.where(alive, rew, 0.0)
        ended = alive & (terminated | truncated)
        ep_len[ended] = t + 1
        alive &= ~ended
        t += 1
    return EpisodeBatch(obs_buf[:t], act_buf[:t], rew_buf[:t], mask[:t], ep_len)


def fresh_episode_lengths(act_fn: Callable, n_episodes: int = SOLVED_EPISODES, seed: int = 0):
    """The lengths of `n_episodes` fresh episodes of a policy, on carts of their own, shape (n,).

    "Solved" is a property of a policy, so it is judged on the policy itself: new episodes,
    from start states drawn with `seed`, none of them used for training. `act_fn` is called
    as in `collect_episodes` (give it its own random generator, so that judging a policy does
    not change the random numbers its training draws).

    Example:
        >>> always_right = lambda obs: np.ones(len(obs), dtype=int)
        >>> fresh_episode_lengths(always_right, n_episodes=3, seed=0)
        array([9, 9, 8])
    """
    n_episodes = check_int("n_episodes", n_episodes, low=1)
    return collect_episodes(make_cartpole(n_episodes, seed), act_fn).ep_len


def policy_solved(lengths, *, threshold: float = SOLVED_LEN) -> bool:
    """True when fresh episodes of a policy (`fresh_episode_lengths`) average >= `threshold`.

    Example:
        >>> policy_solved([500] * 95 + [20] * 5), policy_solved([500] * 94 + [20] * 6)
        (True, False)
    """
    lengths = np.asarray(lengths, dtype=np.float64)
    if lengths.ndim != 1 or lengths.size == 0:
        raise ValueError(f"lengths must be a non-empty 1-D array, got shape {lengths.shape}")
    return bool(lengths.mean() >= threshold)


class SolvedJudge:
    """Judges a trainer's policy after every update on fresh episodes, and keeps the record.

    A trainer calls `judge(sample, n_trained)` after each update, with `sample(obs, rng)` its
    policy's action sampler and `n_trained` the training episodes so far. The judge runs
    `fresh_episode_lengths` with its own generator (seeded from the run's seed, apart from
    training's), so a run takes the same actions whether it is judged or not, and times
    itself, so that a trainer can leave judging out of its clock.

    Attributes:
        eval_len: the mean length of the fresh episodes after each update so far.
        solved_at: the training episodes before the first update whose policy passed, or None.
        seconds: the time spent judging.

    Example:
        >>> judge = SolvedJudge(seed=0, n_episodes=10)
        >>> judge(lambda obs, rng: np.ones(len(obs), dtype=int), n_trained=64)
        False
        >>> len(judge.eval_len), judge.solved_at
        (1, None)
    """

    def __init__(self, seed: int, n_episodes: int = SOLVED_EPISODES):
        self.rng = np.random.default_rng([check_int("seed", seed, low=0), 1])  # not training's
        self.n_episodes = check_int("n_episodes", n_episodes, low=1)
        self.eval_len: list[float] = []
        self.solved_at: int | None = None
        self.seconds = 0.0

    def __call__(self, sample: Callable, n_trained: int) -> bool:
        """Judge the policy behind `sample` now; True once it has passed (now or before)."""
        start = time.perf_counter()
        lengths = fresh_episode_lengths(
            lambda obs: sample(obs, self.rng), self.n_episodes, int(self.rng.integers(2**31))
        )
        self.eval_len.append(float(lengths.mean()))
        if self.solved_at is None and policy_solved(lengths):
            self.solved_at = int(n_trained)
        self.seconds += time.perf_counter() - start
        return self.solved_at is not None


def solved_at(ep_len, *, threshold: float = SOLVED_LEN, window: int = SOLVED_WINDOW):
    """The number of episodes after which the mean of the last `window` lengths first reaches
    `threshold`, or None. `ep_len` lists the episodes in the order they finished.

    This is the common "last 100 episodes" rule. The trainers no longer use it: over batches of
    episodes listed shortest first, a window that ends at a batch boundary holds the previous
    batch's longest episodes, and a window mixes the episodes of several policies. Chapter 4
    compares it with `policy_solved`, which judges the policy itself.

    Example:
        >>> solved_at([10] * 50 + [500] * 200)   # episodes 46..145: (5 * 10 + 95 * 500) / 100
        145
        >>> solved_at([500] * 99) is None           # fewer than 100 episodes: not yet
        True
    """
    ep_len = np.asarray(ep_len, dtype=np.float64)
    if ep_len.ndim != 1:
        raise ValueError(f"ep_len must be 1-D, got shape {ep_len.shape}")
    window = check_int("window", window, low=1)
    if ep_len.size < window:
        return None
    csum = np.concatenate([[0.0], np.cumsum(ep_len)])
    means = (csum[window:] - csum[:-window]) / window  # mean of episodes k-window .. k-1
    hits = np.flatnonzero(means >= threshold)
    return None if hits.size == 0 else int(hits[0] + window)
