"""Tests for course_lib.pong.trainer: resume continues exactly; a kill loses one segment."""

import os
import signal
import subprocess
import sys
import time

import pytest

from course_lib.pong import checkpoint, history
from course_lib.pong import trainer as trainer_module
from course_lib.pong.trainer import Trainer
from tests.pong.tiny_run import ROOT, TINY, TINY_FLAGS, assert_same_run, read_log, run_cli, train


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


def test_updates_applied_at_once_also_resume_exactly(one_go, tmp_path):
    """apply_delay=0, the 2016 order (and the first shipped run's): no learner thread."""
    at_once = TINY.replace(apply_delay=0)
    train(tmp_path / "a", 1000, config=at_once)
    train(tmp_path / "b", 500, config=at_once)
    train(tmp_path / "b", 1000, resume=True)
    assert_same_run(tmp_path / "a", tmp_path / "b")


def test_resume_refuses_changed_settings(one_go, tmp_path):
    with pytest.raises(ValueError, match="lr"):
        Trainer(TINY.replace(lr=0.5), one_go, resume=True)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        Trainer(None, tmp_path, resume=True)
    with pytest.raises(FileExistsError, match="--resume"):
        Trainer(TINY, one_go)


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
