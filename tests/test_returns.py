"""Tests for course_lib.returns: oracles are the direct double sum and its properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.returns import discounted_returns, standardize

rewards_1d = arrays(
    np.float64,
    st.integers(0, 60),
    elements=st.floats(-100, 100, allow_nan=False, allow_infinity=False),
)
gammas = st.floats(0.0, 1.0)


def direct_sum(rew, gamma):
    """G_t = sum_k gamma^(k-t) r_k, written as the definition: O(T^2), no recursion."""
    T = len(rew)
    return np.array([sum(gamma ** (k - t) * rew[k] for k in range(t, T)) for t in range(T)])


def test_docstring_example():
    np.testing.assert_allclose(discounted_returns([1.0, 1.0, 1.0], 0.5), [1.75, 1.5, 1.0])


@given(rewards_1d, gammas)
def test_matches_the_definition(rew, gamma):
    np.testing.assert_allclose(discounted_returns(rew, gamma), direct_sum(rew, gamma), atol=1e-7)


@given(rewards_1d, gammas)
def test_satisfies_the_recursion(rew, gamma):
    ret = discounted_returns(rew, gamma)
    assert ret.dtype == np.float64 and ret.shape == rew.shape
    if rew.size:
        assert ret[-1] == rew[-1]  # G_{T-1} = r_{T-1}: nothing follows the last step
        np.testing.assert_allclose(ret[:-1], rew[:-1] + gamma * ret[1:], atol=1e-9)


@given(rewards_1d)
def test_gamma_one_is_a_reversed_cumulative_sum(rew):
    np.testing.assert_allclose(discounted_returns(rew, 1.0), np.cumsum(rew[::-1])[::-1], atol=1e-8)


@given(rewards_1d)
def test_gamma_zero_is_the_rewards_themselves(rew):
    np.testing.assert_array_equal(discounted_returns(rew, 0.0), rew)


def test_accepts_lists_and_integer_arrays():
    np.testing.assert_allclose(discounted_returns(np.array([1, 2, 3]), 1.0), [6.0, 5.0, 3.0])


@given(
    st.lists(st.sampled_from([-1.0, 0.0, 0.0, 0.0, 1.0]), min_size=0, max_size=60),
    gammas,
)
def test_reset_at_nonzero_treats_each_point_as_its_own_episode(rew, gamma):
    """Pong: the returns of each rally (up to and including its point) are computed alone."""
    rew = np.array(rew)
    got = discounted_returns(rew, gamma, reset_at_nonzero=True)
    start = 0
    ends = list(np.flatnonzero(rew != 0)) + [rew.size - 1]
    for end in ends:
        if end < start:
            continue
        segment = rew[start : end + 1]
        np.testing.assert_allclose(got[start : end + 1], direct_sum(segment, gamma), atol=1e-12)
        start = end + 1


def test_reset_example_from_the_docstring():
    got = discounted_returns([0.0, 0.0, -1.0, 0.0, 1.0], 0.5, reset_at_nonzero=True)
    np.testing.assert_allclose(got, [-0.25, -0.5, -1.0, 0.5, 1.0])


@pytest.mark.parametrize(
    ("rewards", "gamma", "error", "match"),
    [
        ([1.0], 1.5, ValueError, "gamma"),
        ([1.0], -0.1, ValueError, "gamma"),
        ([1.0], float("nan"), ValueError, "gamma"),
        ([1.0], "0.9", TypeError, "gamma"),
        ([1.0], True, TypeError, "gamma"),
        ([[1.0, 2.0]], 0.9, ValueError, "rewards must be 1-D"),
        (3.0, 0.9, ValueError, "rewards must be 1-D"),
        ([1.0, float("nan")], 0.9, ValueError, "rewards must be finite"),
        ([1.0, float("inf")], 0.9, ValueError, "rewards must be finite"),
        ("abc", 0.9, TypeError, "rewards"),
        (None, 0.9, TypeError, "rewards"),
        (["a", "b"], 0.9, TypeError, "rewards"),
    ],
)
def test_bad_input_names_the_argument(rewards, gamma, error, match):
    with pytest.raises(error, match=match):
        discounted_returns(rewards, gamma)


@given(arrays(np.float64, st.integers(2, 50), elements=st.floats(-1e6, 1e6)))
def test_standardize_gives_zero_mean_unit_std(x):
    z = standardize(x)
    assert z.shape == x.shape and z.dtype == np.float64
    if np.ptp(x) > 1e-6 * max(1.0, np.abs(x).max()):
        assert abs(z.mean()) < 1e-9
        assert abs(z.std() - 1.0) < 1e-9


@given(st.floats(-1e9, 1e9), st.integers(1, 20))
def test_standardize_constant_gives_zeros(c, n):
    z = standardize(np.full(n, c))
    np.testing.assert_array_equal(z, np.zeros(n))


def test_standardize_keeps_order_and_shape():
    x = np.array([[3.0, 1.0], [2.0, 5.0]])
    z = standardize(x)
    assert z.shape == (2, 2)
    np.testing.assert_array_equal(np.argsort(z, axis=None), np.argsort(x, axis=None))


def test_standardize_empty_and_bad_input():
    assert standardize([]).size == 0
    with pytest.raises(ValueError, match="x must be finite"):
        standardize([1.0, np.nan])
    with pytest.raises(TypeError, match="x must be an array"):
        standardize("1, 2")
