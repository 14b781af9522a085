"""Plot helpers shared by the book, and the figures of its core ideas (chapters 2 and 6).

Each helper takes `ax=None` and returns the Axes it drew on: passing an `ax` puts the plot into
a figure you laid out yourself; leaving it out makes a new figure of a size that suits the
book's pages. A problem's own figures live in its package (`course_lib.bandit.plots`,
`course_lib.cartpole.plots`, `course_lib.corridor.plots`, `course_lib.pong.plots`); what every
problem needs, the smoother and the mean-and-spread-over-seeds plot, lives here.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import as_finite_array, check_int


def new_axes(ax, figsize=(6.4, 3.8)):
    """`ax` itself, or the Axes of a new figure of `figsize` when `ax` is None.

    Example:
        >>> ax = new_axes(None)
        >>> new_axes(ax) is ax
        True
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def check_curves(curves) -> dict:
    """label -> finite 2-D array (n_runs, n_points); a clear error for anything else.

    Example:
        >>> check_curves({"a": [[1, 2], [3, 4]]})["a"].shape
        (2, 2)
    """
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label -> array (n_runs, n_episodes)")
    return {k: as_finite_array(f"curves[{k!r}]", v, ndim=2) for k, v in curves.items()}


def curve_colors(arrays: dict, colors) -> dict:
    """label -> colour: from `colors` (label -> colour) when given, else C0, C1, ... in order.

    Pass the same `colors` to every panel of a figure, so that a label keeps its colour when
    a panel shows only some of the curves.

    Example:
        >>> curve_colors({"a": 0, "b": 0}, None)
        {'a': 'C0', 'b': 'C1'}
    """
    if colors is None:
        return {label: f"C{i}" for i, label in enumerate(arrays)}
    missing = [label for label in arrays if label not in colors]
    if missing:
        raise KeyError(f"colors has no colour for {missing}")
    return {label: colors[label] for label in arrays}


def plot_mean_band(ax, x, y, *, color, label: str, lo=None, hi=None):
    """Draw the mean over runs of `y` (n_runs, n_points) against `x`, with a band of +- one
    standard deviation, cut to [lo, hi] where given (numbers or arrays of shape (n_points,)).

    Example:
        >>> ax = new_axes(None)
        >>> mean = plot_mean_band(ax, [1, 2], [[0.0, 2.0], [2.0, 2.0]], color="C0", label="a", lo=0)
        >>> mean, len(ax.lines), len(ax.collections)
        (array([1., 2.]), 1, 1)
    """
    y = as_finite_array("y", y, ndim=2)
    mean, std = y.mean(axis=0), y.std(axis=0)  # (n_points,), (n_points,)
    band_lo, band_hi = mean - std, mean + std
    if lo is not None:
        band_lo = np.maximum(band_lo, lo)
    if hi is not None:
        band_hi = np.minimum(band_hi, hi)
    ax.plot(x, mean, color=color, label=label)
    ax.fill_between(x, band_lo, band_hi, color=color, alpha=0.2, linewidth=0)
    return mean


def finish_axes(ax, *, xlabel: str, ylabel: str, hline: float | None = None, **legend):
    """Label the axes, draw a dashed reference line at `hline` (unless None), grid and legend.

    Example:
        >>> ax = finish_axes(new_axes(None), xlabel="episode", ylabel="return", hline=475)
        >>> ax.get_xlabel(), len(ax.lines)
        ('episode', 1)
    """
    if hline is not None:
        ax.axhline(hline, color="k", linestyle="--", linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:  # a legend only when something is labelled
        ax.legend(fontsize="small", **legend)
    return ax


def plot_error_vs_n(n_grid, rms_error, *, predicted=None, ax=None):
    """RMS error of a Monte-Carlo estimate against the sample size N, on log-log axes (ch. 2).

    Draws the measured errors as points, a reference line of slope -1/2 through the first
    one and, if given, the error that theory predicts for each N.

    Args:
        n_grid: the sample sizes N, shape (K,), positive.
        rms_error: the measured RMS error at each N, shape (K,), positive.
        predicted: optional exact RMS error at each N, shape (K,).
        ax: the Axes to draw on; a new figure when None.

    Returns:
        The Axes: 2 lines, or 3 with `predicted`.

    Example:
        >>> n = np.array([10, 100, 1000])
        >>> len(plot_error_vs_n(n, 1 / np.sqrt(n)).lines)
        2
    """
    n_grid = as_finite_array("n_grid", n_grid, ndim=1)
    rms_error = as_finite_array("rms_error", rms_error, ndim=1)
    if n_grid.shape != rms_error.shape or n_grid.size < 2:
        raise ValueError(
            "n_grid and rms_error must have the same shape (K,) with K >= 2, got "
            f"{n_grid.shape} and {rms_error.shape}"
        )
    if np.any(n_grid <= 0) or np.any(rms_error <= 0):
        raise ValueError("n_grid and rms_error must be positive to be drawn on log axes")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    ax.loglog(n_grid, rms_error, "o", color="C0", label="measured RMS error of $\\hat g$")
    reference = rms_error[0] * np.sqrt(n_grid[0] / n_grid)
    ax.loglog(
        n_grid, reference, "--", color="C7", label="slope $-1/2$: error $\\propto 1/\\sqrt{N}$"
    )
    if predicted is not None:
        predicted = as_finite_array("predicted", predicted, ndim=1)
        if predicted.shape != n_grid.shape:
            raise ValueError(f"predicted must have shape {n_grid.shape}, got {predicted.shape}")
        ax.loglog(
            n_grid,
            predicted,
            "-",
            color="C1",
            lw=1,
            label="exact: $\\sqrt{\\mathrm{tr\\,Var}[g^1] / N}$",
        )
    ax.set_xlabel("number of trajectories $N$")
    ax.set_ylabel("RMS error $\\sqrt{\\mathbb{E}\\,\\|\\hat g - \\nabla J\\|^2}$")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    return ax


def plot_gradient_check(exact, estimate, stderr, labels, ax=None):
    """Sampled gradient components with +-2 standard errors next to the exact values (ch. 2).

    Args:
        exact: the exact gradient, any shape; it is flattened.
        estimate: the Monte-Carlo estimate, same shape.
        stderr: the standard error of each component of the estimate, same shape.
        labels: one label per component, in flattened order.
        ax: the Axes to draw on; a new figure when None.

    Returns:
        The Axes.

    Example:
        >>> ax = plot_gradient_check([1.0, -1.0], [1.1, -0.9], [0.1, 0.1], ["a", "b"])
        >>> [t.get_text() for t in ax.get_xticklabels()]
        ['a', 'b']
    """
    exact = as_finite_array("exact", exact).ravel()
    estimate = as_finite_array("estimate", estimate).ravel()
    stderr = as_finite_array("stderr", stderr).ravel()
    if not exact.shape == estimate.shape == stderr.shape:
        raise ValueError("exact, estimate and stderr must have the same number of components")
    if len(labels) != exact.size:
        raise ValueError(f"labels must name all {exact.size} components, got {len(labels)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.5))
    x = np.arange(exact.size)
    ax.errorbar(
        x,
        estimate,
        yerr=2 * stderr,
        fmt="o",
        color="C0",
        capsize=4,
        label="sampled $\\hat g$ $\\pm$ 2 standard errors",
    )
    ax.plot(x, exact, "_", color="C3", markersize=22, mew=2, label="exact $\\nabla J$")
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xticks(x, labels)
    ax.set_ylabel("gradient component")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize="small")
    return ax


def plot_estimators(table: dict, exact, ax=None):
    """Each estimator's mean +- 2 standard errors against the exact gradient, per component.

    Args:
        table: from `variance.estimator_table`.
        exact: the exact gradient, the shape of each "mean" in `table`.

    Example:
        >>> t = {"a": {"mean": np.zeros((1, 2)), "se": np.ones((1, 2)), "total_var": 1.0}}
        >>> len(plot_estimators(t, np.zeros((1, 2))).containers)
        1
    """
    exact = as_finite_array("exact", exact).ravel()
    ax = new_axes(ax)
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
        >>> len(plot_variances({"a": {"total_var": 2.0}, "b": {"total_var": 1.0}}).patches)
        2
    """
    ax = new_axes(ax)
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
    window = check_int("window", window, low=1)
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
    lo: float | None = None,
    hi: float | None = None,
):
    """Mean +- one standard deviation over seeds of smoothed curves, one colour per label.

    Args:
        curves: label -> array (n_seeds, n_points).
        window: moving-average window applied to each seed's curve first.
        hline: a dashed horizontal line (e.g. the "solved" level), or None.
        colors: label -> colour, the same for every panel of a figure; C0, C1, ... when None.
        lo, hi: cut the bands to [lo, hi], e.g. to the shortest and longest an episode can
            last (the mean itself is never cut).

    Example:
        >>> ax = plot_mean_std_seeds({"a": np.ones((3, 10))}, window=2, hline=1.0, hi=1.0)
        >>> len(ax.lines), len(ax.collections)
        (2, 1)
    """
    arrays = check_curves(curves)
    color = curve_colors(arrays, colors)
    ax = new_axes(ax)
    for label, y in arrays.items():
        ys = smooth(y, window)  # (n_seeds, n_points)
        x = np.arange(1, ys.shape[1] + 1)
        plot_mean_band(ax, x, ys, color=color[label], label=label, lo=lo, hi=hi)
    finish_axes(ax, xlabel=xlabel, ylabel=ylabel, hline=hline)
    return ax
