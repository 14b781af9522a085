"""Tests for course_lib.bandit.env: a valid Gymnasium env whose arms pay with the stated odds."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from course_lib.bandit.env import ENV_ID, BernoulliBandit


def test_passes_gymnasiums_check_env_without_a_warning():
    env = gym.make(ENV_ID, probs=[0.2, 0.5, 0.8]).unwrapped  # made by gym.make: it has a spec
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env)


def test_gym_make_builds_the_registered_env():
    env = gym.make(ENV_ID, probs=[0.1, 0.9])
    assert isinstance(env.unwrapped, BernoulliBandit)
    assert env.action_space.n == 2


def test_every_pull_is_a_one_step_episode():
    env = BernoulliBandit([0.3, 0.7])
    obs, info = env.reset(seed=0)
    assert obs == 0 and info == {}
    obs, rew, terminated, truncated, info = env.step(1)
    assert obs == 0 and rew in (0.0, 1.0) and terminated and not truncated
    assert info == {"expected_reward": 0.7}


def test_reward_frequencies_match_the_probabilities():
    probs = np.array([0.1, 0.5, 0.85])
    env = BernoulliBandit(probs)
    env.reset(seed=1)
    n = 4000
    for a, p in enumerate(probs):
        mean = np.mean([env.step(a)[1] for _ in range(n)])
        se = np.sqrt(p * (1 - p) / n)
        assert abs(mean - p) < 4 * se + 1e-12, (a, mean, p)


def test_seeding_makes_rewards_reproducible():
    def rewards(seed):
        env = BernoulliBandit([0.5, 0.5])
        env.reset(seed=seed)
        return [env.step(i % 2)[1] for i in range(50)]

    assert rewards(3) == rewards(3)
    assert rewards(3) != rewards(4)


def test_reward_rule_is_the_uniform_below_p_rule():
    env = BernoulliBandit([0.3, 0.6])
    env.reset(seed=5)
    u = np.random.default_rng(5).random(20)  # the same stream np_random draws from
    got = [env.step(1)[1] for _ in range(20)]
    assert got == [1.0 if x < 0.6 else 0.0 for x in u]


def test_best_arm_and_value():
    env = BernoulliBandit([0.2, 0.9, 0.4])
    assert (env.best_arm, env.best_value) == (1, 0.9)


def test_probabilities_cannot_be_changed_after_construction():
    env = BernoulliBandit([0.2, 0.9])
    with pytest.raises(ValueError):
        env.probs[0] = 1.0


@pytest.mark.parametrize(
    ("probs", "error", "name"),
    [
        ([0.5], ValueError, "probs"),
        ([0.2, 1.2], ValueError, "probs"),
        ("ab", TypeError, "probs"),
        ([[0.1, 0.2]], ValueError, "probs"),
        ([0.1, float("nan")], ValueError, "probs"),
    ],
)
def test_bad_probs_are_rejected_by_name(probs, error, name):
    with pytest.raises(error, match=name):
        BernoulliBandit(probs)


@pytest.mark.parametrize("action", [2, -1, 0.5, True, "0"])
def test_bad_actions_are_rejected_by_name(action):
    env = BernoulliBandit([0.2, 0.9])
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(action)
