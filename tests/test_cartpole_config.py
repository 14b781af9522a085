"""Tests for course_lib.cartpole_config: validation and the JSON round trip."""

import dataclasses

import pytest

from course_lib.cartpole_config import CartPoleConfig


def test_json_round_trip():
    config = CartPoleConfig(seed=7, lr=0.5, weight="rtg", stop_when_solved=True)
    assert CartPoleConfig.from_json(config.to_json()) == config


def test_every_field_has_a_docstring():
    import inspect

    source = inspect.getsource(CartPoleConfig)
    for field in dataclasses.fields(CartPoleConfig):
        line = next(
            line for line in source.splitlines() if line.strip().startswith(f"{field.name}:")
        )
        after = source.split(line, 1)[1].lstrip()
        assert after.startswith('"""'), field.name


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
        ({"n_envs": 0}, ValueError, "n_envs"),
        ({"n_episodes": 100}, ValueError, "n_episodes"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"gamma": 1.5}, ValueError, "gamma"),
        ({"decay": 1.0}, ValueError, "decay"),
        ({"weight": "advantage"}, ValueError, "weight"),
        ({"progress": 1}, TypeError, "progress"),
    ],
)
def test_bad_values_name_the_field(kwargs, error, name):
    with pytest.raises(error, match=name):
        CartPoleConfig(**kwargs)


def test_from_json_rejects_unknown_keys():
    with pytest.raises(ValueError, match="CartPoleConfig"):
        CartPoleConfig.from_json('{"seed": 0, "pickle": true}')
