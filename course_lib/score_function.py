"""The score-function (REINFORCE) estimate of the policy gradient (chapter 2).

For N sampled trajectories of T steps under a tabular softmax policy,

    g_hat = (1/N) sum_i R(tau^i) sum_t grad_theta log pi_theta(a_t^i | s_t^i).

Nothing in this module knows the environment: it sees the states visited, the actions
taken and the rewards received, never a transition probability. That is the point of the
log-derivative trick, and chapter 2 checks that the estimate is right on average anyway.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, check_gamma
from course_lib.softmax_policy import action_probs, as_index_array, check_theta


def trajectory_returns(rew, gamma: float) -> np.ndarray:
    """The return R(tau) = sum_t gamma^t r_t of each trajectory, shape (N,).

    Args:
        rew: rewards, shape (N, T): each row holds r_0 ... r_{T-1} of one trajectory.
        gamma: the discount factor, in [0, 1].

    Example:
        >>> trajectory_returns([[1.0, 1.0, 1.0], [0.0, 0.0, 2.0]], gamma=0.5)
        array([1.75, 0.5 ])
    """
    rew = as_finite_array("rew", rew, ndim=2)
    gamma = check_gamma(gamma)
    return rew @ gamma ** np.arange(rew.shape[1])


def score_function_terms(theta, obs, act, rew, gamma: float, *, reward_to_go: bool = False):
    """One gradient estimate per trajectory, shape (N, n_states, n_actions).

    Row i is  sum_t w_t grad_theta log pi_theta(a_t | s_t)  for trajectory i, where the
    weight w_t is the whole return R(tau) (the plain estimator), or, with
    ``reward_to_go=True``, only the rewards from step t on: gamma^t G_t. Both have the same
    expectation, the policy gradient; their mean over i is the estimate, and their spread
    gives its standard error.

    Args:
        theta: the softmax policy's logits, shape (n_states, n_actions).
        obs: the states visited, int, shape (N, T).
        act: the actions taken, int, shape (N, T).
        rew: the rewards received, shape (N, T); r_t follows a_t.
        gamma: the discount factor, in [0, 1].
        reward_to_go: weight each score by gamma^t G_t instead of R(tau).

    Example:
        >>> theta = np.zeros((1, 2))                       # one state, pi = (0.5, 0.5)
        >>> score_function_terms(theta, obs=[[0]], act=[[1]], rew=[[2.0]], gamma=1.0)
        array([[[-1.,  1.]]])
    """
    theta = check_theta(theta)
    n_states, n_actions = theta.shape
    obs = as_index_array("obs", obs, n_states)
    act = as_index_array("act", act, n_actions)
    rew = as_finite_array("rew", rew, ndim=2)
    gamma = check_gamma(gamma)
    if obs.ndim != 2 or obs.shape != act.shape or obs.shape != rew.shape:
        raise ValueError(
            "obs, act and rew must all have shape (N, T), got "
            f"{obs.shape}, {act.shape} and {rew.shape}"
        )
    n, horizon = rew.shape
    discounted = rew * gamma ** np.arange(horizon)  # (N, T): gamma^t r_t
    if reward_to_go:
        # gamma^t G_t = sum_{k >= t} gamma^k r_k: a cumulative sum taken from the end.
        weight = np.cumsum(discounted[:, ::-1], axis=1)[:, ::-1]  # (N, T)
    else:
        weight = np.repeat(discounted.sum(axis=1, keepdims=True), horizon, axis=1)  # (N, T)
    pi = action_probs(theta)  # (n_states, n_actions)
    eye = np.eye(n_actions)
    terms = np.zeros((n, n_states, n_actions))
    rows = np.arange(n)
    for t in range(horizon):  # T is short; each step touches one row of theta per trajectory
        score_t = eye[act[:, t]] - pi[obs[:, t]]  # (N, n_actions): the score's non-zero row
        terms[rows, obs[:, t]] += weight[:, t, None] * score_t
    return terms


def score_function_estimate(theta, obs, act, rew, gamma: float, *, reward_to_go: bool = False):
    """The estimate g_hat of grad_theta J(theta), shape (n_states, n_actions).

    It is the mean over trajectories of `score_function_terms`; see there for the
    arguments. At least one trajectory is needed.

    Example:
        >>> theta = np.zeros((1, 2))
        >>> score_function_estimate(theta, obs=[[0], [0]], act=[[1], [0]], rew=[[2.0], [0.0]],
        ...                         gamma=1.0)
        array([[-0.5,  0.5]])
    """
    terms = score_function_terms(theta, obs, act, rew, gamma, reward_to_go=reward_to_go)
    if terms.shape[0] == 0:
        raise ValueError("obs, act and rew hold no trajectories: N must be at least 1")
    return terms.mean(axis=0)
