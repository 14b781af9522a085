"""Tests for chapter 6's classic bugs: the correct trainer learns, each bug shows its symptom."""

import numpy as np
import pytest
import torch

from course_lib.cartpole.bugs import (
    BUGS,
    HistoryTargets,
    bug_pieces,
    loss_no_detach,
    reference_loss,
    targets_g0,
    targets_per_batch,
    targets_reset_at_point,
    train,
)
from course_lib.pg_weights import pg_weights

torch.set_num_threads(1)


def _batch():
    lengths = np.array([4, 2, 6])
    mask = np.arange(6)[:, None] < lengths[None, :]
    return np.where(mask, 1.0, 0.0), mask


def test_targets_per_batch_is_chapter_4s_rtg_std():
    rew, mask = _batch()
    np.testing.assert_allclose(targets_per_batch(rew, mask, 0.9), pg_weights(rew, mask, 0.9))


def test_reset_at_point_on_cartpole_rewards_is_all_zeros():
    rew, mask = _batch()
    assert np.all(targets_reset_at_point(rew, mask, 0.99) == 0.0)


def test_g0_targets_are_constant_within_an_episode():
    rew, mask = _batch()
    t = targets_g0(rew, mask, 0.9)
    for i in range(3):
        assert np.allclose(t[mask[:, i], i], t[0, i])


def test_history_targets_use_all_history():
    rew, mask = _batch()
    h = HistoryTargets()
    first = h(rew, mask, 0.9)
    np.testing.assert_allclose(first, targets_per_batch(rew, mask, 0.9), atol=1e-6)
    second = h(2 * rew, mask, 0.9)  # better returns look better than the history's mean
    assert second[mask].mean() > 0.5


def test_no_detach_sends_policy_gradient_into_v():
    logp = torch.tensor([-0.5, -1.0], requires_grad=True)
    for loss_fn, reaches in ((reference_loss, False), (loss_no_detach, True)):
        v = torch.tensor([0.1, 0.2], requires_grad=True)
        loss_fn(logp, v, torch.tensor([1.0, 0.0]), 1)[0].backward()
        assert (v.grad is not None and bool(v.grad.abs().sum() > 0)) == reaches
        # gradient of -(logp (target - v)) w.r.t. v is +logp: descent pushes V up
        if reaches:
            np.testing.assert_allclose(v.grad.numpy(), logp.detach().numpy())


def test_bug_pieces_names():
    assert bug_pieces(None) == (targets_per_batch, reference_loss)
    for bug in BUGS:
        assert len(bug_pieces(bug)) == 2
    with pytest.raises(ValueError, match="bug"):
        bug_pieces("off_by_one")


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_updates"):
        train(n_updates=0)
    with pytest.raises(TypeError, match="callable"):
        train(n_updates=1, loss_fn=3)


@pytest.mark.slow
def test_symptoms():
    ok = train(seed=0, n_updates=15)
    assert ok.final() > 150
    assert train(seed=0, n_updates=15, bug="wrong_sign").final() < 15
    assert train(seed=0, n_updates=15, bug="reset_at_point").final() < 0.5 * ok.final()
    nd = train(seed=0, n_updates=15, bug="no_detach")
    assert nd.value_mean[-1] > 5
