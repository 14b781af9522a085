r"""Many seeds of the CartPole trainers, saved for chapter 4 to load (a command-line program).

Chapter 4 compares weights for grad log pi over 10 seeds each. An *arm* is a weight kind and
a discount, written "kind@gamma" ("rtg" alone takes the config's gamma): the whole return
R(tau) and the return-to-go G_t with gamma = 1, which estimate the same gradient, and G_t with
gamma = 0.99 raw, standardised per batch and per episode. That takes a minute or more on one
core, longer than a chapter should spend, so this program runs it and saves the results to one
small .npz file:

    OMP_NUM_THREADS=1 python -m course_lib.cartpole.runs --seeds 10 \
        --out book/data/cartpole/weights.npz

Every run shows a progress bar. The file holds plain arrays only (np.load(allow_pickle=False)):

    kinds      (K,)        each arm's weight kind, in pg_weights.WEIGHT_KINDS spelling
    gammas     (K,)        each arm's discount factor
    seeds      (S,)        the seeds
    ep_ret     (K, S, E)   the return of every episode, in the order they finished
    eval_len   (K, S, U)   the mean length of 100 fresh episodes of the policy after each update
    solved_at  (K, S)      the training episodes before the policy was solved, -1 if never
    seconds    (K, S)      wall-clock seconds of each run, judging left out
    config     ()          the base config as JSON (weight, gamma and seed vary per run)
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

import numpy as np

from course_lib._validate import check_int
from course_lib.cartpole.config import CartPoleConfig
from course_lib.pg_weights import WEIGHT_KINDS

ARMS = ("total@1", "rtg@1", "rtg", "rtg_std", "rtg_std_episode")  # chapter 4's comparison


def parse_arm(arm: str, gamma: float) -> tuple[str, float]:
    """An arm "kind@gamma" as (kind, gamma); a bare "kind" takes the given `gamma`.

    Example:
        >>> parse_arm("total@1", 0.99), parse_arm("rtg_std", 0.99)
        (('total', 1.0), ('rtg_std', 0.99))
    """
    if not isinstance(arm, str):
        raise TypeError(f"an arm must be a string like 'rtg@0.99', got {type(arm).__name__}")
    kind, _, g = arm.partition("@")
    if kind not in WEIGHT_KINDS:
        raise ValueError(f"an arm's kind must be one of {WEIGHT_KINDS}, got {arm!r}")
    try:
        return kind, float(g) if g else float(gamma)
    except ValueError:
        raise ValueError(f"an arm's gamma must be a number, got {arm!r}") from None


def run_seeds(base: CartPoleConfig, arms, seeds, *, trainer: str = "numpy") -> dict:
    """Train once per (arm, seed) from `base`, returning the arrays `save_runs` writes.

    Args:
        base: the shared config; `weight`, `gamma` and `seed` are replaced for each run.
        arms: "kind@gamma" or "kind" strings (see `parse_arm`), kind in WEIGHT_KINDS.
        seeds: the seeds, non-negative integers.
        trainer: "numpy" or "torch".

    Example:
        >>> base = CartPoleConfig(n_episodes=16, n_envs=8, progress=False)
        >>> runs = run_seeds(base, ["rtg@1", "rtg_std"], [0, 1])
        >>> runs["ep_ret"].shape, runs["gammas"].tolist(), runs["solved_at"].tolist()
        ((2, 2, 16), [1.0, 0.99], [[-1, -1], [-1, -1]])
    """
    if not isinstance(base, CartPoleConfig):
        raise TypeError(f"base must be a CartPoleConfig, got {type(base).__name__}")
    arms = [parse_arm(a, base.gamma) for a in arms]
    seeds = [check_int("seeds", s, low=0) for s in seeds]
    if not arms or not seeds:
        raise ValueError("arms and seeds must each hold at least one value")
    if trainer == "numpy":
        from course_lib.cartpole.reinforce_numpy import train
    elif trainer == "torch":
        from course_lib.cartpole.reinforce_torch import train
    else:
        raise ValueError(f'trainer must be "numpy" or "torch", got {trainer!r}')
    shape = (len(arms), len(seeds))
    ep_ret = np.zeros((*shape, base.n_episodes), dtype=np.int16)  # CartPole returns <= 500
    eval_len = np.zeros((*shape, base.n_episodes // base.n_envs))
    solved, seconds = np.full(shape, -1, dtype=np.int64), np.zeros(shape)
    for k, (kind, gamma) in enumerate(arms):
        for s, seed in enumerate(seeds):
            result = train(dataclasses.replace(base, weight=kind, gamma=gamma, seed=seed))
            if result.ep_ret.size != base.n_episodes:
                raise ValueError("run_seeds needs stop_when_solved=False: runs of equal length")
            ep_ret[k, s], eval_len[k, s] = result.ep_ret, result.eval_len
            solved[k, s] = -1 if result.solved_at is None else result.solved_at
            seconds[k, s] = result.seconds
    return {
        "kinds": np.array([kind for kind, _ in arms]),
        "gammas": np.array([gamma for _, gamma in arms]),
        "seeds": np.array(seeds),
        "ep_ret": ep_ret,
        "eval_len": eval_len,
        "solved_at": solved,
        "seconds": seconds,
        "config": np.array(base.to_json()),
    }


def save_runs(path, runs: dict) -> None:
    """Write `runs` (from `run_seeds`) to a compressed .npz of plain arrays.

    Example:
        >>> import tempfile
        >>> runs = run_seeds(CartPoleConfig(n_episodes=8, n_envs=8, progress=False), ["rtg"], [0])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_runs(Path(tmp) / "sub" / "weights.npz", runs)      # makes the folder
        ...     with np.load(Path(tmp) / "sub" / "weights.npz", allow_pickle=False) as data:
        ...         print(sorted(data.files))
        ['config', 'ep_ret', 'eval_len', 'gammas', 'kinds', 'seconds', 'seeds', 'solved_at']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(os.fspath(path), **runs)


def load_runs(path) -> dict:
    """Read what `save_runs` wrote: {name: array}, plus "config" as a CartPoleConfig.

    Example:
        >>> import tempfile
        >>> base = CartPoleConfig(n_episodes=8, n_envs=8, progress=False)
        >>> runs = run_seeds(base, ["rtg@1"], [0, 1])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_runs(Path(tmp) / "weights.npz", runs)
        ...     back = load_runs(Path(tmp) / "weights.npz")
        >>> back["config"] == base, bool(np.array_equal(back["ep_ret"], runs["ep_ret"]))
        (True, True)
        >>> back["kinds"].tolist(), back["gammas"].tolist()
        (['rtg'], [1.0])
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        runs = {k: data[k] for k in data.files}
    runs["config"] = CartPoleConfig.from_json(runs["config"].item())
    return runs


def main(argv=None) -> None:
    """The command line: train every arm for every seed, save the runs, print a summary.

    Example:
        >>> import contextlib, io, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(io.StringIO()):
        ...     main(["--seeds", "1", "--episodes", "64", "--arms", "rtg_std", "total@1",
        ...           "--out", f"{tmp}/weights.npz"])                # doctest: +ELLIPSIS
        ...     print(load_runs(f"{tmp}/weights.npz")["ep_ret"].shape)
        rtg_std          solved 0/1, ... s
        total@1          solved 0/1, ... s
        wrote .../weights.npz
        (2, 1, 64)
    """
    defaults = CartPoleConfig()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--episodes", type=int, default=defaults.n_episodes)
    parser.add_argument("--arms", nargs="+", default=list(ARMS), help="kind@gamma or kind")
    parser.add_argument("--trainer", choices=["numpy", "torch"], default="numpy")
    parser.add_argument("--out", type=Path, default=Path("book/data/cartpole/weights.npz"))
    args = parser.parse_args(argv)
    if args.trainer == "torch":
        import torch

        torch.set_num_threads(1)
    base = CartPoleConfig(n_episodes=args.episodes, progress=True)
    runs = run_seeds(base, args.arms, range(args.seeds), trainer=args.trainer)
    save_runs(args.out, runs)
    for arm, solved, sec in zip(args.arms, runs["solved_at"], runs["seconds"], strict=True):
        print(f"{arm:16s} solved {np.sum(solved >= 0)}/{args.seeds}, {sec.sum():.0f} s")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
