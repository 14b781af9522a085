"""Tests for course_lib.cartpole.config: validation and the JSON round trip."""

import dataclasses

import numpy as np
import pytest

from course_lib.cartpole.config import CartPoleConfig, check_fields
from tests.config_checks import assert_rejected


def test_json_round_trip():
    config = CartPoleConfig(seed=7, lr=0.5, weight="rtg", stop_when_solved=True)
    assert CartPoleConfig.from_json(config.to_json()) == config


@dataclasses.dataclass(frozen=True)
class _Demo:
    count: int = 2
    rate: float = 0.5
    flag: bool = False

    def __post_init__(self):
        check_fields(self, ints={"count": 2}, reals=("rate",), flags=("flag",))


def test_check_fields_names_each_bad_field_and_stores_plain_ints():
    assert _Demo(count=np.int64(3)).count == 3 and type(_Demo(count=np.int64(3)).count) is int
    assert _Demo(rate=np.float32(0.25)).rate == 0.25  # a real is kept as given
    bad = [("count", 1, ValueError), ("count", 2.0, TypeError), ("count", True, TypeError)]
    bad += [("rate", "a", TypeError), ("rate", np.nan, ValueError), ("rate", True, TypeError)]
    assert_rejected(_Demo, [*bad, ("flag", 0, TypeError), ("flag", None, TypeError)])


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
