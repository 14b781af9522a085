"""The snapshot exporter: weights as float32, the log cut at the checkpoint, atomic, read-only."""

import csv

import numpy as np
import pytest

from course_lib.pong.checkpoint import save_checkpoint
from course_lib.pong.export import COUNTERS, export, load_policy, main
from course_lib.pong.trainer import LOG_FIELDS


def make_run(run_dir, episodes=3, logged=5, H=4):
    """A fake run dir: a checkpoint after `episodes` games and a log that has run ahead."""
    rng = np.random.default_rng(0)
    W1 = np.asfortranarray(rng.normal(size=(H, 6400)).astype(np.float32))
    W2 = rng.normal(size=H).astype(np.float32)
    state = {
        "W1": W1,
        "W2": W2,
        "episodes": episodes,
        "steps": 1000 * episodes,
        "updates": episodes,
        "segments": 1,
        "running_reward": -20.5,
        "elapsed_s": 12.5,
        "rng_state": "{}",
        "config": '{"n_hidden": 4, "seed": 0}',
    }
    save_checkpoint(run_dir, state, {"W1": np.zeros_like(W1), "W2": np.zeros_like(W2)})
    with open(run_dir / "log.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=LOG_FIELDS)
        writer.writeheader()
        for i in range(1, logged + 1):
            writer.writerow(
                {
                    "episode": i,
                    "reward": -21,
                    "running_reward": "-21.0000",
                    "episode_steps": 1000,
                    "total_steps": 1000 * i,
                    "elapsed_s": f"{4.0 * i:.1f}",
                    "updates": i,
                }
            )
    return W1, W2


def test_export_copies_weights_and_cuts_the_log(tmp_path):
    run, out = tmp_path / "run", tmp_path / "out"
    run.mkdir()
    W1, W2 = make_run(run, episodes=3, logged=5)
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    info = export(run, out)
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before  # the run is only read
    assert info["episodes"] == 3 and set(info) == set(COUNTERS)
    W1_out, W2_out, meta = load_policy(out)
    assert W1_out.dtype == np.float32 and W2_out.dtype == np.float32
    np.testing.assert_array_equal(W1_out, W1)
    np.testing.assert_array_equal(W2_out, W2)
    assert meta["config"] == {"n_hidden": 4, "seed": 0} and meta["running_reward"] == -20.5
    with open(out / "log.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["episode"]) for r in rows] == [1, 2, 3]  # the rows after the checkpoint: gone
    assert sorted(p.name for p in out.iterdir()) == ["log.csv", "policy.npz"]  # no temp files


def test_export_overwrites_an_older_snapshot(tmp_path):
    run, out = tmp_path / "run", tmp_path / "out"
    run.mkdir()
    make_run(run, episodes=2, logged=2)
    export(run, out)
    make_run(run, episodes=4, logged=4)
    assert export(run, out)["episodes"] == 4
    assert load_policy(out)[2]["episodes"] == 4


def test_export_refuses_a_short_log(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    make_run(run, episodes=5, logged=3)
    with pytest.raises(ValueError, match="episodes 1..5"):
        export(run, tmp_path / "out")
    assert not (tmp_path / "out" / "policy.npz").exists()


def test_cli(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    make_run(run)
    assert main(["--run-dir", str(run), "--out", str(tmp_path / "out")]) == 0
    assert "episodes=3" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--run-dir", str(tmp_path / "missing"), "--out", str(tmp_path / "out2")])
