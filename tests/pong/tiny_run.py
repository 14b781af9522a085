"""A tiny Pong training run shared by the tests of the trainer, its checkpoints and the CLI."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from course_lib.pong import checkpoint
from course_lib.pong.config import TrainConfig
from course_lib.pong.trainer import Trainer

# Short games (1,200 frames = 300 agent steps, a few points each), two of them at once.
# A segment ends at the first step past a multiple of 500 steps, once the games in progress
# are finished: 1,000 steps in all make two segments (ending at 600 and 1,200 steps).
TINY = TrainConfig(
    n_envs=2,
    n_groups=2,
    n_threads=2,
    batch_episodes=2,
    checkpoint_steps=500,
    max_episode_frames=1200,
    seed=7,
)


# The same settings as command-line flags: "--n-envs 2 ..." (the CLI names are the fields').
TINY_FIELDS = ("n_envs", "n_groups", "n_threads", "batch_episodes", "checkpoint_steps")
TINY_FLAGS = [
    arg
    for name in (*TINY_FIELDS, "max_episode_frames", "seed")
    for arg in (f"--{name.replace('_', '-')}", str(getattr(TINY, name)))
]


ROOT = Path(__file__).resolve().parents[2]


def train(run_dir, max_steps, resume=False, config=TINY):
    trainer = Trainer(None if resume else config, run_dir, resume=resume)
    trainer.train(max_steps=max_steps)
    trainer.close()
    return trainer


def read_log(run_dir):
    with open(Path(run_dir) / "log.csv", newline="") as f:
        return [{k: v for k, v in row.items() if k != "elapsed_s"} for row in csv.DictReader(f)]


def assert_same_run(dir_a, dir_b):
    a, opt_a = checkpoint.load_checkpoint(dir_a)
    b, opt_b = checkpoint.load_checkpoint(dir_b)
    for key in (
        "W1",
        "W2",
        "episodes",
        "steps",
        "updates",
        "segments",
        "running_reward",
        "rng_state",
        "config",
    ):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    for key in opt_a:
        np.testing.assert_array_equal(opt_a[key], opt_b[key], err_msg=key)
    assert read_log(dir_a) == read_log(dir_b)


def run_cli(*args, **kwargs):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "course_lib.pong", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )
