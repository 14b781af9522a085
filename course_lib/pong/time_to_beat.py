"""How long the trainer takes to beat Pong's built-in AI, from scratch, over several seeds
(chapter 5).

    python -m course_lib.pong.time_to_beat --seeds 0 1 2 3 4       (an hour or more on 2 cores)

Two phases, so that the clock measures training alone.

Training (the clock runs). Each seed trains from scratch, one seed at a time, with the
default settings (`TrainConfig(seed=s)`), or with the 2016 program's settings for contrast
(`--settings 2016`: lr 1e-4, batches of 10 episodes, each update applied before the next
action). Every `snapshot_games` games the weights acting at that moment are saved with the
training time, games and agent steps so far. A run stops once its running reward reaches
`stop_running_reward` or after `max_minutes`.

Judging (off the clock). The snapshots are played in order, 20 full games each, actions
sampled from P(UP) as in training (`play.evaluate`, environment seeds 0-19 for every
snapshot). A snapshot *beats the built-in AI* when its mean final score difference over the
20 games is more than two standard errors above zero: with 20 games that leaves about a
2.5% chance that a policy no better than the built-in AI passes a given evaluation. The
seed's time to beat is the training time of its first snapshot that passes. That snapshot
then plays 100 new games (environment seeds 1000-1099), a check that is not part of the
rule: the scan gives every snapshot a chance to pass by luck. Snapshots whose
running reward was below `judge_from` are not played: the running reward averages the last
hundred or so training games, all played by weights older than the snapshot, and a policy
that loses by five points a game on average is far from passing.

Written to --out: `curves.csv` (running reward against training time, every 10th game of
every run), `judged.csv` (one row per snapshot played) and `summary.json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from course_lib._validate import check_int
from course_lib.pong.config import TrainConfig

SETTINGS_2016 = {"lr": 1e-4, "batch_episodes": 10, "apply_delay": 0}
GAMES = 20
CONFIRM_GAMES, CONFIRM_SEED = 100, 1000  # the check of a passing snapshot: 100 new games


def config_for(settings: str, seed: int) -> TrainConfig:
    """The training settings of a run: "defaults" or "2016" (the 2016 program's lr and batch).

    Example:
        >>> config = config_for("2016", seed=3)
        >>> config.seed, config.lr, config.batch_episodes
        (3, 0.0001, 10)
    """
    if settings == "defaults":
        return TrainConfig(seed=seed)
    if settings == "2016":
        return TrainConfig(seed=seed, **SETTINGS_2016)
    raise ValueError(f"settings must be 'defaults' or '2016', got {settings!r}")


def beats(diffs) -> bool:
    """True when the mean score difference is more than two standard errors above zero.

    Example:
        >>> beats([3, -1] * 10), beats([21, -19] * 10)   # both mean +1; the second too noisy
        (True, False)
    """
    d = np.asarray(diffs, dtype=float)
    if d.size < 2:
        raise ValueError(f"diffs must hold at least 2 games, got {d.size}")
    return bool(d.mean() - 2 * d.std(ddof=1) / np.sqrt(d.size) > 0)


def train_with_snapshots(run_dir, config, *, snapshot_games, stop_running_reward, max_minutes):
    """Train from scratch, saving the acting weights every `snapshot_games` games.

    A run that stopped at an earlier `max_minutes` is resumed (exactly: see `Trainer`) and
    continues until the new limit, its snapshots appended to the ones it has.

    Example (two games of 100 steps at once, then a stop: the running reward is reached):
        >>> import tempfile
        >>> tiny = TrainConfig(n_envs=2, n_threads=2, batch_episodes=2, max_episode_frames=400)
        >>> with tempfile.TemporaryDirectory() as run_dir:
        ...     summary, index = train_with_snapshots(
        ...         run_dir, tiny, snapshot_games=1, stop_running_reward=-21, max_minutes=5
        ...     )  # doctest: +ELLIPSIS
        ...     sorted(p.name for p in (Path(run_dir) / "snapshots").iterdir())
          game000001.npz: ... min, running reward ...
          game000002.npz: ... min, running reward ...
        ['game000001.npz', 'game000002.npz']
        >>> [s["games"] for s in index], summary["episodes"]
        ([1, 2], 2)
    """
    from course_lib.pong.trainer import Trainer

    snapshot_games = check_int("snapshot_games", snapshot_games, low=1)
    run_dir = Path(run_dir)
    snaps = run_dir / "snapshots"
    snaps.mkdir(parents=True, exist_ok=True)
    done = run_dir / "snapshots.json"
    index = json.loads(done.read_text())["index"] if done.exists() else []
    trainer = Trainer(config, run_dir, resume=done.exists())
    budget = 60 * max_minutes - trainer.elapsed_before

    def on_episode(tr, row):
        if tr.episodes % snapshot_games == 0:
            name = f"game{tr.episodes:06d}.npz"
            np.savez(snaps / name, W1=tr.policy.W1, W2=tr.policy.W2)
            index.append(
                {
                    "snapshot": name,
                    "games": tr.episodes,
                    "steps": tr.steps,
                    "updates": tr.updates,
                    "minutes": tr.elapsed() / 60,
                    "running_reward": tr.running_reward,
                }
            )
            print(
                f"  {name}: {tr.elapsed() / 60:5.2f} min, running reward {tr.running_reward:+.2f}",
                flush=True,
            )
        if tr.running_reward >= stop_running_reward:
            tr.request_stop()

    trainer.on_episode = on_episode
    summary = trainer.train(max_seconds=budget)
    summary["minutes"] = trainer.elapsed() / 60  # the whole run's training time
    trainer.close()
    done.write_text(json.dumps({"summary": summary, "index": index}))
    return summary, index


def finished(run: dict, stop_running_reward: float, max_minutes: float) -> bool:
    """Has a saved run reached its stopping rule (running reward or time)?

    Example:
        >>> run = {"summary": {"running_reward": -2.0, "minutes": 15.0, "seconds": 900.0}}
        >>> finished(run, stop_running_reward=3.0, max_minutes=15), finished(run, 3.0, 20)
        (True, False)
    """
    summary = run["summary"]
    minutes = summary.get("minutes", summary["seconds"] / 60)
    return summary["running_reward"] >= stop_running_reward or minutes >= max_minutes


def _play(path, games: int = GAMES, seed: int = 0) -> list[int]:
    from course_lib.pong.checkpoint import load_weights
    from course_lib.pong.play import evaluate

    W1, W2 = load_weights(path)
    return evaluate(W1, W2, games=games, seed=seed).tolist()


def confirm(run_dir, snapshot: str, *, workers) -> list[int]:
    """`CONFIRM_GAMES` new games (environment seeds 1000 on) with a snapshot that passed.

    The score differences are kept in run_dir/confirmed.json and read from there next time.

    Example (games played before, read from the file):
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as run_dir:
        ...     played = {"game000050.npz": [2, -1, 4]}
        ...     _ = (Path(run_dir) / "confirmed.json").write_text(json.dumps(played))
        ...     confirm(run_dir, "game000050.npz", workers=1)
        [2, -1, 4]
    """
    workers = check_int("workers", workers, low=1)
    cache_path = Path(run_dir) / "confirmed.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    if snapshot not in cache:
        path = Path(run_dir) / "snapshots" / snapshot
        chunk = -(-CONFIRM_GAMES // workers)
        seeds = list(range(CONFIRM_SEED, CONFIRM_SEED + CONFIRM_GAMES, chunk))
        sizes = [min(chunk, CONFIRM_SEED + CONFIRM_GAMES - s) for s in seeds]
        with ProcessPoolExecutor(workers) as pool:
            parts = pool.map(_play, [path] * len(seeds), sizes, seeds)
            cache[snapshot] = [d for part in parts for d in part]
        cache_path.write_text(json.dumps(cache))
    return cache[snapshot]


def judge(run_dir, index, *, judge_from, workers):
    """Play the snapshots in order (from running reward `judge_from`) until one beats the AI.

    Each snapshot's `GAMES` score differences are kept in run_dir/judged.json and read from
    there next time. Returns one row per snapshot played: its entry of `index` with the mean,
    standard error, games won and whether it `beats` the built-in AI.

    Example (games played before, read from the file):
        >>> import tempfile
        >>> snap = {"snapshot": "game000025.npz", "games": 25, "steps": 9000, "updates": 6,
        ...         "minutes": 0.5, "running_reward": -4.0}
        >>> with tempfile.TemporaryDirectory() as run_dir:
        ...     played = {"game000025.npz": [3, -1] * 10}
        ...     _ = (Path(run_dir) / "judged.json").write_text(json.dumps(played))
        ...     rows = judge(run_dir, [snap], judge_from=-5.0, workers=1)
          game000025.npz (0.50 min): +1.00 ± 0.46, won 10/20
        >>> rows[0]["beats"], rows[0]["won"]
        (True, 10)
    """
    workers = check_int("workers", workers, low=1)
    todo = [s for s in index if s["running_reward"] >= judge_from]
    cache_path = Path(run_dir) / "judged.json"  # snapshot -> its games' score differences
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    rows = []
    with ProcessPoolExecutor(workers) as pool:
        for start in range(0, len(todo), workers):
            chunk = todo[start : start + workers]
            new = [s["snapshot"] for s in chunk if s["snapshot"] not in cache]
            paths = [Path(run_dir) / "snapshots" / name for name in new]
            cache.update(zip(new, pool.map(_play, paths), strict=True))
            cache_path.write_text(json.dumps(cache))
            for snap in chunk:
                diffs = cache[snap["snapshot"]]
                d = np.array(diffs)
                rows.append(
                    {
                        **snap,
                        "mean": d.mean(),
                        "standard_error": d.std(ddof=1) / np.sqrt(d.size),
                        "won": int((d > 0).sum()),
                        "beats": beats(d),
                    }
                )
                print(
                    f"  {snap['snapshot']} ({snap['minutes']:.2f} min): {d.mean():+.2f} "
                    f"± {rows[-1]['standard_error']:.2f}, won {rows[-1]['won']}/{d.size}",
                    flush=True,
                )
            if any(r["beats"] for r in rows):
                break
    return rows


def main(argv=None) -> int:
    """Train `--seeds` (or find them trained), judge their snapshots, write the results.

    Example:
        >>> try:
        ...     main(["--help"])  # doctest: +ELLIPSIS
        ... except SystemExit as done:
        ...     print("exit code", done.code)
        usage: python -m course_lib.pong.time_to_beat [-h] ...
        exit code 0
    """
    parser = argparse.ArgumentParser(prog="python -m course_lib.pong.time_to_beat")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--settings", choices=["defaults", "2016"], default="defaults")
    parser.add_argument("--runs", default="runs/time_to_beat", help="run folders go here")
    parser.add_argument("--out", default="book/data/pong/time_to_beat")
    parser.add_argument("--snapshot-games", type=int, default=25)
    parser.add_argument("--stop-running-reward", type=float, default=3.0)
    parser.add_argument("--max-minutes", type=float, default=15.0)
    parser.add_argument("--judge-from", type=float, default=-5.0)
    parser.add_argument("--workers", type=int, default=2, help="processes that play snapshots")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = {}
    for seed in args.seeds:
        run_dir = Path(args.runs) / f"{args.settings}-seed{seed}"
        done = run_dir / "snapshots.json"
        saved = json.loads(done.read_text()) if done.exists() else None
        if saved and finished(saved, args.stop_running_reward, args.max_minutes):
            print(f"{args.settings} seed {seed}: trained before ({run_dir})", flush=True)
            runs[seed] = saved
        else:
            print(f"{args.settings} seed {seed}: training in {run_dir}", flush=True)
            summary, index = train_with_snapshots(
                run_dir,
                config_for(args.settings, seed),
                snapshot_games=args.snapshot_games,
                stop_running_reward=args.stop_running_reward,
                max_minutes=args.max_minutes,
            )
            runs[seed] = {"summary": summary, "index": index}
    _write_curves(out / f"curves_{args.settings}.csv", args)
    judged = []
    for seed, run in runs.items():
        print(f"{args.settings} seed {seed}: judging snapshots", flush=True)
        run_dir = Path(args.runs) / f"{args.settings}-seed{seed}"
        rows = judge(run_dir, run["index"], judge_from=args.judge_from, workers=args.workers)
        judged += [{"settings": args.settings, "seed": seed, **r} for r in rows]
    _write_rows(out / f"judged_{args.settings}.csv", judged)
    summary = {"settings": args.settings, "config": vars(args), "seeds": {}}
    for seed, run in runs.items():
        first = next((r for r in judged if r["seed"] == seed and r["beats"]), None)
        minutes = run["summary"].get("minutes", run["summary"]["seconds"] / 60)
        entry = {
            "trained_minutes": minutes,
            "trained_games": run["summary"]["episodes"],
            "steps_per_s": run["summary"]["steps"] / (60 * minutes),
            "beat_snapshot": None,
        }
        if first is not None:
            run_dir = Path(args.runs) / f"{args.settings}-seed{seed}"
            print(f"seed {seed}: {CONFIRM_GAMES} new games with {first['snapshot']}", flush=True)
            d = np.array(confirm(run_dir, first["snapshot"], workers=args.workers))
            entry |= {
                "beat_snapshot": first["snapshot"],
                "beat_minutes": first["minutes"],
                "beat_games": first["games"],
                "beat_steps": first["steps"],
                "beat_mean": first["mean"],
                "beat_standard_error": first["standard_error"],
                "confirm_games": int(d.size),
                "confirm_mean": float(d.mean()),
                "confirm_standard_error": float(d.std(ddof=1) / np.sqrt(d.size)),
                "confirm_won": int((d > 0).sum()),
            }
        summary["seeds"][str(seed)] = entry
    (out / f"summary_{args.settings}.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary["seeds"], indent=1))
    return 0


def _write_curves(path, args):
    rows = []
    for seed in args.seeds:
        log = Path(args.runs) / f"{args.settings}-seed{seed}" / "log.csv"
        with open(log, newline="") as f:
            for r in csv.DictReader(f):
                if int(r["episode"]) % 10 == 0:
                    rows.append(
                        {
                            "settings": args.settings,
                            "seed": seed,
                            "games": r["episode"],
                            "steps": r["total_steps"],
                            "minutes": f"{float(r['elapsed_s']) / 60:.3f}",
                            "running_reward": r["running_reward"],
                        }
                    )
    _write_rows(path, rows)


def _write_rows(path, rows):
    if not rows:
        Path(path).write_text("")
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    raise SystemExit(main())
