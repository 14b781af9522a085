"""The Pong environments of chapter 5: ALE/Pong-v5 for playing one game, AtariVectorEnv for
training.

Actions are indices into Pong's minimal action set
[NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE], the same in both: 2 (RIGHT) moves our
paddle up and 3 (LEFT) moves it down, as in the 2016 code.

`make_vector_env` asks ale-py's vector env for exactly what ALE/Pong-v5 returns: raw RGB
frames, 4 frames per action with sticky actions (p = 0.25), no max-pooling, no no-op starts,
no reward clipping, no FIRE on reset, no frame stack. tests/pong/test_envs.py checks this
frame by frame against ALE/Pong-v5.
"""

from __future__ import annotations

import contextlib
import os
import threading

import ale_py
import gymnasium as gym
import numpy as np

gym.register_envs(ale_py)

UP, DOWN = 2, 3  # indices into the minimal action set: RIGHT, LEFT
PONG_V5 = dict(frameskip=4, repeat_action_probability=0.25, max_num_frames_per_episode=108_000)


def make_env(**kwargs) -> gym.Env:
    """`gym.make("ALE/Pong-v5")`: one game, 210x160x3 RGB frames, sticky actions.

    Keyword arguments go to `gym.make`, e.g. max_num_frames_per_episode to cut games short.

    Example:
        >>> env = make_env()
        >>> obs, _ = env.reset(seed=0)
        >>> obs, rew, terminated, truncated, _ = env.step(UP)
        >>> obs.shape, obs.dtype, rew, env.unwrapped.get_action_meanings()[UP]
        ((210, 160, 3), dtype('uint8'), 0.0, 'RIGHT')
        >>> env.close()
    """
    return gym.make("ALE/Pong-v5", **kwargs)


def make_vector_env(
    n_envs: int,
    *,
    n_threads: int = 1,
    max_episode_frames: int = PONG_V5["max_num_frames_per_episode"],
    repeat_action_probability: float = PONG_V5["repeat_action_probability"],
    grayscale: bool = False,
    batch_scheduling: bool = False,
) -> ale_py.AtariVectorEnv:
    """`n_envs` Pong games stepped together by `n_threads` C++ threads, frames as in Pong-v5.

    `step` returns observations of shape (n_envs, 1, 210, 160, 3) uint8, or with grayscale
    (n_envs, 1, 210, 160): one grey byte per pixel, a third of the bytes to copy and read (the
    trainer's choice; `gray.downsample_gray` and `gray.IS_FOREGROUND_GRAY` give prepro's
    output). A game that ends is reset in the same step ("SameStep"): the observation returned
    with terminated or truncated True is already the first frame of the next game.

    With batch_scheduling (Linux only; ignored elsewhere), the emulator threads run under the
    SCHED_BATCH policy: a thread woken by `send` then waits for a free core instead of
    preempting the thread that sent the actions. The trainer wants this: its Python thread
    still has work to do after a send, and both emulator groups wait for it. Measured on the
    course machine: ~1% of the trainer's sends stalled for 0.3-5 ms without it, almost none
    with it. It changes when the threads run, not what they compute.

    Example:
        >>> env = make_vector_env(2, grayscale=True)
        >>> obs, _ = env.reset(seed=np.array([0, 1]))
        >>> obs, rew, terminated, truncated, _ = env.step(np.array([UP, DOWN]))
        >>> obs.shape, obs.dtype, rew.tolist()
        ((2, 1, 210, 160), dtype('uint8'), [0, 0])
        >>> env.close()
    """
    before = _thread_ids()
    env = ale_py.AtariVectorEnv(
        "pong",
        n_envs,
        num_threads=n_threads,
        batch_size=0,  # synchronous: every step returns all envs, in order (deterministic)
        frameskip=PONG_V5["frameskip"],
        repeat_action_probability=repeat_action_probability,
        max_num_frames_per_episode=max_episode_frames,
        autoreset_mode="SameStep",
        img_height=210,
        img_width=160,
        grayscale=grayscale,
        stack_num=1,
        maxpool=False,
        noop_max=0,
        reward_clipping=False,
        use_fire_reset=False,
        episodic_life=False,
    )
    if batch_scheduling and hasattr(os, "sched_setscheduler"):
        python_threads = {t.native_id for t in threading.enumerate()}
        for tid in _thread_ids() - before - python_threads:  # the threads ale-py just started
            # A thread that has ended since, or a sandbox that refuses, is no error: only the
            # timing would differ, never the games.
            with contextlib.suppress(OSError):
                os.sched_setscheduler(tid, os.SCHED_BATCH, os.sched_param(0))
    return env


def _thread_ids() -> set[int]:
    """The native ids of this process's threads (none where /proc does not exist)."""
    try:
        return {int(tid) for tid in os.listdir("/proc/self/task")}
    except FileNotFoundError:
        return set()


def env_seeds(seed: int, segment: int, n_envs: int) -> np.ndarray:
    """The reset seeds of the `n_envs` games at the start of training segment `segment`.

    Example:
        >>> seeds = env_seeds(0, 0, 3)
        >>> seeds.shape, bool((seeds >= 0).all()), bool((env_seeds(0, 1, 3) != seeds).all())
        ((3,), True, True)
    """
    state = np.random.SeedSequence([seed, 2, segment]).generate_state(n_envs)
    return (state >> 1).astype(np.int64)  # non-negative 31-bit seeds
