"""Tests for chapter 5's checkers: right answers pass, wrong ones get a useful message, junk
never raises."""

import numpy as np
import pytest

from course_lib.exercises import Feedback
from course_lib.exercises.ch05 import (
    POINT_GAMMA,
    POINT_REW,
    check_permute_W1,
    check_point_returns,
    check_prepro,
    prepro_2016,
)
from course_lib.pong.prepro import prepro

JUNK = [None, ..., "a string", b"bytes", {"a": 1}, object(), np.nan, [np.nan] * 7, [[1, 2]], 3]


def raises(*args):
    raise RuntimeError("boom")


@pytest.mark.parametrize("check", [check_prepro, check_point_returns, check_permute_W1])
@pytest.mark.parametrize("junk", [*JUNK, raises, lambda *a: None, lambda *a: "x"])
def test_junk_gets_feedback_not_an_exception(check, junk):
    fb = check(junk)
    assert isinstance(fb, Feedback) and not fb
    assert fb.message and "Traceback" not in fb.message


def test_prepro():
    assert check_prepro(prepro)
    assert check_prepro(lambda f: prepro_2016(f.copy()))
    assert "changed the frame" in check_prepro(prepro_2016).message

    def no_second_background(frame):
        red = frame[35:195:2, ::2, 0]
        return (red != 144).astype(float).ravel()

    assert "pixels differ" in check_prepro(no_second_background).message  # the reset frame


def test_point_returns():
    by_hand = [-0.25, -0.5, -1.0, 0.125, 0.25, 0.5, 1.0]
    assert check_point_returns(by_hand)
    assert check_point_returns(np.array(by_hand))
    no_reset = [-0.234375, -0.46875, -0.9375, 0.125, 0.25, 0.5, 1.0]
    assert "without a reset" in check_point_returns(no_reset).message
    assert "backwards" in check_point_returns(np.cumsum(POINT_REW)).message
    assert "signs" in check_point_returns(np.abs(by_hand)).message
    assert POINT_GAMMA == 0.5 and POINT_REW.shape == (7,)


def test_permute_W1():
    assert check_permute_W1(lambda W1, perm: W1[:, perm])

    def by_loop(W1, perm):
        out = np.empty_like(W1)
        for j, k in enumerate(perm):
            out[:, j] = W1[:, k]
        return out

    assert check_permute_W1(by_loop)
    assert "inverse" in check_permute_W1(lambda W1, perm: W1[:, np.argsort(perm)]).message
    assert "unchanged" in check_permute_W1(lambda W1, perm: W1).message
    assert "differ" in check_permute_W1(lambda W1, perm: -W1[:, perm]).message
    assert "shape" in check_permute_W1(lambda W1, perm: W1.T).message


def test_unfinished_template_says_return():
    def template(*args):
        """The exercise cells as shipped: the body is `...`, so the function returns None."""
        ...

    for check in (check_prepro, check_permute_W1):
        fb = check(template)
        assert not fb and "returned None" in fb.message and "return" in fb.message
