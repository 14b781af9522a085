"""A k-armed Bernoulli bandit as a Gymnasium environment (chapter 3).

Arm a pays a reward of 1 with probability probs[a] and 0 otherwise. The rule is

    r = 1.0 if u < probs[a] else 0.0,   u ~ Uniform[0, 1),

the same rule `course_lib.bandit.reinforce` applies to uniforms it is given, so a learner
that talks to this environment and one that is fed random numbers are the same algorithm.

Design: one pull is one episode. A bandit has no state to carry from one pull to the next,
so every episode is a single step from the same dummy observation 0, and it ends there
(`terminated=True`). Then the return of an episode is the reward of its pull,
R(tau) = r_0, and chapter 2's estimator applies with T = 1. It also keeps the ordinary
reset/step loop, and Gymnasium's `check_env`, working unchanged.

The environment is registered as ``course_lib/BernoulliBandit-v0``, so
``gym.make(ENV_ID, probs=[...])`` works too.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from course_lib._validate import as_finite_array


def check_arm_probs(probs) -> np.ndarray:
    """The arms' pay-off probabilities as a float64 array of shape (k,), k >= 2, in [0, 1].

    Example:
        >>> check_arm_probs([0, 1])
        array([0., 1.])
        >>> check_arm_probs([0.5, 1.5])
        Traceback (most recent call last):
        ...
        ValueError: probs must lie in [0, 1] (they are probabilities), got [0.5, 1.5]
    """
    probs = as_finite_array("probs", probs, ndim=1)
    if probs.size < 2:
        raise ValueError(
            f"probs must list at least 2 arms (a bandit with choices), got {probs.size}"
        )
    if np.any(probs < 0.0) or np.any(probs > 1.0):
        raise ValueError(f"probs must lie in [0, 1] (they are probabilities), got {probs.tolist()}")
    return probs


class BernoulliBandit(gym.Env):
    """A k-armed bandit whose arm a pays 1 with probability probs[a], else 0; one pull per episode.

    Observation: always 0 (Discrete(1)): there is nothing to observe.
    Action: the arm to pull, an int in [0, k) (Discrete(k)).
    Reward: 1.0 or 0.0. Every step terminates the episode.
    info: ``{"expected_reward": probs[a]}``, the mean reward of the arm pulled.

    Args:
        probs: the pay-off probabilities, shape (k,), k >= 2, each in [0, 1].

    Example:
        >>> env = BernoulliBandit([0.0, 1.0])
        >>> env.reset(seed=0)
        (0, {})
        >>> env.step(1)
        (0, 1.0, True, False, {'expected_reward': 1.0})
        >>> env.best_arm, env.best_value
        (1, 1.0)
    """

    metadata = {"render_modes": []}

    def __init__(self, probs):
        super().__init__()
        self.probs = check_arm_probs(probs).copy()
        self.probs.flags.writeable = False  # the environment is fixed once made
        self.k = int(self.probs.size)
        self.action_space = spaces.Discrete(self.k)
        self.observation_space = spaces.Discrete(1)

    @property
    def best_arm(self) -> int:
        """The arm with the highest pay-off probability (the first one, if several tie).

        Example:
            >>> BernoulliBandit([0.3, 0.9, 0.9]).best_arm
            1
        """
        return int(np.argmax(self.probs))

    @property
    def best_value(self) -> float:
        """The expected reward of always pulling the best arm, max_a probs[a].

        Example:
            >>> BernoulliBandit([0.3, 0.9, 0.9]).best_value
            0.9
        """
        return float(self.probs.max())

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode (one pull): returns (obs, info), and seeds the pay-offs if `seed`.

        Example:
            >>> BernoulliBandit([0.5, 0.5]).reset(seed=1)
            (0, {})
        """
        super().reset(seed=seed)  # seeds self.np_random, the only source of randomness
        return 0, {}

    def step(self, action):
        """Pull arm `action`: returns (0, reward, True, False, {"expected_reward": probs[a]}).

        Example:
            >>> env = BernoulliBandit([0.25, 0.75])
            >>> _ = env.reset(seed=0)
            >>> rewards = [env.step(1)[1] for _ in range(4000)]   # every pull is a whole episode
            >>> abs(sum(rewards) / 4000 - 0.75) < 0.03             # the arm's mean pay-off
            True
            >>> env.step(2)
            Traceback (most recent call last):
            ...
            ValueError: action must be an arm index in [0, 2), got 2
        """
        if isinstance(action, (bool, np.bool_)) or not self.action_space.contains(action):
            raise ValueError(f"action must be an arm index in [0, {self.k}), got {action!r}")
        p = float(self.probs[int(action)])
        rew = 1.0 if self.np_random.random() < p else 0.0
        return 0, rew, True, False, {"expected_reward": p}


ENV_ID = "course_lib/BernoulliBandit-v0"
if ENV_ID not in gym.registry:  # importing the module twice must not register it twice
    gym.register(id=ENV_ID, entry_point=BernoulliBandit)
