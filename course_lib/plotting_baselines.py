"""Plot helpers for chapter 6: each takes `ax=None` and returns the Axes it drew on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import as_finite_array


def _axes(ax, figsize=(6.4, 3.8)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _curves(curves) -> dict:
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label -> array (n_runs, n_episodes)")
    return {k: as_finite_array(f"curves[{k!r}]", v, ndim=2) for k, v in curves.items()}


def _colors(arrays: dict, colors) -> dict:
    """label -> colour: from `colors` (label -> colour) when given, else C0, C1, ... in order.

    Pass the same `colors` to every panel of a figure, so that a label keeps its colour when
    a panel shows only some of the curves.
    """
    if colors is None:
        return {label: f"C{i}" for i, label in enumerate(arrays)}
    missing = [label for label in arrays if label not in colors]
    if missing:
        raise KeyError(f"colors has no colour for {missing}")
    return {label: colors[label] for label in arrays}


def plot_corridor_curves(
    curves: dict, j_star: float, ax=None, *, title: str = "", colors: dict | None = None
):
    """Total reward per episode, averaged over runs, in the style of Sutton & Barto Fig. 13.1.

    Args:
        curves: label -> total rewards, shape (n_runs, n_episodes).
        j_star: J*, the best expected total reward (the optimal value of the start state),
            drawn as a dashed line.
        ax: the Axes to draw on; a new figure when None.
        title: the Axes title.
        colors: label -> colour, the same for every panel of a figure; C0, C1, ... when None.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_corridor_curves({"a": -np.ones((2, 5))}, j_star=-1.0)
        >>> len(ax.lines)
        2
    """
    arrays = _curves(curves)
    color = _colors(arrays, colors)
    ax = _axes(ax)
    for label, y in arrays.items():
        ax.plot(np.arange(1, y.shape[1] + 1), y.mean(axis=0), color=color[label], lw=1, label=label)
    ax.axhline(j_star, color="k", ls="--", lw=1, label=r"$J^*$")
    ax.set_xlabel("episode")
    ax.set_ylabel("total reward on episode\n(mean over runs)")
    ax.set_ylim(-90, -10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def plot_estimators(table: dict, exact, ax=None):
    """Each estimator's mean +- 2 standard errors against the exact gradient, per component.

    Args:
        table: from `variance.estimator_table`.
        exact: the exact gradient, the shape of each "mean" in `table`.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> t = {"a": {"mean": np.zeros((1, 2)), "se": np.ones((1, 2)), "total_var": 1.0}}
        >>> len(plot_estimators(t, np.zeros((1, 2))).containers)
        1
    """
    exact = as_finite_array("exact", exact).ravel()
    ax = _axes(ax)
    n = len(table)
    for i, (kind, row) in enumerate(table.items()):
        x = np.arange(exact.size) + (i - (n - 1) / 2) * 0.12
        ax.errorbar(
            x,
            row["mean"].ravel(),
            yerr=2 * row["se"].ravel(),
            fmt="o",
            ms=4,
            capsize=2,
            color=f"C{i}",
            label=kind,
        )
    ax.scatter(np.arange(exact.size), exact, marker="_", s=600, color="k", label="exact", zorder=3)
    ax.set_xticks(np.arange(exact.size))
    ax.set_xticklabels([str(k) for k in range(exact.size)])
    ax.set_xlabel(r"component of $\hat g$ (the entries of the gradient, row by row)")
    ax.set_ylabel("value of the component")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def plot_variances(table: dict, ax=None):
    """The total variance of one trajectory's estimate, one bar per estimator.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> len(plot_variances({"a": {"total_var": 2.0}, "b": {"total_var": 1.0}}).patches)
        2
    """
    ax = _axes(ax)
    kinds = list(table)
    values = [table[k]["total_var"] for k in kinds]
    ax.bar(kinds, values, color=[f"C{i}" for i in range(len(kinds))])
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:.2f}", ha="center", va="bottom", fontsize="small")
    ax.set_ylabel("total variance of one\ntrajectory's estimate")
    ax.tick_params(axis="x", labelsize="small")
    return ax


def smooth(y, window: int) -> np.ndarray:
    """Moving average over the last `window` entries along the last axis (shorter at the start).

    Example:
        >>> smooth(np.array([1.0, 3.0, 5.0, 7.0]), 2)
        array([1., 2., 4., 6.])
    """
    y = as_finite_array("y", y)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    csum = np.cumsum(y, axis=-1)
    out = csum.copy()
    out[..., window:] = csum[..., window:] - csum[..., :-window]
    count = np.minimum(np.arange(1, y.shape[-1] + 1), window)
    return out / count


def plot_mean_std_seeds(
    curves: dict,
    ax=None,
    *,
    window: int = 20,
    ylabel: str = "episode return",
    xlabel: str = "episode",
    hline: float | None = None,
    colors: dict | None = None,
):
    """Mean +- one standard deviation over seeds of smoothed curves, one colour per label.

    Args:
        curves: label -> array (n_seeds, n_points).
        window: moving-average window applied to each seed's curve first.
        hline: a dashed horizontal line (e.g. the "solved" level), or None.
        colors: label -> colour, the same for every panel of a figure; C0, C1, ... when None.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_mean_std_seeds({"a": np.ones((3, 10))}, window=2, hline=1.0)
        >>> len(ax.lines), len(ax.collections)
        (2, 1)
    """
    arrays = _curves(curves)
    color = _colors(arrays, colors)
    ax = _axes(ax)
    for label, y in arrays.items():
        ys = smooth(y, window)
        mean, std = ys.mean(axis=0), ys.std(axis=0)
        x = np.arange(1, ys.shape[1] + 1)
        ax.plot(x, mean, color=color[label], label=label)
        ax.fill_between(x, mean - std, mean + std, color=color[label], alpha=0.2, linewidth=0)
    if hline is not None:
        ax.axhline(hline, color="k", ls="--", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax
