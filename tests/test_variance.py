"""Tests for chapter 6's estimator comparison: unbiasedness, the lemma, exact values."""

import numpy as np
import pytest

from course_lib.score_function import score_function_terms
from course_lib.toy_mdp import (
    enumerate_trajectories,
    exact_gradient,
    make_toy_mdp,
    rewards,
    sample_trajectories,
    trajectory_probs,
)
from course_lib.variance import (
    ESTIMATORS,
    baseline_term_expectation,
    estimator_table,
    estimator_terms,
    estimator_weights,
    per_step_expectations,
    time_values,
)

MDP = make_toy_mdp()
THETA = np.array([[0.3, -0.2], [0.1, 0.4]])


def test_time_values_match_the_enumerated_conditional_mean():
    obs, act = enumerate_trajectories(MDP)
    prob = trajectory_probs(MDP, THETA, obs, act)
    rew = rewards(MDP, obs, act)
    v = time_values(MDP, THETA)
    disc = MDP.gamma ** np.arange(MDP.horizon)
    for t in range(MDP.horizon):
        G_t = (rew[:, t:] * disc[: MDP.horizon - t]).sum(axis=1)
        for s in range(MDP.n_states):
            sel = obs[:, t] == s
            assert np.isclose(v[t, s], (prob[sel] * G_t[sel]).sum() / prob[sel].sum())


def test_G_weights_reproduce_chapter_2s_reward_to_go_terms():
    obs, act, rew = sample_trajectories(MDP, THETA, 50, np.random.default_rng(0))
    np.testing.assert_allclose(
        estimator_terms(MDP, THETA, obs, act, rew, "G"),
        score_function_terms(THETA, obs, act, rew, MDP.gamma, reward_to_go=True),
    )
    np.testing.assert_allclose(
        estimator_terms(MDP, THETA, obs, act, rew, "R"),
        score_function_terms(THETA, obs, act, rew, MDP.gamma),
    )


def test_value_baseline_is_exactly_unbiased():
    obs, act = enumerate_trajectories(MDP)
    prob = trajectory_probs(MDP, THETA, obs, act)
    rew = rewards(MDP, obs, act)
    terms = estimator_terms(MDP, THETA, obs, act, rew, "G - V")
    np.testing.assert_allclose(
        np.tensordot(prob, terms, axes=1), exact_gradient(MDP, THETA), atol=1e-12
    )


def test_lemma_state_baseline_zero_action_baseline_not():
    rng = np.random.default_rng(3)
    for _ in range(5):
        b = rng.normal(size=(3, 2))
        np.testing.assert_allclose(baseline_term_expectation(MDP, THETA, b), 0.0, atol=1e-14)
    assert np.abs(baseline_term_expectation(MDP, THETA, rng.normal(size=(3, 2, 2)))).max() > 1e-3


@pytest.mark.slow
def test_table_unbiased_within_standard_errors_and_variance_falls():
    obs, act, rew = sample_trajectories(MDP, THETA, 20_000, np.random.default_rng(11))
    table = estimator_table(MDP, THETA, obs, act, rew, exact_gradient(MDP, THETA))
    for kind in ("R", "G", "G - mean", "G - V"):
        assert np.abs(table[kind]["z"]).max() < 4.5
    v = [table[k]["total_var"] for k in ("R", "G", "G - mean", "G - V")]
    assert v[0] > v[1] > v[2] > v[3]
    assert np.abs(table["G std"]["z"]).max() > 5


def test_weights_reject_bad_input():
    obs, act, rew = sample_trajectories(MDP, THETA, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="kind"):
        estimator_weights(MDP, THETA, obs, act, rew, "G - Q")
    with pytest.raises(ValueError, match="rew"):
        estimator_weights(MDP, THETA, obs, act, rew[:, :2], "G")
    with pytest.raises(ValueError, match="baseline"):
        baseline_term_expectation(MDP, THETA, np.zeros(3))
    assert set(ESTIMATORS) == {"R", "G", "G - mean", "G - V", "G std"}


def test_g0_and_gt_differ_by_gamma_t_per_step():
    import dataclasses

    e_g0, e_gt = per_step_expectations(MDP, THETA)
    disc = MDP.gamma ** np.arange(MDP.horizon)[:, None, None]
    np.testing.assert_allclose(e_g0, disc * e_gt, rtol=0, atol=1e-14)
    np.testing.assert_allclose(e_g0.sum(axis=0), exact_gradient(MDP, THETA), rtol=0, atol=1e-14)
    assert np.abs(e_gt.sum(axis=0) - exact_gradient(MDP, THETA)).max() > 0.01
    undiscounted = dataclasses.replace(MDP, gamma=1.0)
    e_r, e_g = per_step_expectations(undiscounted, THETA)
    np.testing.assert_allclose(e_r, e_g, rtol=0, atol=1e-14)
    # the oracle: the same sums written out, trajectory by trajectory
    obs, act = enumerate_trajectories(MDP)
    prob = trajectory_probs(MDP, THETA, obs, act)
    rew = rewards(MDP, obs, act)
    terms = score_function_terms(THETA, obs, act, rew, MDP.gamma, reward_to_go=False)
    np.testing.assert_allclose(e_g0.sum(axis=0), np.tensordot(prob, terms, axes=1), atol=1e-14)
