"""A widget to watch REINFORCE learn a bandit, which works with no kernel (chapter 3).

The reader picks a set of arm pay-offs and a step size, and moves through training time.
Python callbacks would need a running kernel, so every view is computed up front by the
pure function `learning_grid` and put in nested `Stack`s; the controls select among them
with `jslink`, which the browser carries out by itself in the rendered book:

    arms (ToggleButtons.index) -> outer Stack: one page per preset
    step size (SelectionSlider.index) -> one Stack per preset: one page per step size
    pull (SelectionSlider.index, driven by Play) -> one Stack per setting: one page per frame

Each (preset, step size) page shows the mean policy over all runs as an SVG line chart, and
below it a bar chart of the policy after the selected pull.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib._validate import as_finite_array
from course_lib.bandit import check_arm_probs
from course_lib.bandit_reinforce import draw_uniforms, prefers_wrong_arm, reinforce_vectorised

# Matplotlib's default colour cycle, so the widget's arms match the chapter's figures.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")

PRESETS = {
    "far apart: 0.2 / 0.5 / 0.8": (0.2, 0.5, 0.8),
    "close: 0.5 / 0.55 / 0.6": (0.5, 0.55, 0.6),
    "all pay well: 0.8 / 0.85 / 0.9": (0.8, 0.85, 0.9),
}
ALPHAS = (0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class BanditGrid:
    """Learning curves of REINFORCE for every (preset, step size), averaged over runs.

    Attributes:
        probs: the pay-off probabilities of each preset, shape (P, k).
        alphas: the step sizes, shape (A,).
        pi_mean: the policy averaged over runs after every pull, shape (P, A, n_pulls + 1, k).
        wrong: the share of runs that favour a wrong arm (`prefers_wrong_arm`: some arm
            gets more probability than the best one; a tie, as at the uniform start, is not
            wrong), shape (P, A, n_pulls + 1).
        frames: the pulls the time control can show, int, shape (F,), from 0 to n_pulls.
    """

    probs: np.ndarray
    alphas: np.ndarray
    pi_mean: np.ndarray
    wrong: np.ndarray
    frames: np.ndarray


def learning_grid(
    presets, alphas, *, n_runs: int = 200, n_steps: int = 500, n_frames: int = 11, seed: int = 0
):
    """Run REINFORCE `n_runs` times for every preset and step size; return a `BanditGrid`.

    Every setting uses the same random numbers, so the differences between settings come
    from the settings and not from luck.

    Args:
        presets: pay-off probabilities, shape (P, k): the same number of arms in each.
        alphas: step sizes, shape (A,), each > 0.
        n_runs, n_steps: runs per setting and pulls per run.
        n_frames: how many evenly spaced pulls (from 0 to n_steps) the time control offers.
        seed: the seed of the random numbers.

    Example:
        >>> grid = learning_grid([[0.1, 0.9]], [0.5], n_runs=4, n_steps=10, n_frames=3)
        >>> grid.pi_mean.shape, grid.frames.tolist()
        ((1, 1, 11, 2), [0, 5, 10])
    """
    presets = as_finite_array("presets", presets, ndim=2)
    for row in presets:
        check_arm_probs(row)
    alphas = as_finite_array("alphas", alphas, ndim=1)
    if alphas.size == 0 or np.any(alphas <= 0.0):
        raise ValueError(
            f"alphas must be a non-empty list of positive step sizes, got {alphas.tolist()}"
        )
    if isinstance(n_frames, bool) or not isinstance(n_frames, int) or n_frames < 2:
        raise ValueError(f"n_frames must be an integer >= 2, got {n_frames!r}")
    u_act, u_rew = draw_uniforms(n_runs, n_steps, seed)
    P, A, k = presets.shape[0], alphas.size, presets.shape[1]
    pi_mean = np.empty((P, A, n_steps + 1, k))
    wrong = np.empty((P, A, n_steps + 1))
    for i, probs in enumerate(presets):
        for j, alpha in enumerate(alphas):
            hist = reinforce_vectorised(probs, float(alpha), u_act, u_rew)
            pi = hist.pi  # (n_runs, n_pulls + 1, k)
            pi_mean[i, j] = pi.mean(axis=0)
            wrong[i, j] = prefers_wrong_arm(pi, probs).mean(axis=0)  # (n_pulls + 1,)
    frames = np.unique(np.linspace(0, n_steps, n_frames).round().astype(np.int64))
    return BanditGrid(probs=presets, alphas=alphas, pi_mean=pi_mean, wrong=wrong, frames=frames)


def curve_svg(pi_mean, width: int = 520, height: int = 190) -> str:
    """An inline SVG line chart of each arm's probability against the pull.

    Args:
        pi_mean: the policy after every pull, shape (n_pulls + 1, k).
        width, height: the size of the chart in pixels.

    Example:
        >>> curve_svg(np.full((3, 2), 0.5)).count("<polyline")
        2
    """
    pi_mean = as_finite_array("pi_mean", pi_mean, ndim=2)
    n, k = pi_mean.shape
    left, right, top, bottom = 44, 10, 10, 30
    w, h = width - left - right, height - top - bottom
    # At most ~200 points per line keeps the page light; the curves are smooth averages.
    idx = np.unique(np.linspace(0, n - 1, min(n, 200)).round().astype(int))
    xs = left + w * idx / max(n - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'style="font:11px sans-serif">'
    ]
    for y in (0.0, 0.25, 0.5, 0.75, 1.0):
        py = top + h * (1.0 - y)
        parts.append(
            f'<line x1="{left}" x2="{left + w}" y1="{py:.1f}" y2="{py:.1f}" stroke="#ddd"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end">{y:g}</text>')
    for a in range(k):
        ys = top + h * (1.0 - pi_mean[idx, a])
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
        colour = COLOURS[a % len(COLOURS)]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
    parts.append(f'<text x="{left}" y="{height - 8}">0</text>')
    parts.append(f'<text x="{left + w}" y="{height - 8}" text-anchor="end">{n - 1}</text>')
    parts.append(
        f'<text x="{left + w / 2:.0f}" y="{height - 8}" text-anchor="middle">pulls made, n</text>'
    )
    parts.append(
        f'<text x="12" y="{top + h / 2:.0f}" transform="rotate(-90 12 {top + h / 2:.0f})" '
        'text-anchor="middle">mean π(a)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bars_html(pi, probs, n: int, wrong: float) -> str:
    """A bar chart of the policy `pi` (shape (k,)) after pull `n`, with the arms' pay-offs.

    Example:
        >>> "61.0%" in bars_html([0.39, 0.61], [0.2, 0.8], n=100, wrong=0.05)
        True
    """
    pi = as_finite_array("pi", pi, ndim=1)
    probs = check_arm_probs(probs)
    if pi.size != probs.size:
        raise ValueError(f"pi and probs must have the same length, got {pi.size} and {probs.size}")
    rows = [
        f'<div style="font-size:0.9em;margin-bottom:4px"><b>after pull {int(n)}</b> · expected '
        f"reward J = {pi @ probs:.3f} (best arm: {probs.max():g}) · runs that prefer a "
        f"wrong arm: {100 * wrong:.0f}%</div>"
    ]
    for a in range(pi.size):
        colour = COLOURS[a % len(COLOURS)]
        rows.append(
            '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="width:9em">arm {a} (pays {probs[a]:g})</span>'
            '<span style="width:300px;background:#eee;height:14px;display:inline-block">'
            f'<span style="width:{100 * pi[a]:.1f}%;background:{colour};height:14px;'
            'display:inline-block"></span></span>'
            f"<span>{100 * pi[a]:.1f}%</span></div>"
        )
    return "".join(rows)


def bandit_explorer(grid: BanditGrid | None = None, *, interval_ms: int = 400) -> widgets.VBox:
    """The widget: pick the arms and the step size, then play through training time.

    Args:
        grid: the precomputed curves; `learning_grid(PRESETS, ALPHAS)` when None.
        interval_ms: how long Play dwells on each frame.

    Example:
        >>> grid = learning_grid([[0.1, 0.9], [0.4, 0.6]], [0.5, 2.0], n_runs=4, n_steps=10)
        >>> box = bandit_explorer(grid)
        >>> len(box.children[1].children), len(box.children[1].children[0].children)
        (2, 2)
    """
    if grid is None:
        grid = learning_grid(list(PRESETS.values()), ALPHAS)
    if not isinstance(grid, BanditGrid):
        raise TypeError(
            f"grid must be a BanditGrid (from learning_grid), got {type(grid).__name__}"
        )
    labels = [" / ".join(f"{p:g}" for p in probs) for probs in grid.probs]
    arms = widgets.ToggleButtons(options=labels, index=0, description="arms pay")
    alpha = widgets.SelectionSlider(
        options=[f"{a:g}" for a in grid.alphas],
        index=min(1, grid.alphas.size - 1),
        description="step size α",
    )
    n_frames = grid.frames.size
    pull = widgets.SelectionSlider(
        options=[str(n) for n in grid.frames], index=0, description="pull"
    )
    play = widgets.Play(value=0, min=0, max=n_frames - 1, step=1, interval=interval_ms)
    widgets.jslink((play, "value"), (pull, "index"))

    per_preset = []
    for i, probs in enumerate(grid.probs):
        per_alpha = []
        for j in range(grid.alphas.size):
            frames = widgets.Stack(
                [
                    widgets.HTML(bars_html(grid.pi_mean[i, j, n], probs, n, grid.wrong[i, j, n]))
                    for n in grid.frames
                ],
                selected_index=0,
            )
            widgets.jslink((pull, "index"), (frames, "selected_index"))
            per_alpha.append(widgets.VBox([widgets.HTML(curve_svg(grid.pi_mean[i, j])), frames]))
        by_alpha = widgets.Stack(per_alpha, selected_index=alpha.index)
        widgets.jslink((alpha, "index"), (by_alpha, "selected_index"))
        per_preset.append(by_alpha)
    views = widgets.Stack(per_preset, selected_index=0)
    widgets.jslink((arms, "index"), (views, "selected_index"))

    controls = widgets.VBox([arms, alpha, widgets.HBox([play, pull])])
    box = widgets.VBox([controls, views])
    box.add_class("bandit-explorer")
    return box
