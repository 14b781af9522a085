"""Preprocessing: one 210x160 RGB Pong frame -> 6,400 zeros and ones (Karpathy 2016).

    crop rows 35:195         drop the score board and the bottom wall: 160 x 160 pixels
    keep every 2nd pixel     80 x 80, channel 0 (red) only
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


def _foreground(red: np.ndarray) -> np.ndarray:
    """True where a (cropped, downsampled) red channel is neither background colour."""
    # One contiguous copy first: comparing a strided view twice costs more than copying it.
    red = np.ascontiguousarray(red)
    return (red != BACKGROUND[0]) & (red != BACKGROUND[1])


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
    """Frames (n_envs, 210, 160, 3) uint8 -> float32 (n_envs, 6400); row i is prepro(frames[i])."""
    return foreground_batch(frames).astype(np.float32)


def foreground_batch(frames: np.ndarray) -> np.ndarray:
    """As `prepro_batch`, but bool: the trainer's fast path (no float copy per step)."""
    frames = _check_frames("frames", frames, batched=True)
    n = len(frames)
    rows = frames.reshape(n, 210, 480)[:, 35:195:2]  # (n, 80, 480) bytes: kept rows, contiguous
    words = rows.view(np.uint32)  # (n, 80, 120); raises if a row is not contiguous
    # A word equal to the plain background's word holds a red byte of 144 (or none): those
    # pixels are 0 by the rule. Only the ~100 words of a frame that differ are looked at,
    # by the rule itself: reading 25,600 red bytes 6 bytes apart costs more than comparing
    # all the words of the kept rows and looking up the few that differ.
    hit = np.flatnonzero(words != _BACKGROUND_WORDS)  # index (game * 80 + row) * 120 + word
    game, word = np.divmod(hit, 80 * 120)
    pix = _WORD_PIXEL[word]
    kept = pix >= 0  # words holding a kept pixel's red byte
    game, pix = game[kept], pix[kept]
    red = frames.reshape(n, -1)[game, _RED_OFFSET[pix]]  # those pixels' red bytes
    fg = _IS_FOREGROUND[red]
    out = np.zeros((n, N_PIXELS), dtype=bool)
    out[game[fg], pix[fg]] = True
    return out


# Tables for foreground_batch. A kept row (every 2nd pixel) seen as 120 uint32 words: pixel
# 2j's red byte sits at byte 6j, so word 3q holds pixel 4q's red byte, word 3q + 1 pixel
# 4q + 2's, and word 3q + 2 none of them.
_BACKGROUND_WORDS = np.tile(np.array([144, 72, 17], dtype=np.uint8), 160).view(np.uint32)
_word_col = np.full(120, -1)
_word_col[0::3], _word_col[1::3] = np.arange(0, 80, 2), np.arange(1, 80, 2)
_WORD_PIXEL = np.where(_word_col >= 0, np.arange(80)[:, None] * 80 + _word_col, -1).ravel()
_RED_OFFSET = ((35 + 2 * (np.arange(N_PIXELS) // 80)) * 160 + 2 * (np.arange(N_PIXELS) % 80)) * 3
_IS_FOREGROUND = np.ones(256, dtype=bool)
_IS_FOREGROUND[list(BACKGROUND)] = False
del _word_col
