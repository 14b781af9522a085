"""Tests for course_lib/plotting.py: the shared helpers and the core ideas' figures."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.plotting import (
    curve_colors,
    plot_error_vs_n,
    plot_estimators,
    plot_gradient_check,
    plot_mean_std_seeds,
    plot_variances,
    smooth,
)


def test_error_plot_reference_line_has_slope_minus_one_half():
    n = np.array([10.0, 100.0, 1000.0])
    ax = plot_error_vs_n(n, 3 / np.sqrt(n) * [1.1, 0.9, 1.0], predicted=3 / np.sqrt(n))
    assert len(ax.lines) == 3 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    x, y = ax.lines[1].get_data()
    assert np.isclose(np.polyfit(np.log(x), np.log(y), 1)[0], -0.5)
    plt.close("all")


def test_helpers_use_the_given_axes():
    _, ax = plt.subplots()
    assert plot_gradient_check([1.0], [1.0], [0.1], ["g"], ax=ax) is ax
    assert plot_mean_std_seeds({"a": np.ones((2, 4))}, ax=ax, window=2) is ax
    table = {"x": {"mean": np.zeros((2, 2)), "se": np.ones((2, 2)), "total_var": 1.0}}
    assert plot_estimators(table, np.zeros((2, 2)), ax=ax) is ax
    assert plot_variances(table, ax=ax) is ax
    plt.close("all")


def test_mean_std_seeds_cuts_the_band_not_the_mean():
    _, ax = plt.subplots()
    y = np.array([[400.0, 460.0], [500.0, 480.0]])  # the first point's band reaches 500
    plot_mean_std_seeds({"a": y}, ax=ax, window=1, hi=490.0)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() == 490.0 and np.allclose(ax.lines[0].get_ydata(), [450.0, 470.0])
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: plot_error_vs_n([1.0, 2.0], [1.0]), "n_grid and rms_error"),
        (lambda: plot_error_vs_n([0.0, 2.0], [1.0, 1.0]), "positive"),
        (lambda: plot_gradient_check([1.0, 2.0], [1.0, 2.0], [0.1, 0.1], ["a"]), "labels"),
        (lambda: smooth(np.ones(3), 0), "window"),
        (lambda: plot_mean_std_seeds({"a": np.ones(3)}), "curves"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError, match=name):
        call()
    plt.close("all")


def test_smooth_is_a_trailing_mean():
    y = np.arange(10.0)
    s = smooth(y, 3)
    assert s[0] == 0 and s[1] == 0.5 and np.isclose(s[5], 4.0)
    np.testing.assert_allclose(smooth(np.ones((2, 5)), 4), np.ones((2, 5)))
    # from the window-th entry on, every value is the mean of the last `window` entries
    x = np.random.default_rng(0).normal(size=(2, 30))
    want = np.stack([x[:, t - 4 : t + 1].mean(axis=1) for t in range(4, 30)], axis=1)
    np.testing.assert_allclose(smooth(x, 5)[:, 4:], want)


def test_a_label_keeps_its_colour():
    colors = {"a": "C0", "b": "C1"}
    assert curve_colors({"b": 0}, colors) == {"b": "C1"}
    _, ax = plt.subplots()
    plot_mean_std_seeds({"b": np.ones((2, 4))}, ax=ax, colors=colors)
    assert matplotlib.colors.to_hex(ax.lines[0].get_color()) == matplotlib.colors.to_hex("C1")
    with pytest.raises(KeyError, match="colour"):
        curve_colors({"e": 0}, colors)
    plt.close("all")
