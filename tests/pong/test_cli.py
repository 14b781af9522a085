"""Tests for course_lib.pong.cli: train, evaluate and record; bad arguments named."""

import csv
import signal

import pytest

from tests.pong.tiny_run import TINY_FLAGS, run_cli


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
