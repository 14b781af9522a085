"""Pictures for the Pong chapter (chapter 5): preprocessing stages, weight maps, the learning
curve with its milestones, and a short animation of the agent playing, as a GIF in the page.

Plot helpers take `ax=None` (or `axes=None`) and return what they drew on; everything else is
a pure function of its arguments, tested in tests/test_pong_viz.py.
"""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import numpy as np

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong.prepro import BACKGROUND, N_PIXELS, prepro

THRESHOLDS = (-19.0, -15.0, -10.0, -5.0, 0.0)  # running rewards that mark progress


# ------------------------------------------------------------------ preprocessing, step by step
def prepro_stages(frame: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The stages of `prepro` as images: [(title, image)], the last one equal to prepro(frame).

    Example:
        >>> frame = np.full((210, 160, 3), 144, dtype=np.uint8)
        >>> [image.shape for _, image in prepro_stages(frame)]
        [(210, 160, 3), (160, 160, 3), (80, 80), (80, 80), (80, 80)]
    """
    cropped = frame[35:195]  # (160, 160, 3)
    red = cropped[::2, ::2, 0].astype(np.int64)  # (80, 80): a copy, never a view of the frame
    erased = np.where(np.isin(red, BACKGROUND), 0, red)
    binary = (erased != 0).astype(np.float32)
    return [
        ("raw frame", frame),
        ("crop rows 35:195", cropped),
        ("every 2nd pixel, red channel", red),
        ("background erased", erased),
        ("binarised", binary),
    ]


def plot_stages(stages, axes=None):
    """Show `prepro_stages` side by side, each at its own pixel size; returns the axes."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(stages), figsize=(2.3 * len(stages), 3.4))
    for i, (ax, (title, image)) in enumerate(zip(axes, stages, strict=True)):
        if image.ndim == 3:
            ax.imshow(image)
        else:
            ax.imshow(image, cmap="gray", vmin=0, vmax=max(1, image.max()), interpolation="nearest")
        words = title.split(", ")  # long titles on two lines
        ax.set_title(
            f"{i}. " + ",\n".join(words) + f"\n{image.shape[0]} x {image.shape[1]}", fontsize=9
        )
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


def plot_difference(prev_x: np.ndarray, cur_x: np.ndarray, axes=None):
    """Two preprocessed frames (6400,) and their difference cur - prev: +1 red, -1 blue."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    panels = [
        ("frame t-1", prev_x, "gray_r", 0),
        ("frame t", cur_x, "gray_r", 0),
        ("x_t = frame t - frame t-1", cur_x - prev_x, "bwr", -1),
    ]
    for ax, (title, x, cmap, vmin) in zip(axes, panels, strict=True):
        ax.imshow(x.reshape(80, 80), cmap=cmap, vmin=vmin, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


# ------------------------------------------------------------------ the weights
def initial_weights(config: dict) -> np.ndarray:
    """The W1 the trainer started from, redrawn from the run's config (its seed and H)."""
    policy = TwoLayerPolicy(
        N_PIXELS, config["n_hidden"], np.random.default_rng([config["seed"], 0]), dtype=np.float32
    )
    return policy.W1


def strongest_units(W1: np.ndarray, k: int = 8) -> np.ndarray:
    """Indices of the k rows of W1 with the largest norm, largest first, shape (k,).

    Example:
        >>> strongest_units(np.diag([1.0, 3.0, 2.0]), k=2)
        array([1, 2])
    """
    norms = np.linalg.norm(W1, axis=1)
    return np.argsort(-norms, kind="stable")[:k]


def plot_weight_maps(W1: np.ndarray, units, W2=None, axes=None, ncols: int = 4):
    """Rows of W1 as 80 x 80 images (red positive, blue negative); returns the axes."""
    import matplotlib.pyplot as plt

    units = list(units)
    if axes is None:
        nrows = -(-len(units) // ncols)
        _, axes = plt.subplots(nrows, ncols, figsize=(2.4 * ncols, 2.6 * nrows))
    axes = np.ravel(axes)
    for ax, unit in zip(axes, units, strict=False):
        w = W1[unit].reshape(80, 80)
        v = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="RdBu_r", vmin=-v, vmax=v, interpolation="nearest")
        title = f"unit {unit}"
        if W2 is not None:
            title += f", W2 = {W2[unit]:+.2f}"
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(units) :]:
        ax.axis("off")
    return axes


# ------------------------------------------------------------------ the training log
def read_log(path) -> dict[str, np.ndarray]:
    """The trainer's log.csv as columns: episode, reward, running_reward, episode_steps,
    total_steps, elapsed_s, updates, one array of length n_episodes each."""
    with open(Path(path), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path} holds no episodes")
    floats = {"running_reward", "elapsed_s"}
    return {
        key: np.array([row[key] for row in rows], dtype=float if key in floats else np.int64)
        for key in rows[0]
    }


def milestones(log: dict, thresholds=THRESHOLDS) -> list[dict]:
    """For each threshold, the first episode whose running reward is above it, or None.

    Each entry: {"threshold", "episode", "steps", "hours"}; the last three are None when the
    running reward never got above the threshold.

    Example:
        >>> log = {"episode": np.array([1, 2, 3]), "running_reward": np.array([-21, -18.5, -14]),
        ...        "total_steps": np.array([900, 1900, 3000]), "elapsed_s": np.array([1, 2, 3600])}
        >>> [m["episode"] for m in milestones(log, (-19, -15, -10))]
        [2, 3, None]
    """
    out = []
    rr = np.asarray(log["running_reward"])
    for threshold in thresholds:
        above = np.flatnonzero(rr > threshold)
        if above.size == 0:
            out.append({"threshold": threshold, "episode": None, "steps": None, "hours": None})
            continue
        i = above[0]
        out.append(
            {
                "threshold": threshold,
                "episode": int(log["episode"][i]),
                "steps": int(log["total_steps"][i]),
                "hours": float(log["elapsed_s"][i]) / 3600,
            }
        )
    return out


def format_milestones(rows: list[dict]) -> str:
    """The milestones as a small text table, "not yet" where a threshold was not reached."""
    lines = [
        f"{'running reward above':>21}  {'episode':>8}  {'agent steps':>12}  {'hours':>6}",
    ]
    for m in rows:
        if m["episode"] is None:
            lines.append(f"{m['threshold']:>21.0f}  {'not yet':>8}  {'':>12}  {'':>6}")
        else:
            lines.append(
                f"{m['threshold']:>21.0f}  {m['episode']:>8,d}  {m['steps']:>12,d}  "
                f"{m['hours']:>6.2f}"
            )
    return "\n".join(lines)


def plot_learning_curve(log: dict, thresholds=THRESHOLDS, ax=None):
    """Each episode's score difference (dots) and the running reward (line), with the first
    crossing of each threshold marked; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    ep = log["episode"]
    ax.scatter(ep, log["reward"], s=4, color="0.7", label="score difference of the episode")
    ax.plot(ep, log["running_reward"], color="C0", lw=2, label="running reward")
    for m in milestones(log, thresholds):
        ax.axhline(m["threshold"], color="0.85", lw=0.8, zorder=0)
        if m["episode"] is not None:
            ax.plot(m["episode"], m["threshold"], "o", color="C3", ms=6)
            ax.annotate(
                f"{m['threshold']:.0f}: ep. {m['episode']:,d}, {m['hours']:.1f} h",
                (m["episode"], m["threshold"]),
                textcoords="offset points",
                xytext=(6, -12),
                fontsize=8,
                color="C3",
            )
    ax.set_xlabel("episode (one game to 21)")
    ax.set_ylabel("our points - their points")
    ax.set_ylim(-21.5, 21.5)
    ax.legend(loc="upper left", fontsize=8)
    return ax


# ------------------------------------------------------------------ the agent playing
def play_clip(W1, W2, *, seed: int = 0, max_steps: int = 600, until: str = "point"):
    """Play ALE/Pong-v5 from a reset, sampling actions as in training, and keep the frames.

    Stops after the first point (until="point"), after the first point *we* win
    (until="our_point"), at the end of the game, or after max_steps agent steps.

    Returns (frames, rewards): the n + 1 RGB frames seen, shape (n + 1, 210, 160, 3), and the
    rewards of the n steps taken, shape (n,).
    """
    from course_lib.pong.envs import make_env
    from course_lib.pong.play import Player

    if until not in ("point", "our_point"):
        raise ValueError(f'until must be "point" or "our_point", got {until!r}')
    env = make_env()
    player = Player(W1, W2, sample=True, rng=np.random.default_rng(seed))
    try:
        obs, _ = env.reset(seed=seed)
        frames, rewards = [obs], []
        for _ in range(max_steps):
            obs, rew, term, trunc, _ = env.step(player.act(obs))
            frames.append(obs)
            rewards.append(rew)
            if term or trunc or rew > 0 or (rew != 0 and until == "point"):
                break
    finally:
        env.close()
    return np.array(frames), np.array(rewards, dtype=float)


def gif_bytes(frames: np.ndarray, *, every: int = 2, fps: float = 30.0) -> bytes:
    """Frames (n, h, w, 3) uint8 -> an animated GIF of every `every`-th frame, looping.

    Atari frames use a handful of colours, so one exact palette serves all frames: no
    dithering, and Pillow stores only the part of each frame that changed.

    Example:
        >>> frames = np.zeros((4, 8, 8, 3), dtype=np.uint8); frames[:, 2, 2] = 255
        >>> gif_bytes(frames, every=2)[:6]
        b'GIF89a'
    """
    from PIL import Image

    shown = np.asarray(frames)[::every]
    if shown.ndim != 4 or shown.shape[-1] != 3 or shown.dtype != np.uint8:
        raise ValueError(f"frames must be (n, h, w, 3) uint8, got {shown.shape} {shown.dtype}")
    # One integer per colour (0xRRGGBB): a 1-D unique is much faster than unique rows.
    rgb = shown.astype(np.uint32)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]  # (n, h, w)
    codes, index = np.unique(packed, return_inverse=True)
    if len(codes) > 256:
        raise ValueError(f"{len(codes)} colours do not fit a GIF palette (256 at most)")
    index = index.reshape(packed.shape).astype(np.uint8)
    palette = np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=1)
    palette = palette.astype(np.uint8).ravel().tolist()
    images = []
    for idx in index:
        image = Image.frombytes("P", idx.shape[::-1], idx.tobytes())
        image.putpalette(palette)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=int(round(1000 * every / fps)),
        loop=0,
        optimize=False,
    )
    return buffer.getvalue()


def gif_html(data: bytes, *, width: int = 320, alt: str = "animation") -> str:
    """An <img> tag that carries the GIF itself (a data: URL): no file, no network."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<img src="data:image/gif;base64,{encoded}" width="{width}" alt="{alt}" '
        'style="image-rendering: pixelated">'
    )


def difference_frames(frames: np.ndarray) -> np.ndarray:
    """The policy's inputs x_t = prepro(frame_t) - prepro(frame_{t-1}) for a list of frames,
    shape (n, 6400); x_0 = 0, as in the trainer."""
    xs = np.array([prepro(f) for f in frames])  # (n, 6400)
    return np.diff(xs, axis=0, prepend=xs[:1])
