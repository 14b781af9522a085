"""The return-to-go visualiser: which weight each log-probability gets (chapter 4; chapter 6).

A policy-gradient step pushes up log pi(a_t | s_t) in proportion to a weight. With the
return-to-go the weight is G_t = r_t + gamma * G_{t+1}; standardised, it is (G_t - mean) / std;
with a baseline (chapter 6) it is G_t - b. This module computes those weights
(`rtg_view`), draws them (`plot_rtg_view`) and wraps them in a widget (`rtg_visualiser`) that
works in the static HTML: every view is drawn up front, and the controls pick one through
nested `Stack`s wired with `jsdlink`, which the browser follows without a kernel.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from PIL import Image

from course_lib._validate import as_finite_array, as_real, check_gamma, check_int
from course_lib.returns import discounted_returns
from course_lib.returns import standardize as standardized
from course_lib.widgets import nested_stack

DEFAULT_GAMMAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
FIGSIZE, DPI = (6.4, 3.8), 100  # 640 x 380 pixels, 6-7 KB per view once quantised
# a weight that raises / lowers log pi; r and G
RAISE_COLOUR, LOWER_COLOUR, NEUTRAL_COLOUR = "#2ca02c", "#d62728", "#1f77b4"


@dataclass(frozen=True)
class RTGView:
    """The rewards of one episode and the weight each step's log-probability gets.

    Attributes:
        rew: the rewards r_t, shape (T,).
        ret: the returns-to-go G_t, shape (T,).
        baseline: the baseline b_t subtracted from G_t, shape (T,), or None.
        adv: G_t - b_t (G_t itself when there is no baseline), shape (T,).
        weights: the weight of grad log pi(a_t | s_t): `adv`, standardised if asked, shape (T,).
        pos_sum: the sum of the positive weights (>= 0).
        neg_sum: the sum of the negative weights (<= 0).
        gamma, standardize, reset_at_nonzero: the settings that made this view.

    Example:
        >>> view = rtg_view([1.0, 1.0], gamma=0.5)
        >>> view.ret, bool(np.isclose(view.pos_sum + view.neg_sum, view.weights.sum()))
        (array([1.5, 1. ]), True)
    """

    rew: np.ndarray
    ret: np.ndarray
    baseline: np.ndarray | None
    adv: np.ndarray
    weights: np.ndarray
    pos_sum: float
    neg_sum: float
    gamma: float
    standardize: bool
    reset_at_nonzero: bool


def _check_bool(name: str, x) -> bool:
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(x).__name__}")
    return bool(x)


def rtg_view(
    rewards,
    gamma: float,
    *,
    standardize: bool = False,
    reset_at_nonzero: bool = False,
    baseline=None,
) -> RTGView:
    """Returns-to-go and policy-gradient weights of one episode, as an `RTGView`.

    weights_t = G_t - b_t, then standardised over the episode if `standardize`. Standardising
    subtracts the mean, so a constant baseline changes nothing once standardised.

    Args:
        rewards: r_0 ... r_{T-1}, shape (T,), T >= 1.
        gamma: the discount factor, in [0, 1].
        standardize: shift and scale the weights to mean 0 and standard deviation 1.
        reset_at_nonzero: restart G at every non-zero reward (a point in Pong).
        baseline: None; "mean" for b = the mean of this episode's G (a stand-in to show a
            baseline's size: it depends on the episode's own actions, so in an estimator
            it would not be a valid baseline); a number; or an array b_t of shape (T,).

    Example:
        >>> v = rtg_view([0.0, 0.0, 1.0], gamma=0.5)
        >>> v.ret
        array([0.25, 0.5 , 1.  ])
        >>> v.pos_sum, v.neg_sum
        (1.75, 0.0)
        >>> rtg_view([0.0, 0.0, 1.0], gamma=0.5, baseline="mean").weights.round(3)
        array([-0.333, -0.083,  0.417])
    """
    rew = as_finite_array("rewards", rewards, ndim=1)
    if rew.size == 0:
        raise ValueError("rewards must hold at least one reward, got an empty array")
    gamma = check_gamma(gamma)
    standardize_ = _check_bool("standardize", standardize)
    reset = _check_bool("reset_at_nonzero", reset_at_nonzero)
    ret = discounted_returns(rew, gamma, reset_at_nonzero=reset)  # (T,)
    if baseline is None:
        b = None
    elif isinstance(baseline, str):
        if baseline != "mean":
            raise ValueError(
                f'baseline must be None, "mean", a number or an array, got {baseline!r}'
            )
        b = np.full_like(ret, ret.mean())
    elif np.ndim(baseline) == 0:
        b = np.full_like(ret, as_real("baseline", baseline))
    else:
        b = as_finite_array("baseline", baseline, ndim=1)
        if b.shape != ret.shape:
            raise ValueError(f"baseline must have the shape of rewards {ret.shape}, got {b.shape}")
    adv = ret if b is None else ret - b  # (T,)
    weights = standardized(adv) if standardize_ else adv  # (T,)
    return RTGView(
        rew=rew,
        ret=ret,
        baseline=b,
        adv=adv,
        weights=weights,
        pos_sum=float(weights[weights > 0].sum()),
        neg_sum=float(weights[weights < 0].sum()),
        gamma=gamma,
        standardize=standardize_,
        reset_at_nonzero=reset,
    )


def reward_presets(T: int = 50, seed: int = 0) -> dict[str, np.ndarray]:
    """Three reward sequences of length T to look at, by name, each of shape (T,).

    - "CartPole-like": +1 on every step; the pole falls after step T - 1 and the episode ends.
    - "Pong-like": 0 except for a point (+1 or -1) at the end of each rally of 6 to 14
      steps; the episode ends on a point, and at least one point goes each way.
    - "random": dense rewards uniform in [-1, 1], rounded to one decimal.

    Example:
        >>> p = reward_presets(T=40, seed=1)
        >>> list(p), p["CartPole-like"].shape, set(np.unique(p["Pong-like"])) <= {-1.0, 0.0, 1.0}
        (['CartPole-like', 'Pong-like', 'random'], (40,), True)
    """
    T = check_int("T", T, low=2)
    seed = check_int("seed", seed)
    rng = np.random.default_rng(seed)
    pong = np.zeros(T)
    ends = np.cumsum(rng.integers(6, 15, size=T))  # more rally ends than needed
    ends = np.append(ends[ends < T] - 1, T - 1)  # the last step always scores
    signs = np.where(rng.random(ends.size) < 0.3, 1.0, -1.0)  # a young agent mostly loses
    signs[-1] = 1.0  # so that both signs show: the first point is lost, the last one won
    signs[0] = -1.0 if ends.size > 1 else signs[0]
    pong[ends] = signs
    return {
        "CartPole-like": np.ones(T),
        "Pong-like": pong,
        "random": rng.uniform(-1.0, 1.0, size=T).round(1),
    }


def parse_rewards(text: str) -> np.ndarray:
    """Rewards typed as text ("1, 0, -1", "1 0 -1" or "[1, 0, -1]"), shape (T,).

    Example:
        >>> parse_rewards("[0, 0, -1, 0.5]")
        array([ 0. ,  0. , -1. ,  0.5])
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    items = [s for s in re.split(r"[\s,;\[\]]+", text) if s]
    try:
        values = [float(s) for s in items]
    except ValueError as err:
        raise ValueError(f"text must be numbers separated by commas or spaces: {err}") from err
    rew = as_finite_array("text", values, ndim=1)
    if rew.size == 0:
        raise ValueError("text must hold at least one reward")
    return rew


def _bars(ax, y: np.ndarray, colors) -> None:
    """Bars of height y at t = 0 ... T-1, as one PolyCollection (T patches draw far slower)."""
    t = np.arange(y.size, dtype=float)
    x0, x1, z = t - 0.4, t + 0.4, np.zeros_like(y)
    corners = [np.stack(c, axis=1) for c in ((x0, z), (x0, y), (x1, y), (x1, z))]
    ax.add_collection(
        PolyCollection(np.stack(corners, axis=1), facecolors=colors, edgecolors="none")
    )
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.autoscale_view()


def _signed(x: float) -> str:
    """x to 3 significant digits with its sign, and a bare "0" for zero."""
    return "0" if x == 0 else f"{x:+.3g}"


def weight_label(view: RTGView) -> str:
    """What the weights are, in words: e.g. "standardised G_t - b" (mathtext).

    Example:
        >>> weight_label(rtg_view([1.0, 0.0], gamma=0.9, standardize=True))
        'standardised $G_t$'
    """
    base = "$G_t$" if view.baseline is None else "$G_t - b$"
    return f"standardised {base}" if view.standardize else base


def plot_rtg_view(view: RTGView, axes=None, *, title: str = ""):
    """Draw a view as bars over t on three Axes: r_t, G_t (and b) and the weights.

    The weights are green where they push log pi(a_t | s_t) up and red where they push it
    down; the title of the third Axes gives the sums of the positive and negative weights.

    Args:
        view: what to draw, from `rtg_view`.
        axes: three Axes sharing t; a new figure when None.
        title: put before the settings in the title of the first Axes (e.g. the preset).

    Returns:
        The three Axes.

    Example:
        >>> axes = plot_rtg_view(rtg_view([1.0, -1.0], gamma=1.0))
        >>> axes[2].get_title().split(":")[-1]
        '  sum of positive 0, of negative -1'
    """
    if not isinstance(view, RTGView):
        raise TypeError(f"view must be an RTGView, got {type(view).__name__}")
    if axes is None:
        _, axes = plt.subplots(3, 1, sharex=True, figsize=FIGSIZE, layout="constrained")
    if len(axes) != 3:
        raise ValueError(f"axes must hold 3 Axes, got {len(axes)}")
    ax_r, ax_g, ax_w = axes
    settings = [f"$\\gamma$ = {view.gamma:g}"]
    settings.append("reset at each point" if view.reset_at_nonzero else "one sum to the end")
    ax_r.set_title(" · ".join(([title] if title else []) + settings), fontsize=9)
    _bars(ax_r, view.rew, NEUTRAL_COLOUR)
    ax_r.set_ylabel("$r_t$")
    _bars(ax_g, view.ret, NEUTRAL_COLOUR)
    ax_g.set_ylabel("$G_t$")
    if view.baseline is not None:
        t = np.arange(view.rew.size)
        ax_g.step(t, view.baseline, where="mid", color="black", linestyle="--", label="$b$")
        ax_g.legend(loc="upper right", fontsize=7)
    _bars(ax_w, view.weights, np.where(view.weights >= 0, RAISE_COLOUR, LOWER_COLOUR))
    ax_w.set_ylabel("weight")
    ax_w.set_xlabel("$t$")
    ax_w.set_title(
        f"weight of $\\nabla\\log\\pi(a_t|s_t)$ = {weight_label(view)}:  "
        f"sum of positive {_signed(view.pos_sum)}, of negative {_signed(view.neg_sum)}",
        fontsize=8,
    )
    for ax in axes:
        ax.tick_params(labelsize=7)
        ax.yaxis.label.set_size(8)
    return axes


def view_png(view: RTGView, title: str = "", colors: int = 64) -> bytes:
    """The PNG bytes of `plot_rtg_view`, 640 x 380 pixels, quantised to `colors` colours.

    Example:
        >>> view_png(rtg_view([1.0, -1.0], gamma=0.9))[:4] == b"\\x89PNG"
        True
    """
    # A bare Figure, not pyplot: nothing is registered, so nothing needs plt.close.
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.1, hspace=0.5)
    plot_rtg_view(view, fig.subplots(3, 1, sharex=True), title=title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    # A palette of 64 colours is invisible on flat bars and text, and cuts the bytes by 3x.
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=colors)
    out = io.BytesIO()
    img.save(out, format="png", optimize=True)
    return out.getvalue()


class RTGVisualiser(widgets.VBox):
    """The widget `rtg_visualiser` returns: a VBox with handles for tests and callbacks.

    Attributes:
        controls: the ToggleButtons "preset", "standardize", "reset" and the slider "gamma".
        images: the `widgets.Image` of each view, keyed (preset, standardize, reset, gamma).
        stack: the outermost Stack (over presets).
        editor: the Text box for custom rewards, or None.
        status: an HTML line under the editor that reports parse errors, or None.

    Example:
        >>> w = rtg_visualiser(presets={"ones": [1.0, 1.0]}, gammas=(0.5, 0.9))
        >>> isinstance(w, RTGVisualiser), sorted(w.controls)
        (True, ['gamma', 'preset', 'reset', 'standardize'])
    """

    @property
    def n_views(self) -> int:
        """The number of views drawn up front, one per setting of the controls.

        Example:
            >>> rtg_visualiser(presets={"ones": [1.0]}, gammas=(0.9,)).n_views  # 1 x 2 x 2 x 1
            4
        """
        return len(self.images)


def rtg_visualiser(
    rewards=None,
    *,
    presets: Mapping[str, object] | None = None,
    gammas: Sequence[float] = DEFAULT_GAMMAS,
    baseline=None,
    editable: bool | None = None,
    T: int = 50,
    seed: int = 0,
) -> RTGVisualiser:
    """A widget: rewards, returns-to-go and gradient weights over t, with controls.

    Controls pick a preset, raw or standardised weights, one sum or a reset at each point,
    and gamma from `gammas`. Every (preset, standardize, reset, gamma) is drawn up front
    (len(presets) x 2 x 2 x len(gammas) PNGs of 6-7 KB) and the controls pick one in the
    browser, so all of that works in the static HTML page without a kernel.

    Editing is the exception: `rewards` adds a "custom" preset, drawn up front like the
    others, and an editor box in which you can type new rewards. Typing recomputes the
    custom views through a Python callback, which NEEDS A RUNNING KERNEL: in the static page
    the box does nothing.

    Args:
        rewards: your own rewards, shape (T,), shown as the preset "custom".
        presets: name -> rewards; `reward_presets(T, seed)` when None.
        gammas: the discount factors on the slider, each in [0, 1], no repeats.
        baseline: passed to `rtg_view` for every view: None, "mean", a number, or an array
            as long as every preset.
        editable: show the editor box; by default, when `rewards` is given. Without
            `rewards`, "custom" starts as a copy of the first preset.
        T, seed: passed to `reward_presets` when `presets` is None.

    Example:
        >>> w = rtg_visualiser(presets={"ones": [1.0, 1.0, 1.0]}, gammas=(0.5, 0.9))
        >>> w.n_views   # 1 preset x 2 standardize x 2 reset x 2 gammas
        8
    """
    presets = dict(reward_presets(T, seed) if presets is None else presets)
    if not presets or not all(isinstance(k, str) for k in presets):
        raise ValueError("presets must map at least one name (a string) to rewards")
    editable = rewards is not None if editable is None else _check_bool("editable", editable)
    if rewards is not None or editable:
        if "custom" in presets:
            raise ValueError('presets must not use the name "custom": it is the editable one')
        first = next(iter(presets.values()))
        presets["custom"] = as_finite_array(
            "rewards", first if rewards is None else rewards, ndim=1
        )
    for name, rew in presets.items():
        presets[name] = as_finite_array(f"presets[{name!r}]", rew, ndim=1)
    if isinstance(gammas, (str, bytes)) or not isinstance(gammas, Sequence) or not gammas:
        raise ValueError(f"gammas must be a non-empty sequence of numbers, got {gammas!r}")
    gammas = [check_gamma(g) for g in gammas]
    if len(set(gammas)) != len(gammas):
        raise ValueError(f"gammas must not repeat a value, got {gammas}")
    rtg_view(presets[next(iter(presets))], gammas[0], baseline=baseline)  # fail early, clearly

    names = list(presets)
    wide = {"description_width": "initial"}
    controls = {
        "preset": widgets.ToggleButtons(options=names, description="episode", style=wide),
        "standardize": widgets.ToggleButtons(
            options=["raw", "standardised"], description="weights", style=wide
        ),
        "reset": widgets.ToggleButtons(
            options=["one sum to the end", "reset at each point"], description="returns", style=wide
        ),
        "gamma": widgets.SelectionSlider(
            options=[f"{g:g}" for g in gammas],
            index=int(np.argmin(np.abs(np.array(gammas) - 0.9))),  # start near the usual 0.9
            description="γ",
            continuous_update=True,
            layout={"width": "420px"},
        ),
    }

    def draw(name, rew, std, reset, gamma) -> bytes:
        view = rtg_view(rew, gamma, standardize=std, reset_at_nonzero=reset, baseline=baseline)
        return view_png(view, title=name)

    images: dict[tuple, widgets.Image] = {}

    def leaf(path) -> widgets.Image:
        key = (names[path[0]], bool(path[1]), bool(path[2]), gammas[path[3]])
        png = draw(key[0], presets[key[0]], *key[1:])
        images[key] = widgets.Image(value=png, format="png", layout={"max_width": "100%"})
        # The class names the view's place in the grid, so a browser test can tell which
        # precomputed view the page shows.
        images[key].add_class("rtg-view-" + "-".join(str(i) for i in path))
        return images[key]

    # The order of the levels is the order of the keys: preset, standardize, reset, gamma.
    levels = [(c, len(c.options)) for c in controls.values()]
    stack = nested_stack(levels, leaf)
    rows = [
        controls["preset"],
        widgets.HBox([controls["standardize"], controls["reset"]]),
        controls["gamma"],
        stack,
        widgets.HTML(
            "<small>Top: the rewards r<sub>t</sub>. Middle: the returns-to-go G<sub>t</sub>. "
            "Bottom: the weight each ∇ log π(a<sub>t</sub>|s<sub>t</sub>) gets in the gradient: "
            "green pushes the action's probability up, red pushes it down.</small>"
        ),
    ]
    editor = status = None
    if editable:
        editor = widgets.Text(
            value=", ".join(f"{x:g}" for x in presets["custom"]),
            description="custom r_t",
            continuous_update=False,  # recompute on Enter or on leaving the box, not per key
            layout={"width": "95%"},
        )
        status = widgets.HTML("<small>Edit and press Enter (this needs a running kernel).</small>")

        def on_edit(change) -> None:
            # Draw every custom view first, and change nothing unless all of them succeed.
            try:
                rew = parse_rewards(change["new"])
                pngs = {k: draw("custom", rew, *k[1:]) for k in images if k[0] == "custom"}
            except (TypeError, ValueError) as err:
                status.value = (
                    f'<small style="color:{LOWER_COLOUR}">{html.escape(str(err))}</small>'
                )
                return
            presets["custom"] = rew
            for key, png in pngs.items():
                images[key].value = png
            status.value = f"<small>Drawn: T = {rew.size}.</small>"
            controls["preset"].index = names.index("custom")

        editor.observe(on_edit, names="value")
        rows[3:3] = [editor, status]
    box = RTGVisualiser(rows)
    box.add_class("rtg-visualiser")
    box.controls, box.images, box.stack, box.editor, box.status = (
        controls,
        images,
        stack,
        editor,
        status,
    )
    return box
