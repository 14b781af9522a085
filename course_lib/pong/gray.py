"""Grey-level frames: the fast trainer's shortcut to `prepro` (chapter 5).

`prepro` reads the red channel of an RGB frame. The fast trainer asks ale-py for grayscale
frames instead (one byte per pixel instead of three) and applies the same rule to grey
levels: Pong's two background colours, RGB (144, 72, 17) and (109, 118, 43), are the only
colours of its screen with grey level 87 or 107, as they are the only ones with red level 144
or 109. So `IS_FOREGROUND_GRAY[downsample_gray(gray_frames)]` is `prepro` of the RGB frames,
as booleans (tests/pong/test_gray.py checks the rule; tests/pong/test_envs.py checks it on
thousands of real frames). Nothing here is needed to understand the algorithm: it is speed
work, kept apart from the lesson's `prepro`.
"""

from __future__ import annotations

import numpy as np

from course_lib.pong.prepro import FRAME_SHAPE, N_PIXELS, _foreground

# ale-py's grey levels of the two background colours, RGB (144, 72, 17) and (109, 118, 43)
BACKGROUND_GRAY = (87, 107)
# The same rule as a table, foreground or not for each of the 256 grey levels.
IS_FOREGROUND_GRAY = np.ones(256, dtype=bool)
IS_FOREGROUND_GRAY[list(BACKGROUND_GRAY)] = False


def downsample_gray(frames: np.ndarray) -> np.ndarray:
    """The grey levels of prepro's 6,400 pixels: grayscale screens cropped, every 2nd pixel kept.

    Args:
        frames: (n_envs, 210, 160) uint8, ale-py's grayscale rendering of Pong's screens.

    Returns:
        (n_envs, 6400) uint8. `IS_FOREGROUND_GRAY[levels]` is prepro's output as booleans; the
        trainer keeps the levels, compares them from one frame to the next and applies the rule
        only to the pixels whose level changed (`sparse.level_diff_triples`).

    Example:
        >>> frames = np.zeros((2, 210, 160), dtype=np.uint8)
        >>> frames[1, 35, 2] = 9                                   # row 35, column 2: kept
        >>> levels = downsample_gray(frames)
        >>> levels.shape, int(levels[1, 1])
        ((2, 6400), 9)
    """
    if not isinstance(frames, np.ndarray) or frames.dtype != np.uint8:
        raise TypeError("frames must be a uint8 NumPy array of grayscale screens")
    if frames.ndim != 3 or frames.shape[1:] != FRAME_SHAPE[:2]:
        raise ValueError(f"frames must have shape (n_envs, 210, 160), got {frames.shape}")
    if frames.strides[2] != 1:
        frames = np.ascontiguousarray(frames)
    # Every 2nd pixel of a row without a strided copy: read each pair of neighbouring pixels
    # as one little-endian 16-bit number; its low byte is the first (kept) pixel.
    pairs = frames[:, 35:195:2].view("<u2")  # (n, 80, 80)
    kept = pairs.astype(np.uint8)  # the low bytes: twice as fast as a strided copy
    return kept.reshape(len(frames), N_PIXELS)


def foreground_gray(frames: np.ndarray) -> np.ndarray:
    """`foreground_batch` for the emulator's grayscale frames, shape (n_envs, 210, 160) uint8.

    Returns (n_envs, 6400) bool, equal to prepro of the RGB frames (see the module docstring).

    Example:
        >>> frames = np.full((1, 210, 160), 87, dtype=np.uint8)    # all background
        >>> frames[0, 101, 40] = 236                               # one ball pixel
        >>> fg = foreground_gray(frames)
        >>> fg.shape, int(fg.sum()), bool(fg[0, 33 * 80 + 20])
        ((1, 6400), 1, True)
    """
    return _foreground(downsample_gray(frames), BACKGROUND_GRAY)
