"""gray: the trainer's grey-level shortcut gives prepro's foreground."""

import numpy as np
import pytest

from course_lib.pong.gray import IS_FOREGROUND_GRAY, downsample_gray, foreground_gray


def test_bad_grayscale_batches_are_refused_by_name():
    with pytest.raises(ValueError, match="frames must have shape"):
        foreground_gray(np.zeros((2, 210, 160, 3), dtype=np.uint8))
    with pytest.raises(TypeError, match="frames must be a uint8"):
        foreground_gray(np.zeros((2, 210, 160), dtype=np.float32))
    frames = np.full((1, 210, 160), 87, dtype=np.uint8)  # all background
    frames[0, 101, 40] = 236  # one ball pixel
    fg = foreground_gray(frames)
    assert fg.shape == (1, 6400) and fg.sum() == 1 and fg[0, 33 * 80 + 20]


def test_grayscale_views_of_any_layout_give_the_same_foreground():
    rng = np.random.default_rng(5)
    big = rng.choice(np.array([87, 107, 74, 147, 236], dtype=np.uint8), size=(3, 210, 170))
    rule = lambda f: ((f != 87) & (f != 107))[:, 35:195:2, ::2].reshape(len(f), 6400)  # noqa: E731
    for frames in (
        big[:, :, 1:161],  # starts at an odd column
        big[:, :, 161:1:-1],  # last axis reversed: not contiguous
        np.asfortranarray(big[:, :, :160]),
        big[:0, :, :160],  # no frames at all
    ):
        np.testing.assert_array_equal(foreground_gray(frames), rule(frames))
        np.testing.assert_array_equal(IS_FOREGROUND_GRAY[downsample_gray(frames)], rule(frames))
