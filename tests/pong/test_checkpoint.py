"""Tests for course_lib.pong.checkpoint: atomic, pickle-free, survive a crash mid-write."""

import time

import numpy as np
import pytest

from course_lib.pong import checkpoint
from course_lib.pong.config import TrainConfig
from course_lib.pong.trainer import Trainer
from tests.pong.tiny_run import TINY, assert_same_run, read_log


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
