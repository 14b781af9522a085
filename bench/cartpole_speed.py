"""Wall-clock time to solve CartPole-v1: chapter 4's recommended trainer against the seed
material's CartPole program, on the same seeds, in the same run, with the same thread settings.

"Solved" is the same for both and is judged on the policy: after every update, 100 fresh
episodes of the current policy (on carts of their own, with a random generator of their own)
must average >= 475 steps (`course_lib.cartpole.rollout.SolvedJudge`). The judging is left out
of both clocks. What is timed:

- ours: `course_lib.cartpole.reinforce_numpy.train(CartPoleConfig(seed=s, stop_when_solved=True))`,
  the recommended configuration (64 carts side by side, H = 32, RMSProp lr 0.03). The clock
  starts when `train` is called (weights, optimiser and environment are created inside it)
  and stops at the end of the update whose policy passed.
- the reference: `bench/seed_cartpole.py`, the seed program's algorithm (one cart, one
  Python step at a time, H = 100, 5 episodes per update, RMSProp lr 1e-3) with the judge
  called after each of its updates. Its clock starts at its first step, like the original's.
  The original program (../shared/peers/cartpole_seed_reference.py beside the repository, or
  --reference) stops by the old "last 100 training episodes" rule and cannot be judged from
  outside; so each run first checks, for seed 0, that `seed_cartpole` under the old rule
  reproduces the original's run exactly (same solving episode), and prints both times.

Each run is its own process with OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1.
The whole process's wall time (interpreter start and imports included, judging left out) is
recorded too, and both ratios are printed. With --jobs 1 (the default) the runs alternate,
ours then the reference's for each seed, one process at a time. With --jobs K the seeds go in
groups of K: K of ours at once, then the same K seeds of the reference at once, so both always
share the machine with the same number of their own kind.

A run that does not solve within --max-seconds (or the reference's --max-episodes) counts as
unsolved with an infinite time; the median is then a lower bound if it is infinite.

    OMP_NUM_THREADS=1 python bench/cartpole_speed.py --seeds 10 --max-seconds 600
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "peers" / "cartpole_seed_reference.py"  # beside the repo
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def worker(kind: str, seed: int, max_episodes: int) -> None:
    """Run one program once and print one JSON line (this runs in the child process)."""
    from course_lib.cartpole.config import CartPoleConfig
    from course_lib.cartpole.reinforce_numpy import train
    from course_lib.cartpole.rollout import SolvedJudge

    if kind in ("reference", "port_old_rule"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import seed_cartpole

        judge = SolvedJudge(seed) if kind == "reference" else None
        print(json.dumps(seed_cartpole.train(seed, max_episodes, judge)))
        return
    n_envs = CartPoleConfig().n_envs
    n_episodes = -(-max_episodes // n_envs) * n_envs  # round up to whole updates
    config = CartPoleConfig(seed=seed, n_episodes=n_episodes, stop_when_solved=True, progress=False)
    result = train(config)
    last100 = float(np.mean(result.ep_ret[-100:]))
    print(
        json.dumps(
            {
                "solved_at": result.solved_at,
                "episodes": int(result.ep_ret.size),
                "seconds": result.seconds,
                "judge_seconds": result.judge_seconds,
                "steps": result.n_steps,
                "last100": last100,
            }
        )
    )


def parse_reference(line: str) -> dict:
    """`cartpole_reference seed=0 solved_at=2305 episodes=2305 seconds=16.0 last100=475.2`."""
    fields = dict(tok.split("=", 1) for tok in line.split()[1:])
    solved = None if fields["solved_at"] == "None" else int(fields["solved_at"])
    return {
        "solved_at": solved,
        "episodes": int(fields["episodes"]),
        "seconds": float(fields["seconds"]),
        "last100": float(fields["last100"]),
    }


def launch(kind: str, seed: int, args) -> tuple[subprocess.Popen, float]:
    if kind == "original":
        cmd = [sys.executable, str(args.reference), "--seed", str(seed)]
    else:
        cmd = [sys.executable, __file__, "--worker", kind, "--seed", str(seed)]
    cmd += ["--max-episodes", str(args.max_episodes)]
    env = {**os.environ, **THREADS, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    return proc, time.perf_counter()


def finish(kind: str, seed: int, proc, started: float, max_seconds: float) -> dict:
    try:
        out, _ = proc.communicate(timeout=max(0.0, max_seconds - (time.perf_counter() - started)))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {
            "kind": kind,
            "seed": seed,
            "solved_at": None,
            "seconds": None,
            "process_seconds": None,
            "timed_out": True,
        }
    wall = time.perf_counter() - started
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if proc.returncode != 0 or not last:
        raise RuntimeError(f"{kind} seed {seed} failed (exit {proc.returncode}): {out[-500:]}")
    rec = parse_reference(last) if kind == "original" else json.loads(last)
    # The whole process, less the time spent judging (which neither clock counts).
    process = wall - rec.get("judge_seconds", 0.0)
    return {"kind": kind, "seed": seed, **rec, "process_seconds": process, "timed_out": False}


def check_port(args) -> dict:
    """Seed 0 under the old rule, by the original program and by seed_cartpole: the same run?"""
    original = finish("original", 0, *launch("original", 0, args), args.max_seconds)
    port = finish("port_old_rule", 0, *launch("port_old_rule", 0, args), args.max_seconds)
    same = (original["solved_at"], original["episodes"]) == (port["solved_at"], port["episodes"])
    print(
        f"port check, seed 0, old rule: original solved at {original['solved_at']} in "
        f"{original['seconds']:.1f} s, seed_cartpole at {port['solved_at']} in "
        f"{port['seconds']:.1f} s: {'the same run' if same else 'DIFFERENT RUNS'}",
        flush=True,
    )
    if not same:
        raise SystemExit("seed_cartpole no longer reproduces the original program: fix it first")
    return {"same_run": same, "original": original, "port": port}


def time_to_solve(rec: dict, key: str) -> float:
    """The time of a solved run, infinity for an unsolved one."""
    return float(rec[key]) if rec["solved_at"] is not None and rec[key] is not None else np.inf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="per run")
    parser.add_argument("--max-episodes", type=int, default=5000, help="per run")
    parser.add_argument("--jobs", type=int, default=1, help="processes of each kind at once")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/cartpole_speed.json")
    parser.add_argument(
        "--check-port", action="store_true", help="only check seed_cartpole against the original"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.seed, args.max_episodes)
        return
    if args.jobs < 1 or args.seeds < 1:
        parser.error("--jobs and --seeds must be at least 1")
    if not args.reference.is_file():
        parser.error(f"--reference: no file {args.reference} (the original CartPole program)")

    port_check = check_port(args)
    if args.check_port:
        return
    records = []
    seeds = list(range(args.seeds))
    for i in range(0, len(seeds), args.jobs):
        group = seeds[i : i + args.jobs]
        for kind in ("ours", "reference"):
            procs = [(s, *launch(kind, s, args)) for s in group]
            for s, proc, started in procs:
                rec = finish(kind, s, proc, started, args.max_seconds)
                records.append(rec)
                shown = "unsolved" if rec["solved_at"] is None else f"solved at {rec['solved_at']}"
                secs = "-" if rec["seconds"] is None else f"{rec['seconds']:.2f}"
                print(f"{kind:9s} seed {s:2d}: {secs:>7s} s  ({shown})", flush=True)

    summary = {}
    for key in ("seconds", "process_seconds"):
        med = {
            k: float(np.median([time_to_solve(r, key) for r in records if r["kind"] == k]))
            for k in ("ours", "reference")
        }
        summary[key] = {
            "median_ours": med["ours"],
            "median_reference": med["reference"],
            "ratio": med["reference"] / med["ours"],
        }
    n_solved = {
        k: sum(r["kind"] == k and r["solved_at"] is not None for r in records)
        for k in ("ours", "reference")
    }
    print(
        f"solved: ours {n_solved['ours']}/{args.seeds}, reference "
        f"{n_solved['reference']}/{args.seeds}"
    )
    for key, s in summary.items():
        print(
            f"median {key}: ours {s['median_ours']:.2f}, reference {s['median_reference']:.2f}"
            f", ratio {s['ratio']:.1f}x"
        )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "settings": {
            "seeds": args.seeds,
            "max_seconds": args.max_seconds,
            "max_episodes": args.max_episodes,
            "jobs": args.jobs,
            "threads": THREADS,
        },
        "solved": n_solved,
        "port_check": port_check,
        "summary": summary,
        "runs": records,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
