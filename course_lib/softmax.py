"""A softmax policy over a vector of logits, with no state: the bandit's policy (chapter 3).

The parameters are one logit per arm, theta of shape (k,), and

    pi_theta(a) = exp(theta[a]) / sum_b exp(theta[b]),
    log pi_theta(a) = theta[a] - log sum_b exp(theta[b]),
    grad_theta log pi_theta(a) = onehot(a) - pi_theta.

Chapter 2's tabular policy (`course_lib.softmax_policy`) has one such row per state; a
bandit has a single state, so its rows collapse to one vector. Every function here also
takes a batch: theta of shape (..., k) holds many independent policies (one per run, in
chapter 3), and act of shape (...) one action for each.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array
from course_lib.softmax_policy import softmax


def check_logits(theta) -> np.ndarray:
    """`theta` as a finite float64 array of shape (..., k) with k >= 1.

    Example:
        >>> check_logits([1, 2, 3])
        array([1., 2., 3.])
        >>> check_logits(0.5)
        Traceback (most recent call last):
        ...
        ValueError: theta must have shape (..., k) with k >= 1 arms, got ()
    """
    theta = as_finite_array("theta", theta)
    if theta.ndim < 1 or theta.shape[-1] < 1:
        raise ValueError(f"theta must have shape (..., k) with k >= 1 arms, got {theta.shape}")
    return theta


def check_actions(act, theta: np.ndarray) -> np.ndarray:
    """`act` as int64 indices in [0, k), one per policy in `theta` (shape theta.shape[:-1]).

    Example:
        >>> check_actions([0, 2], np.zeros((2, 3)))       # two policies over 3 arms
        array([0, 2])
        >>> check_actions(3, np.zeros(3))
        Traceback (most recent call last):
        ...
        ValueError: act must lie in [0, 3), got values from 3 to 3
    """
    if isinstance(act, (str, bytes)) or act is None:
        raise TypeError(f"act must be an integer or an array of integers, got {type(act).__name__}")
    arr = np.asarray(act)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"act must hold integers (arm indices), got dtype {arr.dtype}")
    k = theta.shape[-1]
    if arr.size and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(f"act must lie in [0, {k}), got values from {arr.min()} to {arr.max()}")
    if arr.shape != theta.shape[:-1]:
        raise ValueError(
            f"act must have shape theta.shape[:-1] = {theta.shape[:-1]}, got {arr.shape}"
        )
    return arr.astype(np.int64)


def policy_probs(theta) -> np.ndarray:
    """pi_theta(a) for every arm, shape (..., k); each row sums to 1.

    Example:
        >>> policy_probs([0.0, np.log(3.0)])
        array([0.25, 0.75])
    """
    return softmax(check_logits(theta), axis=-1)


def log_prob(theta, act) -> np.ndarray:
    """log pi_theta(act), shape theta.shape[:-1] (a number for a single policy).

    Computed as theta[act] - logsumexp(theta), which stays finite for logits in the
    thousands, where log(policy_probs(...)) would take the log of an underflowed 0.

    Example:
        >>> round(float(np.exp(log_prob([0.0, np.log(3.0)], 1))), 12)
        0.75
        >>> float(log_prob([0.0, 1000.0], 0))
        -1000.0
    """
    theta = check_logits(theta)
    act = check_actions(act, theta)
    theta_max = theta.max(axis=-1)  # (...,)
    log_norm = theta_max + np.log(np.exp(theta - theta_max[..., None]).sum(axis=-1))  # (...,)
    return np.take_along_axis(theta, act[..., None], axis=-1)[..., 0] - log_norm


def score(theta, act) -> np.ndarray:
    """The score grad_theta log pi_theta(act) = onehot(act) - pi_theta, shape theta.shape.

    The arm that was pulled is pushed up by 1 - pi(act); every other arm b is pushed down
    by pi(b). The entries sum to zero, because adding the same number to every logit leaves
    the policy unchanged.

    Example:
        >>> score([0.0, 0.0, 0.0, 0.0], 2)
        array([-0.25, -0.25,  0.75, -0.25])
        >>> score(np.zeros((2, 2)), [0, 1])       # two policies, one action each
        array([[ 0.5, -0.5],
               [-0.5,  0.5]])
    """
    theta = check_logits(theta)
    act = check_actions(act, theta)
    k = theta.shape[-1]
    return np.eye(k)[act] - policy_probs(theta)  # (..., k)


def sample_from_uniform(pi, u) -> np.ndarray:
    """The arm drawn from probabilities `pi` by inverse-CDF sampling with uniforms `u`.

    The arm is the first a with u < pi[0] + ... + pi[a]. Taking the uniforms as an argument
    (instead of a random generator) lets two implementations be fed the same random numbers
    and compared exactly.

    Args:
        pi: probabilities, shape (..., k), each row summing to 1.
        u: uniforms in [0, 1), shape (...).

    Returns:
        int64 arms, shape (...).

    Example:
        >>> [int(sample_from_uniform([0.2, 0.5, 0.3], u)) for u in (0.1, 0.69, 0.7, 0.99)]
        [0, 1, 2, 2]
    """
    pi = as_finite_array("pi", pi)
    u = as_finite_array("u", u)
    if pi.ndim < 1 or pi.shape[:-1] != u.shape:
        raise ValueError(f"pi must have shape u.shape + (k,), got {pi.shape} and u {u.shape}")
    cdf = np.cumsum(pi, axis=-1)  # (..., k)
    # The number of cumulative probabilities at or below u is the first arm whose cdf exceeds
    # u. The clip guards against a last cdf entry that rounds to just under 1.
    return np.minimum((u[..., None] >= cdf).sum(axis=-1), pi.shape[-1] - 1).astype(np.int64)
