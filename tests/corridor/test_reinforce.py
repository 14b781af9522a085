"""Tests for the short-corridor REINFORCE of chapter 6: the loop, the vectorised runs, the maths."""

import numpy as np
import pytest

from course_lib.corridor.reinforce import (
    P_RIGHT0,
    THETA0,
    corridor_uniform,
    reinforce_loop,
    reinforce_runs,
)
from course_lib.exercises.ch06 import reference_episode_update
from course_lib.mdp import OPTIMAL_VALUE, short_corridor_value


def test_theta0_is_the_epsilon_greedy_left_policy():
    p = 1.0 / (1.0 + np.exp(THETA0[1] - THETA0[0]))
    assert np.isclose(p, P_RIGHT0) and np.isclose(P_RIGHT0, 0.1 / 2)
    assert np.isclose(short_corridor_value(p), -82.1, atol=0.05)


def test_uniforms_are_uniform_and_reproducible():
    u = corridor_uniform(3, np.arange(20_000), episode=7, t=11)
    assert np.all((u >= 0) & (u < 1))
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / u.size)
    # every decile holds about a tenth
    counts = np.histogram(u, bins=10, range=(0, 1))[0]
    assert np.all(np.abs(counts - 2000) < 5 * np.sqrt(2000))
    assert corridor_uniform(3, 5, episode=7, t=11) == u[5]
    assert corridor_uniform(3, 5, episode=7, t=12) != u[5]
    assert corridor_uniform(4, 5, episode=7, t=11) != u[5]


@pytest.mark.parametrize("update", ["step", "episode"])
@pytest.mark.parametrize(
    ("alpha_theta", "alpha_phi", "p_min"),
    [(2**-12, 0.0, P_RIGHT0), (2**-9, 2**-6, P_RIGHT0), (2**-10, 2**-5, 0.0)],
)
def test_vectorised_runs_match_the_loop(update, alpha_theta, alpha_phi, p_min):
    runs = reinforce_runs(
        alpha_theta, 3, 40, alpha_phi=alpha_phi, p_min=p_min, update=update, seed=5
    )
    for i in range(3):
        one = reinforce_loop(
            alpha_theta, 40, alpha_phi=alpha_phi, p_min=p_min, update=update, seed=5, run=i
        )
        np.testing.assert_array_equal(one.ep_ret[0], runs.ep_ret[i])
        np.testing.assert_allclose(one.p_right[0], runs.p_right[i], rtol=0, atol=1e-12)
        np.testing.assert_allclose(one.theta[0], runs.theta[i], rtol=0, atol=1e-10)
        np.testing.assert_allclose(one.phi[0], runs.phi[i], rtol=0, atol=1e-10)


def test_per_run_step_sizes_match_separate_calls():
    mixed = reinforce_runs(np.array([2**-12, 2**-9]), 2, 15, alpha_phi=np.array([0.0, 2**-6]))
    b = reinforce_loop(2**-9, 15, alpha_phi=2**-6, run=1)
    np.testing.assert_allclose(mixed.theta[1], b.theta[0], atol=1e-10)


def test_one_episode_is_the_boxed_update():
    """The loop's first update equals the box written out independently (the exercise's)."""
    r = reinforce_loop(0.01, 1, alpha_phi=0.1, phi0=-3.0, theta0=(0.2, -0.1), seed=2)
    # replay the same episode's actions
    from course_lib.corridor.reinforce import _NEXT, corridor_uniform

    p = 1 / (1 + np.exp(-0.3))
    s, acts = 0, []
    while s != 3:
        a = int(corridor_uniform(2, 0, 0, len(acts)) < p)
        acts.append(a)
        s = _NEXT[s, a]
    assert -len(acts) == r.ep_ret[0, 0]
    theta, phi = reference_episode_update((0.2, -0.1), -3.0, acts, 0.01, 0.1)
    np.testing.assert_allclose(r.theta[0], theta, atol=1e-12)
    assert np.isclose(r.phi[0], phi)


def test_plain_reinforce_never_moves_phi():
    r = reinforce_runs(2**-13, 2, 10)
    assert np.all(r.phi == 0.0)


def test_mean_total_reward_of_a_fixed_policy_is_the_closed_form():
    """With alpha tiny the policy stays put, and the mean return is J(p) = (2p-4)/(p(1-p))."""
    for p in (0.3, 0.6):
        h = np.log(p / (1 - p))
        r = reinforce_runs(1e-300, 2000, 5, theta0=(h / 2, -h / 2), seed=1)
        se = r.ep_ret.std() / np.sqrt(r.ep_ret.size)
        assert abs(r.ep_ret.mean() - short_corridor_value(p)) < 4 * se


def test_expected_update_is_the_gradient_of_v():
    """The lemma on the corridor: E[one episode's theta step] / alpha = grad v(s_0), with or
    without a (fixed) baseline."""
    p = 0.4
    h = np.log(p / (1 - p))
    dv_dp = (2 * p * (1 - p) - (2 * p - 4) * (1 - 2 * p)) / (p * (1 - p)) ** 2
    dv_dh = dv_dp * p * (1 - p)  # p = sigmoid(theta0 - theta1)
    for phi0 in (0.0, -12.0):
        alpha = 1e-6
        r = reinforce_runs(
            alpha, 40_000, 1, theta0=(h / 2, -h / 2), phi0=phi0, update="episode", seed=9
        )
        step = (r.theta[:, 0] - h / 2) / alpha  # d theta[0]; theta[1] moves by the opposite
        se = step.std() / np.sqrt(step.size)
        # v depends on theta through h = theta0 - theta1; d v / d theta0 = dv_dh
        assert abs(step.mean() - dv_dh) < 4 * se


@pytest.mark.slow
def test_the_figures_learn_as_the_book_says():
    runs = reinforce_runs(
        np.repeat([2**-13, 2**-9], 50),
        100,
        300,
        alpha_phi=np.repeat([0.0, 2**-6], 50),
        p_min=P_RIGHT0,
    )
    ret = runs.ep_ret.reshape(2, 50, 300)
    assert ret[1, :, :100].mean() > ret[0, :, :100].mean() + 10  # the baseline is faster
    assert abs(ret[1, :, -100:].mean() - OPTIMAL_VALUE) < 1.5
    assert runs.n_truncated == 0


def test_max_steps_cuts_episodes():
    r = reinforce_runs(2**-13, 3, 2, max_steps=2)
    assert r.max_len == 2 and r.n_truncated > 0


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"alpha_theta": 0.0}, ValueError, "alpha_theta"),
        ({"alpha_theta": "x"}, TypeError, "alpha_theta"),
        ({"alpha_phi": -1.0}, ValueError, "alpha_phi"),
        ({"alpha_phi": np.ones(5)}, ValueError, "alpha_phi"),
        ({"gamma": 2.0}, ValueError, "gamma"),
        ({"theta0": (1.0, 2.0, 3.0)}, ValueError, "theta0"),
        ({"n_runs": 0}, ValueError, "n_runs"),
        ({"n_episodes": 1.5}, TypeError, "n_episodes"),
        ({"update": "batch"}, ValueError, "update"),
        ({"p_min": 0.5}, ValueError, "p_min"),
        ({"max_steps": 0}, ValueError, "max_steps"),
    ],
)
def test_bad_input_names_the_argument(kwargs, err, match):
    args = {"alpha_theta": 0.1, "n_runs": 2, "n_episodes": 2} | kwargs
    with pytest.raises(err, match=match):
        reinforce_runs(**args)


def test_bad_uniform_arguments():
    with pytest.raises(ValueError, match="run"):
        corridor_uniform(0, -1, 0, 0)
    with pytest.raises(ValueError, match="t"):
        corridor_uniform(0, 1, 0, -1)
