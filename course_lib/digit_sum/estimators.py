r"""Four estimators of grad J on the digit-sum task: their advantages and their losses (chapter 7).

A batch holds N prompts s^1 ... s^N and K completions y^{i,1} ... y^{i,K} of each, with
rewards R^{i,l} (shape (N, K)). Every estimator here has the form

    g_hat = (1 / (N K)) sum_{i,l} A^{i,l} grad log pi_theta(y^{i,l} | s^i)

and they differ only in the advantage A^{i,l} (`advantages`):

    "reinforce"  R^{i,l}                                  no baseline
    "value"      R^{i,l} - V_phi(s^i)                     a learned value of the prompt
    "rloo"       R^{i,l} - mean of the other K-1 rewards  leave-one-out (RLOO)
    "grpo"       (R^{i,l} - Gbar^i) / (sigma_G^i + xi)    the group's standardisation (GRPO)
    "batch_std"  (R^{i,l} - Gbar) / sigma_G               chapter 4's: over the whole batch

GRPO trains through PPO's clipped surrogate on every token (`course_lib.ppo`), which at
theta = theta_old has the gradient of the sum above divided by N K T: `policy_loss` is the
trainers' loss, and `batch_gradient` undoes the 1/T of GRPO's mean over tokens, so that all rows
estimate on one scale. "batch_std" is not trained; it is the reference row that shows what
chapter 4's standardisation does to the same batches.

How biased and how noisy each one is, measured on the same batches, is in
`course_lib.digit_sum.bias_variance`.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib._validate import as_finite_array
from course_lib.digit_sum.policy import DigitPolicy, flat_grad
from course_lib.digit_sum.task import check_digits, check_targets
from course_lib.group_baselines import grpo_advantages, rloo_advantages
from course_lib.ppo import clipped_surrogate
from course_lib.returns import standardize

ESTIMATORS = ("reinforce", "value", "rloo", "grpo")  # the four that are trained
KINDS = (*ESTIMATORS, "batch_std")
LABELS = {
    "reinforce": "REINFORCE",
    "value": "REINFORCE + V_phi",
    "rloo": "RLOO",
    "grpo": "GRPO",
    "batch_std": "batch std (ch. 4)",
}


def advantages(kind: str, rew, values=None, xi: float = 1e-4) -> np.ndarray:
    """A^{i,l} of estimator `kind` for the rewards `rew` (N, K), shape (N, K).

    Args:
        kind: one of KINDS.
        rew: the rewards, one row per prompt.
        values: V_phi(s^i) of each row's prompt, shape (N,); only "value" reads it.
        xi: GRPO's constant that keeps the division finite.

    Example:
        >>> rew = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 1.0]])
        >>> advantages("value", rew, values=np.array([0.5, 0.5]))
        array([[ 0.5, -0.5, -0.5, -0.5],
               [ 0.5,  0.5, -0.5,  0.5]])
        >>> advantages("batch_std", rew).round(2)          # one mean, one std: 0.5 and 0.5
        array([[ 1., -1., -1., -1.],
               [ 1.,  1., -1.,  1.]])
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    rew = as_finite_array("rew", rew, ndim=2)
    if kind == "reinforce":
        return rew.copy()
    if kind == "value":
        if values is None:
            raise ValueError('kind "value" needs values, V_phi of each prompt, shape (N,)')
        values = as_finite_array("values", values, ndim=1)
        if values.shape != rew.shape[:1]:
            raise ValueError(f"values must have shape ({rew.shape[0]},), got {values.shape}")
        return rew - values[:, None]
    if kind == "rloo":
        return rloo_advantages(rew)
    if kind == "grpo":
        return grpo_advantages(rew, xi=xi)
    return standardize(rew)  # chapter 4's rule: one mean and one std over the whole batch


def policy_loss(
    policy: DigitPolicy, kind: str, targets, digits, adv, logp_old=None, clip_eps: float = 0.2
) -> torch.Tensor:
    """The loss a trainer minimises for one batch: at theta_old its gradient is -g_hat (GRPO: / T).

    REINFORCE, V_phi and RLOO: -(1 / (N K)) sum A^{i,l} log pi_theta(y^{i,l} | s^i).
    GRPO: PPO's clipped surrogate with one ratio per token, every token of completion (i, l)
    weighted by A^{i,l}, averaged over the N K T tokens.

    Args:
        policy: the policy.
        kind: one of ESTIMATORS.
        targets: the prompts, shape (N,).
        digits: the completions, shape (N, K, T).
        adv: the advantages, shape (N, K).
        logp_old: GRPO only: log pi_theta_old of every token, shape (N, K, T); None means
            the current policy's, detached (the first step on a fresh batch).
        clip_eps: GRPO only: PPO's epsilon.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
        >>> digits = np.array([[[0, 1], [1, 1]]])                 # one prompt, K = 2
        >>> loss = policy_loss(policy, "rloo", np.array([1]), digits, np.array([[1.0, -1.0]]))
        >>> abs(round(loss.item(), 6))                     # uniform: logp equal, A sums to 0
        0.0
    """
    if kind not in ESTIMATORS:
        raise ValueError(f"kind must be one of {ESTIMATORS}, got {kind!r}")
    targets = check_targets(policy.task, targets)
    digits = check_digits(policy.task, digits)
    N, K, T = digits.shape
    if targets.shape != (N,):
        raise ValueError(f"targets must have shape ({N},), got {targets.shape}")
    adv = torch.as_tensor(np.asarray(adv, dtype=np.float64))
    if adv.shape != (N, K):
        raise ValueError(f"adv must have shape ({N}, {K}), got {tuple(adv.shape)}")
    logp = policy.log_prob_tokens(np.repeat(targets, K), digits.reshape(N * K, T))
    logp = logp.reshape(N, K, T)
    if kind != "grpo":
        return -(adv * logp.sum(dim=-1)).mean()
    if logp_old is None:
        logp_old = logp.detach()
    logp_old = torch.as_tensor(logp_old, dtype=logp.dtype)
    return clipped_surrogate(logp, logp_old, adv[..., None].expand(N, K, T), clip_eps)


def batch_gradient(policy: DigitPolicy, kind: str, targets, digits, adv) -> np.ndarray:
    """g_hat of one fresh batch, through the trainer's own loss, shape (n_params,).

    -grad of `policy_loss` at theta = theta_old, times T for GRPO (whose loss averages over
    the T tokens of each completion), so every kind estimates on the scale of grad J.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
        >>> g = batch_gradient(policy, "reinforce", np.array([1]), np.array([[[0, 1]]]), [[1.0]])
        >>> g.shape
        (67,)
    """
    policy.zero_grad()
    policy_loss(policy, kind, targets, digits, adv).backward()
    g = -flat_grad(policy)
    policy.zero_grad()
    return g * policy.task.T if kind == "grpo" else g
