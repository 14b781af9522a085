"""The trainer: checkpoints without pickle, atomic saves, exact resume, surviving SIGKILL."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from course_lib.pong import checkpoint, history
from course_lib.pong import trainer as trainer_module
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
TINY_FLAGS = [
    "--n-envs",
    "2",
    "--n-groups",
    "2",
    "--n-threads",
    "2",
    "--batch-episodes",
    "2",
    "--checkpoint-steps",
    "500",
    "--max-episode-frames",
    "1200",
    "--seed",
    "7",
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


@pytest.fixture(scope="module")
def one_go(tmp_path_factory):
    """The reference: two segments in one call."""
    run_dir = tmp_path_factory.mktemp("one_go")
    trainer = train(run_dir, 1000)
    assert trainer.segments == 2 and trainer.updates >= 2
    return run_dir


def test_checkpoint_round_trip_without_pickle(one_go):
    with np.load(one_go / "checkpoint.npz", allow_pickle=False) as data:  # raises on pickled data
        assert data["W1"].dtype == np.float32 and data["W1"].shape == (200, 6400)
        assert data["W2"].dtype == np.float32
    state, opt = checkpoint.load_checkpoint(one_go)
    assert TrainConfig.from_json(state["config"]) == TINY
    assert state["episodes"] == len(read_log(one_go)) and state["steps"] >= 1000
    assert opt["cache/W1"].shape == (200, 6400)
    files = sorted(p.name for p in one_go.iterdir())
    assert files == ["checkpoint.npz", "log.csv", state["optimizer_file"]]  # no temp files left
    assert sum(p.stat().st_size for p in one_go.iterdir()) < 15e6


def test_resume_continues_exactly(one_go, tmp_path):
    train(tmp_path, 500)  # stop after the first segment ...
    train(tmp_path, 1000, resume=True)  # ... and pick up from the checkpoint
    assert_same_run(one_go, tmp_path)


def test_step_history_that_compacts_and_grows_changes_nothing(one_go, tmp_path, monkeypatch):
    made_room = []

    class TinyHistory(history.GroupHistory):  # starts with room for 2 steps of 1 triple
        def __init__(self, n_games):
            super().__init__(n_games, capacity=2, triples_per_step=1)

        def _make_room(self, n_new):
            made_room.append(self.t - self.keep_from)
            super()._make_room(n_new)

    monkeypatch.setattr(trainer_module, "GroupHistory", TinyHistory)
    train(tmp_path, 1000)
    assert len(made_room) > 10 and min(made_room) < max(made_room)
    assert_same_run(one_go, tmp_path)


def test_crash_mid_write_keeps_the_last_good_checkpoint(one_go, tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for p in one_go.iterdir():
        (run_dir / p.name).write_bytes(p.read_bytes())
    trainer = Trainer(None, run_dir, resume=True)
    trainer.policy.params["W1"] += 1.0  # a newer state that will fail to be saved
    trainer.updates += 1

    def crash_after_some_bytes(file, **arrays):
        file.write(b"PK\x03\x04 half a zip file")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(checkpoint.np, "savez", crash_after_some_bytes)
    trainer._t_start = time.perf_counter()
    with pytest.raises(OSError, match="simulated"):
        trainer.save()
    monkeypatch.undo()
    # A crash between the optimiser file and checkpoint.npz leaves the old pair in charge.
    real_atomic_savez = checkpoint.atomic_savez
    calls = []

    def crash_on_second_file(path, arrays):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("power cut (simulated)")
        real_atomic_savez(path, arrays)

    monkeypatch.setattr(checkpoint, "atomic_savez", crash_on_second_file)
    with pytest.raises(OSError, match="power cut"):
        trainer.save()
    trainer.close()
    assert not list(run_dir.glob(".*tmp*"))
    assert_same_run(one_go, run_dir)  # still the old, loadable checkpoint


def test_updates_applied_at_once_also_resume_exactly(one_go, tmp_path):
    """apply_delay=0, the 2016 order (and the first shipped run's): no learner thread."""
    at_once = TINY.replace(apply_delay=0)
    train(tmp_path / "a", 1000, config=at_once)
    train(tmp_path / "b", 500, config=at_once)
    train(tmp_path / "b", 1000, resume=True)
    assert_same_run(tmp_path / "a", tmp_path / "b")


def test_configs_saved_before_apply_delay_existed_update_at_once():
    saved = TINY.to_json().replace('"apply_delay": 32, ', "")
    assert "apply_delay" not in saved
    assert TrainConfig.from_json(saved) == TINY.replace(apply_delay=0)


def test_resume_refuses_changed_settings(one_go, tmp_path):
    with pytest.raises(ValueError, match="lr"):
        Trainer(TINY.replace(lr=0.5), one_go, resume=True)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        Trainer(None, tmp_path, resume=True)
    with pytest.raises(FileExistsError, match="--resume"):
        Trainer(TINY, one_go)


def test_bad_config_names_the_field():
    with pytest.raises(ValueError, match="n_groups"):
        TrainConfig(n_envs=3, n_groups=2)
    with pytest.raises(ValueError, match="gamma"):
        TrainConfig(gamma=1.5)
    with pytest.raises(TypeError, match="n_envs"):
        TrainConfig(n_envs=2.0)
    with pytest.raises(ValueError, match="apply_delay must be an integer >= 0"):
        TrainConfig(apply_delay=-1)


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


@pytest.mark.slow
def test_sigkill_loses_only_the_work_since_the_last_checkpoint(one_go, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "course_lib.pong",
            "train",
            "--run-dir",
            str(tmp_path),
            "--no-progress",
            "--max-steps",
            "100000",
            *TINY_FLAGS,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while not (tmp_path / "checkpoint.npz").exists() and time.time() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "checkpoint.npz").exists(), "no checkpoint within 60 s"
        saved, _ = checkpoint.load_checkpoint(tmp_path)
        while len(read_log(tmp_path)) <= saved["episodes"] and time.time() < deadline:
            time.sleep(0.05)  # let it get some work done past the checkpoint
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    state, _ = checkpoint.load_checkpoint(tmp_path)  # loadable after the kill
    assert state["segments"] >= 1
    log_before = read_log(tmp_path)
    result = run_cli(
        "train", "--run-dir", str(tmp_path), "--resume", "--no-progress", "--max-steps", "1000"
    )
    assert result.returncode == 0, result.stderr
    log_after = read_log(tmp_path)
    # Rows up to the checkpoint are kept as they were; rows after it are replayed exactly.
    assert log_after[: state["episodes"]] == log_before[: state["episodes"]]
    assert [int(r["episode"]) for r in log_after] == list(range(1, len(log_after) + 1))
    if state["segments"] < 2:  # killed before the one-go run's end: resumed to the same state
        assert_same_run(one_go, tmp_path)


def test_cli_reports_bad_arguments(tmp_path):
    result = run_cli("train", "--run-dir", str(tmp_path), "--n-envs", "3", "--n-groups", "2")
    assert result.returncode == 2 and "n_envs (3) must be a multiple of n_groups" in result.stderr
    result = run_cli("evaluate", "--weights", str(tmp_path / "missing.npz"))
    assert result.returncode == 2 and "missing.npz does not exist" in result.stderr
    result = run_cli("evaluate", "--weights", "x.npz", "--games", "0")
    assert result.returncode == 2 and "--games" in result.stderr
    result = run_cli("train", "--run-dir", str(tmp_path), "--resume")
    assert result.returncode == 2 and "no checkpoint" in result.stderr


@pytest.mark.slow
def test_evaluate_and_record_run_on_trained_weights(one_go, tmp_path):
    csv_path = tmp_path / "evaluation.csv"
    args = ["--weights", str(one_go / "checkpoint.npz"), "--games", "2", "--out", str(csv_path)]
    result = run_cli("evaluate", *args)
    assert result.returncode == 0, result.stderr
    assert "mean score difference" in result.stdout and "sampled" in result.stdout
    rows = list(csv.DictReader(csv_path.open()))
    assert [int(r["game"]) for r in rows] == [1, 2]
    for r in rows:  # a game ends when one side reaches 21
        assert max(int(r["ours"]), int(r["theirs"])) == 21
        assert int(r["difference"]) == int(r["ours"]) - int(r["theirs"])
    # The same weights and seed replay the same games.
    again = run_cli("evaluate", *args[:-1], str(tmp_path / "again.csv"))
    assert again.returncode == 0 and (tmp_path / "again.csv").read_text() == csv_path.read_text()
    gif = tmp_path / "point.gif"
    result = run_cli("record", "--weights", str(one_go / "checkpoint.npz"), "--out", str(gif))
    assert result.returncode == 0, result.stderr
    assert gif.stat().st_size > 1000 and gif.read_bytes()[:3] == b"GIF"


def test_cli_train_in_process_restores_the_signal_handlers(tmp_path):
    """Called from a notebook, the trainer must hand Ctrl-C back to the kernel afterwards."""
    from course_lib.pong.cli import main

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    args = ["train", "--run-dir", str(tmp_path), "--max-steps", "300", "--no-progress"]
    assert main(args + TINY_FLAGS) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
