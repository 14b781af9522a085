"""Tests for course_lib.pg_weights, against chapter 1's one-episode `discounted_returns`."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.pg_weights import WEIGHT_KINDS, pg_weights, returns_to_go
from course_lib.returns import discounted_returns, standardize


def padded(episodes):
    T = max(len(e) for e in episodes)
    rew = np.zeros((T, len(episodes)))
    mask = np.zeros((T, len(episodes)), dtype=bool)
    for i, e in enumerate(episodes):
        rew[: len(e), i], mask[: len(e), i] = e, True
    return rew, mask


episodes_st = st.lists(
    st.lists(st.floats(-5, 5).map(lambda x: round(x, 2)), min_size=1, max_size=12),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(episodes_st, st.sampled_from([0.0, 0.5, 0.99, 1.0]))
def test_every_kind_against_one_episode_at_a_time(episodes, gamma):
    rew, mask = padded(episodes)
    rets = [discounted_returns(e, gamma) for e in episodes]
    flat = np.concatenate(rets)
    want = {
        "total": [np.full(len(r), r[0]) for r in rets],
        "rtg": rets,
        "rtg_std_episode": [standardize(r) for r in rets],
    }
    for kind in WEIGHT_KINDS:
        got = pg_weights(rew, mask, gamma, kind)
        assert np.all(got[~mask] == 0)
        for i, r in enumerate(rets):
            column = got[: len(r), i]
            if kind == "rtg_std":
                spread = flat.std() > 1e-9 * (1 + abs(flat.mean()))
                expect = (r - flat.mean()) / flat.std() if spread else np.zeros_like(r)
            else:
                expect = want[kind][i]
            np.testing.assert_allclose(column, expect, atol=1e-6)
    for i, r in enumerate(rets):
        np.testing.assert_allclose(returns_to_go(rew, mask, gamma)[: len(r), i], r, atol=1e-9)


def test_standardised_weights_are_centred_and_scaled():
    rew, mask = padded([np.ones(n) for n in (5, 17, 40, 3)])
    w = pg_weights(rew, mask, 0.99, "rtg_std")
    assert np.isclose(w[mask].mean(), 0) and np.isclose(w[mask].std(), 1)
    w_ep = pg_weights(rew, mask, 0.99, "rtg_std_episode")
    np.testing.assert_allclose(w_ep.sum(axis=0), 0, atol=1e-12)


def test_one_step_episode_gets_weight_zero_not_nan():
    rew, mask = padded([[1.0], [1.0, 1.0]])
    w = pg_weights(rew, mask, 0.9, "rtg_std_episode")
    assert np.all(np.isfinite(w)) and w[0, 0] == 0


def test_bad_input():
    rew, mask = padded([[1.0, 1.0]])
    with pytest.raises(ValueError, match="kind"):
        pg_weights(rew, mask, 0.9, "advantage")
    with pytest.raises(TypeError, match="mask"):
        pg_weights(rew, mask.astype(int), 0.9)
    with pytest.raises(ValueError, match="mask"):
        pg_weights(rew, mask[:1], 0.9)
    with pytest.raises(ValueError, match="gamma"):
        returns_to_go(rew, mask, 1.5)
    with pytest.raises(ValueError, match="rew"):
        returns_to_go(np.ones(3), np.ones(3, dtype=bool), 0.9)
    with pytest.raises(ValueError, match="t = 0"):
        pg_weights(rew, np.array([[False], [True]]), 0.9)
