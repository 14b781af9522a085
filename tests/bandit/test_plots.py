"""Tests for course_lib.bandit.plots: what is drawn, and bad input named."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.bandit.plots import plot_gaussian_ascent, plot_mean_std, plot_policy_probs


def test_mean_std_draws_the_mean_and_keeps_the_band_inside_the_runs():
    y = np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    _, ax = plt.subplots()
    assert plot_mean_std({"runs": y}, ax=ax, hline=1.0) is ax
    np.testing.assert_allclose(ax.lines[0].get_ydata(), y.mean(axis=0))
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= y.min() and band.max() <= y.max()
    plt.close("all")


def test_policy_probs_draws_the_mean_of_many_runs():
    pi = np.stack([np.tile([0.2, 0.8], (4, 1)), np.tile([0.4, 0.6], (4, 1))])  # (2, 4, 2)
    ax = plot_policy_probs(pi, [0.1, 0.9])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 0.7)
    assert "0.9" in ax.lines[1].get_label()
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: plot_mean_std({}), TypeError, "curves"),
        (lambda: plot_mean_std({"a": np.zeros(3)}), ValueError, "curves"),
        (lambda: plot_policy_probs(np.zeros((3, 2)), [0.1, 0.2, 0.3]), ValueError, "pi"),
    ],
)
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_gaussian_ascent_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_gaussian_ascent(np.zeros((3, 2)), 1.0, ax=ax) is ax
    with pytest.raises(ValueError, match="history"):
        plot_gaussian_ascent(np.zeros((3, 3)), 1.0)
    plt.close("all")
