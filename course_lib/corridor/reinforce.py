"""REINFORCE, with and without a learned baseline, on the short corridor (chapter 6).

This is Sutton & Barto's setting for their Figures 13.1 and 13.2 (Sutton & Barto, 2018):

    features      psi(s, right) = [1, 0],  psi(s, left) = [0, 1]  in every cell (aliased)
    policy        pi(right) = p = exp(theta[0]) / (exp(theta[0]) + exp(theta[1]))
    score         grad log pi(a) = psi(s, a) - [p, 1 - p]
    baseline      V_phi(s) = phi, one number (a constant feature: the states look alike)

and, for every episode, their boxed algorithm: after the episode, for t = 0 ... T-1 in order,

    A_hat = G_t - phi
    phi   = phi + alpha_phi * A_hat                   (grad_phi V_phi = 1)
    theta = theta + alpha_theta * gamma^t * A_hat * grad log pi(a_t | theta)

Sutton & Barto write v_hat(s, w), w and delta for V_phi, phi and A_hat; the book keeps w_t for
the weight of a score and delta for the TD error.

Plain REINFORCE is the same loop with the baseline frozen at phi = 0 (alpha_phi = 0, phi0 = 0).

Details the book leaves open, as arguments:
- update="step" (the default) takes the theta inside grad log pi as it is after the earlier
  steps of the same update, as the box reads; update="episode" takes the theta that played
  the episode, so that the T steps add up to one sampled gradient of J at that theta.
- p_min keeps pi(right) in [p_min, 1 - p_min], for acting and in the score (chapter 6 uses
  0.05; with 0, a large step can drive p towards 0, where episodes and returns grow without
  bound and the next steps are larger still).
- max_steps cuts an episode there; the cut episodes are counted in `n_truncated`.

Two implementations: `reinforce_loop` runs one run with Python floats, step by step, to be read;
`reinforce_runs` runs many runs side by side with NumPy, each run with its own step sizes, to be
fast. Both take their random numbers from `corridor_uniform`, a fixed function of (seed, run,
episode, step), so they can be fed the same numbers and compared run for run.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from course_lib._validate import as_finite_array, check_gamma, check_int
from course_lib.mdp import ShortCorridor
from course_lib.returns import discounted_returns, returns_to_go

# Start at pi(right) = 0.05: the epsilon-greedy-left policy with epsilon = 0.1 (value -82.1).
P_RIGHT0 = 0.05
THETA0 = (0.5 * math.log(P_RIGHT0 / (1 - P_RIGHT0)), -0.5 * math.log(P_RIGHT0 / (1 - P_RIGHT0)))
MAX_STEPS = 100_000  # a guard, not a setting: the chapter's reproduction never comes near it
_GOAL = ShortCorridor.goal
# next_state[s, a] for a = 0 (left) or 1 (right), with the goal as an absorbing fourth row.
_NEXT = np.vstack([ShortCorridor().next_state, [_GOAL, _GOAL]])

_M64 = 0xFFFFFFFFFFFFFFFF


def _mix(x):
    """SplitMix64's finaliser: scrambles 64-bit integers (uint64 array or Python int)."""
    if isinstance(x, int):  # the plain loop: Python ints, masked to 64 bits
        x = (x + 0x9E3779B97F4A7C15) & _M64
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
        return x ^ (x >> 31)
    x = x + np.uint64(0x9E3779B97F4A7C15)  # uint64 arrays wrap around, as the ints above do
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _episode_key(seed, run, episode):
    """The 64-bit key of (seed, run, episode): ints in, int out; arrays in, uint64 array out."""
    if isinstance(run, int):
        return _mix(_mix(_mix(int(seed)) ^ run) ^ int(episode))
    run = np.asarray(run, dtype=np.uint64)
    return _mix(_mix(np.uint64(_mix(int(seed))) ^ run) ^ np.uint64(episode))


def corridor_uniform(seed: int, run, episode: int, t: int):
    """The uniform random number in [0, 1) that decides action a_t of an episode of a run.

    A counter-based generator: the number is a fixed scrambling of (seed, run, episode, t), so
    any implementation can ask for the number it needs, in any order, and get the same one.
    Action a_t is RIGHT when this number is below pi(right).

    Args:
        seed, episode, t: non-negative ints.
        run: a non-negative int (gives a float) or an int array of runs (gives an array).

    Example:
        >>> u = corridor_uniform(0, np.arange(3), episode=5, t=2)
        >>> u.shape, bool(np.all((0 <= u) & (u < 1)))
        ((3,), True)
        >>> float(u[1]) == corridor_uniform(0, 1, episode=5, t=2)
        True
    """
    seed = check_int("seed", seed, low=0)
    episode = check_int("episode", episode, low=0)
    t = check_int("t", t, low=0)
    if isinstance(run, numbers.Integral) and not isinstance(run, bool):
        run = check_int("run", run, low=0)
        return (_mix(_episode_key(seed, run, episode) ^ t) >> 11) * 2.0**-53
    run = np.asarray(run)
    if run.dtype.kind not in "iu" or (run.size and run.min() < 0):
        raise TypeError("run must be a non-negative int or an array of non-negative ints")
    return _uniform_from_key(_episode_key(seed, run, episode), t)


def _uniform_from_key(key: np.ndarray, t: int) -> np.ndarray:
    return (_mix(key ^ np.uint64(t)) >> np.uint64(11)).astype(np.float64) * 2.0**-53


@dataclass(frozen=True)
class CorridorRuns:
    """What `reinforce_runs` returns for R runs of E episodes.

    Attributes:
        ep_ret: the total reward of every episode, shape (R, E).
        p_right: pi(right) at the start of every episode, shape (R, E).
        theta: the policy parameters after the last episode, shape (R, 2).
        phi: the baseline after the last episode, shape (R,).
        max_len: the longest episode of all runs.
        n_truncated: the number of episodes cut at `max_steps`.

    Example:
        >>> runs = reinforce_runs(2**-13, n_runs=3, n_episodes=5)
        >>> runs.ep_ret.shape, runs.p_right.shape, runs.theta.shape, runs.phi.shape
        ((3, 5), (3, 5), (3, 2), (3,))
        >>> int(-runs.ep_ret.min()) == runs.max_len, runs.n_truncated   # -1 for every step
        (True, 0)
    """

    ep_ret: np.ndarray
    p_right: np.ndarray
    theta: np.ndarray
    phi: np.ndarray
    max_len: int
    n_truncated: int


def reinforce_loop(
    alpha_theta: float,
    n_episodes: int,
    *,
    alpha_phi: float = 0.0,
    gamma: float = 1.0,
    seed: int = 0,
    run: int = 0,
    theta0=THETA0,
    phi0: float = 0.0,
    update: str = "step",
    p_min: float = 0.0,
    max_steps: int = MAX_STEPS,
) -> CorridorRuns:
    """One run of (baseline-)REINFORCE on the short corridor, in plain Python, step by step.

    The arguments are those of `reinforce_runs`, for the single run number `run`; alpha_phi = 0
    and phi0 = 0 (the defaults) give plain REINFORCE. The result has R = 1.

    Example:
        >>> r = reinforce_loop(2**-13, n_episodes=3)
        >>> r.ep_ret.shape, round(float(r.p_right[0, 0]), 3)
        ((1, 3), 0.05)
    """
    alpha_theta, alpha_phi, gamma, theta, phi = _check_settings(
        alpha_theta, alpha_phi, gamma, theta0, phi0, 1
    )
    n_episodes = check_int("n_episodes", n_episodes, low=1)
    run = check_int("run", run, low=0)
    max_steps = check_int("max_steps", max_steps, low=1)
    _check_update(update)
    p_min = _check_p_min(p_min)
    th0, th1, phi = float(theta[0, 0]), float(theta[0, 1]), float(phi[0])
    a_phi, a_th = float(alpha_phi[0]), float(alpha_theta[0])
    ep_ret, p_start, max_len, n_truncated = [], [], 0, 0
    for episode in range(n_episodes):
        p_play = _clip(
            0.5 * (1.0 + math.tanh(0.5 * (th0 - th1))), p_min
        )  # fixed while the episode is played
        p_start.append(p_play)
        key = _episode_key(seed, run, episode)
        s, actions = 0, []
        while s != _GOAL and len(actions) < max_steps:  # play the episode
            u = (_mix(key ^ len(actions)) >> 11) * 2.0**-53
            a = 1 if u < p_play else 0  # 1 = right
            actions.append(a)
            s = int(_NEXT[s, a])
        n_truncated += s != _GOAL
        n = len(actions)
        max_len = max(max_len, n)
        rewards = [-1.0] * n  # -1 on every step, the last one included
        ep_ret.append(sum(rewards))
        returns = discounted_returns(rewards, gamma)  # G_t for every step (chapter 1)
        for t in range(n):  # the boxed algorithm, one step at a time
            adv = returns[t] - phi
            phi += a_phi * adv
            p = (
                p_play
                if update == "episode"
                else _clip(0.5 * (1.0 + math.tanh(0.5 * (th0 - th1))), p_min)
            )
            score0 = actions[t] - p  # grad log pi(a_t) = x(a_t) - [p, 1 - p] = [score0, -score0]
            step = a_th * gamma**t * adv * score0
            th0, th1 = th0 + step, th1 - step
    return CorridorRuns(
        ep_ret=np.array([ep_ret]),
        p_right=np.array([p_start]),
        theta=np.array([[th0, th1]]),
        phi=np.array([phi]),
        max_len=max_len,
        n_truncated=int(n_truncated),
    )


def reinforce_runs(
    alpha_theta,
    n_runs: int,
    n_episodes: int,
    *,
    alpha_phi=0.0,
    gamma: float = 1.0,
    seed: int = 0,
    theta0=THETA0,
    phi0=0.0,
    update: str = "step",
    p_min: float = 0.0,
    max_steps: int = MAX_STEPS,
) -> CorridorRuns:
    """R runs of (baseline-)REINFORCE on the short corridor, side by side with NumPy.

    Run i is what `reinforce_loop(..., run=i)` computes, with the same random numbers.

    Args:
        alpha_theta: the policy's step size, a number or one per run, shape (R,).
        n_runs: R.
        n_episodes: E, episodes per run.
        alpha_phi: the baseline's step size, a number or shape (R,); 0 for plain REINFORCE.
        gamma: the discount factor (Sutton & Barto use 1).
        seed: picks the random numbers.
        theta0: the initial theta, shape (2,) or (R, 2); THETA0 starts at pi(right) = 0.05.
        phi0: the initial baseline, a number or shape (R,).
        update: "step" (the score at theta as changed by the earlier steps of the same
            update, as the box reads) or "episode" (at the theta that played the episode).
        p_min: keep pi(right) in [p_min, 1 - p_min]; 0 for no clipping.
        max_steps: cut an episode after this many steps.

    Returns:
        A `CorridorRuns`.

    Example:
        >>> runs = reinforce_runs(np.array([2**-13, 2**-9]), n_runs=2, n_episodes=4,
        ...                       alpha_phi=np.array([0.0, 2**-6]))
        >>> runs.ep_ret.shape, runs.theta.shape
        ((2, 4), (2, 2))
    """
    n_runs = check_int("n_runs", n_runs, low=1)
    n_episodes = check_int("n_episodes", n_episodes, low=1)
    max_steps = check_int("max_steps", max_steps, low=1)
    _check_update(update)
    p_min = _check_p_min(p_min)
    alpha_theta, alpha_phi, gamma, theta, phi = _check_settings(
        alpha_theta, alpha_phi, gamma, theta0, phi0, n_runs
    )
    runs = np.arange(n_runs)
    ep_ret = np.zeros((n_runs, n_episodes))
    p_start = np.zeros((n_runs, n_episodes))
    max_len, n_truncated = 0, 0
    for episode in range(n_episodes):
        p_play = _clip(_sigmoid(theta[:, 0] - theta[:, 1]), p_min)  # (R,)
        p_start[:, episode] = p_play
        key = _episode_key(seed, runs, episode)  # (R,)
        # Play all R episodes in lockstep; a run that has reached the goal waits there.
        s = np.zeros(n_runs, dtype=np.int64)
        acts, alive = [], []
        while len(acts) < max_steps and np.any(s != _GOAL):
            alive.append(s != _GOAL)
            acts.append((_uniform_from_key(key, len(acts)) < p_play).astype(np.int64))  # (R,)
            s = _NEXT[s, acts[-1]]  # the goal row keeps finished runs where they are
        n_truncated += int(np.sum(s != _GOAL))
        act = np.array(acts)  # (L, R): 1 = right
        mask = np.array(alive)  # (L, R): step t belongs to run i's episode
        rew = np.where(mask, -1.0, 0.0)  # (L, R): -1 on every step, the last one included
        ep_ret[:, episode] = rew.sum(axis=0)
        max_len = max(max_len, act.shape[0])
        ret = returns_to_go(rew, mask, gamma)  # (L, R): G_t, 0 after the end of the episode
        disc = gamma ** np.arange(act.shape[0])  # (L,): gamma^t
        adv = np.zeros_like(rew)  # (L, R)
        for t in range(act.shape[0]):  # phi moves step by step: adv[t] needs step t's phi
            adv[t] = np.where(mask[t], ret[t] - phi, 0.0)
            phi = phi + alpha_phi * adv[t]
        if update == "episode":  # every score at the theta that played: the steps add up
            score0 = np.where(mask, act - p_play, 0.0)  # (L, R)
            step = alpha_theta * (disc[:, None] * adv * score0).sum(axis=0)  # (R,)
            theta = theta + step[:, None] * np.array([1.0, -1.0])
        else:
            for t in range(act.shape[0]):
                p = _clip(_sigmoid(theta[:, 0] - theta[:, 1]), p_min)  # (R,): pi at theta now
                step = alpha_theta * disc[t] * adv[t] * np.where(mask[t], act[t] - p, 0.0)
                theta = theta + step[:, None] * np.array([1.0, -1.0])
    return CorridorRuns(
        ep_ret=ep_ret,
        p_right=p_start,
        theta=theta,
        phi=phi,
        max_len=max_len,
        n_truncated=n_truncated,
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow warnings


def _clip(p, p_min: float):
    """pi(right) kept in [p_min, 1 - p_min]; works on floats and arrays."""
    return np.minimum(np.maximum(p, p_min), 1.0 - p_min) if p_min > 0 else p


def _check_p_min(p_min) -> float:
    if isinstance(p_min, bool) or not isinstance(p_min, numbers.Real):
        raise TypeError(f"p_min must be a real number, got {type(p_min).__name__}")
    if not 0.0 <= p_min < 0.5:
        raise ValueError(f"p_min must lie in [0, 0.5), got {p_min}")
    return float(p_min)


def _check_update(update) -> None:
    if update not in ("episode", "step"):
        raise ValueError(f'update must be "episode" or "step", got {update!r}')


def _per_run(name: str, x, n_runs: int, *, positive: bool) -> np.ndarray:
    arr = as_finite_array(name, x)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.shape != (n_runs,)):
        raise ValueError(f"{name} must be a number or have shape ({n_runs},), got {arr.shape}")
    if np.any(arr < 0) or (positive and np.any(arr == 0)):
        raise ValueError(f"{name} must be {'positive' if positive else 'non-negative'}")
    return np.broadcast_to(arr, (n_runs,)).astype(np.float64)


def _check_settings(alpha_theta, alpha_phi, gamma, theta0, phi0, n_runs):
    alpha_theta = _per_run("alpha_theta", alpha_theta, n_runs, positive=True)
    alpha_phi = _per_run("alpha_phi", alpha_phi, n_runs, positive=False)
    if np.any(alpha_phi > 1):
        raise ValueError("alpha_phi must be at most 1 (phi moves past its target otherwise)")
    gamma = check_gamma(gamma)
    theta = as_finite_array("theta0", theta0)
    if theta.shape not in ((2,), (n_runs, 2)):
        raise ValueError(f"theta0 must have shape (2,) or ({n_runs}, 2), got {theta.shape}")
    theta = np.broadcast_to(theta, (n_runs, 2)).astype(np.float64)
    phi = as_finite_array("phi0", phi0)
    if phi.ndim > 1 or (phi.ndim == 1 and phi.shape != (n_runs,)):
        raise ValueError(f"phi0 must be a number or have shape ({n_runs},), got {phi.shape}")
    phi = np.broadcast_to(phi, (n_runs,)).astype(np.float64)
    return alpha_theta, alpha_phi, gamma, theta, phi
