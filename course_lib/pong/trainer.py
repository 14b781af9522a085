"""The Pong policy-gradient trainer of chapter 5: the reference loop, made fast.

`course_lib.pong.reference` is the lesson: one game at a time, dense NumPy. This module
computes the same update (`tests/pong/test_trainer_oracle.py` checks `_gradient_of` against the
reference on recorded games, and fails on a wrong sign or a one-step offset) with these
devices, each measured in alternating benchmark rounds against the code before it when it
was added (bench/README.md tells the story; they have not been re-measured one by one since):

    many games at once (vector envs, 16 in two groups)   the whole trainer: 2.0x two 2016
                                                         programs (bench/pong_throughput.py)
    grayscale frames from the emulator                   a third of the bytes to copy
    sparse x_t and SciPy CSR products (`sparse`)         learner thread 12 -> 1.5 us/step
    flat step history (`history`)                        3.3 -> 0.7 ms to cut an episode
    x_t from grey levels (`gray`)                        one pass over a frame instead of 4
    CSR kernel called directly for acting (`sparse`)     17.4 -> 12.4 us per call (8 games)
    SCHED_BATCH emulator threads (`envs`)                1.7% of wall time lost to preemption
    gradient and RMSProp step in a learner thread        ~3 ms per update off the main thread
      (`learner.DeferredRMSProp`)
    send the next actions before the bookkeeping         the emulators wait less

One loop, read top to bottom in `_segment`:

    x_t = prepro(frame_t) - prepro(frame_{t-1})        sparse: ~27 non-zero pixels
    p_t = P(UP | x_t) for all games at once            one batched forward pass
    act_t ~ Bernoulli(p_t): UP (2) or DOWN (3)         one uniform number per game
    ... a game ends -> its episode joins the batch; batch_episodes episodes -> one update:
    w_j   = discounted_returns(rew, gamma, reset_at_nonzero=True), standardised per batch
    g     = sum_j w_j grad log pi(a_j | x_j)          sparse backward pass, learner thread
    theta <- RMSProp ascent step                       apply_delay rounds later

The frames come from the emulator in grayscale; `gray.downsample_gray` and
`sparse.level_diff_triples` turn two of them into x_t's triples (tested equal to `prepro`).
The games are split into groups, each its own vector env, stepped in turn: while one group's
games are emulated by ale-py's C++ threads, this thread picks the other group's actions, and
a second thread computes the gradient and the RMSProp step of a finished batch.

Training runs in segments of `checkpoint_steps` agent steps. A segment starts every game from
a seed derived from (seed, segment) and ends by letting the games in progress finish, one
last update and a checkpoint. So a checkpoint holds the whole state of the run (weights,
optimiser, counters, RNG), and `--resume` continues exactly as if the run had not stopped.
"""

from __future__ import annotations

import csv
import json
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong import sparse
from course_lib.pong.checkpoint import load_checkpoint, save_checkpoint
from course_lib.pong.config import RESUMABLE_CHANGES, TrainConfig
from course_lib.pong.envs import DOWN, UP, env_seeds, make_vector_env
from course_lib.pong.gray import IS_FOREGROUND_GRAY, downsample_gray
from course_lib.pong.history import GroupHistory
from course_lib.pong.learner import DeferredRMSProp
from course_lib.pong.prepro import N_PIXELS
from course_lib.returns import discounted_returns, standardize

LOG_FIELDS = (
    "episode",
    "reward",
    "running_reward",
    "episode_steps",
    "total_steps",
    "elapsed_s",
    "updates",
)


class _Group:
    """A vector env, its games' state between steps, and the steps of their episodes so far."""

    def __init__(self, env, size: int):
        self.env, self.size = env, size
        self.strength = np.ones(size, dtype=np.float32)  # paddle strength, unused by Pong

    def start(self, seeds):
        self.obs, _ = self.env.reset(seed=np.asarray(seeds))
        self.prev = downsample_gray(self.obs[:, 0])  # grey levels of the last frame's pixels
        self.fresh = np.ones(self.size, dtype=bool)
        self.active = np.ones(self.size, dtype=bool)  # games whose episode will be used
        self.n_active = self.size
        self.history = GroupHistory(self.size)  # step t: the t-th since the segment's start
        self.ep_start = np.zeros(self.size, dtype=np.int64)  # first step of each game's episode

    def record(self) -> None:
        """Keep the step just taken: its inputs and actions (`acted`) and its rewards."""
        self.history.record(*self.acted, self.rew)

    def episode(self, i: int) -> dict:
        """Game i's episode, from its first step to the step just recorded."""
        return self.history.episode(i, int(self.ep_start[i]))

    def forget_old_steps(self) -> None:
        """Drop the steps that no game still playing an episode to be used needs."""
        oldest = self.ep_start[self.active].min() if self.n_active else self.history.t
        self.history.forget_before(int(oldest))


class Trainer:
    """Trains a `TwoLayerPolicy` on Pong; state lives in `run_dir` (checkpoint + log.csv).

    Args:
        config: the settings; ignored (except n_threads) when `resume` is true.
        run_dir: where checkpoint.npz, rmsprop-*.npz and log.csv live.
        resume: continue from run_dir/checkpoint.npz instead of starting afresh.
        n_threads: on resume, override the emulator threads (does not change results).

    Example (two games of 100 steps at once, one update on both):
        >>> import tempfile
        >>> tiny = TrainConfig(n_envs=2, batch_episodes=2, max_episode_frames=400)
        >>> with tempfile.TemporaryDirectory() as run_dir:
        ...     trainer = Trainer(tiny, run_dir)
        ...     summary = trainer.train(max_steps=100)     # the games under way finish
        ...     trainer.close()
        ...     sorted(p.name for p in Path(run_dir).iterdir())
        ['checkpoint.npz', 'log.csv', 'rmsprop-00000001.npz']
        >>> summary["episodes"], summary["steps"], summary["updates"]
        (2, 200, 1)
    """

    def __init__(self, config: TrainConfig | None, run_dir, *, resume=False, n_threads=None):
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.run_dir / "log.csv"
        if resume:
            state, opt_state = load_checkpoint(self.run_dir)
            saved = TrainConfig.from_json(state["config"])
            if config is not None:
                changed = [
                    f"{k}: {getattr(saved, k)!r} -> {getattr(config, k)!r}"
                    for k in saved.__dataclass_fields__
                    if getattr(saved, k) != getattr(config, k) and k not in RESUMABLE_CHANGES
                ]
                if changed:
                    raise ValueError(
                        "a resumed run keeps its settings (or it would not be a continuation); "
                        "these differ from the checkpoint: " + "; ".join(changed)
                    )
            config = saved
        elif config is None:
            config = TrainConfig()
        elif (self.run_dir / "checkpoint.npz").exists():
            raise FileExistsError(
                f"{self.run_dir} already holds a run: pass --resume to continue it, "
                "or choose another --run-dir"
            )
        if n_threads is not None:
            config = config.replace(n_threads=n_threads)
        self.config = cfg = config

        self.policy = TwoLayerPolicy(
            N_PIXELS, cfg.n_hidden, np.random.default_rng([cfg.seed, 0]), dtype=np.float32
        )
        # Fortran order makes W1.T a contiguous (6400, H) array: the forward pass gathers
        # one pixel's 200 weights from consecutive memory.
        self.policy.params["W1"] = np.asfortranarray(self.policy.params["W1"])
        self.opt = DeferredRMSProp(self.policy.params, lr=cfg.lr, decay=cfg.decay, eps=cfg.eps)
        self.rng = np.random.default_rng([cfg.seed, 1])  # action sampling
        self.episodes = self.steps = self.updates = self.segments = 0
        self.running_reward: float | None = None
        self.elapsed_before = 0.0
        self._t_start = time.perf_counter()  # `train` restarts the clock
        if resume:
            self.policy.params["W1"][...] = state["W1"]
            self.policy.params["W2"][...] = state["W2"]
            self.opt.load_state_dict(opt_state)
            self.rng.bit_generator.state = json.loads(state["rng_state"])
            self.episodes, self.steps = int(state["episodes"]), int(state["steps"])
            self.updates, self.segments = int(state["updates"]), int(state["segments"])
            rr = float(state["running_reward"])
            self.running_reward = None if np.isnan(rr) else rr
            self.elapsed_before = float(state["elapsed_s"])
        self._open_log(resume)
        self.pending: list[dict] = []
        # The update being computed by the learner thread, and the rounds left until it is applied.
        self._learner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pong-learner")
        self._next_state = None
        self._rounds_to_apply = 0
        self.groups: list[_Group] = []
        self.stop_requested = False
        self.on_episode = None  # optional callback(trainer, row), e.g. a progress bar

    # ---------------------------------------------------------------- bookkeeping
    def _open_log(self, resume: bool):
        rows = []
        if resume and self.log_path.exists():
            # Episodes logged after the checkpoint were lost with the process: drop them.
            with open(self.log_path, newline="") as f:
                rows = [r for r in csv.DictReader(f) if int(r["episode"]) <= self.episodes]
        self._log_file = open(self.log_path, "w", newline="")
        self._log = csv.DictWriter(self._log_file, fieldnames=LOG_FIELDS)
        self._log.writeheader()
        self._log.writerows(rows)
        self._log_file.flush()

    def elapsed(self) -> float:
        """Seconds of training: the saved runs' before this one, plus this `train` call's.

        Example:
            >>> import tempfile
            >>> with tempfile.TemporaryDirectory() as run_dir:
            ...     trainer = Trainer(TrainConfig(), run_dir)
            ...     trainer.elapsed_before = 60.0          # as if resumed after a minute
            ...     60.0 < trainer.elapsed() < 70.0
            ...     trainer.close()
            True
        """
        return self.elapsed_before + time.perf_counter() - self._t_start

    def request_stop(self):
        """Stop soon (e.g. on Ctrl-C): drop the games in progress, update, save, return.

        Example (stop after the first game; both games of the group end in the same step):
            >>> import tempfile
            >>> tiny = TrainConfig(n_envs=2, batch_episodes=8, max_episode_frames=400)
            >>> with tempfile.TemporaryDirectory() as run_dir:
            ...     trainer = Trainer(tiny, run_dir)
            ...     trainer.on_episode = lambda tr, row: tr.request_stop()
            ...     summary = trainer.train()                  # no budget: only the stop
            ...     trainer.close()
            >>> summary["episodes"], summary["updates"]     # the 2 games waiting: one update
            (2, 1)
        """
        self.stop_requested = True

    def save(self):
        """Write checkpoint.npz (and the optimiser's file): the whole state of the run.

        Example:
            >>> import tempfile
            >>> from course_lib.pong.checkpoint import load_checkpoint
            >>> with tempfile.TemporaryDirectory() as run_dir:
            ...     trainer = Trainer(TrainConfig(seed=4), run_dir)
            ...     path = trainer.save()
            ...     trainer.close()
            ...     state, _ = load_checkpoint(run_dir)
            >>> path.name, state["episodes"], TrainConfig.from_json(state["config"]).seed
            ('checkpoint.npz', 0, 4)
        """
        state = {
            "W1": self.policy.W1,
            "W2": self.policy.W2,
            "episodes": self.episodes,
            "steps": self.steps,
            "updates": self.updates,
            "segments": self.segments,
            "running_reward": np.nan if self.running_reward is None else self.running_reward,
            "elapsed_s": self.elapsed(),
            "rng_state": json.dumps(self.rng.bit_generator.state),
            "config": self.config.to_json(),
        }
        return save_checkpoint(self.run_dir, state, self.opt.state_dict())

    # ---------------------------------------------------------------- learning
    def _end_episode(self, ep: dict):
        self.episodes += 1
        reward = float(ep["rew"].sum())  # final score difference
        rr = self.running_reward
        self.running_reward = reward if rr is None else 0.99 * rr + 0.01 * reward
        self.pending.append(ep)
        if len(self.pending) >= self.config.batch_episodes:
            self._update()
        row = {
            "episode": self.episodes,
            "reward": int(reward),
            "running_reward": f"{self.running_reward:.4f}",
            "episode_steps": ep["rew"].size,
            "total_steps": self.steps,
            "elapsed_s": f"{self.elapsed():.1f}",
            "updates": self.updates,
        }
        self._log.writerow(row)
        self._log_file.flush()
        if self.on_episode is not None:
            self.on_episode(self, row)

    def _update(self):
        """Start the update on the pending episodes (the batch), then forget them.

        With apply_delay = 0 the update is computed and applied at once. Otherwise the learner
        thread computes the gradient and the RMSProp step, on copies of the weights (NumPy and
        SciPy release the GIL in their loops), while the games go on with the current weights;
        the new weights are swapped in `apply_delay` rounds later, at the same point of every
        run whatever the thread's speed: the run stays deterministic.
        """
        batch, self.pending = self.pending, []
        self._apply_update()  # at most one update in flight
        if self.config.apply_delay == 0:
            self.opt.step(self._gradient_of(batch))  # theta <- theta + RMSProp step (ascent)
            self.updates += 1
        else:
            self._next_state = self._learner.submit(self._stepped, batch)
            self._rounds_to_apply = self.config.apply_delay

    def _gradient_of(self, batch: list[dict]) -> dict:
        """The update direction for a batch of episodes, at the current weights (chapter 5).

        sum_j w_j grad log pi(a_j | x_j) over the batch's M stacked steps j, with w_j the
        returns restarted at every point and standardised: not an unbiased g_hat of grad J.
        """
        lengths = [ep["rew"].size for ep in batch]
        offsets = np.cumsum([0] + lengths[:-1])
        rows = np.concatenate(
            [
                np.repeat(off + np.arange(n), ep["counts"])
                for off, n, ep in zip(offsets, lengths, batch, strict=True)
            ]
        )
        pix = np.concatenate([ep["pix"] for ep in batch])
        val = np.concatenate([ep["val"] for ep in batch])
        up = np.concatenate([ep["up"] for ep in batch])  # (M,): the batch's M steps
        ret = np.concatenate(
            [
                discounted_returns(ep["rew"], self.config.gamma, reset_at_nonzero=True)
                for ep in batch
            ]
        )
        adv = standardize(ret).astype(np.float32)  # (M,): the weights w_j
        W1, W2 = self.policy.W1, self.policy.W2
        p, h = sparse.forward(W1, W2, rows, pix, val, up.size)  # (M,), (M, H)
        dlogps = (up - p) * adv  # d log pi(a_j | x_j) / d logit_j, times the weight w_j
        return sparse.backward(W2, h, dlogps, rows, pix, val, N_PIXELS)

    def _stepped(self, batch: list[dict]) -> tuple[dict, dict]:
        """In the learner thread: the weights and RMSProp caches after the batch's update."""
        return self.opt.stepped(self._gradient_of(batch))  # theta + RMSProp step (ascent)

    def _apply_update(self) -> None:
        """Apply the update the learner thread is computing (waiting for it if need be)."""
        if self._next_state is not None:
            next_state, self._next_state = self._next_state, None
            self.opt.adopt(*next_state.result())  # swaps the new arrays in: no copy, no maths
            self.updates += 1

    # ---------------------------------------------------------------- the loop
    def _act(self, g: _Group) -> tuple:
        """Choose the group's actions from its latest frames and send them to its emulators.

        Returns the step's sparse input and actions (rows, pix, val, up), to be recorded
        with the rewards that come back.
        """
        cur = downsample_gray(g.obs[:, 0])  # (m, 6400) grey levels
        if g.fresh.any():
            g.prev[g.fresh] = cur[g.fresh]  # first step of an episode: x = 0
        # x = prepro(frame_t) - prepro(frame_{t-1}), sparse, found where the levels changed
        rows, pix, val = sparse.level_diff_triples(cur, g.prev, IS_FOREGROUND_GRAY)
        p, _ = sparse.forward(self.policy.W1, self.policy.W2, rows, pix, val, g.size)  # (m,)
        up = self.rng.random(g.size) < p
        # ale-py's own send, without the wrapper's checks and its new array per call: the
        # actions are int64 of shape (m,) by construction.
        g.env.ale.send(np.where(up, UP, DOWN), g.strength)
        g.prev = cur
        return rows, pix, val, up

    def _receive(self, g: _Group) -> None:
        """Receive the group's step: next frames, rewards, which games ended."""
        g.obs, g.rew, term, trunc, _ = g.env.ale.recv()
        g.fresh = term | trunc  # SameStep autoreset: obs already shows the next game
        self.steps += g.n_active

    def _finish_episodes(self, g: _Group, collecting: bool) -> None:
        """Hand every episode that ended in the group's last step to learning."""
        if not g.fresh.any():
            return
        for i in np.flatnonzero(g.fresh & g.active):
            ep = g.episode(i)
            g.ep_start[i] = g.history.t
            self._end_episode(ep)
            if not collecting:
                g.active[i] = False
                g.n_active -= 1
        g.forget_old_steps()

    def _segment(self, out_of_budget) -> None:
        cfg = self.config
        seeds = env_seeds(cfg.seed, self.segments, cfg.n_envs).reshape(len(self.groups), -1)
        # A seeded reset reloads each game (~70 ms per game here); ale-py releases the GIL
        # meanwhile, so the groups reset at the same time.
        list(self._resetter.map(_Group.start, self.groups, seeds))
        for g in self.groups:
            g.acted = self._act(g)
        collecting = True  # False: let the games in progress finish, start no new ones
        segment_end = (self.steps // cfg.checkpoint_steps + 1) * cfg.checkpoint_steps
        # Round robin: while group k's games are emulated (C++ threads), Python handles the
        # others. The order of events is fixed, so the run is deterministic.
        while any(g.n_active for g in self.groups) and not self.stop_requested:
            for g in self.groups:
                self._receive(g)
                if cfg.apply_delay == 0:  # as in 2016: an update applies before the next action
                    g.record()
                    self._finish_episodes(g, collecting)
                    g.acted = self._act(g)
                else:  # send the actions first: the emulators run during the bookkeeping
                    acted = self._act(g)
                    g.record()
                    g.acted = acted
                    self._finish_episodes(g, collecting)
                if collecting and (self.steps >= segment_end or out_of_budget()):
                    collecting = False  # the games under way finish; no new ones are used
            if self._next_state is not None:
                self._rounds_to_apply -= 1
                if self._rounds_to_apply <= 0:
                    self._apply_update()
        for g in self.groups:
            g.env.recv()  # collect the step still in flight; its result is not used
        if self.pending:
            self._update()
        self._apply_update()  # a checkpoint holds no update in flight
        self.segments += 1

    def train(self, *, max_steps=None, max_seconds=None, max_updates=None) -> dict:
        """Train until a budget is used up (then finish the games in progress) or stop is requested.

        Budgets count the whole run (steps and updates) or this call (seconds). A checkpoint
        is saved after every segment and at the end.

        Example (games of 100 steps, two at a time; a second call goes on from the first):
            >>> import tempfile
            >>> tiny = TrainConfig(n_envs=2, batch_episodes=2, max_episode_frames=400)
            >>> with tempfile.TemporaryDirectory() as run_dir:
            ...     trainer = Trainer(tiny, run_dir)
            ...     first = trainer.train(max_steps=100)        # the games under way finish
            ...     second = trainer.train(max_steps=300)
            ...     trainer.close()
            >>> first["steps"], second["steps"], second["episodes"], second["updates"]
            (200, 400, 4, 2)
        """
        self._t_start = time.perf_counter()
        steps0 = self.steps

        def out_of_budget():
            return (
                self.stop_requested
                or (max_steps is not None and self.steps >= max_steps)
                or (max_updates is not None and self.updates >= max_updates)
                or (max_seconds is not None and time.perf_counter() - self._t_start >= max_seconds)
            )

        cfg = self.config
        size = cfg.n_envs // cfg.n_groups
        self._resetter = ThreadPoolExecutor(cfg.n_groups, thread_name_prefix="pong-reset")
        self.groups = []
        try:
            for _ in range(cfg.n_groups):
                env = make_vector_env(
                    size,
                    n_threads=max(1, cfg.n_threads // cfg.n_groups),
                    max_episode_frames=cfg.max_episode_frames,
                    grayscale=True,
                    batch_scheduling=True,  # a woken emulator must not preempt this thread
                )
                self.groups.append(_Group(env, size))
            while not out_of_budget():
                self._segment(out_of_budget)
                self.save()
        finally:
            # First let every reset still running finish (an exception or Ctrl-C in the main
            # thread does not stop them): closing an env that another thread resets would
            # pull the emulator from under it.
            self._resetter.shutdown(wait=True)
            for g in self.groups:
                g.env.close()
            self.groups = []
            if self._next_state is not None:  # an exception mid-segment: drop its unfinished work
                wait([self._next_state])
                self._next_state = None
            self.pending = []
            self._log_file.flush()
        seconds = time.perf_counter() - self._t_start
        return {
            "episodes": self.episodes,
            "steps": self.steps,
            "updates": self.updates,
            "running_reward": self.running_reward,
            "seconds": seconds,
            "steps_per_s": (self.steps - steps0) / max(seconds, 1e-9),
        }

    def close(self):
        """Stop the learner thread and close log.csv; the run can then be resumed.

        Example:
            >>> import tempfile
            >>> with tempfile.TemporaryDirectory() as run_dir:
            ...     trainer = Trainer(TrainConfig(seed=2), run_dir)
            ...     _ = trainer.save()
            ...     trainer.close()
            ...     again = Trainer(None, run_dir, resume=True)
            ...     again.config.seed, again.episodes
            ...     again.close()
            (2, 0)
        """
        self._learner.shutdown()
        self._log_file.close()
