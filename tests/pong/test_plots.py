"""Pictures of the Pong chapter: preprocessing stages, milestones, weight maps, the GIF."""

import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from course_lib.pong import plots  # noqa: E402
from course_lib.pong.prepro import prepro  # noqa: E402


@pytest.fixture(scope="module")
def frame():
    from course_lib.pong.envs import make_env

    env = make_env()
    obs, _ = env.reset(seed=3)
    for _ in range(45):
        obs, *_ = env.step(0)
    env.close()
    return obs


def test_prepro_stages_end_in_prepro_and_leave_the_frame_alone(frame):
    before = frame.copy()
    stages = plots.prepro_stages(frame)
    assert np.array_equal(frame, before)
    assert np.array_equal(stages[-1][1].ravel(), prepro(frame))
    assert np.array_equal(stages[3][1] != 0, stages[4][1] == 1)  # binarise what survived
    axes = plots.plot_stages(stages)
    assert len(axes) == 5
    plt.close("all")


def test_difference_frames(frame):
    frames = np.array([frame, frame, np.zeros_like(frame) + 144])
    xs = plots.difference_frames(frames)
    assert xs.shape == (3, 6400) and not xs[0].any() and not xs[1].any()
    assert np.array_equal(xs[2], -prepro(frame))  # everything left
    plots.plot_difference(prepro(frame), np.zeros(6400))
    plt.close("all")


def fake_log(rr):
    n = len(rr)
    return {
        "episode": np.arange(1, n + 1),
        "reward": np.round(rr).astype(int),
        "running_reward": np.asarray(rr, dtype=float),
        "total_steps": 1000 * np.arange(1, n + 1),
        "elapsed_s": 36.0 * np.arange(1, n + 1),
        "updates": np.arange(1, n + 1) // 4,
    }


def test_milestones_first_crossing_and_not_yet():
    log = fake_log([-21, -19, -18.9, -20, -14, -16, -4])
    rows = plots.milestones(log)
    by = {m["threshold"]: m for m in rows}
    assert by[-19]["episode"] == 3  # strictly above: -19 itself does not count
    assert by[-15]["episode"] == 5 and by[-15]["steps"] == 5000
    assert by[-10]["episode"] == 7 and np.isclose(by[-10]["hours"], 7 * 36 / 3600)
    assert by[0]["episode"] is None and by[0]["hours"] is None
    text = plots.format_milestones(rows)
    assert text.count("not yet") == 1 and "5,000" in text
    plots.plot_learning_curve(log)
    plt.close("all")


def test_read_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "episode,reward,running_reward,episode_steps,total_steps,elapsed_s,updates\n"
        "1,-21,-21.0000,800,800,1.5,0\n2,-19,-20.9800,900,1700,3.0,0\n"
    )
    log = plots.read_log(path)
    assert log["episode"].tolist() == [1, 2] and log["running_reward"][1] == -20.98
    assert log["total_steps"].dtype == np.int64 and log["elapsed_s"].dtype == float
    (tmp_path / "empty.csv").write_text("episode,reward\n")
    with pytest.raises(ValueError):
        plots.read_log(tmp_path / "empty.csv")


def test_initial_weights_match_the_trainer(tmp_path):
    from course_lib.pong.config import TrainConfig
    from course_lib.pong.trainer import Trainer

    config = TrainConfig(n_hidden=3, seed=4, n_envs=2, n_groups=2)
    W1, W2 = plots.initial_weights({"n_hidden": 3, "seed": 4})
    assert W1.shape == (3, 6400) and W2.shape == (3,)
    trainer = Trainer(config, tmp_path)  # the weights a real run starts from
    try:
        np.testing.assert_array_equal(W1, trainer.policy.W1)
        np.testing.assert_array_equal(W2, trainer.policy.W2)
    finally:
        trainer.close()
    W1, W2 = plots.initial_weights({"n_hidden": 400, "seed": 0})  # the scales the docstring gives
    assert np.isclose(W1.std(), 1 / 80, rtol=0.01) and np.isclose(W2.std(), 1 / 20, rtol=0.1)


def test_strongest_units_and_maps():
    W1 = np.zeros((5, 6400), dtype=np.float32)
    W1[3, :10] = 5
    W1[1, :10] = 1
    assert plots.strongest_units(W1, k=2).tolist() == [3, 1]
    axes = plots.plot_weight_maps(W1, [3, 1, 0], W2=np.ones(5), ncols=2)
    norm = np.linalg.norm(W1[3])  # the ranking's measure, in the title
    assert axes[0].get_title() == f"unit 3, |W1[m]| = {norm:.2f}\nW2[m] = +1.00"
    assert plots.plot_weight_maps(W1, [1])[0].get_title() == "unit 1, |W1[m]| = 3.16"
    assert not axes[3].axison
    plt.close("all")


def test_gif_round_trip():
    rng = np.random.default_rng(0)
    colours = np.array([[144, 72, 17], [236, 236, 236], [92, 186, 92]], dtype=np.uint8)
    frames = colours[rng.integers(0, 3, size=(6, 12, 10))]  # (6, 12, 10, 3)
    data = plots.gif_bytes(frames, every=2, fps=10)
    gif = Image.open(io.BytesIO(data))
    decoded = []
    for i in range(gif.n_frames):
        gif.seek(i)
        decoded.append(np.array(gif.convert("RGB")))
    assert np.array_equal(np.array(decoded), frames[::2])  # exact colours, every 2nd frame
    assert gif.info["duration"] == 200
    html = plots.gif_html(data, width=100)
    assert html.startswith('<img src="data:image/gif;base64,') and 'width="100"' in html
    too_many = rng.integers(0, 255, size=(1, 30, 30, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="palette"):
        plots.gif_bytes(too_many)


def sparse_game(T=1200, seed=0):
    """Pong-like rewards: a point (+1 or -1) at the end of each rally of 40 to 160 steps."""
    rng = np.random.default_rng(seed)
    rew = np.zeros(T)
    ends = np.cumsum(rng.integers(40, 160, size=T // 40))
    ends = ends[ends < T]
    rew[ends] = np.where(rng.random(ends.size) < 0.4, 1.0, -1.0)
    return rew


def test_every_point_is_its_own_marker():
    rew = sparse_game()
    axes = plots.plot_point_returns(rew, gamma=0.99)
    points = np.flatnonzero(rew)
    assert points.size > 10 and (rew > 0).any() and (rew < 0).any()
    for ax in axes:  # r_t and both G_t panels: one marker per point, nothing else
        np.testing.assert_array_equal(plots.marked_points(ax), points)
    won, lost = [line for line in axes[0].lines if line.get_label().startswith("point")]
    np.testing.assert_array_equal(won.get_xdata(), np.flatnonzero(rew > 0))
    np.testing.assert_array_equal(lost.get_ydata(), rew[rew < 0])
    ret = __import__("course_lib.returns").returns.discounted_returns(
        rew, 0.99, reset_at_nonzero=True
    )
    np.testing.assert_array_equal(
        np.sort(np.r_[won.get_ydata(), lost.get_ydata()]), np.sort(rew[points])
    )
    assert np.allclose(plots.marked_points(axes[2]), points) and np.allclose(
        ret[points], rew[points]
    )
    # without the reset, G_t at a lost point can be positive: the marker still says "lost"
    rew = np.zeros(20)
    rew[[5, 10, 15]] = [-1.0, 1.0, 1.0]
    axes = plots.plot_point_returns(rew, gamma=1.0)
    won, lost = [line for line in axes[1].lines if line.get_label().startswith("point")]
    assert won.get_xdata().tolist() == [10, 15] and lost.get_xdata().tolist() == [5]
    assert lost.get_ydata().tolist() == [1.0]  # G_5 = -1 + 1 + 1 without the reset
    assert axes[1].get_ylim()[1] > 2  # the largest return fits in the panel
    assert axes[1].get_ylabel() == "$G_t$" and axes[2].get_ylabel() == r"$\tilde G_t$"
    plt.close("all")


@pytest.mark.parametrize("dpi", [50, 100])
def test_every_point_shows_once_rasterised(dpi):
    """The defect this figure had: at ~1 step per pixel, 1-px bars of r_t vanished."""
    rew = sparse_game(T=2000, seed=1)
    fig, axes = plt.subplots(3, 1, figsize=(9, 4.6), dpi=dpi, layout="constrained")
    plots.plot_point_returns(rew, gamma=0.99, axes=axes)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)  # (rows, cols, 3)
    height = image.shape[0]
    ax = axes[0]
    (y0, y1) = sorted(height - ax.transData.transform([(0, 1.4), (0, -1.4)])[:, 1])
    for t in np.flatnonzero(rew):
        colour = np.array(matplotlib.colors.to_rgb(plots.WON if rew[t] > 0 else plots.LOST)) * 255
        x = ax.transData.transform((t, rew[t]))[0]
        window = image[int(y0) : int(y1) + 1, max(0, int(x) - 2) : int(x) + 3]  # (rows, 5, 3)
        assert (np.abs(window - colour).sum(axis=-1) < 60).sum() >= 4, f"point at t={t} lost"
    plt.close(fig)


def test_plot_point_returns_rejects_bad_rewards():
    with pytest.raises(ValueError):
        plots.plot_point_returns(np.zeros((2, 3)), gamma=0.9)


def test_gif_timing_and_play_seconds():
    assert plots.play_seconds(15) == 1.0  # 15 steps x 4 frames = 60 frames: one second at 60 Hz
    frames = np.zeros((9, 4, 4, 3), dtype=np.uint8)
    frames[np.arange(9), np.arange(9) // 4, np.arange(9) % 4] = 255  # all differ (identical
    # consecutive frames would be merged into one, shown for the sum of their delays)
    data = plots.gif_bytes(frames, every=3, fps=30)
    delays = plots.gif_delays_ms(data)
    assert delays.tolist() == [100, 100, 100]
    # each GIF frame covers 3 agent steps = 12 console frames = 0.2 s, shown for 0.1 s
    assert np.isclose(plots.play_seconds(3) / (delays[0] / 1000), 2.0)
    # a delay that is not a whole number of 1/100 s is rounded to one, never truncated
    assert plots.gif_delays_ms(plots.gif_bytes(frames, every=2, fps=30)).tolist() == [70] * 5


def simulated_log(rng, n_envs=8, batch=4, checkpoint_steps=3000, segments=6):
    """The trainer's bookkeeping on games of random length: its log, final update count and
    the true number of short batches (segment ends, and the stop after the last segment)."""
    steps = updates = n_short = 0
    waiting, rows = 0, []
    for segment in range(segments):
        seg_end = (steps // checkpoint_steps + 1) * checkpoint_steps
        left = rng.integers(50, 400, size=n_envs)  # steps to the end of each game
        active, collecting = np.ones(n_envs, dtype=bool), True
        while active.any():
            steps += int(active.sum())
            left[active] -= 1
            for i in np.flatnonzero(active & (left == 0)):
                waiting += 1
                if waiting == batch:
                    updates, waiting = updates + 1, 0
                rows.append((updates, steps))
                if collecting:
                    left[i] = rng.integers(50, 400)
                else:
                    active[i] = False
            if steps >= seg_end:
                collecting = False
            if segment == segments - 1 and steps >= seg_end - checkpoint_steps // 2:
                active[:] = False  # stopped (Ctrl-C): the games under way are dropped
        if waiting:
            updates, n_short, waiting = updates + 1, n_short + 1, 0
    log = {"updates": np.array([u for u, _ in rows]), "total_steps": np.array([s for _, s in rows])}
    return log, updates, n_short


@pytest.mark.parametrize("seed", range(6))
def test_short_batches_reads_the_trainers_log(seed):
    log, updates, n_short = simulated_log(np.random.default_rng(seed))
    assert n_short > 0 and updates > len(log["updates"]) / 4  # the case the chapter explains
    config = {"batch_episodes": 4, "checkpoint_steps": 3000, "n_envs": 8}
    assert plots.short_batches(log, config, updates) == {n_short}
    assert plots.short_batches(log, config, updates + 5) == set()  # no reading fits
    no_checkpoints = {**config, "checkpoint_steps": 10**9}
    assert plots.short_batches(log, no_checkpoints, updates) == set()  # then it cannot be
