"""Tests for chapter 5's checkers (right answers pass, wrong ones get a useful message) and
for the helpers of its experiment on the weights w_j.

That no junk answer makes a checker raise is tested for every chapter in test_framework.py."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # no display in CI

import matplotlib.pyplot as plt

from course_lib.exercises.ch05 import (
    POINT_GAMMA,
    POINT_REW,
    check_permute_W1,
    check_point_returns,
    check_prepro,
    format_rally_table,
    plot_batch_weights,
    prepro_2016,
    rally_table,
)
from course_lib.pong.plots import marked_points
from course_lib.pong.prepro import prepro
from course_lib.returns import discounted_returns, standardize


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
    assert "restarted returns" in check_point_returns([1, 2]).message
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


def test_rally_table_reads_each_rally_of_a_batch():
    games = [np.array([0.0, 1.0, 0.0, 0.0, -1.0]), np.array([0.0, -1.0])]
    w = np.array([0.5, 2.0, 0.3, -0.1, -1.0, 0.2, -3.0])  # (7,): game 1's 5 steps, game 2's 2
    rows = rally_table(games, w)
    got = [(r["game"], r["first"], r["last"], r["point"], r["steps"], r["against"]) for r in rows]
    assert got == [(1, 0, 1, 1, 2, 0), (1, 2, 4, -1, 3, 1), (2, 0, 1, -1, 2, 1)]
    assert [(r["w_first"], r["w_last"]) for r in rows] == [(0.5, 2.0), (0.3, -1.0), (0.2, -3.0)]
    text = format_rally_table(rows).splitlines()
    assert len(text) == 1 + len(rows) and "against" in text[0] and "1 of 3" in text[2]


def test_rally_table_with_the_trainers_weights():
    """With the trainer's weights (reset, gamma 0.99, standardised), each rally's last step
    has the largest weight of its sign, and no step of a batch that is half won, half lost
    is weighted against its point."""
    games = [np.r_[np.zeros(30), 1.0, np.zeros(40), -1.0], np.r_[np.zeros(20), -1.0, 1.0]]
    ret = np.concatenate([discounted_returns(r, 0.99, reset_at_nonzero=True) for r in games])
    rows = rally_table(games, standardize(ret))
    assert [r["point"] for r in rows] == [1, -1, -1, 1]
    assert all(r["against"] == 0 for r in rows)
    assert all(abs(r["w_last"]) >= abs(r["w_first"]) for r in rows)


def test_rally_table_rejects_a_batch_it_cannot_read():
    with pytest.raises(ValueError, match="ending with a point"):
        rally_table([np.array([0.0, 1.0, 0.0])], np.zeros(3))  # the game goes on
    with pytest.raises(ValueError, match="shape"):
        rally_table([np.array([0.0, 1.0])], np.zeros(3))  # one weight too many


def test_plot_batch_weights_marks_every_point():
    games = [np.array([0.0, 1.0, 0.0, -1.0]), np.array([0.0, 0.0, 1.0])]
    w = np.linspace(-1.0, 1.0, 7)
    ax = plot_batch_weights(games, w, w_ref=np.zeros(7))
    assert np.array_equal(marked_points(ax), [1, 3, 6])  # the batch's steps with a point
    assert len(ax.get_lines()) >= 2 and ax.get_ylabel() == "$w_j$"
    plt.close(ax.figure)
