"""Actor-critic on CartPole: chapter 6's trainer with GAE(lambda) advantages (chapter 7).

Chapter 6's `cartpole.baseline.train` weights each score by G^_t - V_phi(s_t). This trainer
changes that one line:

    adv_t = A^lambda_t = sum_m (gamma lambda)^m delta_{t+m},
    delta_t = r_t + gamma V(s_{t+1}) - V(s_t)

(`course_lib.advantages.gae`). lambda = 0 is the one-step actor-critic, whose weight is the TD
error; lambda = 1 is chapter 6's G^_t - V_phi(s_t) again (the sum telescopes), and then this
trainer takes chapter 6's steps exactly (checked in the tests). Everything else is chapter 6's:
the batches of N whole episodes, the policy network, its initial weights and RMSProp, V_phi's
network, its scales and its fit to the bootstrapped returns G^_t, the standardised weights
(`weight="rtg_std"`) and the judge. So the critic learns what it learned in chapter 6, and only
what the actor does with it changes.

How an episode ends decides V(s_T) in its last TD error:

    a fall (terminated)       V(s_T) = 0: the pole is down, nothing more will be paid
    the 500-step cut          V(s_T) = V_phi(s_T), the value of the state where the clock
                              stopped the episode (`cut_states` finds it)

Read `train` beside chapter 6's `cartpole.baseline.train`: its loop is that one with the
advantage line changed (the `batch_advantages` call, where chapter 6 subtracts V_phi from G^_t),
and with the lines chapter 6 needed for its baseline=False runs left out. A diff of the two
loops shows the whole lesson. Its set-up, `start_actor_critic` (shared with chapter 7's PPO),
is the one chapter 6's `train` writes out, line for line, so the same seed starts alike.

Command line: `python -m course_lib.cartpole.ppo_runs` trains it for several lambdas.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from course_lib.advantages import gae
from course_lib.cartpole.baseline import (
    BaselineConfig,
    BaselineResult,
    bootstrapped_returns,
    cut_states,
    explained_variance,
    fit_value,
    result_fields,
    start_actor_critic,
    value_of,
)
from course_lib.cartpole.config import advance, check_fields, progress_bar
from course_lib.cartpole.reinforce_torch import sample_actions
from course_lib.cartpole.rollout import SolvedJudge, collect_episodes, make_cartpole


@dataclass(frozen=True)
class ActorCriticConfig(BaselineConfig):
    """Chapter 6's BaselineConfig plus lambda. `baseline` must be True: the critic is V_phi.

    Example:
        >>> ActorCriticConfig(lam=0.95).lam
        0.95
        >>> ActorCriticConfig(lam=1.5)
        Traceback (most recent call last):
        ...
        ValueError: lam must lie in [0, 1], got 1.5
    """

    lam: float = 0.0
    """lambda of GAE, in [0, 1]: 0 is the one-step actor-critic (the TD error as the weight),
    1 is chapter 6's G^_t - V_phi(s_t)."""

    def __post_init__(self):
        super().__post_init__()
        if not self.baseline:
            raise ValueError("baseline must be True: an actor-critic needs its critic V_phi")
        check_fields(self, reals=("lam",))
        if not 0.0 <= self.lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {self.lam}")


def batch_advantages(batch, v: np.ndarray, v_last: np.ndarray, cut: np.ndarray, gamma, lam):
    """A^lambda_t of every step of `batch`, in the order of batch.obs[batch.mask], shape (M,).

    Args:
        batch: an EpisodeBatch of N episodes.
        v: V_phi(s_t) of its M real steps, in the order of batch.obs[batch.mask], shape (M,).
        v_last: V_phi(s_T) of each episode's state after its last step, shape (N,).
        cut: True where the time limit, not a fall, ended the episode, shape (N,).
        gamma, lam: the discount and lambda.

    Example:
        >>> from course_lib.cartpole.rollout import EpisodeBatch
        >>> batch = EpisodeBatch(np.zeros((2, 1, 4)), np.zeros((2, 1), int), np.ones((2, 1)),
        ...                      np.ones((2, 1), bool), np.array([2]))
        >>> batch_advantages(batch, np.array([1.0, 1.0]), np.array([3.0]), np.array([True]),
        ...                  gamma=0.5, lam=0.0)      # 1 + .5 * 1 - 1, then 1 + .5 * 3 - 1
        array([0.5, 1.5])
    """
    values = np.zeros(batch.mask.shape)
    values[batch.mask] = v  # (T, N), 0 in the padding, which gae ignores
    adv = gae(
        batch.rew, values, batch.mask, gamma, lam, last_values=v_last, truncated=np.asarray(cut)
    )
    return adv[batch.mask]


def train(config: ActorCriticConfig) -> BaselineResult:
    """GAE(lambda) actor-critic on CartPole-v1; chapter 6's trainer when lambda = 1.

    Returns chapter 6's BaselineResult (its `ret_std` is of the advantages' targets G^_t).

    Example:
        >>> result = train(ActorCriticConfig(n_episodes=32, n_envs=16, progress=False))
        >>> result.ep_ret.shape, result.eval_len.shape
        ((32,), (2,))
    """
    if not isinstance(config, ActorCriticConfig):
        raise TypeError(f"config must be an ActorCriticConfig, got {type(config).__name__}")
    start = time.perf_counter()
    rng, policy, value, vopt, gen = start_actor_critic(config)
    opt = torch.optim.RMSprop(policy.parameters(), lr=config.lr, alpha=config.decay, eps=config.eps)
    env = make_cartpole(config.n_envs, config.seed)
    judge = SolvedJudge(config.seed)  # judges each update's policy on fresh episodes
    ep_ret, entropy, value_ev, value_ev_fit, ret_std, n_cut = [], [], [], [], [], []
    with progress_bar(config, desc=f"lambda={config.lam}, seed {config.seed}") as bar:
        for _ in range(config.n_episodes // config.n_envs):
            batch = collect_episodes(env, lambda obs: sample_actions(policy, obs, rng))
            cut, last_obs = cut_states(env, batch)
            cut = cut & config.bootstrap  # without bootstrap a cut is treated as a fall
            n_cut.append(int(cut.sum()))
            obs = batch.obs[batch.mask]  # (M, 4)
            v_last = np.where(cut, value_of(value, last_obs, config.gamma), 0.0)  # (N,)
            v = value_of(value, obs, config.gamma)  # (M,): V as it was before this batch
            ret = bootstrapped_returns(batch, config.gamma, v_last)[batch.mask]  # V's target
            value_ev.append(explained_variance(ret, v))
            ret_std.append(float(ret.std()))
            adv = batch_advantages(batch, v, v_last, cut, config.gamma, config.lam)  # (M,)
            if config.weight == "rtg_std":
                std = adv.std()
                adv = (adv - adv.mean()) / (std if std > 1e-12 else 1.0)
            act = torch.as_tensor(batch.act[batch.mask], dtype=torch.float64)
            dist = policy.dist(torch.as_tensor(obs))
            ent = dist.entropy()  # (M,)
            loss = -(dist.log_prob(act) * torch.as_tensor(adv)).sum() / batch.n_episodes
            loss = loss - config.ent_coef * ent.sum() / batch.n_episodes
            opt.zero_grad()
            loss.backward()
            opt.step()
            fit_value(value, vopt, obs, ret, config, gen)  # the critic: chapter 6's fit to G^_t
            value_ev_fit.append(explained_variance(ret, value_of(value, obs, config.gamma)))
            entropy.append(float(ent.detach().mean()))
            ep_ret.extend(batch.rew.sum(axis=0)[batch.finish_order()])
            advance(bar, ep_ret)
            solved = judge(lambda o, r: sample_actions(policy, o, r), len(ep_ret))
            if config.stop_when_solved and solved:
                break
    lists = {"ep_ret": ep_ret, "entropy": entropy, "value_ev": value_ev, "ret_std": ret_std}
    lists |= {"value_ev_fit": value_ev_fit, "n_cut": n_cut}
    fields = result_fields(judge, start, **lists)
    return BaselineResult(**fields, policy=policy, value=value, config=config)
