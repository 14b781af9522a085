"""Tests for course_lib.advantages: TD errors and GAE on padded batches, against direct sums."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.advantages import gae, lambda_returns, next_values, td_errors
from course_lib.returns import discounted_returns


def _batch(seed: int = 0, lengths=(5, 1, 3, 5)):
    """A random padded batch: rewards, values, a mask, bootstrap values and truncation flags."""
    rng = np.random.default_rng(seed)
    T, N = max(lengths), len(lengths)
    mask = np.arange(T)[:, None] < np.array(lengths)[None, :]
    rew = np.where(mask, rng.normal(size=(T, N)), 0.0)
    values = rng.normal(size=(T, N))  # junk outside the mask on purpose: it must be ignored
    last_values = rng.normal(size=N)
    truncated = np.array([True, False, True, False])[:N]
    return rew, values, mask, last_values, truncated


def _direct_gae(rew_i, v_i, v_end, gamma, lam):
    """One episode by the definition: delta from its formula, then the double sum over l."""
    T = len(rew_i)
    v_next = np.append(v_i[1:], v_end)
    delta = rew_i + gamma * v_next - v_i
    return np.array(
        [sum((gamma * lam) ** l * delta[t + l] for l in range(T - t)) for t in range(T)]  # noqa: E741
    )


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.95, 1.0])
def test_recursion_equals_the_direct_double_sum(lam):
    rew, values, mask, last_values, truncated = _batch()
    gamma = 0.9
    adv = gae(rew, values, mask, gamma, lam, last_values=last_values, truncated=truncated)
    for i in range(rew.shape[1]):
        n = int(mask[:, i].sum())
        v_end = last_values[i] if truncated[i] else 0.0
        expected = _direct_gae(rew[:n, i], values[:n, i], v_end, gamma, lam)
        np.testing.assert_allclose(adv[:n, i], expected, atol=1e-12)
    assert np.all(adv[~mask] == 0.0)


def test_lambda_one_is_return_to_go_minus_value():
    rew, values, mask, last_values, truncated = _batch(seed=1)
    gamma = 0.97
    adv = gae(rew, values, mask, gamma, 1.0, last_values=last_values, truncated=truncated)
    for i in range(rew.shape[1]):
        n = int(mask[:, i].sum())
        ret = discounted_returns(rew[:n, i], gamma)  # G_t, the episode's own rewards
        if truncated[i]:  # the cut episode goes on: + gamma^(T - t) V(s_T)
            ret = ret + gamma ** (n - np.arange(n)) * last_values[i]
        np.testing.assert_allclose(adv[:n, i], ret - values[:n, i], atol=1e-12)


def test_lambda_zero_is_the_one_step_td_error():
    rew, values, mask, last_values, truncated = _batch(seed=2)
    kw = {"last_values": last_values, "truncated": truncated}
    np.testing.assert_array_equal(
        gae(rew, values, mask, 0.8, 0.0, **kw), td_errors(rew, values, mask, 0.8, **kw)
    )
    # and the TD error itself, step by step
    delta = td_errors(rew, values, mask, 0.8, **kw)
    for i in range(rew.shape[1]):
        n = int(mask[:, i].sum())
        for t in range(n):
            v_next = values[t + 1, i] if t + 1 < n else (last_values[i] if truncated[i] else 0.0)
            assert delta[t, i] == pytest.approx(rew[t, i] + 0.8 * v_next - values[t, i])


def test_terminated_and_truncated_differ_only_at_the_last_step():
    rew, values, mask, last_values, _ = _batch(seed=3, lengths=(4, 4))
    cut = td_errors(rew, values, mask, 0.9, last_values=last_values, truncated=np.array([1, 1]) > 0)
    fell = td_errors(rew, values, mask, 0.9)
    np.testing.assert_allclose(cut[:3], fell[:3])
    np.testing.assert_allclose(cut[3] - fell[3], 0.9 * last_values)


def test_padding_does_not_leak_between_episodes():
    rew, values, mask, last_values, truncated = _batch(seed=4)
    kw = {"last_values": last_values, "truncated": truncated}
    adv = gae(rew, values, mask, 0.9, 0.9, **kw)
    # Changing rewards and values outside the mask changes nothing.
    rew2 = np.where(mask, rew, 123.0)
    values2 = np.where(mask, values, -55.0)
    np.testing.assert_array_equal(gae(rew2, values2, mask, 0.9, 0.9, **kw), adv)
    # Each column alone gives the same as in the batch.
    for i in range(rew.shape[1]):
        n = int(mask[:, i].sum())
        alone = gae(
            rew[:n, i : i + 1],
            values[:n, i : i + 1],
            mask[:n, i : i + 1],
            0.9,
            0.9,
            last_values=last_values[i : i + 1],
            truncated=truncated[i : i + 1],
        )
        np.testing.assert_allclose(alone[:, 0], adv[:n, i], atol=1e-12)


def test_exact_values_make_td_errors_mean_zero():
    """With the true V of a random walk, E[delta_t | s_t] = 0: check by averaging over a grid."""
    # Two-step chain: s_0 = 0; reward 1 or 0 with probability 1/2 each; then one more step
    # worth 0.5 on average. V(s_0) = 0.5 + gamma * 0.5 and V(s_1) = 0.5.
    gamma = 0.9
    rew = np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]])
    values = np.array([[0.5 + gamma * 0.5] * 4, [0.5] * 4])
    mask = np.ones((2, 4), bool)
    assert td_errors(rew, values, mask, gamma).mean(axis=1) == pytest.approx([0.0, 0.0])


def test_lambda_returns_are_value_targets():
    rew, values, mask, last_values, truncated = _batch(seed=5)
    kw = {"last_values": last_values, "truncated": truncated}
    targets = lambda_returns(rew, values, mask, 0.9, 0.0, **kw)
    nxt = next_values(values, mask, last_values, truncated)
    np.testing.assert_allclose(targets, np.where(mask, rew + 0.9 * nxt, 0.0), atol=1e-12)


def test_bad_input_names_the_argument():
    rew, values, mask, last_values, truncated = _batch()
    with pytest.raises(ValueError, match="values"):
        gae(rew, values[:, :2], mask, 0.9, 0.9)
    with pytest.raises(ValueError, match="last_values"):
        gae(rew, values, mask, 0.9, 0.9, truncated=truncated)
    with pytest.raises(ValueError, match="lam"):
        gae(rew, values, mask, 0.9, 1.5)
    with pytest.raises(ValueError, match="gamma"):
        td_errors(rew, values, mask, 1.5)
    with pytest.raises(TypeError, match="mask"):
        td_errors(rew, values, mask.astype(int), 0.9)
    with pytest.raises(ValueError, match="mask"):
        td_errors(rew, values, mask[::-1], 0.9)  # an episode that starts late
    with pytest.raises(ValueError, match="truncated"):
        td_errors(rew, values, mask, 0.9, last_values=last_values, truncated=np.ones(2, bool))
