"""Argument checks shared by the library: bad input gets an error that names the argument.

Every public function in course_lib calls these instead of trusting its caller, so a
learner who passes a 2-D array, a NaN or a gamma of 1.5 reads what went wrong instead of
getting a silently wrong answer.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_finite_array(name: str, x, *, ndim: int | None = None) -> np.ndarray:
    """`x` as a float64 array, checked to be numeric, finite and (optionally) `ndim`-D.

    Example:
        >>> as_finite_array("rew", [1, 2])
        array([1., 2.])
        >>> as_finite_array("rew", [[1.0]], ndim=1)
        Traceback (most recent call last):
        ...
        ValueError: rew must be 1-D, got an array of shape (1, 1)
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from err
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or infinite values")
    return arr


def as_real(name: str, x) -> float:
    """`x` as a Python float, checked to be a finite real number (not a bool).

    Example:
        >>> as_real("lr", 1)
        1.0
        >>> as_real("lr", True)
        Traceback (most recent call last):
        ...
        TypeError: lr must be a real number, got bool
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_gamma(gamma) -> float:
    """The discount factor, checked to lie in [0, 1].

    Example:
        >>> [check_gamma(g) for g in (0, 0.99, 1)]
        [0.0, 0.99, 1.0]
    """
    gamma = as_real("gamma", gamma)
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")
    return gamma


def check_open_probability(name: str, p) -> float:
    """A probability strictly inside (0, 1), where the quantities that use it are finite.

    Example:
        >>> check_open_probability("p", 1)  # log(1 - p) would be -inf
        Traceback (most recent call last):
        ...
        ValueError: p must lie strictly between 0 and 1, got 1.0
    """
    p = as_real(name, p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p}")
    return p


def check_int(name: str, n, *, low: int | None = None, high: int | None = None) -> int:
    """`n` as a Python int, checked to be an integer (not a bool) in [low, high] where given.

    The one integer check of the library: counts (episodes, seeds, steps), sizes and indices.

    Example:
        >>> check_int("n_episodes", 8, low=1)
        8
        >>> check_int("n_episodes", 0, low=1)
        Traceback (most recent call last):
        ...
        ValueError: n_episodes must be an integer >= 1, got 0
        >>> check_int("seed", 1.5)
        Traceback (most recent call last):
        ...
        TypeError: seed must be an integer, got float
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}")
    n = int(n)
    if low is not None and high is not None and not low <= n <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {n}")
    if low is not None and n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {n}")
    if high is not None and n > high:
        raise ValueError(f"{name} must be an integer <= {high}, got {n}")
    return n
