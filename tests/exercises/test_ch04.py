"""Tests for chapter 4's checkers: right answers pass, wrong ones get a useful message.

That no junk answer makes a checker raise is tested for every chapter in test_framework.py."""

import numpy as np
import torch

from course_lib.exercises.ch04 import (
    STEP_ACT,
    STEP_P,
    STEP_W,
    check_backward,
    check_batch_weights,
    check_logit_weight,
    check_pg_loss,
)


def test_logit_weight():
    assert check_logit_weight((STEP_ACT - STEP_P) * STEP_W)
    assert check_logit_weight(-2.0)
    assert "sign" in check_logit_weight(2.0).message
    assert "weight" in check_logit_weight(STEP_ACT - STEP_P).message
    assert "a = 0" in check_logit_weight((1 - STEP_P) * STEP_W).message


def backward_by_hand(W1, W2, xs, hs, dlogits):
    """An independent loop-per-step implementation of the backward pass."""
    dW1, dW2 = np.zeros_like(W1), np.zeros_like(W2)
    for x, h, d in zip(xs, hs, dlogits, strict=True):
        dW2 += d * h
        dW1 += np.outer(d * W2 * (h > 0), x)
    return dW1, dW2


def test_backward():
    assert check_backward(backward_by_hand)

    def no_relu_mask(W1, W2, xs, hs, dlogits):
        return np.outer(dlogits, W2).T @ xs, hs.T @ dlogits

    assert "ReLU" in check_backward(no_relu_mask).message

    def wrong_dW2(W1, W2, xs, hs, dlogits):
        dW1, dW2 = backward_by_hand(W1, W2, xs, hs, dlogits)
        return dW1, 2 * dW2

    assert "dW2" in check_backward(wrong_dW2).message

    def mutates(W1, W2, xs, hs, dlogits):
        out = backward_by_hand(W1, W2, xs, hs, dlogits)
        hs[...] = 0
        return out

    fb = check_backward(mutates)  # passes copies, compares them afterwards: caught
    assert not fb and "changed the array hs" in fb.message

    def mutates_xs_and_dlogits(W1, W2, xs, hs, dlogits):
        dlogits *= 2.0
        dW1, dW2 = backward_by_hand(W1, W2, xs, hs, dlogits)
        xs += 1.0
        return dW1 / 2.0, dW2 / 2.0  # the right answer, computed by changing the inputs

    fb = check_backward(mutates_xs_and_dlogits)
    assert not fb and "xs, dlogps" in fb.message and "copies" in fb.message
    assert "pair" in check_backward(lambda *a: np.zeros(3)).message


def weights_by_hand(rew, mask, gamma):
    ret = np.zeros_like(rew)
    for i in range(rew.shape[1]):
        running = 0.0
        for t in reversed(np.flatnonzero(mask[:, i])):
            running = rew[t, i] + gamma * running
            ret[t, i] = running
    valid = ret[mask]
    return np.where(mask, (ret - valid.mean()) / valid.std(), 0.0)


def test_batch_weights():
    assert check_batch_weights(weights_by_hand)

    def per_episode(rew, mask, gamma):
        from course_lib.pg_weights import pg_weights

        return pg_weights(rew, mask, gamma, "rtg_std_episode")

    assert "each episode" in check_batch_weights(per_episode).message

    def with_padding(rew, mask, gamma):
        from course_lib.returns import returns_to_go

        ret = returns_to_go(rew, mask, gamma)
        return np.where(mask, (ret - ret.mean()) / ret.std(), 0.0)

    assert "padding" in check_batch_weights(with_padding).message

    def no_gamma(rew, mask, gamma):
        return weights_by_hand(rew, mask, 1.0)

    assert "gamma" in check_batch_weights(no_gamma).message


def test_pg_loss():
    def right_loss(logits, act, w, n):
        return -(torch.distributions.Bernoulli(logits=logits).log_prob(act) * w).sum() / n

    assert check_pg_loss(right_loss)

    def wrong_sign(logits, act, w, n):
        return -right_loss(logits, act, w, n)

    assert "sign" in check_pg_loss(wrong_sign).message

    def no_average(logits, act, w, n):
        return right_loss(logits, act, w, n) * n

    assert "number of episodes" in check_pg_loss(no_average).message

    def detached(logits, act, w, n):
        return right_loss(logits.detach(), act, w, n)

    assert "no gradient" in check_pg_loss(detached).message


def test_pg_loss_must_be_a_scalar():
    def right_loss(logits, act, w, n):
        return -(torch.distributions.Bernoulli(logits=logits).log_prob(act) * w).sum() / n

    for shaped in (
        lambda *a: right_loss(*a).reshape(1),  # shape (1,)
        lambda *a: right_loss(*a).reshape(1, 1),
    ):
        fb = check_pg_loss(shaped)
        assert not fb and "scalar" in fb.message and "0-d" in fb.message, fb.message
    fb = check_pg_loss(lambda *a: right_loss(*a).reshape(1))
    assert "(1,)" in fb.message
