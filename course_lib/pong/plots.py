"""Pictures for the Pong chapter (chapter 5): preprocessing stages, weight maps, the learning
curve with its milestones, and the library's one GIF writer (`gif_bytes`), which shows the
agent playing in the page (`play.play_clip` plays the game, `play.record` writes a file).

Plot helpers take `ax=None` (or `axes=None`) and return what they drew on; everything else is
a pure function of its arguments, tested in tests/pong/test_plots.py.
"""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import numpy as np

from course_lib._validate import check_int
from course_lib.pong.config import TrainConfig
from course_lib.pong.envs import PONG_V5
from course_lib.pong.prepro import BACKGROUND, prepro
from course_lib.pong.reference import initial_policy
from course_lib.returns import discounted_returns

THRESHOLDS = (-19.0, -15.0, -10.0, -5.0, 0.0)  # running rewards that mark progress
CONSOLE_HZ = 60  # frames per second of the Atari 2600 (NTSC), the console the ALE emulates
WON, LOST = "#2ca02c", "#d62728"  # colours of a point we won (r_t = +1) and lost (r_t = -1)


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
    """Show `prepro_stages` side by side, each at its own pixel size; returns the axes.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> axes = plot_stages(prepro_stages(np.full((210, 160, 3), 144, dtype=np.uint8)))
        >>> axes[-1].get_title()
        '4. binarised\\n80 x 80'
        >>> plt.close("all")
    """
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
    """Two preprocessed frames (6400,) and their difference x_t = cur - prev: +1 red, -1 blue.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> prev, cur = np.zeros(6400), np.zeros(6400); cur[100] = 1
        >>> axes = plot_difference(prev, cur)
        >>> float(axes[2].images[0].get_array().sum())        # one pixel arrived: +1
        1.0
        >>> plt.close("all")
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    panels = [
        ("frame t-1", prev_x, "gray_r", 0),
        ("frame t", cur_x, "gray_r", 0),
        (
            "x_t = frame t - frame t-1\nred: +1 (arrived), blue: -1 (left)",
            cur_x - prev_x,
            "bwr",
            -1,
        ),
    ]
    for ax, (title, x, cmap, vmin) in zip(axes, panels, strict=True):
        ax.imshow(x.reshape(80, 80), cmap=cmap, vmin=vmin, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


# ------------------------------------------------------------------ rewards and returns
def plot_points(ax, t, values, won=None, *, ms: float = 5.0):
    """Mark sparse values at steps t: a stem and a marker each, green ^ for a point won, red v
    for a point lost (`won`, a boolean array; by default values > 0).

    A marker has a size in points, not in steps: however many steps share a pixel column
    once the figure is rasterised, every point stays visible (a bar 1 step wide does not).
    Returns the two marker lines (won, lost), each a Line2D whose data are its points.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> _, ax = plt.subplots()
        >>> up, down = plot_points(ax, [3, 10, 42], [1.0, -1.0, 1.0])
        >>> up.get_xdata().tolist(), down.get_xdata().tolist()
        ([3, 42], [10])
        >>> plt.close("all")
    """
    t, values = np.asarray(t), np.asarray(values, dtype=float)
    won = values > 0 if won is None else np.asarray(won, dtype=bool)
    lost = ~won
    ax.vlines(t, 0.0, values, colors=np.where(won, WON, LOST), linewidth=0.8)
    (up,) = ax.plot(t[won], values[won], "^", color=WON, ms=ms, ls="none", label="point won")
    (down,) = ax.plot(t[lost], values[lost], "v", color=LOST, ms=ms, ls="none", label="point lost")
    return up, down


def plot_point_returns(rew, gamma: float, axes=None):
    """One game's rewards r_t, its returns-to-go G_t, and the returns restarted at each point.

    Three Axes sharing t: r_t, one marker per point (`plot_points`); G_t, one sum to the last
    step of `rew` (the end of the game only if `rew` holds a whole game);
    G~_t, restarted at every point (`discounted_returns(..., reset_at_nonzero=True)`, the
    notation page's tilde G_t). Returns are drawn
    as filled steps (dense, so a line shows them at any resolution), with each point's step
    marked on top. Returns the three Axes.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> rew = np.zeros(50); rew[[20, 49]] = [-1.0, 1.0]
        >>> axes = plot_point_returns(rew, gamma=0.9)
        >>> len(axes), marked_points(axes[0]).tolist()         # one marker per point
        (3, [20, 49])
        >>> plt.close("all")
    """
    import matplotlib.pyplot as plt

    rew = np.asarray(rew, dtype=float)
    if rew.ndim != 1 or rew.size == 0:
        raise ValueError(f"rew must be a non-empty 1-D array, got shape {rew.shape}")
    if axes is None:
        _, axes = plt.subplots(3, 1, sharex=True, figsize=(9, 4.6), layout="constrained")
    ax_r, *ax_g = axes
    t = np.arange(rew.size)
    points = np.flatnonzero(rew)
    plot_points(ax_r, points, rew[points])
    ax_r.set_ylabel("$r_t$")
    ax_r.set_ylim(-1.5, 1.5)
    ax_r.set_title(
        f"{(rew > 0).sum()} points won, {(rew < 0).sum()} lost, in {rew.size} steps",
        fontsize=9,
        loc="left",
    )
    # the legend above the Axes, beside the title: inside, it would hide the first points
    ax_r.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7, ncols=2, frameon=False)
    rets = [discounted_returns(rew, gamma, reset_at_nonzero=reset) for reset in (False, True)]
    lim = 1.1 * max(1.0, *(np.abs(ret).max() for ret in rets))  # one scale for both panels
    for ax, reset, ret in zip(ax_g, (False, True), rets, strict=True):
        ax.fill_between(t, ret, 0.0, where=ret >= 0, step="mid", color=WON, alpha=0.5, lw=0)
        ax.fill_between(t, ret, 0.0, where=ret <= 0, step="mid", color=LOST, alpha=0.5, lw=0)
        ax.step(t, ret, where="mid", color="black", lw=0.6)
        plot_points(ax, points, ret[points], won=rew[points] > 0, ms=3.5)
        ax.axhline(0.0, color="black", lw=0.5)
        symbol = r"$\tilde G_t$" if reset else "$G_t$"
        ax.set_ylabel(symbol)
        ax.set_ylim(-lim, lim)
        how = "restarted at every point" if reset else "one sum to the last step shown"
        ax.set_title(f"{symbol}, $\\gamma$ = {gamma:g}, {how}", fontsize=9)
    axes[-1].set_xlabel("agent step $t$")
    for ax in axes:
        ax.tick_params(labelsize=7)
    return axes


def marked_points(ax) -> np.ndarray:
    """The steps marked on an Axes by `plot_points`, sorted, shape (n,) (for tests and asserts).

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> _, ax = plt.subplots()
        >>> _ = plot_points(ax, [7, 2], [-1.0, 1.0])
        >>> marked_points(ax).tolist()
        [2, 7]
        >>> plt.close("all")
    """
    xs = [line.get_xdata() for line in ax.lines if line.get_label() in ("point won", "point lost")]
    return np.sort(np.concatenate(xs)) if xs else np.array([])


# ------------------------------------------------------------------ the weights
def initial_weights(config: dict) -> tuple[np.ndarray, np.ndarray]:
    """The (W1, W2) the trainer started from, redrawn from the run's config (its seed and H).

    `reference.initial_policy` draws them as the trainer does, N(0, 1) / sqrt(fan-in): W1
    (H, 6400) with standard deviation 1/80, W2 (H,) with 1/sqrt(H).

    Example:
        >>> W1, W2 = initial_weights({"seed": 0, "n_hidden": 200})
        >>> W1.shape, bool(np.array_equal(W1, initial_policy(0).W1)), round(float(W1.std()), 4)
        ((200, 6400), True, 0.0125)
    """
    policy = initial_policy(config["seed"], TrainConfig(n_hidden=config["n_hidden"]))
    return policy.W1, policy.W2


def strongest_units(W1: np.ndarray, k: int = 8) -> np.ndarray:
    """Indices of the k rows of W1 with the largest Euclidean norm, largest first, shape (k,).

    Example:
        >>> strongest_units(np.diag([1.0, 3.0, 2.0]), k=2)
        array([1, 2])
    """
    k = check_int("k", k, low=1)
    norms = np.linalg.norm(W1, axis=1)
    return np.argsort(-norms, kind="stable")[:k]


def plot_weight_maps(W1: np.ndarray, units, W2=None, axes=None, ncols: int = 4):
    """Rows of W1 as 80 x 80 images (red positive, blue negative); returns the axes.

    Each title gives the unit m, the norm |W1[m]| of its row (what `strongest_units` ranks
    by) and, if W2 is given, W2[m].

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> W1 = np.zeros((3, 6400)); W1[2, :4] = 1.0
        >>> axes = plot_weight_maps(W1, strongest_units(W1, k=1), W2=np.ones(3), ncols=2)
        >>> axes[0].get_title(), axes[1].axison               # the unused panel is blank
        ('unit 2, |W1[m]| = 2.00\\nW2[m] = +1.00', False)
        >>> plt.close("all")
    """
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
        title = f"unit {unit}, |W1[m]| = {np.linalg.norm(W1[unit]):.2f}"
        if W2 is not None:
            title += f"\nW2[m] = {W2[unit]:+.2f}"
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(units) :]:
        ax.axis("off")
    return axes


# ------------------------------------------------------------------ the training log
def read_log(path) -> dict[str, np.ndarray]:
    """The trainer's log.csv as columns: episode, reward, running_reward, episode_steps,
    total_steps, elapsed_s, updates, one array of length n_episodes each.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "log.csv"
        ...     _ = path.write_text("episode,reward,running_reward\\n1,-21,-21.0\\n2,-19,-20.98\\n")
        ...     log = read_log(path)
        >>> log["episode"], log["running_reward"]
        (array([1, 2]), array([-21.  , -20.98]))
    """
    with open(Path(path), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path} holds no episodes")
    floats = {"running_reward", "elapsed_s"}
    return {
        key: np.array([row[key] for row in rows], dtype=float if key in floats else np.int64)
        for key in rows[0]
    }


def short_batches(log: dict, config: dict, updates: int) -> set:
    """How many of a run's updates were made on fewer than `batch_episodes` games.

    The trainer updates after every `config["batch_episodes"]` finished games, and also at
    the end of each segment, on the games left over: once `checkpoint_steps` agent steps have
    passed, the n_envs games under way are played to their end (n_envs more games in the log,
    plus those that ended in the step that crossed the line) and a last update takes what is
    waiting, before the checkpoint. A stop (`Trainer.request_stop`, Ctrl-C) does not wait: it
    drops the games under way, unlogged, and makes the last update on the finished games
    waiting; this reading expects it only at the log's end. The log records the update count
    after each game, so an update at a segment's end shows one game late.

    This reads the log with that rule: it tries every place where a segment can have ended
    and keeps the readings that reproduce the log's `updates` column and the checkpoint's
    final count `updates`. Returns the set of short-batch counts of those readings: one
    number when the log decides it, empty when no reading fits (a log this trainer cannot
    have written).

    Example:
        >>> config = {"batch_episodes": 4, "checkpoint_steps": 100, "n_envs": 2}
        >>> log = {"updates": np.array([0, 0, 0, 1, 1, 1, 2, 2]),  # 4 games; 2 in a short batch
        ...        "total_steps": np.array([10, 20, 30, 40, 100, 110, 120, 130])}
        >>> short_batches(log, config, updates=3)
        {2}
    """
    batch, every = config["batch_episodes"], config["checkpoint_steps"]
    n_envs = config["n_envs"]
    logged, steps = np.asarray(log["updates"]), np.asarray(log["total_steps"])
    # (games waiting, end of the segment, games logged past it, short batches so far)
    states = {(0, every, 0, 0)}
    for r in range(logged.size):
        before = logged[r - 1] if r else 0
        new = set()
        for waiting, seg_end, past, n_short in states:
            readings = []
            if past <= 2 * n_envs:  # the segment goes on: its last games are still playing
                readings.append((waiting, seg_end, past, n_short, 0))
            if past >= n_envs:  # or it ended after the previous game: a short batch if any wait
                next_end = (steps[r - 1] // every + 1) * every
                readings.append((0, next_end, 0, n_short + (waiting > 0), int(waiting > 0)))
            for waiting2, seg_end2, past2, n_short2, made in readings:
                waiting2 += 1  # this row's game joins the batch
                if waiting2 == batch:
                    made, waiting2 = made + 1, 0
                if before + made == logged[r]:
                    new.add((waiting2, seg_end2, past2 + (steps[r] >= seg_end2), n_short2))
        states = new
    last = logged[-1] if logged.size else 0
    return {n + (w > 0) for w, _, _, n in states if last + (w > 0) == updates}


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
    """The milestones as a small text table, "not yet" where a threshold was not reached.

    Example:
        >>> print(format_milestones([{"threshold": -19, "episode": 2, "steps": 1900, "hours": 0.5},
        ...                          {"threshold": 0, "episode": None}]))
        ... # doctest: +NORMALIZE_WHITESPACE
         running reward above   episode   agent steps   hours
                          -19         2         1,900    0.50
                            0   not yet
    """
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
    crossing of each threshold marked; returns the Axes.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> log = {"episode": np.arange(1, 4), "reward": np.array([-21, -15, -12]),
        ...        "running_reward": np.array([-21, -18.5, -14]),
        ...        "total_steps": np.array([900, 1900, 3000]), "elapsed_s": np.array([1, 2, 3600])}
        >>> ax = plot_learning_curve(log, thresholds=(-19, -15))
        >>> [t.get_text() for t in ax.texts]                 # each threshold crossed, marked
        ['-19: ep. 2, 0.0 h', '-15: ep. 3, 1.0 h']
        >>> plt.close("all")
    """
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
def play_seconds(agent_steps: int, frameskip: int = PONG_V5["frameskip"]) -> float:
    """Seconds of play on the console: each agent step lasts `frameskip` frames at 60 Hz.

    Example:
        >>> play_seconds(600)        # 600 steps of 4 frames
        40.0
    """
    return agent_steps * frameskip / CONSOLE_HZ


def gif_bytes(frames: np.ndarray, *, every: int = 2, fps: float = 30.0) -> bytes:
    """Frames (n, h, w, 3) uint8 -> an animated GIF of every `every`-th frame, looping.

    Each GIF frame is shown for every / fps seconds. A GIF stores that delay in hundredths
    of a second, so it is rounded to them: every=3, fps=30 gives exactly 100 ms, while
    every=2, fps=15 would give 130 ms instead of 133. `gif_delays_ms` reads back what was
    stored; `play_seconds(every)` is how much play one GIF frame covers.

    Atari frames use a handful of colours, so one exact palette serves all frames: no
    dithering, and Pillow stores only the part of each frame that changed.

    Example:
        >>> frames = np.zeros((4, 8, 8, 3), dtype=np.uint8); frames[:, 2, 2] = 255
        >>> gif_bytes(frames, every=2)[:6]
        b'GIF89a'
    """
    from PIL import Image

    every = check_int("every", every, low=1)
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
        duration=10 * max(1, round(100 * every / fps)),  # ms, a whole number of 1/100 s
        loop=0,
        optimize=False,
    )
    return buffer.getvalue()


def gif_delays_ms(data: bytes) -> np.ndarray:
    """How long each frame of a GIF is shown, in milliseconds, as stored in the file, shape (n,).

    Example:
        >>> frames = np.zeros((6, 4, 4, 3), dtype=np.uint8); frames[::2, 0, 0] = 255
        >>> gif_delays_ms(gif_bytes(frames, every=3, fps=30))
        array([100, 100])
    """
    from PIL import Image

    gif = Image.open(io.BytesIO(data))
    delays = []
    for i in range(gif.n_frames):
        gif.seek(i)
        delays.append(gif.info["duration"])
    return np.array(delays, dtype=np.int64)


def gif_html(data: bytes, *, width: int = 320, alt: str = "animation") -> str:
    """An <img> tag that carries the GIF itself (a data: URL): no file, no network.

    Example:
        >>> gif_html(b"GIF89a", width=100, alt="a game")
        '<img src="data:image/gif;base64,R0lGODlh" width="100" alt="a game" style="image-rendering: pixelated">'
    """  # noqa: E501
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<img src="data:image/gif;base64,{encoded}" width="{width}" alt="{alt}" '
        'style="image-rendering: pixelated">'
    )


def difference_frames(frames: np.ndarray) -> np.ndarray:
    """The policy's inputs x_t = prepro(frame_t) - prepro(frame_{t-1}) for a list of frames,
    shape (n, 6400); x_0 = 0, as in the trainer.

    Example:
        >>> frames = np.full((3, 210, 160, 3), 144, dtype=np.uint8)
        >>> frames[1:, 101, 40] = 236                            # a ball from frame 1 on
        >>> x = difference_frames(frames)
        >>> x.shape, x.sum(axis=1).tolist()                      # it arrived at t = 1
        ((3, 6400), [0.0, 1.0, 0.0])
    """
    xs = np.array([prepro(f) for f in frames])  # (n, 6400)
    return np.diff(xs, axis=0, prepend=xs[:1])
