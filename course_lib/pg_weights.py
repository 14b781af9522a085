"""The weight each step's grad log pi gets, for a padded batch of episodes (chapter 4).

A REINFORCE update is  g_hat = (1/N) sum_i sum_t w[t, i] grad log pi(a_t | s_t)  and the only
choice left is the weight w. The four kinds compared in chapter 4:

    "total"            R(tau_i) = G_0 of episode i, the same for every step of the episode
    "rtg"              G_t, the return-to-go: only the rewards that follow the action
    "rtg_std"          G_t standardised over all the steps of the batch (per-batch)
    "rtg_std_episode"  G_t standardised within each episode (as 2016-style programs do)

Arrays use the (T, N) layout of `cartpole.rollout.EpisodeBatch`: step t of episode i, valid
where mask[t, i]. Weights are 0 outside the mask.
"""

from __future__ import annotations

import numpy as np

from course_lib.returns import returns_to_go, standardize

WEIGHT_KINDS = ("total", "rtg", "rtg_std", "rtg_std_episode")


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
    ret = returns_to_go(rew, mask, gamma)  # (T, N); checks the shapes and the mask's dtype
    mask = np.asarray(mask)
    if ret.shape[0] == 0 or not mask[0].all():
        raise ValueError("mask must start every episode at t = 0 (mask[0] all True)")
    if kind == "total":
        return np.where(mask, ret[0], 0.0)  # R(tau_i) = G_0, broadcast over the episode
    if kind == "rtg":
        return ret
    if kind == "rtg_std":
        return standardize(ret, mask)  # one mean and std for the whole batch
    return standardize(ret, mask, axis=0)  # one mean and std per episode (column)
