"""Tests for course_lib.gae_exact: exact GAE bias and variance on the 64-trajectory MDP."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.gae_exact import (
    VALUE_KINDS,
    gae_bias_variance,
    gae_terms,
    time_blind_values,
    value_table,
)
from course_lib.toy_mdp import (
    enumerate_trajectories,
    exact_estimator_variance,
    exact_gradient,
    make_toy_mdp,
    rewards,
    sample_trajectories,
    trajectory_probs,
)
from course_lib.variance import estimator_terms

MDP = make_toy_mdp()
THETA = np.array([[0.3, -0.2], [0.1, 0.4]])  # chapter 6's policy
LAMS = np.linspace(0.0, 1.0, 11)


def test_exact_values_are_unbiased_at_every_lambda():
    table = gae_bias_variance(MDP, THETA, value_table(MDP, THETA, "exact"), LAMS)
    assert np.all(table["bias_norm"] < 1e-12)


def test_time_blind_values_are_unbiased_only_at_lambda_one():
    table = gae_bias_variance(MDP, THETA, value_table(MDP, THETA, "time-blind"), LAMS)
    assert table["bias_norm"][-1] < 1e-12
    g_norm = np.linalg.norm(exact_gradient(MDP, THETA))
    assert np.all(table["bias_norm"][:-1] > 1e-3 * g_norm)


def test_lambda_one_with_exact_values_is_chapter_6s_g_minus_v():
    obs, act = enumerate_trajectories(MDP)
    rew = rewards(MDP, obs, act)
    ours = gae_terms(MDP, THETA, value_table(MDP, THETA, "exact"), 1.0, obs, act)
    ch06 = estimator_terms(MDP, THETA, obs, act, rew, "G - V")
    np.testing.assert_allclose(ours, ch06, atol=1e-12)
    # and lambda = 1 with V = 0 is chapter 2's reward-to-go estimator, variance and all
    table = gae_bias_variance(MDP, THETA, np.zeros((3, 2)), [1.0])
    assert table["variance"][0] == pytest.approx(
        exact_estimator_variance(MDP, THETA, reward_to_go=True), rel=1e-12
    )


def _softmax_score(theta, s, a):
    """grad_theta log pi(a | s) of a tabular softmax, written out: row s gets onehot(a) - pi."""
    pi = np.exp(theta[s]) / np.exp(theta[s]).sum()
    score = np.zeros_like(theta)
    score[s] = np.eye(theta.shape[1])[a] - pi
    return score


def test_terms_against_a_direct_double_sum():
    obs, act = enumerate_trajectories(MDP)
    values = np.random.default_rng(0).normal(size=(3, 2))  # any table will do here
    gamma, lam, T = MDP.gamma, 0.7, MDP.horizon
    terms = gae_terms(MDP, THETA, values, lam, obs, act)
    for k in (0, 17, 42, 63):
        r = MDP.reward_table[obs[k], act[k]]
        v = [values[t, obs[k, t]] for t in range(T)] + [0.0]  # V_T = 0
        delta = [r[t] + gamma * v[t + 1] - v[t] for t in range(T)]
        g = np.zeros_like(THETA)
        for t in range(T):
            a_t = sum((gamma * lam) ** l * delta[t + l] for l in range(T - t))  # noqa: E741
            g += gamma**t * a_t * _softmax_score(THETA, obs[k, t], act[k, t])
        np.testing.assert_allclose(terms[k], g, atol=1e-12)


@pytest.mark.parametrize("kind", VALUE_KINDS)
def test_table_agrees_with_monte_carlo(kind):
    values = value_table(MDP, THETA, kind)
    lams = [0.0, 0.5, 1.0]
    table = gae_bias_variance(MDP, THETA, values, lams)
    g_true = exact_gradient(MDP, THETA)
    n = 40_000
    obs, act, _ = sample_trajectories(MDP, THETA, n, np.random.default_rng(123))
    for j, lam in enumerate(lams):
        terms = gae_terms(MDP, THETA, values, lam, obs, act)
        mean = terms.mean(axis=0)
        se = terms.std(axis=0, ddof=1) / np.sqrt(n)
        z = (mean - (g_true + table["bias"][j])) / se
        assert np.abs(z).max() < 4, (kind, lam)  # the exact mean, within 4 standard errors
        var = terms.var(axis=0, ddof=1).sum()
        assert var == pytest.approx(table["variance"][j], rel=0.05)


def test_mse_is_bias_squared_plus_variance():
    values = value_table(MDP, THETA, "time-blind")
    table = gae_bias_variance(MDP, THETA, values, [0.3])
    obs, act = enumerate_trajectories(MDP)
    prob = trajectory_probs(MDP, THETA, obs, act)
    terms = gae_terms(MDP, THETA, values, 0.3, obs, act)
    mse = prob @ ((terms - exact_gradient(MDP, THETA)) ** 2).sum(axis=(1, 2))
    assert table["mse"][0] == pytest.approx(mse, rel=1e-12)


def test_time_blind_values_are_the_least_squares_fit():
    obs, act = enumerate_trajectories(MDP)
    prob = trajectory_probs(MDP, THETA, obs, act)
    rew = rewards(MDP, obs, act)
    ret = np.zeros_like(rew)
    for t in range(MDP.horizon - 1, -1, -1):  # G_t, by its own recursion
        ret[:, t] = rew[:, t] + (MDP.gamma * ret[:, t + 1] if t + 1 < MDP.horizon else 0.0)
    # Weighted least squares: one row per (trajectory, step), a one-hot of the state.
    X = np.eye(2)[obs].reshape(-1, 2)
    w = np.sqrt(np.repeat(prob, MDP.horizon))
    v, *_ = np.linalg.lstsq(X * w[:, None], ret.reshape(-1) * w, rcond=None)
    np.testing.assert_allclose(time_blind_values(MDP, THETA)[0], v, atol=1e-10)


def test_bad_input_names_the_argument():
    obs, act = enumerate_trajectories(MDP)
    with pytest.raises(ValueError, match="values"):
        gae_terms(MDP, THETA, np.zeros(2), 0.5, obs, act)
    with pytest.raises(ValueError, match="lam"):
        gae_terms(MDP, THETA, np.zeros((3, 2)), 2.0, obs, act)
    with pytest.raises(ValueError, match="kind"):
        value_table(MDP, THETA, "fitted")
    with pytest.raises(ValueError, match="lams"):
        gae_bias_variance(MDP, THETA, np.zeros((3, 2)), [])
