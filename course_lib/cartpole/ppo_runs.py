"""Chapter 7's CartPole runs: PPO against chapter 6's REINFORCE with a baseline, and GAE lambdas.

Two experiments, each over seeds 0 .. S-1, saved as .npz (plain arrays: np.load with
allow_pickle=False reads them) with a small .csv beside each:

    ppo_vs_reinforce   PPO-clip (`cartpole.ppo`, PPOConfig defaults) and REINFORCE with a
                       learned baseline (`cartpole.baseline.train` with chapter 6's settings:
                       BaselineConfig defaults, V_phi, standardised weights, 64 episodes per
                       update). Both stop at the first update whose policy is solved: 100
                       fresh episodes of it average >= 475 steps (`SolvedJudge`, the same
                       judge for both, called every 64 training episodes for both: PPO is
                       judged after every 8th update). Recorded per run: training episodes,
                       environment steps, the policy's optimiser steps, the states passed
                       backward through the policy, and wall-clock seconds (judging left out;
                       each run repeated --repeats times, default 3, with every timing kept)
                       to that update; a run that reaches its cap unsolved is recorded as
                       unsolved (-1, NaN).
    gae_lambda         the actor-critic (`cartpole.actor_critic`) at several lambdas, each for
                       chapter 6's full budget of 1,024 episodes, for learning curves.
                       lambda = 1 is chapter 6's "G_t - V_phi(s_t) standardised" arm.
    ppo_sweep          (--sweep) the small search that picked PPOConfig's defaults: every
                       setting of SWEEP_GRID on seeds 100 to 102, none of the reported seeds;
                       `best_setting` is the rule (fewest median steps to solve).

Within a seed, the methods (or lambdas) run one after the other in an order rotated seed by
seed, so that a change in the machine's load over the run falls on all of them alike. Torch
runs on one thread (`torch.set_num_threads(1)`); set OMP_NUM_THREADS=1 as well.

Command line:

    OMP_NUM_THREADS=1 python -m course_lib.cartpole.ppo_runs --seeds 10 --out book/data/cartpole
    (add --skip-lambdas to remake only ppo_vs_reinforce)
    OMP_NUM_THREADS=1 python -m course_lib.cartpole.ppo_runs --sweep --out book/data/cartpole
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from course_lib.cartpole.actor_critic import ActorCriticConfig
from course_lib.cartpole.actor_critic import train as train_actor_critic
from course_lib.cartpole.baseline import BaselineConfig
from course_lib.cartpole.baseline import train as train_reinforce
from course_lib.cartpole.ppo import PPOConfig
from course_lib.cartpole.ppo import train as train_ppo

METHODS = ("PPO", "REINFORCE + V")
LAMS = (0.0, 0.5, 0.9, 0.95, 1.0)
REINFORCE_CAP = 2048  # training episodes: twice chapter 6's budget
PPO_CAP = 200_000  # environment steps
SWEEP_GRID = {"lr": (0.001, 0.003), "epochs": (4, 10), "n_envs": (8, 16)}
SWEEP_SEEDS = (100, 101, 102)  # apart from the seeds 0-9 that chapter 7 reports


def _pad(rows: list) -> np.ndarray:
    """Stack 1-D float arrays of different lengths into one (rows, longest), NaN-padded."""
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), np.nan)
    for k, r in enumerate(rows):
        out[k, : len(r)] = r
    return out


def _one_run(method: str, seed: int, ppo: PPOConfig, reinforce: BaselineConfig) -> dict:
    """Train one (method, seed) to its first solved update or its cap, and measure it.

    Besides the clock, two costs that do not depend on the machine: the policy's optimiser
    steps, and the states passed forward and backward through the policy in those steps (PPO:
    `epochs` times every state of a batch; REINFORCE: every state once).
    """
    if method == "PPO":
        r = train_ppo(dataclasses.replace(ppo, seed=seed))
        steps_per_update = r.n_steps
        grad_steps = int(r.n_grad_steps.sum())
        backprop_states = int(ppo.epochs * r.n_steps.sum())
        every = ppo.judge_every
    else:
        r = train_reinforce(dataclasses.replace(reinforce, seed=seed))
        n = reinforce.n_envs
        steps_per_update = r.ep_ret.reshape(-1, n).sum(axis=1)  # CartPole pays 1 per step
        grad_steps = len(steps_per_update)  # one step per update
        backprop_states = int(steps_per_update.sum())
        every = 1
    solved = r.solved_at is not None
    return {
        "solved": solved,
        "episodes": r.solved_at if solved else -1,
        "steps": int(steps_per_update.sum()) if solved else -1,  # the run stopped there
        "seconds": r.seconds if solved else np.nan,
        "grad_steps": grad_steps if solved else -1,
        "backprop_states": backprop_states if solved else -1,
        "eval_len": np.asarray(r.eval_len, dtype=float),
        "eval_steps": np.cumsum(steps_per_update)[every - 1 :: every].astype(float),
        "total_steps": int(steps_per_update.sum()),
    }


def run_comparison(seeds, ppo: PPOConfig, reinforce: BaselineConfig, repeats: int = 1) -> dict:
    """PPO and REINFORCE + V on every seed, alternating which goes first; the arrays to save.

    Each (method, seed) runs `repeats` times; the runs are deterministic, so only the clock
    differs between repeats: `seconds_all` (method, seed, repeat) keeps every timing and
    `seconds` their median. PPO should be judged as often as REINFORCE, in episodes
    (`ppo.judge_every * ppo.n_envs == reinforce.n_envs`); main() sets it so.

    Example:
        >>> ppo = PPOConfig(n_envs=4, max_steps=100, progress=False, stop_when_solved=True)
        >>> rf = BaselineConfig(n_episodes=8, n_envs=4, progress=False, stop_when_solved=True)
        >>> runs = run_comparison([0, 1], ppo, rf, repeats=2)
        >>> runs["episodes"].shape, runs["seconds_all"].shape, runs["first"].tolist()
        ((2, 2), (2, 2, 2), ['PPO', 'REINFORCE + V'])
    """
    if not (ppo.stop_when_solved and reinforce.stop_when_solved):
        raise ValueError("both configs need stop_when_solved=True: the runs measure time to solve")
    if not (isinstance(repeats, int) and repeats >= 1):
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    seeds = [int(s) for s in seeds]
    results = {m: [] for m in METHODS}
    timings = {m: [] for m in METHODS}
    first = []
    for k, seed in enumerate(seeds):
        first.append(METHODS[k % 2])
        times = {m: [] for m in METHODS}
        for rep in range(repeats):
            order = METHODS if (k + rep) % 2 == 0 else METHODS[::-1]
            for method in order:
                r = _one_run(method, seed, ppo, reinforce)
                times[method].append(r["seconds"])
                if rep == 0:
                    results[method].append(r)
                elif r["episodes"] != results[method][-1]["episodes"]:
                    raise RuntimeError(f"{method}, seed {seed}: a repeat did not reproduce")
        for m in METHODS:
            timings[m].append(times[m])
    out = {
        "methods": np.array(METHODS),
        "seeds": np.array(seeds),
        "first": np.array(first),
    }
    names = ("solved", "episodes", "steps", "grad_steps", "backprop_states")
    for name in names:
        dtype = bool if name == "solved" else np.int64
        out[name] = np.array([[r[name] for r in results[m]] for m in METHODS], dtype=dtype)
    out["seconds_all"] = np.array([timings[m] for m in METHODS])  # (method, seed, repeat)
    out["seconds"] = np.median(out["seconds_all"], axis=2)
    out["total_steps"] = np.array([[r["total_steps"] for r in results[m]] for m in METHODS])
    for name in ("eval_len", "eval_steps"):  # (method, seed, judged update), NaN after the end
        rows = [r[name] for m in METHODS for r in results[m]]
        out[name] = _pad(rows).reshape(len(METHODS), len(seeds), -1)
    out["ppo_config"] = np.array(ppo.to_json())
    out["reinforce_config"] = np.array(reinforce.to_json())
    return out


def run_lambdas(seeds, lams, base: ActorCriticConfig) -> dict:
    """The actor-critic at each lambda on every seed (rotated order), for the full budget.

    Example:
        >>> base = ActorCriticConfig(n_episodes=16, n_envs=8, progress=False)
        >>> runs = run_lambdas([0], [0.0, 1.0], base)
        >>> runs["eval_len"].shape, runs["ep_ret"].shape
        ((2, 1, 2), (2, 1, 16))
    """
    if base.stop_when_solved:
        raise ValueError("run_lambdas needs stop_when_solved=False: curves of equal length")
    seeds, lams = [int(s) for s in seeds], [float(x) for x in lams]
    shape = (len(lams), len(seeds))
    n_updates = base.n_episodes // base.n_envs
    out = {
        "lams": np.array(lams),
        "seeds": np.array(seeds),
        "ep_ret": np.zeros((*shape, base.n_episodes), dtype=np.int16),
        "eval_len": np.zeros((*shape, n_updates)),
        "value_ev": np.zeros((*shape, n_updates)),
        "solved_at": np.full(shape, -1, dtype=np.int64),
        "steps_to_solve": np.full(shape, -1, dtype=np.int64),
        "seconds": np.zeros(shape),
    }
    for s, seed in enumerate(seeds):
        shift = s % len(lams)
        for k in list(range(len(lams)))[shift:] + list(range(len(lams)))[:shift]:
            r = train_actor_critic(dataclasses.replace(base, seed=seed, lam=lams[k]))
            out["ep_ret"][k, s] = r.ep_ret
            out["eval_len"][k, s] = r.eval_len
            out["value_ev"][k, s] = r.value_ev
            out["seconds"][k, s] = r.seconds
            if r.solved_at is not None:
                out["solved_at"][k, s] = r.solved_at
                out["steps_to_solve"][k, s] = int(r.ep_ret[: r.solved_at].sum())
    out["config"] = np.array(base.to_json())
    return out


def run_sweep(seeds, grid: dict, base: PPOConfig) -> dict:
    """PPO with every combination of `grid` (field -> values) on every seed, to its solve.

    Example:
        >>> base = PPOConfig(n_envs=4, max_steps=40, progress=False, stop_when_solved=True)
        >>> runs = run_sweep([0], {"epochs": (1, 2)}, base)
        >>> runs["settings"].tolist(), runs["steps"].tolist()   # far too short: unsolved
        (['{"epochs": 1}', '{"epochs": 2}'], [[-1], [-1]])
    """
    if not base.stop_when_solved:
        raise ValueError("run_sweep needs stop_when_solved=True: it measures time to solve")
    seeds = [int(s) for s in seeds]
    names = list(grid)
    combos = [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]
    shape = (len(combos), len(seeds))
    out = {
        "settings": np.array([json.dumps(c, sort_keys=True) for c in combos]),
        "seeds": np.array(seeds),
        "episodes": np.full(shape, -1, dtype=np.int64),
        "steps": np.full(shape, -1, dtype=np.int64),
        "seconds": np.full(shape, np.nan),
        "base_config": np.array(base.to_json()),
    }
    for c, combo in enumerate(combos):
        for s, seed in enumerate(seeds):
            r = train_ppo(dataclasses.replace(base, seed=seed, **combo))
            if r.solved_at is not None:
                out["episodes"][c, s] = r.solved_at
                out["steps"][c, s] = r.solved_steps
                out["seconds"][c, s] = r.seconds
    return out


def best_setting(sweep: dict) -> dict:
    """The setting with the fewest median environment steps to solve (unsolved: never).

    Example:
        >>> best_setting({"settings": np.array(['{"lr": 1}', '{"lr": 2}']),
        ...               "steps": np.array([[5, -1, 7], [6, 6, 6]])})
        {'lr': 2}
    """
    steps = np.where(sweep["steps"] < 0, np.inf, sweep["steps"])
    return json.loads(str(sweep["settings"][int(np.argmin(np.median(steps, axis=1)))]))


def provenance(argv) -> dict:
    """The command, date and software versions, as plain string arrays for an .npz.

    Example:
        >>> sorted(provenance(["--seeds", "1"]))
        ['command', 'date', 'versions']
    """
    command = "python -m course_lib.cartpole.ppo_runs " + " ".join(argv)
    versions = (
        f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}, "
        f"torch threads {torch.get_num_threads()}, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {"command": np.array(command), "date": np.array(date), "versions": np.array(versions)}


def save_runs(path, runs: dict, csv_rows: list[str]) -> None:
    """Write `runs` to a compressed .npz and `csv_rows` (header first) to the .csv beside it.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save_runs(Path(folder) / "demo.npz", {"x": np.arange(3)}, ["seed,x", "0,1"])
        ...     runs = load_runs(Path(folder) / "demo.npz")
        ...     csv_text = (Path(folder) / "demo.csv").read_text()
        >>> runs["x"].tolist(), csv_text.splitlines()[0]
        ([0, 1, 2], 'seed,x')
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(os.fspath(path), **runs)
    path.with_suffix(".csv").write_text("\n".join(csv_rows) + "\n")


def load_runs(path) -> dict:
    """Read an .npz that `save_runs` wrote, without pickle: {name: array}.

    Example:
        >>> saved = Path(__file__).parents[2] / "book" / "data" / "cartpole"
        >>> runs = load_runs(saved / "ppo_vs_reinforce.npz")      # chapter 7's comparison
        >>> runs["episodes"].shape                                # (method, seed)
        (2, 10)
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def runs_csv(runs: dict, key: str, columns: tuple, label=str) -> list[str]:
    """The rows of the .csv beside an .npz of runs, header first: one per (row of `key`, seed).

    Each row holds `label` of runs[key][k], the seed, and runs[c][k, s] of every column c (a
    bool as 0 or 1, a float with 3 decimals). The header names the key without its plural s.

    Example:
        >>> runs = {"lams": np.array([0.5]), "seeds": np.array([0, 1]),
        ...         "solved_at": np.array([[64, -1]]), "seconds": np.array([[1.25, 2.0]])}
        >>> runs_csv(runs, "lams", ("solved_at", "seconds"), label="{:g}".format)
        ['lam,seed,solved_at,seconds', '0.5,0,64,1.250', '0.5,1,-1,2.000']
    """
    rows = [",".join((key.removesuffix("s"), "seed", *columns))]
    for k, name in enumerate(runs[key]):
        for s, seed in enumerate(runs["seeds"]):
            cells = [runs[c][k, s] for c in columns]
            cells = [f"{x:.3f}" if isinstance(x, np.floating) else str(int(x)) for x in cells]
            rows.append(",".join((label(name), str(seed), *cells)))
    return rows


def comparison_csv(runs: dict) -> list[str]:
    """One row per (method, seed): solved, episodes, steps, seconds.

    Example:
        >>> runs = {"methods": np.array(METHODS), "seeds": np.array([0]),
        ...         "solved": np.array([[True], [False]]), "episodes": np.array([[96], [-1]]),
        ...         "steps": np.array([[9000], [-1]]), "seconds": np.array([[3.0], [np.nan]])}
        >>> comparison_csv(runs)[1:]
        ['PPO,0,1,96,9000,3.000', 'REINFORCE + V,0,0,-1,-1,nan']
    """
    return runs_csv(runs, "methods", ("solved", "episodes", "steps", "seconds"))


def lambda_csv(runs: dict) -> list[str]:
    """One row per (lambda, seed): the episodes and steps to solve (-1: not within budget).

    Example:
        >>> runs = {"lams": np.array([0.95]), "seeds": np.array([3]),
        ...         "solved_at": np.array([[448]]), "steps_to_solve": np.array([[61234]]),
        ...         "seconds": np.array([[12.5]])}
        >>> lambda_csv(runs)
        ['lam,seed,solved_at,steps_to_solve,seconds', '0.95,3,448,61234,12.500']
    """
    columns = ("solved_at", "steps_to_solve", "seconds")
    return runs_csv(runs, "lams", columns, label="{:g}".format)


def sweep_csv(runs: dict) -> list[str]:
    """One row per (setting, seed) of `run_sweep`: episodes and steps to solve, seconds.

    Example:
        >>> runs = {"settings": np.array(['{"lr": 1}']), "seeds": np.array([100]),
        ...         "episodes": np.array([[-1]]), "steps": np.array([[-1]]),
        ...         "seconds": np.array([[np.nan]])}
        >>> sweep_csv(runs)
        ['setting,seed,episodes,steps,seconds', '"{"lr": 1}",100,-1,-1,nan']
    """
    return runs_csv(runs, "settings", ("episodes", "steps", "seconds"), label='"{}"'.format)


def main(argv=None) -> None:
    """The command line: the saved runs chapter 7 loads (see the module docstring).

    Example:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--out", type=Path, default=Path("book/data/cartpole"))
    parser.add_argument("--skip-lambdas", action="store_true", help="only PPO vs REINFORCE")
    parser.add_argument("--sweep", action="store_true", help="only the search for PPO's settings")
    parser.add_argument("--repeats", type=int, default=3, help="timings per (method, seed)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    seeds = range(args.seeds)
    meta = provenance(argv)
    start = time.perf_counter()
    if args.sweep:
        base = PPOConfig(max_steps=PPO_CAP, stop_when_solved=True, progress=False)
        sweep = run_sweep(SWEEP_SEEDS, SWEEP_GRID, base) | meta
        save_runs(args.out / "ppo_sweep.npz", sweep, sweep_csv(sweep))
        for setting, steps in zip(sweep["settings"], sweep["steps"], strict=True):
            print(f"{setting:45s} steps {steps.tolist()}")
        print(
            f"best: {best_setting(sweep)}; wrote {args.out} in {time.perf_counter() - start:.0f} s"
        )
        return
    reinforce = BaselineConfig(n_episodes=REINFORCE_CAP, stop_when_solved=True, progress=False)
    every = max(1, reinforce.n_envs // PPOConfig().n_envs)  # judged every 64 episodes, as REINFORCE
    ppo = PPOConfig(max_steps=PPO_CAP, stop_when_solved=True, progress=False, judge_every=every)
    comparison = run_comparison(seeds, ppo, reinforce, args.repeats) | meta
    save_runs(args.out / "ppo_vs_reinforce.npz", comparison, comparison_csv(comparison))
    for m, method in enumerate(METHODS):
        ok = comparison["solved"][m]
        print(
            f"{method:15s} solved {ok.sum()}/{args.seeds}: episodes "
            f"{comparison['episodes'][m].tolist()}, steps {comparison['steps'][m].tolist()}, "
            f"seconds {np.round(comparison['seconds'][m], 2).tolist()}"
        )
    if not args.skip_lambdas:
        base = ActorCriticConfig(progress=False)  # chapter 6's settings and budget
        lambdas = run_lambdas(seeds, LAMS, base) | meta
        save_runs(args.out / "gae_lambda.npz", lambdas, lambda_csv(lambdas))
        for k, lam in enumerate(LAMS):
            print(f"lambda = {lam:g}: solved at {lambdas['solved_at'][k].tolist()}")
    print(f"wrote {args.out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
