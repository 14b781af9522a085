"""Tests for course_lib.pong.play: the one game loop and what is built on it."""

import io

import numpy as np
import pytest
from PIL import Image

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong import play
from course_lib.pong.envs import UP, make_env
from course_lib.pong.widgets import record_rally


@pytest.fixture(scope="module")
def weights():
    policy = TwoLayerPolicy(6400, 8, np.random.default_rng(0), dtype=np.float32)
    return policy.W1, policy.W2


def test_play_clip_stops_at_a_point(weights):
    frames, rew = play.play_clip(*weights, seed=1, max_steps=400, until="point")
    assert frames.shape[1:] == (210, 160, 3) and len(frames) == len(rew) + 1
    assert rew[-1] != 0 and not rew[:-1].any()  # a random policy loses a point in ~50 steps
    short, rew_short = play.play_clip(*weights, seed=1, max_steps=5)
    assert len(short) == 6 and np.array_equal(short, frames[:6])  # same seed, same start
    with pytest.raises(ValueError, match="until"):
        play.play_clip(*weights, until="never")
    with pytest.raises(ValueError, match="max_steps"):
        play.play_clip(*weights, max_steps=0)


def test_our_point_plays_past_the_points_we_lose(weights):
    frames, rew = play.play_clip(*weights, seed=1, max_steps=1500, until="our_point")
    assert rew[-1] > 0 or (rew < 0).sum() == 21 or len(rew) == 1500  # our point, or the end
    assert not (rew[:-1] > 0).any() and (rew < 0).sum() > 1  # it played past lost points


def test_the_loop_yields_each_step_once_and_the_game_s_end():
    env = make_env(max_num_frames_per_episode=80)  # 20 agent steps, then truncated
    player = play.Player(np.zeros((2, 6400)), np.zeros(2), rng=np.random.default_rng(0))
    steps = list(play.play_steps(player, env, seed=0))
    env.close()
    assert len(steps) == 20 and steps[-1].over and not any(s.over for s in steps[:-1])
    for a, b in zip(steps, steps[1:], strict=False):
        assert b.frame is a.next_frame  # the next step starts from the screen this one showed


def test_the_rally_is_the_clip_s_game(weights):
    """`widgets.record_rally` plays through the same loop: same seed, same actions, same frames."""
    rally = record_rally(*weights, seed=2, max_steps=400)
    frames, rew = play.play_clip(*weights, seed=2, max_steps=400, until="point")
    np.testing.assert_array_equal(rally.frames, frames)
    np.testing.assert_array_equal(rally.rew, rew)


def test_greedy_play_is_deterministic_and_sampled_play_follows_the_seed(weights):
    greedy = [play.play_clip(*weights, seed=s, sample=False, max_steps=30)[1] for s in (3, 3)]
    np.testing.assert_array_equal(*greedy)
    W1, W2 = np.zeros((1, 6400)), np.full(1, 10.0)  # h = 0 always: p = 1/2, a coin flip
    player = play.Player(W1, W2, sample=False)
    frame = np.full((210, 160, 3), 144, dtype=np.uint8)
    assert player.act(frame) != UP and player.p == 0.5  # greedy: UP only when p > 0.5


def test_evaluate_games_replays_the_same_games(weights):
    a = play.evaluate_games(*weights, games=2, seed=4, max_frames=400)
    b = play.evaluate_games(*weights, games=2, seed=4, max_frames=400)
    assert a == b and [g[0] for g in a] == [4, 5]
    seen = []
    diffs = play.evaluate(
        *weights, games=2, seed=4, max_frames=400, progress=lambda *g: seen.append(g)
    )
    assert diffs.tolist() == [ours - theirs for _, ours, theirs in a] and len(seen) == 2
    with pytest.raises(ValueError, match="games must be an integer >= 1"):
        play.evaluate_games(*weights, games=0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        play.evaluate_games(*weights, seed=1.5)


def test_record_writes_one_gif_frame_per_kept_step(weights, tmp_path):
    info = play.record(*weights, tmp_path / "sub" / "point.gif", seed=1, every=3, fps=20)
    frames, rew = play.play_clip(*weights, seed=1, max_steps=None, until="point")
    gif = Image.open(io.BytesIO(info["path"].read_bytes()))
    assert gif.n_frames == info["frames"] == len(frames[::3])
    assert gif.info["duration"] == 50  # 1 / fps
    assert info["score"] == (int((rew > 0).sum()), int((rew < 0).sum()))
    gif.seek(1)
    np.testing.assert_array_equal(np.array(gif.convert("RGB")), frames[3])  # exact colours
    assert play.record(*weights, tmp_path / "few.gif", seed=1, max_frames=4)["frames"] == 4
    with pytest.raises(ValueError, match=r"\.gif"):
        play.record(*weights, tmp_path / "point.mp4")
