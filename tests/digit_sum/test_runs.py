"""Tests for course_lib.digit_sum.runs: many seeds and the table, saved and read without pickle."""

import csv

import numpy as np
import pytest

from course_lib.digit_sum.runs import TABLE_FIELDS, load_runs, main, run_seeds, save_runs, table_at
from course_lib.digit_sum.train import TrainConfig, train

BASE = TrainConfig(T=3, hidden=4, N=4, K=3, n_updates=4, eval_every=2)


def test_runs_match_single_trainings_and_round_trip(tmp_path):
    runs = run_seeds(BASE, [3, 4], ["reinforce", "grpo"])
    assert runs["J"].shape == (2, 2, 3)
    one = train(TrainConfig(T=3, hidden=4, N=4, K=3, n_updates=4, eval_every=2, seed=4), "grpo")
    np.testing.assert_array_equal(runs["J"][1, 1], one.J)
    runs.update(table_at(BASE, updates=2, n_batches=20))
    paths = save_runs(tmp_path / "sub", runs, command="python -m test")
    loaded = load_runs(paths[0])
    assert loaded["config"] == BASE and loaded["command"].item() == "python -m test"
    for key in ("kinds", "seeds", "J", "table_along", "table_theta"):
        np.testing.assert_array_equal(loaded[key], runs[key])
    with open(paths[2]) as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    assert rows[0] == ["kind", *TABLE_FIELDS] and len(rows) == 6
    assert float(rows[1][1]) == pytest.approx(runs["table_along"][0], rel=1e-5)


def test_cli_writes_the_files(tmp_path, capsys):
    main(
        [
            "--seeds",
            "1",
            "--updates",
            "2",
            "--table-updates",
            "1",
            "--table-batches",
            "5",
            "--out",
            str(tmp_path),
        ]
    )
    runs = load_runs(tmp_path / "digit_sum.npz")
    assert runs["J"].shape[:2] == (4, 1) and "--seeds 1" in runs["command"].item()
    assert "wrote" in capsys.readouterr().out


def test_bad_input():
    with pytest.raises(ValueError, match="seeds"):
        run_seeds(BASE, [])
