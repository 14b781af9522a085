"""Tests for course_lib.cartpole.ppo_runs: the runs program and the saved results."""

import numpy as np
import pytest
import torch

from course_lib.cartpole.actor_critic import ActorCriticConfig
from course_lib.cartpole.baseline import BaselineConfig
from course_lib.cartpole.ppo import PPOConfig
from course_lib.cartpole.ppo_runs import (
    LAMS,
    METHODS,
    SWEEP_GRID,
    best_setting,
    comparison_csv,
    lambda_csv,
    load_runs,
    main,
    run_comparison,
    run_lambdas,
    run_sweep,
    save_runs,
)
from tests.conftest import ROOT

torch.set_num_threads(1)
DATA = ROOT / "book" / "data" / "cartpole"


def test_comparison_alternates_and_round_trips(tmp_path):
    ppo = PPOConfig(n_envs=4, max_steps=60, progress=False, stop_when_solved=True)
    rf = BaselineConfig(n_episodes=8, n_envs=4, progress=False, stop_when_solved=True)
    runs = run_comparison([3, 4, 5], ppo, rf, repeats=2)
    assert runs["first"].tolist() == ["PPO", "REINFORCE + V", "PPO"]
    assert runs["seconds_all"].shape == (2, 3, 2)
    assert not runs["solved"].any()  # far too short to solve: reported as unsolved
    assert np.all(runs["episodes"] == -1) and np.all(np.isnan(runs["seconds"]))
    assert np.all(runs["total_steps"] > 0)
    path = tmp_path / "cmp.npz"
    save_runs(path, runs, comparison_csv(runs))
    back = load_runs(path)
    for name, value in runs.items():
        np.testing.assert_array_equal(back[name], value)
    lines = path.with_suffix(".csv").read_text().splitlines()
    assert lines[0] == "method,seed,solved,episodes,steps,seconds" and len(lines) == 7


def test_comparison_needs_runs_that_stop_when_solved():
    with pytest.raises(ValueError, match="stop_when_solved"):
        run_comparison([0], PPOConfig(progress=False), BaselineConfig(progress=False))
    ppo = PPOConfig(n_envs=4, max_steps=60, progress=False, stop_when_solved=True)
    rf = BaselineConfig(n_episodes=8, n_envs=4, progress=False, stop_when_solved=True)
    with pytest.raises(ValueError, match="repeats"):
        run_comparison([0], ppo, rf, repeats=0)


def test_lambda_runs_fill_every_row(tmp_path):
    base = ActorCriticConfig(n_episodes=16, n_envs=8, progress=False)
    runs = run_lambdas([0, 1], [0.0, 1.0], base)
    assert runs["eval_len"].shape == (2, 2, 2) and np.all(runs["eval_len"] > 0)
    assert np.all(runs["ep_ret"].sum(axis=-1) > 0)
    rows = lambda_csv(runs)
    assert rows[0].startswith("lam,seed") and len(rows) == 5


def test_main_writes_both_files(tmp_path, monkeypatch):
    import course_lib.cartpole.ppo_runs as runs_module

    monkeypatch.setattr(runs_module, "PPO_CAP", 50)
    monkeypatch.setattr(runs_module, "REINFORCE_CAP", 64)
    monkeypatch.setattr(runs_module, "LAMS", (0.0,))
    monkeypatch.setattr(
        runs_module, "ActorCriticConfig", lambda **kw: ActorCriticConfig(n_episodes=64, **kw)
    )
    main(["--seeds", "1", "--repeats", "1", "--out", str(tmp_path)])
    cmp = load_runs(tmp_path / "ppo_vs_reinforce.npz")
    assert "--seeds 1" in str(cmp["command"]) and str(cmp["date"]).endswith("UTC")
    assert (tmp_path / "gae_lambda.csv").exists()


def test_saved_results_are_complete():
    cmp = load_runs(DATA / "ppo_vs_reinforce.npz")
    assert cmp["methods"].tolist() == list(METHODS) and cmp["seeds"].tolist() == list(range(10))
    assert cmp["solved"].shape == (2, 10)
    assert "torch threads 1" in str(cmp["versions"])
    ok = cmp["solved"]
    assert np.all(cmp["episodes"][ok] > 0) and np.all(cmp["episodes"][~ok] == -1)
    # A solved run stopped at the update that solved it: its steps are all it trained on.
    np.testing.assert_array_equal(cmp["steps"][ok], cmp["total_steps"][ok])
    ppo = PPOConfig.from_json(str(cmp["ppo_config"]))
    reinforce = BaselineConfig.from_json(str(cmp["reinforce_config"]))
    assert ppo.stop_when_solved and reinforce.stop_when_solved
    # judged at the same interval of training episodes: every 64 for both
    assert ppo.judge_every * ppo.n_envs == reinforce.n_envs == 64
    assert np.all(cmp["episodes"][ok] % 64 == 0)
    # every run timed 3 times; "seconds" is their median
    assert cmp["seconds_all"].shape == (2, 10, 3)
    np.testing.assert_array_equal(cmp["seconds"], np.median(cmp["seconds_all"], axis=2))
    # the machine-independent costs follow from the steps: REINFORCE one optimiser step per
    # update and every state once; PPO every state once per epoch
    np.testing.assert_array_equal(cmp["backprop_states"][1], cmp["steps"][1])
    np.testing.assert_array_equal(cmp["backprop_states"][0], ppo.epochs * cmp["steps"][0])
    np.testing.assert_array_equal(cmp["grad_steps"][1], cmp["episodes"][1] // reinforce.n_envs)
    assert np.all(cmp["grad_steps"][0] >= ppo.epochs * cmp["episodes"][0] // ppo.n_envs)
    lam = load_runs(DATA / "gae_lambda.npz")
    assert lam["lams"].tolist() == list(LAMS) and lam["eval_len"].shape[:2] == (len(LAMS), 10)
    # steps to solve are the episodes' lengths summed up to the solving update
    for k in range(len(LAMS)):
        for s in range(10):
            n = lam["solved_at"][k, s]
            if n > 0:
                assert lam["steps_to_solve"][k, s] == lam["ep_ret"][k, s, :n].sum()


def test_sweep_and_its_rule():
    base = PPOConfig(n_envs=4, max_steps=40, progress=False, stop_when_solved=True)
    runs = run_sweep([0, 1], {"lr": (0.001, 0.003), "epochs": (1,)}, base)
    assert runs["steps"].shape == (2, 2) and runs["settings"][1] == '{"epochs": 1, "lr": 0.003}'
    fake = {"settings": runs["settings"], "steps": np.array([[100, 400], [200, 250]])}
    assert best_setting(fake) == {"epochs": 1, "lr": 0.003}  # median 225 beats 250
    fake["steps"] = np.array([[100, -1], [200, 250]])  # an unsolved seed counts as never
    assert best_setting(fake) == {"epochs": 1, "lr": 0.003}
    with pytest.raises(ValueError, match="stop_when_solved"):
        run_sweep([0], {"lr": (0.001,)}, PPOConfig(progress=False))


def test_ppo_defaults_are_the_saved_sweeps_choice():
    sweep = load_runs(DATA / "ppo_sweep.npz")
    assert set(sweep["seeds"].tolist()).isdisjoint(range(10))  # not the reported seeds
    best = best_setting(sweep)
    assert set(best) == set(SWEEP_GRID)
    defaults = PPOConfig()
    assert all(getattr(defaults, name) == value for name, value in best.items()), best
    base = PPOConfig.from_json(str(sweep["base_config"]))
    for name in ("clip_eps", "lam", "minibatch", "gamma", "value_lr", "n_hidden"):
        assert getattr(base, name) == getattr(defaults, name), name
