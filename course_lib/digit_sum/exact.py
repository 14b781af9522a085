"""Exact expectations for the digit-sum task, by listing every completion (chapter 7).

Each completion y = (a_0 ... a_{T-1}) reaches exactly one target, its own digit sum, so the
n_tokens^T completions, each paired with its own sum as the prompt, are all the successes there
are. With the reward 0 or 1, the value of a prompt is its success probability,

    V^pi(s) = E[R(tau) | s_0 = s] = sum_{y : sum(y) = s} pi_theta(y | s),

and the objective is J(theta) = sum_s rho_0(s) V^pi(s), the mean over the uniform prompts.
PyTorch differentiates these sums, which gives grad J and each grad V^pi(s) exactly (up to
rounding). The expectation of a group estimator is sum_s rho_0(s) omega_K(V^pi(s)) grad V^pi(s)
(`course_lib.group_baselines.gradient_scale`).
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib.digit_sum.policy import DigitPolicy, check_policy
from course_lib.digit_sum.task import all_completions
from course_lib.group_baselines import gradient_scale


def success_probs(policy: DigitPolicy) -> torch.Tensor:
    """V^pi(s) = sum of pi_theta(y | s) over the completions y that add up to s, (n_targets,).

    A tensor with a graph, so that `.backward()` gives the exact gradient.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask, n_solutions
        >>> task = DigitSumTask(T=3)
        >>> v = success_probs(DigitPolicy(task, hidden=4))   # uniform: solutions / 27
        >>> bool(torch.allclose(v, torch.tensor(n_solutions(task) / 27.0)))
        True
    """
    policy = check_policy(policy)
    digits = all_completions(policy.task)  # (n_completions, T)
    sums = digits.sum(axis=1)  # each completion's own prompt
    prob = policy.log_prob(sums, digits).exp()  # (n_completions,)
    v = torch.zeros(policy.task.n_targets, dtype=prob.dtype)
    return v.index_add(0, torch.from_numpy(sums), prob)


def expected_reward(policy: DigitPolicy) -> float:
    """J(theta) = (1 / n_targets) sum_s V^pi(s), exactly.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> round(expected_reward(DigitPolicy(DigitSumTask(T=6))), 4)   # uniform: 1/13
        0.0769
    """
    with torch.no_grad():
        return float(success_probs(policy).mean())


def _flat_grad_of(scalar: torch.Tensor, policy: DigitPolicy) -> np.ndarray:
    grads = torch.autograd.grad(scalar, list(policy.parameters()), retain_graph=True)
    return torch.cat([g.reshape(-1) for g in grads]).numpy().copy()


def exact_gradient(policy: DigitPolicy) -> np.ndarray:
    """grad J(theta), by differentiating the exact sum, shape (n_params,) (`flat_params` order).

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> exact_gradient(DigitPolicy(DigitSumTask(T=3), hidden=4)).shape
        (87,)
    """
    return _flat_grad_of(success_probs(check_policy(policy)).mean(), policy)


def value_jacobian(policy: DigitPolicy) -> tuple[np.ndarray, np.ndarray]:
    """V^pi(s) and grad V^pi(s) of every prompt: shapes (n_targets,), (n_targets, n_params).

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=3), hidden=4, seed=1)
        >>> v, jac = value_jacobian(policy)
        >>> bool(np.allclose(jac.mean(axis=0), exact_gradient(policy)))   # rho_0 uniform
        True
    """
    v = success_probs(check_policy(policy))
    jac = np.stack([_flat_grad_of(v[s], policy) for s in range(v.numel())])
    return v.detach().numpy().copy(), jac


def expected_estimate(policy: DigitPolicy, advantages, K: int) -> np.ndarray:
    """E[g_hat] of a group estimator with K completions per prompt, exactly, shape (n_params,).

    E[g_hat] = sum_s rho_0(s) omega_K(V^pi(s)) grad V^pi(s): each prompt's part of the
    gradient, scaled by `gradient_scale`. Exact for an estimator whose advantages depend on the
    completion's own group only, and whose expected update is the sum over the group of
    A^{i,l} grad log pi_theta(y^{i,l} | s^i), divided by K.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> from course_lib.group_baselines import rloo_advantages
        >>> policy = DigitPolicy(DigitSumTask(T=3), hidden=4, seed=1)
        >>> bool(np.allclose(expected_estimate(policy, rloo_advantages, 4), exact_gradient(policy)))
        True
    """
    v, jac = value_jacobian(policy)
    omega = gradient_scale(advantages, np.clip(v, 0.0, 1.0), K)  # (n_targets,)
    return (omega[:, None] * jac).mean(axis=0)
