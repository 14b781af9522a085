"""Tests for course_lib.cartpole.rollout: the vectorised CartPole batches and `solved_at`."""

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.cartpole.rollout import (
    MAX_LEN,
    EpisodeBatch,
    collect_episodes,
    make_cartpole,
    solved_at,
)


def random_policy(seed):
    rng = np.random.default_rng(seed)
    return lambda obs: rng.integers(0, 2, size=len(obs))


def test_batch_invariants():
    batch = collect_episodes(make_cartpole(16, seed=0), random_policy(0))
    assert isinstance(batch, EpisodeBatch) and batch.n_episodes == 16
    T = batch.obs.shape[0]
    assert T == batch.ep_len.max() <= MAX_LEN
    assert np.array_equal(batch.mask.sum(axis=0), batch.ep_len)
    assert np.all(batch.mask[:-1] >= batch.mask[1:])  # one unbroken run from t = 0
    assert np.array_equal(batch.rew, batch.mask.astype(float))  # +1 per real step, 0 elsewhere
    assert np.all(np.isin(batch.act, [0, 1]))
    order = batch.finish_order()
    assert np.all(np.diff(batch.ep_len[order]) >= 0)


def test_same_seed_same_batches_and_new_episodes_each_call():
    env_a, env_b = make_cartpole(4, seed=3), make_cartpole(4, seed=3)
    first = collect_episodes(env_a, random_policy(1))
    again = collect_episodes(make_cartpole(4, seed=3), random_policy(1))
    assert np.array_equal(first.obs, again.obs)
    second = collect_episodes(env_a, random_policy(1))
    assert not np.array_equal(first.obs[0], second.obs[0])  # reset draws fresh starts
    assert np.array_equal(collect_episodes(env_b, random_policy(1)).obs, first.obs)


def test_episodes_follow_cartpole_v1_dynamics():
    """Replaying a batch's actions in gym.make("CartPole-v1") from the same start reproduces
    every observation and the length of every episode."""
    batch = collect_episodes(make_cartpole(5, seed=1), random_policy(2))
    single = gym.make("CartPole-v1")
    for i in range(batch.n_episodes):
        single.reset(seed=0)
        single.unwrapped.state = batch.obs[0, i].copy()
        for t in range(batch.ep_len[i]):
            obs, rew, terminated, truncated, _ = single.step(int(batch.act[t, i]))
            assert rew == 1.0
            done = terminated or truncated
            assert done == (t == batch.ep_len[i] - 1)
            if not done:
                np.testing.assert_allclose(obs, batch.obs[t + 1, i], atol=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="n_envs"):
        make_cartpole(0, seed=0)
    with pytest.raises(TypeError, match="seed"):
        make_cartpole(2, seed=1.5)
    env = make_cartpole(2, seed=0)
    with pytest.raises(TypeError, match="env"):
        collect_episodes(gym.make("CartPole-v1"), random_policy(0))
    with pytest.raises(TypeError, match="act_fn"):
        collect_episodes(env, None)
    with pytest.raises(ValueError, match="act_fn must return shape"):
        collect_episodes(env, lambda obs: np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="ep_len"):
        solved_at(np.ones((2, 2)))


def solved_at_by_loop(ep_len, threshold=475.0, window=100):
    for k in range(window, len(ep_len) + 1):
        if np.mean(ep_len[k - window : k]) >= threshold:
            return k
    return None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 500), max_size=80), st.integers(1, 10), st.integers(1, 500))
def test_solved_at_matches_a_plain_loop(ep_len, window, threshold):
    assert solved_at(ep_len, threshold=threshold, window=window) == solved_at_by_loop(
        ep_len, threshold, window
    )


def test_fresh_episode_lengths_are_new_episodes_of_the_policy():
    from course_lib.cartpole.rollout import fresh_episode_lengths

    always_right = lambda obs: np.ones(len(obs), dtype=int)  # noqa: E731
    lengths = fresh_episode_lengths(always_right, n_episodes=7, seed=3)
    assert lengths.shape == (7,) and np.all((lengths > 0) & (lengths < 20))  # it falls fast
    assert np.array_equal(lengths, fresh_episode_lengths(always_right, n_episodes=7, seed=3))
    with pytest.raises(ValueError, match="n_episodes"):
        fresh_episode_lengths(always_right, n_episodes=0)


def test_policy_solved_is_the_mean_against_475():
    from course_lib.cartpole.rollout import policy_solved

    assert policy_solved([475] * 100) and not policy_solved([474.99] * 100)
    assert policy_solved([500] * 95 + [0] * 5) and not policy_solved([500] * 94 + [70] * 6)
    with pytest.raises(ValueError, match="lengths"):
        policy_solved([])


def test_judge_records_each_call_and_the_first_pass():
    from course_lib.cartpole.rollout import SolvedJudge

    judge = SolvedJudge(seed=0, n_episodes=5)
    falls = lambda obs, rng: np.ones(len(obs), dtype=int)  # noqa: E731

    def balances(obs, rng):  # a hand-made controller: push towards where the pole leans
        return (obs[:, 2] + 0.5 * obs[:, 3] > 0).astype(int)

    assert not judge(falls, 64) and judge.solved_at is None
    assert judge(balances, 128) and judge.solved_at == 128
    assert judge(falls, 192) and judge.solved_at == 128  # the first pass is kept
    assert len(judge.eval_len) == 3 and judge.eval_len[1] >= 475 > judge.eval_len[2]
    assert judge.seconds > 0


def test_judge_draws_its_own_random_numbers():
    """Judging must not change what training draws: the sampler gets the judge's generator,
    which is not the training generator of the same seed (`default_rng(seed)`)."""
    from course_lib.cartpole.rollout import SolvedJudge

    judge = SolvedJudge(seed=0, n_episodes=3)
    given = []

    def sample(obs, rng):
        given.append(rng)
        return (rng.random(len(obs)) < 0.5).astype(int)

    judge(sample, 10)
    assert given and all(rng is judge.rng for rng in given)
    training = np.random.default_rng(0)
    assert SolvedJudge(seed=0).rng.random(4).tolist() != training.random(4).tolist()
