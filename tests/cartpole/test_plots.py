"""Tests for course_lib.cartpole.plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.cartpole.plots import plot_learning_curves, plot_weights


def test_learning_curves_are_full_window_moving_averages():
    x = np.random.default_rng(0).normal(100.0, 10.0, size=(3, 30))
    want = np.array([np.convolve(row, np.ones(5) / 5, mode="valid") for row in x])
    ax = plot_learning_curves({"a": x}, window=5)
    episodes, mean = ax.lines[0].get_data()
    np.testing.assert_allclose(mean, want.mean(axis=0))
    assert episodes[0] == 5 and episodes[-1] == 30
    with pytest.raises(ValueError, match="window"):
        plot_learning_curves({"a": np.ones((2, 3))}, window=5)
    plt.close("all")


def test_learning_curves_draw_on_the_given_axes():
    _, ax = plt.subplots()
    curves = {"a": np.full((4, 60), 100.0), "b": np.full((4, 60), 300.0)}
    assert plot_learning_curves(curves, ax=ax, window=10) is ax
    means = [line.get_ydata() for line in ax.lines[:2]]
    assert np.allclose(means[0], 100) and np.allclose(means[1], 300)
    plt.close("all")
    with pytest.raises(TypeError, match="curves"):
        plot_learning_curves({})


def test_plot_weights_one_line_per_episode():
    mask = np.array([[True, True], [True, False]])
    ax = plot_weights(np.ones((2, 2)), mask)
    assert [len(line.get_xdata()) for line in ax.lines[:2]] == [2, 1]
    plt.close("all")
    with pytest.raises(ValueError, match="mask"):
        plot_weights(np.ones((2, 2)), mask[:1])
