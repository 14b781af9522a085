"""Tests for course_lib.cartpole.runs: many seeds, saved and loaded without pickle."""

import numpy as np
import pytest

from course_lib.cartpole.config import CartPoleConfig
from course_lib.cartpole.reinforce_numpy import train
from course_lib.cartpole.runs import load_runs, main, run_seeds, save_runs

BASE = CartPoleConfig(n_episodes=32, n_envs=16, progress=False)


def test_runs_match_single_trainings_and_round_trip(tmp_path):
    runs = run_seeds(BASE, ["rtg", "total"], [3, 4])
    assert runs["ep_ret"].shape == (2, 2, 32)
    one = train(CartPoleConfig(seed=4, weight="total", n_episodes=32, n_envs=16, progress=False))
    assert np.array_equal(runs["ep_ret"][1, 1], one.ep_ret)
    save_runs(tmp_path / "sub" / "runs.npz", runs)
    loaded = load_runs(tmp_path / "sub" / "runs.npz")
    assert loaded["config"] == BASE
    for key in ("kinds", "seeds", "ep_ret", "solved_at"):
        assert np.array_equal(loaded[key], runs[key])


def test_cli_writes_a_file(tmp_path, capsys):
    out = tmp_path / "w.npz"
    main(["--seeds", "1", "--episodes", "64", "--arms", "rtg_std@1", "--out", str(out)])
    assert load_runs(out)["ep_ret"].shape == (1, 1, 64)
    assert "wrote" in capsys.readouterr().out


def test_bad_input():
    with pytest.raises(TypeError, match="base"):
        run_seeds({}, ["rtg"], [0])
    with pytest.raises(ValueError, match="trainer"):
        run_seeds(BASE, ["rtg"], [0], trainer="jax")
    with pytest.raises(ValueError, match="arms"):
        run_seeds(BASE, [], [0])


def test_arms_carry_their_own_discount():
    from course_lib.cartpole.runs import parse_arm

    assert parse_arm("total@1", 0.99) == ("total", 1.0)
    assert parse_arm("rtg", 0.9) == ("rtg", 0.9)
    with pytest.raises(ValueError, match="kind"):
        parse_arm("advantage@1", 0.99)
    with pytest.raises(ValueError, match="gamma"):
        parse_arm("rtg@high", 0.99)
    runs = run_seeds(BASE, ["rtg@1"], [3])
    one = train(
        CartPoleConfig(seed=3, weight="rtg", gamma=1.0, n_episodes=32, n_envs=16, progress=False)
    )
    assert np.array_equal(runs["ep_ret"][0, 0], one.ep_ret)
    assert np.array_equal(runs["eval_len"][0, 0], one.eval_len)
