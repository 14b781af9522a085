"""Ship a training run's agent with the book (chapter 5): its weights and its log, copied
consistently.

`python -m course_lib.pong.export --run-dir results/pong_run --out book/data/pong` writes

    policy.npz   W1 (H, 6400) and W2 (H,) float32, as in the trainer's checkpoint.npz, plus
                 the counters of that checkpoint (episodes, steps, updates, running_reward,
                 elapsed_s) and its config (a JSON string): no optimiser state, no RNG
    log.csv      the run's log up to and including the checkpoint's last episode

A run in progress keeps writing log.csv after its last checkpoint; those rows belong to
weights that were never saved, so they are left out: the shipped log ends where the shipped
weights were taken. Both files are written atomically (temporary file, fsync, os.replace),
so the book never reads half a snapshot, and the run directory is only read.

Chapter 5 loads the snapshot with `load_policy` and `course_lib.pong.plots.read_log`. It also
reads evaluation.csv, which this module does not write: after an export, play it again with
`python -m course_lib.pong evaluate --weights book/data/pong/policy.npz --games 20
--out book/data/pong/evaluation.csv`. The chapter replays its first game and stops with an
error if the file belongs to other weights.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import numpy as np

from course_lib.pong.checkpoint import CHECKPOINT, atomic_savez, atomic_write

POLICY = "policy.npz"
LOG = "log.csv"
COUNTERS = ("episodes", "steps", "updates", "running_reward", "elapsed_s")


def _log_until(log_path: Path, last_episode: int) -> str:
    """The CSV text of log_path's header and its rows with episode <= last_episode."""
    with open(log_path, newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = [row for row in reader if int(row["episode"]) <= last_episode]
    if fields is None or "episode" not in fields:
        raise ValueError(f"{log_path} is not a Pong training log (no 'episode' column)")
    if len(rows) != last_episode or any(
        int(r["episode"]) != i for i, r in enumerate(rows, start=1)
    ):
        raise ValueError(
            f"{log_path} does not hold episodes 1..{last_episode} in order "
            f"(found {len(rows)} rows up to that episode)"
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export(run_dir, out) -> dict:
    """Copy run_dir's checkpointed weights and the matching part of its log into `out`.

    Returns the counters written (episodes, steps, updates, running_reward, elapsed_s).

    Example (a run whose log is one game past its checkpoint):
        >>> import tempfile
        >>> from course_lib.pong.checkpoint import save_checkpoint
        >>> run = tempfile.TemporaryDirectory(); run_dir = Path(run.name) / "run"
        >>> run_dir.mkdir()
        >>> counters = {"episodes": 2, "steps": 900, "updates": 1, "running_reward": -21.0,
        ...             "elapsed_s": 4.0}
        >>> _ = save_checkpoint(run_dir, {"W1": np.zeros((2, 6400), np.float32),
        ...     "W2": np.ones(2, np.float32), "config": "{}", **counters}, {})
        >>> _ = (run_dir / "log.csv").write_text("episode,reward\\n1,-21\\n2,-21\\n3,-20\\n")
        >>> export(run_dir, Path(run.name) / "book")["episodes"]
        2
        >>> (Path(run.name) / "book" / LOG).read_text()       # the games of the weights shipped
        'episode,reward\\n1,-21\\n2,-21\\n'
        >>> run.cleanup()
    """
    run_dir, out = Path(run_dir), Path(out)
    ckpt = run_dir / CHECKPOINT
    if not ckpt.is_file():
        raise FileNotFoundError(f"no checkpoint in {run_dir}: {ckpt} does not exist")
    # One read of the checkpoint: it is replaced atomically, so the file we opened stays whole.
    with np.load(ckpt, allow_pickle=False) as data:
        state = {key: data[key] for key in data.files}
    missing = [k for k in ("W1", "W2", "config", *COUNTERS) if k not in state]
    if missing:
        raise ValueError(f"{ckpt} lacks {missing}: not a Pong trainer checkpoint")
    W1 = np.ascontiguousarray(state["W1"], dtype=np.float32)
    W2 = np.ascontiguousarray(state["W2"], dtype=np.float32)
    if W1.ndim != 2 or W2.shape != (W1.shape[0],):
        raise ValueError(f"{ckpt}: W1 {W1.shape} and W2 {W2.shape} do not fit together")
    counters = {k: state[k].item() for k in COUNTERS}
    log_text = _log_until(run_dir / LOG, int(counters["episodes"]))

    out.mkdir(parents=True, exist_ok=True)
    arrays = {"W1": W1, "W2": W2, "config": np.asarray(str(state["config"]))}
    arrays.update({k: np.asarray(v) for k, v in counters.items()})
    atomic_savez(out / POLICY, arrays)
    atomic_write(out / LOG, lambda f: f.write(log_text), mode="w")
    return counters


def load_policy(folder) -> tuple[np.ndarray, np.ndarray, dict]:
    """(W1 (H, 6400), W2 (H,), info) from an exported folder; info holds the counters and
    the training config (a dict). Read without pickle.

    Example:
        >>> book_data = Path(__file__).parents[2] / "book" / "data" / "pong"
        >>> W1, W2, info = load_policy(book_data)            # the agent the book ships
        >>> W1.shape, W2.shape, sorted(info)[:3]
        ((200, 6400), (200,), ['config', 'elapsed_s', 'episodes'])
    """
    path = Path(folder) / POLICY
    with np.load(path, allow_pickle=False) as data:
        state = {key: data[key] for key in data.files}
    info = {k: state[k].item() for k in COUNTERS}
    info["config"] = json.loads(str(state["config"]))
    return state["W1"], state["W2"], info


def main(argv=None) -> int:
    """`python -m course_lib.pong.export --run-dir RUN --out FOLDER`: `export`, then a report.

    Example (a run saved before its first game):
        >>> import tempfile
        >>> from course_lib.pong.config import TrainConfig
        >>> from course_lib.pong.trainer import Trainer
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     trainer = Trainer(TrainConfig(), Path(folder) / "run")
        ...     _ = trainer.save(); trainer.close()
        ...     main(["--run-dir", f"{folder}/run", "--out", f"{folder}/book"])  # doctest: +ELLIPSIS
        wrote .../book/policy.npz and log.csv: episodes=0 steps=0 running_reward=nan hours=0.00
        0
    """  # noqa: E501
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.pong.export",
        description="Copy a Pong run's checkpointed weights and its log into the book.",
    )
    parser.add_argument("--run-dir", required=True, help="the run's folder (checkpoint.npz)")
    parser.add_argument("--out", required=True, help="where policy.npz and log.csv go")
    args = parser.parse_args(argv)
    try:
        info = export(args.run_dir, args.out)
    except (FileNotFoundError, ValueError) as err:
        parser.error(str(err))
    print(
        f"wrote {args.out}/{POLICY} and {LOG}: episodes={info['episodes']} "
        f"steps={info['steps']} running_reward={info['running_reward']:.3f} "
        f"hours={info['elapsed_s'] / 3600:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
