"""Tests for course_lib.pong.learner: the deferred RMSProp step equals the plain one."""

import numpy as np
import pytest

from course_lib.pong.learner import DeferredRMSProp
from course_lib.rmsprop import RMSProp


def test_stepped_then_adopt_equals_step_and_stepped_alone_changes_nothing():
    rng = np.random.default_rng(3)
    W = np.asfortranarray(rng.standard_normal((3, 5)).astype(np.float32))
    a = {"W": W.copy(order="K"), "b": np.zeros(3)}
    b = {"W": W.copy(order="K"), "b": np.zeros(3)}
    opt_a, opt_b = RMSProp(a, lr=0.01), DeferredRMSProp(b, lr=0.01)
    for _ in range(3):
        grads = {"W": rng.standard_normal((3, 5)), "b": rng.standard_normal(3)}
        opt_a.step(grads)
        before = {k: v.copy() for k, v in b.items()}
        params, cache = opt_b.stepped(grads)
        for k in b:  # nothing moved yet: the old arrays are still b's
            np.testing.assert_array_equal(b[k], before[k])
        opt_b.adopt(params, cache)
        assert b["W"] is params["W"] and b["W"].flags.f_contiguous
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])  # bit for bit
        np.testing.assert_array_equal(opt_a.cache[k], opt_b.cache[k])
    assert opt_a.n_steps == opt_b.n_steps == 3
    with pytest.raises(ValueError, match="must have the keys"):
        opt_b.adopt({"W": W}, cache)
