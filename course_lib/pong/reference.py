"""REINFORCE on Pong, readable: one game at a time through Gymnasium, dense NumPy (chapter 5).

The maths, with T the steps of one game, M the steps of a whole batch of games (stacked, index
j), D = 6,400 inputs (pixels) and H = 200 hidden units:

    x_t   = prepro(s_t) - prepro(s_{t-1}),  x_0 = 0      difference frame, (D,) in {-1, 0, 1}
    h_t   = relu(W1 x_t),  p_t = sigmoid(W2 . h_t)       p_t = pi(UP | x_t); W1 (H, D), W2 (H,)
    a_t   = up_t = 1 for UP, 0 for DOWN                  a_t ~ Bernoulli(p_t), then r_t comes back
    G~_t  = r_t if r_t != 0 else gamma * G~_{t+1}        the return restarted at every point
    w_j   = (G~_j - mean G~) / std G~                    over the M steps of a batch of games
    g     = sum_j w_j (up_j - p_j) grad_theta logit_j    = sum_j w_j grad log pi(a_j | x_j)
    theta <- theta + RMSProp step along g                ascent, once per batch of games

(The emulator's numbers for UP and DOWN, 2 and 3, appear only in `env.step`.) g is not an
unbiased estimate of grad J: it drops the gamma^t with which grad J weights step t (as
chapter 4's trainers do), the restart drops each action's effect on later points, the
weights are divided by std G~, and there is no 1/N (chapter 5 says what each does).

`play_episode` plays one game and keeps (x_t, up_t, r_t) for every step, `policy_gradient`
turns a batch of games into g, and `train` repeats the two and steps RMSProp. The
settings are the fast trainer's (`course_lib.pong.config.TrainConfig`): lr, decay, eps, gamma,
n_hidden, batch_episodes, and the initial weights drawn from `default_rng([seed, 0])`.
`course_lib.pong.trainer.Trainer` computes the same update with many games at once and sparse
frames; tests/pong/test_trainer_oracle.py checks that the two agree on the same games and weights.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong.config import TrainConfig
from course_lib.pong.envs import DOWN, PONG_V5, UP, env_seeds, make_env
from course_lib.pong.prepro import N_PIXELS, prepro
from course_lib.returns import discounted_returns, standardize
from course_lib.rmsprop import RMSProp

DEFAULTS = TrainConfig()  # the fast trainer's settings (frozen, so safe as a default)


class Episode(NamedTuple):
    """One game as the learner sees it: step t's input, action and reward.

    xs: (T, 6400) float32, the difference frames x_t (x_0 = 0).
    up: (T,) float32, 1.0 where the action a_t was UP, 0.0 where it was DOWN.
    rew: (T,) float64, r_t: the reward that came back after a_t (+1, -1 or 0).

    Example:
        >>> ep = Episode(xs=np.zeros((3, 6400), np.float32), up=np.float32([1, 0, 1]),
        ...              rew=np.array([0.0, 0.0, -1.0]))
        >>> ep.xs.shape, float(ep.rew.sum())                  # 3 steps, one point lost
        ((3, 6400), -1.0)
    """

    xs: np.ndarray
    up: np.ndarray
    rew: np.ndarray


def initial_policy(seed: int, config: TrainConfig = DEFAULTS) -> TwoLayerPolicy:
    """The 6400 -> H -> 1 policy with the fast trainer's initial weights for `seed`, float32.

    Example:
        >>> policy = initial_policy(0)
        >>> policy.W1.shape, policy.W2.shape, policy.W1.dtype
        ((200, 6400), (200,), dtype('float32'))
    """
    rng = np.random.default_rng([seed, 0])  # as the Trainer: [seed, 1] samples the actions
    return TwoLayerPolicy(N_PIXELS, config.n_hidden, rng, dtype=np.float32)


def play_episode(env, policy: TwoLayerPolicy, rng: np.random.Generator, *, seed=None) -> Episode:
    """Play one game of `env` (ALE/Pong-v5) with `policy`, sampling the actions from `rng`.

    `seed`, if given, seeds the game's reset; otherwise the env continues its own RNG.

    Example:
        >>> env = make_env(max_num_frames_per_episode=200)   # cut after 200 frames = 50 steps
        >>> ep = play_episode(env, initial_policy(0), np.random.default_rng(1), seed=0)
        >>> ep.xs.shape, ep.xs.dtype, ep.up.shape, ep.rew.shape
        ((50, 6400), dtype('float32'), (50,), (50,))
        >>> bool(ep.xs[0].any())                              # x_0 = 0: no previous frame
        False
        >>> env.close()
    """
    obs, _ = env.reset(seed=seed)
    prev = prepro(obs)
    xs, up, rew, done = [], [], [], False
    while not done:
        cur = prepro(obs)
        x, prev = cur - prev, cur  # (6400,): the difference frame; x_0 = 0
        p, _ = policy.forward(x)  # p_t = pi(UP | x_t)
        go_up = rng.random() < p  # a_t ~ Bernoulli(p_t)
        obs, r, terminated, truncated, _ = env.step(UP if go_up else DOWN)
        xs.append(x)
        up.append(go_up)
        rew.append(r)  # r_t: the reward for a_t, on the same row as x_t and a_t
        done = terminated or truncated
    return Episode(
        np.array(xs, dtype=np.float32).reshape(-1, N_PIXELS),  # (T, D)
        np.array(up, dtype=np.float32),  # (T,)
        np.array(rew, dtype=np.float64),  # (T,)
    )


def policy_gradient(policy: TwoLayerPolicy, episodes, gamma: float) -> dict[str, np.ndarray]:
    """The update direction g for a batch of episodes at the policy's current weights.

    Returns restart at every point within each episode (G~_t); they are standardised over the
    whole batch (not per episode) into the weights w_j, then step j's logit gets the weight
    d_j = w_j (up_j - p_j), with no 1/N. Returns {"W1", "W2"}.

    Example:
        >>> policy = TwoLayerPolicy(4, 3, np.random.default_rng(0), dtype=np.float32)
        >>> xs, up = np.eye(4, dtype=np.float32), np.float32([1, 0, 1, 1])  # (T, D), (T,)
        >>> ep = Episode(xs, up, rew=np.array([0.0, 1.0, 0.0, -1.0]))  # two points
        >>> g = policy_gradient(policy, [ep, ep], gamma=0.99)
        >>> g["W1"].shape, g["W2"].shape, g["W1"].dtype
        ((3, 4), (3,), dtype('float32'))
    """
    xs = np.concatenate([ep.xs for ep in episodes])  # (M, D): the batch's M steps, stacked
    up = np.concatenate([ep.up for ep in episodes])  # (M,): a_j, 1 for UP, 0 for DOWN
    # per episode: a point in one game says nothing about the steps of another
    ret = np.concatenate(
        [discounted_returns(ep.rew, gamma, reset_at_nonzero=True) for ep in episodes]
    )
    adv = standardize(ret).astype(np.float32)  # (M,): w_j, over the batch; mean 0, std 1
    p, hs = policy.forward(xs)  # (M,), (M, H): p_j at the weights the games were played with
    dlogps = (up - p) * adv  # d_j: d log pi(a_j | x_j) / d logit_j, weighted by w_j
    return policy.backward(xs, hs, dlogps)  # {"W1": (H, D), "W2": (H,)}


def train(
    n_updates: int,
    *,
    seed: int = 0,
    config: TrainConfig = DEFAULTS,
    max_frames: int = PONG_V5["max_num_frames_per_episode"],
):
    """REINFORCE on Pong: `n_updates` updates of `config.batch_episodes` games each.

    Returns (policy, scores): the trained `TwoLayerPolicy` and every game's score difference.
    `max_frames` cuts each game after that many emulator frames (4 per agent step).

    Example:
        >>> policy, scores = train(1, config=TrainConfig(batch_episodes=2), max_frames=100)
        >>> len(scores), policy.W1.shape
        (2, (200, 6400))
    """
    env = make_env(max_num_frames_per_episode=max_frames)
    policy = initial_policy(seed, config)
    opt = RMSProp(policy.params, lr=config.lr, decay=config.decay, eps=config.eps)
    rng = np.random.default_rng([seed, 1])  # action sampling
    game_seed = int(env_seeds(seed, 0, 1)[0])  # the first reset; later games continue from it
    scores = []
    try:
        for _ in range(n_updates):
            batch = []
            for _ in range(config.batch_episodes):
                batch.append(play_episode(env, policy, rng, seed=game_seed))
                game_seed = None  # the next games continue the env's own RNG
                scores.append(float(batch[-1].rew.sum()))
            opt.step(policy_gradient(policy, batch, config.gamma))  # theta += RMSProp step
    finally:
        env.close()
    return policy, scores
