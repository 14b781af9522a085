"""Tests for the group baselines of chapter 7: RLOO and GRPO, against brute-force oracles."""

import itertools

import numpy as np
import pytest

from course_lib.group_baselines import (
    expected_advantage,
    gradient_scale,
    grpo_advantages,
    leave_one_out_baseline,
    rloo_advantages,
)
from course_lib.returns import standardize

RNG = np.random.default_rng(0)
REW = RNG.normal(size=(7, 5))  # 7 prompts, 5 completions each
BINARY = (RNG.random((40, 6)) < 0.4).astype(float)


def test_leave_one_out_baseline_is_the_mean_of_the_other_rewards():
    for rew in (REW, BINARY):
        b = leave_one_out_baseline(rew)
        for i, l in itertools.product(range(rew.shape[0]), range(rew.shape[1])):
            others = [rew[i, m] for m in range(rew.shape[1]) if m != l]  # brute force
            assert np.isclose(b[i, l], sum(others) / len(others))


def test_rloo_is_k_over_k_minus_1_times_reward_minus_group_mean():
    for rew in (REW, BINARY):
        K = rew.shape[1]
        want = K / (K - 1) * (rew - rew.mean(axis=1, keepdims=True))
        np.testing.assert_allclose(rloo_advantages(rew), want, atol=1e-12)


def test_grpo_rows_have_mean_0_and_std_1_where_the_rewards_differ():
    for rew in (REW, BINARY):
        adv = grpo_advantages(rew, xi=0.0)
        spread = np.ptp(rew, axis=1) > 0
        assert spread.any() and (rew is REW or (~spread).any())  # both cases are exercised
        np.testing.assert_allclose(adv[spread].mean(axis=1), 0.0, atol=1e-12)
        np.testing.assert_allclose(adv[spread].std(axis=1), 1.0, atol=1e-12)
        np.testing.assert_array_equal(adv[~spread], 0.0)


def test_grpo_row_is_chapter_4s_standardize_of_that_row():
    for row in REW:
        np.testing.assert_allclose(grpo_advantages(row[None], xi=0.0)[0], standardize(row))


def test_grpo_xi_shrinks_towards_zero():
    rew = np.array([[1.0, 0.0]])  # std 0.5
    np.testing.assert_allclose(grpo_advantages(rew, xi=0.5), [[0.5, -0.5]])


@pytest.mark.parametrize("fn", [leave_one_out_baseline, rloo_advantages, grpo_advantages])
def test_bad_shapes_raise_and_name_the_argument(fn):
    with pytest.raises(ValueError, match="rew"):
        fn(np.zeros(4))  # 1-D
    with pytest.raises(ValueError, match="rew"):
        fn(np.zeros((3, 1)))  # K = 1: no "others"
    with pytest.raises(ValueError, match="rew"):
        fn(np.array([[0.0, np.nan]]))
    with pytest.raises(TypeError, match="rew"):
        fn("rewards")


def test_negative_xi_raises():
    with pytest.raises(ValueError, match="xi"):
        grpo_advantages(np.zeros((2, 3)), xi=-1.0)


def _brute_expected_advantage(advantages, v, K):
    """E[A^{i,1} | R^{i,1} = r] by listing all 2^(K-1) outcomes of the other completions."""
    out = np.zeros(2)
    for r in (0, 1):
        for others in itertools.product((0, 1), repeat=K - 1):
            prob = np.prod([v if o else 1 - v for o in others])
            out[r] += prob * advantages(np.array([[r, *others]], dtype=float))[0, 0]
    return out


@pytest.mark.parametrize("K", [2, 3, 5])
@pytest.mark.parametrize("v", [0.0, 0.13, 0.5, 0.92])
def test_expected_advantage_matches_listing_every_outcome(K, v):
    for fn in (rloo_advantages, grpo_advantages, lambda rew: rew):
        np.testing.assert_allclose(
            expected_advantage(fn, v, K), _brute_expected_advantage(fn, v, K), atol=1e-12
        )


def test_gradient_scale_is_one_for_rloo_and_no_baseline_and_not_for_grpo():
    v = np.linspace(0.01, 0.99, 11)
    np.testing.assert_allclose(gradient_scale(rloo_advantages, v, 8), 1.0, atol=1e-12)
    np.testing.assert_allclose(gradient_scale(lambda rew: rew, v, 8), 1.0, atol=1e-12)
    group_mean = gradient_scale(lambda rew: rew - rew.mean(axis=1, keepdims=True), v, 8)
    np.testing.assert_allclose(group_mean, 7 / 8, atol=1e-12)  # keeping itself: (K-1)/K
    grpo = gradient_scale(grpo_advantages, v, 8)
    assert np.all(grpo > 1.5) and grpo[0] > grpo[5] + 0.3  # larger, and most at the extremes
    np.testing.assert_allclose(grpo, grpo[::-1], rtol=1e-9)  # symmetric in v <-> 1 - v


def test_expected_advantage_rejects_bad_input():
    with pytest.raises(ValueError, match="K"):
        expected_advantage(rloo_advantages, 0.5, K=1)
    with pytest.raises(TypeError, match="K"):
        expected_advantage(rloo_advantages, 0.5, K=3.0)
    with pytest.raises(ValueError, match="v"):
        expected_advantage(rloo_advantages, 1.5, K=3)
    with pytest.raises(TypeError, match="advantages"):
        expected_advantage("rloo", 0.5, K=3)
