"""A one-dimensional Gaussian policy for continuous actions, and its score (chapter 2).

The action is a real number drawn as a ~ N(mu, sigma^2). The parameters are
theta = (mu, log sigma): the log keeps sigma positive whatever value gradient ascent
gives it. With z = (a - mu) / sigma,

    log pi_theta(a) = -z^2 / 2 - log sigma - log(2 pi) / 2,
    d log pi / d mu        = (a - mu) / sigma^2 = z / sigma,
    d log pi / d log sigma = z^2 - 1.

The score in mu points from mu towards the action that was taken; the score in log sigma
is positive for an action further than one sigma away (widen, to make it likelier) and
negative for a closer one (narrow). There is no state here: chapter 2 uses the policy on a
one-step problem, and a network that outputs (mu, log sigma) from the state generalises it.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, check_int

LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def check_theta(theta) -> np.ndarray:
    """`theta` as a finite float64 array (mu, log_std) of shape (2,).

    Example:
        >>> check_theta([0, 1])                 # ints become float64
        array([0., 1.])
        >>> check_theta([0.0, 0.0, 0.0])
        Traceback (most recent call last):
        ...
        ValueError: theta must be (mu, log_std), shape (2,), got shape (3,)
    """
    theta = as_finite_array("theta", theta, ndim=1)
    if theta.shape != (2,):
        raise ValueError(f"theta must be (mu, log_std), shape (2,), got shape {theta.shape}")
    return theta


def log_prob(theta, act) -> np.ndarray:
    """log N(act; mu, sigma^2) for theta = (mu, log sigma), elementwise, shape act.shape.

    Example:
        >>> bool(np.isclose(log_prob([0.0, 0.0], 0.0), -0.5 * np.log(2 * np.pi)))
        True
    """
    mu, log_std = check_theta(theta)
    act = as_finite_array("act", act)
    z = (act - mu) / np.exp(log_std)
    return -0.5 * z**2 - log_std - LOG_SQRT_2PI


def grad_log_prob(theta, act) -> np.ndarray:
    """The score (d/d mu, d/d log sigma) of log pi_theta(act), shape act.shape + (2,).

    Example:
        >>> grad_log_prob([1.0, np.log(2.0)], [1.0, 5.0])   # z = 0, then z = 2
        array([[ 0., -1.],
               [ 1.,  3.]])
    """
    mu, log_std = check_theta(theta)
    act = as_finite_array("act", act)
    std = np.exp(log_std)
    z = (act - mu) / std
    return np.stack([z / std, z**2 - 1.0], axis=-1)


def sample_actions(theta, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` independent actions a ~ N(mu, sigma^2), shape (n,).

    Example:
        >>> a = sample_actions([3.0, np.log(0.1)], 100_000, np.random.default_rng(0))
        >>> round(float(a.mean()), 2), round(float(a.std()), 2)
        (3.0, 0.1)
    """
    mu, log_std = check_theta(theta)
    n = check_int("n", n, low=0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    return mu + np.exp(log_std) * rng.standard_normal(n)
