"""Returns: the discounted sum of rewards from each step onwards (chapter 1, used everywhere).

Notation (see the introduction): the reward r_t follows the action a_t, and the
return-to-go is  G_t = r_t + gamma * G_{t+1} = r_t + gamma * r_{t+1} + gamma^2 * r_{t+2} + ...
with G_T = 0 after the last step. It is computed once, here, walking backwards so that each G_t
reuses G_{t+1}: one pass, O(T).

Two layouts, one computation:

    discounted_returns(rew, gamma)         one episode, shape (T,)         (chapter 1)
    returns_to_go(rew, mask, gamma)        N episodes side by side, shape (T, N), padded;
                                           step t of episode i is valid where mask[t, i]
                                           (chapter 4's batches)

`standardize` is the book's one rule for "shift to mean 0, scale to standard deviation 1",
over all the values or only the masked ones, with no spread mapping to 0 rather than to NaN.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, check_gamma


def returns_to_go(rew, mask, gamma: float, *, reset_at_nonzero: bool = False) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1} for N episodes at once, shape (T, N), 0 outside the mask.

    Args:
        rew: the rewards, shape (T, N): column i is episode i, padded after its end.
        mask: bool, shape (T, N): True where step t belongs to episode i.
        gamma: the discount factor, in [0, 1].
        reset_at_nonzero: restart the sum at every non-zero reward (see `discounted_returns`).

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
    ret = np.zeros_like(rew)  # (T, N)
    running = np.zeros(rew.shape[1])  # (N,): G_{t+1}, 0 after the end of each episode
    for t in range(rew.shape[0] - 1, -1, -1):
        if reset_at_nonzero:  # a point ends a rally: the earlier actions get no credit for it
            running = np.where(rew[t] != 0.0, 0.0, running)
        running = np.where(mask[t], rew[t] + gamma * running, 0.0)
        ret[t] = running
    return ret


def discounted_returns(rewards, gamma: float, *, reset_at_nonzero: bool = False) -> np.ndarray:
    """Return-to-go G_t = r_t + gamma * G_{t+1} for every step t of one episode, shape (T,).

    Args:
        rewards: the rewards r_0 ... r_{T-1} of one episode, 1-D, shape (T,).
        gamma: the discount factor, in [0, 1].
        reset_at_nonzero: restart the sum at every non-zero reward. In Pong a point
            ends a rally, so the actions before one point get no credit for the next.

    Example:
        >>> discounted_returns([1.0, 1.0, 1.0], gamma=0.5)
        array([1.75, 1.5 , 1.  ])
        >>> discounted_returns([0.0, 0.0, -1.0, 0.0, 1.0], gamma=0.5, reset_at_nonzero=True)
        array([-0.25, -0.5 , -1.  ,  0.5 ,  1.  ])
    """
    rew = as_finite_array("rewards", rewards, ndim=1)  # (T,)
    column = rew[:, None]  # (T, 1): one episode is a batch of one
    mask = np.ones(column.shape, dtype=bool)
    return returns_to_go(column, mask, gamma, reset_at_nonzero=reset_at_nonzero)[:, 0]


def standardize(x, mask=None, *, axis=None) -> np.ndarray:
    """(x - mean) / std, same shape as `x`, float64: the book's one standardisation rule.

    Args:
        x: any array.
        mask: optional bool array of x's shape; the mean and the standard deviation are then
            taken over the True entries only, and the result is 0 where mask is False.
        axis: None for one mean and std over everything (chapter 4's per-batch rule), or an
            axis to standardise along (axis=0 on a (T, N) batch: each episode on its own).

    A constant input has no spread to scale by, so it maps to zeros rather than to NaN:
    "no spread" is a standard deviation below 1e-12 (1 + |mean|), where what is left after
    subtracting the mean is rounding noise.

    Example:
        >>> standardize([1.0, 2.0, 3.0])
        array([-1.22474487,  0.        ,  1.22474487])
        >>> standardize([5.0, 5.0])
        array([0., 0.])
        >>> standardize([[1.0, 4.0], [3.0, 0.0]], mask=[[True, True], [True, False]], axis=0)
        array([[-1.,  0.],
               [ 1.,  0.]])
    """
    x = as_finite_array("x", x)
    if mask is None:
        mask = np.ones(x.shape, dtype=bool)
    else:
        x, mask = _check_mask(x, mask)
    if x.size == 0:
        return x
    n = mask.sum(axis=axis, keepdims=True)
    mean = np.where(mask, x, 0.0).sum(axis=axis, keepdims=True) / np.maximum(n, 1)
    centred = np.where(mask, x - mean, 0.0)
    std = np.sqrt((centred**2).sum(axis=axis, keepdims=True) / np.maximum(n, 1))
    # A constant input can leave rounding noise of order 1e-16 in `centred`; scaling that up
    # to unit variance would invent a signal, so treat "no spread" as exactly zero.
    spread = std > 1e-12 * (1.0 + np.abs(mean))
    return centred / np.where(spread, std, np.inf)


def _check_mask(x: np.ndarray, mask) -> tuple[np.ndarray, np.ndarray]:
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a bool array, got dtype {mask.dtype}")
    if mask.shape != x.shape:
        raise ValueError(f"mask must have the shape {x.shape}, got {mask.shape}")
    return x, mask


def _check_batch(rew, mask) -> tuple[np.ndarray, np.ndarray]:
    return _check_mask(as_finite_array("rew", rew, ndim=2), mask)
