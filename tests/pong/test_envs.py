"""The vector env gives ALE/Pong-v5's frames, so training and evaluation see the same input."""

import os

import numpy as np
import pytest

from course_lib.pong import sparse
from course_lib.pong.envs import DOWN, UP, env_seeds, make_env, make_vector_env
from course_lib.pong.gray import IS_FOREGROUND_GRAY, downsample_gray, foreground_gray
from course_lib.pong.prepro import prepro, prepro_batch


def palette(frames):
    """The set of RGB colours in some frames, each packed as 0xRRGGBB."""
    rgb = np.asarray(frames).reshape(-1, 3).astype(np.uint32)
    return set(np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).tolist())


def test_action_indices_are_the_minimal_set_in_both():
    venv = make_vector_env(1)
    env = make_env()
    try:
        names = [a.name for a in venv.ale.get_action_set()]
        assert names == env.unwrapped.get_action_meanings()
        assert names[UP] == "RIGHT" and names[DOWN] == "LEFT"  # RIGHT moves the paddle up
    finally:
        venv.close()
        env.close()


def test_same_frames_as_pong_v5_for_the_same_actions():
    # Sticky actions draw from each env's own RNG, seeded differently by the two APIs, so
    # compare with them off: then the emulators must agree frame for frame.
    venv = make_vector_env(2, repeat_action_probability=0.0)
    env = make_env(repeat_action_probability=0.0)
    rng = np.random.default_rng(0)
    try:
        obs_v, _ = venv.reset(seed=np.array([3, 4]))
        obs, _ = env.reset(seed=3)
        assert obs_v.shape == (2, 1, 210, 160, 3) and obs_v.dtype == np.uint8
        np.testing.assert_array_equal(obs_v[0, 0], obs)
        total = 0.0
        for _ in range(400):
            act = int(rng.integers(0, 6))
            obs, rew, term, trunc, _ = env.step(act)
            obs_v, rew_v, term_v, trunc_v, _ = venv.step(np.array([act, act]))
            np.testing.assert_array_equal(obs_v[0, 0], obs)
            np.testing.assert_array_equal(prepro_batch(obs_v[:, 0])[0], prepro(obs))
            assert rew_v[0] == rew and term_v[0] == term
            total += rew
        assert total < 0  # points were played (a random player loses them)
    finally:
        venv.close()
        env.close()


def test_sticky_frames_have_the_same_format_and_values():
    venv = make_vector_env(2)
    env = make_env()
    try:
        obs_v, _ = venv.reset(seed=np.array([0, 1]))
        obs, _ = env.reset(seed=0)
        colours_v, colours = set(), set()
        for _ in range(120):
            obs_v, *_ = venv.step(np.array([UP, DOWN]))
            obs, *_ = env.step(UP)
            colours_v |= palette(obs_v)
            colours |= palette(obs)
        assert obs_v.shape[1:] == (1, *obs.shape) and obs_v.dtype == obs.dtype == np.uint8
        assert colours_v == colours  # the same palette: background, walls, paddles, ball
    finally:
        venv.close()
        env.close()


def test_env_seeds_are_reproducible_and_distinct():
    a, b = env_seeds(0, 3, 8), env_seeds(0, 3, 8)
    np.testing.assert_array_equal(a, b)
    assert len(set(a.tolist())) == 8 and np.all(a >= 0)
    assert not np.array_equal(a, env_seeds(0, 4, 8))


@pytest.mark.parametrize("n", [1, 3])
def test_vector_env_terminates_and_resets_in_the_same_step(n):
    venv = make_vector_env(n, max_episode_frames=40)
    try:
        venv.reset(seed=0)
        for _ in range(10):
            obs, rew, term, trunc, info = venv.step(np.full(n, UP))
        assert np.all(trunc)  # 40 frames = 10 agent steps
        assert np.all(info["episode_frame_number"] == 0)  # already the next game's first frame
    finally:
        venv.close()


def test_grayscale_frames_give_prepro_of_the_rgb_frames():
    """The trainer's input: foreground_gray of grey screens == prepro of the same RGB screens,
    and the triples it finds from grey levels are those of prepro(frame_t) - prepro(frame_t-1)."""
    seeds = np.array([5, 6, 7])
    rgb_env, gray_env = make_vector_env(3), make_vector_env(3, grayscale=True)
    rng = np.random.default_rng(1)
    try:
        rgb, _ = rgb_env.reset(seed=seeds)
        gray, _ = gray_env.reset(seed=seeds)  # the same seeds: the same games, sticky actions too
        points = 0
        prev_x, prev_levels = prepro_batch(rgb[:, 0]), downsample_gray(gray[:, 0])
        for _ in range(1500):
            assert gray.shape == (3, 1, 210, 160)
            fg = foreground_gray(gray[:, 0])
            x = prepro_batch(rgb[:, 0])
            for i in range(3):
                np.testing.assert_array_equal(fg[i], prepro(rgb[i, 0]).astype(bool))
            levels = downsample_gray(gray[:, 0])
            rows, pix, val = sparse.level_diff_triples(levels, prev_levels, IS_FOREGROUND_GRAY)
            dense = np.zeros_like(x)
            dense[rows, pix] = val
            np.testing.assert_array_equal(dense, x - prev_x)
            prev_x, prev_levels = x, levels
            act = np.where(rng.random(3) < 0.5, UP, DOWN)
            rgb, rew, *_ = rgb_env.step(act)
            gray, rew_gray, *_ = gray_env.step(act)
            np.testing.assert_array_equal(rew, rew_gray)
            points += int(np.count_nonzero(rew))
        assert points > 20  # many points and resets were played, so many ball positions seen
    finally:
        rgb_env.close()
        gray_env.close()


@pytest.mark.skipif(not hasattr(os, "sched_getscheduler"), reason="Linux scheduling policies")
def test_batch_scheduling_applies_to_the_emulator_threads_only():
    before = set(os.listdir("/proc/self/task"))
    venv = make_vector_env(4, n_threads=2, batch_scheduling=True)
    try:
        new = {int(t) for t in set(os.listdir("/proc/self/task")) - before}
        assert len(new) == 2  # ale-py's two emulator threads
        assert all(os.sched_getscheduler(t) == os.SCHED_BATCH for t in new)
        assert os.sched_getscheduler(0) != os.SCHED_BATCH  # this thread keeps its policy
        obs, _ = venv.reset(seed=np.arange(4))
        obs, *_ = venv.step(np.full(4, UP))
        assert obs.shape == (4, 1, 210, 160, 3)
    finally:
        venv.close()
