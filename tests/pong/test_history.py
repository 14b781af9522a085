"""GroupHistory hands back each game's episode exactly as the steps were recorded."""

import numpy as np
import pytest

from course_lib.pong.history import GroupHistory


def random_step(rng, m):
    """One step of m games: sparse triples sorted by game then pixel, actions, rewards."""
    x = np.zeros((m, 6400), dtype=np.int8)
    for i in range(m):
        k = rng.integers(0, 6)  # sometimes no pixel at all
        x[i, rng.choice(6400, k, replace=False)] = rng.choice([-1, 1], k)
    rows, pix = np.nonzero(x)
    return (
        x,
        (rows, pix, x[rows, pix].astype(np.float32)),
        rng.random(m) < 0.5,
        rng.integers(-1, 2, m).astype(np.float32),
    )


def test_episodes_match_the_recorded_steps_through_forgetting_and_growth():
    rng = np.random.default_rng(0)
    m = 3
    history = GroupHistory(m, capacity=4, triples_per_step=1)  # tiny: grows and compacts
    steps = []  # what we recorded, kept naively
    start = np.zeros(m, dtype=int)
    for t in range(400):
        x, triples, up, rew = random_step(rng, m)
        history.record(*triples, up, rew)
        steps.append((x, up, rew))
        for i in np.flatnonzero(rng.random(m) < 0.03):  # game i's episode ends here
            ep = history.episode(int(i), int(start[i]))
            mine = steps[start[i] : t + 1]
            X = np.stack([s[0][i] for s in mine])
            np.testing.assert_array_equal(ep["counts"], np.count_nonzero(X, axis=1))
            r, c = np.nonzero(X)
            np.testing.assert_array_equal(ep["pix"], c)
            np.testing.assert_array_equal(ep["val"], X[r, c])
            np.testing.assert_array_equal(ep["up"], [s[1][i] for s in mine])
            np.testing.assert_array_equal(ep["rew"], [s[2][i] for s in mine])
            assert ep["val"].dtype == np.float32 and ep["rew"].dtype == np.float64
            start[i] = t + 1
            history.forget_before(int(start.min()))
    assert history.base > 0  # old steps were dropped along the way


def test_an_episode_with_no_steps_is_empty():
    history = GroupHistory(2)
    ep = history.episode(1, 0)
    assert all(a.size == 0 for a in ep.values())


def test_bad_arguments_are_named():
    history = GroupHistory(2)
    with pytest.raises(ValueError, match="n_games"):
        GroupHistory(0)
    with pytest.raises(ValueError, match="i must"):
        history.episode(2, 0)
    with pytest.raises(ValueError, match="start must"):
        history.episode(0, 5)
