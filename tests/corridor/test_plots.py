"""Tests for course_lib/corridor/plots.py: each helper returns its Axes and draws what it says."""

import matplotlib

matplotlib.use("Agg")  # no display in CI

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.corridor.plots import plot_corridor_curves, plot_short_corridor_value
from course_lib.mdp import OPTIMAL_P_RIGHT, OPTIMAL_VALUE, short_corridor_value


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_short_corridor_value_makes_axes_with_curve_optimum_and_two_epsilon_greedy_marks():
    ax = plot_short_corridor_value()
    assert isinstance(ax, matplotlib.axes.Axes)
    curve, optimum, eps_right, eps_left = ax.lines
    p, v = curve.get_data()
    assert len(p) == 500 and 0.0 < p.min() and p.max() < 1.0
    np.testing.assert_allclose(v, (2 * p - 4) / (p * (1 - p)))
    # The drawn maximum sits next to the marked optimum, which is the closed form's.
    assert abs(p[np.argmax(v)] - OPTIMAL_P_RIGHT) < 2e-3
    np.testing.assert_allclose(optimum.get_data(), [[OPTIMAL_P_RIGHT], [OPTIMAL_VALUE]])
    np.testing.assert_allclose(eps_right.get_data(), [[0.95], [short_corridor_value(0.95)]])
    np.testing.assert_allclose(eps_left.get_data(), [[0.05], [short_corridor_value(0.05)]])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    right, left = (f"{short_corridor_value(p):.1f}" for p in (0.95, 0.05))  # the closed form
    assert len(labels) == 4 and right in labels[2] and left in labels[3]


def test_short_corridor_value_draws_on_the_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_short_corridor_value(ax=right, epsilon=None) is right
    assert len(right.lines) == 2 and len(left.lines) == 0
    assert right.get_ylim() == (-100.0, 0.0)


def test_short_corridor_value_follows_epsilon():
    ax = plot_short_corridor_value(epsilon=0.3, n_points=50)
    assert len(ax.lines[0].get_xdata()) == 50
    np.testing.assert_allclose(ax.lines[2].get_xdata(), [0.85])
    np.testing.assert_allclose(ax.lines[3].get_xdata(), [0.15])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"epsilon": 0.0}, ValueError, "epsilon"),
        ({"epsilon": 1.5}, ValueError, "epsilon"),
        ({"n_points": 1}, ValueError, "n_points"),
        ({"n_points": 2.5}, TypeError, "n_points"),
    ],
)
def test_short_corridor_value_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        plot_short_corridor_value(**kwargs)


def test_corridor_curves_draw_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_corridor_curves({"a": -np.ones((2, 4))}, -11.7, ax=ax) is ax
    with pytest.raises(TypeError, match="curves"):
        plot_corridor_curves({}, -1.0)
    plt.close("all")


def test_a_label_keeps_its_colour_across_panels():
    curves = {k: -np.ones((2, 4)) for k in ("a", "b", "c", "d")}
    colors = {k: f"C{i}" for i, k in enumerate(curves)}
    _, (ax1, ax2) = plt.subplots(1, 2)
    plot_corridor_curves({k: curves[k] for k in "abc"}, -1.0, ax=ax1, colors=colors)
    plot_corridor_curves({k: curves[k] for k in "bd"}, -1.0, ax=ax2, colors=colors)
    drawn = {}
    for ax in (ax1, ax2):
        for line in ax.lines[:-1]:  # the last line is J^*
            drawn.setdefault(line.get_label(), set()).add(
                matplotlib.colors.to_hex(line.get_color())
            )
    assert all(len(c) == 1 for c in drawn.values())  # "b" is drawn in one colour in both panels
    assert drawn["b"] == {matplotlib.colors.to_hex("C1")}
    assert len(set.union(*drawn.values())) == 4  # and no two labels share a colour
    with pytest.raises(KeyError, match="colour"):
        plot_corridor_curves({"e": -np.ones((2, 4))}, -1.0, colors=colors)
    plt.close("all")
