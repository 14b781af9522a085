"""Five weights for the same score-function estimate, compared on one batch (chapter 6).

Every estimator here has the form  g = sum_t w_t grad log pi(a_t | s_t)  for one trajectory,
on chapter 2's small MDP (`course_lib.toy_mdp`), and they differ only in the weight w_t:

    "R"          R(tau), the whole return, at every step (chapter 2's estimator)
    "G"          gamma^t G_t, the return-to-go
    "G - mean"   gamma^t (G_t - b), b a constant: the mean return-to-go of the batch
    "G - V"      gamma^t (G_t - V_t(s_t)), V_t the exact value of s_t with T - t steps to go
    "G std"      gamma^t (G_t - mean) / std, mean and std over the batch (what chapter 4 uses)

The first four have the exact gradient as their expectation (the last two up to the O(1/N)
effect of the batch mean, which `estimator_table` shows to be invisible); the standardised one
estimates a rescaled gradient, grad J / std, and is biased for grad J itself.

The problem's horizon is fixed (T = 3), so how many steps are left is part of the state: the
value baseline is V_t(s) = E[G_t | s_t = s], computed exactly by backward induction.
"""

from __future__ import annotations

import numpy as np

from course_lib.returns import returns_to_go
from course_lib.softmax_policy import action_probs, grad_log_prob
from course_lib.toy_mdp import ToyMDP, _check_theta_for, _check_trajectories

ESTIMATORS = ("R", "G", "G - mean", "G - V", "G std")


def _returns_to_go(rew: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1} of every step of full-length trajectories, shape (N, T)."""
    return returns_to_go(rew.T, np.ones(rew.T.shape, dtype=bool), gamma).T


def time_values(mdp: ToyMDP, theta) -> np.ndarray:
    """V_t(s) = E[G_t | s_t = s] under pi_theta, by backward induction, shape (T, n_states).

    V_{T-1}(s) = sum_a pi(a|s) R[s, a];  V_t(s) = sum_a pi(a|s) (R[s, a] + gamma sum_s' P V_{t+1}).

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> time_values(make_toy_mdp(), np.zeros((2, 2)))[-1]   # one step to go: mean reward
        array([-0.25,  1.5 ])
    """
    theta = _check_theta_for(mdp, theta)
    pi = action_probs(theta)  # (S, A)
    v = np.zeros((mdp.horizon + 1, mdp.n_states))  # v[T] = 0: nothing after the last step
    for t in range(mdp.horizon - 1, -1, -1):
        q = mdp.reward_table + mdp.gamma * mdp.P @ v[t + 1]  # (S, A): Q_t(s, a)
        v[t] = (pi * q).sum(axis=1)
    return v[:-1]


def estimator_weights(mdp: ToyMDP, theta, obs, act, rew, kind: str) -> np.ndarray:
    """The weight w_t of every step's score for estimator `kind`, shape (N, T).

    Args:
        mdp: the problem (its gamma and, for "G - V", its dynamics).
        theta: the softmax logits, shape (n_states, n_actions).
        obs, act: the batch's states and actions, int, shape (N, T).
        rew: its rewards, shape (N, T).
        kind: one of ESTIMATORS.

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> mdp = make_toy_mdp()
        >>> w = estimator_weights(mdp, np.zeros((2, 2)), [[0, 1, 1]], [[1, 0, 0]],
        ...                       [[-0.5, 1.0, 1.0]], "G")
        >>> w.round(3)                     # gamma^t G_t with gamma = 0.9
        array([[1.21, 1.71, 0.81]])
    """
    if kind not in ESTIMATORS:
        raise ValueError(f"kind must be one of {ESTIMATORS}, got {kind!r}")
    theta = _check_theta_for(mdp, theta)
    obs, act = _check_trajectories(mdp, obs, act)
    rew = np.asarray(rew, dtype=np.float64)
    if rew.shape != obs.shape:
        raise ValueError(f"rew must have the shape of obs {obs.shape}, got {rew.shape}")
    T = mdp.horizon
    disc = mdp.gamma ** np.arange(T)  # (T,)
    ret = _returns_to_go(rew, mdp.gamma)  # (N, T)
    if kind == "R":
        return np.repeat(ret[:, :1], T, axis=1)  # R(tau) = G_0 at every step
    if kind == "G":
        return disc * ret
    if kind == "G - mean":
        return disc * (ret - ret.mean())
    if kind == "G - V":
        v = time_values(mdp, theta)  # (T, S)
        return disc * (ret - v[np.arange(T), obs])
    std = ret.std()
    return disc * (ret - ret.mean()) / (std if std > 0 else 1.0)


def estimator_terms(mdp: ToyMDP, theta, obs, act, rew, kind: str) -> np.ndarray:
    """One gradient estimate per trajectory, sum_t w_t grad log pi(a_t|s_t), shape (N, S, A).

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp, sample_trajectories
        >>> mdp, theta = make_toy_mdp(), np.zeros((2, 2))
        >>> obs, act, rew = sample_trajectories(mdp, theta, 5, np.random.default_rng(0))
        >>> estimator_terms(mdp, theta, obs, act, rew, "G").shape
        (5, 2, 2)
    """
    w = estimator_weights(mdp, theta, obs, act, rew, kind)  # (N, T)
    score = grad_log_prob(theta, np.asarray(obs), np.asarray(act))  # (N, T, S, A)
    return np.einsum("nt,ntsa->nsa", w, score)


def estimator_table(mdp: ToyMDP, theta, obs, act, rew, exact_grad) -> dict:
    """Mean, standard error and variance of each estimator on one batch, against `exact_grad`.

    Returns:
        kind -> {"mean": (S, A), "se": (S, A), "z": (S, A) = (mean - exact) / se,
                 "total_var": the summed variance of one trajectory's estimate (a float)}.

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp, sample_trajectories, exact_gradient
        >>> mdp, theta = make_toy_mdp(), np.zeros((2, 2))
        >>> obs, act, rew = sample_trajectories(mdp, theta, 2000, np.random.default_rng(0))
        >>> table = estimator_table(mdp, theta, obs, act, rew, exact_gradient(mdp, theta))
        >>> bool(table["G - V"]["total_var"] < table["R"]["total_var"])
        True
    """
    exact_grad = np.asarray(exact_grad, dtype=np.float64)
    table = {}
    for kind in ESTIMATORS:
        terms = estimator_terms(mdp, theta, obs, act, rew, kind)  # (N, S, A)
        n = terms.shape[0]
        if n < 2:
            raise ValueError("the batch must hold at least 2 trajectories for a standard error")
        mean = terms.mean(axis=0)
        se = terms.std(axis=0, ddof=1) / np.sqrt(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(se > 0, (mean - exact_grad) / se, 0.0)
        table[kind] = {
            "mean": mean,
            "se": se,
            "z": z,
            "total_var": float(terms.var(axis=0, ddof=1).sum()),
        }
    return table


def baseline_term_expectation(mdp: ToyMDP, theta, baseline) -> np.ndarray:
    """E[sum_t gamma^t b_t(s_t, a_t) grad log pi(a_t | s_t)], exactly, over every trajectory.

    `baseline` has shape (T, n_states) (a baseline of the state and the step) or
    (T, n_states, n_actions) (one that also looks at the action). The lemma says the first
    kind gives exactly zero; the second kind in general does not.

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> mdp = make_toy_mdp()
        >>> b = np.random.default_rng(0).normal(size=(3, 2))
        >>> bool(np.allclose(baseline_term_expectation(mdp, np.zeros((2, 2)), b), 0.0))
        True
    """
    from course_lib.toy_mdp import enumerate_trajectories, trajectory_probs

    theta = _check_theta_for(mdp, theta)
    b = np.asarray(baseline, dtype=np.float64)
    T, S, A = mdp.horizon, mdp.n_states, mdp.n_actions
    if b.shape not in ((T, S), (T, S, A)):
        raise ValueError(f"baseline must have shape ({T}, {S}) or ({T}, {S}, {A}), got {b.shape}")
    obs, act = enumerate_trajectories(mdp)  # (K, T)
    prob = trajectory_probs(mdp, theta, obs, act)  # (K,)
    t = np.arange(T)
    b_t = b[t, obs] if b.ndim == 2 else b[t, obs, act]  # (K, T)
    w = mdp.gamma**t * b_t
    score = grad_log_prob(theta, obs, act)  # (K, T, S, A)
    return np.einsum("k,kt,ktsa->sa", prob, w, score)


def per_step_expectations(mdp: ToyMDP, theta) -> tuple[np.ndarray, np.ndarray]:
    """E[G_0 grad log pi(a_t|s_t)] and E[G_t grad log pi(a_t|s_t)] for every t, exactly.

    Summed over every trajectory. The rewards before t do not depend on a_t, so the lemma
    that makes a baseline harmless removes them, and the first equals gamma^t times the
    second. Summed over t, the first is grad J; the second, which drops the gamma^t, is a
    different vector unless gamma = 1.

    Returns:
        (e_g0, e_gt), each of shape (T, n_states, n_actions).

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> mdp = make_toy_mdp()
        >>> e_g0, e_gt = per_step_expectations(mdp, np.zeros((2, 2)))
        >>> bool(np.allclose(e_g0[2], mdp.gamma**2 * e_gt[2]))
        True
    """
    from course_lib.toy_mdp import enumerate_trajectories, rewards, trajectory_probs

    theta = _check_theta_for(mdp, theta)
    obs, act = enumerate_trajectories(mdp)  # (K, T)
    prob = trajectory_probs(mdp, theta, obs, act)  # (K,)
    ret = _returns_to_go(rewards(mdp, obs, act), mdp.gamma)  # (K, T): G_t
    score = grad_log_prob(theta, obs, act)  # (K, T, S, A)
    e_g0 = np.einsum("k,k,ktsa->tsa", prob, ret[:, 0], score)
    e_gt = np.einsum("k,kt,ktsa->tsa", prob, ret, score)
    return e_g0, e_gt
