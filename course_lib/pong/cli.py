"""`python -m course_lib.pong train | evaluate | record`: the command line of chapter 5."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import time

from course_lib.pong.config import TrainConfig


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _config_flags(parser: argparse.ArgumentParser):
    """One flag per TrainConfig field (--n-envs, --lr, ...), default None = keep the config's."""
    group = parser.add_argument_group("training settings (see course_lib/pong/config.py)")
    for field in dataclasses.fields(TrainConfig):
        kind = int if field.type in ("int", int) else float
        group.add_argument(
            "--" + field.name.replace("_", "-"),
            type=kind,
            default=None,
            metavar=kind.__name__.upper(),
            help=f"default {field.default}",
        )


def build_parser() -> argparse.ArgumentParser:
    """The parser of `python -m course_lib.pong`: one sub-command each for train, evaluate
    and record, and one flag per `TrainConfig` field for train.

    Example:
        >>> args = build_parser().parse_args(["evaluate", "--weights", "w.npz", "--greedy"])
        >>> args.command, args.games, args.greedy
        ('evaluate', 20, True)
        >>> build_parser().parse_args(["train", "--run-dir", "r", "--lr", "3e-4"]).lr
        0.0003
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.pong",
        description="Policy gradients on Atari Pong from pixels (Karpathy 2016), in NumPy.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train (or --resume) a policy; Ctrl-C saves and exits")
    train.add_argument("--run-dir", required=True, help="folder for checkpoint.npz and log.csv")
    train.add_argument("--resume", action="store_true", help="continue the run in --run-dir")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument(
        "--max-steps", type=_positive_int, help="stop after this many agent steps in all"
    )
    budget.add_argument("--max-seconds", type=_positive_float, help="stop after this many seconds")
    budget.add_argument(
        "--max-updates", type=_positive_int, help="stop after this many updates in all"
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    _config_flags(train)

    ev = sub.add_parser("evaluate", help="play full games against the built-in AI")
    ev.add_argument("--weights", required=True, help="checkpoint.npz (or any .npz with W1, W2)")
    ev.add_argument("--games", type=_positive_int, default=20)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--out", help="also write one CSV row per game to this file")
    ev.add_argument(
        "--greedy",
        action="store_true",
        help="play UP when P(UP) > 0.5 (default: sample the action, as in training)",
    )

    rec = sub.add_parser("record", help="write a .gif of one point or one game")
    rec.add_argument("--weights", required=True)
    rec.add_argument("--out", required=True, help="FILE.gif")
    rec.add_argument("--seed", type=int, default=0)
    rec.add_argument("--greedy", action="store_true")
    rec.add_argument("--game", action="store_true", help="a whole game (default: one point)")
    rec.add_argument("--every", type=_positive_int, default=2, help="keep every k-th frame")
    rec.add_argument("--max-frames", type=_positive_int, default=1500)
    return parser


def _train(args, parser) -> int:
    from tqdm import tqdm

    from course_lib.pong.trainer import Trainer

    given = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(TrainConfig)
        if getattr(args, f.name) is not None
    }
    try:
        if args.resume:
            from course_lib.pong.checkpoint import load_checkpoint

            saved = TrainConfig.from_json(load_checkpoint(args.run_dir)[0]["config"])
            config = saved.replace(**given)
            trainer = Trainer(config, args.run_dir, resume=True)
        else:
            trainer = Trainer(TrainConfig(**given), args.run_dir)
    except (ValueError, TypeError, FileExistsError, FileNotFoundError) as err:
        parser.error(str(err))

    bar = tqdm(
        desc="episodes",
        unit="ep",
        initial=trainer.episodes,
        disable=args.no_progress,
        mininterval=1.0 if sys.stderr.isatty() else 30.0,
        dynamic_ncols=True,
    )
    t0, steps0 = time.perf_counter(), trainer.steps

    def on_episode(tr, row):
        bar.update(1)
        sps = (tr.steps - steps0) / max(time.perf_counter() - t0, 1e-9)
        bar.set_postfix(
            running=f"{tr.running_reward:.2f}", steps=tr.steps, sps=f"{sps:.0f}", refresh=False
        )

    trainer.on_episode = on_episode

    def on_signal(signum, frame):
        # First Ctrl-C (or SIGTERM): finish cleanly with a checkpoint. A second one: quit now.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        bar.write(f"signal {signum}: saving a checkpoint, then exiting (Ctrl-C again to abort)")
        trainer.request_stop()

    # Restored at the end, so that a caller (a notebook's kernel) keeps its own Ctrl-C.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    cfg = trainer.config
    bar.write(
        f"pid {os.getpid()}  run dir {args.run_dir}  {'resumed at' if args.resume else 'new run,'} "
        f"episode {trainer.episodes}, step {trainer.steps}, update {trainer.updates}"
    )
    bar.write(f"config {cfg.to_json()}")
    try:
        summary = trainer.train(
            max_steps=args.max_steps, max_seconds=args.max_seconds, max_updates=args.max_updates
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        bar.close()
        trainer.close()
    rr = summary["running_reward"]
    print(
        f"saved {args.run_dir}/checkpoint.npz: episodes={summary['episodes']} "
        f"steps={summary['steps']} "
        f"updates={summary['updates']} running_reward={'n/a' if rr is None else f'{rr:.3f}'} "
        f"steps_per_s={summary['steps_per_s']:.0f}",
        flush=True,
    )
    return 0


def _evaluate(args, parser) -> int:
    from course_lib.pong.checkpoint import load_weights
    from course_lib.pong.play import evaluate_games, summarize, write_evaluation

    try:
        W1, W2 = load_weights(args.weights)
    except (FileNotFoundError, ValueError) as err:
        parser.error(str(err))
    mode = "greedy (UP when P(UP) > 0.5)" if args.greedy else "sampled from P(UP), as in training"
    print(
        f"{args.games} games against the built-in AI, ALE/Pong-v5, actions {mode}, seed {args.seed}"
    )

    def progress(g, ours, theirs):
        print(f"  game {g + 1}: {ours}-{theirs} ({ours - theirs:+d})", flush=True)

    results = evaluate_games(
        W1, W2, games=args.games, seed=args.seed, sample=not args.greedy, progress=progress
    )
    print(summarize([ours - theirs for _, ours, theirs in results]))
    if args.out:
        write_evaluation(args.out, results, sample=not args.greedy)
        print(f"per-game results written to {args.out}")
    return 0


def _record(args, parser) -> int:
    from course_lib.pong.checkpoint import load_weights
    from course_lib.pong.play import record

    try:
        W1, W2 = load_weights(args.weights)
        info = record(
            W1,
            W2,
            args.out,
            seed=args.seed,
            sample=not args.greedy,
            whole_game=args.game,
            every=args.every,
            max_frames=args.max_frames,
        )
    except (FileNotFoundError, ValueError) as err:
        parser.error(str(err))
    ours, theirs = info["score"]
    print(f"wrote {info['path']}: {info['frames']} frames, score {ours}-{theirs}")
    return 0


def main(argv=None) -> int:
    """Run one sub-command (argv: the words after `python -m course_lib.pong`); returns 0.

    Example:
        >>> import tempfile
        >>> import numpy as np
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     np.savez(f"{folder}/w.npz", W1=np.zeros((2, 6400)), W2=np.zeros(2))
        ...     main(["record", "--weights", f"{folder}/w.npz", "--out", f"{folder}/point.gif",
        ...           "--max-frames", "5"])  # doctest: +ELLIPSIS
        wrote .../point.gif: 5 frames, score 0-1
        0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command = {"train": _train, "evaluate": _evaluate, "record": _record}[args.command]
    return command(args, parser)
