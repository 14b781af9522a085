"""Tests for course_lib.toy_mdp: exact sums against finite differences, autograd and sampling."""

import doctest

import numpy as np
import pytest
import torch

import course_lib.toy_mdp as toy_mdp
from course_lib.finite_diff import numerical_gradient
from course_lib.score_function import score_function_terms
from course_lib.softmax_policy import grad_log_prob
from course_lib.toy_mdp import (
    ToyMDP,
    enumerate_trajectories,
    exact_estimator_variance,
    exact_gradient,
    expected_return,
    make_toy_mdp,
    rewards,
    sample_trajectories,
    trajectory_log_prob,
    trajectory_probs,
)

THETAS = [
    np.zeros((2, 2)),
    np.array([[0.2, -0.4], [0.1, 0.3]]),
    np.array([[3.0, -2.0], [-1.0, 2.5]]),
]
OTHER_P = [[[0.5, 0.5], [0.1, 0.9]], [[0.95, 0.05], [0.7, 0.3]]]


def torch_expected_return(mdp, theta):
    """J(theta) by enumeration, written in torch from the definitions, and its autograd gradient."""
    t = torch.tensor(theta, requires_grad=True)
    pi = torch.softmax(t, dim=1)
    total = torch.zeros((), dtype=torch.float64)
    for obs, act in zip(*enumerate_trajectories(mdp), strict=True):
        prob = torch.tensor(mdp.rho0[obs[0]])
        ep_ret = 0.0
        for k in range(mdp.horizon):
            prob = prob * pi[obs[k], act[k]]
            if k + 1 < mdp.horizon:
                prob = prob * mdp.P[obs[k], act[k], obs[k + 1]]
            ep_ret += mdp.gamma**k * mdp.reward_table[obs[k], act[k]]
        total = total + prob * ep_ret
    total.backward()
    return total.item(), t.grad.numpy()


def test_docstring_examples_run():
    assert doctest.testmod(toy_mdp).failed == 0


@pytest.mark.parametrize("theta", THETAS)
def test_trajectory_probabilities_sum_to_one(theta):
    mdp = make_toy_mdp()
    obs, act = enumerate_trajectories(mdp)
    assert len({(tuple(o), tuple(a)) for o, a in zip(obs, act, strict=True)}) == 64
    prob = trajectory_probs(mdp, theta, obs, act)
    assert np.isclose(prob.sum(), 1.0)
    np.testing.assert_allclose(np.exp(trajectory_log_prob(mdp, theta, obs, act)), prob, rtol=1e-12)


@pytest.mark.parametrize("theta", THETAS)
def test_exact_gradient_matches_autograd_and_finite_differences(theta):
    mdp = make_toy_mdp()
    j_torch, g_torch = torch_expected_return(mdp, theta)
    assert np.isclose(expected_return(mdp, theta), j_torch, rtol=1e-12)
    np.testing.assert_allclose(exact_gradient(mdp, theta), g_torch, atol=1e-12)
    g_fd = numerical_gradient(lambda th: expected_return(mdp, th), theta)
    np.testing.assert_allclose(exact_gradient(mdp, theta), g_fd, atol=1e-8)


@pytest.mark.parametrize("theta", THETAS)
def test_reward_to_go_has_the_same_mean_and_less_variance(theta):
    mdp = make_toy_mdp()
    np.testing.assert_allclose(
        exact_gradient(mdp, theta, reward_to_go=True), exact_gradient(mdp, theta), atol=1e-12
    )
    assert exact_estimator_variance(mdp, theta, reward_to_go=True) < exact_estimator_variance(
        mdp, theta
    )


def test_grad_log_prob_of_a_trajectory_does_not_depend_on_the_dynamics():
    theta = THETAS[1]
    obs, act = enumerate_trajectories(make_toy_mdp())
    for k in (0, 17, 63):
        o, a = obs[k : k + 1], act[k : k + 1]
        policy_only = grad_log_prob(theta, o[0], a[0]).sum(axis=0)
        for P in (None, OTHER_P):
            mdp = make_toy_mdp(P)

            def log_p(th, m=mdp, o=o, a=a):
                return trajectory_log_prob(m, th, o, a)[0]

            g = numerical_gradient(log_p, theta)
            np.testing.assert_allclose(g, policy_only, atol=1e-8)


def test_sampled_trajectories_follow_their_probabilities():
    mdp, theta, n = make_toy_mdp(OTHER_P), THETAS[1], 200_000
    obs, act, rew = sample_trajectories(mdp, theta, n, np.random.default_rng(0))
    np.testing.assert_array_equal(rew, rewards(mdp, obs, act))
    all_obs, all_act = enumerate_trajectories(mdp)
    # Index every trajectory by its digits (s_0, a_0, s_1, ...) in base 2.
    digits = np.stack([obs, act], axis=2).reshape(n, -1)
    all_digits = np.stack([all_obs, all_act], axis=2).reshape(64, -1)
    base = 2 ** np.arange(digits.shape[1])[::-1]
    freq = np.bincount(digits @ base, minlength=64) / n
    p = np.zeros(64)
    p[all_digits @ base] = trajectory_probs(mdp, theta, all_obs, all_act)
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n) + 1e-12)


def test_sample_mean_of_the_estimator_is_the_exact_gradient():
    mdp, theta, n = make_toy_mdp(), THETAS[1], 100_000
    obs, act, rew = sample_trajectories(mdp, theta, n, np.random.default_rng(1))
    terms = score_function_terms(theta, obs, act, rew, mdp.gamma)
    stderr = terms.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(terms.mean(axis=0) - exact_gradient(mdp, theta)) < 4 * stderr)
    total_var = terms.var(axis=0, ddof=1).sum()
    assert np.isclose(total_var, exact_estimator_variance(mdp, theta), rtol=0.05)


def test_mdp_is_read_only():
    mdp = make_toy_mdp()
    with pytest.raises(ValueError):
        mdp.P[0, 0, 0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"rho0": [0.5, 0.6]}, ValueError, "rho0"),
        ({"P": np.ones((2, 2, 2))}, ValueError, "P"),
        ({"P": np.full((2, 2, 3), 1 / 3)}, ValueError, "P must have shape"),
        ({"reward_table": np.zeros((2, 3))}, ValueError, "reward_table must have shape"),
        ({"horizon": 0}, ValueError, "horizon"),
        ({"horizon": 2.0}, TypeError, "horizon"),
        ({"gamma": 1.1}, ValueError, "gamma"),
    ],
)
def test_invalid_mdps_are_rejected(kwargs, error, name):
    base = make_toy_mdp()
    fields = {
        "rho0": base.rho0,
        "P": base.P,
        "reward_table": base.reward_table,
        "horizon": 3,
        "gamma": 0.9,
    }
    with pytest.raises(error, match=name):
        ToyMDP(**{**fields, **kwargs})


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda m: expected_return(m, np.zeros((3, 2))), ValueError, "theta"),
        (lambda m: expected_return("mdp", np.zeros((2, 2))), TypeError, "mdp"),
        (lambda m: rewards(m, [[0, 0]], [[0, 0]]), ValueError, "shape"),
        (
            lambda m: sample_trajectories(m, np.zeros((2, 2)), 2.5, np.random.default_rng()),
            TypeError,
            "n_episodes",
        ),
        (lambda m: sample_trajectories(m, np.zeros((2, 2)), 3, 0), TypeError, "rng"),
    ],
)
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call(make_toy_mdp())
