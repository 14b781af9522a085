"""prepro: the 2016 preprocessing, without mutating its input; batched == one at a time."""

import doctest
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.pong.prepro import foreground_batch, prepro, prepro_batch


def prepro_oracle(frame):
    """The rule as the chapter states it, pixel by pixel (slow, obviously right)."""
    out = np.zeros((80, 80), dtype=np.float32)
    for i in range(80):
        for j in range(80):
            red = frame[35 + 2 * i, 2 * j, 0]
            out[i, j] = 0.0 if red in (144, 109) else 1.0
    return out.ravel()


def pong_like_frames(n, seed=0):
    """Background colours with a few random objects, plus some pixels of every value."""
    rng = np.random.default_rng(seed)
    frames = np.full((n, 210, 160, 3), 144, dtype=np.uint8)
    frames[:, :, :, 1:] = 72
    frames[:, ::7, ::5, 0] = 109
    for k in range(n):
        r, c = rng.integers(0, 200, 2)
        frames[k, r : r + 8, c % 150 : c % 150 + 4] = 236
        frames[k, rng.integers(0, 210, 30), rng.integers(0, 160, 30), 0] = rng.integers(0, 256, 30)
    return frames


frames_strategy = arrays(
    np.uint8, (210, 160, 3), elements=st.sampled_from([0, 17, 72, 109, 144, 236, 255])
)


def test_doctests():
    assert doctest.testmod(importlib.import_module("course_lib.pong.prepro")).failed == 0


def test_matches_the_rule_pixel_by_pixel():
    for frame in pong_like_frames(3):
        np.testing.assert_array_equal(prepro(frame), prepro_oracle(frame))


@settings(max_examples=25, deadline=None)
@given(frame=frames_strategy)
def test_shape_dtype_values_and_no_mutation(frame):
    before = frame.copy()
    x = prepro(frame)
    assert x.shape == (6400,) and x.dtype == np.float32
    assert set(np.unique(x)) <= {0.0, 1.0}
    np.testing.assert_array_equal(frame, before)  # the 2016 version wrote into its input


@settings(max_examples=10, deadline=None)
@given(frames=arrays(np.uint8, (3, 210, 160, 3), elements=st.sampled_from([0, 109, 144, 200])))
def test_batched_equals_one_at_a_time(frames):
    before = frames.copy()
    xs = prepro_batch(frames)
    assert xs.shape == (3, 6400) and xs.dtype == np.float32
    for k in range(3):
        np.testing.assert_array_equal(xs[k], prepro(frames[k]))
    np.testing.assert_array_equal(foreground_batch(frames), xs.astype(bool))
    np.testing.assert_array_equal(frames, before)


def test_background_is_zero_and_objects_are_one():
    frame = np.full((210, 160, 3), 109, dtype=np.uint8)
    assert prepro(frame).sum() == 0
    frame[35:195] = 236
    assert prepro(frame).sum() == 6400


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.zeros((210, 160), dtype=np.uint8), ValueError, "frame must have shape"),
        (np.zeros((160, 210, 3), dtype=np.uint8), ValueError, "frame must have shape"),
        (np.zeros((210, 160, 3), dtype=np.float32), TypeError, "frame must have dtype uint8"),
        ([[0] * 3] * 5, TypeError, "frame must be a NumPy array"),
    ],
)
def test_bad_frames_are_refused_by_name(bad, error, match):
    with pytest.raises(error, match=match):
        prepro(bad)


def test_bad_batches_are_refused_by_name():
    with pytest.raises(ValueError, match="frames must have shape"):
        prepro_batch(np.zeros((210, 160, 3), dtype=np.uint8))
    with pytest.raises(TypeError, match="frames must have dtype uint8"):
        prepro_batch(np.zeros((2, 210, 160, 3), dtype=np.int64))
