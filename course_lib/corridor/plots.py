"""Figures of the short corridor: its exact value curve (chapter 1) and REINFORCE's learning
curves on it (chapter 6). Each takes `ax=None` and returns the Axes it drew on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validate import check_int
from course_lib.mdp import (
    LEFT,
    OPTIMAL_P_RIGHT,
    OPTIMAL_VALUE,
    RIGHT,
    epsilon_greedy_p_right,
    short_corridor_values,
)
from course_lib.plotting import check_curves, curve_colors, new_axes


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
        >>> len(plot_short_corridor_value().lines)
        4
    """
    n_points = check_int("n_points", n_points, low=2)
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
        >>> ax = plot_corridor_curves({"a": -np.ones((2, 5))}, j_star=-1.0)
        >>> len(ax.lines)
        2
    """
    arrays = check_curves(curves)
    color = curve_colors(arrays, colors)
    ax = new_axes(ax)
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
