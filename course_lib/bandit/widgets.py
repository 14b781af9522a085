"""A widget to watch REINFORCE learn a bandit, which works with no kernel (chapter 3).

The reader picks a set of arm pay-offs and a step size, and moves through training time.
Python callbacks would need a running kernel, so every view is computed up front by the
pure function `learning_grid` and put in nested `Stack`s; the controls select among them
with `jslink`, which the browser carries out by itself in the rendered book:

    arms (ToggleButtons.index) -> outer Stack: one page per preset
    step size (SelectionSlider.index) -> one Stack per preset: one page per step size
    pull (SelectionSlider.index, driven by Play) -> one Stack per setting: one page per frame

Each (preset, step size) page has a legend (`legend_html`) and, for every pull the time
control offers, the mean policy over all runs as an SVG line chart with the selected pull
marked by a dashed vertical line (`curve_svg`), and below it a bar chart of the policy after
that pull (`bars_html`). The widget opens on a pull where the runs have had time to spread
(`start_pull`), not on the uniform start.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib._validate import as_finite_array, check_int
from course_lib.bandit.env import check_arm_probs
from course_lib.bandit.reinforce import draw_uniforms, prefers_wrong_arm, reinforce_vectorised
from course_lib.widgets import linked_stack, nested_stack

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
        n_runs: how many runs each average is over.

    Example:
        >>> grid = learning_grid([[0.2, 0.8]], [0.1], n_runs=4, n_steps=20, n_frames=3)
        >>> grid.pi_mean.shape, grid.frames.tolist()
        ((1, 1, 21, 2), [0, 10, 20])
    """

    probs: np.ndarray
    alphas: np.ndarray
    pi_mean: np.ndarray
    wrong: np.ndarray
    frames: np.ndarray
    n_runs: int


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
    n_frames = check_int("n_frames", n_frames, low=2)
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
    return BanditGrid(
        probs=presets, alphas=alphas, pi_mean=pi_mean, wrong=wrong, frames=frames, n_runs=n_runs
    )


# The plotting box inside the chart's SVG: margins left, right, top and bottom, in pixels.
MARGINS = (44, 10, 10, 30)
MARKER_COLOUR = "#555"


def pull_x(n: int, n_pulls: int, width: int = 520) -> float:
    """The x coordinate, in pixels, of pull `n` in a chart of pulls 0 to `n_pulls`.

    Example:
        >>> pull_x(0, 500), pull_x(500, 500), pull_x(250, 500)
        (44.0, 510.0, 277.0)
    """
    left, right, _, _ = MARGINS
    return left + (width - left - right) * n / max(n_pulls, 1)


def curve_svg(pi_mean, width: int = 520, height: int = 190, *, marker: int | None = None) -> str:
    """An inline SVG line chart of each arm's probability against the pull.

    Args:
        pi_mean: the policy after every pull, shape (n_pulls + 1, k).
        width, height: the size of the chart in pixels.
        marker: a pull to mark with a dashed vertical line (class ``pull-marker``), and a
            dot where it crosses each arm's line; None for no marker.

    Example:
        >>> curve_svg(np.full((3, 2), 0.5)).count("<polyline")
        2
        >>> 'class="pull-marker" x1="277.0"' in curve_svg(np.full((3, 2), 0.5), marker=1)
        True
    """
    pi_mean = as_finite_array("pi_mean", pi_mean, ndim=2)
    n, k = pi_mean.shape
    if marker is not None and (
        isinstance(marker, bool)
        or not isinstance(marker, (int, np.integer))
        or not 0 <= marker <= n - 1
    ):
        raise ValueError(f"marker must be a pull from 0 to {n - 1}, or None, got {marker!r}")
    left, right, top, bottom = MARGINS
    w, h = width - left - right, height - top - bottom
    # At most ~85 points per line keeps the page light (every view holds one chart per
    # frame); the curves are smooth averages, and the marked pull is always one of them.
    idx = np.linspace(0, n - 1, min(n, 85)).round().astype(int)
    if marker is not None:
        idx = np.append(idx, marker)
    idx = np.unique(idx)
    xs = np.array([pull_x(i, n - 1, width) for i in idx])
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
    if marker is not None:
        mx = pull_x(marker, n - 1, width)
        parts.append(
            f'<line class="pull-marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="{top}" y2="{top + h}" '
            f'stroke="{MARKER_COLOUR}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        for a in range(k):
            my = top + h * (1.0 - pi_mean[marker, a])
            colour = COLOURS[a % len(COLOURS)]
            parts.append(
                f'<circle class="pull-dot" cx="{mx:.1f}" cy="{my:.1f}" r="3.5" fill="{colour}" '
                f'stroke="white"/>'
            )
        anchor = "end" if mx > left + w / 2 else "start"
        shift = -4 if anchor == "end" else 4
        parts.append(
            f'<text x="{mx + shift:.1f}" y="{top + 10}" text-anchor="{anchor}" '
            f'fill="{MARKER_COLOUR}">pull {int(marker)}</text>'
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


def legend_html(probs, n_runs: int | None = None) -> str:
    """What the chart's lines, dashed line and bars mean, for arms paying `probs` (shape (k,)).

    Example:
        >>> text = legend_html([0.2, 0.8], n_runs=200)
        >>> "arm 1 (pays 0.8)" in text and "selected pull" in text and "200 runs" in text
        True
    """
    probs = check_arm_probs(probs)
    runs = "all runs" if n_runs is None else f"{int(n_runs)} runs"

    def swatch(colour: str, dash: str = "") -> str:
        return (
            '<svg width="22" height="10" style="vertical-align:middle">'
            f'<line x1="1" x2="21" y1="5" y2="5" stroke="{colour}" stroke-width="2"{dash}/></svg>'
        )

    items = [
        f"<span>{swatch(COLOURS[a % len(COLOURS)])} arm {a} (pays {probs[a]:g})</span>"
        for a in range(probs.size)
    ]
    dashed = swatch(MARKER_COLOUR, ' stroke-dasharray="4 3"')
    items.append(f"<span>{dashed} the selected pull</span>")
    return (
        '<div class="bandit-legend" style="font-size:0.85em">'
        '<div style="display:flex;flex-wrap:wrap;gap:2px 14px;align-items:center">'
        + "".join(items)
        + "</div>"
        f'<div style="color:#444">Lines: each arm\'s probability π(a) after every pull, '
        f"averaged over {runs}. Bars: the same averages after the selected pull.</div></div>"
    )


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


def bandit_explorer(
    grid: BanditGrid | None = None, *, start_pull: int | None = None, interval_ms: int = 400
) -> widgets.VBox:
    """The widget: pick the arms and the step size, then play through training time.

    Args:
        grid: the precomputed curves; `learning_grid(PRESETS, ALPHAS)` when None.
        start_pull: the pull the widget opens on, one of `grid.frames`; None for the frame
            nearest a fifth of the way through, where the runs have had time to spread.
        interval_ms: how long Play dwells on each frame.

    Example:
        >>> grid = learning_grid([[0.1, 0.9], [0.4, 0.6]], [0.5, 2.0], n_runs=4, n_steps=10)
        >>> box = bandit_explorer(grid, start_pull=3)
        >>> len(box.children[1].children), len(box.children[1].children[0].children)
        (2, 2)
        >>> box.children[0].children[2].children[1].value   # the pull slider's label
        '3'
    """
    if grid is None:
        grid = learning_grid(list(PRESETS.values()), ALPHAS)
    if not isinstance(grid, BanditGrid):
        raise TypeError(
            f"grid must be a BanditGrid (from learning_grid), got {type(grid).__name__}"
        )
    frames_list = [int(n) for n in grid.frames]
    if start_pull is None:
        start = int(np.argmin(np.abs(grid.frames - grid.frames[-1] / 5)))
    elif isinstance(start_pull, bool) or start_pull not in frames_list:
        raise ValueError(
            f"start_pull must be one of the grid's frames {frames_list}, got {start_pull!r}"
        )
    else:
        start = frames_list.index(start_pull)
    labels = [" / ".join(f"{p:g}" for p in probs) for probs in grid.probs]
    arms = widgets.ToggleButtons(options=labels, index=0, description="arms pay")
    alpha = widgets.SelectionSlider(
        options=[f"{a:g}" for a in grid.alphas],
        index=min(1, grid.alphas.size - 1),
        description="step size α",
    )
    n_frames = grid.frames.size
    pull = widgets.SelectionSlider(
        options=[str(n) for n in frames_list], index=start, description="pull"
    )
    play = widgets.Play(value=start, min=0, max=n_frames - 1, step=1, interval=interval_ms)
    widgets.jslink((play, "value"), (pull, "index"))

    legends = [widgets.HTML(legend_html(probs, grid.n_runs)) for probs in grid.probs]

    def page(path):  # one (arms, step size) setting: its legend and the frames the pull picks
        i, j = path
        frames = [
            widgets.HTML(
                curve_svg(grid.pi_mean[i, j], marker=n)
                + bars_html(grid.pi_mean[i, j, n], grid.probs[i], n, grid.wrong[i, j, n])
            )
            for n in frames_list
        ]
        return widgets.VBox([legends[i], linked_stack(pull, frames)])

    views = nested_stack([(arms, len(grid.probs)), (alpha, grid.alphas.size)], page)

    controls = widgets.VBox([arms, alpha, widgets.HBox([play, pull])])
    box = widgets.VBox([controls, views])
    box.add_class("bandit-explorer")
    return box
