"""REINFORCE on CartPole with a learned value baseline and an entropy bonus (chapter 6).

Chapter 4's PyTorch trainer (`reinforce_torch`) with three additions, each one line of the loss:

    adv  = G^_t - V_phi(s_t)     V_phi from its own network, computed without a graph (detached)
    loss = -(1/N) sum adv_t log pi(a_t | s_t)  -  c_H (1/N) sum H(pi(. | s_t))
    V_phi is then fitted to G^_t by its own loss, mean (V_phi(s_t) - G^_t)^2, with its own optimiser

(G^_t is the bootstrapped return-to-go of the notation page, described below; it is G_t in an
episode that ended in a fall.)

(c_H, the weight of the entropy bonus, is `ent_coef` in the code.)

The policy network, its initial weights, the optimiser and the random numbers that pick the
actions are chapter 4's, so with baseline=False and ent_coef=0 this trainer takes the same
steps as `reinforce_torch.train` (checked in the tests), and a run with the baseline differs
from one without only by V (and, through V, by the bootstrapped targets of cut episodes).

Two details make V a fair baseline:

    the time limit   CartPole-v1 cuts an episode at 500 steps. The cut is not a terminal
                     state, so G_t of a cut episode adds gamma^(T - t) V_phi(s_T), the value of the
                     state where it was cut (bootstrap=True): that is G^_t. Without that, the
                     same state has a smaller return the nearer it is to the cut, which V
                     cannot know.
    the scales       V reads the observation divided by OBS_SCALE (the pole angle is ~0.2, the
                     velocities ~1) and predicts its target / value_scale(gamma), about [0, 1).

The advantages use V as it was before this batch: fitting V to the batch first would make the
baseline depend on the very actions it is subtracted from.

"Solved" is judged on the policy itself, as in chapter 4: after every update,
`cartpole.rollout.SolvedJudge` runs 100 fresh episodes of it with its own random numbers.

Command line (the 10-seed comparison that chapter 6 loads):

    OMP_NUM_THREADS=1 python -m course_lib.cartpole.baseline --seeds 10 --out book/data/cartpole
"""

from __future__ import annotations

import argparse
import dataclasses
import numbers
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from course_lib._validate import check_int
from course_lib.cartpole.config import CartPoleConfig, advance, progress_bar
from course_lib.cartpole.reinforce_torch import TorchPolicy, sample_actions
from course_lib.cartpole.rollout import (
    MAX_LEN,
    OBS_DIM,
    EpisodeBatch,
    SolvedJudge,
    collect_episodes,
    make_cartpole,
)
from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.returns import returns_to_go

OBS_SCALE = np.array([2.4, 3.0, 0.2095, 3.5])  # where x and the angle end an episode; speeds


def value_scale(gamma: float) -> float:
    """The largest return-to-go CartPole can pay, 1/(1 - gamma), or 500 steps when gamma = 1.

    Example:
        >>> round(value_scale(0.99), 6), value_scale(1.0)
        (100.0, 500.0)
    """
    return float(MAX_LEN) if gamma >= 1 else min(1.0 / (1.0 - gamma), float(MAX_LEN))


@dataclass(frozen=True)
class BaselineConfig(CartPoleConfig):
    """Chapter 4's CartPoleConfig plus the baseline and the entropy bonus. `weight` must be
    "rtg" (the advantage as it is) or "rtg_std" (the advantage standardised per batch).

    Example:
        >>> config = BaselineConfig(ent_coef=0.01)
        >>> config.baseline, config.weight, config.n_envs        # chapter 4's batch size
        (True, 'rtg_std', 64)
        >>> BaselineConfig(weight="total")
        Traceback (most recent call last):
        ...
        ValueError: weight must be "rtg" or "rtg_std", got 'total'
    """

    baseline: bool = True
    """Subtract a learned V_phi(s_t) from G_t; False gives plain REINFORCE."""
    value_hidden: int = 32
    """The width of V's hidden layer (V has biases: it must be able to output a constant)."""
    value_lr: float = 0.01
    """Adam's step size for V."""
    value_iters: int = 100
    """Adam steps on V's loss per batch, each on a random minibatch of `value_batch` steps."""
    value_batch: int = 1024
    """The steps in one minibatch of V's fit (the whole batch when it holds fewer)."""
    bootstrap: bool = True
    """At the 500-step cut, G_t adds gamma^(T - t) V_phi(s_T) instead of ending there."""
    ent_coef: float = 0.0
    """c_H, the weight of the entropy bonus; 0 for none."""

    def __post_init__(self):
        super().__post_init__()
        if self.weight not in ("rtg", "rtg_std"):
            raise ValueError(f'weight must be "rtg" or "rtg_std", got {self.weight!r}')
        for name in ("baseline", "bootstrap"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False")
        for name in ("value_hidden", "value_iters", "value_batch"):
            object.__setattr__(self, name, check_int(name, getattr(self, name), low=1))
        for name in ("value_lr", "ent_coef"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
            if not np.isfinite(value) or value < 0 or (name == "value_lr" and value == 0):
                raise ValueError(f"{name} must be {'positive' if name == 'value_lr' else '>= 0'}")


class ValueNet(nn.Module):
    """V_phi(s) = W2 . relu(W1 s + b1) + b2, phi = (W1, b1, W2, b2): one number per observation.

    `value_of` wraps it with the scales the trainer uses: the input s / OBS_SCALE and the output
    times value_scale(gamma).

    Example:
        >>> torch.manual_seed(0) and None
        >>> ValueNet(4, 8)(torch.zeros(3, 4, dtype=torch.float64)).shape
        torch.Size([3])
    """

    def __init__(self, n_inputs: int, n_hidden: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_inputs, n_hidden, dtype=torch.float64),
            nn.ReLU(),
            nn.Linear(n_hidden, 1, dtype=torch.float64),
        )

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """V_phi(s) for each row of `obs` (M, D) as it is (no scaling), shape (M,).

        Example:
            >>> net = ValueNet(4, 8)
            >>> with torch.no_grad():
            ...     _ = net.net[2].weight.zero_()
            ...     _ = net.net[2].bias.fill_(7.0)          # the output bias alone: V = 7
            >>> net(torch.ones(2, 4, dtype=torch.float64))
            tensor([7., 7.], dtype=torch.float64, grad_fn=<SqueezeBackward1>)
        """
        return self.net(obs).squeeze(-1)


def advantages(ret: np.ndarray, values: np.ndarray | None, standardize: bool) -> np.ndarray:
    """adv_t = G_t - V_phi(s_t) (or G_t when `values` is None), standardised if asked, shape (M,).

    Example:
        >>> advantages(np.array([3.0, 2.0, 1.0]), np.array([2.0, 2.0, 2.0]), standardize=False)
        array([ 1.,  0., -1.])
    """
    ret = np.asarray(ret, dtype=np.float64)
    adv = ret if values is None else ret - np.asarray(values, dtype=np.float64)
    if standardize:
        std = adv.std()
        adv = (adv - adv.mean()) / (std if std > 1e-12 else 1.0)
    return adv


def value_of(value: ValueNet, obs: np.ndarray, gamma: float) -> np.ndarray:
    """V_phi(s) in units of return for observations of shape (M, 4), shape (M,), without a graph.

    Example:
        >>> net = ValueNet(4, 8)
        >>> with torch.no_grad():
        ...     _ = net.net[2].bias.fill_(0.5)
        ...     _ = net.net[2].weight.zero_()
        >>> value_of(net, np.zeros((2, 4)), gamma=0.99).round(6)
        array([50., 50.])
    """
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(obs, dtype=np.float64) / OBS_SCALE)
        return value(x).numpy() * value_scale(gamma)


def cut_states(env, batch: EpisodeBatch) -> tuple[np.ndarray, np.ndarray]:
    """The episodes that the 500-step limit cut (rather than a fall ended), and where.

    Call it right after `collect_episodes(env, ...)`: an episode that lasted the whole batch
    still sits in its last state, s_T, which the batch itself does not hold.

    Returns:
        cut: True for an episode cut by the time limit, shape (N,).
        last_obs: s_T of every episode, shape (N, 4) (meaningful where `cut`).

    Example:
        >>> env = make_cartpole(2, seed=0)
        >>> falls = collect_episodes(env, lambda obs: np.ones(len(obs), dtype=int))
        >>> cut_states(env, falls)[0]                  # always pushing right falls
        array([False, False])
        >>> balance = lambda obs: (obs[:, 2] + 0.5 * obs[:, 3] > 0).astype(int)  # follow the lean
        >>> kept = collect_episodes(env, balance)
        >>> kept.ep_len, cut_states(env, kept)[0]      # 500 steps each: cut, not fallen
        (array([500, 500]), array([ True,  True]))
    """
    state = np.asarray(env.state, dtype=np.float32).T.astype(np.float64)  # (N, 4), as obs are
    fell = (np.abs(state[:, 0]) > env.x_threshold) | (
        np.abs(state[:, 2]) > env.theta_threshold_radians
    )
    cut = (batch.ep_len == MAX_LEN) & (batch.ep_len == batch.mask.shape[0]) & ~fell
    return cut, state


def bootstrapped_returns(batch: EpisodeBatch, gamma: float, v_last: np.ndarray) -> np.ndarray:
    """G_t of every step, shape (T, N), where an episode with v_last[i] != 0 goes on after its
    last step with value v_last[i]: G_t = r_t + ... + gamma^(T-1-t) r_(T-1) + gamma^(T-t) v_last.

    Example:
        >>> batch = EpisodeBatch(np.zeros((2, 1, 4)), np.zeros((2, 1), int), np.ones((2, 1)),
        ...                      np.ones((2, 1), bool), np.array([2]))
        >>> bootstrapped_returns(batch, 0.5, np.array([4.0])).ravel()   # 1 + .5 (1 + .5 * 4)
        array([2.5, 3. ])
    """
    rew = batch.rew.copy()
    last = batch.ep_len - 1  # (N,)
    rew[last, np.arange(batch.n_episodes)] += gamma * np.asarray(v_last, dtype=np.float64)
    return returns_to_go(rew, batch.mask, gamma)


def explained_variance(ret: np.ndarray, v: np.ndarray) -> float:
    """1 - mean (G_t - V_phi(s_t))^2 / var(G_t): 1 is a perfect V_phi, 0 no better than mean G_t.

    Example:
        >>> explained_variance(np.array([1.0, 3.0]), np.array([1.5, 2.5]))
        0.75
    """
    return 1.0 - float(np.mean((ret - v) ** 2) / max(float(ret.var()), 1e-12))


def fall_return_moments(ep_len, gamma: float) -> tuple[float, float, float]:
    """The mean, standard deviation and mean square of G_t over all steps of a batch whose
    episodes all ended in a fall, from their lengths alone (every reward is 1, no bootstrap).

    An episode of length T has G_t = (1 - gamma^(T - t)) / (1 - gamma) (T - t when gamma = 1).
    With V = 0 the fraction `explained_variance` is -mean^2 / std^2.

    Example:
        >>> [round(x, 4) for x in fall_return_moments([1, 2], gamma=0.5)]   # G = 1; 1.5, 1
        [1.1667, 0.2357, 1.4167]
    """
    lens = np.asarray(ep_len)
    if lens.ndim != 1 or lens.size == 0 or np.any(lens < 1):
        raise ValueError("ep_len must be a non-empty 1-d array of lengths >= 1")
    to_go = np.concatenate([np.arange(int(n), 0, -1) for n in lens]).astype(np.float64)
    ret = to_go if gamma >= 1 else (1.0 - gamma**to_go) / (1.0 - gamma)
    return float(ret.mean()), float(ret.std()), float(np.mean(ret**2))


@dataclass
class BaselineResult:
    """What `train` returns.

    Attributes:
        ep_ret: the return of every episode, in the order they finished, shape (n,).
        solved_at: the training episodes before the first update after which the policy was
            solved (100 fresh episodes of it averaged >= 475 steps), or None.
        eval_len: the mean length of those 100 fresh episodes after each update, shape (U,).
        entropy: the mean entropy of pi(. | s_t) over the steps of each batch, shape (U,).
        value_ev: the fraction of the variance of the targets (G^_t with a baseline, G_t
            without; the same where no episode was cut) that V explained on each batch before
            it was fitted to it, `explained_variance`, shape (U,) (NaN without a baseline).
            This V is the baseline the batch's advantages used.
        value_ev_fit: the same after V was fitted to the batch, shape (U,) (NaN without one):
            how well V can fit the returns it was trained on.
        ret_std: the standard deviation of the targets over each batch's steps, shape (U,):
            of the bootstrapped G^_t with a baseline (nearly constant once every episode is
            cut), of G_t without one. How much there is for V to explain.
        n_cut: the episodes of each batch that the 500-step limit cut, shape (U,).
        seconds: wall-clock seconds of the run, judging left out.
        policy, value: the trained networks (value is None without a baseline).
        config: the config of the run.

    Example:
        >>> small = {"n_episodes": 16, "n_envs": 16, "value_iters": 10, "progress": False}
        >>> result = train(BaselineConfig(**small))
        >>> result.eval_len.shape, result.n_cut, result.value is not None   # one update
        ((1,), array([0]), True)
        >>> plain = train(BaselineConfig(baseline=False, **small))
        >>> plain.value, bool(np.isnan(plain.value_ev).all())
        (None, True)
    """

    ep_ret: np.ndarray
    solved_at: int | None
    eval_len: np.ndarray
    entropy: np.ndarray
    value_ev: np.ndarray
    value_ev_fit: np.ndarray
    ret_std: np.ndarray
    n_cut: np.ndarray
    seconds: float
    policy: TorchPolicy
    value: ValueNet | None
    config: BaselineConfig


def fit_value(value, vopt, obs, ret, config: BaselineConfig, gen: torch.Generator) -> None:
    """`config.value_iters` Adam steps on mean (V_phi(s_t) - G_t)^2, each on a random minibatch.

    Example:
        >>> torch.manual_seed(0) and None
        >>> config = BaselineConfig(value_iters=50, value_lr=0.05)
        >>> value = ValueNet(OBS_DIM, 8)
        >>> vopt = torch.optim.Adam(value.parameters(), lr=config.value_lr)
        >>> obs = np.random.default_rng(0).normal(size=(64, 4)) * 0.1
        >>> ret = 20.0 + 100.0 * obs[:, 0]              # returns that grow with the cart's x
        >>> explained_variance(ret, value_of(value, obs, config.gamma)) < 0
        True
        >>> fit_value(value, vopt, obs, ret, config, torch.Generator().manual_seed(0))
        >>> explained_variance(ret, value_of(value, obs, config.gamma)) > 0.9
        True
    """
    x = torch.as_tensor(obs / OBS_SCALE)  # (M, 4)
    target = torch.as_tensor(ret / value_scale(config.gamma))  # (M,), in [0, 1)
    m = x.shape[0]
    for _ in range(config.value_iters):
        idx = torch.randint(m, (min(config.value_batch, m),), generator=gen)
        vloss = ((value(x[idx]) - target[idx]) ** 2).mean()
        vopt.zero_grad()
        vloss.backward()
        vopt.step()


def start_actor_critic(config, *, with_value: bool = True) -> tuple:
    """What chapter 6's trainer starts from for `config.seed`; chapter 7's trainers start alike.

    In this order, as chapter 6 makes them: the NumPy generator that picks the actions,
    chapter 4's policy (its initial weights drawn from that generator), then from torch's
    seeded generator V_phi's network with its output layer at 0 (V starts at 0), V's Adam,
    and the torch generator of V's minibatches. The policy's optimiser is the trainer's own.

    Args:
        config: a config with seed, n_hidden, value_hidden and value_lr (a BaselineConfig,
            an ActorCriticConfig or a PPOConfig).
        with_value: False for REINFORCE without a baseline: then value, vopt and gen are None
            and torch's generator is left alone.

    Returns:
        (rng, policy, value, vopt, gen).

    Example:
        >>> rng, policy, value, vopt, gen = start_actor_critic(BaselineConfig(seed=1))
        >>> value_of(value, np.zeros((2, OBS_DIM)), gamma=0.99)      # V starts at 0
        array([0., 0.])
    """
    rng = np.random.default_rng(config.seed)
    policy = TorchPolicy.from_numpy(TwoLayerPolicy(OBS_DIM, config.n_hidden, rng))  # chapter 4's
    if not with_value:
        return rng, policy, None, None, None
    torch.manual_seed(config.seed)  # V's weights come from torch's generator, not from rng
    value = ValueNet(OBS_DIM, config.value_hidden)
    with torch.no_grad():
        value.net[2].weight.zero_()  # V starts at 0: an unfitted V changes no weight
        value.net[2].bias.zero_()
    vopt = torch.optim.Adam(value.parameters(), lr=config.value_lr)
    gen = torch.Generator().manual_seed(config.seed)  # V's minibatches: not the actions'
    return rng, policy, value, vopt, gen


def result_fields(judge: SolvedJudge, start: float, **per_run) -> dict:
    """The fields of a trainer's result that come from its judge and its clock, and its lists.

    Args:
        judge: the run's SolvedJudge: solved_at, and eval_len as an array.
        start: time.perf_counter() at the start of the run: seconds, judging left out.
        per_run: the run's lists (the episodes' returns, one number per update), each made
            an array under its own name.

    Example:
        >>> fields = result_fields(SolvedJudge(0), time.perf_counter(), entropy=[0.7, 0.6])
        >>> sorted(fields), fields["entropy"], fields["solved_at"]
        (['entropy', 'eval_len', 'seconds', 'solved_at'], array([0.7, 0.6]), None)
    """
    return {
        "solved_at": judge.solved_at,
        "eval_len": np.array(judge.eval_len),
        "seconds": time.perf_counter() - start - judge.seconds,  # judging is not training
        **{name: np.array(values) for name, values in per_run.items()},
    }


def train(config: BaselineConfig) -> BaselineResult:
    """REINFORCE, with or without a learned baseline and an entropy bonus, on CartPole-v1.

    Example:
        >>> result = train(BaselineConfig(n_episodes=32, n_envs=16, progress=False))
        >>> result.ep_ret.shape, result.entropy.shape, result.eval_len.shape
        ((32,), (2,), (2,))
    """
    if not isinstance(config, BaselineConfig):
        raise TypeError(f"config must be a BaselineConfig, got {type(config).__name__}")
    start = time.perf_counter()
    rng, policy, value, vopt, gen = start_actor_critic(config, with_value=config.baseline)
    opt = torch.optim.RMSprop(policy.parameters(), lr=config.lr, alpha=config.decay, eps=config.eps)
    env = make_cartpole(config.n_envs, config.seed)
    judge = SolvedJudge(config.seed)  # judges each update's policy on fresh episodes
    ep_ret, entropy, value_ev, value_ev_fit, ret_std, n_cut = [], [], [], [], [], []
    with progress_bar(config, desc=f"baseline={config.baseline}, seed {config.seed}") as bar:
        for _ in range(config.n_episodes // config.n_envs):
            batch = collect_episodes(env, lambda obs: sample_actions(policy, obs, rng))
            cut, last_obs = cut_states(env, batch)
            n_cut.append(int(cut.sum()))
            obs = batch.obs[batch.mask]  # (M, 4)
            x = torch.as_tensor(obs)
            act = torch.as_tensor(batch.act[batch.mask], dtype=torch.float64)  # (M,)
            v = None
            if value is None:
                ret = returns_to_go(batch.rew, batch.mask, config.gamma)[batch.mask]  # (M,)
                value_ev.append(np.nan)
                value_ev_fit.append(np.nan)
            else:  # the baseline is data for the policy: no graph behind it
                bootstrap = cut & config.bootstrap  # (N,): where G^_t goes on past the cut
                v_last = np.where(bootstrap, value_of(value, last_obs, config.gamma), 0.0)
                ret = bootstrapped_returns(batch, config.gamma, v_last)[batch.mask]  # (M,)
                v = value_of(value, obs, config.gamma)
                value_ev.append(explained_variance(ret, v))
            ret_std.append(float(ret.std()))
            adv = torch.as_tensor(advantages(ret, v, standardize=config.weight == "rtg_std"))
            dist = policy.dist(x)
            ent = dist.entropy()  # (M,)
            loss = -(dist.log_prob(act) * adv).sum() / batch.n_episodes  # minus: we ascend J
            loss = loss - config.ent_coef * ent.sum() / batch.n_episodes  # ... and the entropy
            opt.zero_grad()
            loss.backward()
            opt.step()
            if value is not None:  # V's own loss, after the policy step: V_phi(s_t) -> G_t
                fit_value(value, vopt, obs, ret, config, gen)
                value_ev_fit.append(explained_variance(ret, value_of(value, obs, config.gamma)))
            entropy.append(float(ent.detach().mean()))
            ep_ret.extend(batch.rew.sum(axis=0)[batch.finish_order()])
            advance(bar, ep_ret)
            solved = judge(lambda obs, r: sample_actions(policy, obs, r), len(ep_ret))
            if config.stop_when_solved and solved:
                break
    lists = {"ep_ret": ep_ret, "entropy": entropy, "value_ev": value_ev}
    lists |= {"value_ev_fit": value_ev_fit, "ret_std": ret_std, "n_cut": n_cut}
    fields = result_fields(judge, start, **lists)  # seconds: judging is not training
    return BaselineResult(**fields, policy=policy, value=value, config=config)


ARMS = {  # label -> the settings that differ from the base config
    "G_t": {"baseline": False, "weight": "rtg"},
    "G_t - V_phi(s_t)": {"baseline": True, "weight": "rtg"},
    "G_t standardised": {"baseline": False, "weight": "rtg_std"},
    "G_t - V_phi(s_t) standardised": {"baseline": True, "weight": "rtg_std"},
}
ENT_COEFS = (0.0, 0.01, 0.1, 1.0)  # c_H


def run_arms(base: BaselineConfig, arms: dict, seeds) -> dict:
    """Train every (arm, seed); returns the arrays `save_arms` writes.

    Example:
        >>> base = BaselineConfig(n_episodes=16, n_envs=8, progress=False)
        >>> runs = run_arms(base, {"plain": {"baseline": False}}, [0])
        >>> runs["ep_ret"].shape, runs["entropy"].shape
        ((1, 1, 16), (1, 1, 2))
    """
    if not isinstance(base, BaselineConfig):
        raise TypeError(f"base must be a BaselineConfig, got {type(base).__name__}")
    labels, seeds = list(arms), [check_int("seeds", s, low=0) for s in seeds]
    if not labels or not seeds:
        raise ValueError("arms and seeds must each hold at least one value")
    shape = (len(labels), len(seeds))
    n_updates = base.n_episodes // base.n_envs
    out = {
        "labels": np.array(labels),
        "seeds": np.array(seeds),
        "ep_ret": np.zeros((*shape, base.n_episodes), dtype=np.int16),  # returns <= 500
        "solved_at": np.full(shape, -1, dtype=np.int64),
        "eval_len": np.zeros((*shape, n_updates)),
        "entropy": np.zeros((*shape, n_updates)),
        "value_ev": np.zeros((*shape, n_updates)),
        "value_ev_fit": np.zeros((*shape, n_updates)),
        "ret_std": np.zeros((*shape, n_updates)),
        "n_cut": np.zeros((*shape, n_updates), dtype=np.int64),
        "seconds": np.zeros(shape),
        "arms": np.array([repr(arms[k]) for k in labels]),
        "config": np.array(base.to_json()),
    }
    for k, label in enumerate(labels):
        for s, seed in enumerate(seeds):
            result = train(dataclasses.replace(base, seed=seed, **arms[label]))
            if result.ep_ret.size != base.n_episodes:
                raise ValueError("run_arms needs stop_when_solved=False: runs of equal length")
            out["ep_ret"][k, s] = result.ep_ret
            out["solved_at"][k, s] = -1 if result.solved_at is None else result.solved_at
            for name in ("eval_len", "entropy", "value_ev", "value_ev_fit", "ret_std", "n_cut"):
                out[name][k, s] = getattr(result, name)
            out["seconds"][k, s] = result.seconds
    return out


def save_arms(path, runs: dict) -> None:
    """Write `runs` to a compressed .npz of plain arrays, and the solve episodes to a .csv.

    Example:
        >>> import tempfile
        >>> runs = run_arms(BaselineConfig(n_episodes=8, n_envs=8, progress=False),
        ...                 {"plain": {"baseline": False}}, seeds=[0, 1])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_arms(Path(tmp) / "arms.npz", runs)
        ...     print((Path(tmp) / "arms.csv").read_text().strip())
        arm,seed,solved_at
        plain,0,-1
        plain,1,-1
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(os.fspath(path), **runs)
    lines = ["arm,seed,solved_at"]
    for label, row in zip(runs["labels"], runs["solved_at"], strict=True):
        lines += [f"{label},{seed},{n}" for seed, n in zip(runs["seeds"], row, strict=True)]
    path.with_suffix(".csv").write_text("\n".join(lines) + "\n")


def load_arms(path) -> dict:
    """Read what `save_arms` wrote: {name: array}, with "config" as a BaselineConfig.

    Example:
        >>> import tempfile
        >>> base = BaselineConfig(n_episodes=8, n_envs=8, progress=False)
        >>> runs = run_arms(base, {"plain": {"baseline": False}}, seeds=[0])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_arms(Path(tmp) / "arms.npz", runs)
        ...     back = load_arms(Path(tmp) / "arms.npz")
        >>> back["config"] == base, bool(np.array_equal(back["ep_ret"], runs["ep_ret"]))
        (True, True)
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        runs = {k: data[k] for k in data.files}
    runs["config"] = BaselineConfig.from_json(runs["config"].item())
    return runs


def main(argv=None) -> None:
    """The command line: run the baseline comparison and the entropy sweep, save both.

    Writes cartpole_baseline.npz and cartpole_entropy.npz (each with a .csv of the solve
    episodes) under --out and prints one line per arm.

    Example:
        >>> import contextlib, io, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        ...     main(["--seeds", "1", "--episodes", "64", "--out", tmp])
        ...     files = sorted(p.name for p in Path(tmp).iterdir())
        >>> print(*files)
        cartpole_baseline.csv cartpole_baseline.npz cartpole_entropy.csv cartpole_entropy.npz
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    parser.add_argument("--episodes", type=int, default=1024)
    parser.add_argument("--out", type=Path, default=Path("book/data/cartpole"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    base = BaselineConfig(n_episodes=args.episodes, progress=False)
    seeds = range(args.seeds)
    comparison = run_arms(base, ARMS, seeds)
    save_arms(args.out / "cartpole_baseline.npz", comparison)
    for label, solved, sec in zip(
        ARMS, comparison["solved_at"], comparison["seconds"], strict=True
    ):
        print(
            f"{label:30s} solved {np.sum(solved >= 0)}/{args.seeds} {solved.tolist()}, "
            f"{sec.sum():.0f} s"
        )
    ent_arms = {
        f"ent_coef = {c:g}": {"baseline": True, "weight": "rtg_std", "ent_coef": c}
        for c in ENT_COEFS
    }
    entropy = run_arms(base, ent_arms, seeds)
    save_arms(args.out / "cartpole_entropy.npz", entropy)
    for label, solved in zip(ent_arms, entropy["solved_at"], strict=True):
        print(f"{label:30s} solved {np.sum(solved >= 0)}/{args.seeds} {solved.tolist()}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
