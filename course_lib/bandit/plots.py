"""Figures of the bandits: the quadratic bandit's gradient ascent (chapter 2) and REINFORCE on
the Bernoulli bandit (chapter 3). Each takes `ax=None` and returns the Axes it drew on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import as_finite_array, as_real
from course_lib.plotting import check_curves, finish_axes, new_axes, plot_mean_band


def plot_mean_std(curves: dict, ax=None, *, ylabel: str = "", hline: float | None = None):
    """Mean +- one standard deviation over runs of one or more learning curves, against the pull.

    The band is mean +- one standard deviation, clipped to the smallest and largest value among
    the runs at that pull. A skewed spread (most runs near the top, a few far below) puts
    mean + std above every run, so the band is then cut at the best run: lopsided, its upper
    edge closer to the mean than one standard deviation.

    Args:
        curves: label -> array of shape (n_runs, n_pulls), one row per run.
        ax: the Axes to draw on; a new figure when None.
        ylabel: the label of the vertical axis.
        hline: draw a dashed horizontal line here (e.g. the best arm's pay-off), or None.

    Returns:
        The Axes, with one line (the mean) and one band per curve, plus the dashed line.

    Example:
        >>> ax = plot_mean_std({"a": np.zeros((3, 5)), "b": np.ones((3, 5))}, hline=1.0)
        >>> len(ax.lines), len(ax.collections)
        (3, 2)
    """
    arrays = check_curves(curves)
    ax = new_axes(ax)
    for i, (label, y) in enumerate(arrays.items()):
        # A skewed spread (most runs near the top, a few stuck far below) would push mean + std
        # past anything any run reached: cut the band to the range of the runs.
        lo, hi = y.min(axis=0), y.max(axis=0)
        plot_mean_band(ax, np.arange(y.shape[1]), y, color=f"C{i}", label=label, lo=lo, hi=hi)
    finish_axes(ax, xlabel="pulls made, $n$", ylabel=ylabel, hline=hline)
    return ax


def plot_policy_probs(pi, probs, ax=None, *, title: str = ""):
    """The policy's probability of each arm against the pull, for one run or the mean of many.

    Args:
        pi: the policy over time, shape (n_pulls + 1, k), or (n_runs, n_pulls + 1, k) to draw
            the mean.
        probs: the arms' pay-off probabilities, shape (k,), for the legend.
        ax: the Axes to draw on; a new figure when None.
        title: the title of the plot.

    Returns:
        The Axes, with one line per arm.

    Example:
        >>> len(plot_policy_probs(np.full((4, 2), 0.5), [0.3, 0.7]).lines)
        2
    """
    pi = as_finite_array("pi", pi)
    probs = as_finite_array("probs", probs, ndim=1)
    if pi.ndim == 3:
        pi = pi.mean(axis=0)
    if pi.ndim != 2 or pi.shape[1] != probs.size:
        raise ValueError(
            f"pi must have shape (n_pulls + 1, k) or (n_runs, n_pulls + 1, k) with "
            f"k = {probs.size}, got {pi.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    for a in range(probs.size):
        ax.plot(pi[:, a], color=f"C{a}", label=f"arm {a} ($q_{a}$ = {probs[a]:g})")
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("pulls made, $n$")
    ax.set_ylabel(r"$\pi_\theta(a)$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def plot_gaussian_ascent(history, a_star: float, ax=None):
    """The mean mu of a Gaussian policy, with a +-sigma band, over gradient-ascent steps (ch. 2).

    Args:
        history: the parameters (mu, log sigma) before each step, shape (n_steps + 1, 2).
        a_star: the target action, drawn as a horizontal line.
        ax: the Axes to draw on; a new figure when None.

    Returns:
        The Axes: 2 lines (mu and the target) and the band.

    Example:
        >>> len(plot_gaussian_ascent(np.array([[0.0, 0.0], [1.0, -0.5]]), a_star=1.0).lines)
        2
    """
    history = as_finite_array("history", history, ndim=2)
    if history.shape[1] != 2:
        raise ValueError(f"history must have shape (n_steps + 1, 2), got {history.shape}")
    a_star = as_real("a_star", a_star)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.5))
    step = np.arange(history.shape[0])
    mu, std = history[:, 0], np.exp(history[:, 1])
    ax.fill_between(step, mu - std, mu + std, color="C0", alpha=0.2, label="$\\mu \\pm \\sigma$")
    ax.plot(step, mu, color="C0", label="$\\mu$")
    ax.axhline(a_star, color="C3", ls="--", label=f"target $a^*$ = {a_star:g}")
    ax.set_xlabel("gradient-ascent step")
    ax.set_ylabel("action $a$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax
