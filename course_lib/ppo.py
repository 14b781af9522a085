"""The importance ratio and PPO's clipped surrogate loss (chapter 7).

PPO (Schulman et al. 2017) reuses one batch of steps, sampled with the parameters theta_old,
for several gradient steps. The policy-gradient loss of chapter 4, -(1/M) sum_j A_j log pi,
is only right at theta = theta_old; away from it the steps were drawn from the wrong policy,
and the importance ratio

    eta_j(theta) = pi_theta(a_j | s_j) / pi_theta_old(a_j | s_j) = exp(logp_j - logp_old_j)

reweights them (the book writes the ratio eta, since r_t is the reward and rho_t the state
distribution; Schulman et al. write r_t(theta)). The surrogate (1/M) sum_j eta_j A_j has the
policy gradient as its gradient at eta = 1, since grad eta = eta grad log pi. PPO-clip stops
the incentive to move eta further than a factor 1 +- epsilon in the direction the advantage
favours:

    L^CLIP(theta) = -(1/M) sum_j min(eta_j A_j, clip(eta_j, 1 - epsilon, 1 + epsilon) A_j)

(a loss, to minimise: the minus sign turns PPO's objective into what PyTorch's optimisers
expect). An element whose ratio has left the range on the side its advantage pushes towards
(eta > 1 + epsilon with A > 0, eta < 1 - epsilon with A < 0) contributes a constant, so its
gradient is zero; on the other side the min keeps the unclipped term, whose gradient still
pulls back a step that made things worse.

Tensors here are PyTorch tensors of one shape, any shape (M,) or (T, N); the mean runs over
all their elements.
"""

from __future__ import annotations

import torch

from course_lib._validate import check_open_probability


def _check_tensors(**tensors: torch.Tensor) -> None:
    shape = None
    first = None
    for name, x in tensors.items():
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        if not torch.is_floating_point(x):
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
        if x.numel() == 0:
            raise ValueError(f"{name} must not be empty")
        if shape is None:
            shape, first = x.shape, name
        elif x.shape != shape:
            raise ValueError(
                f"{name} must have the shape of {first} {tuple(shape)}, got {tuple(x.shape)}"
            )


def importance_ratio(logp: torch.Tensor, logp_old: torch.Tensor) -> torch.Tensor:
    """eta = pi_theta(a|s) / pi_theta_old(a|s) = exp(logp - logp_old), the shape of `logp`.

    The ratio of log-probabilities is taken as a difference of logs and then exponentiated,
    which stays accurate where the probabilities themselves are tiny.

    Example:
        >>> p, p_old = torch.tensor([0.5, 0.2]), torch.tensor([0.25, 0.4])
        >>> importance_ratio(torch.log(p), torch.log(p_old))
        tensor([2.0000, 0.5000])
    """
    _check_tensors(logp=logp, logp_old=logp_old)
    return torch.exp(logp - logp_old)


def clipped_surrogate(
    logp: torch.Tensor, logp_old: torch.Tensor, adv: torch.Tensor, clip_eps: float
) -> torch.Tensor:
    """L^CLIP = -mean(min(eta A, clip(eta, 1 - eps, 1 + eps) A)), a scalar loss to minimise.

    Args:
        logp: log pi_theta(a_j | s_j) under the current parameters, with a graph, any shape.
        logp_old: log pi_theta_old(a_j | s_j) when the steps were sampled; no gradient flows
            through it (it is detached here), same shape.
        adv: the advantage estimates A_j, treated as constants (detached), same shape.
        clip_eps: epsilon, the half-width of the trust range of the ratio, in (0, 1).

    Returns:
        a 0-d tensor: the mean over all elements of -min(eta A, clip(eta) A).

    Example:
        >>> logp_old = torch.log(torch.tensor([0.5, 0.5, 0.5]))
        >>> logp = torch.log(torch.tensor([0.5, 0.75, 0.75]))   # ratios 1, 1.5, 1.5
        >>> adv = torch.tensor([1.0, 1.0, -1.0])
        >>> clipped_surrogate(logp, logp_old, adv, clip_eps=0.2)   # -(1 + 1.2 - 1.5) / 3
        tensor(-0.2333)
    """
    _check_tensors(logp=logp, logp_old=logp_old, adv=adv)
    clip_eps = check_open_probability("clip_eps", clip_eps)
    adv = adv.detach()
    ratio = importance_ratio(logp, logp_old.detach())
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * adv
    return -torch.min(unclipped, clipped).mean()


def clip_fraction(logp: torch.Tensor, logp_old: torch.Tensor, clip_eps: float) -> float:
    """The share of elements whose ratio lies outside [1 - eps, 1 + eps], a float in [0, 1].

    A diagnostic PPO programs print: near 0 the clip never acts, near 1 the epochs have
    pushed the policy far from the one that sampled the batch.

    Example:
        >>> clip_fraction(torch.tensor([0.0, 0.5, -0.5]), torch.zeros(3), clip_eps=0.2)
        0.6666666666666666
    """
    _check_tensors(logp=logp, logp_old=logp_old)
    clip_eps = check_open_probability("clip_eps", clip_eps)
    ratio = importance_ratio(logp.detach(), logp_old.detach())
    return float(((ratio - 1.0).abs() > clip_eps).double().mean())


def approx_kl(logp: torch.Tensor, logp_old: torch.Tensor) -> float:
    """An estimate of KL(pi_old || pi_theta) from the sampled actions: mean((eta - 1) - log eta).

    Each term is >= 0 and its expectation under pi_old is the KL divergence exactly
    (E_old[eta] = 1), so it is an unbiased, never-negative estimate (Schulman's "k3").

    Example:
        >>> approx_kl(torch.zeros(4), torch.zeros(4))
        0.0
    """
    _check_tensors(logp=logp, logp_old=logp_old)
    log_ratio = (logp - logp_old).detach()
    return float((torch.expm1(log_ratio) - log_ratio).mean())
