"""Tests for course_lib.ppo: the ratio, the clipped surrogate and its gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.ppo import approx_kl, clip_fraction, clipped_surrogate, importance_ratio


def _policy_batch(seed: int = 0, m: int = 50):
    """A small softmax policy on random features, and a batch of its actions and advantages."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(m, 5, generator=gen, dtype=torch.float64)
    W = torch.randn(5, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    act = torch.randint(3, (m,), generator=gen)
    adv = torch.randn(m, generator=gen, dtype=torch.float64)
    return x, W, act, adv


def _logp(x, W, act):
    return torch.log_softmax(x @ W, dim=-1)[torch.arange(len(act)), act]


def test_ratio_is_the_quotient_of_probabilities():
    p = torch.tensor([0.3, 0.9, 0.01], dtype=torch.float64)
    p_old = torch.tensor([0.6, 0.3, 0.02], dtype=torch.float64)
    np.testing.assert_allclose(importance_ratio(p.log(), p_old.log()), p / p_old, rtol=1e-12)


def test_gradient_at_ratio_one_is_the_reinforce_gradient():
    x, W, act, adv = _policy_batch()
    logp = _logp(x, W, act)
    clipped_surrogate(logp, logp.detach(), adv, clip_eps=0.2).backward()
    g_ppo = W.grad.clone()
    W.grad = None
    # Chapter 4's loss on the same batch: -(1/M) sum_j A_j log pi(a_j | s_j).
    (-(adv * _logp(x, W, act)).mean()).backward()
    np.testing.assert_allclose(g_ppo.numpy(), W.grad.numpy(), rtol=1e-12, atol=1e-14)
    # ... and against a hand-written score of the softmax: onehot(a) - pi.
    pi = torch.softmax(x @ W, dim=-1).detach()
    score = torch.einsum("md,mk->mdk", x, torch.eye(3, dtype=torch.float64)[act] - pi)
    np.testing.assert_allclose(g_ppo.numpy(), -(adv[:, None, None] * score).mean(0), atol=1e-12)


def test_loss_at_ratio_one_is_minus_the_mean_advantage():
    x, W, act, adv = _policy_batch(seed=1)
    logp = _logp(x, W, act)
    loss = clipped_surrogate(logp, logp.detach(), adv, clip_eps=0.2)
    assert float(loss.detach()) == pytest.approx(-float(adv.mean()), rel=1e-12)


@pytest.mark.parametrize(
    ("ratio", "adv", "zero_grad"),
    [
        (1.5, 1.0, True),  # pushed past 1 + eps in the direction A favours: clipped, no gradient
        (0.5, -1.0, True),  # pushed below 1 - eps with A < 0: clipped
        (0.5, 1.0, False),  # moved the wrong way for A > 0: the min keeps the unclipped term
        (1.5, -1.0, False),  # moved the wrong way for A < 0: unclipped
        (1.1, 1.0, False),  # inside the range: the plain surrogate
    ],
)
def test_gradient_of_a_clipped_element_is_zero(ratio, adv, zero_grad):
    logp_old = torch.tensor([np.log(0.4)], dtype=torch.float64)
    logp = (logp_old + np.log(ratio)).clone().requires_grad_(True)
    loss = clipped_surrogate(logp, logp_old, torch.tensor([adv], dtype=torch.float64), 0.2)
    loss.backward()
    if zero_grad:
        assert float(logp.grad) == 0.0
        assert float(loss.detach()) == pytest.approx(-(1.2 if ratio > 1 else 0.8) * adv)
    else:  # d(-rho A)/d logp = -rho A
        assert float(logp.grad) == pytest.approx(-ratio * adv)
        assert float(loss.detach()) == pytest.approx(-ratio * adv)


def test_sign_convention_descending_the_loss_raises_good_actions():
    logp_old = torch.log(torch.tensor([0.5, 0.5], dtype=torch.float64))
    logp = logp_old.clone().requires_grad_(True)
    adv = torch.tensor([2.0, -2.0], dtype=torch.float64)
    clipped_surrogate(logp, logp_old, adv, 0.2).backward()
    step = -logp.grad  # gradient descent on the loss
    assert step[0] > 0 > step[1]  # the better-than-average action gets more likely


def test_no_gradient_flows_into_logp_old_or_adv():
    logp_old = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    adv = torch.ones(3, dtype=torch.float64, requires_grad=True)
    logp = torch.tensor([0.1, -0.1, 0.0], dtype=torch.float64, requires_grad=True)
    clipped_surrogate(logp, logp_old, adv, 0.2).backward()
    assert logp_old.grad is None and adv.grad is None and logp.grad is not None


def test_loss_equals_a_loop_over_elements():
    gen = torch.Generator().manual_seed(3)
    logp_old = torch.randn(4, 6, generator=gen, dtype=torch.float64)
    logp = logp_old + 0.5 * torch.randn(4, 6, generator=gen, dtype=torch.float64)
    adv = torch.randn(4, 6, generator=gen, dtype=torch.float64)
    eps = 0.15
    terms = []
    rows = zip(logp.ravel().tolist(), logp_old.ravel().tolist(), adv.ravel().tolist(), strict=True)
    for lp, lo, a in rows:
        r = np.exp(lp - lo)
        terms.append(min(r * a, min(max(r, 1 - eps), 1 + eps) * a))
    assert float(clipped_surrogate(logp, logp_old, adv, eps)) == pytest.approx(-np.mean(terms))


def test_diagnostics():
    logp_old = torch.zeros(4, dtype=torch.float64)
    logp = torch.log(torch.tensor([1.0, 1.1, 1.3, 0.7], dtype=torch.float64))
    assert clip_fraction(logp, logp_old, 0.2) == pytest.approx(0.5)
    r = np.array([1.0, 1.1, 1.3, 0.7])
    assert approx_kl(logp, logp_old) == pytest.approx(np.mean(r - 1 - np.log(r)))
    assert approx_kl(logp, logp_old) > 0


def test_bad_input_names_the_argument():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match="adv"):
        clipped_surrogate(x, x, torch.zeros(4), 0.2)
    with pytest.raises(TypeError, match="logp_old"):
        clipped_surrogate(x, np.zeros(3), x, 0.2)
    with pytest.raises(ValueError, match="clip_eps"):
        clipped_surrogate(x, x, x, 1.5)
    with pytest.raises(TypeError, match="clip_eps"):
        clipped_surrogate(x, x, x, "0.2")
    with pytest.raises(TypeError, match="logp"):
        importance_ratio(torch.zeros(3, dtype=torch.int64), x)
