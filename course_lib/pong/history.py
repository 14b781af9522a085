"""The steps of a group of games played together, kept until each game's episode ends: a
device of the fast Pong trainer (chapter 5).

The trainer steps m games at once. At every step it records the group's sparse inputs (the
triples of `sparse.diff_triples`), its m actions and its m rewards: a handful of array writes,
whatever m. When game i's episode ends, `episode(i, start)` cuts that game's steps out with
vectorised indexing, with no Python loop over the episode's thousand or more steps.

Layout: row k of `up` and `rew` holds step `base + k`; the triples of that step are entries
`first[k]:first[k + 1]` of the flat arrays `game`, `pix` and `val`. Steps that no episode in
progress needs any more are dropped when the arrays fill up; the arrays double when they
are still more than half full after that.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import check_int


class GroupHistory:
    """Steps of `n_games` games, numbered from 0 (the first `record`).

    Example:
        >>> history = GroupHistory(2)
        >>> history.record([0, 1], [5, 7], [1, -1], up=[True, False], rew=[0, 0])  # step 0
        >>> history.record([1], [9], [1], up=[True, True], rew=[0, -1])            # step 1
        >>> ep = history.episode(1, start=0)                 # game 1 lost a point: its episode
        >>> ep["pix"].tolist(), ep["counts"].tolist(), ep["up"].tolist(), ep["rew"].tolist()
        ([7, 9], [1, 1], [0.0, 1.0], [0.0, -1.0])
    """

    def __init__(self, n_games: int, capacity: int = 1024, triples_per_step: int = 32):
        n_games = check_int("n_games", n_games, low=1, high=int(np.iinfo(np.int16).max))
        capacity = check_int("capacity", capacity, low=1)
        triples_per_step = check_int("triples_per_step", triples_per_step, low=1)
        self.n_games = n_games
        self.t = 0  # steps recorded
        self.base = 0  # the step held in row 0
        self.keep_from = 0  # steps before this one may be dropped
        self.up = np.zeros((capacity, n_games), dtype=bool)  # action UP taken
        self.rew = np.zeros((capacity, n_games), dtype=np.float32)
        self.first = np.zeros(capacity + 1, dtype=np.int64)
        n_triples = capacity * triples_per_step * n_games
        self.game = np.zeros(n_triples, dtype=np.int16)  # which game each triple belongs to
        self.pix = np.zeros(n_triples, dtype=np.int16)  # pixel index, < 6400
        self.val = np.zeros(n_triples, dtype=np.int8)  # +1 or -1

    def record(self, rows, pix, val, up, rew) -> None:
        """Keep one step of the group: its triples (rows = game), actions and rewards.

        The values are stored as int8: they must be +1 or -1, as for the difference of two
        binary frames (the trainer's inputs).

        Example:
            >>> history = GroupHistory(3)
            >>> history.record([2], [40], [1], up=[True, False, True], rew=[0, 0, 1])
            >>> history.t, history.up[0].tolist(), history.pix[:1].tolist()
            (1, [True, False, True], [40])
        """
        k = self.t - self.base
        n = len(rows)
        if k + 1 >= len(self.up) or self.first[k] + n > len(self.pix):
            self._make_room(n)
            k = self.t - self.base
        lo, hi = self.first[k], self.first[k] + n
        self.game[lo:hi] = rows
        self.pix[lo:hi] = pix
        self.val[lo:hi] = val
        self.first[k + 1] = hi
        self.up[k] = up
        self.rew[k] = rew
        self.t += 1

    def episode(self, i: int, start: int) -> dict:
        """Game i's steps from step `start` to the last one recorded, as one episode.

        Returns a dict of arrays: pix (int16) and val (float32, +-1) of the episode's triples
        in order, counts (T,) the triples of each step, up (T,) float32 1.0 where the action
        was UP, rew (T,) float64.

        Example:
            >>> history = GroupHistory(2)
            >>> for t in range(3):                       # game 0 sees pixel t light up
            ...     history.record([0], [t], [1], up=[t == 1, False], rew=[0, 0])
            >>> ep = history.episode(0, start=1)         # steps 1 and 2
            >>> ep["pix"].tolist(), ep["up"].tolist()
            ([1, 2], [1.0, 0.0])
        """
        i = check_int("i", i, low=0, high=self.n_games - 1)
        start = check_int("start", start, low=self.base, high=self.t)
        lo, hi = start - self.base, self.t - self.base
        f, e = self.first[lo], self.first[hi]
        mine = self.game[f:e] == i
        seen = np.zeros(e - f + 1, dtype=np.int64)  # seen[j]: game i's triples among the first j
        np.cumsum(mine, out=seen[1:])
        return {
            "pix": self.pix[f:e][mine],
            "val": self.val[f:e][mine].astype(np.float32),
            "counts": np.diff(seen[self.first[lo : hi + 1] - f]),
            "up": self.up[lo:hi, i].astype(np.float32),
            "rew": self.rew[lo:hi, i].astype(np.float64),
        }

    def forget_before(self, step: int) -> None:
        """No episode will need the steps before `step` again: they may be dropped.

        Example:
            >>> history = GroupHistory(1, capacity=2)
            >>> for t in range(20):
            ...     history.record([0], [t], [1], up=[False], rew=[0])
            ...     history.forget_before(t)             # only the step just taken is needed
            >>> history.episode(0, start=19)["pix"].tolist(), len(history.up)  # 32 rows if kept
            ([19], 4)
        """
        self.keep_from = max(self.keep_from, min(step, self.t))

    def _make_room(self, n_new: int) -> None:
        """Drop the forgotten steps; double the arrays if they stay more than half full."""
        drop, k = self.keep_from - self.base, self.t - self.base
        f0, fk = self.first[drop], self.first[k]
        for rows in (self.up, self.rew):
            rows[: k - drop] = rows[drop:k]
        for flat in (self.game, self.pix, self.val):
            flat[: fk - f0] = flat[f0:fk]
        self.first[: k - drop + 1] = self.first[drop : k + 1] - f0
        self.base = self.keep_from
        k, n = k - drop, fk - f0
        if 2 * (k + 1) > len(self.up):
            self.up, self.rew = (
                _grown(self.up, 2 * len(self.up)),
                _grown(self.rew, 2 * len(self.rew)),
            )
            self.first = _grown(self.first, len(self.up) + 1)
        if 2 * (n + n_new) > len(self.pix):
            size = 2 * max(len(self.pix), n + n_new)
            self.game, self.pix, self.val = (
                _grown(a, size) for a in (self.game, self.pix, self.val)
            )


def _grown(a: np.ndarray, length: int) -> np.ndarray:
    """A copy of `a` with `length` rows, the first len(a) of them a's."""
    out = np.zeros((length,) + a.shape[1:], dtype=a.dtype)
    out[: len(a)] = a
    return out
