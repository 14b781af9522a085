"""The short corridor's value curve with a slider for p, which works with no kernel (chapter 1).

Every policy of the short corridor that cannot tell its cells apart is one number,
p = pi(RIGHT), and its expected return J(p) = V^pi(c_0) is known exactly
(`course_lib.mdp.short_corridor_values`). The widget draws that curve, marks the best policy
p* = 2 - sqrt(2) and the chapter's two epsilon-greedy policies, and shows a marker and the
value at the p the reader picks with a slider.

A Python callback would need a running kernel, so every view is computed up front by the
pure functions `corridor_grid` and `corridor_view_html`, one view per slider position, and
put in a `Stack`; the slider selects among them with `jsdlink` (through
`course_lib.widgets.slider_views`), which the browser carries out by itself in the rendered
book:

    p (SelectionSlider.index) -> Stack.selected_index: one view (chart and value) per p

At p = 0 and p = 1 the agent never reaches the goal: the value is minus infinity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib._validate import as_real, check_int
from course_lib.mdp import (
    LEFT,
    OPTIMAL_P_RIGHT,
    RIGHT,
    epsilon_greedy_p_right,
    short_corridor_value,
    short_corridor_values,
)
from course_lib.widgets import slider_views

# Matplotlib's colours, as in the chapter's figure (`plot_short_corridor_value`).
CURVE_COLOUR, BEST_COLOUR, EPS_COLOURS = "#1f77b4", "#2ca02c", ("#d62728", "#ff7f0e")
# The chart: its size and the plotting box inside it, in pixels.
WIDTH, HEIGHT = 560, 250
BOX_LEFT, BOX_TOP, BOX_WIDTH, BOX_HEIGHT = 52, 14, 490, 194
N_CURVE = 100  # the curve is drawn through p = 1/100, 2/100, ..., 99/100


@dataclass(frozen=True)
class CorridorGrid:
    """The values the widget shows: J(p) at every slider position, and the marked policies.

    Attributes:
        p: the slider's probabilities of RIGHT, p[i] = i / n_steps, shape (S,) = (n_steps + 1,).
        value: J(p) = V^pi(c_0) at each p, shape (S,); minus infinity at p = 0 and p = 1.
        p_best, value_best: the best policy p* = 2 - sqrt(2) and its value J(p*).
        epsilon: the exploration rate of the marked epsilon-greedy policies.
        p_eps: p of the epsilon-greedy policies whose greedy action is RIGHT and LEFT, shape (2,).
        value_eps: their values J(p_eps), shape (2,).
        v_min: the bottom of the chart's value axis (its top is 0).

    Example:
        >>> grid = corridor_grid(4)
        >>> grid.p.tolist(), round(grid.p_best, 4)
        ([0.0, 0.25, 0.5, 0.75, 1.0], 0.5858)
    """

    p: np.ndarray
    value: np.ndarray
    p_best: float
    value_best: float
    epsilon: float
    p_eps: np.ndarray
    value_eps: np.ndarray
    v_min: float


def corridor_grid(n_steps: int = 100, *, epsilon: float = 0.1, v_min: float = -100.0):
    """Exact values of the corridor's policies p = 0, 1/n_steps, ..., 1; a `CorridorGrid`.

    Every value comes from `short_corridor_values`, the library's exact J(p); the
    epsilon-greedy policies' p from `epsilon_greedy_p_right`.

    Args:
        n_steps: the number of slider steps, an integer from 2 to 1000 (100: steps of 0.01).
        epsilon: the exploration rate of the marked epsilon-greedy policies, in (0, 1).
        v_min: the bottom of the chart, below the best value J* = -(6 + 4 sqrt(2)).

    Example:
        >>> grid = corridor_grid(4)
        >>> grid.p.tolist(), grid.value.tolist()
        ([0.0, 0.25, 0.5, 0.75, 1.0], [-inf, -18.666666666666668, -12.0, -13.333333333333334, -inf])
        >>> grid.p_eps.tolist()   # greedy RIGHT, greedy LEFT
        [0.95, 0.05]
    """
    # more than 1,000 views would make the page heavy, and their labels would repeat
    n_steps = check_int("n_steps", n_steps, low=2, high=1000)
    v_min = as_real("v_min", v_min)
    value_best = short_corridor_value(OPTIMAL_P_RIGHT)
    if not v_min < value_best:
        raise ValueError(
            f"v_min must lie below the best value J* = {value_best:.2f}, or the chart cuts off "
            f"the top of the curve; got {v_min}"
        )
    p = np.arange(n_steps + 1) / n_steps  # (S,): exact at 0 and 1
    value = np.full(p.shape, -np.inf)  # the policies p = 0 and p = 1 never reach the goal
    value[1:-1] = short_corridor_values(p[1:-1])
    # epsilon_greedy_p_right also checks that epsilon lies in (0, 1).
    p_eps = np.array([epsilon_greedy_p_right(epsilon, greedy) for greedy in (RIGHT, LEFT)])
    value_eps = np.array([short_corridor_value(q) for q in p_eps])
    return CorridorGrid(
        p=p,
        value=value,
        p_best=float(OPTIMAL_P_RIGHT),
        value_best=value_best,
        epsilon=float(epsilon),
        p_eps=p_eps,
        value_eps=value_eps,
        v_min=v_min,
    )


def chart_xy(p: float, value: float, v_min: float) -> tuple[float, float]:
    """Pixel coordinates of the point (p, value) in the chart: p in [0, 1], value in [v_min, 0].

    `p` and `value` may also be arrays of one shape; the coordinates then have that shape.
    Values below `v_min` land below the plotting box (the box clips them).

    Example:
        >>> chart_xy(0.0, 0.0, -100.0), chart_xy(1.0, -100.0, -100.0)
        ((52.0, 14.0), (542.0, 208.0))
    """
    return BOX_LEFT + BOX_WIDTH * p, BOX_TOP + BOX_HEIGHT * value / v_min


def _fmt(value: float, decimals: int = 2) -> str:
    """A number as the page shows it, with a true minus sign: -12.0 -> '−12.00'."""
    if value == -math.inf:
        return "\u2212\u221e"
    return f"{value:.{decimals}f}".replace("-", "\u2212")


def _marker(x: float, y: float, colour: str, shape: str, size: float = 5.0) -> str:
    """An SVG marker centred on (x, y): 'circle', 'square' or 'down' (a triangle)."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:g}" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:g}" '
            f'height="{2 * size:g}" fill="{colour}"/>'
        )
    points = f"{x - size:.1f},{y - 2 * size:.1f} {x + size:.1f},{y - 2 * size:.1f} {x:.1f},{y:.1f}"
    return f'<polygon points="{points}" fill="{colour}"/>'


def _point(p: float, value: float, v_min: float, colour: str, shape: str) -> str:
    """A marker at (p, value), or a triangle on the bottom edge when the value is below it."""
    if value >= v_min:
        return _marker(*chart_xy(p, value, v_min), colour, shape)
    return _marker(*chart_xy(p, v_min, v_min), colour, "down")


def _chart_base(grid: CorridorGrid) -> str:
    """The parts of the chart that every view shares: axes, curve, marked policies."""
    v_min = grid.v_min
    bottom, right = BOX_TOP + BOX_HEIGHT, BOX_LEFT + BOX_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" style="font:11px sans-serif">'
        "<title>The value J(p) of the start cell against p, the probability of RIGHT, "
        "with the selected policy marked</title>"
    ]
    for k in range(5):  # value grid lines: 0, v_min/4, ..., v_min
        v = v_min * k / 4 + 0.0  # + 0.0 turns -0.0 into 0.0
        y = chart_xy(0.0, v, v_min)[1]
        parts.append(
            f'<line x1="{BOX_LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{BOX_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(v, 0)}</text>'
        )
    for p in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = chart_xy(p, 0.0, v_min)[0]
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{p:g}</text>')
    parts.append(
        f'<text x="{BOX_LEFT + BOX_WIDTH / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">'
        "p = probability of RIGHT (the same in every cell)</text>"
        f'<text x="12" y="{BOX_TOP + BOX_HEIGHT / 2:.0f}" '
        f'transform="rotate(-90 12 {BOX_TOP + BOX_HEIGHT / 2:.0f})" text-anchor="middle">'
        "J(p), value of the start cell</text>"
    )
    # The curve, in a nested <svg> whose viewport is the plotting box: it clips the parts
    # that fall below v_min, where the curve heads for minus infinity at p = 0 and p = 1.
    p_curve = np.arange(1, N_CURVE) / N_CURVE  # (N_CURVE - 1,)
    v_curve = short_corridor_values(p_curve)
    # Keep the points inside the box and their neighbours outside it, which end the line.
    inside = v_curve >= v_min
    keep = inside | np.roll(inside, 1) | np.roll(inside, -1)
    xs, ys = chart_xy(p_curve[keep], v_curve[keep], v_min)
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    parts.append(
        f'<svg x="{BOX_LEFT}" y="{BOX_TOP}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" '
        f'viewBox="{BOX_LEFT} {BOX_TOP} {BOX_WIDTH} {BOX_HEIGHT}" overflow="hidden">'
        f'<polyline fill="none" stroke="{CURVE_COLOUR}" stroke-width="2" points="{points}"/>'
        "</svg>"
    )
    x_best, y_best = chart_xy(grid.p_best, grid.value_best, v_min)
    parts.append(
        _marker(x_best, y_best, BEST_COLOUR, "circle")
        + f'<text x="{x_best:.1f}" y="{y_best - 9:.1f}" text-anchor="middle" '
        f'fill="{BEST_COLOUR}">best: p* = {grid.p_best:.3f}, J* = {_fmt(grid.value_best)}</text>'
    )
    for q, v, colour, name in zip(
        grid.p_eps, grid.value_eps, EPS_COLOURS, ("RIGHT", "LEFT"), strict=True
    ):
        x, y = chart_xy(q, max(v, v_min), v_min)
        anchor, dx = ("end", -10) if q > 0.5 else ("start", 10)
        parts.append(
            _point(q, v, v_min, colour, "square")
            + f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="{colour}">'
            f"ε-greedy {name} (ε = {grid.epsilon:g}): {_fmt(v)}</text>"
        )
    return "".join(parts)


def _check_index(grid, index) -> int:
    if not isinstance(grid, CorridorGrid):
        raise TypeError(
            f"grid must be a CorridorGrid (from corridor_grid), got {type(grid).__name__}"
        )
    return check_int("index", index, low=0, high=grid.p.size - 1)


def _p_label(grid: CorridorGrid, index: int) -> str:
    """p[index] with the fewest decimals (at least 2) that show every slider position exactly."""
    decimals = next(
        (d for d in (2, 3) if np.allclose(np.round(grid.p, d), grid.p, rtol=0.0, atol=1e-12)), 4
    )
    return f"{grid.p[index]:.{decimals}f}"


def corridor_view_html(grid: CorridorGrid, index: int, base: str | None = None) -> str:
    """The view at slider position `index`: the chart with p[index] marked, and its value.

    The view is a `<div class="corridor-view">` with `data-p` (the slider's label) and
    `data-value` (J(p), two decimals; '-inf' at p = 0 and 1); the value is also shown in
    a `<b class="corridor-value">`.

    Args:
        grid: the values, from `corridor_grid`.
        index: the slider position, in [0, S - 1].
        base: `_chart_base(grid)`, to share between views; computed when None.

    Example:
        >>> grid = corridor_grid(100)
        >>> view = corridor_view_html(grid, 50)
        >>> 'data-p="0.50"' in view and 'data-value="-12.00"' in view
        True
    """
    index = _check_index(grid, index)
    base = _chart_base(grid) if base is None else base
    p, v, v_min = float(grid.p[index]), float(grid.value[index]), grid.v_min
    label = _p_label(grid, index)
    x, y_bottom = chart_xy(p, v_min, v_min)
    _, y = chart_xy(p, max(v, v_min), v_min)
    if v >= v_min:  # a ring, so that the marked policies stay visible under it
        here = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="none" stroke="#000" stroke-width="2"/>'
        )
    else:
        here = _marker(x, y, "#000", "down")
    # a dashed line from the p axis up to the selected point
    line = f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y:.1f}" y2="{y_bottom:.1f}" stroke="#333" '
    chart = base + line + 'stroke-dasharray="4 3"/>' + here + "</svg>"
    if v == -math.inf:
        text = (
            f"p = <b>{label}</b>: the agent never reaches the goal, "
            f'J(p) = <b class="corridor-value">{_fmt(v)}</b>'
        )
        data_value = "-inf"
    else:
        where = "" if v >= v_min else " (below the chart)"
        text = (
            f"p = <b>{label}</b>: J(p) = V<sup>π</sup>(c<sub>0</sub>) = "
            f'<b class="corridor-value">{_fmt(v)}</b>{where}, so an episode takes '
            f"{-v:.2f} steps on average (the best policy, p* = {grid.p_best:.3f}, "
            f"needs {-grid.value_best:.2f})"
        )
        data_value = f"{v:.2f}"
    return (
        f'<div class="corridor-view" data-p="{label}" data-value="{data_value}">'
        f'{chart}<div style="margin-top:2px">{text}</div></div>'
    )


def corridor_explorer(grid: CorridorGrid | None = None, *, start: float = 0.5) -> widgets.VBox:
    """The widget: a slider for p and the view of the value curve at that p.

    Args:
        grid: the precomputed values; `corridor_grid()` (steps of 0.01) when None.
        start: the p the slider starts at, in [0, 1] (the nearest slider position).

    Returns:
        A VBox of the slider and a Stack with one HTML view per slider position.

    Example:
        >>> box = corridor_explorer(corridor_grid(10))
        >>> slider, views = box.children
        >>> len(views.children), slider.index == views.selected_index == 5
        (11, True)
    """
    if grid is None:
        grid = corridor_grid()
    if not isinstance(grid, CorridorGrid):
        raise TypeError(
            f"grid must be a CorridorGrid (from corridor_grid), got {type(grid).__name__}"
        )
    start = as_real("start", start)
    if not 0.0 <= start <= 1.0:
        raise ValueError(f"start must lie in [0, 1], got {start}")
    base = _chart_base(grid)
    return slider_views(
        [_p_label(grid, i) for i in range(grid.p.size)],
        [corridor_view_html(grid, i, base) for i in range(grid.p.size)],
        description="p = π(RIGHT)",
        start=int(np.argmin(np.abs(grid.p - start))),
        width=WIDTH,
        css_class="corridor-explorer",
        description_width="initial",
    )
