"""Tests for course_lib.softmax_policy: the hand-written score against torch autograd."""

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import course_lib.softmax_policy as softmax_policy
from course_lib.softmax_policy import (
    action_probs,
    as_index_array,
    grad_log_prob,
    log_prob,
    sample_actions,
    softmax,
)

logits_tables = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 5)),
    elements=st.floats(-20, 20, allow_nan=False),
)


def test_docstring_examples_run():
    assert doctest.testmod(softmax_policy).failed == 0


@given(logits_tables)
def test_rows_are_distributions_and_shift_invariant(theta):
    pi = action_probs(theta)
    assert pi.shape == theta.shape
    assert np.all(pi >= 0) and np.allclose(pi.sum(axis=1), 1.0)
    np.testing.assert_allclose(action_probs(theta + 7.0), pi, atol=1e-12)


def test_softmax_does_not_overflow():
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])


@settings(max_examples=50, deadline=None)
@given(logits_tables, st.data())
def test_log_prob_and_score_match_torch_autograd(theta, data):
    s = data.draw(st.integers(0, theta.shape[0] - 1))
    a = data.draw(st.integers(0, theta.shape[1] - 1))
    t = torch.tensor(theta, requires_grad=True)
    logp = torch.log_softmax(t[s], dim=-1)[a]
    logp.backward()
    np.testing.assert_allclose(log_prob(theta, s, a), logp.item(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad_log_prob(theta, s, a), t.grad.numpy(), atol=1e-10)


@given(logits_tables, st.data())
def test_score_has_mean_zero_under_the_policy(theta, data):
    """The expected grad-log-prob lemma, exactly: sum_a pi(a|s) grad log pi(a|s) = 0."""
    s = data.draw(st.integers(0, theta.shape[0] - 1))
    acts = np.arange(theta.shape[1])
    scores = grad_log_prob(theta, np.full_like(acts, s), acts)  # (A, S, A)
    np.testing.assert_allclose(
        np.tensordot(action_probs(theta)[s], scores, axes=1), 0.0, atol=1e-12
    )


def test_score_is_zero_outside_the_visited_row():
    theta = np.arange(6.0).reshape(3, 2)
    score = grad_log_prob(theta, obs=[2, 0], act=[1, 1])  # (2, 3, 2)
    assert score.shape == (2, 3, 2)
    assert np.all(score[0, :2] == 0) and np.all(score[1, 1:] == 0)


def test_sampled_frequencies_match_the_probabilities():
    theta = np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]])
    n = 200_000
    act = sample_actions(theta, np.ones(n, dtype=int), np.random.default_rng(0))
    freq = np.bincount(act, minlength=3) / n
    p = action_probs(theta)[1]
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / n))


def test_sampling_is_reproducible_with_a_seed():
    theta, obs = np.zeros((2, 3)), np.array([0, 1, 1, 0])
    a1 = sample_actions(theta, obs, np.random.default_rng(3))
    a2 = sample_actions(theta, obs, np.random.default_rng(3))
    np.testing.assert_array_equal(a1, a2)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: action_probs([1.0, 2.0]), ValueError, "theta"),
        (lambda: action_probs([[np.nan, 0.0]]), ValueError, "theta"),
        (lambda: log_prob(np.zeros((2, 2)), 2, 0), ValueError, "obs"),
        (lambda: log_prob(np.zeros((2, 2)), 0, -1), ValueError, "act"),
        (lambda: grad_log_prob(np.zeros((2, 2)), 0.5, 0), TypeError, "obs"),
        (lambda: grad_log_prob(np.zeros((2, 2)), [0, 1], [0]), ValueError, "same shape"),
        (lambda: sample_actions(np.zeros((2, 2)), [0], rng=0), TypeError, "rng"),
        (lambda: as_index_array("act", "1", 2), TypeError, "act"),
        (lambda: as_index_array("act", [True], 2), TypeError, "act"),
    ],
)
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call()
