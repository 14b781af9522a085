"""Pictures of the Pong chapter: preprocessing stages, milestones, weight maps, the GIF."""

import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from course_lib.numpy_policy import TwoLayerPolicy  # noqa: E402
from course_lib.pong import viz  # noqa: E402
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
    stages = viz.prepro_stages(frame)
    assert np.array_equal(frame, before)
    assert np.array_equal(stages[-1][1].ravel(), prepro(frame))
    assert np.array_equal(stages[3][1] != 0, stages[4][1] == 1)  # binarise what survived
    axes = viz.plot_stages(stages)
    assert len(axes) == 5
    plt.close("all")


def test_difference_frames(frame):
    frames = np.array([frame, frame, np.zeros_like(frame) + 144])
    xs = viz.difference_frames(frames)
    assert xs.shape == (3, 6400) and not xs[0].any() and not xs[1].any()
    assert np.array_equal(xs[2], -prepro(frame))  # everything left
    viz.plot_difference(prepro(frame), np.zeros(6400))
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
    rows = viz.milestones(log)
    by = {m["threshold"]: m for m in rows}
    assert by[-19]["episode"] == 3  # strictly above: -19 itself does not count
    assert by[-15]["episode"] == 5 and by[-15]["steps"] == 5000
    assert by[-10]["episode"] == 7 and np.isclose(by[-10]["hours"], 7 * 36 / 3600)
    assert by[0]["episode"] is None and by[0]["hours"] is None
    text = viz.format_milestones(rows)
    assert text.count("not yet") == 1 and "5,000" in text
    viz.plot_learning_curve(log)
    plt.close("all")


def test_read_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "episode,reward,running_reward,episode_steps,total_steps,elapsed_s,updates\n"
        "1,-21,-21.0000,800,800,1.5,0\n2,-19,-20.9800,900,1700,3.0,0\n"
    )
    log = viz.read_log(path)
    assert log["episode"].tolist() == [1, 2] and log["running_reward"][1] == -20.98
    assert log["total_steps"].dtype == np.int64 and log["elapsed_s"].dtype == float
    (tmp_path / "empty.csv").write_text("episode,reward\n")
    with pytest.raises(ValueError):
        viz.read_log(tmp_path / "empty.csv")


def test_initial_weights_match_the_trainer():
    from course_lib.pong.config import TrainConfig
    from course_lib.pong.trainer import Trainer

    config = TrainConfig(n_hidden=3, seed=4)
    W1 = viz.initial_weights({"n_hidden": 3, "seed": 4})
    assert W1.shape == (3, 6400)
    trainer_like = TwoLayerPolicy(
        6400, config.n_hidden, np.random.default_rng([4, 0]), dtype=np.float32
    )
    np.testing.assert_array_equal(W1, trainer_like.W1)
    assert "default_rng([cfg.seed, 0])" in __import__("inspect").getsource(Trainer.__init__)


def test_strongest_units_and_maps():
    W1 = np.zeros((5, 6400), dtype=np.float32)
    W1[3, :10] = 5
    W1[1, :10] = 1
    assert viz.strongest_units(W1, k=2).tolist() == [3, 1]
    axes = viz.plot_weight_maps(W1, [3, 1, 0], W2=np.ones(5), ncols=2)
    assert axes[0].get_title() == "unit 3, W2 = +1.00" and not axes[3].axison
    plt.close("all")


def test_gif_round_trip():
    rng = np.random.default_rng(0)
    colours = np.array([[144, 72, 17], [236, 236, 236], [92, 186, 92]], dtype=np.uint8)
    frames = colours[rng.integers(0, 3, size=(6, 12, 10))]  # (6, 12, 10, 3)
    data = viz.gif_bytes(frames, every=2, fps=10)
    gif = Image.open(io.BytesIO(data))
    decoded = []
    for i in range(gif.n_frames):
        gif.seek(i)
        decoded.append(np.array(gif.convert("RGB")))
    assert np.array_equal(np.array(decoded), frames[::2])  # exact colours, every 2nd frame
    assert gif.info["duration"] == 200
    html = viz.gif_html(data, width=100)
    assert html.startswith('<img src="data:image/gif;base64,') and 'width="100"' in html
    too_many = rng.integers(0, 255, size=(1, 30, 30, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="palette"):
        viz.gif_bytes(too_many)


def test_play_clip_stops_at_a_point():
    policy = TwoLayerPolicy(6400, 8, np.random.default_rng(0), dtype=np.float32)
    frames, rew = viz.play_clip(policy.W1, policy.W2, seed=1, max_steps=400, until="point")
    assert frames.shape[1:] == (210, 160, 3) and len(frames) == len(rew) + 1
    assert rew[-1] != 0 and not rew[:-1].any()  # a random policy loses a point in ~50 steps
    short, rew_short = viz.play_clip(policy.W1, policy.W2, seed=1, max_steps=5)
    assert len(short) == 6 and np.array_equal(short, frames[:6])  # same seed, same start
    with pytest.raises(ValueError):
        viz.play_clip(policy.W1, policy.W2, until="never")
