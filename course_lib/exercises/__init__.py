"""Exercise checkers: call one with your answer and it says what is right or wrong.

A checker never raises on a wrong answer. A wrong type or shape, a NaN, or a function of
yours that crashes all come back as a `Feedback` with a message that says what to fix.
`Feedback` is truthy only when the answer is right, so the solutions in the book end with
``assert check_...(answer)``, which CI runs.

The checkers for chapter N live in ``course_lib.exercises.chNN``.
"""

from __future__ import annotations

import functools
import html
import inspect
import traceback
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: `correct` and a message for the reader."""

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
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    return Feedback(False, message)


class _Wrong(Exception):
    """Raised inside a checker to stop early with a message for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checker(fn):
    """Make `fn` safe for learners: a `_Wrong` becomes its message, anything else a hint.

    Checkers are written as straight-line code that raises `_Wrong` at the first problem.
    """

    @functools.wraps(fn)
    def safe(*args, **kwargs) -> Feedback:
        try:
            return fn(*args, **kwargs)
        except _Wrong as err:
            return wrong(err.message)
        except Exception as err:  # a learner's answer can be anything; never show a traceback
            return wrong(f"checking your answer failed with {type(err).__name__}: {err}")

    return safe


def unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def need_answer(answer, what: str) -> None:
    if unanswered(answer):
        raise _Wrong(f"replace the ... (or None) with {what}, then run the cell again.")


def as_number(answer, what: str) -> float:
    """`answer` as a finite float, or a `_Wrong` that says what was expected."""
    need_answer(answer, what)
    if isinstance(answer, (bool, str, bytes)):
        raise _Wrong(f"expected {what}, a number, got {type(answer).__name__} {answer!r}.")
    try:
        value = float(np.asarray(answer, dtype=float).item())
    except (TypeError, ValueError):
        raise _Wrong(f"expected {what}, a single number, got {type(answer).__name__}.") from None
    if not np.isfinite(value):
        raise _Wrong(f"expected {what}, a finite number, got {value}.")
    return value


def as_array(answer, what: str, shape: tuple[int, ...]) -> np.ndarray:
    """`answer` as a finite float array of `shape`, or a `_Wrong` that says what was expected."""
    need_answer(answer, what)
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(
            f"expected {what}, an array of numbers, got {type(answer).__name__}."
        ) from None
    if arr.shape != tuple(shape):
        raise _Wrong(f"expected {what} with shape {tuple(shape)}, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise _Wrong(f"{what} contains NaN or infinite values.")
    return arr


def _describe(value) -> str:
    """A short description of an argument the checker passes: its type, and shape for arrays."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"<{type(value).__name__} of shape {tuple(shape)}>"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return repr(value)
    return f"<{type(value).__name__}>"


def call_learner(fn, *args, what: str = "your function"):
    """Call a learner's function; any problem becomes a message about the learner's own code.

    Before the call, the arguments are bound to the function's signature, so a function
    with the wrong parameters gets a message that names it, shows its signature and the
    call the checker makes, instead of a traceback into the checker. An exception inside the
    function is reported at the learner's line that raised it (the deepest frame in the
    learner's file), not at a line of NumPy or of this library.
    """
    need_answer(fn, what)
    if not callable(fn):
        raise _Wrong(f"expected {what} to be a function, got {type(fn).__name__}.")
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
            raise _Wrong(
                f"{what} is defined as {name}{signature}, but the checker calls it with "
                f"{n} argument{'s' if n != 1 else ''}, as {name}({call}) ({err}). "
                f"Give your function the parameters the exercise asks for."
            ) from None
    try:
        return fn(*args)
    except Exception as err:
        frames = traceback.extract_tb(err.__traceback__)[1:]  # drop this function's own frame
        code = getattr(fn, "__code__", None)
        mine = [f for f in frames if code is not None and f.filename == code.co_filename]
        frame = (mine or frames or traceback.extract_tb(err.__traceback__))[-1]
        raise _Wrong(
            f"{what} raised {type(err).__name__}: {err} "
            f"(in {frame.name}, line {frame.lineno}: {frame.line})"
        ) from None


def close(a, b, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


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
    if isinstance(prediction, (bool, str, bytes)):
        return f"{shown}; your prediction {prediction!r} is not a number."
    try:
        guess = float(np.asarray(prediction, dtype=float).item())
    except (TypeError, ValueError):
        return f"{shown}; your prediction {prediction!r} is not a number."
    if not np.isfinite(guess):
        return f"{shown}; your prediction {guess} is not a finite number."
    scale = abs(actual) if actual != 0 else 1.0
    off = abs(guess - actual) / scale
    if off <= rtol:
        return f"{shown}; you predicted {guess:.4g}: close."
    return f"{shown}; you predicted {guess:.4g}: {off:.0%} off."
