"""Tests for course_lib/exercises/ch01.py: right answers pass, wrong ones get a useful message.

That no junk answer makes a checker raise is tested for every chapter in test_framework.py."""

import math

import numpy as np
import pytest

from course_lib import mdp
from course_lib.exercises import Feedback
from course_lib.exercises.ch01 import (
    BEST_EPSILON,
    BEST_P_GAMMA,
    HAND_GAMMA,
    HAND_REWARDS,
    SLIP,
    TRAJ_ACT,
    TRAJ_OBS,
    TRAJ_P_RIGHT,
    check_best_epsilon,
    check_best_p_discounted,
    check_returns_by_hand,
    check_returns_to_go,
    check_slippery_entry,
    check_trajectory_probability,
)
from course_lib.returns import discounted_returns


def _assert_not_yet(feedback, *fragments):
    assert isinstance(feedback, Feedback)
    assert not feedback, feedback
    assert feedback.message, "a wrong answer needs a message"
    assert "Traceback" not in feedback.message
    for fragment in fragments:
        assert fragment in feedback.message, feedback.message


# --- returns by hand ------------------------------------------------------------------------


def test_returns_by_hand_accepts_the_backward_recursion():
    # G_3 = -1, G_2 = 2 + 0.5 * -1, G_1 = 0 + 0.5 * 1.5, G_0 = 1 + 0.5 * 0.75, worked by hand.
    assert (HAND_REWARDS, HAND_GAMMA) == ((1.0, 0.0, 2.0, -1.0), 0.5)
    assert check_returns_by_hand([1.375, 0.75, 1.5, -1.0])
    assert check_returns_by_hand(np.array([1.375, 0.75, 1.5, -1.0]))


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ([-1.0, 1.5, 0.75, 1.375], "reverse order"),
        ([2.0, 1.0, 1.0, -1.0], "without discounting"),
        ([0.6875, 0.375, 0.75, -0.5], "gamma times too small"),
        ([1.0, 0.5, 1.5, -1.0], "G_3 is right"),
        ([0.0, 0.0, 0.0, 0.0], "G_{t+1}"),
        (1.375, "shape (4,)"),
        ([1.375, 0.75, 1.5], "shape (4,)"),
        ([1.375, np.nan, 1.5, -1.0], "NaN"),
    ],
)
def test_returns_by_hand_explains_mistakes(answer, fragment):
    _assert_not_yet(check_returns_by_hand(answer), fragment)


# --- returns_to_go ----------------------------------------------------------------------------


def _reference(rew, gamma):
    ret = np.zeros(len(rew))
    running = 0.0
    for t in reversed(range(len(rew))):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret


def test_returns_to_go_accepts_a_correct_function():
    assert check_returns_to_go(_reference)
    assert check_returns_to_go(discounted_returns)
    assert check_returns_to_go(lambda rew, gamma: list(_reference(rew, gamma)))


def test_returns_to_go_explains_common_mistakes():
    def undiscounted(rew, gamma):
        return np.cumsum(rew[::-1])[::-1]

    def forward(rew, gamma):
        return np.cumsum(rew)

    def reversed_order(rew, gamma):
        return _reference(rew, gamma)[::-1]

    def in_place(rew, gamma):
        for t in range(len(rew) - 2, -1, -1):
            rew[t] += gamma * rew[t + 1]
        return rew

    def no_return(rew, gamma):
        _reference(rew, gamma)

    def crashes_on_empty(rew, gamma):
        ret = np.zeros(len(rew))
        ret[-1] = rew[-1]
        for t in range(len(rew) - 2, -1, -1):
            ret[t] = rew[t] + gamma * ret[t + 1]
        return ret

    _assert_not_yet(check_returns_to_go(undiscounted), "undiscounted")
    _assert_not_yet(check_returns_to_go(forward), "running sum")
    _assert_not_yet(check_returns_to_go(reversed_order), "reverse order")
    _assert_not_yet(check_returns_to_go(in_place), "changed the rewards")
    _assert_not_yet(check_returns_to_go(no_return), "returned None")
    _assert_not_yet(check_returns_to_go(crashes_on_empty), "IndexError", "raised")
    _assert_not_yet(check_returns_to_go(lambda rew, gamma: np.zeros(7)), "shape")
    _assert_not_yet(check_returns_to_go(_reference(np.ones(3), 0.5)), "the function itself")


def test_returns_to_go_reports_a_crash_without_a_traceback():
    def crashes(rew, gamma):
        return rew / undefined_name  # noqa: F821

    feedback = check_returns_to_go(crashes)
    _assert_not_yet(feedback, "NameError", "undefined_name")


# --- trajectory probability ------------------------------------------------------------------


def _trajectory_probability_by_rolling_the_env():
    """P(tau) from the environment's own table: rho_0 * prod pi(a|s) p(s'|s,a)."""
    env = mdp.ShortCorridor()
    prob = 1.0 if TRAJ_OBS[0] == 0 else 0.0  # the corridor always starts in state 0
    for t, act in enumerate(TRAJ_ACT):
        pi = TRAJ_P_RIGHT if act == 1 else 1.0 - TRAJ_P_RIGHT
        p_next = sum(p for p, s_next, _, _ in env.P[TRAJ_OBS[t]][act] if s_next == TRAJ_OBS[t + 1])
        prob *= pi * p_next
    return prob


def test_trajectory_probability_accepts_the_product():
    want = _trajectory_probability_by_rolling_the_env()
    assert want > 0.0, "the exercise's trajectory must be possible"
    assert math.isclose(want, 0.6**4 * 0.4**2)
    assert check_trajectory_probability(want)
    assert check_trajectory_probability(np.float32(want))


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (0.6**6, "LEFT"),
        (0.4**4 * 0.6**2, "swapped"),
        (1.0, "policy is not"),
        (0.01, "rho_0"),
        (-0.1, "between 0 and 1"),
        (3.0, "between 0 and 1"),
    ],
)
def test_trajectory_probability_explains_mistakes(answer, fragment):
    _assert_not_yet(check_trajectory_probability(answer), fragment)


# --- slippery corridor ------------------------------------------------------------------------

RIGHT_ENTRY = [(1 - SLIP, 3, -1.0, True), (SLIP, 2, -1.0, False)]


def test_slippery_entry_accepts_any_order_and_numpy_types():
    assert check_slippery_entry(RIGHT_ENTRY)
    assert check_slippery_entry(RIGHT_ENTRY[::-1])
    assert check_slippery_entry(
        [(np.float64(0.8), np.int64(3), -1, np.bool_(True)), (0.2, 2, -1, False)]
    )
    # the same outcome split in two is still the same distribution
    assert check_slippery_entry([(0.4, 3, -1.0, True), (0.4, 3, -1.0, True), (0.2, 2, -1.0, False)])


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ((0.8, 3, -1.0, True), "single tuple"),
        ([(1.0, 3, -1.0, True)], "reaches states [3]"),
        ([(0.8, 3, -1.0, True)], "add up to 1"),
        ([(0.2, 3, -1.0, True), (0.8, 2, -1.0, False)], "succeeds with probability"),
        ([(0.8, 3, 0.0, True), (0.2, 2, -1.0, False)], "step into the goal included"),
        ([(0.8, 3, -1.0, False), (0.2, 2, -1.0, False)], "terminated is True exactly"),
        ([(0.8, 3, -1.0, True), (0.2, 2, -1.0, True)], "terminated is True exactly"),
        ([(0.8, 4, -1.0, True), (0.2, 2, -1.0, False)], "state index"),
        ([(0.8, 3.0, -1.0, True), (0.2, 2, -1.0, False)], "state index"),
        ([(0.8, 3, -1.0, "yes"), (0.2, 2, -1.0, False)], "True or False"),
        ([(0.8, 3, -1.0), (0.2, 2, -1.0)], "4-tuple"),
        ([(0.8, 3, None, True), (0.2, 2, -1.0, False)], "reward"),
        ([("a", 3, -1.0, True), (0.2, 2, -1.0, False)], "probability"),
        ("P[2][1]", "expected a list"),
    ],
)
def test_slippery_entry_explains_mistakes(answer, fragment):
    _assert_not_yet(check_slippery_entry(answer), fragment)


# --- best p with discounting -----------------------------------------------------------------


def _v0(p):
    policy = np.tile([1.0 - p, p], (4, 1))
    return mdp.policy_evaluation(mdp.ShortCorridor().P, policy, BEST_P_GAMMA)[0]


def test_best_p_discounted_accepts_the_grid_maximum():
    grid = np.linspace(0.01, 0.99, 9801)  # steps of 1e-4
    best = grid[np.argmax([_v0(p) for p in grid])]
    assert abs(best - mdp.OPTIMAL_P_RIGHT) > 0.005, "discounting should move the optimum"
    assert check_best_p_discounted(best)
    assert check_best_p_discounted(round(float(best), 3))


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (mdp.OPTIMAL_P_RIGHT, "gamma = 1"),
        (0.6, "close"),
        (0.3, "larger p"),
        (0.9, "smaller p"),
        (0.0, "strictly between 0 and 1"),
        (1.0, "strictly between 0 and 1"),
        (-6.045, "not the probability"),
    ],
)
def test_best_p_discounted_explains_mistakes(answer, fragment):
    _assert_not_yet(check_best_p_discounted(answer), fragment)


# --- best epsilon for epsilon-greedy RIGHT ------------------------------------------------------


def _epsilon_greedy_right_value(epsilon):
    """J of the epsilon-greedy RIGHT policy, from the Bellman equations (not the closed form)."""
    p = 1.0 - epsilon / 2.0  # greedy RIGHT, or a random action that is RIGHT half the time
    return mdp.policy_evaluation(mdp.ShortCorridor().P, np.tile([1.0 - p, p], (4, 1)))[0]


def test_best_epsilon_accepts_the_grid_maximum():
    grid = np.linspace(0.001, 0.999, 9981)  # steps of 1e-4
    best = grid[np.argmax([_epsilon_greedy_right_value(eps) for eps in grid])]
    assert abs(best - BEST_EPSILON) < 1e-4
    assert np.isclose(BEST_EPSILON, 2 * np.sqrt(2) - 2)
    assert np.isclose(
        mdp.short_corridor_value(mdp.epsilon_greedy_p_right(best, mdp.RIGHT)), mdp.OPTIMAL_VALUE
    )
    assert check_best_epsilon(best)
    assert check_best_epsilon(round(float(best), 3))
    assert check_best_epsilon(np.float64(0.828))


def test_epsilon_greedy_left_never_reaches_the_best_value():
    # p = epsilon / 2 < 1/2 < p*: more exploration always helps the LEFT policy.
    eps = np.linspace(0.01, 0.99, 99)
    values = [mdp.short_corridor_value(mdp.epsilon_greedy_p_right(e, mdp.LEFT)) for e in eps]
    assert np.all(np.diff(values) > 0) and max(values) < mdp.OPTIMAL_VALUE


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (mdp.OPTIMAL_P_RIGHT, "that is p*"),
        (1.0 - mdp.OPTIMAL_P_RIGHT, "1 - epsilon/2, not 1 - epsilon"),
        (0.82, "close"),
        (0.835, "close"),
        (0.1, "larger epsilon"),
        (0.95, "smaller epsilon"),
        (0.0, "strictly between 0 and 1"),
        (1.0, "strictly between 0 and 1"),
        (1.5, "strictly between 0 and 1"),
        (mdp.OPTIMAL_VALUE, "not the epsilon"),
    ],
)
def test_best_epsilon_explains_mistakes(answer, fragment):
    _assert_not_yet(check_best_epsilon(answer), fragment)
