"""Tests for course_lib.mdp: the closed form against the Bellman solve and against sampling."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from course_lib.mdp import (
    LEFT,
    OPTIMAL_P_RIGHT,
    OPTIMAL_VALUE,
    RIGHT,
    ShortCorridor,
    epsilon_greedy_p_right,
    policy_evaluation,
    short_corridor_value,
    short_corridor_values,
)


def uniform_feature_policy(p_right):
    """The same P(RIGHT) in every state: all the corridor's states look alike to the agent."""
    return np.tile([1.0 - p_right, p_right], (ShortCorridor.n_states, 1))


def test_passes_gymnasiums_env_checker():
    check_env(ShortCorridor(), skip_render_check=True)


def test_transitions_follow_the_example():
    env = ShortCorridor()
    env.reset(seed=0)
    assert env.step(LEFT)[0] == 0  # the wall: LEFT in state 0 stays
    assert env.step(RIGHT)[0] == 1
    assert env.step(RIGHT)[0] == 0  # the switched state sends RIGHT back left
    env.step(RIGHT)
    assert env.step(LEFT)[0] == 2  # ... and LEFT to the right
    obs, rew, terminated, truncated, _ = env.step(RIGHT)
    assert (obs, rew, terminated, truncated) == (3, -1.0, True, False)


def test_transition_table_agrees_with_step():
    env = ShortCorridor()
    for s in range(3):
        for a in (LEFT, RIGHT):
            env.reset()
            env.state = s
            obs, rew, terminated, _, _ = env.step(a)
            [(prob, s_next, reward, done)] = env.P[s][a]
            assert (prob, s_next, reward, done) == (1.0, obs, rew, terminated)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, OPTIMAL_P_RIGHT, 0.9, 0.99])
def test_closed_form_matches_the_bellman_solution(p):
    v = policy_evaluation(ShortCorridor().P, uniform_feature_policy(p))
    assert v[3] == 0.0
    np.testing.assert_allclose(v[0], short_corridor_value(p), rtol=1e-12)


def test_closed_form_matches_monte_carlo_rollouts():
    p, n_episodes = 0.4, 4000
    rng = np.random.default_rng(0)
    env = ShortCorridor()
    returns = []
    for episode in range(n_episodes):
        env.reset(seed=episode)
        total, done = 0.0, False
        while not done:
            _, rew, done, _, _ = env.step(int(rng.random() < p))
            total += rew
        returns.append(total)
    returns = np.array(returns)
    standard_error = returns.std() / np.sqrt(n_episodes)
    assert abs(returns.mean() - short_corridor_value(p)) < 4 * standard_error


def test_optimum_is_where_the_derivative_vanishes():
    p = np.linspace(0.01, 0.99, 9801)
    v = short_corridor_values(p)
    assert abs(p[np.argmax(v)] - OPTIMAL_P_RIGHT) < 1e-3
    np.testing.assert_allclose(short_corridor_value(OPTIMAL_P_RIGHT), OPTIMAL_VALUE)
    np.testing.assert_allclose(OPTIMAL_VALUE, -11.6568542, atol=1e-6)


def test_epsilon_greedy_is_far_worse_than_the_best_stochastic_policy():
    right = short_corridor_value(epsilon_greedy_p_right(0.1, RIGHT))
    left = short_corridor_value(epsilon_greedy_p_right(0.1, LEFT))
    assert right < OPTIMAL_VALUE - 30 and left < right


def test_policy_evaluation_with_discounting_is_a_fixed_point():
    env, gamma, p = ShortCorridor(), 0.9, 0.6
    policy = uniform_feature_policy(p)
    v = policy_evaluation(env.P, policy, gamma)
    for s in range(3):
        backup = sum(
            policy[s, a] * prob * (rew + (0.0 if done else gamma * v[s2]))
            for a in (LEFT, RIGHT)
            for prob, s2, rew, done in env.P[s][a]
        )
        np.testing.assert_allclose(v[s], backup)


def test_a_policy_that_never_arrives_is_rejected():
    always_left = uniform_feature_policy(0.0)
    with pytest.raises(ValueError, match="never terminates"):
        policy_evaluation(ShortCorridor().P, always_left)


@pytest.mark.parametrize("p", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_probability_outside_the_open_interval_is_rejected(p):
    with pytest.raises(ValueError, match="p_right"):
        short_corridor_value(p)


def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError, match="p_right"):
        short_corridor_value("0.5")
    with pytest.raises(ValueError, match="policy must have shape"):
        policy_evaluation(ShortCorridor().P, np.ones((3, 2)) / 2)
    with pytest.raises(ValueError, match="probability distributions"):
        policy_evaluation(ShortCorridor().P, np.ones((4, 2)))
    with pytest.raises(ValueError, match="gamma"):
        policy_evaluation(ShortCorridor().P, uniform_feature_policy(0.5), gamma=2.0)
    with pytest.raises(ValueError, match="epsilon"):
        epsilon_greedy_p_right(0.0, RIGHT)
    with pytest.raises(ValueError, match="greedy_action"):
        epsilon_greedy_p_right(0.1, 2)
    with pytest.raises(ValueError, match="action"):
        ShortCorridor().step(5)


def test_truncation_and_render():
    env = ShortCorridor(render_mode="ansi", max_episode_steps=2)
    env.reset()
    assert env.render() == "A . . G"
    env.step(LEFT)
    *_, terminated, truncated, _ = env.step(LEFT)
    assert truncated and not terminated


def test_works_with_gymnasium_wrappers():
    env = gym.wrappers.RecordEpisodeStatistics(ShortCorridor())
    env.reset(seed=1)
    done = False
    while not done:
        *_, terminated, truncated, info = env.step(RIGHT if env.unwrapped.state != 1 else LEFT)
        done = terminated or truncated
    assert info["episode"]["r"] == -3.0
