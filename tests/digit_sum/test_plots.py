"""Tests for course_lib.digit_sum.plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.digit_sum.plots import plot_gradient_scale, plot_learning_curves
from course_lib.group_baselines import gradient_scale, grpo_advantages


def test_learning_curves_draw_the_mean_over_seeds():
    J = np.array([[0.1, 0.5, 0.9], [0.1, 0.3, 0.7]])
    _, ax = plt.subplots()
    assert plot_learning_curves({"a": J}, [0, 10, 20], ax=ax) is ax
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, [0, 10, 20])
    np.testing.assert_allclose(y, J.mean(axis=0))
    with pytest.raises(ValueError, match="columns"):
        plot_learning_curves({"a": J}, [0, 10])
    plt.close("all")


def test_gradient_scale_plot_draws_omega():
    ax = plot_gradient_scale({"GRPO": grpo_advantages}, K=8)
    v, y = ax.lines[0].get_data()
    np.testing.assert_allclose(y, gradient_scale(grpo_advantages, v, 8))
    with pytest.raises(TypeError, match="advantages"):
        plot_gradient_scale({}, K=8)
    plt.close("all")
