"""RMSProp by hand: the update rule, ascent, state round trip, errors."""

import doctest

import numpy as np
import pytest

from course_lib import rmsprop
from course_lib.rmsprop import RMSProp


def test_doctests():
    assert doctest.testmod(rmsprop).failed == 0


def test_matches_the_formula_step_by_step():
    rng = np.random.default_rng(0)
    params = {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal(4)}
    theta = {k: v.copy() for k, v in params.items()}
    cache = {k: np.zeros_like(v) for k, v in params.items()}
    opt = RMSProp(params, lr=0.01, decay=0.9, eps=1e-5)
    for _ in range(5):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        opt.step(grads)
        for k in theta:  # the update written out independently
            cache[k] = 0.9 * cache[k] + 0.1 * grads[k] ** 2
            theta[k] = theta[k] + 0.01 * grads[k] / (np.sqrt(cache[k]) + 1e-5)
            np.testing.assert_allclose(params[k], theta[k], rtol=1e-12)
    assert opt.n_steps == 5


def test_ascends_a_concave_function():
    # J(w) = -|w - target|^2 has gradient 2 (target - w); ascent must approach target.
    target = np.array([1.0, -2.0, 0.5])
    params = {"w": np.zeros(3)}
    opt = RMSProp(params, lr=0.01)
    for _ in range(2000):
        opt.step({"w": 2 * (target - params["w"])})
    np.testing.assert_allclose(params["w"], target, atol=0.05)


def test_updates_in_place_and_keeps_dtype_and_order():
    W = np.asfortranarray(np.ones((3, 4), dtype=np.float32))
    params = {"W": W}
    opt = RMSProp(params, lr=0.1)
    opt.step({"W": np.ones((3, 4))})
    assert params["W"] is W and W.dtype == np.float32 and W.flags.f_contiguous
    assert opt.cache["W"].flags.f_contiguous and np.all(W > 1)


def test_state_round_trip_continues_identically(tmp_path):
    rng = np.random.default_rng(1)
    grads = [{"w": rng.standard_normal(5)} for _ in range(6)]
    a = {"w": np.zeros(5)}
    opt_a = RMSProp(a, lr=0.05)
    for g in grads:
        opt_a.step(g)

    b = {"w": np.zeros(5)}
    opt_b = RMSProp(b, lr=0.05)
    for g in grads[:3]:
        opt_b.step(g)
    np.savez(tmp_path / "opt.npz", **opt_b.state_dict())
    saved_w = b["w"].copy()
    c = {"w": saved_w}
    opt_c = RMSProp(c, lr=0.05)
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as state:
        opt_c.load_state_dict(state)
    for g in grads[3:]:
        opt_c.step(g)
    np.testing.assert_array_equal(c["w"], a["w"])
    assert opt_c.n_steps == 6


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": 1e-3, "decay": 1.0}, "decay"),
        ({"lr": 1e-3, "eps": -1.0}, "eps"),
    ],
)
def test_bad_hyperparameters_name_the_argument(kwargs, word):
    with pytest.raises(ValueError, match=word):
        RMSProp({"w": np.zeros(2)}, **kwargs)


def test_bad_grads_are_refused():
    opt = RMSProp({"w": np.zeros(2)}, lr=0.1)
    with pytest.raises(ValueError, match="keys"):
        opt.step({"v": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        opt.step({"w": np.zeros(3)})
    with pytest.raises(TypeError, match="params"):
        RMSProp({"w": [1.0, 2.0]}, lr=0.1)
