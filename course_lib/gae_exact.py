"""The exact bias and variance of the GAE(lambda) gradient estimate on chapter 2's MDP (chapter 7).

The one-trajectory estimate is

    g = sum_t gamma^t A^lambda_t grad log pi(a_t | s_t),
    A^lambda_t = sum_m (gamma lambda)^m delta_{t+m},

with delta_t = r_t + gamma V(s_{t+1}) - V(s_t) from a value table V. The discounting
convention is chapter 2's and chapter 6's (`course_lib.variance`): the gamma^t stays in, so that
the expectation of the lambda = 1 estimate is grad J exactly, and at lambda = 1 with the exact
V the estimate is chapter 6's "G - V" estimator, term for term.

`toy_mdp`'s problem has a fixed horizon (T = 3), so how many steps are left is part of the
state: a value table has shape (T, n_states), V_t(s), and after the last step V_T = 0 (the
episode is over, not cut). Enumerating all 64 trajectories with their probabilities gives, with
no sampling,

    bias      = E[g] - grad J                          a vector; we report its norm
    variance  = E || g - E[g] ||^2                     the total variance (chapter 2)

Two value tables are compared:

    "exact"       V^pi_t(s), by backward induction (`variance.time_values`). Then
                  E[delta_{t+m} | s_t, a_t] = 0 for m >= 1 and
                  E[delta_t | s_t, a_t] = A^pi(s_t, a_t), so every lambda is unbiased and only
                  the variance changes with lambda.
    "time-blind"  the best V(s) that ignores the step t, fitted by least squares to G_t over
                  the steps the policy visits (an exact weighted mean, no sample). It is what a
                  value network that does not see the clock can at best learn, as on CartPole
                  (chapter 6's V_phi reads the 4 numbers, not the time). Its errors do not
                  cancel in the TD errors, so lambda < 1 is biased; lambda = 1 is not, since
                  there V is only a baseline of the state (chapter 6's lemma).
"""

from __future__ import annotations

import numpy as np

from course_lib.advantages import gae
from course_lib.returns import discounted_returns
from course_lib.softmax_policy import grad_log_prob
from course_lib.toy_mdp import (
    ToyMDP,
    _check_theta_for,
    enumerate_trajectories,
    exact_gradient,
    rewards,
    trajectory_probs,
)
from course_lib.variance import time_values

VALUE_KINDS = ("exact", "time-blind")


def time_blind_values(mdp: ToyMDP, theta) -> np.ndarray:
    """The least-squares V(s) that ignores t, repeated over t, shape (T, n_states).

    V(s) = argmin_v sum_t E[[s_t = s] (G_t - v)^2] = sum_t E[G_t [s_t = s]] / sum_t Pr(s_t = s),
    the mean return-to-go over every visit to s, whatever the step. A state never visited
    gets 0.

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> v = time_blind_values(make_toy_mdp(), np.zeros((2, 2)))
        >>> v.shape, bool(np.all(v[0] == v[2]))
        ((3, 2), True)
    """
    theta = _check_theta_for(mdp, theta)
    obs, act = enumerate_trajectories(mdp)  # (K, T)
    prob = trajectory_probs(mdp, theta, obs, act)  # (K,)
    ret = np.array([discounted_returns(r, mdp.gamma) for r in rewards(mdp, obs, act)])  # (K, T)
    onehot = np.eye(mdp.n_states)[obs]  # (K, T, S)
    visits = np.einsum("k,kts->s", prob, onehot)  # sum_t Pr(s_t = s)
    total = np.einsum("k,kt,kts->s", prob, ret, onehot)  # sum_t E[G_t [s_t = s]]
    v = np.divide(total, visits, out=np.zeros_like(total), where=visits > 0)
    return np.tile(v, (mdp.horizon, 1))


def value_table(mdp: ToyMDP, theta, kind: str) -> np.ndarray:
    """The value table V_t(s) of `kind` (one of VALUE_KINDS), shape (T, n_states).

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> value_table(make_toy_mdp(), np.zeros((2, 2)), "exact")[-1]  # one step left
        array([-0.25,  1.5 ])
    """
    if kind not in VALUE_KINDS:
        raise ValueError(f"kind must be one of {VALUE_KINDS}, got {kind!r}")
    return time_values(mdp, theta) if kind == "exact" else time_blind_values(mdp, theta)


def gae_terms(mdp: ToyMDP, theta, values, lam: float, obs, act) -> np.ndarray:
    """g for each trajectory, sum_t gamma^t A^lambda_t grad log pi(a_t | s_t), shape (K, S, A).

    Args:
        mdp, theta: the problem and the softmax logits, shape (n_states, n_actions).
        values: the value table V_t(s), shape (T, n_states).
        lam: lambda, in [0, 1].
        obs, act: the trajectories, int, shape (K, T).

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> mdp, theta = make_toy_mdp(), np.zeros((2, 2))
        >>> gae_terms(mdp, theta, np.zeros((3, 2)), 1.0, [[0, 1, 1]], [[1, 0, 0]]).shape
        (1, 2, 2)
    """
    theta = _check_theta_for(mdp, theta)
    values = np.asarray(values, dtype=np.float64)
    T, S = mdp.horizon, mdp.n_states
    if values.shape != (T, S):
        raise ValueError(f"values must have shape ({T}, {S}) (step, state), got {values.shape}")
    rew = rewards(mdp, obs, act)  # (K, T); checks obs and act
    obs, act = np.asarray(obs), np.asarray(act)
    v = values[np.arange(T), obs]  # (K, T): V_t(s_t)
    mask = np.ones(rew.T.shape, dtype=bool)  # every trajectory runs the full T steps
    adv = gae(rew.T, v.T, mask, mdp.gamma, lam).T  # (K, T); V_T = 0: the episode is over
    w = mdp.gamma ** np.arange(T) * adv  # gamma^t A_t
    return np.einsum("kt,ktsa->ksa", w, grad_log_prob(theta, obs, act))


def gae_bias_variance(mdp: ToyMDP, theta, values, lams) -> dict:
    """The exact bias and total variance of the one-trajectory GAE estimate, for each lambda.

    Returns:
        {"lam": (L,), "bias": (L, S, A) = E[g] - grad J, "bias_norm": (L,) its Euclidean norm,
         "variance": (L,) E||g - E g||^2, "mse": (L,) E||g - grad J||^2 = bias_norm^2 + variance}.

    Example:
        >>> from course_lib.toy_mdp import make_toy_mdp
        >>> mdp, theta = make_toy_mdp(), np.zeros((2, 2))
        >>> table = gae_bias_variance(mdp, theta, value_table(mdp, theta, "exact"), [0.0, 1.0])
        >>> bool(np.all(table["bias_norm"] < 1e-12))   # the exact V: unbiased at every lambda
        True
    """
    theta = _check_theta_for(mdp, theta)
    lams = np.atleast_1d(np.asarray(lams, dtype=np.float64))
    if lams.ndim != 1 or lams.size == 0:
        raise ValueError(f"lams must be a non-empty 1-D list of lambdas, got shape {lams.shape}")
    obs, act = enumerate_trajectories(mdp)
    prob = trajectory_probs(mdp, theta, obs, act)  # (K,)
    g_true = exact_gradient(mdp, theta)
    bias, variance = [], []
    for lam in lams:
        terms = gae_terms(mdp, theta, values, float(lam), obs, act)  # (K, S, A)
        mean = np.tensordot(prob, terms, axes=1)
        bias.append(mean - g_true)
        variance.append(float(prob @ ((terms - mean) ** 2).sum(axis=(1, 2))))
    bias = np.array(bias)
    bias_norm = np.sqrt((bias**2).sum(axis=(1, 2)))
    variance = np.array(variance)
    return {
        "lam": lams,
        "bias": bias,
        "bias_norm": bias_norm,
        "variance": variance,
        "mse": bias_norm**2 + variance,
    }
