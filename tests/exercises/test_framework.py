"""Tests for the checker framework in course_lib.exercises: it never raises on a wrong answer."""

import numpy as np
import pytest

from course_lib.exercises import (
    Feedback,
    _Wrong,
    as_array,
    as_number,
    call_learner,
    checker,
    right,
)


@checker
def check_double(fn):
    """A toy checker written the way the chapter checkers are."""
    got = as_number(call_learner(fn, 3.0, what="double"), "double(3)")
    if got != 6.0:
        raise _Wrong(f"double(3) should be 6, got {got}.")
    return right("double works.")


def test_feedback_is_truthy_only_when_correct():
    assert Feedback(True, "ok") and not Feedback(False, "no")
    assert "Correct" in repr(Feedback(True, "ok")) and "Not yet" in repr(Feedback(False, "no"))
    assert "&lt;script&gt;" in Feedback(False, "<script>")._repr_html_()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "replace the ..."),
        (..., "replace the ..."),
        ("a string", "to be a function"),
        (lambda x: x, "should be 6, got 3.0"),
        (lambda x: 1 / 0, "ZeroDivisionError"),
        (lambda x: "six", "a number, got str"),
        (lambda x: [1.0, 2.0], "a single number"),
        (lambda x: float("nan"), "finite"),
        (lambda: 6.0, "calls it with 1 argument"),
    ],
)
def test_wrong_answers_get_a_message_not_a_traceback(answer, message):
    feedback = check_double(answer)
    assert isinstance(feedback, Feedback) and not feedback
    assert message in feedback.message


def test_right_answer_passes():
    assert check_double(lambda x: 2 * x)


def test_unexpected_errors_inside_a_checker_are_caught():
    @checker
    def broken(answer):
        raise KeyError("oops")

    feedback = broken(1)
    assert not feedback and "KeyError" in feedback.message


def test_as_array_checks_shape_and_values():
    np.testing.assert_array_equal(as_array([1, 2], "g", (2,)), [1.0, 2.0])
    for bad, message in [
        ([1, 2, 3], "shape (2,)"),
        ([1, np.inf], "NaN or infinite"),
        ({"a": 1}, "array of numbers"),
    ]:
        with pytest.raises(_Wrong, match=message.replace("(", r"\(").replace(")", r"\)")):
            as_array(bad, "g", (2,))


# --- a learner's function with the wrong signature -------------------------------------------


def test_wrong_signature_names_the_learners_function_and_the_call():
    def double_it(x, y):
        return 2 * x

    feedback = check_double(double_it)
    assert not feedback
    assert "double_it(x, y)" in feedback.message  # the learner's own signature
    assert "1 argument, as double_it(3.0)" in feedback.message  # the call the checker makes
    assert "course_lib" not in feedback.message and "line" not in feedback.message


def test_an_error_inside_the_learners_function_points_at_the_learners_line():
    def double_it(x):
        return np.log(x, "not an output array")  # the error is raised inside NumPy

    feedback = check_double(double_it)
    assert not feedback and "TypeError" in feedback.message
    assert "in double_it, line" in feedback.message and "np.log(x" in feedback.message


def _ch01_wrong(rew):
    return rew


def _ch02_wrong(theta, obs, act):
    return theta


def _ch03_wrong(theta):
    return theta


def _ch03_update_wrong(theta, act, rew):
    return theta


@pytest.mark.parametrize(
    ("module", "check", "fn", "want"),
    [
        ("ch01", "check_returns_to_go", _ch01_wrong, "_ch01_wrong(rew)"),
        ("ch02", "check_score_function_estimate", _ch02_wrong, "_ch02_wrong(theta, obs, act)"),
        ("ch03", "check_score_function", _ch03_wrong, "_ch03_wrong(theta)"),
        (
            "ch03",
            "check_reinforce_update",
            _ch03_update_wrong,
            "_ch03_update_wrong(theta, act, rew)",
        ),
        ("ch04", "check_backward", _ch03_wrong, "_ch03_wrong(theta)"),
    ],
)
def test_chapter_checkers_report_a_wrong_signature(module, check, fn, want):
    import importlib

    checker_fn = getattr(importlib.import_module(f"course_lib.exercises.{module}"), check)
    feedback = checker_fn(fn)
    assert isinstance(feedback, Feedback) and not feedback
    assert want in feedback.message, feedback.message
    assert "but the checker calls it with" in feedback.message
    assert "exercises/" not in feedback.message  # no line of the library
