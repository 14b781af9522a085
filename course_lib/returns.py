"""Returns: the discounted sum of rewards from each step onwards (chapter 1, used everywhere).

Notation (see the introduction): the reward r_t follows the action a_t, and the
return-to-go is  G_t = r_t + gamma * r_{t+1} + gamma^2 * r_{t+2} + ... = r_t + gamma * G_{t+1}.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, check_gamma


def discounted_returns(rewards, gamma: float, *, reset_at_nonzero: bool = False) -> np.ndarray:
    """Return-to-go G_t = r_t + gamma * G_{t+1} for every step t, shape (T,), float64.

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
    rew = as_finite_array("rewards", rewards, ndim=1)
    gamma = check_gamma(gamma)
    ret = np.empty_like(rew)
    running = 0.0
    # Walk backwards so each G_t reuses G_{t+1}: one pass, O(T).
    for t in range(rew.size - 1, -1, -1):
        if reset_at_nonzero and rew[t] != 0.0:
            running = 0.0
        running = rew[t] + gamma * running
        ret[t] = running
    return ret


def standardize(x) -> np.ndarray:
    """Shift and scale `x` to zero mean and unit standard deviation, same shape, float64.

    The statistics are taken over all elements. A constant input has no spread to scale by,
    so it maps to zeros rather than to NaN.

    Example:
        >>> standardize([1.0, 2.0, 3.0])
        array([-1.22474487,  0.        ,  1.22474487])
        >>> standardize([5.0, 5.0])
        array([0., 0.])
    """
    x = as_finite_array("x", x)
    if x.size == 0:
        return x
    centred = x - x.mean()
    std = centred.std()
    # A constant input can leave rounding noise of order 1e-16 in `centred`; scaling that
    # up to unit variance would invent a signal, so treat "no spread" as exactly zero.
    if np.ptp(x) == 0.0 or std == 0.0:
        return np.zeros_like(x)
    return centred / std
