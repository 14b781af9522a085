"""Pong throughput, side by side in one run: raw emulator, our trainer, the 2016 reference.

    OMP_NUM_THREADS=1 python bench/pong_throughput.py --seconds 30

1. raw: ale-py's AtariVectorEnv alone, random UP/DOWN actions, the trainer's n_envs and threads;
2. trainer: course_lib.pong's Trainer (learning included) for the same time;
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


def raw_steps_per_s(n_envs: int, n_threads: int, seconds: float) -> float:
    env = make_vector_env(n_envs, n_threads=n_threads)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        env.step(np.where(rng.random(n_envs) < 0.5, UP, DOWN))
        steps += n_envs
    rate = steps / (time.perf_counter() - t0)
    env.close()
    return rate


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
    ap.add_argument("--n-threads", type=int, default=TrainConfig.n_threads)
    ap.add_argument("--skip-reference", action="store_true")
    args = ap.parse_args()
    config = TrainConfig(n_envs=args.n_envs, n_threads=args.n_threads)
    print(
        f"n_envs={args.n_envs} emulator threads={args.n_threads} BLAS threads=1 "
        f"seconds={args.seconds:g} cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}",
        flush=True,
    )
    raw = raw_steps_per_s(args.n_envs, args.n_threads, args.seconds)
    print(f"raw AtariVectorEnv, random actions: {raw:7.0f} steps/s", flush=True)
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
