"""Tests for chapter 6's plot helpers: they draw on the Axes given and return it."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.plotting_baselines import (  # noqa: E402
    plot_corridor_curves,
    plot_estimators,
    plot_mean_std_seeds,
    plot_variances,
    smooth,
)


def test_helpers_use_the_given_axes():
    _, ax = plt.subplots()
    assert plot_corridor_curves({"a": -np.ones((2, 4))}, -11.7, ax=ax) is ax
    assert plot_mean_std_seeds({"a": np.ones((2, 4))}, ax=ax, window=2) is ax
    table = {"x": {"mean": np.zeros((2, 2)), "se": np.ones((2, 2)), "total_var": 1.0}}
    assert plot_estimators(table, np.zeros((2, 2)), ax=ax) is ax
    assert plot_variances(table, ax=ax) is ax
    plt.close("all")


def test_smooth_is_a_trailing_mean():
    y = np.arange(10.0)
    s = smooth(y, 3)
    assert s[0] == 0 and s[1] == 0.5 and np.isclose(s[5], 4.0)
    np.testing.assert_allclose(smooth(np.ones((2, 5)), 4), np.ones((2, 5)))


def test_bad_input():
    with pytest.raises(TypeError, match="curves"):
        plot_corridor_curves({}, -1.0)
    with pytest.raises(ValueError, match="window"):
        smooth(np.ones(3), 0)
    with pytest.raises(ValueError, match="curves"):
        plot_mean_std_seeds({"a": np.ones(3)})


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
    _, ax = plt.subplots()
    plot_mean_std_seeds({"b": np.ones((2, 4))}, ax=ax, colors=colors)
    assert matplotlib.colors.to_hex(ax.lines[0].get_color()) == matplotlib.colors.to_hex("C1")
    with pytest.raises(KeyError, match="colour"):
        plot_corridor_curves({"e": -np.ones((2, 4))}, -1.0, colors=colors)
    plt.close("all")
