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
        (lambda: 6.0, "TypeError"),
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
