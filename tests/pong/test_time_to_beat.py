"""The time-to-beat program's rule and settings (the runs themselves take an hour)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.pong.config import TrainConfig
from course_lib.pong.time_to_beat import SETTINGS_2016, beats, config_for, finished


def test_beats_needs_the_mean_two_standard_errors_above_zero():
    d = np.array([3, -1] * 10)  # mean 1, std 2.05: standard error 0.46
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert d.mean() - 2 * se > 0 and beats(d)
    assert not beats(d - 1)  # mean 0
    assert not beats(np.array([21, -21] * 10) + 1)  # mean 1 but far too noisy
    assert beats(np.full(20, 1) + np.tile([0, 1], 10))  # every game won


def test_beats_names_its_argument():
    with pytest.raises(ValueError, match="diffs"):
        beats([5])


def test_settings():
    assert config_for("defaults", 3) == TrainConfig(seed=3)
    old = config_for("2016", 3)
    assert (old.lr, old.batch_episodes, old.apply_delay) == (1e-4, 10, 0)
    assert old == TrainConfig(seed=3, **SETTINGS_2016)
    with pytest.raises(ValueError, match="settings"):
        config_for("fast", 0)


def test_finished_by_running_reward_or_time():
    run = {"summary": {"running_reward": 3.1, "seconds": 60.0}}
    assert finished(run, stop_running_reward=3.0, max_minutes=15)
    run = {"summary": {"running_reward": -1.0, "seconds": 900.0, "minutes": 15.0}}
    assert finished(run, stop_running_reward=3.0, max_minutes=15)
    assert not finished(run, stop_running_reward=3.0, max_minutes=25)  # resumed to 25
