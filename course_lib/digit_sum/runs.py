r"""Ten seeds of the four estimators on the digit-sum task, and the bias/variance table (a program).

Chapter 7 compares REINFORCE, REINFORCE with a learned V_phi, RLOO and GRPO on the same task,
with the same settings and seeds. Each run is short, but 4 x 10 runs and a table over ten
thousand batches take a minute or two, more than a chapter should spend, so this program runs
them and saves the results:

    OMP_NUM_THREADS=1 python -m course_lib.digit_sum.runs --seeds 10 --out book/data/digit_sum

It writes digit_sum.npz (plain arrays: np.load(allow_pickle=False) reads it) and two .csv
files with the same numbers, digit_sum_curves.csv and digit_sum_table.csv. The .npz holds

    kinds         (4,)       the estimators, in estimators.ESTIMATORS order
    seeds         (S,)       the seeds
    eval_at       (E,)       the numbers of updates n at which J was computed
    J             (4, S, E)  the exact expected reward J(theta^(n)) of every run
    batch_reward  (4, S, U)  the mean reward of each update's batch
    seconds       (4, S)     wall-clock seconds of each run
    theta         (4, S, P)  the parameters at the end of each run (`policy.flat_params`)
    table_kinds   (5,)       the rows of the table: the four, and chapter 4's batch std
    table_<field> (5,)       each field of bias_variance.estimator_table (along, along_se, ...)
    table_theta   (P,)       the parameters at which the table was taken
    table_exact   (2, 2)     along/across of the exact E[g_hat] of RLOO (row 0), GRPO (row 1)
    config        ()         the TrainConfig as JSON (the seed varies per run)
    table_config  ()         the table's settings as JSON
    command, date ()         how and when the file was made
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import json
import os
import shlex
import sys
from pathlib import Path

import numpy as np
import torch

from course_lib._validate import check_int
from course_lib.digit_sum.bias_variance import across_direction, estimator_samples, estimator_table
from course_lib.digit_sum.estimators import ESTIMATORS, KINDS
from course_lib.digit_sum.exact import exact_gradient, expected_estimate, expected_reward
from course_lib.digit_sum.policy import flat_params
from course_lib.digit_sum.train import TrainConfig, train, trained_policy
from course_lib.group_baselines import grpo_advantages, rloo_advantages

TABLE_FIELDS = (
    "along",
    "along_se",
    "across",
    "across_se",
    "z_along",
    "z_across",
    "z_expected",
    "cos",
    "total_var",
    "rel_var",
)


def run_seeds(base: TrainConfig, seeds, kinds=ESTIMATORS) -> dict:
    """Train every kind on every seed from `base`: the curve arrays that `save_runs` writes.

    Example:
        >>> runs = run_seeds(TrainConfig(n_updates=4, eval_every=2), [0, 1], ["rloo", "grpo"])
        >>> runs["J"].shape, runs["eval_at"].tolist()
        ((2, 2, 3), [0, 2, 4])
    """
    seeds = [check_int("seeds", s) for s in seeds]
    if not seeds or not kinds:
        raise ValueError("seeds and kinds must each hold at least one value")
    results = [[train(dataclasses.replace(base, seed=s), k) for s in seeds] for k in kinds]
    return {
        "kinds": np.array(list(kinds)),
        "seeds": np.array(seeds),
        "eval_at": results[0][0].eval_at,
        "J": np.array([[r.J for r in row] for row in results]),
        "batch_reward": np.array([[r.batch_reward for r in row] for row in results]),
        "seconds": np.array([[r.seconds for r in row] for row in results]),
        "theta": np.array([[r.theta for r in row] for row in results]),
        "config": np.array(base.to_json()),
    }


def table_at(base: TrainConfig, updates: int, n_batches: int, seed: int = 0) -> dict:
    """The bias/variance table at the policy after `updates` RLOO updates of `base` (seed 0).

    The batches are drawn with numpy seed `seed` + 1000, apart from every training run's.

    Example:
        >>> t = table_at(TrainConfig(T=3, hidden=4, N=4, K=3), updates=2, n_batches=20)
        >>> t["table_kinds"].tolist() == list(KINDS), t["table_along"].shape
        (True, (5,))
    """
    config = dataclasses.replace(base, n_updates=updates, eval_every=updates, seed=0)
    policy = trained_policy(config, "rloo")
    g = exact_gradient(policy)
    expected = {
        "reinforce": g,
        "value": g,
        "rloo": expected_estimate(policy, rloo_advantages, base.K),
        "grpo": expected_estimate(policy, grpo_advantages, base.K),
    }
    rng = np.random.default_rng(seed + 1000)
    samples = estimator_samples(
        policy, base.N, base.K, n_batches, rng, alpha_phi=base.alpha_phi, xi=base.xi
    )
    table = estimator_table(samples, g, expected)
    u = g / np.linalg.norm(g)
    w = across_direction(g, expected["grpo"])
    w = np.zeros_like(g) if w is None else w
    exact = [[k @ u / np.linalg.norm(g), k @ w / np.linalg.norm(g)] for k in (g, expected["grpo"])]
    out = {"table_kinds": np.array(list(KINDS))}
    for field in TABLE_FIELDS:
        out[f"table_{field}"] = np.array([table[k][field] for k in KINDS])
    out["table_theta"] = flat_params(policy)
    out["table_exact"] = np.array(exact)
    out["table_config"] = np.array(
        json.dumps(
            {
                "rloo_updates": updates,
                "n_batches": n_batches,
                "numpy_seed": seed + 1000,
                "J": expected_reward(policy),
            }
        )
    )
    return out


def save_runs(out_dir, runs: dict, command: str) -> list[Path]:
    """Write `runs` to out_dir/digit_sum.npz and the two .csv files; return their paths.

    Args:
        out_dir: the folder, made if missing.
        runs: `run_seeds`'s arrays updated with `table_at`'s.
        command: the command line that made them, recorded in every file.

    Example:
        >>> import tempfile
        >>> base = TrainConfig(T=3, hidden=4, N=4, K=3, n_updates=2, eval_every=2)
        >>> runs = {**run_seeds(base, [0]), **table_at(base, updates=1, n_batches=5)}
        >>> with tempfile.TemporaryDirectory() as out:
        ...     [path.name for path in save_runs(out, runs, command="python -m demo")]
        ['digit_sum.npz', 'digit_sum_curves.csv', 'digit_sum_table.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs = {**runs, "command": np.array(command), "date": np.array(date)}
    npz = out_dir / "digit_sum.npz"
    np.savez_compressed(os.fspath(npz), **runs)
    header = [f"# {command}", f"# {date}", f"# config {runs['config'].item()}"]
    curves = out_dir / "digit_sum_curves.csv"
    with open(curves, "w", newline="") as f:
        f.write("\n".join(header) + "\n")
        w = csv.writer(f)
        w.writerow(["kind", "seed", "update", "J"])
        for k, kind in enumerate(runs["kinds"]):
            for s, seed in enumerate(runs["seeds"]):
                for e, n in enumerate(runs["eval_at"]):
                    w.writerow([kind, int(seed), int(n), f"{runs['J'][k, s, e]:.6f}"])
    table = out_dir / "digit_sum_table.csv"
    with open(table, "w", newline="") as f:
        f.write("\n".join([*header, f"# table {runs['table_config'].item()}"]) + "\n")
        w = csv.writer(f)
        w.writerow(["kind", *TABLE_FIELDS])
        for i, kind in enumerate(runs["table_kinds"]):
            w.writerow([kind, *(f"{runs[f'table_{c}'][i]:.6g}" for c in TABLE_FIELDS)])
    return [npz, curves, table]


def load_runs(path) -> dict:
    """Read digit_sum.npz: {name: array}, plus "config" as a TrainConfig.

    Example:
        >>> import tempfile
        >>> base = TrainConfig(T=3, hidden=4, N=4, K=3, n_updates=2, eval_every=2)
        >>> runs = {**run_seeds(base, [0, 1]), **table_at(base, updates=1, n_batches=5)}
        >>> with tempfile.TemporaryDirectory() as out:
        ...     loaded = load_runs(save_runs(out, runs, command="python -m demo")[0])
        >>> loaded["config"] == base, loaded["J"].shape   # (kinds, seeds, evaluations)
        (True, (4, 2, 2))
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        runs = dict(data)  # every array, read before the file closes
    runs["config"] = TrainConfig.from_json(runs["config"].item())
    return runs


def main(argv=None) -> None:
    """The command line: train, take the table, write the files (`--help` lists the options).

    Example:
        >>> import contextlib, io, tempfile
        >>> args = "--seeds 1 --updates 2 --table-updates 1 --table-batches 5".split()
        >>> log = io.StringIO()
        >>> with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(log):
        ...     main([*args, "--out", out])
        >>> log.getvalue().count("wrote")
        3
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--updates", type=int, default=TrainConfig.n_updates)
    parser.add_argument("--table-updates", type=int, default=100, help="RLOO updates before")
    parser.add_argument("--table-batches", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("book/data/digit_sum"))
    args = parser.parse_args(argv)
    # tiny networks: one thread is fastest, and the book's machine is shared
    torch.set_num_threads(1)
    base = TrainConfig(n_updates=args.updates)
    runs = run_seeds(base, range(args.seeds))
    for kind, J, sec in zip(runs["kinds"], runs["J"], runs["seconds"], strict=True):
        print(
            f"{kind:10s} J after {args.updates} updates: {J[:, -1].mean():.3f}, {sec.sum():.0f} s"
        )
    runs.update(table_at(base, args.table_updates, args.table_batches))
    command = "python -m course_lib.digit_sum.runs " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    for path in save_runs(args.out, runs, command):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
