"""Tests for chapter 2's plot helpers in course_lib.plotting: they draw what they say."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.plotting import (  # noqa: E402
    plot_error_vs_n,
    plot_gaussian_ascent,
    plot_gradient_check,
)


def test_error_plot_reference_line_has_slope_minus_one_half():
    n = np.array([10.0, 100.0, 1000.0])
    ax = plot_error_vs_n(n, 3 / np.sqrt(n) * [1.1, 0.9, 1.0], predicted=3 / np.sqrt(n))
    assert len(ax.lines) == 3 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    x, y = ax.lines[1].get_data()
    assert np.isclose(np.polyfit(np.log(x), np.log(y), 1)[0], -0.5)
    plt.close("all")


def test_helpers_draw_on_the_axes_they_are_given():
    _, axes = plt.subplots(1, 2)
    assert plot_gaussian_ascent(np.zeros((3, 2)), 1.0, ax=axes[0]) is axes[0]
    assert plot_gradient_check([1.0], [1.0], [0.1], ["g"], ax=axes[1]) is axes[1]
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: plot_error_vs_n([1.0, 2.0], [1.0]), "n_grid and rms_error"),
        (lambda: plot_error_vs_n([0.0, 2.0], [1.0, 1.0]), "positive"),
        (lambda: plot_gaussian_ascent(np.zeros((3, 3)), 1.0), "history"),
        (lambda: plot_gradient_check([1.0, 2.0], [1.0, 2.0], [0.1, 0.1], ["a"]), "labels"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError, match=name):
        call()
    plt.close("all")
