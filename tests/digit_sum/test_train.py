"""Tests for the digit-sum trainer: settings, reproducibility, same batches, and learning."""

import dataclasses

import numpy as np
import pytest

from course_lib.digit_sum.estimators import ESTIMATORS
from course_lib.digit_sum.train import TrainConfig, train
from tests.config_checks import assert_rejected

SMALL = TrainConfig(T=3, hidden=8, N=4, K=4, n_updates=6, eval_every=3)


@pytest.mark.parametrize("kind", ESTIMATORS)
def test_smoke_every_estimator(kind):
    result = train(SMALL, kind)
    assert result.eval_at.tolist() == [0, 3, 6]
    assert result.J.shape == (3,) and result.batch_reward.shape == (6,)
    assert np.all((result.J >= 0) & (result.J <= 1))
    again = train(SMALL, kind)
    np.testing.assert_array_equal(result.theta, again.theta)  # a fixed seed, the same run


def test_the_first_batch_is_the_same_for_every_estimator():
    one = dataclasses.replace(SMALL, n_updates=1, eval_every=1)
    rewards = {kind: train(one, kind).batch_reward[0] for kind in ESTIMATORS}
    assert len(set(rewards.values())) == 1
    J0 = {train(one, kind).J[0] for kind in ESTIMATORS}
    assert len(J0) == 1  # the same start, whatever the estimator


def test_grpo_with_one_epoch_and_no_clip_effect_matches_rloo_at_two_completions():
    # K = 2: GRPO's (r - mean) / std is +-1, RLOO's r - other is +-1: the same advantages;
    # with one epoch the ratio is 1, so GRPO's loss is RLOO's divided by T, and Adam ignores
    # a constant factor (up to its epsilon, 1e-8, which is why the match is not exact)
    config = dataclasses.replace(SMALL, K=2, xi=0.0, n_updates=5)
    a, b = train(config, "grpo"), train(config, "rloo")
    np.testing.assert_allclose(a.theta, b.theta, atol=1e-3)
    assert not np.allclose(a.theta, train(config, "reinforce").theta, atol=1e-3)


def test_bad_settings():
    bad = [("K", 1, ValueError), ("N", 2.5, TypeError), ("n_tokens", 1, ValueError)]
    bad += [("eval_every", True, TypeError), ("seed", 0.5, TypeError)]
    bad += [("lr", -1.0, ValueError), ("clip_eps", "0.2", TypeError), ("xi", np.nan, ValueError)]
    assert_rejected(TrainConfig, bad)
    with pytest.raises(ValueError, match="epochs"):
        train(dataclasses.replace(SMALL, epochs=2), "rloo")
    with pytest.raises(ValueError, match="kind"):
        train(SMALL, "ppo")
    assert TrainConfig.from_json(SMALL.to_json()) == SMALL


@pytest.mark.slow
def test_every_estimator_learns():
    config = TrainConfig(n_updates=150, eval_every=150)
    for kind in ESTIMATORS:
        result = train(config, kind)
        assert result.J[0] < 0.08 and result.J[-1] > 0.5, kind  # from 1/13 to over a half


def test_grpo_several_epochs_runs_and_moves_further():
    one = train(dataclasses.replace(SMALL, n_updates=3), "grpo")
    four = train(dataclasses.replace(SMALL, n_updates=3, epochs=4), "grpo")
    assert not np.allclose(one.theta, four.theta)
