"""Checkers for the exercises of chapter 5, Pong from pixels.

Each checker takes your answer (a function or an array) and returns a `Feedback`; none of
them raises, whatever it is given.
"""

from __future__ import annotations

import functools

import numpy as np

from course_lib.exercises import _Wrong, as_array, call_learner, checker, close, right
from course_lib.pong.prepro import N_PIXELS, prepro
from course_lib.returns import discounted_returns


def _fmt(x) -> str:
    return np.array2string(np.asarray(x, dtype=float), separator=", ", threshold=8, precision=4)


def _need_function(fn, name: str) -> None:
    if fn is None or fn is Ellipsis:
        raise _Wrong(f"replace the ... with your function {name}, then run the cell again.")
    if not callable(fn):
        raise _Wrong(f"pass the function itself, not its result (got {type(fn).__name__}).")


# --- Exercise: a preprocessing that only reads the frame -----------------------------------------


def prepro_2016(I):
    """The preprocessing as written in 2016 (Python 3 syntax): right output, but it writes into
    the frame it is given (harmless in the 2016 loop, which never reads a frame twice)."""
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


@checker
def check_prepro(my_prepro):
    """`my_prepro(frame)`: the same 6,400 zeros and ones as `prepro`, and `frame` unchanged."""
    _need_function(my_prepro, "my_prepro")
    frames = _test_frames()
    for i, frame in enumerate(frames):
        given = frame.copy()
        out = call_learner(my_prepro, given, what="my_prepro")
        if out is None:
            raise _Wrong(
                "my_prepro returned None: write its body in place of the ... and end it "
                "with `return` and the (6400,) array."
            )
        got = as_array(out, f"my_prepro(frame {i})", shape=(N_PIXELS,))
        if not np.array_equal(given, frame):
            changed = int(np.sum(np.any(given != frame, axis=-1)))
            raise _Wrong(
                f"my_prepro changed the frame it was given ({changed} pixels differ afterwards). "
                "A slice like frame[35:195] is a view: writing into it writes into the caller's "
                "frame. Copy before you write, or build new arrays with comparisons."
            )
        want = prepro(frame)
        if not np.array_equal(got, want):
            wrong_px = int(np.sum(got != want))
            raise _Wrong(
                f"on frame {i}, {wrong_px} of the 6,400 pixels differ from prepro's: crop rows "
                "35:195, keep every 2nd row and column of the red channel, 0 for the "
                "background values 144 and 109, 1 for everything else."
            )
    return right(
        f"same output as prepro on {len(frames)} real frames, and the frames are untouched."
    )


# --- Exercise: returns with a reset at every point --------------------------------------------

POINT_REW = np.array([0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0])  # a lost point, then a won one
POINT_GAMMA = 0.5


@checker
def check_point_returns(answer):
    """`answer`: G_t for POINT_REW with POINT_GAMMA, the sum restarting at every point."""
    got = as_array(answer, "the seven returns G_0 ... G_6", shape=POINT_REW.shape)
    want = discounted_returns(POINT_REW, POINT_GAMMA, reset_at_nonzero=True)
    if close(got, want):
        return right(
            f"G = {_fmt(want)}: the steps before the lost point are blamed for it only, the "
            "steps after it get credit for the won point only."
        )
    if close(got, discounted_returns(POINT_REW, POINT_GAMMA)):
        raise _Wrong(
            "that is the return without a reset: the won point at the end leaks into the "
            "steps before the lost point. Restart the sum at every non-zero reward."
        )
    if close(got, np.cumsum(POINT_REW)) or close(
        got, discounted_returns(POINT_REW[::-1], POINT_GAMMA, reset_at_nonzero=True)[::-1]
    ):
        raise _Wrong(
            "G_t looks forward: it sums the rewards from step t onwards, so walk backwards "
            "from the end, G_t = r_t + gamma * G_(t+1)."
        )
    if close(np.abs(got), np.abs(want)):
        raise _Wrong("the sizes are right but some signs are not: a lost point is -1.")
    raise _Wrong(
        f"walk backwards from the last step with G_t = r_t + {POINT_GAMMA} * G_(t+1), and start "
        "again from G = r_t at every step where r_t is not 0."
    )


# --- Exercise: permuting the pixels ------------------------------------------------------------


@checker
def check_permute_W1(permute_W1):
    """`permute_W1(W1, perm)` -> W1p with W1p @ x[perm] == W1 @ x for every input x."""
    _need_function(permute_W1, "permute_W1")
    rng = np.random.default_rng(55)
    for H, D in [(3, 5), (20, N_PIXELS)]:
        W1 = rng.normal(size=(H, D))
        perm = rng.permutation(D)
        out = call_learner(permute_W1, W1.copy(), perm.copy(), what="permute_W1")
        if out is None:
            raise _Wrong(
                "permute_W1 returned None: write its body in place of the ... and end it "
                "with `return` and the (H, D) array of weights."
            )
        W1p = as_array(out, f"permute_W1 for W1 of shape {(H, D)}", shape=(H, D))
        xs = rng.normal(size=(8, D))  # (8, D) made-up inputs
        want, got = xs @ W1.T, xs[:, perm] @ W1p.T  # (8, H) both
        if close(got, want):
            continue
        if close(W1p, W1):
            raise _Wrong(
                "W1 unchanged reads the shuffled pixels with the weights of the original "
                "ones: pixel j of the shuffled frame is pixel perm[j] of the original, so "
                "column j needs the weights of column perm[j]."
            )
        if close(W1p, W1[:, np.argsort(perm)]):
            raise _Wrong(
                "that is the inverse permutation: the shuffled frame's pixel j is the "
                "original pixel perm[j], so take W1[:, perm], not W1[:, argsort(perm)]."
            )
        raise _Wrong(
            f"with H = {H}, D = {D} the hidden pre-activations differ (largest gap "
            f"{np.abs(got - want).max():.3g}): shuffle the columns of W1 the way the pixels "
            "were shuffled."
        )
    return right(
        "W1[:, perm] on shuffled pixels computes exactly what W1 computes on the originals."
    )
