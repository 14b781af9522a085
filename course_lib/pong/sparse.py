"""The policy network on sparse difference frames: the same maths, without the zeros.

A difference frame x_t = prepro(frame_t) - prepro(frame_{t-1}) has about 27 non-zero pixels
out of 6,400 (the ball and the two paddles' edges), each +1 or -1. We store a batch of T of
them as triples (row, pix, val): x[row, pix] = val, everything else 0 ("COO" format).

    forward     W1 x  = sum over the non-zero pixels of  val * W1[:, pix]
                (gather ~27 columns instead of multiplying 6,400)
    backward    dW1[:, pix] += val * dh[row]   for every triple
                (sort the triples by pixel, then add each pixel's rows with np.add.reduceat)

Measured on one core of the 2-core course machine (bench numbers, busy machine) for a batch
of 4,000 real Pong steps (~105,000 triples), float32, H = 200: dW1 by sort + reduceat in
blocks of 2,048 triples 28 ms; the dense (T, 6400) product 100 ms; np.add.at 170 ms.
Recomputing h for the batch takes 26 ms. Bigger blocks are slower (43 ms at 32,768 triples):
the (block, H) temporaries fall out of cache.

The functions take W1 as (n_hidden, D) like `TwoLayerPolicy`; they read it through W1.T,
which is a contiguous (D, n_hidden) array when W1 is stored in Fortran order (the Pong
trainer does this), so gathering a pixel's weights reads 200 consecutive numbers.
"""

from __future__ import annotations

import numpy as np

from course_lib.numpy_policy import sigmoid

CHUNK = 2048  # triples per block in grad_W1: the (CHUNK, H) float32 temporary (1.6 MB) stays cached
ROWS_PER_BLOCK = 64  # inputs per block in hidden: ~1,700 triples, the same order of size
SMALL_BATCH = 64  # up to this many inputs, hidden uses one dense product instead


def diff_triples(cur: np.ndarray, prev: np.ndarray):
    """Non-zero entries of cur - prev for a batch of preprocessed frames, shape (n, D) each.

    Returns (rows, pix, val): int64, int64, float32 arrays sorted by row, then pixel.
    """
    n_pixels = cur.shape[1]
    cur, prev = cur.reshape(-1), prev.reshape(-1)
    # One flat index instead of np.nonzero's (row, pix) pairs: NumPy's 2-D nonzero is ~4x
    # slower than flatnonzero on the trainer's (4, 6400) frames, and the order is the same.
    flat = np.flatnonzero(cur != prev)
    rows = flat // n_pixels
    pix = flat - rows * n_pixels
    val = cur[flat].astype(np.float32) - prev[flat]  # also right for bool frames
    return rows, pix, val


def run_starts(keys: np.ndarray) -> np.ndarray:
    """Indices where a new run of equal values starts in the sorted array `keys`."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def hidden(W1: np.ndarray, rows, pix, val, n_rows: int) -> np.ndarray:
    """h = relu(W1 x) for the n_rows sparse inputs (rows sorted ascending); shape (n_rows, H)."""
    W1T = W1.T  # (D, H)
    if n_rows <= SMALL_BATCH:
        # Acting: a handful of games. One small product with a (n_rows, n_triples) matrix
        # of the values beats the bookkeeping of segment sums.
        select = np.zeros((n_rows, rows.size), dtype=W1T.dtype)
        select[rows, np.arange(rows.size)] = val
        h = select @ W1T[pix]  # (n_rows, H)
        np.maximum(h, 0, out=h)
        return h
    h = np.zeros((n_rows, W1T.shape[1]), dtype=W1T.dtype)
    starts = run_starts(rows)
    # Blocks of whole rows: each block gathers its pixels' weights once and sums per row.
    for b in range(0, starts.size, ROWS_PER_BLOCK):
        seg = starts[b : b + ROWS_PER_BLOCK]  # first triple of each row in this block
        lo = seg[0]
        hi = starts[b + ROWS_PER_BLOCK] if b + ROWS_PER_BLOCK < starts.size else rows.size
        gathered = W1T[pix[lo:hi]]  # (n_triples, H)
        gathered *= val[lo:hi, None]
        h[rows[seg]] = np.add.reduceat(gathered, seg - lo, axis=0)
    np.maximum(h, 0, out=h)  # ReLU
    return h


def forward(W1: np.ndarray, W2: np.ndarray, rows, pix, val, n_rows: int):
    """(p, h) for n_rows sparse inputs, shapes (n_rows,), (n_rows, H)."""
    h = hidden(W1, rows, pix, val, n_rows)
    return sigmoid(h @ W2), h


def grad_W1(dh: np.ndarray, rows, pix, val, n_inputs: int) -> np.ndarray:
    """dW1 = dh^T x for sparse x: dW1[:, pix] = sum of val * dh[row]; shape (H, n_inputs).

    The result is Fortran-ordered, like the trainer's W1, so RMSProp updates run on
    matching memory layouts.
    """
    order = np.argsort(pix, kind="stable")
    pix_s, rows_s, val_s = pix[order], rows[order], val[order]
    dW1T = np.zeros((n_inputs, dh.shape[1]), dtype=dh.dtype)  # (D, H)
    for lo in range(0, pix_s.size, CHUNK):
        p, r, v = pix_s[lo : lo + CHUNK], rows_s[lo : lo + CHUNK], val_s[lo : lo + CHUNK]
        contrib = dh[r]  # (chunk, H)
        contrib *= v[:, None]
        starts = run_starts(p)
        # Pixels are unique within a block, so a plain fancy-index += is safe; a pixel cut
        # by a block boundary is simply added to twice, once per block.
        dW1T[p[starts]] += np.add.reduceat(contrib, starts, axis=0)
    return dW1T.T


def backward(W2: np.ndarray, h: np.ndarray, dlogps: np.ndarray, rows, pix, val, n_inputs: int):
    """The gradient of sum_t dlogps[t] * logit_t, as `TwoLayerPolicy.backward` but sparse.

    Args:
        W2: second-layer weights, shape (H,).
        h: hidden layers of the T inputs, shape (T, H).
        dlogps: weight of each logit, e.g. (y_t - p_t) * G_t, shape (T,).
        rows, pix, val: the T inputs as triples.
        n_inputs: D.

    Returns:
        {"W1": array (H, D), "W2": array (H,)}.
    """
    dlogps = dlogps.astype(h.dtype, copy=False)
    dW2 = h.T @ dlogps  # (H,)
    dh = np.outer(dlogps, W2)  # (T, H)
    dh[h <= 0] = 0.0  # ReLU
    return {"W1": grad_W1(dh, rows, pix, val, n_inputs), "W2": dW2}
