"""Tests for chapter 2's checkers: right answers pass, wrong ones get a useful message.

That no junk answer makes a checker raise is tested for every chapter in test_framework.py."""

import numpy as np

from course_lib.exercises.ch02 import (
    BATCH_ACT,
    BATCH_GAMMA,
    BATCH_OBS,
    BATCH_REW,
    BATCH_THETA,
    GAUSS_ACT,
    GAUSS_MU,
    GAUSS_STD,
    SCORE_ACTION,
    SCORE_STATE,
    SCORE_THETA,
    check_batch_estimate,
    check_gaussian_score_mu,
    check_score_function_estimate,
    check_softmax_score,
)
from course_lib.score_function import score_function_estimate


def softmax_score_by_hand():
    """The score of the exercise worked out from the definition, not with the library."""
    logits = SCORE_THETA[SCORE_STATE]
    pi = np.exp(logits) / np.exp(logits).sum()
    score = np.zeros_like(SCORE_THETA)
    score[SCORE_STATE] = np.eye(len(pi))[SCORE_ACTION] - pi
    return score


def estimate_by_loops(theta, obs, act, rew, gamma):
    """A plain-loop score-function estimate: an independent reference implementation."""
    g = np.zeros(np.shape(theta))
    for o, a, r in zip(obs, act, rew, strict=True):
        ret = sum(gamma**t * r_t for t, r_t in enumerate(r))
        for s_t, a_t in zip(o, a, strict=True):
            pi = np.exp(theta[s_t]) / np.exp(theta[s_t]).sum()
            g[s_t] += ret * (np.eye(len(pi))[a_t] - pi)
    return g / len(obs)


def test_softmax_score():
    want = softmax_score_by_hand()
    assert check_softmax_score(want)
    assert check_softmax_score(want.tolist())
    assert "sign" in check_softmax_score(-want).message
    assert "right row" in check_softmax_score(want[SCORE_STATE]).message
    bad = want.copy()
    bad[1 - SCORE_STATE] = 1.0
    assert "must be zero" in check_softmax_score(bad).message
    onehot = np.zeros_like(want)
    onehot[SCORE_STATE, SCORE_ACTION] = 1.0
    assert "onehot(a) only" in check_softmax_score(onehot).message
    assert "shape (2, 3)" in check_softmax_score(np.zeros((3, 2))).message


def test_batch_estimate():
    want = estimate_by_loops(BATCH_THETA, BATCH_OBS, BATCH_ACT, BATCH_REW, BATCH_GAMMA)
    np.testing.assert_allclose(want, [[0.75, -0.75], [-0.25, 0.25]])  # worked by hand, too
    assert check_batch_estimate(want)
    assert "sign" in check_batch_estimate(-want).message
    assert "N = 2 times" in check_batch_estimate(2 * want).message
    undiscounted = estimate_by_loops(BATCH_THETA, BATCH_OBS, BATCH_ACT, BATCH_REW, 1.0)
    assert "discount" in check_batch_estimate(undiscounted).message
    rtg = score_function_estimate(
        BATCH_THETA, BATCH_OBS, BATCH_ACT, BATCH_REW, BATCH_GAMMA, reward_to_go=True
    )
    assert "reward-to-go" in check_batch_estimate(rtg).message
    assert "add up each trajectory's scores" in check_batch_estimate(np.zeros((2, 2))).message


def test_score_function_estimate():
    fb = check_score_function_estimate(estimate_by_loops)
    assert fb, fb.message
    assert "sign" in check_score_function_estimate(lambda *a: -estimate_by_loops(*a)).message
    summed = check_score_function_estimate(lambda *a: len(a[1]) * estimate_by_loops(*a))
    assert "average over trajectories" in summed.message
    no_gamma = check_score_function_estimate(
        lambda th, o, a, r, g: estimate_by_loops(th, o, a, r, 1.0)
    )
    assert "gamma is missing" in no_gamma.message

    def crashes(*args):
        raise RuntimeError("boom")

    assert "RuntimeError: boom" in check_score_function_estimate(crashes).message
    assert "returned None" in check_score_function_estimate(lambda *a: None).message
    assert "pass the function itself" in check_score_function_estimate(np.zeros((2, 2))).message
    assert "shape" in check_score_function_estimate(lambda th, *a: np.zeros(3)).message

    def mutating(theta, obs, act, rew, gamma):
        rew *= 0.0
        return estimate_by_loops(theta, obs, act, rew, gamma)

    assert "changed an array" in check_score_function_estimate(mutating).message


def test_score_function_estimate_spots_the_duplicate_index_bug():
    def fancy_index_plus_equals(theta, obs, act, rew, gamma):
        ep_ret = rew @ gamma ** np.arange(rew.shape[1])
        pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
        g = np.zeros_like(theta, dtype=float)
        for t in range(rew.shape[1]):
            g[obs[:, t]] += ep_ret[:, None] * (np.eye(theta.shape[1])[act[:, t]] - pi[obs[:, t]])
        return g / len(rew)

    feedback = check_score_function_estimate(fancy_index_plus_equals)
    assert not feedback and "np.add.at" in feedback.message, feedback.message


def test_gaussian_score_mu():
    want = (GAUSS_ACT - GAUSS_MU) / GAUSS_STD**2
    assert check_gaussian_score_mu(want)
    assert check_gaussian_score_mu(np.float32(want))
    assert "sign" in check_gaussian_score_mu(-want).message
    assert (
        "divide by sigma once more"
        in check_gaussian_score_mu((GAUSS_ACT - GAUSS_MU) / GAUSS_STD).message
    )
    assert "sigma is missing" in check_gaussian_score_mu(GAUSS_ACT - GAUSS_MU).message
    z = (GAUSS_ACT - GAUSS_MU) / GAUSS_STD
    assert "log sigma" in check_gaussian_score_mu(z**2 - 1).message
    assert "only the first term depends on mu" in check_gaussian_score_mu(123.0).message
