"""Tests for the chapter 7 checkers: right answers pass, typical mistakes get a useful hint."""

import numpy as np
import pytest
import torch

from course_lib.exercises import Feedback, source_without_docstring
from course_lib.exercises.ch07 import (
    buggy_ppo_loss,
    check_fixed_ppo_loss,
    check_gae,
    check_rloo_by_hand,
)
from course_lib.group_baselines import grpo_advantages, rloo_advantages
from course_lib.ppo import clipped_surrogate


def gae_right(rew, values, last_value, gamma, lam):
    v_next = np.append(values[1:], last_value)
    delta = rew + gamma * v_next - values
    adv, running = np.zeros_like(delta), 0.0
    for t in range(len(delta) - 1, -1, -1):
        running = delta[t] + gamma * lam * running
        adv[t] = running
    return adv


def gae_no_lambda(rew, values, last_value, gamma, lam):
    return gae_right(rew, values, last_value, gamma, 1.0)


def gae_no_gamma_in_recursion(rew, values, last_value, gamma, lam):
    delta = rew + gamma * np.append(values[1:], last_value) - values
    adv, running = np.zeros_like(delta), 0.0
    for t in range(len(delta) - 1, -1, -1):
        running = delta[t] + lam * running
        adv[t] = running
    return adv


def gae_no_bootstrap(rew, values, last_value, gamma, lam):
    return gae_right(rew, values, 0.0, gamma, lam)


def gae_deltas(rew, values, last_value, gamma, lam):
    return rew + gamma * np.append(values[1:], last_value) - values


def gae_forward(rew, values, last_value, gamma, lam):
    delta = gae_deltas(rew, values, last_value, gamma, lam)
    adv, running = np.zeros_like(delta), 0.0
    for t in range(len(delta)):
        running = delta[t] + gamma * lam * running
        adv[t] = running
    return adv


def test_gae_accepts_the_recursion():
    fb = check_gae(gae_right)
    assert isinstance(fb, Feedback) and fb, fb


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (gae_no_lambda, "lambda is missing"),
        (gae_no_bootstrap, "cut by the clock"),
        (gae_deltas, "TD errors"),
        (gae_forward, "backwards"),
        (lambda r, v, l, g, lam: -gae_right(r, v, l, g, lam), "sign"),
        (lambda r, v, l, g, lam: gae_right(r, v, l, 1.0, lam), "gamma is missing"),
        (gae_no_gamma_in_recursion, "A_t = delta_t + gamma lambda"),
        (lambda r, v, l, g, lam: None, "returned None"),
        (lambda r, v, l, g, lam: np.zeros(2), "shape"),
        (lambda r, v, l, g, lam: 1 / 0, "ZeroDivisionError"),
        (lambda r, v: r, "parameters"),
        (..., "replace the ..."),
        (np.zeros(3), "pass the function itself"),
    ],
)
def test_gae_hints(fn, hint):
    fb = check_gae(fn)
    assert isinstance(fb, Feedback) and not fb and hint in fb.message, fb


def test_ppo_accepts_the_fix_and_rejects_the_bug():
    assert check_fixed_ppo_loss(clipped_surrogate)

    def fixed(logp, logp_old, adv, clip_eps):
        ratio = torch.exp(logp - logp_old.detach())
        clipped = torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv
        return -torch.min(ratio * adv, clipped).mean()

    assert check_fixed_ppo_loss(fixed)
    fb = check_fixed_ppo_loss(buggy_ppo_loss)
    assert not fb and "still the buggy loss" in fb.message


def _flip(fn):
    return lambda logp, logp_old, adv, eps: -fn(logp, logp_old, adv, eps)


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (_flip(clipped_surrogate), "sign"),
        (lambda lp, lo, a, e: -(torch.exp(lp - lo.detach()) * a).mean(), "unclipped"),
        (lambda lp, lo, a, e: clipped_surrogate(lp, lo, a, e) * len(a), "mean"),
        (
            lambda lp, lo, a, e: (
                -torch.min(
                    torch.exp(lo.detach() - lp) * a, torch.exp(lo.detach() - lp).clamp(0.8, 1.2) * a
                ).mean()
            ),
            "upside down",
        ),
        (
            lambda lp, lo, a, e: (
                -torch.min(
                    torch.exp(lp - lo) * a, torch.exp(lp - lo).clamp(1 - e, 1 + e) * a
                ).mean()
            ),
            "logp_old",
        ),
        (lambda lp, lo, a, e: clipped_surrogate(lp.detach(), lo, a, e), "detach"),
        (lambda lp, lo, a, e: clipped_surrogate(lp, lo, a, e).item(), "tensor"),
        (lambda lp, lo, a, e: None, "returned None"),
        (..., "replace the ..."),
    ],
)
def test_ppo_hints(fn, hint):
    fb = check_fixed_ppo_loss(fn)
    assert isinstance(fb, Feedback) and not fb and hint in fb.message, fb


def test_the_bug_is_a_real_bug():
    """max instead of min: a clipped element in the favoured direction keeps its gradient."""
    logp_old = torch.log(torch.tensor([0.4], dtype=torch.float64))
    logp = (logp_old + np.log(1.5)).requires_grad_(True)
    buggy_ppo_loss(logp, logp_old, torch.tensor([1.0], dtype=torch.float64), 0.2).backward()
    assert float(logp.grad) != 0.0


REW = np.array([[1.0, 0.0, 1.0, 1.0]])


def test_right_answer_passes_and_agrees_with_the_library():
    answer = rloo_advantages(REW)[0]
    result = check_rloo_by_hand(answer)
    assert result and "add up to 0" in result.message
    assert check_rloo_by_hand([1 / 3, -1.0, 1 / 3, 1 / 3])
    assert check_rloo_by_hand(np.array([1 / 3, -1, 1 / 3, 1 / 3]).tolist())


@pytest.mark.parametrize(
    "answer, says",
    [
        ([2 / 3, 1.0, 2 / 3, 2 / 3], "baselines"),
        ([0.25, -0.75, 0.25, 0.25], "OTHER"),
        (list(grpo_advantages(REW, xi=0.0)[0]), "GRPO"),
        ([-1 / 3, 1.0, -1 / 3, -1 / 3], "sign"),
        ([0.5, -0.75, 0.5, 0.5], "K - 1"),
        ([1.0, 0.0, 0.0, 0.0], "average"),
    ],
)
def test_common_mistakes_get_a_specific_message(answer, says):
    result = check_rloo_by_hand(answer)
    assert isinstance(result, Feedback) and not result
    assert says in result.message


@pytest.mark.parametrize("answer", [..., None, "1/3", [1.0, 2.0], [np.nan, 0, 0, 0], object()])
def test_never_raises_on_bad_input(answer):
    result = check_rloo_by_hand(answer)
    assert isinstance(result, Feedback) and not result


def test_source_without_docstring_shows_the_body_only():
    shown = source_without_docstring(buggy_ppo_loss)
    assert shown.startswith("def buggy_ppo_loss(") and '"""' not in shown
    assert "torch.max(unclipped, clipped)" in shown
    assert source_without_docstring(gae_right).splitlines()[1].strip().startswith("v_next")
