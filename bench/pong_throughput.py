"""Pong throughput, side by side in one run: raw emulator, our trainer, the 2016 reference.

    OMP_NUM_THREADS=1 python bench/pong_throughput.py --seconds 30

1. raw: ale-py's AtariVectorEnv alone, random UP/DOWN actions, the trainer's n_envs and
   threads, in two layouts: one vector env of n_envs games, and the trainer's n_groups vector
   envs stepped in turn (send to all, then receive each). The faster of the two is "raw";
2. trainer: course_lib.pong's Trainer (learning included) for the same time, with the default
   TrainConfig (n_envs=8, n_groups=2, n_threads=4: two emulator threads per group);
3. reference: two copies of the 2016 NumPy trainer (OMP_NUM_THREADS=1 each) at once, summed.

Prints agent steps per second for each and the two ratios the project aims at:
trainer / raw >= 0.85 and trainer / (reference x 2) >= 1.5.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = (
        "1"  # set before NumPy loads BLAS: threads fighting over 2 cores distort it all
    )

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from course_lib.pong.config import TrainConfig  # noqa: E402
from course_lib.pong.envs import DOWN, UP, make_vector_env  # noqa: E402
from course_lib.pong.trainer import Trainer  # noqa: E402

REFERENCE = Path("/work/shared/peers/karpathy_pong_reference.py")


def raw_steps_per_s(n_envs: int, n_threads: int, seconds: float, n_groups: int = 1) -> float:
    """Random actions, no learning: n_groups vector envs (threads split as in the trainer)."""
    size = n_envs // n_groups
    envs = [make_vector_env(size, n_threads=max(1, n_threads // n_groups)) for _ in range(n_groups)]
    for env in envs:
        env.reset(seed=0)
    rng = np.random.default_rng(0)
    for env in envs:
        env.send(np.where(rng.random(size) < 0.5, UP, DOWN))
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for env in envs:  # round robin, as the trainer does: the others run meanwhile
            env.recv()
            env.send(np.where(rng.random(size) < 0.5, UP, DOWN))
            steps += size
    rate = steps / (time.perf_counter() - t0)
    for env in envs:
        env.recv()
        env.close()
    return rate


def emulator_threads(n_envs: int, n_threads: int) -> int:
    """The threads ale-py really starts: it caps them at the number of cores."""
    before = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None
    env = make_vector_env(n_envs, n_threads=n_threads)
    after = len(os.listdir("/proc/self/task")) if before is not None else None
    env.close()
    return n_threads if before is None else after - before


def trainer_steps_per_s(config: TrainConfig, seconds: float) -> float:
    """Steady-state rate, like the raw loop's: from the first to the last episode end in the window.

    Creating the emulators and the seeded resets (about a second, once per checkpoint
    segment) are left out, as they are for the raw emulator.
    """
    with tempfile.TemporaryDirectory() as run_dir:
        trainer = Trainer(config, run_dir)
        marks = []
        trainer.on_episode = lambda tr, row: marks.append((time.perf_counter(), tr.steps))
        t0 = time.perf_counter()
        trainer.train(max_seconds=seconds)
        trainer.close()
    inside = [(t, s) for t, s in marks if t - t0 <= seconds]
    (t1, s1), (t2, s2) = inside[0], inside[-1]
    return (s2 - s1) / (t2 - t1)


def reference_steps_per_s(seconds: float, copies: int = 2) -> list[float]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(REFERENCE), "--seconds", str(seconds), "--seed", str(i)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(copies)
    ]
    rates = []
    for proc in procs:
        out, _ = proc.communicate()
        rates.append(float(re.search(r"steps_per_s=(\d+)", out).group(1)))
    return rates


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--n-envs", type=int, default=TrainConfig.n_envs)
    ap.add_argument("--n-groups", type=int, default=TrainConfig.n_groups)
    ap.add_argument("--n-threads", type=int, default=TrainConfig.n_threads)
    ap.add_argument("--skip-reference", action="store_true")
    args = ap.parse_args()
    config = TrainConfig(n_envs=args.n_envs, n_groups=args.n_groups, n_threads=args.n_threads)
    size = args.n_envs // args.n_groups
    per_group = emulator_threads(size, max(1, args.n_threads // args.n_groups))
    print(
        f"n_envs={args.n_envs} n_groups={args.n_groups} n_threads={args.n_threads} "
        f"(ale-py starts {emulator_threads(args.n_envs, args.n_threads)} for one vector env, "
        f"{per_group} per group) BLAS threads=1 seconds={args.seconds:g} "
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}",
        flush=True,
    )
    raw_one = raw_steps_per_s(args.n_envs, args.n_threads, args.seconds)
    print(f"raw, one vector env:                {raw_one:7.0f} steps/s", flush=True)
    raw = raw_one
    if args.n_groups > 1:
        raw_groups = raw_steps_per_s(args.n_envs, args.n_threads, args.seconds, args.n_groups)
        print(f"raw, the trainer's {args.n_groups} groups:        {raw_groups:7.0f} steps/s")
        raw = max(raw_one, raw_groups)
    print(f"raw AtariVectorEnv, random actions: {raw:7.0f} steps/s (the faster layout)", flush=True)
    ours = trainer_steps_per_s(config, args.seconds)
    print(f"trainer (learning included):        {ours:7.0f} steps/s", flush=True)
    print(f"trainer / raw = {ours / raw:.2f}   (goal >= 0.85)")
    if not args.skip_reference:
        ref = reference_steps_per_s(args.seconds)
        print(
            f"2016 reference x2 (1 thread each):  {sum(ref):7.0f} steps/s  "
            f"({' + '.join(f'{r:.0f}' for r in ref)})"
        )
        print(f"trainer / reference x2 = {ours / sum(ref):.2f}   (goal >= 1.5)")


if __name__ == "__main__":
    main()
