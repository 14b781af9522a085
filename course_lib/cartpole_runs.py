r"""Many seeds of the CartPole trainers, saved for chapter 4 to load (a command-line program).

Chapter 4 compares four weights for grad log pi (R(tau), G_t, G_t standardised per batch and
per episode) over 10 seeds each. That takes half a minute or more on one core, longer than a
chapter should spend, so this program runs it and saves the per-episode returns to one small
.npz file:

    OMP_NUM_THREADS=1 python -m course_lib.cartpole_runs --seeds 10 \
        --out book/data/cartpole/weights.npz

Every run shows a progress bar. The file holds plain arrays only (np.load(allow_pickle=False)):

    kinds      (K,)        the weight kinds, in pg_weights.WEIGHT_KINDS spelling
    seeds      (S,)        the seeds
    ep_ret     (K, S, E)   the return of every episode, in the order they finished
    solved_at  (K, S)      the episode count at which the run was solved, -1 if it was not
    seconds    (K, S)      wall-clock seconds of each run
    config     ()          the base config as JSON (its `weight` and `seed` vary per run)
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

import numpy as np

from course_lib.cartpole_config import CartPoleConfig
from course_lib.pg_weights import WEIGHT_KINDS


def run_seeds(base: CartPoleConfig, kinds, seeds, *, trainer: str = "numpy") -> dict:
    """Train once per (kind, seed) from `base`, returning the arrays `save_runs` writes.

    Args:
        base: the shared config; `weight` and `seed` are replaced for each run.
        kinds: weight kinds, each in pg_weights.WEIGHT_KINDS.
        seeds: the seeds, non-negative integers.
        trainer: "numpy" or "torch".

    Example:
        >>> base = CartPoleConfig(n_episodes=16, n_envs=8, progress=False)
        >>> runs = run_seeds(base, ["rtg", "rtg_std"], [0, 1])
        >>> runs["ep_ret"].shape, runs["solved_at"].tolist()
        ((2, 2, 16), [[-1, -1], [-1, -1]])
    """
    if not isinstance(base, CartPoleConfig):
        raise TypeError(f"base must be a CartPoleConfig, got {type(base).__name__}")
    kinds, seeds = list(kinds), [int(s) for s in seeds]
    if not kinds or not seeds:
        raise ValueError("kinds and seeds must each hold at least one value")
    if trainer == "numpy":
        from course_lib.cartpole_numpy import train
    elif trainer == "torch":
        from course_lib.cartpole_torch import train
    else:
        raise ValueError(f'trainer must be "numpy" or "torch", got {trainer!r}')
    shape = (len(kinds), len(seeds))
    ep_ret = np.zeros((*shape, base.n_episodes), dtype=np.int16)  # CartPole returns <= 500
    solved, seconds = np.full(shape, -1, dtype=np.int64), np.zeros(shape)
    for k, kind in enumerate(kinds):
        for s, seed in enumerate(seeds):
            result = train(dataclasses.replace(base, weight=kind, seed=seed))
            if result.ep_ret.size != base.n_episodes:
                raise ValueError("run_seeds needs stop_when_solved=False: runs of equal length")
            ep_ret[k, s] = result.ep_ret
            solved[k, s] = -1 if result.solved_at is None else result.solved_at
            seconds[k, s] = result.seconds
    return {
        "kinds": np.array(kinds),
        "seeds": np.array(seeds),
        "ep_ret": ep_ret,
        "solved_at": solved,
        "seconds": seconds,
        "config": np.array(base.to_json()),
    }


def save_runs(path, runs: dict) -> None:
    """Write `runs` (from `run_seeds`) to a compressed .npz of plain arrays."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(os.fspath(path), **runs)


def load_runs(path) -> dict:
    """Read what `save_runs` wrote: {name: array}, plus "config" as a CartPoleConfig."""
    with np.load(os.fspath(path), allow_pickle=False) as data:
        runs = {k: data[k] for k in data.files}
    runs["config"] = CartPoleConfig.from_json(runs["config"].item())
    return runs


def main(argv=None) -> None:
    defaults = CartPoleConfig()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--episodes", type=int, default=defaults.n_episodes)
    parser.add_argument("--kinds", nargs="+", default=list(WEIGHT_KINDS), choices=WEIGHT_KINDS)
    parser.add_argument("--trainer", choices=["numpy", "torch"], default="numpy")
    parser.add_argument("--out", type=Path, default=Path("book/data/cartpole/weights.npz"))
    args = parser.parse_args(argv)
    if args.trainer == "torch":
        import torch

        torch.set_num_threads(1)
    base = CartPoleConfig(n_episodes=args.episodes, progress=True)
    runs = run_seeds(base, args.kinds, range(args.seeds), trainer=args.trainer)
    save_runs(args.out, runs)
    for kind, solved, sec in zip(args.kinds, runs["solved_at"], runs["seconds"], strict=True):
        print(f"{kind:16s} solved {np.sum(solved >= 0)}/{args.seeds}, {sec.sum():.0f} s")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
