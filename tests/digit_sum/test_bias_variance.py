"""Tests for the bias/variance table: every estimator on the same batches, against exact values."""

import numpy as np
import pytest

from course_lib.digit_sum.bias_variance import across_direction, estimator_samples, estimator_table
from course_lib.digit_sum.estimators import KINDS
from course_lib.digit_sum.exact import exact_gradient, expected_estimate
from course_lib.group_baselines import grpo_advantages, rloo_advantages
from tests.digit_sum.conftest import random_policy


def test_table_on_the_same_batches_unbiased_rows_and_grpos_exact_expectation():
    policy = random_policy(4, hidden=3)
    K = 4
    est = estimator_samples(policy, 6, K, 1500, np.random.default_rng(1), n_burn=20)
    g = exact_gradient(policy)
    expected = {
        "reinforce": g,
        "value": g,
        "rloo": expected_estimate(policy, rloo_advantages, K),
        "grpo": expected_estimate(policy, grpo_advantages, K),
    }
    table = estimator_table(est, g, expected)
    assert set(table) == set(KINDS)
    for kind in ("reinforce", "value", "rloo"):
        assert abs(table[kind]["z_along"]) < 4.5 and abs(table[kind]["z_across"]) < 4.5, kind
    assert table["grpo"]["z_expected"] < 4.5  # the sampled mean agrees with the exact one
    assert table["grpo"]["z_along"] > 10  # and it is not grad J
    # the same batches: on a batch whose rewards are all 0, every kind's estimate is 0
    zero = np.all(est["reinforce"] == 0, axis=1)
    assert zero.any() and all(np.all(est[k][zero] == 0) for k in KINDS if k != "value")


def test_across_direction_is_a_unit_vector_orthogonal_to_the_gradient():
    rng = np.random.default_rng(0)
    g, v = rng.normal(size=5), rng.normal(size=5)
    w = across_direction(g, v)
    assert np.isclose(w @ g, 0.0) and np.isclose(w @ w, 1.0) and w @ v > 0
    assert across_direction(g, 3.0 * g) is None


def test_bad_input():
    with pytest.raises(ValueError, match="exact_grad"):
        estimator_table({"a": np.ones((3, 2))}, np.zeros(2))
    with pytest.raises(ValueError, match="samples"):
        estimator_table({"a": np.ones((3, 2))}, np.ones(3))
    with pytest.raises(ValueError, match="across"):
        estimator_table({"a": np.ones((3, 2))}, np.ones(2), across=np.ones(2))
    policy, rng = random_policy(), np.random.default_rng(0)
    with pytest.raises(TypeError, match="N"):
        estimator_samples(policy, 2.0, 3, 5, rng)
    with pytest.raises(ValueError, match="K"):
        estimator_samples(policy, 2, 1, 5, rng)
    with pytest.raises(ValueError, match="n_burn"):
        estimator_samples(policy, 2, 3, 5, rng, n_burn=-1)
    with pytest.raises(TypeError, match="policy"):
        estimator_samples("policy", 2, 3, 5, rng)
