"""Tests for the chapter 3 checkers: right answers pass, typical mistakes get a useful hint."""

import numpy as np
import pytest

from course_lib.exercises import Feedback
from course_lib.exercises.ch02 import SCORE_ACTION, SCORE_STATE, SCORE_THETA
from course_lib.exercises.ch03 import (
    HAND_ACT,
    HAND_THETA,
    MEAN_BASELINE,
    MEAN_PROBS,
    MEAN_THETA,
    check_expected_update,
    check_reinforce_update,
    check_score_by_hand,
    check_score_function,
)


def softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


# --- the score by hand ----------------------------------------------------------------------


def test_score_by_hand_accepts_the_fractions():
    assert check_score_by_hand([7 / 8, -3 / 8, -1 / 2])


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([-7 / 8, 3 / 8, 1 / 2], "sign"),
        ([1 / 8, 3 / 8, 4 / 8], "probabilities"),
        ([1.0, 0.0, 0.0], "onehot(a) alone"),
        ([0.88, -0.38, -0.5], "rounded"),
        ([0.1, 0.2, 0.3], "add up"),
        (None, "replace the ..."),
        (..., "replace the ..."),
        ([1.0, 2.0], "shape"),
    ],
)
def test_score_by_hand_explains_mistakes(answer, hint):
    feedback = check_score_by_hand(answer)
    assert isinstance(feedback, Feedback) and not feedback
    assert hint in feedback.message


def test_hand_exercise_uses_the_documented_numbers():
    assert np.allclose(np.exp(HAND_THETA), [1, 3, 4]) and HAND_ACT == 0


def test_hand_exercise_differs_from_chapter_2s():
    same_logits = np.allclose(HAND_THETA, SCORE_THETA[SCORE_STATE])
    assert not (same_logits and HAND_ACT == SCORE_ACTION)


# --- the score function ---------------------------------------------------------------------


def good_score(theta, act):
    return np.eye(theta.size)[act] - softmax(theta)


def test_score_function_accepts_a_correct_one():
    assert check_score_function(good_score)


def naive_score(theta, act):
    e = np.exp(theta)  # overflows for logits in the thousands
    return np.eye(theta.size)[act] - e / e.sum()


def in_place_score(theta, act):
    theta -= theta.max()
    return good_score(theta, act)


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (lambda theta, act: softmax(theta) - np.eye(theta.size)[act], "sign"),
        (lambda theta, act: np.eye(theta.size)[act], "onehot(act) only"),
        (naive_score, "subtract theta.max()"),
        (in_place_score, "changed the theta"),
        (lambda theta, act: None, "returned None"),
        (lambda theta, act: 1 / 0, "ZeroDivisionError"),
        (lambda theta: theta, "defined as <lambda>(theta), but the checker calls it with 2"),
        (good_score(np.zeros(2), 0), "pass the function itself"),
        (None, "replace the ... (or None) with your my_score function"),
        (..., "replace the ... (or None) with your my_score function"),
    ],
)
def test_score_function_explains_mistakes(fn, hint):
    with np.errstate(all="ignore"):
        feedback = check_score_function(fn)
    assert not feedback and hint in feedback.message


# --- the vectorised update ------------------------------------------------------------------


def good_update(theta, act, rew, alpha):
    score = np.eye(theta.shape[1])[act] - softmax(theta)
    return theta + alpha * rew[:, None] * score


def test_update_accepts_a_correct_one():
    assert check_reinforce_update(good_update)


def in_place_update(theta, act, rew, alpha):
    theta += alpha * rew[:, None] * (np.eye(theta.shape[1])[act] - softmax(theta))
    return theta


def columns_update(theta, act, rew, alpha):
    return theta + alpha * rew[None, :] * (np.eye(theta.shape[1])[act] - softmax(theta))


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (lambda th, a, r, al: 2 * th - good_update(th, a, r, al), "wrong way"),
        (lambda th, a, r, al: good_update(th, a, r, 1.0), "step size alpha"),
        (lambda th, a, r, al: good_update(th, a, np.ones_like(r), al), "its own reward"),
        (in_place_update, "changed the theta"),
        (columns_update, "broadcast"),
        (lambda th, a, r, al: th[0], "shape"),
        (None, "replace the ... (or None) with your reinforce_update function"),
        (..., "replace the ... (or None) with your reinforce_update function"),
        (np.zeros((5, 3)), "pass the function itself"),
    ],
)
def test_update_explains_mistakes(fn, hint):
    feedback = check_reinforce_update(fn)
    assert not feedback and hint in feedback.message, feedback.message


# --- the expected update --------------------------------------------------------------------


def expected_update_by_enumeration():
    """The definition, summed over arm a and reward r in {0, 1}: an oracle by brute force."""
    theta, probs = np.array(MEAN_THETA), np.array(MEAN_PROBS)
    pi = softmax(theta)
    total = np.zeros(3)
    for a in range(3):
        for r, p_r in ((1.0, probs[a]), (0.0, 1.0 - probs[a])):
            total += pi[a] * p_r * (r - MEAN_BASELINE) * (np.eye(3)[a] - pi)
    return total


def test_expected_update_accepts_the_enumerated_sum():
    assert check_expected_update(expected_update_by_enumeration())


def test_expected_update_spots_missing_policy_weights():
    theta, probs = np.array(MEAN_THETA), np.array(MEAN_PROBS)
    pi = softmax(theta)
    unweighted = sum((probs[a] - MEAN_BASELINE) * (np.eye(3)[a] - pi) for a in range(3))
    feedback = check_expected_update(unweighted)
    assert not feedback and "pi(a)" in feedback.message
    assert "is zero" in check_expected_update(np.zeros(3)).message
