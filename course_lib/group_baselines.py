r"""Baselines from a group of completions of one prompt: RLOO and GRPO (chapter 7).

Language-model trainers sample K completions of every prompt. Prompt i's group of rewards
R^{i,1}, ..., R^{i,K} is the row i of an array `rew` of shape (N, K), and each completion's
advantage is built from its own group only:

    REINFORCE   A^{i,l} = R^{i,l}                                   (no baseline)
    RLOO        A^{i,l} = R^{i,l} - b^{i,l},  b^{i,l} = (1 / (K-1)) sum_{l' != l} R^{i,l'}
    GRPO        A^{i,l} = (R^{i,l} - Gbar^i) / (sigma_G^i + xi)

with Gbar^i and sigma_G^i the mean and (population) standard deviation of row i: chapter 4's
standardisation, taken over one prompt's group instead of the whole batch. RLOO's baseline
b^{i,l} leaves out completion l itself, so it does not depend on that completion's action
and, by chapter 6's lemma, leaves the gradient unbiased. Since
b^{i,l} = (K Gbar^i - R^{i,l}) / (K - 1),  RLOO = K / (K-1) (R^{i,l} - Gbar^i).

With a reward of 0 or 1 the expectation of any such advantage can be computed exactly: given
the completion's own reward, only the number of successes among the other K - 1 matters, and
it is Binomial(K - 1, v) when the prompt's success probability is v. `expected_advantage`
enumerates it; `gradient_scale` turns it into the factor omega_K(v) by which the estimator's
expected update multiplies the gradient of v (1 for an unbiased estimator).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from course_lib._validate import as_finite_array, as_real, check_int


def _check_groups(rew) -> np.ndarray:
    rew = as_finite_array("rew", rew, ndim=2)
    if rew.shape[1] < 2:
        raise ValueError(
            f"rew must hold at least 2 completions per prompt (shape (N, K), K >= 2), "
            f"got shape {rew.shape}"
        )
    return rew


def leave_one_out_baseline(rew) -> np.ndarray:
    """b^{i,l}: the mean reward of the OTHER K - 1 completions of the same prompt, (N, K).

    b^{i,l} = (sum_{l'} R^{i,l'} - R^{i,l}) / (K - 1).

    Args:
        rew: the rewards, shape (N, K): one row per prompt, one column per completion.

    Example:
        >>> leave_one_out_baseline([[1.0, 0.0, 0.0, 1.0]])   # the others: (0+0+1)/3, ...
        array([[0.33333333, 0.66666667, 0.66666667, 0.33333333]])
    """
    rew = _check_groups(rew)
    K = rew.shape[1]
    return (rew.sum(axis=1, keepdims=True) - rew) / (K - 1)


def rloo_advantages(rew) -> np.ndarray:
    """RLOO's A^{i,l} = R^{i,l} - b^{i,l}, with the leave-one-out baseline, shape (N, K).

    Equal to K / (K - 1) times R^{i,l} minus the group's mean.

    Example:
        >>> rloo_advantages([[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
        array([[ 0.66666667, -0.66666667, -0.66666667,  0.66666667],
               [ 0.        ,  0.        ,  0.        ,  0.        ]])
    """
    rew = _check_groups(rew)
    return rew - leave_one_out_baseline(rew)


def grpo_advantages(rew, xi: float = 1e-4) -> np.ndarray:
    """GRPO's A^{i,l} = (R^{i,l} - Gbar^i) / (sigma_G^i + xi), per prompt's group, (N, K).

    Gbar^i and sigma_G^i are the mean and the population standard deviation (ddof = 0, as
    chapter 4's `standardize`) of row i. A group whose rewards are all equal has nothing to
    compare and gets advantage 0 everywhere.

    Args:
        rew: the rewards, shape (N, K).
        xi: the small constant that keeps the division finite, >= 0.

    Example:
        >>> grpo_advantages([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]], xi=0.0).round(4)
        array([[ 1.7321, -0.5774, -0.5774, -0.5774],
               [ 0.    ,  0.    ,  0.    ,  0.    ]])
    """
    rew = _check_groups(rew)
    xi = as_real("xi", xi)
    if xi < 0.0:
        raise ValueError(f"xi must be >= 0, got {xi}")
    centred = rew - rew.mean(axis=1, keepdims=True)
    std = centred.std(axis=1, keepdims=True)
    # A constant row leaves rounding noise in `centred`; with xi = 0 it would be blown up.
    flat = np.ptp(rew, axis=1, keepdims=True) == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        adv = np.where(flat, 0.0, centred / (std + xi))
    return adv


def expected_advantage(advantages, v, K: int) -> np.ndarray:
    """E[A^{i,l} | R^{i,l} = r] for r = 0 and r = 1, exactly, for 0/1 rewards: v.shape + (2,).

    The other K - 1 rewards of the group are independent Bernoulli(v), so their number of
    successes m is Binomial(K - 1, v):

        E[A | R = r] = sum_{m=0}^{K-1} Binom(m; K-1, v) A([r, m ones, K-1-m zeros])[0].

    Args:
        advantages: a function from rewards (n, K) to advantages (n, K), symmetric in the
            completions (any of this module's, or ``lambda rew: rew`` for none).
        v: the success probabilities, any shape, in [0, 1].
        K: the group size, >= 2.

    Example:
        >>> expected_advantage(rloo_advantages, 0.25, K=4)   # r - v: RLOO's baseline is v
        array([-0.25,  0.75])
    """
    if not callable(advantages):
        raise TypeError(f"advantages must be a function, got {type(advantages).__name__}")
    K = check_int("K", K, low=2)
    v = as_finite_array("v", v)
    if np.any((v < 0) | (v > 1)):
        raise ValueError("v must lie in [0, 1]: it holds success probabilities")
    m = np.arange(K)  # successes among the other K - 1
    groups = np.zeros((2, K, K))  # (own reward r, m, completion)
    groups[:, :, 0] = [[0.0], [1.0]]
    groups[:, :, 1:] = np.arange(1, K)[None, None, :] <= m[None, :, None]
    own = np.asarray(advantages(groups.reshape(2 * K, K)), dtype=float).reshape(2, K, K)[..., 0]
    pmf = binom.pmf(m, K - 1, v[..., None])  # v.shape + (K,)
    return np.stack([pmf @ own[0], pmf @ own[1]], axis=-1)


def gradient_scale(advantages, v, K: int) -> np.ndarray:
    """omega_K(v) = E[A | R = 1] - E[A | R = 0]: how much the estimator scales grad v, v.shape.

    With 0/1 rewards a prompt contributes sum_y grad pi(y) E[A | R(y)] to the expected
    update, and since sum_y grad pi(y) = 0 that is omega_K(v) grad v: the prompt's part of
    the exact gradient, times omega_K(v). An estimator with omega = 1 for every v is unbiased.

    Example:
        >>> gradient_scale(rloo_advantages, [0.1, 0.5, 0.9], K=4)
        array([1., 1., 1.])
        >>> gradient_scale(grpo_advantages, [0.1, 0.5, 0.9], K=4).round(3)
        array([1.69 , 1.616, 1.69 ])
    """
    e = expected_advantage(advantages, v, K)
    return e[..., 1] - e[..., 0]
