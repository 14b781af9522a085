"""Plot helpers for the book's figures: each takes `ax=None` and returns the Axes it drew on.

Passing an `ax` puts the plot into a figure you laid out yourself; leaving it out makes a
new figure of a size that suits the book's pages.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import as_finite_array, as_real
from course_lib.mdp import (
    LEFT,
    OPTIMAL_P_RIGHT,
    OPTIMAL_VALUE,
    RIGHT,
    epsilon_greedy_p_right,
    short_corridor_values,
)


def plot_short_corridor_value(
    ax=None, *, epsilon: float | None = 0.1, n_points: int = 500, ylim=(-100.0, 0.0)
):
    """The short corridor's objective J(p) = V^pi(s_0) against p = pi(RIGHT) (chapter 1).

    Draws the exact curve J(p) = (2p - 4) / (p (1 - p)), marks the best stochastic policy
    (p*, v*) = (2 - sqrt(2), -(6 + 4 sqrt(2))) and, unless `epsilon` is None, the two
    epsilon-greedy policies that a state-blind action-value method is limited to.

    Args:
        ax: the Axes to draw on; a new figure when None.
        epsilon: the exploration rate of the marked epsilon-greedy policies, in (0, 1),
            or None to leave them out.
        n_points: how many values of p the curve is drawn through, at least 2.
        ylim: the vertical range; the curve falls to minus infinity at both ends.

    Returns:
        The Axes, holding one line for the curve and one marker line per marked policy
        (so 4 lines, or 2 when `epsilon` is None).

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> len(plot_short_corridor_value().lines)
        4
    """
    if isinstance(n_points, bool) or not isinstance(n_points, int) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}")
    marked = []  # (p, label, colour) of each epsilon-greedy policy to mark
    if epsilon is not None:
        for greedy, name, colour in ((RIGHT, "right", "C3"), (LEFT, "left", "C1")):
            # epsilon_greedy_p_right also checks that epsilon lies in (0, 1).
            p_eps = epsilon_greedy_p_right(epsilon, greedy)
            marked.append(
                (p_eps, f"$\\varepsilon$-greedy {name} ($\\varepsilon$ = {epsilon:g})", colour)
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))

    # The value is -infinity at p = 0 and p = 1 (the agent never reaches the goal): stay inside.
    p = np.linspace(0.0, 1.0, n_points + 2)[1:-1]  # (n_points,)
    ax.plot(
        p,
        short_corridor_values(p),
        color="C0",
        label=r"$J(p) = V^\pi(c_0)$ of the policy $\pi(\mathrm{RIGHT}) = p$",
    )
    ax.plot(
        [OPTIMAL_P_RIGHT],
        [OPTIMAL_VALUE],
        "o",
        color="C2",
        label=f"best stochastic policy: $p^*$ = {OPTIMAL_P_RIGHT:.3f}, $J^*$ = {OPTIMAL_VALUE:.2f}",
    )
    for p_eps, label, colour in marked:
        v_eps = float(short_corridor_values(p_eps))
        ax.plot([p_eps], [v_eps], "s", color=colour, label=f"{label}: {v_eps:.1f}")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$p$ = probability of RIGHT (the same in every cell)")
    ax.set_ylabel(r"value of the start cell $c_0$, $J(p)$")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower center", fontsize="small")
    return ax


# --- Chapter 2: the log-derivative trick --------------------------------------------------


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
        >>> import matplotlib
        >>> matplotlib.use("Agg")
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
        >>> import matplotlib
        >>> matplotlib.use("Agg")
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


def plot_gaussian_ascent(history, a_star: float, ax=None):
    """The mean mu of a Gaussian policy, with a +-sigma band, over gradient-ascent steps (ch. 2).

    Args:
        history: the parameters (mu, log sigma) before each step, shape (n_steps + 1, 2).
        a_star: the target action, drawn as a horizontal line.
        ax: the Axes to draw on; a new figure when None.

    Returns:
        The Axes: 2 lines (mu and the target) and the band.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
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
