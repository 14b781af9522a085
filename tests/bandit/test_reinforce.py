"""Tests for course_lib.bandit.reinforce, against independent oracles."""

import numpy as np
import pytest

from course_lib.bandit.env import BernoulliBandit
from course_lib.bandit.reinforce import (
    draw_uniforms,
    exact_gradient,
    expected_reward,
    prefers_wrong_arm,
    reinforce_loop,
    reinforce_vectorised,
)
from course_lib.finite_diff import numerical_gradient
from course_lib.softmax import policy_probs

PROBS = np.array([0.2, 0.4, 0.6, 0.8])


# --- the objective and its gradient ----------------------------------------------------------


def test_exact_gradient_matches_finite_differences():
    theta = np.array([0.5, -0.2, 1.0, 0.0])
    numeric = numerical_gradient(lambda th: expected_reward(th, PROBS), theta)
    np.testing.assert_allclose(exact_gradient(theta, PROBS), numeric, atol=1e-9)


def test_expected_reward_is_the_long_run_mean_reward_of_the_env():
    theta = np.array([0.0, 1.0, -1.0, 0.5])
    pi = policy_probs(theta)
    env, rng, n = BernoulliBandit(PROBS), np.random.default_rng(1), 20000
    env.reset(seed=1)
    rew = [env.step(int(rng.choice(4, p=pi)))[1] for _ in range(n)]
    J = expected_reward(theta, PROBS)
    assert abs(np.mean(rew) - J) < 4 * np.sqrt(J * (1 - J) / n)


@pytest.mark.parametrize("baseline", [0.0, 0.5, -1.0])
def test_one_step_reinforce_update_is_unbiased_for_any_constant_baseline(baseline):
    theta = np.array([0.3, -0.3, 0.0, 0.8])
    n = 20000
    u_act, u_rew = draw_uniforms(n, 1, seed=2)
    # With alpha = 1, one pull from theta moves the logits by (r - b) * score: the estimate.
    hist = reinforce_vectorised(PROBS, 1.0, u_act, u_rew, baseline=baseline, theta0=theta)
    g = hist.theta - theta  # (n, k)
    se = g.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(g.mean(axis=0) - exact_gradient(theta, PROBS)) < 4 * se)


# --- the two learners -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probs", "alpha", "baseline"),
    [(PROBS, 0.5, 0.0), ([0.9, 0.1, 0.5], 3.0, 0.4), (np.linspace(0.05, 0.95, 10), 0.2, -1.0)],
)
def test_vectorised_runs_equal_the_plain_loop_on_the_same_numbers(probs, alpha, baseline):
    u_act, u_rew = draw_uniforms(6, 300, seed=3)
    many = reinforce_vectorised(probs, alpha, u_act, u_rew, baseline=baseline)
    for i in range(6):
        one = reinforce_loop(probs, alpha, u_act[i], u_rew[i], baseline=baseline)
        np.testing.assert_array_equal(one.act, many.act[i])
        np.testing.assert_array_equal(one.rew, many.rew[i])
        np.testing.assert_allclose(one.pi, many.pi[i], rtol=0, atol=1e-12)
        np.testing.assert_allclose(one.theta, many.theta[i], rtol=1e-12, atol=1e-12)


def test_history_shapes_and_the_policy_it_records():
    u_act, u_rew = draw_uniforms(3, 7, seed=0)
    hist = reinforce_vectorised(PROBS, 0.1, u_act, u_rew)
    assert hist.pi.shape == (3, 8, 4) and hist.act.shape == (3, 7) and hist.theta.shape == (3, 4)
    np.testing.assert_allclose(hist.pi[:, -1], policy_probs(hist.theta))
    np.testing.assert_allclose(hist.pi.sum(axis=-1), 1.0)
    assert set(np.unique(hist.rew)) <= {0.0, 1.0}


def test_an_arm_that_never_pays_is_never_learned_without_a_baseline():
    # Rewards are 0 or 1 and b = 0: a pull that pays nothing changes nothing.
    u_act, u_rew = draw_uniforms(4, 50, seed=1)
    hist = reinforce_vectorised([0.0, 0.0], 1.0, u_act, u_rew)
    np.testing.assert_array_equal(hist.theta, 0.0)


@pytest.mark.slow
def test_small_step_sizes_find_the_best_arm_and_large_ones_get_stuck_more_often():
    u_act, u_rew = draw_uniforms(300, 800, seed=4)
    wrong = {}
    for alpha in (0.1, 5.0):
        pi_end = reinforce_vectorised(PROBS, alpha, u_act, u_rew).pi[:, -1]
        wrong[alpha] = np.mean(prefers_wrong_arm(pi_end, PROBS))
    assert wrong[0.1] < 0.05 < 0.2 < wrong[5.0]


# --- the one rule for "a run on a wrong arm" --------------------------------------------------


def test_prefers_wrong_arm_counts_a_tie_as_not_wrong():
    probs = [0.2, 0.5, 0.8]
    pi = np.array(
        [
            [1 / 3, 1 / 3, 1 / 3],  # the uniform start: a tie, not wrong
            [0.4, 0.4, 0.2],  # two wrong arms ahead of the best
            [0.1, 0.45, 0.45],  # a wrong arm ties with the best: not wrong
            [0.1, 0.2, 0.7],  # the best arm is the favourite
            [0.05, 0.5, 0.45],  # one wrong arm ahead
        ]
    )
    np.testing.assert_array_equal(prefers_wrong_arm(pi, probs), [False, True, False, False, True])
    # argmax breaks the tie of row 2 towards arm 1, which would call it wrong
    assert pi[2].argmax() != np.argmax(probs)


def test_prefers_wrong_arm_accepts_any_of_several_best_arms_and_keeps_leading_axes():
    probs = [0.9, 0.1, 0.9]
    pi = np.array([[[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]], [[0.2, 0.6, 0.2], [0.5, 0.0, 0.5]]])
    got = prefers_wrong_arm(pi, probs)
    assert got.shape == (2, 2)
    np.testing.assert_array_equal(got, [[False, False], [True, False]])


def test_prefers_wrong_arm_checks_the_number_of_arms():
    with pytest.raises(ValueError, match="one probability per arm"):
        prefers_wrong_arm(np.full((2, 3), 1 / 3), [0.2, 0.8])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"alpha": "big"}, TypeError, "alpha"),
        ({"baseline": None}, TypeError, "baseline"),
        ({"u_act": np.full((2, 3), 1.0)}, ValueError, "u_act"),
        ({"u_rew": np.zeros((2, 4))}, ValueError, "u_act and u_rew"),
        ({"u_act": np.zeros(3)}, ValueError, "u_act"),
        ({"probs": [0.5, 1.5]}, ValueError, "probs"),
        ({"theta0": np.zeros(5)}, ValueError, "theta0"),
    ],
)
def test_bad_learner_input_is_named(kwargs, error, name):
    args = {"probs": [0.2, 0.8], "alpha": 0.1, "u_act": np.zeros((2, 3)), "u_rew": np.zeros((2, 3))}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        reinforce_vectorised(
            args.pop("probs"), args.pop("alpha"), args.pop("u_act"), args.pop("u_rew"), **args
        )


@pytest.mark.parametrize(
    ("n_runs", "error"), [(0, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_draw_uniforms_checks_its_counts(n_runs, error):
    with pytest.raises(error, match="n_runs"):
        draw_uniforms(n_runs, 3, seed=0)


def test_theta_and_probs_must_have_the_same_number_of_arms():
    with pytest.raises(ValueError, match="probs"):
        exact_gradient([0.0, 0.0, 0.0], [0.1, 0.9])
