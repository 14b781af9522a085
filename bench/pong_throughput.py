"""Pong throughput, side by side in one run: raw emulator, our trainer, the 2016 reference.

    OMP_NUM_THREADS=1 python bench/pong_throughput.py --rounds 7 --seconds 10

The course machine is a 2-core VM whose speed drifts by 10-30% from one ten-second stretch
to the next (its neighbours' load). So the three programs are measured in turns, round after
round, and every ratio is taken within a round (numbers measured a minute apart) before the
median over rounds is reported. Each round measures, for --seconds each:

1. raw: ale-py's AtariVectorEnv alone, random UP/DOWN actions, the trainer's games, frames
   (grayscale, as the trainer asks for them) and threads, in three layouts: one vector env of
   n_envs games; the trainer's n_groups vector envs stepped in turn; the same with the
   emulator threads under SCHED_BATCH, as the trainer runs them. "raw" is the layout with
   the highest median over the rounds (also printed: the ratio against the fastest layout of
   each round, biased against the trainer, as it picks the luckiest of three noisy numbers);
2. trainer: course_lib.pong's Trainer with the default TrainConfig, learning included. One
   run is continued from round to round (--resume), so later rounds train a policy that has
   learnt something, as a real run does. The rate is read off its step counter over --seconds,
   starting --warmup seconds after its first step (the emulators are created and the games
   reset before that; that start-up time is reported separately);
3. reference x2: two copies of the 2016 NumPy trainer (OMP_NUM_THREADS=1 each) at once, summed.
   The program is not in the repository: --reference names it, by default
   ../shared/peers/karpathy_pong_reference.py beside the repository.

Prints agent steps per second (one action in one game) for each, the two ratios per round,
their medians and the project's goals: trainer / raw >= 0.85, trainer / (reference x 2) >= 1.5.
Writes everything to bench/results/pong_throughput.json.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    # Set before NumPy loads BLAS: BLAS threads fighting over 2 cores distort everything.
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from course_lib.pong.config import TrainConfig  # noqa: E402
from course_lib.pong.envs import DOWN, UP, make_vector_env  # noqa: E402
from course_lib.pong.trainer import Trainer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent  # the repository
# The 2016 program is not part of the repository: it sits beside it, in a copy of shared/
# (as in CI, which clones the repository next to one), or wherever --reference says.
REFERENCE = ROOT.parent / "shared" / "peers" / "karpathy_pong_reference.py"
RESULTS = ROOT / "bench" / "results" / "pong_throughput.json"
GOAL_RAW, GOAL_REFERENCE = 0.85, 1.5
RAW_LAYOUTS = ("raw_one_env", "raw_groups", "raw_groups_batch")


def raw_steps_per_s(
    config: TrainConfig, seconds: float, n_groups: int, batch_scheduling: bool = False
) -> float:
    """Random actions, no learning: n_groups vector envs (threads split as in the trainer)."""
    size = config.n_envs // n_groups
    threads = max(1, config.n_threads // n_groups)
    envs = [
        make_vector_env(size, n_threads=threads, grayscale=True, batch_scheduling=batch_scheduling)
        for _ in range(n_groups)
    ]
    rng = np.random.default_rng(0)

    def actions():
        return np.where(rng.random(size) < 0.5, UP, DOWN)

    for env in envs:
        env.reset(seed=0)
        env.send(actions())
    for _ in range(20):  # warm up: threads started, first frames out of the way
        for env in envs:
            env.recv()
            env.send(actions())
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for env in envs:  # round robin, as the trainer does: the others run meanwhile
            env.recv()
            env.send(actions())
            steps += size
    rate = steps / (time.perf_counter() - t0)
    for env in envs:
        env.recv()
        env.close()
    return rate


def trainer_steps_per_s(config: TrainConfig, run_dir: Path, seconds: float, warmup: float):
    """Steps/s of the trainer over `seconds`, starting `warmup` seconds after its first step,
    continuing the run in run_dir. Also returns its start-up time: emulators created and
    games reset, up to the first step."""
    resume = (run_dir / "checkpoint.npz").exists()
    trainer = Trainer(None if resume else config, run_dir, resume=resume)
    steps0, marks = trainer.steps, {}

    def measure():  # reads an int attribute now and then: no effect on the trainer's work
        while trainer.steps == steps0:
            time.sleep(0.01)
        marks["first_step"] = time.perf_counter()
        time.sleep(warmup)
        marks["start"] = (time.perf_counter(), trainer.steps)
        time.sleep(seconds)
        marks["end"] = (time.perf_counter(), trainer.steps)
        trainer.request_stop()  # drops the games in progress, saves; the next call resumes

    monitor = threading.Thread(target=measure, daemon=True)
    t0 = time.perf_counter()
    monitor.start()
    try:
        trainer.train(max_seconds=10 * (seconds + warmup) + 60)  # ends by request_stop
    finally:
        trainer.close()
    monitor.join(timeout=1.0)
    if "end" not in marks:
        raise RuntimeError("the trainer stopped before the end of its window")
    (t1, s1), (t2, s2) = marks["start"], marks["end"]
    return (s2 - s1) / (t2 - t1), marks["first_step"] - t0


def reference_steps_per_s(reference: Path, seconds: float, copies: int = 2) -> list[float]:
    """Agent steps per second of `copies` copies of the 2016 program run at once."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(reference), "--seconds", str(seconds), "--seed", str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for i in range(copies)
    ]
    rates = []
    for proc in procs:
        out, _ = proc.communicate()
        found = re.search(r"steps_per_s=(\d+)", out)
        if proc.returncode != 0 or found is None:
            raise RuntimeError(f"{reference} failed (exit {proc.returncode}); its output: {out!r}")
        rates.append(float(found.group(1)))
    return rates


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    ap.add_argument(
        "--warmup", type=float, default=1.0, help="trainer seconds left out after its first step"
    )
    ap.add_argument(
        "--reference",
        type=Path,
        default=REFERENCE,
        help="the 2016 program (default: ../shared/peers/karpathy_pong_reference.py, beside "
        "the repository)",
    )
    ap.add_argument("--skip-reference", action="store_true")
    for flag in ("n_envs", "n_groups", "n_threads", "apply_delay"):  # default: TrainConfig's
        ap.add_argument("--" + flag.replace("_", "-"), type=int, default=getattr(TrainConfig, flag))
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.rounds < 1 or args.seconds <= 0 or args.warmup < 0:
        ap.error("--rounds must be >= 1, --seconds > 0 and --warmup >= 0")
    if not args.skip_reference and not args.reference.exists():
        ap.error(f"{args.reference} not found: pass --reference PATH or --skip-reference")
    config = TrainConfig(
        n_envs=args.n_envs,
        n_groups=args.n_groups,
        n_threads=args.n_threads,
        apply_delay=args.apply_delay,
    )
    print(
        f"config: n_envs={config.n_envs} n_groups={config.n_groups} n_threads={config.n_threads} "
        f"apply_delay={config.apply_delay}; BLAS threads 1; {args.rounds} rounds of "
        f"{args.seconds:g} s per measurement; cpus={os.cpu_count()}",
        flush=True,
    )
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.rounds):
            r = {"raw_one_env": raw_steps_per_s(config, args.seconds, 1)}
            r["raw_groups"] = raw_steps_per_s(config, args.seconds, config.n_groups)
            r["raw_groups_batch"] = raw_steps_per_s(config, args.seconds, config.n_groups, True)
            r["trainer"], r["trainer_startup_s"] = trainer_steps_per_s(
                config, Path(tmp), args.seconds, args.warmup
            )
            r["trainer_over_best_raw_of_round"] = r["trainer"] / max(r[k] for k in RAW_LAYOUTS)
            line = (
                f"round {k + 1}: raw {r['raw_one_env']:5.0f} (one env) {r['raw_groups']:5.0f} "
                f"({config.n_groups} groups) {r['raw_groups_batch']:5.0f} (SCHED_BATCH)  "
                f"trainer {r['trainer']:5.0f}  "
                f"trainer / fastest raw of the round {r['trainer_over_best_raw_of_round']:.3f}"
            )
            if not args.skip_reference:
                r["reference"] = reference_steps_per_s(args.reference, args.seconds)
                r["trainer_over_reference_x2"] = r["trainer"] / sum(r["reference"])
                line += (
                    f"  reference x2 {sum(r['reference']):5.0f}  "
                    f"trainer/reference {r['trainer_over_reference_x2']:.3f}"
                )
            r["load_1min"] = os.getloadavg()[0]
            rounds.append(r)
            print(line, flush=True)

    def median(key):
        return statistics.median(r[key] for r in rounds)

    # "raw" is the layout with the highest median over the rounds. Taking the fastest layout
    # of each round instead would divide by the luckiest of three noisy numbers every time,
    # an estimate biased upwards (it is printed too, as the stricter figure).
    layout = max(RAW_LAYOUTS, key=median)
    for r in rounds:
        r["raw"] = r[layout]
        r["trainer_over_raw"] = r["trainer"] / r["raw"]
    print(
        "raw layouts, medians over the rounds: "
        + ", ".join(f"{k} {median(k):.0f}" for k in RAW_LAYOUTS)
        + f"; raw = {layout}"
    )
    print("trainer / raw by round: " + " ".join(f"{r['trainer_over_raw']:.3f}" for r in rounds))
    summary = {
        "raw_layout": layout,
        "raw": median("raw"),
        "trainer": median("trainer"),
        "trainer_over_raw": median("trainer_over_raw"),
        "trainer_over_best_raw_of_round": median("trainer_over_best_raw_of_round"),
    }
    summary["trainer_startup_s"] = median("trainer_startup_s")
    print(
        f"trainer start-up (emulators created, games reset, up to the first step): "
        f"{summary['trainer_startup_s']:.2f} s (median)"
    )
    print(
        f"medians over {len(rounds)} rounds: raw {summary['raw']:.0f}, trainer "
        f"{summary['trainer']:.0f} steps/s; trainer/raw {summary['trainer_over_raw']:.3f} "
        f"(goal >= {GOAL_RAW}: {'met' if summary['trainer_over_raw'] >= GOAL_RAW else 'NOT met'}); "
        f"ratio of the medians {summary['trainer'] / summary['raw']:.3f}; against the fastest "
        f"raw layout of each round {summary['trainer_over_best_raw_of_round']:.3f}"
    )
    if not args.skip_reference:
        summary["reference_x2"] = statistics.median(sum(r["reference"]) for r in rounds)
        summary["trainer_over_reference_x2"] = median("trainer_over_reference_x2")
        met = summary["trainer_over_reference_x2"] >= GOAL_REFERENCE
        print(
            f"reference x2 {summary['reference_x2']:.0f} steps/s; trainer/reference x2 "
            f"{summary['trainer_over_reference_x2']:.3f} "
            f"(goal >= {GOAL_REFERENCE}: {'met' if met else 'NOT met'}); ratio of the medians "
            f"{summary['trainer'] / summary['reference_x2']:.3f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "command": " ".join(sys.argv),
                "config": json.loads(config.to_json()),
                "rounds": rounds,
                "medians": summary,
                "goals": {
                    "trainer_over_raw": GOAL_RAW,
                    "trainer_over_reference_x2": GOAL_REFERENCE,
                },
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
