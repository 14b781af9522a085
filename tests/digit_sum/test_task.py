"""Tests for the digit-sum task: the reward, the list of completions, the solution counts."""

import itertools

import numpy as np
import pytest

from course_lib.digit_sum.task import (
    DigitSumTask,
    all_completions,
    n_solutions,
    reward,
    sample_targets,
)


@pytest.mark.parametrize("T, n_tokens", [(1, 2), (3, 3), (4, 2), (6, 3)])
def test_solution_counts_match_brute_force(T, n_tokens):
    task = DigitSumTask(T=T, n_tokens=n_tokens)
    counts = np.zeros(task.n_targets, dtype=int)
    for y in itertools.product(range(n_tokens), repeat=T):
        counts[sum(y)] += 1
    np.testing.assert_array_equal(n_solutions(task), counts)
    assert counts.sum() == task.n_completions


def test_all_completions_are_distinct_and_valid():
    task = DigitSumTask(T=4, n_tokens=3)
    y = all_completions(task)
    assert y.shape == (81, 4) and len({tuple(r) for r in y}) == 81
    assert y.min() == 0 and y.max() == 2


def test_reward_is_one_exactly_when_the_digits_add_up():
    task = DigitSumTask(T=3)
    y = all_completions(task)
    for s in range(task.n_targets):
        r = reward(task, np.full(len(y), s), y)
        np.testing.assert_array_equal(r, (y.sum(axis=1) == s).astype(float))
    assert reward(task, [[2], [2]], [[[1, 1, 0]], [[2, 2, 0]]]).tolist() == [[1.0], [0.0]]


def test_bad_input_names_the_argument():
    task = DigitSumTask(T=3)
    with pytest.raises(ValueError, match="targets"):
        reward(task, [7], [[2, 2, 2]])
    with pytest.raises(ValueError, match="digits"):
        reward(task, [1], [[1, 0]])
    with pytest.raises(ValueError, match="digits"):
        reward(task, [1], [[3, 0, 0]])
    with pytest.raises(TypeError, match="targets"):
        reward(task, [1.5], [[1, 0, 0]])
    with pytest.raises(ValueError, match="T"):
        DigitSumTask(T=0)
    with pytest.raises(TypeError, match="n_tokens"):
        DigitSumTask(n_tokens=2.0)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        sample_targets(task, 0, np.random.default_rng(0))


def test_prompts_are_uniform():
    task = DigitSumTask(T=2)
    s = sample_targets(task, 50_000, np.random.default_rng(0))
    freq = np.bincount(s, minlength=task.n_targets) / s.size
    se = np.sqrt(0.2 * 0.8 / s.size)
    assert np.all(np.abs(freq - 0.2) < 4 * se)
