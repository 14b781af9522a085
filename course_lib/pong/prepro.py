"""Preprocessing (chapter 5): one 210x160 RGB Pong frame -> 6,400 zeros and ones (Karpathy
2016).

    crop rows 35:195         drop the score board and the top wall: 160 x 160 pixels
    keep every 2nd pixel     80 x 80, channel 0 (red) only; rows 35, 37, ..., 193, so this
                             also drops row 194, the first row of the bottom wall
    background -> 0          the two background colours have red value 144 or 109
    everything else -> 1     paddles and ball

The 2016 code did this on slices of the frame it was given, so it wrote zeros into the
emulator's observation. Here nothing is written into the input: comparisons build new arrays.
"""

from __future__ import annotations

import numpy as np

FRAME_SHAPE = (210, 160, 3)
N_PIXELS = 80 * 80  # D, the length of one preprocessed frame
BACKGROUND = (144, 109)  # red-channel values of the two background colours


def _check_frames(name: str, frames, batched: bool) -> np.ndarray:
    if not isinstance(frames, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(frames).__name__}")
    if frames.dtype != np.uint8:
        raise TypeError(f"{name} must have dtype uint8 (raw Atari pixels), got {frames.dtype}")
    shape = ("n_envs",) + FRAME_SHAPE if batched else FRAME_SHAPE
    if frames.ndim != len(shape) or frames.shape[-3:] != FRAME_SHAPE:
        raise ValueError(f"{name} must have shape {shape}, got {frames.shape}")
    return frames


def _foreground(values: np.ndarray, background=BACKGROUND) -> np.ndarray:
    """True where (cropped, downsampled) pixel values are neither background colour's.

    `values` are red levels with `BACKGROUND` (or grey levels with `gray.BACKGROUND_GRAY`).
    """
    # One contiguous copy first: comparing a strided view twice costs more than copying it.
    values = np.ascontiguousarray(values)
    return (values != background[0]) & (values != background[1])


def prepro(frame: np.ndarray) -> np.ndarray:
    """One RGB frame (210, 160, 3) uint8 -> float32 array (6400,) of 0s and 1s.

    Example:
        >>> frame = np.full((210, 160, 3), 144, dtype=np.uint8)   # all background
        >>> frame[101, 40] = (236, 236, 236)                       # one white ball pixel
        >>> x = prepro(frame)
        >>> x.shape, x.dtype, x.sum(), x.reshape(80, 80)[(101 - 35) // 2, 40 // 2]
        ((6400,), dtype('float32'), np.float32(1.0), np.float32(1.0))
    """
    frame = _check_frames("frame", frame, batched=False)
    red = frame[35:195:2, ::2, 0]  # (80, 80) view; only read from
    return _foreground(red).astype(np.float32).ravel()


def prepro_batch(frames: np.ndarray) -> np.ndarray:
    """Frames (n_envs, 210, 160, 3) uint8 -> float32 (n_envs, 6400); row i is prepro(frames[i]).

    Example:
        >>> frames = np.full((2, 210, 160, 3), 144, dtype=np.uint8)
        >>> frames[1, 101, 40] = 236                              # a ball in frame 1 only
        >>> x = prepro_batch(frames)
        >>> x.shape, x.dtype, bool(np.array_equal(x[1], prepro(frames[1])))
        ((2, 6400), dtype('float32'), True)
    """
    return foreground_batch(frames).astype(np.float32)


def foreground_batch(frames: np.ndarray) -> np.ndarray:
    """As `prepro_batch`, but bool (n_envs, 6400): no float copy.

    Example:
        >>> frames = np.full((1, 210, 160, 3), 109, dtype=np.uint8)  # the other background
        >>> frames[0, 101, 40] = 236
        >>> fg = foreground_batch(frames)
        >>> fg.dtype, int(fg.sum()), bool(np.array_equal(fg, prepro_batch(frames) == 1))
        (dtype('bool'), 1, True)
    """
    frames = _check_frames("frames", frames, batched=True)
    return _foreground(frames[:, 35:195:2, ::2, 0]).reshape(len(frames), N_PIXELS)
