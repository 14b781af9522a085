"""The bias and variance of GAE(lambda) on chapter 2's MDP, with a slider for lambda (chapter 7).

The exact numbers come from `course_lib.gae_exact.gae_bias_variance` (all 64 trajectories,
no sampling), for the exact value table and for the time-blind one. The widget draws two
panels against lambda, the bias norm ||E g - grad J|| and the total variance E||g - E g||^2 of
the one-trajectory estimate, marks the lambda the reader picks, and lists below them the mean
squared error of an average of N trajectories, ||bias||^2 + variance / N, for a few N.

As in `course_lib.corridor.widgets`, every view is computed up front, one per slider position,
and put in a `Stack` that the slider selects with `jsdlink` (`course_lib.widgets.slider_views`),
so the page needs no kernel:

    lambda (SelectionSlider.index) -> Stack.selected_index
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib._validate import as_real, check_int
from course_lib.gae_exact import VALUE_KINDS, gae_bias_variance, value_table
from course_lib.toy_mdp import ToyMDP, make_toy_mdp
from course_lib.widgets import slider_views

COLOURS = {"exact": "#1f77b4", "time-blind": "#d62728"}  # matplotlib's C0 and C3
WIDTH, HEIGHT = 600, 230
PANEL_WIDTH, PANEL_HEIGHT, PANEL_TOP = 220, 160, 16
PANEL_LEFTS = (60, 360)  # the x of each panel's plotting box
N_AVG = (10, 100, 1000)  # the batch sizes whose mean squared error each view lists
CHAPTER_THETA = np.array([[0.3, -0.2], [0.1, 0.4]])  # chapter 6's policy


@dataclass(frozen=True)
class GAEGrid:
    """The numbers the widget shows.

    Attributes:
        lam: the slider's lambdas, lam[i] = i / n_steps, shape (S,).
        kinds: the value tables, VALUE_KINDS.
        bias_norm: ||E g - grad J|| for each kind and lambda, shape (K, S).
        variance: E||g - E g||^2 for each kind and lambda, shape (K, S).

    Example:
        >>> grid = gae_grid(n_steps=2)
        >>> grid.lam, grid.bias_norm.shape == grid.variance.shape == (len(grid.kinds), 3)
        (array([0. , 0.5, 1. ]), True)
    """

    lam: np.ndarray
    kinds: tuple
    bias_norm: np.ndarray
    variance: np.ndarray

    def mse(self, n: int) -> np.ndarray:
        """||bias||^2 + variance / n: the mean squared error of an average of n, shape (K, S).

        Example:
            >>> grid = gae_grid(n_steps=2)
            >>> bool(np.allclose(grid.mse(1) - grid.mse(2), grid.variance / 2))
            True
        """
        return self.bias_norm**2 + self.variance / check_int("n", n, low=1)


def gae_grid(mdp: ToyMDP | None = None, theta=None, n_steps: int = 20) -> GAEGrid:
    """Exact bias and variance at lambda = 0, 1/n_steps, ..., 1, for both value tables.

    Args:
        mdp: the problem; chapter 2's `make_toy_mdp()` when None.
        theta: the softmax logits; chapter 6's policy when None.
        n_steps: the slider's steps, an integer from 2 to 100.

    Example:
        >>> grid = gae_grid(n_steps=4)
        >>> grid.lam.tolist(), grid.bias_norm.shape
        ([0.0, 0.25, 0.5, 0.75, 1.0], (2, 5))
    """
    n_steps = check_int("n_steps", n_steps, low=2, high=100)
    mdp = make_toy_mdp() if mdp is None else mdp
    theta = CHAPTER_THETA if theta is None else theta
    lam = np.arange(n_steps + 1) / n_steps
    tables = [gae_bias_variance(mdp, theta, value_table(mdp, theta, k), lam) for k in VALUE_KINDS]
    return GAEGrid(
        lam=lam,
        kinds=VALUE_KINDS,
        bias_norm=np.array([t["bias_norm"] for t in tables]),
        variance=np.array([t["variance"] for t in tables]),
    )


def _nice_top(y_max: float) -> float:
    """The smallest of 1, 2, 4, 5 times a power of ten at or above y_max (and above 0)."""
    y_max = max(float(y_max), 1e-12)
    power = 10.0 ** np.floor(np.log10(y_max))
    return float(next(m * power for m in (1, 2, 4, 5, 10) if m * power >= y_max * (1 - 1e-12)))


def panel_xy(panel: int, lam, y, y_top: float):
    """Pixel coordinates of (lam, y) in panel 0 (bias) or 1 (variance); y from 0 to y_top.

    Example:
        >>> panel_xy(0, 0.0, 0.0, 1.0), panel_xy(1, 1.0, 1.0, 1.0)
        ((60.0, 176.0), (580.0, 16.0))
    """
    left = PANEL_LEFTS[panel]
    x = left + PANEL_WIDTH * np.asarray(lam, dtype=float)
    yy = PANEL_TOP + PANEL_HEIGHT * (1.0 - np.asarray(y, dtype=float) / y_top)
    return (float(x), float(yy)) if np.ndim(x) == 0 else (x, yy)


def _tops(grid: GAEGrid) -> tuple[float, float]:
    return _nice_top(grid.bias_norm.max()), _nice_top(grid.variance.max())


def _chart_base(grid: GAEGrid) -> str:
    """The axes and the four curves, shared by every view (the closing tag is left off)."""
    tops = _tops(grid)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" style="font:11px sans-serif"><title>Bias norm and total variance of the '
        "GAE gradient estimate against lambda, for the exact and the time-blind value</title>"
    ]
    titles = ("bias ‖E g − ∇J‖", "variance E‖g − E g‖²")
    for panel, (data, top, title) in enumerate(
        zip((grid.bias_norm, grid.variance), tops, titles, strict=True)
    ):
        left = PANEL_LEFTS[panel]
        bottom = PANEL_TOP + PANEL_HEIGHT
        for k in range(5):
            y_val = top * k / 4
            _, y = panel_xy(panel, 0.0, y_val, top)
            parts.append(
                f'<line x1="{left}" x2="{left + PANEL_WIDTH}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                f"{y_val:.3g}</text>"
            )
        for lam in (0.0, 0.5, 1.0):
            x, _ = panel_xy(panel, lam, 0.0, top)
            parts.append(f'<text x="{x:.1f}" y="{bottom + 13}" text-anchor="middle">{lam:g}</text>')
        parts.append(
            f'<text x="{left + PANEL_WIDTH / 2:.0f}" y="{bottom + 27}" text-anchor="middle">'
            f"λ — {title}</text>"
        )
        for kind, row in zip(grid.kinds, data, strict=True):
            xs, ys = panel_xy(panel, grid.lam, row, top)
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
            parts.append(
                f'<polyline fill="none" stroke="{COLOURS[kind]}" stroke-width="2" '
                f'points="{points}"/>'
            )
    for k, kind in enumerate(grid.kinds):  # the legend, low in the variance panel
        y = PANEL_TOP + PANEL_HEIGHT - 34 + 14 * k
        x = PANEL_LEFTS[1] + PANEL_WIDTH - 100
        parts.append(
            f'<line x1="{x}" x2="{x + 16}" y1="{y - 4}" y2="{y - 4}" stroke="{COLOURS[kind]}" '
            f'stroke-width="2"/><text x="{x + 20}" y="{y}">{kind} V</text>'
        )
    return "".join(parts)


def _check_index(grid, index) -> int:
    if not isinstance(grid, GAEGrid):
        raise TypeError(f"grid must be a GAEGrid (from gae_grid), got {type(grid).__name__}")
    return check_int("index", index, low=0, high=grid.lam.size - 1)


def gae_view_html(grid: GAEGrid, index: int, base: str | None = None) -> str:
    """The view at slider position `index`: both panels with lambda marked, and the numbers.

    The view is a `<div class="gae-view" data-lam="...">`; each value table's numbers sit in a
    `<tr data-kind="..." data-bias="..." data-variance="...">` (4 significant figures), with
    the mean squared error for each N in `data-mse-N`.

    Example:
        >>> grid = gae_grid(n_steps=10)
        >>> view = gae_view_html(grid, 10)
        >>> 'data-lam="1.00"' in view and 'data-kind="exact"' in view
        True
    """
    index = _check_index(grid, index)
    base = _chart_base(grid) if base is None else base
    tops = _tops(grid)
    lam = float(grid.lam[index])
    marks = []
    for panel, (data, top) in enumerate(zip((grid.bias_norm, grid.variance), tops, strict=True)):
        x, y_bottom = panel_xy(panel, lam, 0.0, top)
        marks.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PANEL_TOP}" y2="{y_bottom:.1f}" '
            'stroke="#333" stroke-dasharray="4 3"/>'
        )
        for kind, row in zip(grid.kinds, data, strict=True):
            _, y = panel_xy(panel, lam, row[index], top)
            marks.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="none" '
                f'stroke="{COLOURS[kind]}" stroke-width="2"/>'
            )
    head = "".join(f"<th>MSE, N = {n}</th>" for n in N_AVG)
    rows = []
    for k, kind in enumerate(grid.kinds):
        b, v = grid.bias_norm[k, index], grid.variance[k, index]
        b = 0.0 if b < 1e-12 else b  # rounding noise of an exactly unbiased estimate
        mse = [grid.mse(n)[k, index] for n in N_AVG]
        data = " ".join(f'data-mse-{n}="{m:.4g}"' for n, m in zip(N_AVG, mse, strict=True))
        cells = "".join(f"<td>{m:.4g}</td>" for m in mse)
        rows.append(
            f'<tr data-kind="{kind}" data-bias="{b:.4g}" data-variance="{v:.4g}" {data}>'
            f'<td style="color:{COLOURS[kind]}">{kind} V</td><td>{b:.4g}</td><td>{v:.4g}</td>'
            f"{cells}</tr>"
        )
    table = (
        '<table style="font:12px sans-serif;border-spacing:14px 1px"><tr><th></th>'
        f"<th>bias</th><th>variance</th>{head}</tr>{''.join(rows)}</table>"
    )
    return (
        f'<div class="gae-view" data-lam="{lam:.2f}">{base}{"".join(marks)}</svg>'
        f"<div>λ = <b>{lam:.2f}</b>. The mean squared error of an average of N trajectories "
        f"is bias² + variance / N:</div>{table}</div>"
    )


def gae_explorer(grid: GAEGrid | None = None, *, start: float = 0.9) -> widgets.VBox:
    """The widget: a slider for lambda over the precomputed views.

    Example:
        >>> box = gae_explorer(gae_grid(n_steps=10), start=0.5)
        >>> slider, views = box.children
        >>> len(views.children), slider.index == views.selected_index == 5
        (11, True)
    """
    grid = gae_grid() if grid is None else grid
    if not isinstance(grid, GAEGrid):
        raise TypeError(f"grid must be a GAEGrid (from gae_grid), got {type(grid).__name__}")
    start = as_real("start", start)
    if not 0.0 <= start <= 1.0:
        raise ValueError(f"start must lie in [0, 1], got {start}")
    base = _chart_base(grid)
    return slider_views(
        [f"{x:.2f}" for x in grid.lam],
        [gae_view_html(grid, i, base) for i in range(grid.lam.size)],
        description="λ",
        start=int(np.argmin(np.abs(grid.lam - start))),
        width=WIDTH,
        css_class="gae-explorer",
    )
