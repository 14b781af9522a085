"""Tests for course_lib/_validate.py: each check passes good input through and names bad input."""

import numpy as np
import pytest

from course_lib._validate import (
    as_finite_array,
    as_real,
    check_gamma,
    check_int,
    check_open_probability,
)


def test_good_input_comes_back_as_the_plain_type():
    assert as_finite_array("x", [1, 2]).dtype == np.float64
    assert type(as_real("lr", np.float32(0.5))) is float
    assert type(check_int("n", np.int64(3), low=1)) is int
    assert check_gamma(1) == 1.0 and check_open_probability("p", 0.5) == 0.5


@pytest.mark.parametrize(
    ("call", "error", "says"),
    [
        (lambda: as_finite_array("rew", "abc"), TypeError, "rew must be an array"),
        (lambda: as_finite_array("rew", [np.nan]), ValueError, "rew must be finite"),
        (lambda: as_finite_array("rew", [1.0], ndim=2), ValueError, "rew must be 2-D"),
        (lambda: as_real("lr", "0.1"), TypeError, "lr must be a real number"),
        (lambda: as_real("lr", float("inf")), ValueError, "lr must be finite"),
        (lambda: check_gamma(1.5), ValueError, r"gamma must lie in \[0, 1\]"),
        (lambda: check_int("seed", True), TypeError, "seed must be an integer"),
        (lambda: check_int("n", 2.0), TypeError, "n must be an integer"),
        (lambda: check_int("n", 0, low=1), ValueError, "n must be an integer >= 1"),
        (lambda: check_int("k", 5, high=4), ValueError, "k must be an integer <= 4"),
        (lambda: check_int("i", 9, low=0, high=4), ValueError, r"i must be an integer in \[0, 4\]"),
        (lambda: check_open_probability("p", 0.0), ValueError, "p must lie strictly between"),
    ],
)
def test_bad_input_names_the_argument(call, error, says):
    with pytest.raises(error, match=says):
        call()
