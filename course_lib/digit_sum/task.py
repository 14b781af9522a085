"""The digit-sum task: prompts, completions, the 0/1 reward, and the list of all completions.

A prompt is a target sum s in 0 .. (n_tokens - 1) T. A completion is T tokens, the digits
0 .. n_tokens - 1, written left to right. Its reward is 1 if the digits add up to the target,
else 0: a reward a program can check, like the answer of a maths problem. There are
n_tokens^T completions of every prompt, 3^6 = 729 with the default task, so all of them can
be listed. Prompts are drawn uniformly: rho_0(s) = 1 / n_targets.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from course_lib._validate import check_int


@dataclass(frozen=True)
class DigitSumTask:
    """Write `T` digits in 0 .. n_tokens - 1 that add up to the prompt's target.

    Attributes:
        T: the number of tokens of every completion (the episode's length).
        n_tokens: the size of the vocabulary: the digits 0 .. n_tokens - 1.

    Example:
        >>> task = DigitSumTask(T=6, n_tokens=3)
        >>> task.n_targets, task.n_completions
        (13, 729)
    """

    T: int = 6
    n_tokens: int = 3

    def __post_init__(self):
        check_int("T", self.T, low=1)
        check_int("n_tokens", self.n_tokens, low=2)

    @property
    def max_sum(self) -> int:
        """The largest target, (n_tokens - 1) T: every digit the largest.

        Example:
            >>> DigitSumTask(T=6, n_tokens=3).max_sum
            12
        """
        return (self.n_tokens - 1) * self.T

    @property
    def n_targets(self) -> int:
        """The number of prompts, the targets 0 .. max_sum.

        Example:
            >>> DigitSumTask(T=2, n_tokens=3).n_targets
            5
        """
        return self.max_sum + 1

    @property
    def n_completions(self) -> int:
        """The number of completions of every prompt, n_tokens^T.

        Example:
            >>> DigitSumTask(T=2, n_tokens=3).n_completions
            9
        """
        return self.n_tokens**self.T


def check_targets(task: DigitSumTask, targets) -> np.ndarray:
    """`targets` as an int array, checked to be valid prompts of `task` (any shape).

    Example:
        >>> check_targets(DigitSumTask(T=2), [0, 4])
        array([0, 4])
        >>> check_targets(DigitSumTask(T=2), [5])
        Traceback (most recent call last):
        ...
        ValueError: targets must lie in 0 .. 4, got 5 .. 5
    """
    arr = np.asarray(targets)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"targets must be integers, got dtype {arr.dtype}")
    if np.any((arr < 0) | (arr > task.max_sum)):
        raise ValueError(f"targets must lie in 0 .. {task.max_sum}, got {arr.min()} .. {arr.max()}")
    return arr.astype(np.int64)


def check_digits(task: DigitSumTask, digits) -> np.ndarray:
    """`digits` as an int array of shape (..., T), checked to be tokens of `task`.

    Example:
        >>> check_digits(DigitSumTask(T=2), [[0, 2], [1, 1]]).shape
        (2, 2)
        >>> check_digits(DigitSumTask(T=2), [0, 1, 2])
        Traceback (most recent call last):
        ...
        ValueError: digits must have shape (..., 2), got (3,)
    """
    arr = np.asarray(digits)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"digits must be integers, got dtype {arr.dtype}")
    if arr.ndim < 1 or arr.shape[-1] != task.T:
        raise ValueError(f"digits must have shape (..., {task.T}), got {arr.shape}")
    if np.any((arr < 0) | (arr >= task.n_tokens)):
        raise ValueError(f"digits must lie in 0 .. {task.n_tokens - 1}")
    return arr.astype(np.int64)


def reward(task: DigitSumTask, targets, digits) -> np.ndarray:
    """R(tau) = [sum_t a_t = s]: 1.0 if the digits add up to the target, else 0.0.

    Args:
        task: the task.
        targets: the prompts s, shape (...).
        digits: the completions a_0 ... a_{T-1}, shape (..., T).

    Example:
        >>> reward(DigitSumTask(T=3), targets=[3, 3], digits=[[1, 0, 2], [2, 2, 0]])
        array([1., 0.])
    """
    targets, digits = check_targets(task, targets), check_digits(task, digits)
    return (digits.sum(axis=-1) == targets).astype(np.float64)


def all_completions(task: DigitSumTask) -> np.ndarray:
    """Every completion, in lexicographic order, shape (n_tokens^T, T).

    Example:
        >>> all_completions(DigitSumTask(T=2, n_tokens=2))
        array([[0, 0],
               [0, 1],
               [1, 0],
               [1, 1]])
    """
    return np.array(list(itertools.product(range(task.n_tokens), repeat=task.T)), dtype=np.int64)


def n_solutions(task: DigitSumTask) -> np.ndarray:
    """How many completions reach each target, shape (n_targets,), by counting digit by digit.

    Example:
        >>> n_solutions(DigitSumTask(T=3, n_tokens=3))
        array([1, 3, 6, 7, 6, 3, 1])
    """
    counts = np.zeros(task.n_targets, dtype=np.int64)
    counts[0] = 1  # the empty prefix has sum 0
    for _ in range(task.T):  # add one digit: convolve with (1, 1, ..., 1)
        counts = np.convolve(counts, np.ones(task.n_tokens, dtype=np.int64))[: task.n_targets]
    return counts


def sample_targets(task: DigitSumTask, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` prompts drawn from rho_0, uniform over the targets, shape (n,).

    Example:
        >>> sample_targets(DigitSumTask(T=6), 5, np.random.default_rng(0))
        array([11,  8,  6,  3,  4])
    """
    n = check_int("n", n, low=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    return rng.integers(0, task.n_targets, size=n)
