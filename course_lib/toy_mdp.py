"""A tiny episodic MDP whose every trajectory can be listed (chapter 2).

Two states, two actions, three steps: (2 x 2)^3 = 64 possible trajectories. That is small
enough to compute J(theta) and its gradient *exactly*, by summing over all of them, and so
to check the sampled estimate against the truth. The transitions are random, and only the
sampler and the exact sums look at them; the estimator in `course_lib.score_function`
never does.

A trajectory is stored as two int arrays of shape (T,): the states s_0 ... s_{T-1} and the
actions a_0 ... a_{T-1}. The reward r_t = reward_table[s_t, a_t] is a function of them, and the last
state s_T earns nothing, so summing it out changes no probability and no return.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from course_lib._validate import as_finite_array, check_gamma, check_int
from course_lib.score_function import score_function_terms, trajectory_returns
from course_lib.softmax_policy import (
    action_probs,
    as_index_array,
    check_theta,
    log_prob,
    sample_actions,
)

STAY, PUSH = 0, 1


@dataclass(frozen=True)
class ToyMDP:
    """A finite-horizon tabular MDP: start distribution, transitions, rewards, horizon.

    Attributes:
        rho0: the start-state distribution rho_0(s), shape (n_states,).
        P: the transition probabilities p(s' | s, a), shape (n_states, n_actions, n_states).
        reward_table: the reward r(s, a) that follows action a in state s,
            shape (n_states, n_actions).
        horizon: T, the number of actions in every episode.
        gamma: the discount factor, in [0, 1].

    Example:
        >>> mdp = make_toy_mdp()
        >>> mdp.n_states, mdp.n_actions, mdp.horizon
        (2, 2, 3)
        >>> mdp.P[0, PUSH]          # pushing in state 0 reaches state 1 with probability 0.7
        array([0.3, 0.7])
    """

    rho0: np.ndarray
    P: np.ndarray
    reward_table: np.ndarray
    horizon: int
    gamma: float

    def __post_init__(self):
        rho0 = _check_distribution("rho0", self.rho0, ndim=1)
        P = _check_distribution("P", self.P, ndim=3)
        reward_table = as_finite_array("reward_table", self.reward_table, ndim=2)
        n_states = rho0.size
        if P.shape[0] != n_states or P.shape[2] != n_states:
            raise ValueError(
                f"P must have shape ({n_states}, n_actions, {n_states}), got {P.shape}"
            )
        if reward_table.shape != P.shape[:2]:
            raise ValueError(
                f"reward_table must have shape {P.shape[:2]} (n_states, n_actions), "
                f"got {reward_table.shape}"
            )
        horizon = check_int("horizon", self.horizon, low=1)
        for name, value in (("rho0", rho0), ("P", P), ("reward_table", reward_table)):
            value.setflags(write=False)  # a frozen MDP: nobody edits the dynamics in place
            object.__setattr__(self, name, value)
        object.__setattr__(self, "horizon", horizon)
        object.__setattr__(self, "gamma", check_gamma(self.gamma))

    @property
    def n_states(self) -> int:
        """The number of states, P.shape[0].

        Example:
            >>> make_toy_mdp().n_states
            2
        """
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        """The number of actions, P.shape[1].

        Example:
            >>> make_toy_mdp().n_actions
            2
        """
        return self.P.shape[1]


def make_toy_mdp(P=None) -> ToyMDP:
    """The chapter's example: state 1 pays, and PUSH costs a little but tends to get there.

    State 0 pays nothing for STAY and -0.5 for PUSH; state 1 pays 1 for STAY and 2 for PUSH.
    PUSH moves to state 1 with probability 0.7 from state 0 and 0.8 from state 1; STAY
    drifts there with probability 0.1 and 0.4. Episodes start in state 0 with probability 0.8
    and last T = 3 steps, with gamma = 0.9. Pass `P` to get the same problem with other
    dynamics.

    Example:
        >>> make_toy_mdp().reward_table
        array([[ 0. , -0.5],
               [ 1. ,  2. ]])
    """
    if P is None:
        P = [[[0.9, 0.1], [0.3, 0.7]], [[0.6, 0.4], [0.2, 0.8]]]
    return ToyMDP(
        rho0=np.array([0.8, 0.2]),
        P=P,
        reward_table=np.array([[0.0, -0.5], [1.0, 2.0]]),
        horizon=3,
        gamma=0.9,
    )


def enumerate_trajectories(mdp: ToyMDP) -> tuple[np.ndarray, np.ndarray]:
    """Every (state, action) sequence of length T: `obs` and `act`, each (K, T), K = (S A)^T.

    Sequences the dynamics cannot produce are included; they get probability 0.

    Example:
        >>> obs, act = enumerate_trajectories(make_toy_mdp())
        >>> obs.shape, act.shape
        ((64, 3), (64, 3))
        >>> obs[1], act[1]
        (array([0, 0, 0]), array([0, 0, 1]))
    """
    _check_mdp(mdp)
    pairs = list(itertools.product(range(mdp.n_states), range(mdp.n_actions)))
    seqs = np.array(list(itertools.product(pairs, repeat=mdp.horizon)), dtype=np.int64)  # (K, T, 2)
    return seqs[..., 0], seqs[..., 1]


def rewards(mdp: ToyMDP, obs, act) -> np.ndarray:
    """The rewards r_t = reward_table[s_t, a_t] of a batch of trajectories, shape obs.shape.

    Example:
        >>> rewards(make_toy_mdp(), obs=[[0, 1, 1]], act=[[1, 1, 0]])
        array([[-0.5,  2. ,  1. ]])
    """
    obs, act = _check_trajectories(mdp, obs, act)
    return mdp.reward_table[obs, act]


def trajectory_log_prob(mdp: ToyMDP, theta, obs, act) -> np.ndarray:
    """log P(tau | theta) of a batch of trajectories: the log of every factor, added up.

    log P(tau | theta) = log rho0(s_0) + sum_t log pi(a_t | s_t) + sum_t log p(s_{t+1} | s_t, a_t).
    The last sum runs over the T - 1 transitions inside the trajectory. An impossible
    trajectory has log-probability -inf.

    Args:
        mdp: the problem.
        theta: softmax logits, shape (n_states, n_actions).
        obs, act: int arrays of shape (K, T).

    Returns:
        shape (K,), float64.

    Example:
        >>> mdp = make_toy_mdp()
        >>> lp = trajectory_log_prob(mdp, np.zeros((2, 2)), obs=[[0, 1, 1]], act=[[1, 1, 0]])
        >>> np.round(np.exp(lp), 6)          # 0.8 * 0.5 * 0.7 * 0.5 * 0.8 * 0.5
        array([0.056])
    """
    theta = _check_theta_for(mdp, theta)
    obs, act = _check_trajectories(mdp, obs, act)
    with np.errstate(divide="ignore"):  # log 0 = -inf is the right answer for "impossible"
        log_start = np.log(mdp.rho0[obs[:, 0]])
        log_dynamics = np.log(mdp.P[obs[:, :-1], act[:, :-1], obs[:, 1:]]).sum(axis=1)
    log_policy = log_prob(theta, obs, act).sum(axis=1)
    return log_start + log_policy + log_dynamics


def trajectory_probs(mdp: ToyMDP, theta, obs, act) -> np.ndarray:
    """P(tau | theta) of a batch of trajectories, shape (K,): the product of every factor.

    Example:
        >>> obs, act = enumerate_trajectories(make_toy_mdp())
        >>> p = trajectory_probs(make_toy_mdp(), np.zeros((2, 2)), obs, act)
        >>> bool(np.isclose(p.sum(), 1.0))   # the 64 trajectories cover every outcome
        True
    """
    theta = _check_theta_for(mdp, theta)
    obs, act = _check_trajectories(mdp, obs, act)
    pi = action_probs(theta)
    start = mdp.rho0[obs[:, 0]]
    policy = pi[obs, act].prod(axis=1)
    dynamics = mdp.P[obs[:, :-1], act[:, :-1], obs[:, 1:]].prod(axis=1)
    return start * policy * dynamics


def expected_return(mdp: ToyMDP, theta) -> float:
    """J(theta) = sum over all trajectories of P(tau | theta) R(tau), exactly.

    Example:
        >>> one_step = ToyMDP(rho0=[1.0], P=[[[1.0], [1.0]]], reward_table=[[0.0, 1.0]],
        ...                   horizon=1, gamma=1.0)
        >>> expected_return(one_step, np.zeros((1, 2)))     # a fair coin between rewards 0 and 1
        0.5
    """
    obs, act = enumerate_trajectories(mdp)
    prob = trajectory_probs(mdp, theta, obs, act)
    return float(prob @ trajectory_returns(rewards(mdp, obs, act), mdp.gamma))


def exact_gradient(mdp: ToyMDP, theta, *, reward_to_go: bool = False) -> np.ndarray:
    """The exact expectation of the score-function estimate, shape (n_states, n_actions).

    It is  sum_tau P(tau | theta) R(tau) sum_t grad log pi(a_t | s_t),  summed over all K
    trajectories. The chapter derives that this equals grad J(theta) and checks it against
    finite differences of `expected_return`. With ``reward_to_go=True`` the weights are
    gamma^t G_t instead of R(tau); the expectation is the same.

    Example:
        >>> g = exact_gradient(make_toy_mdp(), np.zeros((2, 2)))
        >>> g.shape, bool(np.allclose(g.sum(axis=1), 0.0))   # softmax: each row sums to 0
        ((2, 2), True)
    """
    terms, prob = _exact_terms(mdp, theta, reward_to_go)
    return np.tensordot(prob, terms, axes=1)


def exact_estimator_variance(mdp: ToyMDP, theta, *, reward_to_go: bool = False) -> float:
    """E || g^1 - grad J ||^2 for a one-trajectory estimate g^1: its total variance, exactly.

    The mean of N independent trajectories has total variance this / N, so its RMS error
    is sqrt(this / N).

    Example:
        >>> mdp, theta = make_toy_mdp(), np.zeros((2, 2))
        >>> bool(exact_estimator_variance(mdp, theta, reward_to_go=True)
        ...      < exact_estimator_variance(mdp, theta))
        True
    """
    terms, prob = _exact_terms(mdp, theta, reward_to_go)
    mean = np.tensordot(prob, terms, axes=1)
    return float(prob @ ((terms - mean) ** 2).sum(axis=(1, 2)))


def sample_trajectories(mdp: ToyMDP, theta, n_episodes: int, rng: np.random.Generator):
    """Run N episodes of the policy in the MDP: `obs`, `act` (int) and `rew`, each (N, T).

    All N episodes advance together, one step at a time, so the cost is T vectorised steps.

    Example:
        >>> obs, act, rew = sample_trajectories(make_toy_mdp(), np.zeros((2, 2)), 5,
        ...                                     np.random.default_rng(0))
        >>> obs.shape, act.shape, rew.shape
        ((5, 3), (5, 3), (5, 3))
    """
    _check_mdp(mdp)
    theta = _check_theta_for(mdp, theta)
    n_episodes = check_int("n_episodes", n_episodes, low=0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    shape = (n_episodes, mdp.horizon)
    obs = np.empty(shape, dtype=np.int64)
    act = np.empty(shape, dtype=np.int64)
    obs[:, 0] = _sample_rows(np.broadcast_to(mdp.rho0, (shape[0], mdp.n_states)), rng)
    for t in range(mdp.horizon):
        act[:, t] = sample_actions(theta, obs[:, t], rng)
        if t + 1 < mdp.horizon:
            obs[:, t + 1] = _sample_rows(mdp.P[obs[:, t], act[:, t]], rng)
    return obs, act, mdp.reward_table[obs, act]


def _sample_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row of `probs` (M, n), each drawn from that row's distribution."""
    u = rng.random(probs.shape[0])
    idx = (u[:, None] >= np.cumsum(probs, axis=1)).sum(axis=1)
    return np.minimum(idx, probs.shape[1] - 1)  # a cumsum that rounds below 1 must not overflow


def _exact_terms(mdp: ToyMDP, theta, reward_to_go: bool):
    obs, act = enumerate_trajectories(mdp)
    prob = trajectory_probs(mdp, theta, obs, act)  # (K,)
    rew = rewards(mdp, obs, act)  # (K, T)
    terms = score_function_terms(theta, obs, act, rew, mdp.gamma, reward_to_go=reward_to_go)
    return terms, prob  # (K, n_states, n_actions), (K,)


def _check_distribution(name: str, x, ndim: int) -> np.ndarray:
    arr = as_finite_array(name, x, ndim=ndim).copy()
    if np.any(arr < 0) or not np.allclose(arr.sum(axis=-1), 1.0):
        raise ValueError(f"{name} must hold probability distributions along its last axis")
    return arr


def _check_mdp(mdp) -> None:
    if not isinstance(mdp, ToyMDP):
        raise TypeError(f"mdp must be a ToyMDP, got {type(mdp).__name__}")


def _check_theta_for(mdp: ToyMDP, theta) -> np.ndarray:
    _check_mdp(mdp)
    theta = check_theta(theta)
    if theta.shape != (mdp.n_states, mdp.n_actions):
        raise ValueError(
            f"theta must have shape ({mdp.n_states}, {mdp.n_actions}) for this MDP, "
            f"got {theta.shape}"
        )
    return theta


def _check_trajectories(mdp: ToyMDP, obs, act) -> tuple[np.ndarray, np.ndarray]:
    _check_mdp(mdp)
    obs = as_index_array("obs", obs, mdp.n_states)
    act = as_index_array("act", act, mdp.n_actions)
    if obs.ndim != 2 or obs.shape != act.shape or obs.shape[1] != mdp.horizon:
        raise ValueError(
            f"obs and act must both have shape (K, {mdp.horizon}), got {obs.shape} and {act.shape}"
        )
    return obs, act
