"""Playing trained weights against Pong's built-in AI: evaluation games and animations.

Both use `gym.make("ALE/Pong-v5")` (sticky actions included), one game at a time, and the
same input as training: x_t = prepro(frame_t) - prepro(frame_{t-1}), zero at the start.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np

from course_lib.pong import sparse
from course_lib.pong.envs import DOWN, UP, make_env
from course_lib.pong.prepro import prepro


class Player:
    """Picks UP or DOWN from raw frames with weights W1 (H, 6400), W2 (H,).

    sample=True draws the action from p = P(UP), as during training; sample=False plays the
    greedy action (UP when p > 0.5).
    """

    def __init__(self, W1, W2, *, sample: bool = True, rng=None):
        self.W1 = np.asfortranarray(W1, dtype=np.float32)  # W1.T contiguous: fast column gather
        self.W2 = np.asarray(W2, dtype=np.float32)
        self.sample = sample
        self.rng = rng if rng is not None else np.random.default_rng()
        self.prev = None

    def reset(self):
        self.prev = None

    def act(self, frame) -> int:
        cur = prepro(frame)[None]  # (1, 6400)
        prev = cur if self.prev is None else self.prev
        self.prev = cur
        rows, pix, val = sparse.diff_triples(cur, prev)
        p, _ = sparse.forward(self.W1, self.W2, rows, pix, val, 1)
        go_up = self.rng.random() < p[0] if self.sample else p[0] > 0.5
        return UP if go_up else DOWN


def play_game(player: Player, env, seed: int, *, frames: list | None = None, until_point=False):
    """Play one game (or, with until_point, up to the first point); return (ours, theirs)."""
    obs, _ = env.reset(seed=seed)
    player.reset()
    ours = theirs = 0
    while True:
        if frames is not None:
            frames.append(obs)
        obs, rew, term, trunc, _ = env.step(player.act(obs))
        ours += rew > 0
        theirs += rew < 0
        if term or trunc or (until_point and rew != 0):
            if frames is not None:
                frames.append(obs)
            return int(ours), int(theirs)


def evaluate_games(W1, W2, *, games: int = 20, seed: int = 0, sample: bool = True, progress=None):
    """Play `games` full games against the built-in AI; one (seed, ours, theirs) per game.

    Game g starts from environment seed `seed + g` and the policy's actions are drawn from
    `np.random.default_rng(seed)`, so the same weights and seed replay the same games.
    """
    env = make_env()
    player = Player(W1, W2, sample=sample, rng=np.random.default_rng(seed))
    results = []
    try:
        for g in range(games):
            ours, theirs = play_game(player, env, seed + g)
            results.append((seed + g, ours, theirs))
            if progress is not None:
                progress(g, ours, theirs)
    finally:
        env.close()
    return results


def evaluate(W1, W2, *, games: int = 20, seed: int = 0, sample: bool = True, progress=None):
    """Play `games` full games; return the final score differences (ours - theirs), (games,)."""
    results = evaluate_games(W1, W2, games=games, seed=seed, sample=sample, progress=progress)
    return np.array([ours - theirs for _, ours, theirs in results])


def write_evaluation(path, results, *, sample: bool) -> None:
    """Save `evaluate_games` results as CSV: game, env_seed, ours, theirs, difference, policy."""
    policy = "sampled" if sample else "greedy"
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["game", "env_seed", "ours", "theirs", "difference", "policy"])
        for g, (env_seed, ours, theirs) in enumerate(results, start=1):
            out.writerow([g, env_seed, ours, theirs, ours - theirs, policy])


def summarize(diffs) -> str:
    """Mean, spread and distribution of final score differences, as lines of text."""
    d = np.asarray(diffs)
    sem = d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else float("nan")
    lines = [
        f"games: {d.size}   mean score difference: {d.mean():+.2f} (std {d.std():.2f}, "
        f"standard error {sem:.2f})   min {d.min():+d}   median {np.median(d):+.1f}   "
        f"max {d.max():+d}",
        f"won {int((d > 0).sum())} of {d.size} games",
        "distribution (score difference: games):",
    ]
    for score, count in sorted(Counter(d.tolist()).items()):
        lines.append(f"  {score:+3d}: {'#' * count} {count}")
    return "\n".join(lines)


def record(W1, W2, out, *, seed=0, sample=True, whole_game=False, every=2, max_frames=1500, fps=30):
    """Write an animation (.gif with Pillow, .mp4 with ffmpeg) of one point or one game."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import animation

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"out must end in .gif or .mp4, got {out.name!r}")
    if suffix == ".mp4" and not animation.writers.is_available("ffmpeg"):
        raise RuntimeError("writing .mp4 needs ffmpeg, which is not installed: write a .gif")
    env = make_env()
    frames: list = []
    player = Player(W1, W2, sample=sample, rng=np.random.default_rng(seed))
    try:
        score = play_game(player, env, seed, frames=frames, until_point=not whole_game)
    finally:
        env.close()
    shown = frames[::every][:max_frames]
    fig = plt.figure(figsize=(1.6, 2.1), dpi=100)  # one figure pixel per Atari pixel
    ax = fig.add_axes([0, 0, 1, 1])
    ax.axis("off")
    image = ax.imshow(shown[0])
    anim = animation.FuncAnimation(
        fig, lambda i: [image.set_data(shown[i])], frames=len(shown), blit=False
    )
    writer = (
        animation.PillowWriter(fps=fps) if suffix == ".gif" else animation.FFMpegWriter(fps=fps)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    anim.save(out, writer=writer)
    plt.close(fig)
    return {"frames": len(shown), "score": score, "path": out}
