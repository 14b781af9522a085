"""Plot helpers for chapter 4's CartPole runs: each takes `ax=None` and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import as_finite_array
from course_lib.cartpole.rollout import MAX_LEN, SOLVED_LEN
from course_lib.plotting import check_curves, finish_axes, new_axes, plot_mean_band, smooth


def plot_learning_curves(curves: dict, ax=None, *, window: int = 20, title: str = ""):
    """Mean +- one standard deviation over seeds of the episode return, smoothed.

    Each run is first smoothed with a moving average over `window` episodes; the line is the
    mean over seeds and the band one standard deviation either side (clipped to [0, 500]).

    Args:
        curves: label -> returns of shape (n_seeds, n_episodes), one row per seed.
        ax: the Axes to draw on; a new figure when None.
        window: the moving-average window, in episodes.
        title: the title of the plot.

    Returns:
        The Axes, with one line and one band per label, and the dashed "solved" level.

    Example:
        >>> ax = plot_learning_curves({"a": np.ones((3, 50)), "b": np.zeros((3, 50))})
        >>> len(ax.lines), len(ax.collections)
        (3, 2)
    """
    ax = new_axes(ax, figsize=(7.0, 4.0))
    for i, (label, y) in enumerate(check_curves(curves).items()):
        if y.shape[1] < window:
            raise ValueError(f"curves[{label!r}] needs at least window = {window} episodes")
        y = smooth(y, window)[:, window - 1 :]  # full windows only: the mean of `window` episodes
        episodes = np.arange(window, y.shape[1] + window)  # the last episode of each window
        label = f"{label} ({y.shape[0]} seeds)"
        plot_mean_band(ax, episodes, y, color=f"C{i}", label=label, lo=0, hi=MAX_LEN)
    finish_axes(
        ax,
        xlabel="episode",
        ylabel=f"return (mean of {window} episodes)",
        hline=SOLVED_LEN,
        loc="upper left",
    )
    ax.set_ylim(0, MAX_LEN * 1.05)
    if title:
        ax.set_title(title)
    return ax


def plot_weights(weights, mask, ax=None, *, title: str = ""):
    """The weight of each step's grad log pi against t, one line per episode of a batch.

    Args:
        weights: shape (T, N), from `pg_weights.pg_weights`.
        mask: shape (T, N), True inside the episodes.
        ax: the Axes to draw on; a new figure when None.
        title: the title of the plot.

    Returns:
        The Axes, with one line per episode.

    Example:
        >>> len(plot_weights(np.ones((3, 2)), np.ones((3, 2), dtype=bool)).lines)  # 2 and y = 0
        3
    """
    weights = as_finite_array("weights", weights, ndim=2)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != weights.shape:
        raise ValueError(f"mask must have the shape of weights {weights.shape}, got {mask.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.2))
    for i in range(weights.shape[1]):
        t = np.flatnonzero(mask[:, i])
        ax.plot(t, weights[t, i], linewidth=1)
    ax.axhline(0.0, color="k", linewidth=0.8)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("weight of $\\nabla \\log \\pi(a_t \\mid s_t)$")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax
