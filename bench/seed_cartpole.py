"""The seed material's CartPole program, re-written so that its policy can be judged.

`bench/cartpole_speed.py` compares chapter 4's trainer with the NumPy REINFORCE CartPole
program of the course's seed material (kept as a yardstick in ../shared/peers/ beside the
repository, `cartpole_seed_reference.py`). That program stops when its last 100 training
episodes average 475 steps, a rule the book no longer uses: "solved" is judged on the policy
itself (100 fresh episodes of it average >= 475, `cartpole.rollout.SolvedJudge`). To apply the
same rule to both programs, this module runs the same algorithm with a hook after each update:

    one cart (gym.make("CartPole-v1")), one Python step at a time
    policy   h = relu(W1 s), p = sigmoid(W2 . h), H = 100, no biases; W ~ N(0, 1/fan-in)
    weights  G_t (gamma = 0.99) standardised within each episode
    update   RMSProp (lr 1e-3, decay 0.99, eps 1e-5) after every 5 episodes, ascent

It draws its random numbers in the same order and does its arithmetic in the same order, so
under the old rule it reproduces that program's run exactly: `python bench/cartpole_speed.py
--check-port` runs both and compares (each bench run does it for seed 0).
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np

H, BATCH, LR, GAMMA, DECAY, EPS = 100, 5, 1e-3, 0.99, 0.99, 1e-5


def _policy_sampler(W1: np.ndarray, W2: np.ndarray):
    """sample(obs, rng) -> actions for a batch of states with the weights W1, W2 (the judge
    uses it at once, before the next update changes them)."""

    def sample(obs, rng):
        p = 1.0 / (1.0 + np.exp(-(np.maximum(obs @ W1.T, 0.0) @ W2)))  # (N,)
        return (rng.random(p.shape) < p).astype(np.int64)

    return sample


def train(seed: int, max_episodes: int, judge=None) -> dict:
    """Run the seed program's algorithm; stop when `judge` (a SolvedJudge) passes its policy,
    or, with `judge=None`, by the old rule (the last 100 training episodes average >= 475).

    Returns {"solved_at", "episodes", "seconds", "judge_seconds", "steps", "last100"}; `seconds`
    counts from the first step, like the original program's clock, and leaves the judging out.
    """
    rng = np.random.default_rng(seed)
    env = gym.make("CartPole-v1")
    obs, _ = env.reset(seed=seed)
    D = len(obs)
    W1 = rng.standard_normal((H, D)) / np.sqrt(D)
    W2 = rng.standard_normal(H) / np.sqrt(H)
    grad = {"W1": np.zeros_like(W1), "W2": np.zeros_like(W2)}
    cache = {"W1": np.zeros_like(W1), "W2": np.zeros_like(W2)}
    params = {"W1": W1, "W2": W2}
    ep_obs, ep_h, ep_dlogit, ep_rew, ep_len = [], [], [], [], []
    episode, t, steps, solved_at = 0, 0, 0, None
    start = time.perf_counter()
    while episode < max_episodes:
        h = W1 @ obs
        h[h < 0] = 0
        p = 1.0 / (1.0 + np.exp(-(W2 @ h)))
        act = 1 if rng.uniform() < p else 0
        ep_obs.append(obs)
        ep_h.append(h)
        ep_dlogit.append(act - p)  # the Bernoulli score a - p
        obs, rew, terminated, truncated, _ = env.step(act)
        ep_rew.append(rew)
        t += 1
        if not (terminated or truncated):
            continue
        episode, steps = episode + 1, steps + t
        ep_len.append(t)
        t = 0
        xs, hs = np.vstack(ep_obs), np.vstack(ep_h)  # (T, D), (T, H)
        r = np.array(ep_rew, dtype=np.float64)
        ret = np.zeros_like(r)
        running = 0.0
        for i in reversed(range(r.size)):  # G_t = r_t + gamma G_{t+1}
            running = running * GAMMA + r[i]
            ret[i] = running
        ret -= ret.mean()  # standardised within the episode
        if ret.std() > 0:
            ret /= ret.std()
        d = np.array(ep_dlogit) * ret  # (T,)
        dh = np.outer(d, W2)
        dh[hs <= 0] = 0
        grad["W1"] += dh.T @ xs
        grad["W2"] += hs.T @ d
        if episode % BATCH == 0:
            for k, theta in params.items():
                cache[k] = DECAY * cache[k] + (1 - DECAY) * grad[k] ** 2
                theta += LR * grad[k] / (np.sqrt(cache[k]) + EPS)
                grad[k][:] = 0
            if judge is not None and judge(_policy_sampler(W1, W2), episode):
                solved_at = judge.solved_at
                break
        ep_obs, ep_h, ep_dlogit, ep_rew = [], [], [], []
        if judge is None and len(ep_len) >= 100 and np.mean(ep_len[-100:]) >= 475:
            solved_at = episode
            break
        obs, _ = env.reset()
    judge_seconds = 0.0 if judge is None else judge.seconds
    return {
        "solved_at": solved_at,
        "episodes": episode,
        "seconds": time.perf_counter() - start - judge_seconds,
        "judge_seconds": judge_seconds,
        "steps": steps,
        "last100": float(np.mean(ep_len[-100:])),
    }
