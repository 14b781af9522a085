"""Tests for course_lib.cartpole.config: validation and the JSON round trip."""

import dataclasses

import pytest

from course_lib.cartpole.config import CartPoleConfig


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


def test_docstring_claim_matches_the_saved_runs():
    """The class docstring quotes the saved 10-seed run of the defaults; check every number."""
    from pathlib import Path

    import numpy as np

    from course_lib.cartpole.runs import load_runs

    path = Path(__file__).resolve().parents[2] / "book" / "data" / "cartpole" / "weights.npz"
    runs = load_runs(path)
    assert runs["config"] == CartPoleConfig()
    assert list(runs["seeds"]) == list(range(10)) and runs["ep_ret"].shape[-1] == 1024
    arms = list(zip(runs["kinds"].tolist(), runs["gammas"].tolist(), strict=True))
    solved = runs["solved_at"][arms.index((CartPoleConfig().weight, CartPoleConfig().gamma))]
    assert np.sum(solved >= 0) == 9 and solved[6] == -1
    assert np.median(np.where(solved >= 0, solved, np.inf)) == 544
    doc = " ".join(CartPoleConfig.__doc__.split())
    for claim in ("9 of the 10 seeds", "median of 544 episodes over all ten", "seed 6 was not"):
        assert claim in doc, claim
    assert "within 1,024 episodes" in doc and "not a guarantee" in doc
