"""The steps of a group of games played together, kept until each game's episode ends.

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


class GroupHistory:
    """Steps of `n_games` games, numbered from 0 (the first `record`)."""

    def __init__(self, n_games: int, capacity: int = 1024, triples_per_step: int = 32):
        if n_games < 1 or n_games > np.iinfo(np.int16).max:
            raise ValueError(f"n_games must lie in [1, 32767], got {n_games}")
        if capacity < 1 or triples_per_step < 1:
            raise ValueError(
                f"capacity and triples_per_step must be >= 1, got {capacity}, {triples_per_step}"
            )
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
        """
        if not 0 <= i < self.n_games:
            raise ValueError(f"i must lie in [0, {self.n_games}), got {i}")
        if not self.base <= start <= self.t:
            raise ValueError(f"start must lie in [{self.base}, {self.t}], got {start}")
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
        """No episode will need the steps before `step` again."""
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
