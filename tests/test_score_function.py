"""Tests for course_lib.score_function: the estimate against a torch surrogate loss."""

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib.score_function as score_function
from course_lib.returns import discounted_returns
from course_lib.score_function import (
    score_function_estimate,
    score_function_terms,
    trajectory_returns,
)
from course_lib.softmax_policy import grad_log_prob


@st.composite
def batches(draw):
    """A random batch: theta (S, A) and obs, act, rew of shape (N, T), and gamma."""
    n_states, n_actions = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    n, horizon = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    theta = rng.normal(size=(n_states, n_actions)) * 2
    obs = rng.integers(n_states, size=(n, horizon))
    act = rng.integers(n_actions, size=(n, horizon))
    rew = rng.normal(size=(n, horizon))
    gamma = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
    return theta, obs, act, rew, gamma


def torch_surrogate_gradient(theta, obs, act, rew, gamma, reward_to_go):
    """grad of mean_i sum_t w_t log pi(a_t|s_t), with the weights w_t held fixed, by autograd."""
    if reward_to_go:  # gamma^t G_t, with G_t from chapter 1's discounted_returns
        weight = np.array([discounted_returns(r, gamma) for r in rew]) * gamma ** np.arange(
            rew.shape[1]
        )
    else:
        weight = np.repeat([[discounted_returns(r, gamma)[0]] for r in rew], rew.shape[1], axis=1)
    t = torch.tensor(theta, requires_grad=True)
    logp = torch.log_softmax(t[torch.tensor(obs)], dim=-1)  # (N, T, A)
    logp_act = torch.gather(logp, -1, torch.tensor(act)[..., None])[..., 0]  # (N, T)
    (logp_act * torch.tensor(weight)).sum(dim=1).mean().backward()
    return t.grad.numpy()


def test_docstring_examples_run():
    assert doctest.testmod(score_function).failed == 0


@given(batches())
def test_returns_match_chapter_one(batch):
    _, _, _, rew, gamma = batch
    want = [discounted_returns(r, gamma)[0] for r in rew]
    np.testing.assert_allclose(trajectory_returns(rew, gamma), want, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(batches(), st.booleans())
def test_estimate_matches_torch_surrogate_loss(batch, reward_to_go):
    got = score_function_estimate(*batch, reward_to_go=reward_to_go)
    want = torch_surrogate_gradient(*batch, reward_to_go)
    np.testing.assert_allclose(got, want, atol=1e-10)


@given(batches())
def test_terms_are_return_times_summed_scores(batch):
    theta, obs, act, rew, gamma = batch
    scores = grad_log_prob(theta, obs, act).sum(axis=1)  # (N, S, A)
    want = scores * trajectory_returns(rew, gamma)[:, None, None]
    np.testing.assert_allclose(score_function_terms(*batch), want, atol=1e-10)


def test_reward_to_go_drops_rewards_earned_before_the_action():
    # One state, two steps; the only reward comes before the second action, so under
    # reward-to-go the second score gets no weight at all.
    theta, obs, act, rew = np.zeros((1, 2)), [[0, 0]], [[1, 0]], [[3.0, 0.0]]
    plain = score_function_terms(theta, obs, act, rew, 1.0)
    rtg = score_function_terms(theta, obs, act, rew, 1.0, reward_to_go=True)
    np.testing.assert_allclose(plain[0, 0], 3.0 * (np.array([-0.5, 0.5]) + [0.5, -0.5]))
    np.testing.assert_allclose(rtg[0, 0], 3.0 * np.array([-0.5, 0.5]))


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((np.zeros((2, 2)), [[0]], [[0]], [[1.0]], 1.5), ValueError, "gamma"),
        ((np.zeros((2, 2)), [[0, 1]], [[0]], [[1.0]], 0.9), ValueError, "shape"),
        ((np.zeros((2, 2)), [[0]], [[0]], [1.0], 0.9), ValueError, "rew"),
        ((np.zeros((2, 2)), [[3]], [[0]], [[1.0]], 0.9), ValueError, "obs"),
        ((np.zeros((2, 2)), [[0]], [[0.0]], [[1.0]], 0.9), TypeError, "act"),
        (
            (np.zeros((2, 2)), np.zeros((0, 1), int), np.zeros((0, 1), int), np.zeros((0, 1)), 0.9),
            ValueError,
            "N must be at least 1",
        ),
    ],
)
def test_bad_arguments_are_named(args, error, name):
    with pytest.raises(error, match=name):
        score_function_estimate(*args)
