"""Checkers for the exercises of chapter 7, actor-critic, GAE and PPO.

Each checker takes your function and returns a `Feedback`; none of them raises, whatever it
is given. The GAE checker runs your function on a few episodes (one that fell, one cut by the
clock, lambda = 0 and 1) against `course_lib.advantages.gae`; the PPO checker compares your
fixed loss, and its gradient, with `course_lib.ppo.clipped_surrogate` on random batches.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib.advantages import gae
from course_lib.exercises import (
    Wrong,
    as_array,
    as_number,
    call_learner,
    checker,
    close,
    diagnose,
    fmt,
    judge,
    need_function,
    right,
)
from course_lib.group_baselines import grpo_advantages, leave_one_out_baseline, rloo_advantages
from course_lib.ppo import clipped_surrogate

# --- Exercise: the GAE recursion for one episode ---------------------------------------------


def _gae_cases():
    """(what, rew, values, last_value, gamma, lam): small episodes that tell the slips apart."""
    rng = np.random.default_rng(7)
    rew5, v5 = rng.normal(size=5), rng.normal(size=5)
    return [
        ("a 3-step episode that fell", np.array([1.0, 1.0, 1.0]), np.array([2.0, 1.5, 1.0]),
         0.0, 0.9, 0.8),
        ("a 3-step episode cut by the clock in a state worth 4",
         np.array([1.0, 1.0, 1.0]), np.array([2.0, 1.5, 1.0]), 4.0, 0.9, 0.8),
        ("a random 5-step episode, cut, lambda = 0", rew5, v5, 0.7, 0.95, 0.0),
        ("a random 5-step episode, cut, lambda = 1", rew5, v5, 0.7, 0.95, 1.0),
        ("a random 5-step episode, cut, lambda = 0.5", rew5, v5, -1.3, 0.9, 0.5),
    ]  # fmt: skip


def reference_gae(rew, values, last_value, gamma, lam) -> np.ndarray:
    """A_t of one episode, shape (T,), from `course_lib.advantages.gae` (last_value = V(s_T)).

    Example:
        >>> reference_gae([1.0, 1.0], [0.5, 0.5], 0.0, gamma=0.9, lam=0.5)  # ended: V(s_T) = 0
        array([1.175, 0.5  ])
    """
    rew = np.asarray(rew, dtype=float)[:, None]
    values = np.asarray(values, dtype=float)[:, None]
    mask = np.ones(rew.shape, dtype=bool)
    return gae(
        rew,
        values,
        mask,
        gamma,
        lam,
        last_values=np.array([last_value]),
        truncated=np.array([True]),
    )[:, 0]


def _gae_slips(rew, values, last_value, gamma, lam):
    """(candidate, message) pairs: what common mistakes return on this episode."""
    v_next = np.append(values[1:], last_value)
    delta = rew + gamma * v_next - values
    no_boot = reference_gae(rew, values, 0.0, gamma, lam)
    forward = np.zeros_like(delta)  # the recursion run from t = 0 upwards
    running = 0.0
    for t in range(len(delta)):
        running = delta[t] + gamma * lam * running
        forward[t] = running
    return [
        (reference_gae(rew, values, last_value, 1.0, lam),
         "gamma is missing somewhere: the TD error is r_t + gamma V(s_(t+1)) - V(s_t), and the "
         "recursion multiplies by gamma lambda."),
        (reference_gae(rew, values, last_value, gamma, 1.0) if lam < 1 else np.nan,
         "lambda is missing from the recursion: A_t = delta_t + gamma * lambda * A_(t+1)."),
        (delta if lam > 0 else np.nan,
         "these are the TD errors delta_t; now add gamma lambda times the next step's A."),
        (no_boot if last_value != 0 else np.nan,
         "after the last step use V(s_T) = last_value: this episode was cut by the clock, not "
         "ended by a fall, so the last TD error is r + gamma * last_value - V(s_(T-1))."),
        (forward,
         "run the recursion backwards, from t = T - 1 down to 0: A_t needs A_(t+1)."),
        (-reference_gae(rew, values, last_value, gamma, lam),
         "the sign is flipped: delta_t = r_t + gamma V(s_(t+1)) - V(s_t)."),
    ]  # fmt: skip


@checker
def check_gae(gae_one_episode):
    """`gae_one_episode(rew, values, last_value, gamma, lam)` -> A_t for each step, shape (T,).

    Example:
        >>> bool(check_gae(reference_gae))
        True
        >>> no_future = lambda rew, values, last_value, gamma, lam: rew - values
        >>> check_gae(no_future)  # doctest: +ELLIPSIS
        ✘ Not yet: on a 3-step episode that fell ...
    """
    need_function(gae_one_episode, "your function gae_one_episode", call="gae_one_episode")
    for what, rew, values, last_value, gamma, lam in _gae_cases():
        out = call_learner(
            gae_one_episode,
            rew.copy(),
            values.copy(),
            last_value,
            gamma,
            lam,
            what="gae_one_episode",
            none="gae_one_episode returned None: end it with `return adv`.",
        )
        got = as_array(out, f"the advantages on {what}", shape=rew.shape)
        want = reference_gae(rew, values, last_value, gamma, lam)
        if close(got, want):
            continue
        hint = diagnose(
            got,
            _gae_slips(rew, values, last_value, gamma, lam),
            "start from A_(T-1) = delta_(T-1), then A_t = delta_t + gamma lambda A_(t+1).",
        )
        raise Wrong(f"on {what} (gamma = {gamma}, lambda = {lam}) the answer is "
                     f"{fmt(want)}, yours {fmt(got)}: {hint}")  # fmt: skip
    return right(
        "your recursion matches the double sum sum_m (gamma lambda)^m delta_(t+m) on every "
        "case, and at lambda = 1 it gives G_t - V(s_t), bootstrapped at the cut."
    )


# --- Exercise: the bug in a PPO loss ---------------------------------------------------------


def buggy_ppo_loss(logp, logp_old, adv, clip_eps):
    """A PPO-clip loss with one bug in it: find it (chapter 7's exercise).

    Example:
        >>> logp = torch.tensor([0.0])     # the ratio is e^0.5: past 1 + eps
        >>> float(buggy_ppo_loss(logp, logp - 0.5, torch.tensor([1.0]), 0.2)) < -1.2
        True
    """
    ratio = torch.exp(logp - logp_old.detach())
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv
    return -torch.max(unclipped, clipped).mean()


def _ppo_batches():
    gen = torch.Generator().manual_seed(11)
    batches = []
    for m in (8, 40):
        logp_old = torch.log(torch.rand(m, generator=gen, dtype=torch.float64) * 0.9 + 0.05)
        logp = logp_old + 0.4 * torch.randn(m, generator=gen, dtype=torch.float64)
        adv = torch.randn(m, generator=gen, dtype=torch.float64)
        batches.append((logp, logp_old, adv))
    return batches


def _value_and_grad(fn, logp, logp_old, adv, eps, what):
    lp = logp.clone().requires_grad_(True)
    lo = logp_old.clone().requires_grad_(True)  # to see whether a gradient leaks into it
    out = call_learner(fn, lp, lo, adv.clone(), eps, what=what,
                       none=f"{what} returned None: end it with `return loss`.")  # fmt: skip
    if not isinstance(out, torch.Tensor) or out.numel() != 1:
        raise Wrong(f"{what} should return the loss as a one-number tensor, got "
                     f"{type(out).__name__}{tuple(getattr(out, 'shape', ()))}.")  # fmt: skip
    if not out.requires_grad:
        raise Wrong(f"{what}'s loss has no gradient to logp: did you detach logp itself?")
    out.backward()
    grad = lp.grad if lp.grad is not None else torch.zeros_like(lp)
    leak = lo.grad is not None and bool(torch.any(lo.grad != 0))
    return as_number(out.detach(), f"{what}'s loss"), grad.numpy(), leak


@checker
def check_fixed_ppo_loss(fixed_loss):
    """`fixed_loss(logp, logp_old, adv, clip_eps)` -> the PPO-clip loss, a 0-d tensor.

    Example:
        >>> bool(check_fixed_ppo_loss(clipped_surrogate))
        True
        >>> check_fixed_ppo_loss(buggy_ppo_loss)  # doctest: +ELLIPSIS
        ✘ Not yet: on batch 1 ... this is still the buggy loss.
    """
    need_function(fixed_loss, "your fixed loss", call="fixed_ppo_loss")
    for k, (logp, logp_old, adv) in enumerate(_ppo_batches()):
        what = f"batch {k + 1}"
        value, grad, leak = _value_and_grad(fixed_loss, logp, logp_old, adv, 0.2, "your loss")
        want, want_grad, _ = _value_and_grad(clipped_surrogate, logp, logp_old, adv, 0.2, "ref")
        if leak:
            raise Wrong("a gradient flows into logp_old: pi_old is fixed data, detach it.")
        if close(value, want) and close(grad, want_grad, atol=1e-10):
            continue
        bug, bug_grad, _ = _value_and_grad(buggy_ppo_loss, logp, logp_old, adv, 0.2, "bug")
        ratio = torch.exp(logp - logp_old)
        plain = float(-(ratio * adv).mean())
        flipped = torch.exp(logp_old - logp)
        hint = diagnose(
            value,
            [
                (close(value, bug) and close(grad, bug_grad), "this is still the buggy loss."),
                (-want, "the sign is flipped: the loss is MINUS the clipped objective."),
                (plain, "this is the unclipped surrogate -mean(eta A): the clip does nothing."),
                (float(torch.min(flipped * adv, flipped.clamp(0.8, 1.2) * adv).mean().neg()),
                 "the ratio is upside down: eta = pi_theta / pi_old = exp(logp - logp_old)."),
                (want * len(adv), "take the mean over the steps, not the sum."),
            ],
            "compare each element's min(eta A, clip(eta, 1 - eps, 1 + eps) A) with the "
            "chapter's formula.",
        )  # fmt: skip
        raise Wrong(f"on {what} your loss is {value:.6g}, the PPO-clip loss {want:.6g}: {hint}")
    return right(
        "torch.max became torch.min. With max, an element whose ratio has gone past 1 + eps in "
        "the direction its advantage favours keeps its full gradient (nothing stops the run "
        "away from pi_old), and one that moved the wrong way is clipped flat, so the step "
        "that made it worse is never undone: the opposite of what the clip is for."
    )


# --- Exercise: RLOO by hand -----------------------------------------------------------------

HAND_GROUP = (1.0, 0.0, 1.0, 1.0)  # the rewards R^1 .. R^4 of one prompt's K = 4 completions


@checker
def check_rloo_by_hand(answer):
    """`answer`: the RLOO advantages R^l - b^l of the four completions, shape (4,).

    Example:
        >>> bool(check_rloo_by_hand([1 / 3, -1, 1 / 3, 1 / 3]))
        True
        >>> check_rloo_by_hand([0.25, -0.75, 0.25, 0.25])  # doctest: +ELLIPSIS
        ✘ Not yet: you subtracted the group's mean 0.75, which includes ...
    """
    got = as_array(answer, "the four RLOO advantages", shape=(4,))
    rew = np.array(HAND_GROUP)[None]  # (1, K): one prompt's group
    K = rew.shape[1]
    base = leave_one_out_baseline(rew)[0]
    want = rloo_advantages(rew)[0]
    mean = rew.mean()
    slips = [
        (
            base,
            "these are the baselines b^l themselves; the advantage is R^l - b^l, the reward "
            "minus its baseline.",
        ),
        (
            rew[0] - mean,
            f"you subtracted the group's mean {mean}, which includes the completion's "
            "own reward; RLOO's baseline is the mean of the OTHER three rewards.",
        ),
        (
            grpo_advantages(rew, xi=0.0)[0],
            "these are GRPO's standardised advantages "
            "(R - mean) / std; RLOO subtracts the mean of the other three rewards "
            "and does not divide.",
        ),
        (-want, "the sign is flipped: the advantage is R^l - b^l, not b^l - R^l."),
        (
            rew[0] - (rew.sum() - rew[0]) / K,
            f"you divided the sum of the other rewards by K = {K}; "
            f"there are K - 1 = {K - 1} others, so divide by 3.",
        ),
    ]
    return judge(
        got,
        want,
        correct=(
            f"the baselines are {np.round(base, 3).tolist()}, so the advantages are "
            f"{np.round(want, 3).tolist()}. They add up to 0, and they are K/(K-1) = 4/3 times "
            "R minus the group's mean 3/4: only the failed completion's score is pushed down (with "
            "shared parameters, the net change of each probability also depends on the others' "
            "steps)."
        ),
        mistakes=slips,
        otherwise="for each completion, average the rewards of the other three (that is b^l), "
        "then subtract it from the completion's own reward.",
    )
