"""The weight each step's grad log pi gets, for a padded batch of episodes (chapter 4).

A REINFORCE update is  g_hat = (1/N) sum_i sum_t w[t, i] grad log pi(a_t | s_t)  and the only
choice left is the weight w. The four kinds compared in chapter 4:

    "total"            R(tau_i) = G_0 of episode i, the same for every step of the episode
    "rtg"              G_t, the return-to-go: only the rewards that follow the action
    "rtg_std"          G_t standardised over all the steps of the batch (per-batch)
    "rtg_std_episode"  G_t standardised within each episode (as 2016-style programs do)

Arrays use the (T, N) layout of `cartpole_rollout.EpisodeBatch`: step t of episode i, valid
where mask[t, i]. Weights are 0 outside the mask.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, check_gamma

WEIGHT_KINDS = ("total", "rtg", "rtg_std", "rtg_std_episode")


def _check_batch(rew, mask) -> tuple[np.ndarray, np.ndarray]:
    rew = as_finite_array("rew", rew, ndim=2)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a bool array, got dtype {mask.dtype}")
    if mask.shape != rew.shape:
        raise ValueError(f"mask must have the shape of rew {rew.shape}, got {mask.shape}")
    return rew, mask


def returns_to_go(rew, mask, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1} for every episode at once, shape (T, N), 0 outside the mask.

    One backward pass over t with vectors of length N, instead of N loops over t.

    Example:
        >>> rew = np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]])   # episodes of 3 and 1 steps
        >>> mask = np.array([[True, True], [True, False], [True, False]])
        >>> returns_to_go(rew, mask, gamma=0.5)
        array([[1.75, 1.  ],
               [1.5 , 0.  ],
               [1.  , 0.  ]])
    """
    rew, mask = _check_batch(rew, mask)
    gamma = check_gamma(gamma)
    ret = np.zeros_like(rew)
    running = np.zeros(rew.shape[1])  # (N,): G_{t+1}, 0 after the end of each episode
    for t in range(rew.shape[0] - 1, -1, -1):
        running = np.where(mask[t], rew[t] + gamma * running, 0.0)
        ret[t] = running
    return ret


def _standardize_masked(x: np.ndarray, mask: np.ndarray, axis=None) -> np.ndarray:
    """(x - mean) / std over the masked entries (along `axis`); 0 where the spread is 0."""
    n = mask.sum(axis=axis, keepdims=True)
    mean = np.where(mask, x, 0.0).sum(axis=axis, keepdims=True) / n
    centred = np.where(mask, x - mean, 0.0)
    std = np.sqrt((centred**2).sum(axis=axis, keepdims=True) / n)
    # An episode of one step (or a batch of equal returns) has no spread: weight 0, not NaN.
    safe = np.where(std > 1e-12 * (1.0 + np.abs(mean)), std, np.inf)
    return centred / safe


def pg_weights(rew, mask, gamma: float, kind: str = "rtg_std") -> np.ndarray:
    """The weight of every step's grad log pi, shape (T, N), 0 outside the mask.

    Args:
        rew: the rewards, shape (T, N).
        mask: True where step t belongs to episode i, shape (T, N), each column starting
            with a run of True (every episode at least one step).
        gamma: the discount factor, in [0, 1].
        kind: one of WEIGHT_KINDS (see the module docstring).

    Example:
        >>> rew = np.ones((3, 2))
        >>> mask = np.array([[True, True], [True, False], [True, False]])
        >>> pg_weights(rew, mask, gamma=1.0, kind="total")   # R = 3 and R = 1
        array([[3., 1.],
               [3., 0.],
               [3., 0.]])
        >>> pg_weights(rew, mask, gamma=1.0, kind="rtg_std").round(3)
        array([[ 1.508, -0.905],
               [ 0.302,  0.   ],
               [-0.905,  0.   ]])
    """
    if kind not in WEIGHT_KINDS:
        raise ValueError(f"kind must be one of {WEIGHT_KINDS}, got {kind!r}")
    rew, mask = _check_batch(rew, mask)
    if rew.shape[0] == 0 or not mask[0].all():
        raise ValueError("mask must start every episode at t = 0 (mask[0] all True)")
    ret = returns_to_go(rew, mask, gamma)  # (T, N)
    if kind == "total":
        return np.where(mask, ret[0], 0.0)  # R(tau_i) = G_0, broadcast over the episode
    if kind == "rtg":
        return ret
    if kind == "rtg_std":
        return _standardize_masked(ret, mask)  # one mean and std for the whole batch
    return _standardize_masked(ret, mask, axis=0)  # one mean and std per episode (column)
