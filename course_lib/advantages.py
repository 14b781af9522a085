"""TD errors and generalised advantage estimation, for a padded batch of episodes (chapter 7).

Chapter 6 weighted each score by G_t - V(s_t): the whole rest of the episode, minus a
baseline. The TD error replaces the rest of the episode by one reward and a guess,

    delta_t = r_t + gamma V(s_{t+1}) - V(s_t),

and GAE(lambda) (Schulman et al. 2016) mixes all the lengths in between, with weights that
fall off geometrically:

    A_t = sum_{m >= 0} (gamma lambda)^m delta_{t+m} = delta_t + gamma lambda A_{t+1}.

lambda = 0 gives the one-step TD error (little variance, the bias of V); lambda = 1 gives
sum_m gamma^m delta_{t+m} = G_t - V(s_t) (the sum telescopes), chapter 6's advantage; for an
episode cut by the time limit, the bootstrapped G^_t - V(s_t).

How an episode ends decides V(s_T), the value after its last step:

    terminated  (CartPole's pole fell)    V(s_T) = 0: there is nothing after a terminal state
    truncated   (the 500-step time limit)  V(s_T) = last_values[i], the guess at the state
                                           where the clock cut it: the episode would have gone on

Arrays use the (T, N) layout of `cartpole.rollout.EpisodeBatch`: step t of episode i, valid
where mask[t, i]; each column is a run of True from t = 0. Values outside the mask are ignored
and results are 0 there.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, as_real, check_gamma


def _check_batch(rew, values, mask, last_values, truncated):
    rew = as_finite_array("rew", rew, ndim=2)
    shape = rew.shape
    values = as_finite_array("values", values, ndim=2)
    if values.shape != shape:
        raise ValueError(f"values must have the shape of rew {shape}, got {values.shape}")
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a bool array, got dtype {mask.dtype}")
    if mask.shape != shape:
        raise ValueError(f"mask must have the shape of rew {shape}, got {mask.shape}")
    # Each episode must be one run of steps from t = 0: no True after a False in a column.
    if np.any(mask[1:] & ~mask[:-1]):
        raise ValueError("mask must hold each episode as a run of True from t = 0")
    n = shape[1]
    if truncated is None:
        truncated = np.zeros(n, dtype=bool)
    truncated = np.asarray(truncated)
    if truncated.dtype != bool or truncated.shape != (n,):
        raise ValueError(f"truncated must be a bool array of shape ({n},), got {truncated.shape}")
    if last_values is None:
        if truncated.any():
            raise ValueError("last_values is needed when an episode is truncated")
        last_values = np.zeros(n)
    last_values = as_finite_array("last_values", last_values, ndim=1)
    if last_values.shape != (n,):
        raise ValueError(f"last_values must have shape ({n},), got {last_values.shape}")
    return rew, values, mask, np.where(truncated, last_values, 0.0)


def next_values(values, mask, last_values=None, truncated=None) -> np.ndarray:
    """V(s_{t+1}) for every step, shape (T, N): the next step's value inside an episode, and
    after its last step last_values[i] if it was truncated, 0 if it terminated.

    Example:
        >>> values = np.array([[1.0, 5.0], [2.0, 0.0]])      # episodes of 2 and 1 steps
        >>> mask = np.array([[True, True], [True, False]])
        >>> next_values(values, mask, last_values=np.array([7.0, 9.0]),
        ...             truncated=np.array([True, False]))
        array([[2., 0.],
               [7., 0.]])
    """
    values = as_finite_array("values", values, ndim=2)
    _, values, mask, v_end = _check_batch(
        np.zeros(values.shape), values, mask, last_values, truncated
    )
    nxt = np.zeros_like(values)
    nxt[:-1] = np.where(mask[1:], values[1:], 0.0)  # inside the episode: V(s_{t+1})
    last = mask & ~np.vstack([mask[1:], np.zeros((1, mask.shape[1]), dtype=bool)])  # (T, N)
    nxt = np.where(last, v_end, nxt)  # after the last step: the bootstrap or 0
    return np.where(mask, nxt, 0.0)


def td_errors(rew, values, mask, gamma: float, *, last_values=None, truncated=None) -> np.ndarray:
    """delta_t = r_t + gamma V(s_{t+1}) - V(s_t) for every step, shape (T, N), 0 outside the mask.

    Args:
        rew: the rewards r_t, shape (T, N).
        values: V(s_t) for every step, shape (T, N) (ignored outside the mask).
        mask: True where step t belongs to episode i, shape (T, N), bool.
        gamma: the discount factor, in [0, 1].
        last_values: V(s_T) of the state after each episode's last step, shape (N,); used only
            where `truncated`.
        truncated: True for an episode a time limit cut, shape (N,), bool; default all False
            (every episode ended in a terminal state, V(s_T) = 0).

    Example:
        >>> rew = np.ones((3, 1))
        >>> values = np.array([[2.0], [1.5], [1.0]])
        >>> td_errors(rew, values, np.ones((3, 1), bool), gamma=1.0).ravel()   # fell after 3
        array([0.5, 0.5, 0. ])
        >>> td_errors(rew, values, np.ones((3, 1), bool), gamma=1.0,
        ...           last_values=np.array([4.0]), truncated=np.array([True])).ravel()
        array([0.5, 0.5, 4. ])
    """
    rew, values, mask, _ = _check_batch(rew, values, mask, last_values, truncated)
    gamma = check_gamma(gamma)
    nxt = next_values(values, mask, last_values, truncated)  # (T, N)
    return np.where(mask, rew + gamma * nxt - values, 0.0)


def gae(rew, values, mask, gamma: float, lam: float, *, last_values=None, truncated=None):
    """A_t = sum_m (gamma lambda)^m delta_{t+m}, by A_t = delta_t + gamma lambda A_{t+1},
    shape (T, N), 0 outside the mask.

    The sum stops at the episode's last step (A_T = 0); a truncated episode's bootstrap enters
    through its last delta. The arguments are those of `td_errors`, plus `lam`, lambda in [0, 1].

    Example:
        >>> rew, values = np.ones((3, 1)), np.zeros((3, 1))      # V = 0: delta_t = r_t
        >>> mask = np.ones((3, 1), bool)
        >>> gae(rew, values, mask, gamma=1.0, lam=0.5).ravel()   # 1 + .5 (1 + .5 * 1)
        array([1.75, 1.5 , 1.  ])
        >>> gae(rew, values, mask, gamma=1.0, lam=1.0).ravel()   # G_t - V(s_t) = G_t
        array([3., 2., 1.])
    """
    lam = as_real("lam", lam)
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"lam must lie in [0, 1], got {lam}")
    delta = td_errors(rew, values, mask, gamma, last_values=last_values, truncated=truncated)
    mask = np.asarray(mask)
    adv = np.zeros_like(delta)
    running = np.zeros(delta.shape[1])  # (N,): A_{t+1}, 0 after the end of each episode
    for t in range(delta.shape[0] - 1, -1, -1):
        running = np.where(mask[t], delta[t] + gamma * lam * running, 0.0)
        adv[t] = running
    return adv


def lambda_returns(
    rew, values, mask, gamma: float, lam: float, *, last_values=None, truncated=None
):
    """The value targets A_t + V(s_t), shape (T, N), 0 outside the mask: the lambda-return.

    At lambda = 1 it is the bootstrapped return-to-go G^_t of chapter 6 (G_t for an episode
    that terminated); at lambda = 0 the one-step target r_t + gamma V(s_{t+1}).

    Example:
        >>> rew, values = np.ones((2, 1)), np.array([[10.0], [10.0]])
        >>> mask = np.ones((2, 1), bool)
        >>> lambda_returns(rew, values, mask, 0.5, 1.0, last_values=np.array([8.0]),
        ...                truncated=np.array([True])).ravel()     # 1 + .5 (1 + .5 * 8)
        array([3.5, 5. ])
    """
    adv = gae(rew, values, mask, gamma, lam, last_values=last_values, truncated=truncated)
    return np.where(np.asarray(mask), adv + np.asarray(values, dtype=np.float64), 0.0)
