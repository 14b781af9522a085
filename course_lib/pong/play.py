"""Playing trained weights against Pong's built-in AI (chapter 5): the game loop, evaluation
games and animations.

`play_steps` is the library's one loop that plays a game: `gym.make("ALE/Pong-v5")` (sticky
actions included) from a seeded reset, one game at a time, with the same input as training,
x_t = prepro(frame_t) - prepro(frame_{t-1}), zero at the start. Everything that plays a game
with trained weights goes through it: `play_game` (stop at a point or at the end, keep the
frames), `evaluate_games`, `play_clip`, `record` and `widgets.record_rally`. (The lesson's
`reference.play_episode` keeps its own, dense loop: the chapter prints it.) Animations are
encoded by one GIF writer, `plots.gif_bytes`.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from course_lib._validate import check_int
from course_lib.pong import sparse
from course_lib.pong.envs import DOWN, PONG_V5, UP, make_env
from course_lib.pong.prepro import prepro

UNTIL = ("point", "our_point", "game")  # where `play_game` may stop


class Player:
    """Picks UP or DOWN from raw frames with weights W1 (H, 6400), W2 (H,).

    sample=True draws the action from p = P(UP), as during training; sample=False plays the
    greedy action (UP when p > 0.5). After `act`, the player keeps what it computed for that
    frame: `pix` and `val` (x_t's non-zero pixels and their values, +1 or -1), `h` (the hidden
    units, (H,)) and `p` (P(UP), a float).

    Example:
        >>> W1, W2 = np.zeros((2, 6400)), np.zeros(2)           # P(UP) = 1/2 everywhere
        >>> player = Player(W1, W2, sample=False)
        >>> frame = np.full((210, 160, 3), 144, dtype=np.uint8)
        >>> player.act(frame) == DOWN, player.p                # greedy: UP only when p > 0.5
        (True, 0.5)
    """

    def __init__(self, W1, W2, *, sample: bool = True, rng=None):
        self.W1 = np.asfortranarray(W1, dtype=np.float32)  # W1.T contiguous: fast column gather
        self.W2 = np.asarray(W2, dtype=np.float32)
        self.sample = sample
        self.rng = rng if rng is not None else np.random.default_rng()
        self.prev = None

    def reset(self):
        """Forget the previous frame: the next `act` sees x = 0, as at the start of a game.

        Example:
            >>> player = Player(np.zeros((2, 6400)), np.zeros(2))
            >>> _ = player.act(np.full((210, 160, 3), 144, dtype=np.uint8))
            >>> player.reset(); player.prev is None
            True
        """
        self.prev = None

    def act(self, frame) -> int:
        """The action (UP or DOWN) for this frame, from x_t = prepro(frame) - prepro(previous).

        Example:
            >>> W1 = np.zeros((1, 6400)); W1[0, 33 * 80 + 20] = 100.0  # one unit, one pixel
            >>> player = Player(W1, np.array([1.0]), sample=False)
            >>> frame = np.full((210, 160, 3), 144, dtype=np.uint8)
            >>> player.act(frame) == DOWN                            # x_0 = 0: p = 1/2
            True
            >>> frame[101, 40] = 236                                 # the ball appears there
            >>> player.act(frame) == UP, player.pix.tolist(), round(player.p, 3)
            (True, [2660], 1.0)
        """
        cur = prepro(frame)[None]  # (1, 6400)
        prev = cur if self.prev is None else self.prev
        self.prev = cur
        rows, self.pix, self.val = sparse.diff_triples(cur, prev)
        p, h = sparse.forward(self.W1, self.W2, rows, self.pix, self.val, 1)
        self.p, self.h = float(p[0]), h[0]
        go_up = self.rng.random() < p[0] if self.sample else p[0] > 0.5
        return UP if go_up else DOWN


class Step(NamedTuple):
    """One agent step of a game: the screen the action was chosen from, the action, the reward
    that came back, the next screen, and whether the game is over (terminated or truncated).

    Example:
        >>> step = Step(frame=None, action=UP, rew=1.0, next_frame=None, over=False)
        >>> step.rew > 0                                         # a point won
        True
    """

    frame: np.ndarray
    action: int
    rew: float
    next_frame: np.ndarray
    over: bool


def play_steps(player: Player, env, seed: int) -> Iterator[Step]:
    """The game loop: reset `env` with `seed`, then yield one `Step` per action of `player`
    until the game is over. Stop iterating to stop early.

    Example:
        >>> env = make_env()
        >>> player = Player(np.zeros((2, 6400)), np.zeros(2), rng=np.random.default_rng(0))
        >>> steps = [step for step, _ in zip(play_steps(player, env, seed=0), range(3))]
        >>> env.close()
        >>> len(steps), steps[0].frame.shape, steps[1].frame is steps[0].next_frame
        (3, (210, 160, 3), True)
    """
    obs, _ = env.reset(seed=seed)
    player.reset()
    over = False
    while not over:
        action = player.act(obs)
        next_obs, rew, terminated, truncated, _ = env.step(action)
        over = bool(terminated or truncated)
        yield Step(obs, action, float(rew), next_obs, over)
        obs = next_obs


def play_game(
    player: Player,
    env,
    seed: int,
    *,
    until: str = "game",
    max_steps: int | None = None,
    frames: list | None = None,
) -> np.ndarray:
    """Play from a seeded reset until the game ends (until="game"), the first point
    (until="point") or the first point *we* win (until="our_point"), or after `max_steps`
    steps, whichever comes first. Returns the rewards of the n steps taken, shape (n,); a
    list `frames` gets the n + 1 screens seen.

    Example:
        >>> env = make_env()
        >>> player = Player(np.zeros((2, 6400)), np.zeros(2), rng=np.random.default_rng(0))
        >>> frames = []
        >>> rew = play_game(player, env, 0, until="point", max_steps=5, frames=frames)
        >>> env.close()
        >>> rew.shape, len(frames)                               # no point yet in 5 steps
        ((5,), 6)
    """
    if until not in UNTIL:
        raise ValueError(f'until must be "point", "our_point" or "game", got {until!r}')
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, low=1)
    rewards = []
    for step in play_steps(player, env, seed):
        if frames is not None:
            frames.append(step.frame)
        rewards.append(step.rew)
        point = step.rew > 0 if until == "our_point" else step.rew != 0
        if (until != "game" and point) or len(rewards) == max_steps:
            break
    if frames is not None:
        frames.append(step.next_frame)
    return np.array(rewards, dtype=float)


def play_clip(
    W1, W2, *, seed: int = 0, sample: bool = True, max_steps: int | None = 600, until="point"
):
    """Play ALE/Pong-v5 with weights W1, W2 from a reset seeded with `seed`, actions drawn
    from `np.random.default_rng(seed)` (or greedy, sample=False), and keep the frames.

    Stops as `play_game` does (until="point", "our_point" or "game"; max_steps=None: no limit).
    Returns (frames, rewards): the n + 1 RGB frames seen, shape (n + 1, 210, 160, 3), and the
    rewards of the n steps taken, shape (n,).

    Example:
        >>> frames, rew = play_clip(np.zeros((2, 6400)), np.zeros(2), seed=1, max_steps=4)
        >>> frames.shape, rew.shape
        ((5, 210, 160, 3), (4,))
    """
    env = make_env()
    player = Player(W1, W2, sample=sample, rng=np.random.default_rng(seed))
    frames: list = []
    try:
        rewards = play_game(player, env, seed, until=until, max_steps=max_steps, frames=frames)
    finally:
        env.close()
    return np.array(frames), rewards


def evaluate_games(
    W1,
    W2,
    *,
    games: int = 20,
    seed: int = 0,
    sample: bool = True,
    progress=None,
    max_frames: int = PONG_V5["max_num_frames_per_episode"],
):
    """Play `games` full games against the built-in AI; one (seed, ours, theirs) per game.

    Game g starts from environment seed `seed + g` and the policy's actions are drawn from
    `np.random.default_rng(seed)`, so the same weights and seed replay the same games.
    `progress(g, ours, theirs)`, if given, is called after each game. `max_frames` cuts each
    game after that many emulator frames (4 per agent step; by default ALE/Pong-v5's).

    Example:
        >>> W1, W2 = np.zeros((2, 6400)), np.zeros(2)
        >>> evaluate_games(W1, W2, games=2, seed=5, max_frames=40)  # 10 steps: no point yet
        [(5, 0, 0), (6, 0, 0)]
    """
    games = check_int("games", games, low=1)
    seed = check_int("seed", seed, low=0)
    env = make_env(max_num_frames_per_episode=check_int("max_frames", max_frames, low=1))
    player = Player(W1, W2, sample=sample, rng=np.random.default_rng(seed))
    results = []
    try:
        for g in range(games):
            rew = play_game(player, env, seed + g)
            ours, theirs = int((rew > 0).sum()), int((rew < 0).sum())
            results.append((seed + g, ours, theirs))
            if progress is not None:
                progress(g, ours, theirs)
    finally:
        env.close()
    return results


def evaluate(W1, W2, *, games: int = 20, seed: int = 0, sample: bool = True, **kwargs):
    """Play `games` full games; return the final score differences (ours - theirs), (games,).

    Keyword arguments as for `evaluate_games`.

    Example:
        >>> evaluate(np.zeros((2, 6400)), np.zeros(2), games=3, max_frames=40)
        array([0, 0, 0])
    """
    results = evaluate_games(W1, W2, games=games, seed=seed, sample=sample, **kwargs)
    return np.array([ours - theirs for _, ours, theirs in results])


def write_evaluation(path, results, *, sample: bool) -> None:
    """Save `evaluate_games` results as CSV: game, env_seed, ours, theirs, difference, policy.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "evaluation.csv"
        ...     write_evaluation(path, [(0, 21, 16), (1, 19, 21)], sample=True)
        ...     print(path.read_text().replace("\\r", ""), end="")
        game,env_seed,ours,theirs,difference,policy
        1,0,21,16,5,sampled
        2,1,19,21,-2,sampled
    """
    policy = "sampled" if sample else "greedy"
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["game", "env_seed", "ours", "theirs", "difference", "policy"])
        for g, (env_seed, ours, theirs) in enumerate(results, start=1):
            out.writerow([g, env_seed, ours, theirs, ours - theirs, policy])


def summarize(diffs) -> str:
    """Mean, spread and distribution of final score differences, as lines of text.

    Example:
        >>> print(summarize([5, -2, 5]))
        games: 3   mean score difference: +2.67 (std 3.30, standard error 2.33)   min -2   median +5.0   max +5
        won 2 of 3 games
        distribution (score difference: games):
           -2: # 1
           +5: ## 2
    """  # noqa: E501
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
    """Write a looping GIF of one point (or, with whole_game, one game) played by W1, W2.

    Every `every`-th frame is kept, at most `max_frames` of them, each shown for 1/fps s
    (`play_clip` plays, `plots.gif_bytes` encodes). Returns {"frames", "score", "path"}.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     info = record(np.zeros((2, 6400)), np.zeros(2), Path(folder) / "a.gif",
        ...                   max_frames=3)
        ...     info["frames"], info["path"].read_bytes()[:6]
        (3, b'GIF89a')
    """
    from course_lib.pong.plots import gif_bytes

    out = Path(out)
    if out.suffix.lower() != ".gif":
        raise ValueError(f"out must end in .gif, got {out.name!r}")
    every = check_int("every", every, low=1)
    max_frames = check_int("max_frames", max_frames, low=1)
    until = "game" if whole_game else "point"
    frames, rew = play_clip(W1, W2, seed=seed, sample=sample, max_steps=None, until=until)
    kept = frames[: every * max_frames]  # [::every] of these: at most max_frames
    data = gif_bytes(kept, every=every, fps=fps * every)  # each GIF frame shown 1/fps s
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    score = int((rew > 0).sum()), int((rew < 0).sum())
    return {"frames": len(kept[::every]), "score": score, "path": out}
