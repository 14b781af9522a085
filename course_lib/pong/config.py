"""The Pong trainer's settings (chapter 5): one dataclass, a docstring under each field."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from course_lib._validate import as_real, check_gamma, check_int


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides what a training run computes (and how often it saves).

    Example:
        >>> config = TrainConfig(seed=3)
        >>> config.seed, config.n_envs, config.lr
        (3, 16, 0.001)
        >>> TrainConfig(n_envs=0)
        Traceback (most recent call last):
        ...
        ValueError: n_envs must be an integer >= 1, got 0
    """

    seed: int = 0
    """Seeds the initial weights, the action sampling and the games' resets. The same seed
    and settings give the same run on the same machine, however it is split by --resume."""

    n_envs: int = 16
    """Games played at once by ale-py's C++ threads. The policy's forward pass is batched over
    them, so Python's per-step overhead is paid once per group of n_envs / n_groups agent
    steps. On the 2-core course machine 16 games (2 groups of 8) ran about 5% faster than 8
    (compare `bench/pong_throughput.py --n-envs 8` with the default, measured in alternating
    rounds); the first shipped agent was trained with 8."""

    n_groups: int = 2
    """The games are split into this many groups, each its own vector env, stepped in turn:
    while one group's games are emulated, Python picks the other group's actions and does
    the bookkeeping, so neither the emulator threads nor the Python thread waits for the other.
    n_envs must be a multiple of it."""

    n_threads: int = 2
    """Emulator threads in all, split evenly between the groups (at least one each): 2 gives
    each group one, so the machine's 2 cores each run one group's games while this thread
    wakes up now and then to pick actions. (ale-py starts at most one thread per core for a
    vector env.) Two threads per group (4 in all) kept more threads than cores runnable and
    ran about 7% slower on the course machine (five alternating rounds, every round slower).
    Changing it does not change the results (each game is emulated independently), so it
    may differ on --resume.
    """

    n_hidden: int = 200
    """H, the hidden units, as in 2016."""

    lr: float = 1e-3
    """RMSProp step size. The 2016 value, 1e-4, is far too timid for a run that has to finish:
    the 2016 post needed about 8,000 episodes (three nights on a laptop) with it. RMSProp
    divides each weight's gradient by a running root mean square of it, so a step is of the
    order of lr whatever the gradient's scale (larger during the first hundred or so updates,
    while the running mean warms up from 0: see `course_lib.rmsprop`). With noisy gradients
    the progress per episode then grows like lr / sqrt(batch_episodes): 1e-3 / sqrt(4) is 16
    times 1e-4 / sqrt(10). A public re-run with lr 1e-3 and 1-episode batches passed -15
    within about 1,600 episodes; we keep its lr and average over 4 episodes for a steadier
    step."""

    batch_episodes: int = 4
    """Episodes per policy update (the first ones to finish, from any game). Smaller than the
    2016 batch of 10, so that the weights change often; 4 episodes still average away some
    of the noise of single games. With 16 games in flight an episode spans about 4 updates,
    so its early steps were played by slightly older weights; the gradient is taken at the
    current weights (h and p are recomputed), a small, standard off-policy shortcut."""

    apply_delay: int = 32
    """Rounds (one step of every game) between the end of a batch and the moment its update is
    applied. Meanwhile a second thread computes the gradient and the RMSProp step (on copies
    of the weights) while the games go on with the current weights, so the emulators do not
    stand idle for the ~10 ms an update takes.
    Batches usually end hundreds of rounds apart (16 games, 4 episodes of 1,000+ steps), so
    the acting weights are a small part of a batch behind; when batches end closer together
    (at a segment's start all games begin at once) an update first waits for the one before.
    The point where an update applies is counted in rounds, not seconds, so the run stays
    deterministic. The log's `updates` counts the updates applied so far. 0 computes and applies
    each update at once, before the next action, as the 2016 code does; runs saved before
    this setting existed (the first shipped agent's) ran that way, and resume that way."""

    gamma: float = 0.99
    """Discount factor. Returns restart at every point (reset_at_nonzero=True): the moves
    before one point get no credit or blame for the next one."""

    decay: float = 0.99
    """RMSProp's decay of the running mean of squared gradients, as in 2016."""

    eps: float = 1e-5
    """RMSProp's guard against dividing by zero, as in 2016."""

    checkpoint_steps: int = 1_000_000
    """Agent steps between checkpoints: a little over two minutes at the ~7,500-8,000
    steps/s the defaults reach on the 2-core course machine. At a checkpoint the trainer lets
    every game in progress finish (no new games start), updates on what is left, saves, and
    restarts all games from fresh seeds. Nothing then lives only in the emulators, so a
    resumed run continues exactly as an uninterrupted one. The price: while the last games
    are played out, finished games are emulated for nothing, and the seeded resets take
    ~0.6 s. In an uninterrupted run at ~8,000 steps/s the checkpoint at step 300,000 cost
    about 2 s of steps (6 s at 7,000, 2,800 and 5,900 steps/s), more late in a run when games
    last 5,000+ steps. That is ~1.6% of a segment of 1,000,000 steps. The earlier default,
    300,000 (two minutes for the slower trainer of the first shipped run, 40 s for this one,
    ~5% of it spent on checkpoints), is the one the runs in results/ were made with; a resumed
    run keeps its own value."""

    max_episode_frames: int = 108_000
    """Emulator frames after which a game is cut short (truncated), as in ALE/Pong-v5.
    Tests set it small so that games end in a few hundred steps."""

    def __post_init__(self):
        for name in (
            "seed",
            "n_envs",
            "n_groups",
            "n_threads",
            "n_hidden",
            "batch_episodes",
            "apply_delay",
            "checkpoint_steps",
            "max_episode_frames",
        ):
            check_int(name, getattr(self, name), low=0 if name in ("seed", "apply_delay") else 1)
        for name in ("lr", "gamma", "decay", "eps"):
            as_real(name, getattr(self, name))
        if self.n_envs % self.n_groups:
            raise ValueError(
                f"n_envs ({self.n_envs}) must be a multiple of n_groups ({self.n_groups})"
            )
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        check_gamma(self.gamma)
        if not 0.0 <= self.decay < 1.0:
            raise ValueError(f"decay must lie in [0, 1), got {self.decay}")
        if not self.eps > 0:
            raise ValueError(f"eps must be positive, got {self.eps}")

    def to_json(self) -> str:
        """The settings as a JSON object, keys sorted: what a checkpoint stores.

        Example:
            >>> TrainConfig().to_json()[:40]
            '{"apply_delay": 32, "batch_episodes": 4,'
        """
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        """The settings saved by `to_json` (apply_delay 0 for runs saved before it existed).

        Example:
            >>> config = TrainConfig(seed=5, lr=3e-4)
            >>> TrainConfig.from_json(config.to_json()) == config
            True
        """
        fields = json.loads(text)
        fields.setdefault("apply_delay", 0)  # saved before the setting existed: updates at once
        return cls(**fields)

    def replace(self, **changes) -> TrainConfig:
        """A copy with some settings changed, checked like a new one.

        Example:
            >>> TrainConfig().replace(n_threads=4).n_threads
            4
        """
        return dataclasses.replace(self, **changes)


# Fields that may change when a run is resumed: they do not change what is computed.
RESUMABLE_CHANGES = ("n_threads",)
