"""Tests for the chapter 6 checkers: right answers pass, typical mistakes get a useful hint."""

import numpy as np
import pytest
import torch

from course_lib.cartpole.bugs import (
    loss_no_detach,
    reference_loss,
    targets_per_batch,
    targets_reset_at_point,
)
from course_lib.exercises import Feedback
from course_lib.exercises.ch06 import (
    check_advantages_by_hand,
    check_episode_update,
    check_fixed_loss,
    check_fixed_targets,
    reference_episode_update,
)

torch.set_num_threads(1)


def test_advantages_by_hand():
    assert check_advantages_by_hand([-0.5, -0.5, 1.0])


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([1.5, 1.0, 2.0], "returns-to-go"),
        ([0.5, 0.5, -1.0], "sign"),
        ([1.0, 0.5, 1.0], "discount"),
        ([-1.0, -1.5, 1.0], "rewards"),
        (None, "replace the ..."),
        ([1.0], "shape"),
    ],
)
def test_advantages_hints(answer, hint):
    fb = check_advantages_by_hand(answer)
    assert isinstance(fb, Feedback) and not fb and hint in fb.message


def test_episode_update_accepts_the_reference():
    assert check_episode_update(reference_episode_update)


def test_episode_update_hints():
    def plain(theta, phi, actions, a_th, a_phi):
        return reference_episode_update(theta, 0.0, actions, a_th, 0.0)[
            0
        ], reference_episode_update(theta, phi, actions, a_th, a_phi)[1]

    assert "plain REINFORCE" in check_episode_update(plain).message

    def no_phi(theta, phi, actions, a_th, a_phi):
        return reference_episode_update(theta, phi, actions, a_th, a_phi)[0], phi

    assert "phi ends at" in check_episode_update(no_phi).message
    assert "returned None" in check_episode_update(lambda *a: None).message
    assert "raised" in check_episode_update(lambda *a: 1 / 0).message
    assert "function itself" in check_episode_update(3).message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("check", "fixed", "buggy", "hint"),
    [
        (check_fixed_loss, reference_loss, loss_no_detach, "detach"),
        (check_fixed_targets, targets_per_batch, targets_reset_at_point, "same number"),
    ],
    ids=["loss", "targets"],
)
def test_bug_hunts_accept_the_fix_and_name_the_bug(check, fixed, buggy, hint):
    """The fixed piece trains a run that learns; the bug itself gets its own message."""
    assert check(fixed)
    feedback = check(buggy)
    assert not feedback and hint in feedback.message, feedback.message


def test_fixed_loss_quick_failures():
    def sign(logp, v, target, n):
        return (logp * (target - v.detach())).sum() / n, ((v - target) ** 2).mean()

    assert "policy loss" in check_fixed_loss(sign).message
    assert "replace the ..." in check_fixed_loss(None).message


def test_fixed_targets_quick_failures():
    from course_lib.returns import returns_to_go

    assert "raw G_t" in check_fixed_targets(returns_to_go).message
    assert "shape" in check_fixed_targets(lambda r, m, g: np.zeros(3)).message


def _standardise(ret, mask, over_padding=False, ddof=0):
    pool = ret if over_padding else ret[mask]
    return np.where(mask, (ret - pool.mean()) / pool.std(ddof=ddof), 0.0)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        ("g0", "whole return G_0"),
        ("undiscounted", "not discounted"),
        ("undiscounted_total", "undiscounted total"),
        ("padding", "padding"),
        ("ddof1", "ddof=1"),
        ("forward", "before"),
        ("per_episode", "on its own"),
    ],
)
def test_fixed_targets_common_mistakes(wrong, hint):
    """Each common wrong answer gets its own message, without the training run."""
    from course_lib.cartpole.bugs import targets_g0
    from course_lib.pg_weights import pg_weights
    from course_lib.returns import returns_to_go

    def answer(rew, mask, gamma):
        ret = returns_to_go(rew, mask, gamma)
        undiscounted = returns_to_go(rew, mask, 1.0)
        return {
            "g0": lambda: targets_g0(rew, mask, gamma),
            "undiscounted": lambda: targets_per_batch(rew, mask, 1.0),
            "undiscounted_total": lambda: _standardise(np.where(mask, undiscounted[0], 0.0), mask),
            "padding": lambda: _standardise(ret, mask, over_padding=True),
            "ddof1": lambda: _standardise(ret, mask, ddof=1),
            "forward": lambda: _standardise(np.where(mask, np.cumsum(rew, axis=0), 0.0), mask),
            "per_episode": lambda: pg_weights(rew, mask, gamma, "rtg_std_episode"),
        }[wrong]()

    fb = check_fixed_targets(answer)
    assert isinstance(fb, Feedback) and not fb
    assert hint in fb.message, fb.message
