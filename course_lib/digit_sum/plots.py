"""Plot helpers for chapter 7's digit-sum runs: each takes `ax=None` and returns the Axes."""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array
from course_lib.group_baselines import gradient_scale
from course_lib.plotting import check_curves, finish_axes, new_axes, plot_mean_band


def plot_learning_curves(curves: dict, eval_at, ax=None, *, title: str = ""):
    """Mean +- one standard deviation over seeds of the exact J(theta^(n)) against n.

    Args:
        curves: label -> J of shape (n_seeds, E), one row per seed.
        eval_at: the numbers of updates n of the E columns, shape (E,).
        ax: the Axes to draw on; a new figure when None.
        title: the title of the plot.

    Returns:
        The Axes, with one line and one band per label, and J = 1 dashed.

    Example:
        >>> ax = plot_learning_curves({"a": np.zeros((2, 3)), "b": np.ones((2, 3))}, [0, 5, 10])
        >>> len(ax.lines), len(ax.collections)
        (3, 2)
    """
    eval_at = as_finite_array("eval_at", eval_at, ndim=1)
    ax = new_axes(ax, figsize=(7.0, 4.0))
    for i, (label, J) in enumerate(check_curves(curves).items()):
        if J.shape[1] != eval_at.size:
            raise ValueError(f"curves[{label!r}] must have {eval_at.size} columns, like eval_at")
        plot_mean_band(ax, eval_at, J, color=f"C{i}", label=f"{label} ({J.shape[0]} seeds)", lo=0)
    finish_axes(
        ax, xlabel="updates n", ylabel=r"exact $J(\theta^{(n)})$", hline=1.0, loc="lower right"
    )
    ax.set_ylim(0, 1.05)
    if title:
        ax.set_title(title)
    return ax


def plot_gradient_scale(advantages: dict, K: int, ax=None):
    """omega_K(v) against v: how much each estimator scales a prompt's gradient on average.

    Args:
        advantages: label -> a function from rewards (n, K) to advantages (n, K).
        K: the group size.
        ax: the Axes to draw on; a new figure when None.

    Example:
        >>> from course_lib.group_baselines import rloo_advantages
        >>> ax = plot_gradient_scale({"RLOO": rloo_advantages}, K=4)
        >>> bool(np.allclose(ax.lines[0].get_ydata(), 1.0))
        True
    """
    if not isinstance(advantages, dict) or not advantages:
        raise TypeError("advantages must be a non-empty dict: label -> function")
    ax = new_axes(ax, figsize=(5.0, 3.5))
    v = np.linspace(0.005, 0.995, 199)
    for i, (label, fn) in enumerate(advantages.items()):
        ax.plot(v, gradient_scale(fn, v, K), color=f"C{i}", label=label)
    finish_axes(ax, xlabel=r"success probability $V^\pi(s)$", ylabel=rf"$\omega_{{{K}}}(V^\pi(s))$")
    ax.set_ylim(bottom=0)
    return ax
