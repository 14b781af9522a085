"""Inside the agent: one rally of Pong, step by step, as the policy network sees it (chapter 5).

For every step t of a recorded rally the view shows what the policy computes from the
screen, with the names of chapter 5:

    frame_t                     the screen the agent sees (210 x 160 RGB)
    x_t = prepro(frame_t) - prepro(frame_{t-1})       the difference frame, 80 x 80, in {-1, 0, 1}
    h_t = relu(W_1 x_t)         the 200 hidden units; the view shows the most active ones'
                                weight maps W_1[m] (80 x 80), with h_{t,m} and W_2[m]
    p_t = sigmoid(W_2 . h_t)    P(UP), and the action a_t that was sampled from it

`record_rally` plays the rally and keeps these arrays; `step_figure` draws one step;
`inside_view` puts a picture of every step in a widget with a slider and a Play button,
linked in the browser (no kernel needed), like the book's other widgets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from course_lib._validate import check_int
from course_lib.pong.prepro import N_PIXELS


@dataclass(frozen=True)
class Rally:
    """A recorded rally: step t saw frames[t] and chose up[t] with probability p_up[t].

    Attributes:
        frames: the screens, shape (T + 1, 210, 160, 3) uint8; frames[T] shows the point.
        x: the difference frames x_t, shape (T, 6400) float32 (x_0 = 0).
        h: the hidden units' values h_t, shape (T, H) float32.
        p_up: p_t = pi(UP | x_t), shape (T,).
        up: the actions, True for UP, shape (T,).
        rew: the rewards r_t, shape (T,); the last is the point (+1 won, -1 lost), or 0 if
            the rally was cut at max_steps.

    Example:
        >>> T, H = 2, 3
        >>> rally = Rally(frames=np.zeros((T + 1, 210, 160, 3), np.uint8),
        ...               x=np.zeros((T, 6400), np.float32), h=np.zeros((T, H), np.float32),
        ...               p_up=np.full(T, 0.5), up=np.array([True, False]), rew=np.array([0, -1.0]))
        >>> rally.rew[-1]                                     # the point: lost
        np.float64(-1.0)
    """

    frames: np.ndarray
    x: np.ndarray
    h: np.ndarray
    p_up: np.ndarray
    up: np.ndarray
    rew: np.ndarray

    @property
    def n_steps(self) -> int:
        """T, the steps of the rally (one frame fewer than `frames` holds).

        Example:
            >>> rally = Rally(*(np.zeros((n, 1)) for n in (4, 3, 3, 3, 3)), rew=np.zeros(3))
            >>> rally.n_steps, len(rally.frames)
            (3, 4)
        """
        return int(self.rew.size)


def _check_weights(W1, W2) -> tuple[np.ndarray, np.ndarray]:
    W1, W2 = np.asarray(W1, dtype=np.float32), np.asarray(W2, dtype=np.float32)
    if W1.ndim != 2 or W1.shape[1] != N_PIXELS:
        raise ValueError(f"W1 must have shape (H, {N_PIXELS}), got {W1.shape}")
    if W2.shape != (W1.shape[0],):
        raise ValueError(f"W2 must have shape ({W1.shape[0]},) to match W1, got {W2.shape}")
    return W1, W2


def record_rally(W1, W2, *, seed: int = 0, max_steps: int = 400, skip_points: int = 0) -> Rally:
    """Play ALE/Pong-v5 from a seeded reset with actions sampled as in training, and record
    the rally after the first `skip_points` points (or up to `max_steps` steps of it).

    The game is `play.play_clip`'s for the same weights and seed: the same loop
    (`play.play_steps`), the same `Player`, the same actions.

    Example:
        >>> H = 4
        >>> rng = np.random.default_rng(0)
        >>> W1, W2 = rng.normal(size=(H, 6400)) / 80, rng.normal(size=H)
        >>> rally = record_rally(W1, W2, seed=0, max_steps=30)
        >>> rally.frames.shape, rally.x.shape, rally.h.shape, rally.p_up.shape
        ((31, 210, 160, 3), (30, 6400), (30, 4), (30,))
    """
    from course_lib.pong.envs import UP, make_env
    from course_lib.pong.play import Player, play_steps

    W1, W2 = _check_weights(W1, W2)
    max_steps = check_int("max_steps", max_steps, low=1)
    skip_points = check_int("skip_points", skip_points, low=0)
    player = Player(W1, W2, sample=True, rng=np.random.default_rng(seed))
    frames, xs, hs, ps, ups, rews = [], [], [], [], [], []
    points = 0
    env = make_env()
    try:
        for step in play_steps(player, env, seed):
            if points >= skip_points:  # recording
                x = np.zeros(N_PIXELS, dtype=np.float32)
                x[player.pix] = player.val  # x_t, dense; x_0 = 0 at the reset
                frames.append(step.frame)
                xs.append(x)
                hs.append(player.h)  # h_t = relu(W1 x_t), (H,)
                ps.append(player.p)  # p_t = pi(UP | x_t)
                ups.append(step.action == UP)
                rews.append(step.rew)
                if step.rew != 0 or len(rews) >= max_steps:
                    break
            points += step.rew != 0
        frames.append(step.next_frame)
    finally:
        env.close()
    return Rally(
        frames=np.array(frames),
        x=np.array(xs, dtype=np.float32).reshape(-1, N_PIXELS),
        h=np.array(hs, dtype=np.float32).reshape(len(hs), W1.shape[0]),
        p_up=np.array(ps, dtype=float),
        up=np.array(ups, dtype=bool),
        rew=np.array(rews, dtype=float),
    )


def most_active_units(h_t: np.ndarray, W2: np.ndarray, k: int = 3) -> np.ndarray:
    """The k hidden units that move the logit most at this step: the largest |h_{t,m} W_2[m]|.

    Example:
        >>> most_active_units(np.array([0.0, 2.0, 1.0, 0.5]), np.array([9.0, 1.0, -3.0, 1.0]), k=2)
        array([2, 1])
    """
    k = check_int("k", k, low=1)
    contribution = np.abs(np.asarray(h_t) * np.asarray(W2))  # |h_{t,m} W2[m]|
    return np.argsort(-contribution, kind="stable")[:k]


def step_figure(rally: Rally, t: int, W1, W2, *, k: int = 3, dpi: int = 70):
    """Draw step t: the frame, x_t, P(UP) with the action taken, and the k units with the
    largest |h_{t,m} W_2[m]| as weight maps. Returns the matplotlib Figure.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> W1, W2 = np.random.default_rng(0).normal(size=(4, 6400)) / 80, np.ones(4)
        >>> rally = record_rally(W1, W2, max_steps=2)
        >>> fig = step_figure(rally, 1, W1, W2, k=2)
        >>> len(fig.axes), fig.axes[0].get_title()            # frame, x_t, P(UP), 2 units
        (5, 'frame, step 1')
        >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    t = check_int("t", t, low=0, high=rally.n_steps - 1)
    W1, W2 = _check_weights(W1, W2)
    units = most_active_units(rally.h[t], W2, k)
    fig, axes = plt.subplots(
        1, 3 + k, figsize=(2.0 * (3 + k), 2.5), dpi=dpi, width_ratios=[1.1, 1, 0.55] + [1] * k
    )
    axes[0].imshow(rally.frames[t])
    axes[0].set_title(f"frame, step {t}", fontsize=9)
    axes[1].imshow(rally.x[t].reshape(80, 80), cmap="bwr", vmin=-1, vmax=1)
    axes[1].set_title("$x_t$ (red +1, blue -1)", fontsize=9)
    axes[2].bar([0], [rally.p_up[t]], color="C2" if rally.up[t] else "C3")
    axes[2].set_ylim(0, 1)
    axes[2].set_xticks([])
    axes[2].set_title(f"P(UP) {rally.p_up[t]:.2f}\n{'UP' if rally.up[t] else 'DOWN'}", fontsize=9)
    for ax, m in zip(axes[3:], units, strict=True):
        w = W1[m].reshape(80, 80)
        lim = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="bwr", vmin=-lim, vmax=lim)
        ax.set_title(f"unit {m}: h={rally.h[t, m]:.2f}\n$W_2$={W2[m]:+.2f}", fontsize=8)
    for ax in (axes[0], axes[1], *axes[3:]):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def _palette(frame_colors) -> list[int]:
    """A fixed palette: the game frame's own colours, exactly, then the ramps the rest of a
    step's figure uses (blue-white-red for x_t and the weight maps, greys for text and axes,
    the bar's green and red). At most 256 colours."""
    import matplotlib as mpl

    ramps = [mpl.colormaps["bwr"](v)[:3] for v in np.linspace(0, 1, 64)]
    ramps += [(v, v, v) for v in np.linspace(0, 1, 32)]
    ramps += [mpl.colors.to_rgb("C2"), mpl.colors.to_rgb("C3")]
    colors = [tuple(int(c) for c in rgb) for rgb in np.asarray(frame_colors).reshape(-1, 3)]
    colors += [tuple(int(round(255 * c)) for c in rgb) for rgb in ramps]
    unique = list(dict.fromkeys(colors))[:256]
    return [c for rgb in unique for c in rgb]


def _png(fig, frame_colors=()) -> bytes:
    """The figure as a palette PNG: a weight map is noise to a compressor, and a page holds
    one picture per step, so a palette of about 100 colours keeps each picture small. The
    palette holds the game frame's colours exactly (`frame_colors`, RGB triples), so the
    frame keeps them: our paddle stays green, theirs orange."""
    import matplotlib.pyplot as plt
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    palette = Image.new("P", (1, 1))
    palette.putpalette(_palette(frame_colors))
    image = Image.open(buf).convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


def inside_view(rally: Rally, W1, W2, *, every: int = 1, k: int = 3, interval_ms: int = 250):
    """A widget that scrubs through the rally: Play, a slider and one picture per shown step.

    The pictures are drawn up front and the controls are linked to a `Stack` of them on the
    JavaScript side, so the view works in the rendered book with no kernel. Each picture
    carries the CSS class `inside-step-<t>` (t the step it shows), for the browser test.

    Example:
        >>> H = 4
        >>> rng = np.random.default_rng(0)
        >>> W1, W2 = rng.normal(size=(H, 6400)) / 80, rng.normal(size=H)
        >>> view = inside_view(record_rally(W1, W2, max_steps=4), W1, W2, every=2, k=1)
        >>> len(view.children[1].children)   # steps 0 and 2
        2
    """
    import ipywidgets as widgets

    every = check_int("every", every, low=1)
    steps = list(range(0, rally.n_steps, every))
    frame_colors = np.unique(rally.frames.reshape(-1, 3), axis=0)  # a handful: Atari's palette
    pages = []
    for t in steps:
        fig = step_figure(rally, t, W1, W2, k=k)
        img = widgets.Image(value=_png(fig, frame_colors), format="png")
        img.add_class(f"inside-step-{t}")
        pages.append(img)
    n = len(pages)
    stack = widgets.Stack(pages, selected_index=0)
    play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval_ms)
    label = "step" if every == 1 else "picture"  # it counts pictures; each title names its step
    slider = widgets.IntSlider(value=0, min=0, max=n - 1, description=label, readout=True)
    widgets.jslink((play, "value"), (slider, "value"))
    widgets.jslink((slider, "value"), (stack, "selected_index"))
    box = widgets.VBox([widgets.HBox([play, slider]), stack])
    box.add_class("inside-agent")
    return box
