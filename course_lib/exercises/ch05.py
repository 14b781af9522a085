"""Checkers for the exercises of chapter 5, Pong from pixels.

Each checker takes your answer (a function or an array) and returns a `Feedback`; none of
them raises, whatever it is given.
"""

from __future__ import annotations

import functools

import numpy as np

from course_lib import exercises as ex
from course_lib._validate import as_finite_array
from course_lib.pong.prepro import N_PIXELS, prepro
from course_lib.returns import discounted_returns

# --- Exercise: a preprocessing that only reads the frame -----------------------------------------


def prepro_2016(I):
    """The preprocessing as written in 2016 (Python 3 syntax): right output, but it writes into
    the frame it is given (harmless in the 2016 loop, which never reads a frame twice).

    Example:
        >>> frame = np.full((210, 160, 3), 144, dtype=np.uint8)  # background only
        >>> frame[101, 80] = 236  # one pixel of the ball, on a kept row and column
        >>> x = prepro_2016(frame)
        >>> x.shape, float(x.sum())
        ((6400,), 1.0)
        >>> int(frame[35, 0, 0]), int(frame[36, 0, 0])  # the frame was written into
        (0, 144)
    """
    I = I[35:195]  # crop
    I = I[::2, ::2, 0]  # downsample by factor of 2
    I[I == 144] = 0  # erase background (background type 1)
    I[I == 109] = 0  # erase background (background type 2)
    I[I != 0] = 1  # everything else (paddles, ball) just set to 1
    return I.astype(float).ravel()


@functools.lru_cache(maxsize=1)
def _test_frames() -> tuple[np.ndarray, ...]:
    """A few real Pong frames: the start of a game and some steps into it (ball in play)."""
    from course_lib.pong.envs import DOWN, UP, make_env

    env = make_env()
    try:
        obs, _ = env.reset(seed=5)
        frames = [obs]
        for t in range(60):
            obs, *_ = env.step(UP if t % 7 < 4 else DOWN)
            if t in (20, 40, 59):
                frames.append(obs)
    finally:
        env.close()
    for f in frames:
        f.flags.writeable = False  # the cache is shared: nobody may change these
    return tuple(frames)


@ex.checker
def check_prepro(my_prepro):
    """`my_prepro(frame)`: the same 6,400 zeros and ones as `prepro`, and `frame` unchanged.

    It runs your function on real Pong frames; these examples show only the quick answers.

    Example:
        >>> check_prepro(...)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: replace the ... (or None) with your function my_prepro, then run the cell
        again.
        >>> check_prepro(np.zeros(N_PIXELS))
        ✘ Not yet: pass the function itself, not its result (got ndarray).
    """
    ex.need_function(my_prepro, "your function my_prepro")
    frames = _test_frames()
    for i, frame in enumerate(frames):
        out, changes = ex.call_on_copies(
            my_prepro,
            frame,
            what="my_prepro",
            none="my_prepro returned None: write its body in place of the ... and end it "
            "with `return` and the (6400,) array.",
        )
        got = ex.as_array(out, f"my_prepro(frame {i})", shape=(N_PIXELS,))
        if changes:
            changed = int(np.sum(np.any(changes[0] != frame, axis=-1)))
            raise ex.Wrong(
                f"my_prepro changed the frame it was given ({changed} pixels differ afterwards). "
                "A slice like frame[35:195] is a view: writing into it writes into the caller's "
                "frame. Copy before you write, or build new arrays with comparisons."
            )
        want = prepro(frame)
        if not np.array_equal(got, want):
            wrong_px = int(np.sum(got != want))
            raise ex.Wrong(
                f"on frame {i}, {wrong_px} of the 6,400 pixels differ from prepro's: crop rows "
                "35:195, keep every 2nd row and column of the red channel, 0 for the "
                "background values 144 and 109, 1 for everything else."
            )
    return ex.right(
        f"same output as prepro on {len(frames)} real frames, and the frames are untouched."
    )


# --- Exercise: returns with a reset at every point --------------------------------------------

POINT_REW = np.array([0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0])  # a lost point, then a won one
POINT_GAMMA = 0.5


@ex.checker
def check_point_returns(answer):
    """`answer`: the restarted returns G~_t for POINT_REW with POINT_GAMMA.

    Example:
        >>> check_point_returns([-0.25, -0.5, -1.0, 0.125, 0.25, 0.5, 1.0])
        ... # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: G~ = [-0.25 , -0.5  , -1.   ,  0.125,  0.25 ,  0.5  ,  1.   ]: the steps
        before the lost point are blamed for it only, the steps after it get credit for the
        won point only.
        >>> check_point_returns([0.25, 0.5, 1.0, 0.125, 0.25, 0.5, 1.0])
        ✘ Not yet: the sizes are right but some signs are not: a lost point is -1.
    """
    got = ex.as_array(answer, "the seven restarted returns G~_0 ... G~_6", shape=POINT_REW.shape)
    want = discounted_returns(POINT_REW, POINT_GAMMA, reset_at_nonzero=True)
    backwards = discounted_returns(POINT_REW[::-1], POINT_GAMMA, reset_at_nonzero=True)[::-1]
    return ex.judge(
        got,
        want,
        correct=f"G~ = {ex.fmt(want, threshold=8)}: the steps before the lost point are blamed for "
        "it only, the steps after it get credit for the won point only.",
        mistakes=[
            (
                discounted_returns(POINT_REW, POINT_GAMMA),
                "that is the return without a reset: the won point at the end leaks into the "
                "steps before the lost point. Restart the sum at every non-zero reward.",
            ),
            (
                ex.close(got, np.cumsum(POINT_REW)) or ex.close(got, backwards),
                "G~_t looks forward: it sums the rewards from step t onwards, so walk backwards "
                "from the end, G~_t = r_t + gamma * G~_(t+1).",
            ),
            (
                ex.close(np.abs(got), np.abs(want)),
                "the sizes are right but some signs are not: a lost point is -1.",
            ),
        ],
        otherwise=f"walk backwards from the last step with G~_t = r_t + {POINT_GAMMA} * "
        "G~_(t+1), and start again from G~_t = r_t at every step where r_t is not 0.",
    )


# --- Exercise: permuting the pixels ------------------------------------------------------------


@ex.checker
def check_permute_W1(permute_W1):
    """`permute_W1(W1, perm)` -> W1p with W1p @ x[perm] == W1 @ x for every input x.

    Example:
        >>> check_permute_W1(lambda W1, perm: W1[:, perm])  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: W1[:, perm] on shuffled pixels computes exactly what W1 computes on the
        originals.
        >>> check_permute_W1(lambda W1, perm: W1[:, np.argsort(perm)])
        ... # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: that is the inverse permutation: the shuffled frame's pixel j is the original
        pixel perm[j], so take W1[:, perm], not W1[:, argsort(perm)].
    """
    ex.need_function(permute_W1, "your function permute_W1")
    rng = np.random.default_rng(55)
    for H, D in [(3, 5), (20, N_PIXELS)]:
        W1 = rng.normal(size=(H, D))
        perm = rng.permutation(D)
        out = ex.call_learner(
            permute_W1,
            W1.copy(),
            perm.copy(),
            what="permute_W1",
            none="permute_W1 returned None: write its body in place of the ... and end it "
            "with `return` and the (H, D) array of weights.",
        )
        W1p = ex.as_array(out, f"permute_W1 for W1 of shape {(H, D)}", shape=(H, D))
        xs = rng.normal(size=(8, D))  # (8, D) made-up inputs
        want, got = xs @ W1.T, xs[:, perm] @ W1p.T  # (8, H) both
        if ex.close(got, want):
            continue
        mistakes = [
            (
                W1,
                "W1 unchanged reads the shuffled pixels with the weights of the original "
                "ones: pixel j of the shuffled frame is pixel perm[j] of the original, so "
                "column j needs the weights of column perm[j].",
            ),
            (
                W1[:, np.argsort(perm)],
                "that is the inverse permutation: the shuffled frame's pixel j is the "
                "original pixel perm[j], so take W1[:, perm], not W1[:, argsort(perm)].",
            ),
        ]
        otherwise = (
            f"with H = {H}, D = {D} the hidden pre-activations differ (largest gap "
            f"{np.abs(got - want).max():.3g}): shuffle the columns of W1 the way the pixels "
            "were shuffled."
        )
        raise ex.Wrong(ex.diagnose(W1p, mistakes, otherwise))
    return ex.right(
        "W1[:, perm] on shuffled pixels computes exactly what W1 computes on the originals."
    )


# --- Experiment: what gamma, the reset and the standardisation do to the weights w_j ------------


def _batch_offsets(games, w) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The games as float arrays, w as a float array, and where each game starts in w."""
    games = [as_finite_array("each game", r) for r in games]
    w = as_finite_array("w", w)
    if any(r.ndim != 1 or r.size == 0 or r[-1] == 0 for r in games):
        raise ValueError("every game must be a non-empty 1-D array of rewards ending with a point")
    starts = np.cumsum([0] + [r.size for r in games])
    if w.shape != (starts[-1],):
        raise ValueError(f"w must have shape ({starts[-1]},), one weight per step, got {w.shape}")
    return games, w, starts


def rally_table(games, w) -> list[dict]:
    """One row per rally of a batch of games: where it lies and which weights its steps got.

    `games` are reward arrays r (T_i,), each ending with a point (a non-zero reward); `w`
    (sum of T_i,) holds the weights w_j of all their steps, stacked game after game, as in
    `reference.policy_gradient`. A row has the game (from 1), the rally's first and last step
    within its game, its point (+1 or -1), its number of steps, w at its first and last step,
    and `against`: how many of its steps have a weight of the opposite sign to its point.

    Example:
        >>> rows = rally_table([np.array([0.0, 1.0, 0.0, -1.0])], [0.5, 2.0, 0.1, -1.0])
        >>> [(r["first"], r["last"], r["point"], r["against"]) for r in rows]
        [(0, 1, 1, 0), (2, 3, -1, 1)]
    """
    games, w, starts = _batch_offsets(games, w)
    rows = []
    for g, r in enumerate(games):
        w_game = w[starts[g] : starts[g + 1]]  # (T_g,)
        first = 0
        for last in np.flatnonzero(r):
            seg, point = w_game[first : last + 1], int(np.sign(r[last]))
            rows.append(
                {
                    "game": g + 1,
                    "first": first,
                    "last": int(last),
                    "point": point,
                    "steps": seg.size,
                    "w_first": float(seg[0]),
                    "w_last": float(seg[-1]),
                    "against": int((np.sign(seg) == -point).sum()),
                }
            )
            first = int(last) + 1
    return rows


def format_rally_table(rows) -> str:
    """`rally_table`'s rows as a text table, one line per rally.

    Example:
        >>> rows = rally_table([np.array([0.0, 1.0, 0.0, -1.0])], [0.5, 2.0, 0.1, -1.0])
        >>> print(format_rally_table(rows))
        game     steps  point  w, first step  w, last step  steps against the point
           1       0-1    won          +0.50         +2.00                   0 of 2
           1       2-3   lost          +0.10         -1.00                   1 of 2
    """
    head = ("game", "steps", "point", "w, first step", "w, last step", "steps against the point")
    widths = (4, 9, 6, 14, 13, 24)
    lines = [" ".join(f"{h:>{n}}" for h, n in zip(head, widths, strict=True))]
    for row in rows:
        cells = (
            row["game"],
            f"{row['first']}-{row['last']}",
            "won" if row["point"] > 0 else "lost",
            f"{row['w_first']:+.2f}",
            f"{row['w_last']:+.2f}",
            f"{row['against']} of {row['steps']}",
        )
        lines.append(" ".join(f"{c:>{n}}" for c, n in zip(cells, widths, strict=True)))
    return "\n".join(lines)


def plot_batch_weights(games, w, w_ref=None, ax=None, *, label="your settings"):
    """The weights w_j of a batch, step by step, game after game, each point marked.

    `w_ref`, if given, is drawn in grey behind `w` (the training run's settings, say).
    Returns the Axes.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> ax = plot_batch_weights([np.array([0.0, 1.0, 0.0, -1.0])], [0.5, 2.0, 0.1, -1.0])
        >>> ax.get_ylabel(), len(ax.get_lines()) >= 1
        ('$w_j$', True)
        >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    from course_lib.pong.plots import plot_points

    games, w, starts = _batch_offsets(games, w)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 2.8), layout="constrained")
    j = np.arange(w.size)
    if w_ref is not None:
        ax.plot(j, np.asarray(w_ref, dtype=float), color="0.65", lw=1.0, label="training settings")
    ax.plot(j, w, color="tab:blue", lw=1.0, label=label)
    rew = np.concatenate(games)
    points = np.flatnonzero(rew)
    plot_points(ax, points, w[points], won=rew[points] > 0)
    for start in starts[1:-1]:
        ax.axvline(start - 0.5, color="k", lw=0.8, ls=":")  # where the next game's steps begin
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set(xlabel="step j of the batch (the games one after the other)", ylabel="$w_j$")
    ax.legend(fontsize=8, ncols=4, loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False)
    return ax
