"""Tests for the checker framework in course_lib.exercises: it never raises on a wrong answer,
and neither does any checker of any chapter."""

import importlib
import pkgutil
import re

import numpy as np
import pytest

import course_lib.exercises
from course_lib.exercises import (
    Feedback,
    Wrong,
    as_array,
    as_number,
    call_learner,
    call_on_copies,
    checker,
    diagnose,
    fmt,
    judge,
    need_function,
    right,
)


@checker
def check_double(fn):
    """A toy checker written the way the chapter checkers are."""
    got = as_number(call_learner(fn, 3.0, what="double"), "double(3)")
    if got != 6.0:
        raise Wrong(f"double(3) should be 6, got {got}.")
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
        ("a string", "pass the function itself"),
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
        with pytest.raises(Wrong, match=message.replace("(", r"\(").replace(")", r"\)")):
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


# --- the helpers the chapter checkers share -----------------------------------------------------


def test_as_array_reports_the_shape_before_nan():
    with pytest.raises(Wrong, match=r"shape \(2,\), got shape \(3,\)"):
        as_array([1.0, np.nan, 2.0], "g", (2,))
    with pytest.raises(Wrong, match="array of numbers, got str"):
        as_array("0.5", "g", (2,))


@pytest.mark.parametrize(
    ("fn", "call", "message"),
    [
        (None, None, "replace the ... (or None) with your f, then run the cell again."),
        (..., "check_f(f)", "replace the ... (or None) with your f, then run the cell again."),
        (np.zeros(2), None, "pass the function itself, not its result (got ndarray)."),
        (
            3,
            "check_f(f)",
            "pass the function itself, check_f(f), not the result of calling it (got int).",
        ),
    ],
)
def test_need_function_asks_for_the_function_itself(fn, call, message):
    with pytest.raises(Wrong) as err:
        need_function(fn, "your f", call=call)
    assert err.value.message == message


def test_need_function_accepts_any_callable():
    for fn in (len, lambda x: x, np.zeros, Feedback):
        need_function(fn, "your f")


def test_call_learner_reports_a_none_result_only_when_asked():
    assert call_learner(lambda x: None, 1.0) is None
    with pytest.raises(Wrong, match="^f returned None$"):
        call_learner(lambda x: None, 1.0, none="f returned None")
    assert call_learner(lambda x: 0.0, 1.0, none="f returned None") == 0.0


def test_call_on_copies_protects_the_arrays_and_names_the_changed_ones():
    a, b = np.arange(3.0), np.ones((2, 2))

    def writes_into_b(a, b, scale):
        b[0, 0] = scale
        return a.sum()

    out, changed = call_on_copies(writes_into_b, a, b, 7.0)
    assert out == 3.0 and list(changed) == [1]
    assert changed[1][0, 0] == 7.0  # the copy the function changed, to say how
    np.testing.assert_array_equal(b, np.ones((2, 2)))  # the checker's own array is intact
    out, changed = call_on_copies(lambda a, b, scale: a.sum(), a, b, 7.0)
    assert out == 3.0 and changed == {}
    with pytest.raises(Wrong, match="returned None"):
        call_on_copies(lambda a, b, scale: None, a, b, 7.0, none="it returned None")


def test_fmt_shortens_long_arrays():
    assert fmt([0.5, 1.0]) == "[0.5, 1. ]"
    assert "..." in fmt(np.arange(7.0)) and "..." not in fmt(np.arange(7.0), threshold=8)
    assert fmt(1 / 3) == "0.3333"


def test_diagnose_tries_the_mistakes_in_order():
    mistakes = [
        (False, "a condition that does not hold"),
        (np.array([1.0, 2.0]), "first"),
        (np.bool_(True), "a condition that holds"),
        (np.array([1.0, 2.0]), "second"),
    ]
    assert diagnose(np.array([1.0, 2.0]), mistakes, "other") == "first"
    assert diagnose(np.array([1.0, 3.0]), mistakes, "other") == "a condition that holds"
    assert diagnose(np.array([1.0, 3.0]), mistakes[:2], "other") == "other"
    assert diagnose(1.0, [], "other") == "other"


def test_diagnose_and_judge_use_the_tolerances_given():
    assert diagnose(1.0005, [(1.0, "near")], "far", rtol=0.0, atol=1e-3) == "near"
    assert diagnose(1.0005, [(1.0, "near")], "far") == "far"
    assert judge(0.5004, 0.5, correct="yes", otherwise="no", rtol=0.0, atol=1e-3)
    assert not judge(0.5004, 0.5, correct="yes", otherwise="no")


def test_judge_returns_feedback():
    kwargs = {"correct": "yes", "mistakes": [(-1.0, "the sign")], "otherwise": "no"}
    assert judge(1.0, 1.0, **kwargs) == Feedback(True, "yes")
    assert judge(-1.0, 1.0, **kwargs) == Feedback(False, "the sign")
    assert judge(3.0, 1.0, **kwargs) == Feedback(False, "no")


# --- every checker of every chapter -------------------------------------------------------------

CHAPTERS = sorted(
    info.name
    for info in pkgutil.iter_modules(course_lib.exercises.__path__)
    if re.fullmatch(r"ch\d\d", info.name)
)


def _raises(*args):
    raise RuntimeError("boom")


# What a learner might pass instead of an answer: placeholders, wrong types, wrong shapes,
# NaN, and functions that crash or return nothing useful.
JUNK = [
    None,
    ...,
    "0.5",
    b"0.5",
    True,
    3,
    float("nan"),
    float("inf"),
    [],
    [1.0, 2.0],
    [np.nan] * 4,
    [np.nan] * 7,
    [[1, 2, 3]],
    [[1, 2], [3]],
    np.zeros((2, 2)),
    {"a": 1},
    object(),
    _raises,
    lambda *args: None,
    lambda *args: "text",
    lambda *args: np.full(3, np.nan),
]


def _checkers(chapter: str) -> list:
    """The checkers of course_lib.exercises.<chapter>: the functions named check_* it defines."""
    module = importlib.import_module(f"course_lib.exercises.{chapter}")
    return [
        fn
        for name, fn in sorted(vars(module).items())
        if name.startswith("check_") and getattr(fn, "__module__", None) == module.__name__
    ]


def test_every_chapter_has_checkers():
    assert CHAPTERS[:6] == ["ch01", "ch02", "ch03", "ch04", "ch05", "ch06"]
    for chapter in CHAPTERS:
        assert _checkers(chapter), f"{chapter} has no check_* function"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_checker_raises_on_junk(chapter):
    for check in _checkers(chapter):
        for junk in JUNK:
            with np.errstate(all="ignore"):
                feedback = check(junk)
            where = f"{check.__name__}({junk!r})"
            assert isinstance(feedback, Feedback) and not feedback, where
            assert feedback.message and "Traceback" not in feedback.message, where
            assert "Not yet" in feedback._repr_html_(), where


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_stub_answer_asks_to_replace_the_dots(chapter):
    for check in _checkers(chapter):
        for stub in (..., None):
            feedback = check(stub)
            assert not feedback and "replace the ..." in feedback.message, check.__name__
