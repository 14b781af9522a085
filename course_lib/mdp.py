"""Tabular MDPs and the short corridor with switched actions (chapter 1; reused in chapter 6).

A tabular MDP is described the way gymnasium's toy-text environments do it:
``P[s][a]`` is a list of ``(probability, next_state, reward, terminated)`` tuples.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from course_lib._validate import as_finite_array, check_gamma, check_open_probability

LEFT, RIGHT = 0, 1

# v(s_0) is largest at P(right) = 2 - sqrt(2), where it equals -(6 + 4 sqrt(2)) ~ -11.66.
OPTIMAL_P_RIGHT = 2.0 - np.sqrt(2.0)
OPTIMAL_VALUE = -(6.0 + 4.0 * np.sqrt(2.0))


class ShortCorridor(gym.Env):
    """Sutton & Barto's Example 13.1: a corridor whose second state switches the actions.

    States 0, 1, 2 are non-terminal and state 3 is the goal. Every step costs a reward of -1,
    the last one included. In states 0 and 2 the actions do what they say; in state 1
    LEFT moves right and RIGHT moves left. LEFT in state 0 bumps into the wall and stays.

    The observation is the state index, but the lesson of the example is about a policy that
    cannot tell the states apart (all of them look the same to its features), so it must
    pick RIGHT with one probability p everywhere.

    Example:
        >>> env = ShortCorridor()
        >>> obs, info = env.reset(seed=0)
        >>> env.step(RIGHT)[:3]
        (1, -1.0, False)
        >>> env.P[1][RIGHT]   # the switched state: RIGHT goes back to state 0
        [(1.0, 0, -1.0, False)]
    """

    metadata = {"render_modes": ["ansi"]}
    n_states = 4
    goal = 3

    def __init__(self, render_mode: str | None = None, max_episode_steps: int | None = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.max_episode_steps = max_episode_steps
        self.observation_space = spaces.Discrete(self.n_states)
        self.action_space = spaces.Discrete(2)
        # next_state[s, a]: the dynamics are deterministic; the randomness is the policy's.
        self.next_state = np.array([[0, 1], [2, 0], [1, 3]])
        self.P = {
            s: {
                a: [
                    (
                        1.0,
                        int(self.next_state[s, a]),
                        -1.0,
                        bool(self.next_state[s, a] == self.goal),
                    )
                ]
                for a in (LEFT, RIGHT)
            }
            for s in range(3)
        }
        self.P[self.goal] = {a: [(1.0, self.goal, 0.0, True)] for a in (LEFT, RIGHT)}
        self.state = 0
        self.steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start a new episode in state 0: returns (obs, info).

        Example:
            >>> ShortCorridor().reset(seed=0)
            (0, {})
        """
        super().reset(seed=seed)
        self.state, self.steps = 0, 0
        return self.state, {}

    def step(self, action):
        """Take one action: returns (obs, reward, terminated, truncated, info), reward -1.

        Example:
            >>> env = ShortCorridor()
            >>> _ = env.reset()
            >>> [env.step(a)[0] for a in (RIGHT, LEFT, RIGHT)]   # LEFT in state 1 moves right
            [1, 2, 3]
            >>> env.step(RIGHT)
            Traceback (most recent call last):
            ...
            RuntimeError: the episode is over: call reset() before step()
        """
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (LEFT) or 1 (RIGHT), got {action!r}")
        if self.state == self.goal:
            raise RuntimeError("the episode is over: call reset() before step()")
        self.state = int(self.next_state[self.state, int(action)])
        self.steps += 1
        terminated = self.state == self.goal
        truncated = (
            self.max_episode_steps is not None
            and self.steps >= self.max_episode_steps
            and not terminated
        )
        return self.state, -1.0, terminated, bool(truncated), {}

    def render(self):
        """The corridor as text ("A" the agent, "G" the goal) in "ansi" mode, else None.

        Example:
            >>> env = ShortCorridor(render_mode="ansi")
            >>> _ = env.reset()
            >>> env.render()
            'A . . G'
        """
        if self.render_mode == "ansi":
            cells = ["A" if s == self.state else "." for s in range(3)] + ["G"]
            return " ".join(cells)
        return None


def policy_evaluation(P: dict, policy: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """Exact state values V^pi(s) of a tabular MDP, by solving the Bellman equations.

    The Bellman equations v = r_pi + gamma * P_pi v are linear in v, so one linear solve
    gives every value at once. Terminal states have value 0.

    Args:
        P: the transition table, ``P[s][a] = [(prob, next_state, reward, terminated), ...]``.
        policy: shape (n_states, n_actions); row s is the distribution pi(. | s).
        gamma: the discount factor, in [0, 1]. With gamma = 1 every state must reach a
            terminal state with probability 1, or the values are infinite.

    Returns:
        shape (n_states,), float64.

    Example:
        >>> env = ShortCorridor()
        >>> p = 0.5
        >>> policy_evaluation(env.P, np.tile([1 - p, p], (4, 1)))
        array([-12., -10.,  -6.,   0.])
    """
    gamma = check_gamma(gamma)
    n_states = len(P)
    policy = as_finite_array("policy", policy, ndim=2)
    n_actions = len(P[0])
    if policy.shape != (n_states, n_actions):
        raise ValueError(f"policy must have shape ({n_states}, {n_actions}), got {policy.shape}")
    if np.any(policy < 0) or not np.allclose(policy.sum(axis=1), 1.0):
        raise ValueError("policy rows must be probability distributions (non-negative, sum 1)")
    # P_pi[s, s'] = sum_a pi(a|s) P(s'|s, a), the book's calP_pi
    P_pi = np.zeros((n_states, n_states))
    r_pi = np.zeros(n_states)  # expected one-step reward under pi
    terminal = np.zeros(n_states, dtype=bool)
    for s in range(n_states):
        for a in range(n_actions):
            for prob, s_next, reward, done in P[s][a]:
                r_pi[s] += policy[s, a] * prob * reward
                if done:
                    continue  # nothing is collected after a terminal transition
                P_pi[s, s_next] += policy[s, a] * prob * gamma
        terminal[s] = all(
            s_next == s and done for a in range(n_actions) for _, s_next, _, done in P[s][a]
        )
    r_pi[terminal] = 0.0
    P_pi[terminal] = 0.0
    try:
        return np.linalg.solve(np.eye(n_states) - P_pi, r_pi)
    except np.linalg.LinAlgError as err:
        raise ValueError(
            "the policy never terminates from some state: its values are infinite"
        ) from err


def short_corridor_value(p_right) -> float:
    """Exact value of the short corridor's start state when RIGHT is chosen with prob `p_right`.

    Solving the three Bellman equations by hand (gamma = 1, reward -1 per step) gives
    J(p) = V^pi(s_0) = (2 p - 4) / (p (1 - p)).

    Example:
        >>> round(short_corridor_value(0.5), 6)
        -12.0
        >>> bool(np.isclose(short_corridor_value(OPTIMAL_P_RIGHT), OPTIMAL_VALUE))
        True
    """
    p = check_open_probability("p_right", p_right)
    return (2.0 * p - 4.0) / (p * (1.0 - p))


def short_corridor_values(p_right) -> np.ndarray:
    """Vectorised `short_corridor_value` over an array of probabilities, same shape.

    Example:
        >>> short_corridor_values([0.25, 0.5])
        array([-18.66666667, -12.        ])
        >>> bool(np.isclose(short_corridor_values(0.3), short_corridor_value(0.3)))
        True
    """
    p = as_finite_array("p_right", p_right)
    if np.any((p <= 0.0) | (p >= 1.0)):
        raise ValueError("p_right must lie strictly between 0 and 1")
    return (2.0 * p - 4.0) / (p * (1.0 - p))


def epsilon_greedy_p_right(epsilon: float, greedy_action: int) -> float:
    """pi(RIGHT), the p, of an epsilon-greedy policy that cannot tell the corridor's states apart.

    With probability 1 - epsilon it takes `greedy_action`; otherwise a uniformly random one.

    Example:
        >>> epsilon_greedy_p_right(0.1, RIGHT), epsilon_greedy_p_right(0.1, LEFT)
        (0.95, 0.05)
    """
    epsilon = check_open_probability("epsilon", epsilon)
    if greedy_action not in (LEFT, RIGHT):
        raise ValueError(f"greedy_action must be LEFT (0) or RIGHT (1), got {greedy_action!r}")
    return 1.0 - epsilon / 2.0 if greedy_action == RIGHT else epsilon / 2.0
