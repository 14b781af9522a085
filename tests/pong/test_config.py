"""Tests for course_lib.pong.config: the training settings, checked and saved as JSON."""

import pytest

from course_lib.pong.config import TrainConfig
from tests.pong.tiny_run import TINY


def test_configs_saved_before_apply_delay_existed_update_at_once():
    saved = TINY.to_json().replace('"apply_delay": 32, ', "")
    assert "apply_delay" not in saved
    assert TrainConfig.from_json(saved) == TINY.replace(apply_delay=0)


def test_bad_config_names_the_field():
    with pytest.raises(ValueError, match="n_groups"):
        TrainConfig(n_envs=3, n_groups=2)
    with pytest.raises(ValueError, match="gamma"):
        TrainConfig(gamma=1.5)
    with pytest.raises(TypeError, match="n_envs"):
        TrainConfig(n_envs=2.0)
    with pytest.raises(ValueError, match="apply_delay must be an integer >= 0"):
        TrainConfig(apply_delay=-1)
