"""The fast trainer's update against the readable reference loop, on the same real Pong games.

The oracle is `course_lib.pong.reference.policy_gradient`: dense (T, 6400) products, returns
restarted at every point, standardised over the batch. The fast trainer's
`Trainer._gradient_of` takes the same games as sparse triples (as its `GroupHistory` keeps
them) and must give the same g_hat to float32 rounding. The mutants then show that this
comparison can fail: each one plants a bug in the trainer's update (a wrong sign, actions or
rewards one step off their frames, no reset at points, ...), and the comparison must reject it.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.pong import reference, sparse
from course_lib.pong import trainer as trainer_module
from course_lib.pong.config import TrainConfig
from course_lib.pong.envs import DOWN, UP, make_env, make_vector_env
from course_lib.pong.history import GroupHistory
from course_lib.pong.prepro import N_PIXELS, prepro
from course_lib.pong.trainer import Trainer
from course_lib.rmsprop import RMSProp

SEED = 3
CONFIG = TrainConfig(seed=SEED, n_envs=2, n_groups=2, apply_delay=0)


@pytest.fixture(scope="module")
def episodes():
    """Four real games of 300, 300, 300 and 200 agent steps, several points each."""
    policy, rng = reference.initial_policy(SEED), np.random.default_rng([SEED, 1])
    games = []
    for max_frames, seed in [(1200, 0), (1200, 1), (1200, 2), (800, 5)]:  # seeded: same games
        env = make_env(max_num_frames_per_episode=max_frames)
        try:
            games.append(reference.play_episode(env, policy, rng, seed=seed))
        finally:
            env.close()
    return games


@pytest.fixture
def trainer(tmp_path):
    t = Trainer(CONFIG, tmp_path)
    yield t
    t.close()


def as_sparse(ep: reference.Episode) -> dict:
    """The episode as the trainer keeps it: recorded step by step into a `GroupHistory`."""
    hist = GroupHistory(n_games=1)
    for x, up, r in zip(ep.xs, ep.up, ep.rew, strict=True):
        pix = np.flatnonzero(x)
        hist.record(np.zeros(pix.size, np.int16), pix, x[pix], [up > 0], [r])
    return hist.episode(0, 0)


def gradients_match(fast: dict, ref: dict) -> bool:
    """Equal to float32 rounding: sums of thousands of float32 terms, added in other orders."""
    return all(
        np.allclose(fast[k], ref[k], rtol=1e-4, atol=1e-5 * np.abs(ref[k]).max()) for k in ref
    )


def shifted(a: np.ndarray, k: int) -> np.ndarray:
    """`a` moved k steps later (k < 0: earlier), the edge repeated: a[t - k] on row t."""
    idx = np.clip(np.arange(len(a)) - k, 0, len(a) - 1)
    return a[idx]


def test_the_games_hold_several_points_each(episodes):
    assert len(episodes) >= 3
    for ep in episodes:
        assert np.count_nonzero(ep.rew) >= 3  # reset-at-point returns get exercised
        assert not ep.xs[0].any() and ep.xs[1:].any()  # x_0 = 0, then motion
    assert len({len(ep.rew) for ep in episodes}) > 1


def test_trainer_starts_from_the_reference_weights(trainer):
    policy = reference.initial_policy(SEED)
    np.testing.assert_array_equal(trainer.policy.W1, policy.W1)
    np.testing.assert_array_equal(trainer.policy.W2, policy.W2)


def test_sparse_episodes_hold_the_dense_frames(episodes):
    for ep in episodes:
        sp = as_sparse(ep)
        rows = np.repeat(np.arange(len(ep.rew)), sp["counts"])
        dense = np.zeros_like(ep.xs)
        dense[rows, sp["pix"]] = sp["val"]
        np.testing.assert_array_equal(dense, ep.xs)
        np.testing.assert_array_equal(sp["up"], ep.up)
        np.testing.assert_array_equal(sp["rew"], ep.rew)


def test_fast_gradient_equals_the_reference(trainer, episodes):
    """One batch of all the games (per-batch standardisation), and each game alone."""
    policy = reference.initial_policy(SEED)
    for batch in (episodes, episodes[:1], episodes[::-1]):
        fast = trainer._gradient_of([as_sparse(ep) for ep in batch])
        ref = reference.policy_gradient(policy, batch, CONFIG.gamma)
        assert gradients_match(fast, ref)
        assert np.abs(ref["W1"]).max() > 0 and np.abs(ref["W2"]).max() > 0


def test_fast_rmsprop_update_equals_the_reference(trainer, episodes):
    """The weights after one full update, then the gradient at those moved weights."""
    policy = reference.initial_policy(SEED)
    opt = RMSProp(policy.params, lr=CONFIG.lr, decay=CONFIG.decay, eps=CONFIG.eps)
    batch = [as_sparse(ep) for ep in episodes]
    for _ in range(2):
        trainer.opt.step(trainer._gradient_of(batch))
        opt.step(reference.policy_gradient(policy, episodes, CONFIG.gamma))
        for k in ("W1", "W2"):
            step_fast = trainer.policy.params[k] - reference.initial_policy(SEED).params[k]
            step_ref = policy.params[k] - reference.initial_policy(SEED).params[k]
            # where g_hat is about 0 its rounding decides the step; elsewhere a step of ~10 lr
            np.testing.assert_allclose(step_fast, step_ref, atol=0.02 * CONFIG.lr)
            assert np.abs(step_ref).max() > 5 * CONFIG.lr
    fast = trainer._gradient_of(batch)
    assert gradients_match(fast, reference.policy_gradient(policy, episodes, CONFIG.gamma))


# Each mutant plants one bug in the fast trainer's update: `plant(monkeypatch)` changes its
# code, or `alter(ep)` the episode it is given (the oracle always gets the true episodes).
def _flip_sign(monkeypatch):  # (p - up) instead of (up - p): descent instead of ascent
    backward = sparse.backward
    monkeypatch.setattr(
        sparse, "backward", lambda W2, h, dlogps, *rest: backward(W2, h, -dlogps, *rest)
    )


def _no_reset_at_points(monkeypatch):
    returns = trainer_module.discounted_returns
    monkeypatch.setattr(
        trainer_module, "discounted_returns", lambda rew, gamma, **_: returns(rew, gamma)
    )


def _standardise_per_episode(monkeypatch):
    # The gradient is a sum over steps, so summing each game's own update is the batch's
    # update with every game standardised on its own.
    gradient_of = Trainer._gradient_of

    def per_episode(self, batch):
        grads = [gradient_of(self, [ep]) for ep in batch]
        return {k: sum(g[k] for g in grads) for k in grads[0]}

    monkeypatch.setattr(Trainer, "_gradient_of", per_episode)


def _transposed(ep):  # the 80 x 80 image read column by column
    r, c = np.divmod(np.arange(N_PIXELS), 80)
    return ep._replace(xs=np.ascontiguousarray(ep.xs[:, c * 80 + r]))


MUTANTS = {
    "sign of up - p flipped": dict(plant=_flip_sign),
    "x_t with a_{t+1}": dict(alter=lambda ep: ep._replace(up=shifted(ep.up, -1))),
    "x_t with a_{t-1}": dict(alter=lambda ep: ep._replace(up=shifted(ep.up, 1))),
    "a_t with x_{t-1}": dict(alter=lambda ep: ep._replace(xs=shifted(ep.xs, 1))),
    "a_t with r_{t-1} (reward one step late)": dict(
        alter=lambda ep: ep._replace(rew=shifted(ep.rew, 1))
    ),
    "no reset at points": dict(plant=_no_reset_at_points),
    "standardised per episode": dict(plant=_standardise_per_episode),
    "x_t = |x_t| (motion's sign lost)": dict(alter=lambda ep: ep._replace(xs=np.abs(ep.xs))),
    "pixels transposed": dict(alter=_transposed),
}


@pytest.mark.parametrize("name", list(MUTANTS))
def test_oracle_rejects_mutant(name, monkeypatch, trainer, episodes):
    mutant = MUTANTS[name]
    alter = mutant.get("alter", lambda ep: ep)
    if "plant" in mutant:
        mutant["plant"](monkeypatch)
    fast = trainer._gradient_of([as_sparse(alter(ep)) for ep in episodes])
    ref = reference.policy_gradient(reference.initial_policy(SEED), episodes, CONFIG.gamma)
    assert not gradients_match(fast, ref)


def test_trainer_records_frames_actions_and_rewards_as_the_reference_does(tmp_path):
    """The trainer's own recorded games, replayed: x_t is the frame before action a_t, r_t after.

    The trainer plays grayscale frames in vector envs; replaying each game's first episode from
    the same reset seed and the recorded actions in a colour vector env (sticky actions come
    from the seed) must give prepro's difference frames, x_0 = 0, and the recorded rewards.
    """
    config = TrainConfig(seed=SEED, n_envs=2, n_groups=2, batch_episodes=2, max_episode_frames=800)
    recorded = []
    t = Trainer(config, tmp_path)
    end_episode = t._end_episode
    t._end_episode = lambda ep: (recorded.append(ep), end_episode(ep))
    try:
        t.train(max_updates=1)
    finally:
        t.close()
    seeds = trainer_module.env_seeds(SEED, 0, config.n_envs)
    firsts = recorded[: config.n_envs]  # both games end together: one episode per env first
    assert len(firsts) == 2
    for game, ep in enumerate(firsts):  # groups of one game: game i is env i
        env = make_vector_env(1, max_episode_frames=config.max_episode_frames)
        try:
            obs, _ = env.reset(seed=seeds[game : game + 1])
            prev = prepro(obs[0, 0])
            rows = np.repeat(np.arange(ep["up"].size), ep["counts"])
            xs = np.zeros((ep["up"].size, N_PIXELS), np.float32)
            xs[rows, ep["pix"]] = ep["val"]
            for step, (x, up, r) in enumerate(zip(xs, ep["up"], ep["rew"], strict=True)):
                cur = prepro(obs[0, 0])
                np.testing.assert_array_equal(x, cur - prev, err_msg=f"step {step}")
                prev = cur
                obs, rew, *_ = env.step(np.array([UP if up else DOWN]))
                assert rew[0] == r, f"step {step}"
        finally:
            env.close()
        assert np.count_nonzero(ep["rew"]) >= 2
