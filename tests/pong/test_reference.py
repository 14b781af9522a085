"""The readable Pong loop: its gradient against autograd, and a few real updates."""

import numpy as np
import pytest
import torch

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong import reference
from course_lib.pong.config import TrainConfig
from course_lib.pong.envs import make_env
from course_lib.pong.prepro import N_PIXELS
from course_lib.pong.trainer import Trainer


def test_initial_weights_are_the_fast_trainers(tmp_path):
    config = TrainConfig(seed=5, n_envs=2, n_groups=2)
    trainer = Trainer(config, tmp_path)
    try:
        policy = reference.initial_policy(5, config)
        np.testing.assert_array_equal(policy.W1, trainer.policy.W1)
        np.testing.assert_array_equal(policy.W2, trainer.policy.W2)
    finally:
        trainer.close()


def test_policy_gradient_is_autograds_with_reset_returns_standardised_over_the_batch():
    rng = np.random.default_rng(0)
    policy = TwoLayerPolicy(6, 4, rng, dtype=np.float32)
    eps = [
        reference.Episode(rng.choice([-1.0, 0.0, 1.0], (4, 6)).astype(np.float32),
                          np.float32([1, 0, 0, 1]), np.array([0.0, 1.0, 0.0, -1.0])),
        reference.Episode(rng.choice([-1.0, 0.0, 1.0], (3, 6)).astype(np.float32),
                          np.float32([0, 1, 1]), np.array([0.0, 0.0, 1.0])),
    ]  # fmt: skip
    # gamma = 0.5, returns restarting at each point, by hand; then one mean and std for all 7
    ret = np.array([0.5, 1.0, -0.5, -1.0, 0.25, 0.5, 1.0])
    adv = (ret - ret.mean()) / ret.std()
    W1 = torch.tensor(policy.W1, dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor(policy.W2, dtype=torch.float64, requires_grad=True)
    xs = torch.tensor(np.concatenate([ep.xs for ep in eps]), dtype=torch.float64)
    up = torch.tensor(np.concatenate([ep.up for ep in eps]), dtype=torch.float64)
    logit = torch.relu(xs @ W1.T) @ W2
    logp = up * torch.nn.functional.logsigmoid(logit) + (1 - up) * torch.nn.functional.logsigmoid(
        -logit
    )  # log pi(a_t | s_t) of the Bernoulli policy
    (torch.tensor(adv) * logp).sum().backward()
    g = reference.policy_gradient(policy, eps, gamma=0.5)
    np.testing.assert_allclose(g["W1"], W1.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g["W2"], W2.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_play_episode_keeps_each_steps_frame_action_and_reward():
    env = make_env(max_num_frames_per_episode=400)  # 100 agent steps
    try:
        policy = reference.initial_policy(0)
        a = reference.play_episode(env, policy, np.random.default_rng(1), seed=2)
        b = reference.play_episode(env, policy, np.random.default_rng(1), seed=2)
    finally:
        env.close()
    assert a.xs.shape == (100, N_PIXELS) and a.up.shape == a.rew.shape == (100,)
    assert set(np.unique(a.xs)) <= {-1.0, 0.0, 1.0} and not a.xs[0].any()
    assert set(np.unique(a.up)) == {0.0, 1.0}  # both actions are played
    assert np.count_nonzero(a.rew) >= 1  # a point is played within 100 steps
    for x, y in zip(a, b, strict=True):  # seeded: the same game again
        np.testing.assert_array_equal(x, y)


@pytest.mark.slow
def test_a_few_real_updates_move_only_the_weights_of_pixels_that_moved(monkeypatch):
    played, play = [], reference.play_episode

    def play_and_keep(*args, **kwargs):  # `train` plays through this: we see every game
        played.append(play(*args, **kwargs))
        return played[-1]

    monkeypatch.setattr(reference, "play_episode", play_and_keep)
    config = TrainConfig(batch_episodes=2)
    policy, scores = reference.train(3, seed=1, config=config, max_frames=600)  # 150 steps a game
    assert len(scores) == len(played) == 6
    assert scores == [ep.rew.sum() for ep in played]
    start = reference.initial_policy(1, config)
    ever_nonzero = np.any([np.any(ep.xs != 0, axis=0) for ep in played], axis=0)  # (6400,)
    moved = np.any(policy.W1 != start.W1, axis=0)  # (6400,)
    assert moved.any() and np.any(policy.W2 != start.W2)
    np.testing.assert_array_equal(moved, ever_nonzero)  # exactly those pixels
    again, scores_again = reference.train(3, seed=1, config=config, max_frames=600)
    assert scores_again == scores and np.array_equal(again.W1, policy.W1)  # seeded: reproducible
