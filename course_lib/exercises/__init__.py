"""Exercise checkers: call one with your answer and it says what is right or wrong.

A checker never raises on a wrong answer. A wrong type or shape, a NaN, or a function of
yours that crashes all come back as a `Feedback` with a message that says what to fix.
`Feedback` is truthy only when the answer is right, so the solutions in the book end with
``assert check_...(answer)``, which CI runs.

The checkers for chapter N live in ``course_lib.exercises.chNN``, which imports this module as
``ex``. Every checker has the same shape, built from the pieces here:

- ``@ex.checker`` on the function, which then raises ``ex.Wrong(message)`` at the first problem;
- the answer read with ``ex.as_number`` / ``ex.as_array``, or, for a function the learner
  writes, ``ex.need_function`` and then ``ex.call_learner`` / ``ex.call_on_copies``, which
  run it so that its errors point at the learner's own line;
- the verdict from ``ex.judge`` (right, one of the known mistakes, or a last hint), or, inside
  a loop over test cases, ``ex.diagnose`` for the hint of a failing case; ``ex.fmt`` shows arrays.
"""

from __future__ import annotations

import ast
import functools
import html
import inspect
import textwrap
import traceback
from dataclasses import dataclass

import numpy as np

from course_lib._validate import as_finite_array


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: `correct` and a message for the reader.

    It is truthy only when the answer is right, and shows itself with a mark in front.

    Example:
        >>> Feedback(True, "G_0 is the return of the whole episode.")
        ✔ Correct: G_0 is the return of the whole episode.
        >>> feedback = Feedback(False, "multiply by gamma once per step.")
        >>> bool(feedback), feedback
        (False, ✘ Not yet: multiply by gamma once per step.)
    """

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        mark = "✔ Correct" if self.correct else "✘ Not yet"
        return f"{mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour, mark = ("#1b7f3b", "✔ Correct") if self.correct else ("#b3261e", "✘ Not yet")
        return (
            f'<div style="border-left:4px solid {colour};padding:0.3em 0.8em">'
            f'<b style="color:{colour}">{mark}</b>: {html.escape(self.message)}</div>'
        )


def right(message: str) -> Feedback:
    """The feedback for a right answer.

    Example:
        >>> right("well done.")
        ✔ Correct: well done.
    """
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    """The feedback for a wrong answer.

    Example:
        >>> wrong("the sign is flipped.")
        ✘ Not yet: the sign is flipped.
    """
    return Feedback(False, message)


class Wrong(Exception):
    """Raised inside a checker to stop early with a message for the reader.

    `checker` turns it into the `Feedback` that the learner sees.

    Example:
        >>> @checker
        ... def check_positive(answer):
        ...     if answer <= 0:
        ...         raise Wrong(f"expected a positive number, got {answer}.")
        ...     return right("positive.")
        >>> check_positive(-1)
        ✘ Not yet: expected a positive number, got -1.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checker(fn):
    """Make `fn` safe for learners: a `Wrong` becomes its message, anything else a hint.

    Checkers are written as straight-line code that raises `Wrong` at the first problem.

    Example:
        >>> @checker
        ... def check_double(fn):
        ...     got = as_number(call_learner(fn, 3.0, what="double"), "double(3)")
        ...     if got != 6.0:
        ...         raise Wrong(f"double(3) should be 6, got {got}.")
        ...     return right("double works.")
        >>> check_double(lambda x: 2 * x)
        ✔ Correct: double works.
        >>> check_double(lambda x: x + 1)
        ✘ Not yet: double(3) should be 6, got 4.0.
        >>> check_double(lambda x: {}[x])
        ✘ Not yet: double raised KeyError: 3.0 (in <lambda>, line 1: check_double(lambda x: {}[x]))
    """

    @functools.wraps(fn)
    def safe(*args, **kwargs) -> Feedback:
        try:
            return fn(*args, **kwargs)
        except Wrong as err:
            return wrong(err.message)
        except Exception as err:  # a learner's answer can be anything; never show a traceback
            return wrong(f"checking your answer failed with {type(err).__name__}: {err}")

    return safe


def unanswered(answer) -> bool:
    """Whether `answer` is still the exercise's placeholder, ``...`` or None.

    Example:
        >>> unanswered(...), unanswered(None), unanswered(0.0)
        (True, True, False)
    """
    return answer is None or answer is Ellipsis


def need_answer(answer, what: str) -> None:
    """Stop with a request for `what` while `answer` is still ``...`` or None.

    Example:
        >>> need_answer(0.5, "the probability")  # an answer: nothing happens
        >>> need_answer(..., "the probability")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: replace the ... (or None) with the probability, then run the
        cell again.
    """
    if unanswered(answer):
        raise Wrong(f"replace the ... (or None) with {what}, then run the cell again.")


def need_function(fn, what: str, *, call: str | None = None) -> None:
    """Stop unless `fn` is a function: `what` is asked for while `fn` is ``...`` or None.

    `call`, if given, shows how to pass the function itself to the checker, for a learner who
    passed the result of calling it.

    Example:
        >>> need_function(len, "your function")  # a function: nothing happens
        >>> need_function(..., "your function my_score")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: replace the ... (or None) with your function my_score, then
        run the cell again.
        >>> need_function(0.5, "f", call="check_score(f)")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: pass the function itself, check_score(f),
        not the result of calling it (got float).
    """
    need_answer(fn, what)
    if not callable(fn):
        got = type(fn).__name__
        if call is None:
            raise Wrong(f"pass the function itself, not its result (got {got}).")
        raise Wrong(f"pass the function itself, {call}, not the result of calling it (got {got}).")


def as_number(answer, what: str) -> float:
    """`answer` as a finite float, or a `Wrong` that says what was expected.

    Example:
        >>> as_number(3, "the return"), as_number(np.array([0.5]), "the return")
        (3.0, 0.5)
        >>> as_number("0.5", "the return")
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: expected the return, a number, got str '0.5'.
    """
    need_answer(answer, what)
    if isinstance(answer, (bool, str, bytes)):
        raise Wrong(f"expected {what}, a number, got {type(answer).__name__} {answer!r}.")
    try:
        value = float(np.asarray(answer, dtype=float).item())
    except (TypeError, ValueError):
        raise Wrong(f"expected {what}, a single number, got {type(answer).__name__}.") from None
    if not np.isfinite(value):
        raise Wrong(f"expected {what}, a finite number, got {value}.")
    return value


def as_array(answer, what: str, shape: tuple[int, ...]) -> np.ndarray:
    """`answer` as a finite float array of `shape`, or a `Wrong` that says what was expected.

    A wrong shape is reported before NaN or infinite values.

    Example:
        >>> as_array([1, 2], "the returns", shape=(2,))
        array([1., 2.])
        >>> as_array([1, 2, 3], "the returns", shape=(2,))
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: expected the returns with shape (2,), got shape (3,).
    """
    need_answer(answer, what)
    try:
        arr, finite = as_finite_array(what, answer), True
    except TypeError:
        raise Wrong(f"expected {what}, an array of numbers, got {type(answer).__name__}.") from None
    except ValueError:  # numbers, but NaN or infinite ones: say so after the shape
        arr, finite = np.asarray(answer, dtype=float), False
    if arr.shape != tuple(shape):
        raise Wrong(f"expected {what} with shape {tuple(shape)}, got shape {arr.shape}.")
    if not finite:
        raise Wrong(f"{what} contains NaN or infinite values.")
    return arr


def _describe(value) -> str:
    """A short description of an argument the checker passes: its type, and shape for arrays."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"<{type(value).__name__} of shape {tuple(shape)}>"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return repr(value)
    return f"<{type(value).__name__}>"


def call_learner(fn, *args, what: str = "your function", none: str | None = None):
    """Call a learner's function; any problem becomes a message about the learner's own code.

    Before the call, the arguments are bound to the function's signature, so a function
    with the wrong parameters gets a message that names it, shows its signature and the
    call the checker makes, instead of a traceback into the checker. An exception inside the
    function is reported at the learner's line that raised it (the deepest frame in the
    learner's file), not at a line of NumPy or of this library. With `none`, a function that
    returns None (its body is still ``...``, or it lacks a ``return``) gets that message.

    Example:
        >>> call_learner(lambda x: 2 * x, 3.0)
        6.0
        >>> call_learner(lambda x, y: x, 3.0, what="double")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: double is defined as <lambda>(x, y), but the checker calls
        it with 1 argument, as <lambda>(3.0) (missing a required argument: 'y'). Give your
        function the parameters the exercise asks for.
        >>> call_learner(lambda x: None, 3.0, what="double", none="double returned None.")
        Traceback (most recent call last):
        ...
        course_lib.exercises.Wrong: double returned None.
    """
    need_function(fn, what)
    name = getattr(fn, "__name__", "function")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have no signature: just call them
        signature = None
    if signature is not None:
        try:
            signature.bind(*args)
        except TypeError as err:
            call = ", ".join(_describe(arg) for arg in args)
            n = len(args)
            raise Wrong(
                f"{what} is defined as {name}{signature}, but the checker calls it with "
                f"{n} argument{'s' if n != 1 else ''}, as {name}({call}) ({err}). "
                f"Give your function the parameters the exercise asks for."
            ) from None
    try:
        out = fn(*args)
    except Exception as err:
        frames = traceback.extract_tb(err.__traceback__)[1:]  # drop this function's own frame
        code = getattr(fn, "__code__", None)
        mine = [f for f in frames if code is not None and f.filename == code.co_filename]
        frame = (mine or frames or traceback.extract_tb(err.__traceback__))[-1]
        raise Wrong(
            f"{what} raised {type(err).__name__}: {err} "
            f"(in {frame.name}, line {frame.lineno}: {frame.line})"
        ) from None
    if out is None and none is not None:
        raise Wrong(none)
    return out


def call_on_copies(fn, *args, what: str = "your function", none: str | None = None):
    """`call_learner` on copies of the array arguments: (result, {position: changed copy}).

    The checker's own arrays stay intact, and it can tell a learner whose function writes
    into its inputs (``+=``, or a slice assigned to) which of them it changed, and how.

    Example:
        >>> def discounted(rew, gamma):
        ...     rew *= gamma
        ...     return rew
        >>> rew = np.ones(2)
        >>> out, changed = call_on_copies(discounted, rew, 0.5)
        >>> out, changed, rew
        (array([0.5, 0.5]), {0: array([0.5, 0.5])}, array([1., 1.]))
    """
    copies = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    out = call_learner(fn, *copies, what=what, none=none)
    changed = {
        i: c
        for i, (a, c) in enumerate(zip(args, copies, strict=True))
        if isinstance(a, np.ndarray) and not np.array_equal(a, c)
    }
    return out, changed


def close(a, b, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether `a` and `b` agree to `rtol` (relative) and `atol` (absolute), shape aside.

    Example:
        >>> close([1.0, 2.0], [1.0, 2.0 + 1e-9]), close(0.38, 0.375)
        (True, False)
    """
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def fmt(x, *, threshold: int = 6) -> str:
    """A short, readable form of an array for a message: at most `threshold` entries in full.

    Example:
        >>> fmt([1, 0.5, 1 / 3])
        '[1.    , 0.5   , 0.3333]'
        >>> fmt(np.arange(10.0))
        '[0., 1., 2., ..., 7., 8., 9.]'
    """
    return np.array2string(
        np.asarray(x, dtype=float), separator=", ", threshold=threshold, precision=4
    )


def diagnose(got, mistakes, otherwise: str, *, rtol: float = 1e-6, atol: float = 1e-9) -> str:
    """The message for the first known mistake that `got` matches, else `otherwise`.

    `mistakes` holds pairs (candidate, message), in the order they are tried: a candidate is
    the answer a known slip gives, which matches when `close` to `got`, or a bool, a
    condition the checker worked out itself.

    Example:
        >>> slips = [(-0.5, "the sign is flipped."), (1.0, "gamma is missing.")]
        >>> diagnose(1.0, slips, "start from G_3.")
        'gamma is missing.'
        >>> diagnose(2.0, [(False, "never"), *slips], "start from G_3.")
        'start from G_3.'
    """
    for candidate, message in mistakes:
        if isinstance(candidate, (bool, np.bool_)):
            if candidate:
                return message
        elif close(got, candidate, rtol=rtol, atol=atol):
            return message
    return otherwise


def judge(
    got,
    want,
    *,
    correct: str,
    mistakes=(),
    otherwise: str,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Feedback:
    """Right (with `correct`) when `got` is `close` to `want`, else what `diagnose` finds.

    The one shape of a checker for an answer worked out by hand: the answer, the known slips
    each with its message, and a last hint for any other answer.

    Example:
        >>> slips = [(-0.5, "the sign is flipped.")]
        >>> judge(0.5, 0.5, correct="(a - p) w.", mistakes=slips, otherwise="a - p, times w.")
        ✔ Correct: (a - p) w.
        >>> judge(-0.5, 0.5, correct="(a - p) w.", mistakes=slips, otherwise="a - p, times w.")
        ✘ Not yet: the sign is flipped.
    """
    if close(got, want, rtol=rtol, atol=atol):
        return right(correct)
    return wrong(diagnose(got, mistakes, otherwise, rtol=rtol, atol=atol))


def compare_prediction(prediction, actual: float, *, what: str, rtol: float = 0.1) -> str:
    """Set a learner's guess beside what happened, for the book's "predict, then check" prompts.

    `prediction` is whatever the learner wrote (a number, or still ``...``); `actual` is the
    measured value. Never raises: the answer is a sentence to print, and the chapter then
    asks *why*. A guess within `rtol` (relative) of the value counts as close.

    Example:
        >>> print(compare_prediction(..., 0.25, what="the probability"))
        the probability is 0.25. (Write your guess in the cell above first, then run this again.)
        >>> print(compare_prediction(0.3, 0.25, what="the probability"))
        the probability is 0.25; you predicted 0.3: 20% off.
        >>> print(compare_prediction("a lot", 0.25, what="the probability"))
        the probability is 0.25; your prediction 'a lot' is not a number.
    """
    shown = f"{what} is {actual:.4g}"
    if unanswered(prediction):
        return f"{shown}. (Write your guess in the cell above first, then run this again.)"
    try:
        guess = as_number(prediction, what)
    except Wrong:
        return f"{shown}; your prediction {prediction!r} is not a number."
    scale = abs(actual) if actual != 0 else 1.0
    off = abs(guess - actual) / scale
    if off <= rtol:
        return f"{shown}; you predicted {guess:.4g}: close."
    return f"{shown}; you predicted {guess:.4g}: {off:.0%} off."


def source_without_docstring(fn) -> str:
    """The source of the function `fn` with its docstring left out, to show it plainly.

    Example:
        >>> shown = source_without_docstring(need_function)
        >>> shown.splitlines()[0]
        'def need_function(fn, what: str, *, call: str | None = None) -> None:'
        >>> need_function.__doc__.splitlines()[0] in shown   # the docstring is left out
        False
    """
    source = textwrap.dedent(inspect.getsource(fn))
    body = ast.parse(source).body[0].body
    lines = source.splitlines()
    if isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        del lines[body[0].lineno - 1 : body[0].end_lineno]
    return "\n".join(lines)
