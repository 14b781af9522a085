"""The policy network on sparse difference frames: the same maths, without the zeros (a
device of chapter 5's fast trainer).

A difference frame x_t = prepro(frame_t) - prepro(frame_{t-1}) has about 27 non-zero pixels
out of 6,400 (the ball and the two paddles' edges), each +1 or -1. We keep a batch of T of
them as triples (row, pix, val): x[row, pix] = val, everything else 0. Stacked, the T inputs
form a sparse matrix X of shape (T, D), and the two products of the network that touch the
pixels become sparse-times-dense products:

    forward     pre-activations   X @ W1.T        (T, H): each row sums ~27 columns of W1
    backward    dL/dW1          = dh.T @ X        (H, D): each pixel sums the dh rows it was on

SciPy's CSR matrices do these products in compiled loops over the non-zero entries only, the
way BLAS does the dense ones. The backpropagation itself (which product, which ReLU mask) is
written out here, as in `TwoLayerPolicy`.

Measured on the 2-core course machine for a batch of 4,833 real Pong steps (130,522
triples), float32, H = 200, best of 7: hidden 5.8 ms and grad_W1 2.5 ms with CSR matrices;
22 ms and 25 ms with our earlier pure-NumPy version (gather the weight columns or dh rows of
every triple into a new array, then sum runs with `np.add.reduceat`), which wrote ~100 MB of
temporaries per product; the dense (T, 6400) @ (6400, H) product alone 114 ms.

The functions take W1 as (n_hidden, D) like `TwoLayerPolicy`; they read it through W1.T,
which is a contiguous (D, n_hidden) array when W1 is stored in Fortran order (the Pong
trainer does this), so gathering a pixel's weights reads 200 consecutive numbers.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from course_lib.numpy_policy import sigmoid

try:
    # SciPy's compiled CSR x dense kernel, the one behind `csr_array @ array`. Called directly
    # for the trainer's acting batches (a few games): building a public csr_array costs ~15 us
    # of Python checks per call, more than the product itself.
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # a SciPy that moved it: the public path below does the same product
    _csr_matvecs = None

SMALL_BATCH = 64  # up to this many inputs (acting), hidden calls SciPy's kernel directly
_SIGN = np.array([-1.0, 1.0], dtype=np.float32)  # x = -1 where a pixel went off, +1 where on


def diff_triples(cur: np.ndarray, prev: np.ndarray):
    """Non-zero entries of cur - prev for a batch of preprocessed frames, shape (n, D) each.

    Returns (rows, pix, val): int64, int64, float32 arrays sorted by row, then pixel.

    Example:
        >>> prev = np.array([[0, 1, 1, 0], [1, 0, 0, 0]], dtype=np.float32)
        >>> cur = np.array([[0, 1, 0, 1], [1, 0, 0, 0]], dtype=np.float32)
        >>> [a.tolist() for a in diff_triples(cur, prev)]    # row 0: pixel 2 off, pixel 3 on
        [[0, 0], [2, 3], [-1.0, 1.0]]
    """
    n_pixels = cur.shape[1]
    cur, prev = cur.reshape(-1), prev.reshape(-1)
    # One flat index instead of np.nonzero's (row, pix) pairs: NumPy's 2-D nonzero is ~4x
    # slower than flatnonzero on the trainer's (8, 6400) frames, and the order is the same.
    flat = np.flatnonzero(cur != prev)
    rows = flat // n_pixels
    pix = flat - rows * n_pixels
    val = cur[flat].astype(np.float32) - prev[flat]  # also right for bool frames
    return rows, pix, val


def level_diff_triples(cur: np.ndarray, prev: np.ndarray, is_foreground: np.ndarray):
    """`diff_triples(is_foreground[cur], is_foreground[prev])`, from pixel levels.

    Args:
        cur, prev: (n, D) uint8 pixel levels, e.g. `gray.downsample_gray` of two frames.
        is_foreground: (256,) bool, the preprocessing rule for each level
            (`gray.IS_FOREGROUND_GRAY`).

    A pixel of x can only be non-zero where its level changed. So one comparison of the
    levels finds the few hundred candidates, and the rule is looked up for those alone,
    instead of being applied to all n * 6,400 pixels of both frames (three passes each).

    Example:
        >>> is_fg = np.ones(256, dtype=bool); is_fg[[87, 107]] = False  # two background levels
        >>> prev, cur = np.uint8([[87, 87, 200]]), np.uint8([[107, 236, 236]])
        >>> [a.tolist() for a in level_diff_triples(cur, prev, is_fg)]  # 87 -> 107: no change
        [[0], [1], [1.0]]
        >>> [a.tolist() for a in diff_triples(is_fg[cur], is_fg[prev])]
        [[0], [1], [1.0]]
    """
    n_pixels = cur.shape[1]
    cur, prev = cur.reshape(-1), prev.reshape(-1)
    flat = np.flatnonzero(cur != prev)
    on = is_foreground[cur[flat]]
    flips = on != is_foreground[prev[flat]]  # not where e.g. the ball's colour replaced a paddle's
    rows, pix = np.divmod(flat[flips], n_pixels)
    return rows, pix, _SIGN[on[flips].view(np.uint8)]


def _check_triples(rows, pix, val, n_rows: int, n_cols: int):
    """Integer rows sorted and in [0, n_rows), integer pix in [0, n_cols), one val per triple.

    SciPy's kernels check none of this, and any of it wrong reads memory that is not theirs.
    """
    rows, pix, val = np.asarray(rows), np.asarray(pix), np.asarray(val)
    if not (rows.ndim == pix.ndim == val.ndim == 1 and rows.size == pix.size == val.size):
        raise ValueError(
            "rows, pix and val must be 1-D arrays of the same length, got shapes "
            f"{rows.shape}, {pix.shape}, {val.shape}"
        )
    if rows.dtype.kind not in "iu" or pix.dtype.kind not in "iu":
        raise TypeError(f"rows and pix must be integer arrays, got {rows.dtype} and {pix.dtype}")
    if rows.size:
        if np.any(rows[1:] < rows[:-1]):
            raise ValueError("rows must be sorted ascending (one input after the other)")
        if rows[0] < 0 or rows[-1] >= n_rows:
            raise ValueError(f"rows must lie in [0, {n_rows}), got {rows[0]} to {rows[-1]}")
        if pix.min() < 0 or pix.max() >= n_cols:
            raise ValueError(f"pix must lie in [0, {n_cols}), got {pix.min()} to {pix.max()}")
    # Row r's entries are entries indptr[r]:indptr[r + 1] of (pix, val): CSR without a sort.
    indptr = np.searchsorted(rows, np.arange(n_rows + 1))
    return indptr, pix


def as_matrix(rows, pix, val, n_rows: int, n_cols: int, dtype=None) -> scipy.sparse.csr_array:
    """The triples as a (n_rows, n_cols) CSR matrix X, values of `dtype` (default: val's).

    rows must be sorted ascending, every row in [0, n_rows) and every pix in [0, n_cols):
    SciPy's products do not check the indices, and one out of range reads or writes memory
    that is not the matrix's.

    Example:
        >>> X = as_matrix([0, 0, 1], [2, 5, 0], [1.0, -1.0, 1.0], n_rows=2, n_cols=6)
        >>> X.toarray()
        array([[ 0.,  0.,  1.,  0.,  0., -1.],
               [ 1.,  0.,  0.,  0.,  0.,  0.]])
    """
    indptr, pix = _check_triples(rows, pix, val, n_rows, n_cols)
    data = np.asarray(val, dtype=dtype)
    return scipy.sparse.csr_array((data, pix.astype(np.int32), indptr), shape=(n_rows, n_cols))


def hidden(W1: np.ndarray, rows, pix, val, n_rows: int) -> np.ndarray:
    """h = relu(W1 x) for the n_rows sparse inputs (rows sorted ascending); shape (n_rows, H).

    Example:
        >>> W1 = np.random.default_rng(0).normal(size=(3, 6)).astype(np.float32)
        >>> rows, pix, val = np.array([0, 0, 1]), np.array([2, 5, 0]), np.float32([1, -1, 1])
        >>> x = as_matrix(rows, pix, val, 2, 6).toarray()      # the same inputs, dense
        >>> bool(np.allclose(hidden(W1, rows, pix, val, 2), np.maximum(x @ W1.T, 0)))
        True
    """
    W1T = W1.T  # (D, H)
    n_cols, n_hidden = W1T.shape
    if n_rows <= SMALL_BATCH and _csr_matvecs is not None:
        # Acting: a handful of games, ~30 triples each. h[r] = sum of val * W1T[pix] over
        # row r's triples, in SciPy's compiled loop, straight into h.
        indptr, pix = _check_triples(rows, pix, val, n_rows, n_cols)
        h = np.zeros((n_rows, n_hidden), dtype=W1T.dtype)
        _csr_matvecs(
            n_rows,
            n_cols,
            n_hidden,
            indptr.astype(np.int32),
            pix.astype(np.int32),
            np.asarray(val, dtype=W1T.dtype),
            np.ascontiguousarray(W1T).reshape(-1),  # a view for a Fortran-ordered W1
            h.reshape(-1),
        )
    else:
        # SciPy reads W1T as a C-ordered array: free for a Fortran-ordered W1 (the
        # trainer's), a 5 MB copy per call otherwise.
        h = as_matrix(rows, pix, val, n_rows, n_cols, W1T.dtype) @ W1T  # (n_rows, H)
    np.maximum(h, 0, out=h)  # ReLU
    return h


def forward(W1: np.ndarray, W2: np.ndarray, rows, pix, val, n_rows: int):
    """(p, h) for n_rows sparse inputs, shapes (n_rows,), (n_rows, H).

    Example:
        >>> W1, W2 = np.ones((2, 6), np.float32), np.float32([1.0, -2.0])
        >>> p, h = forward(W1, W2, np.array([1]), np.array([4]), np.float32([1]), n_rows=2)
        >>> h.tolist(), [round(float(v), 4) for v in p]  # row 0: no triple, x = 0, p = 1/2
        ([[0.0, 0.0], [1.0, 1.0]], [0.5, 0.2689])
    """
    h = hidden(W1, rows, pix, val, n_rows)
    return sigmoid(h @ W2), h


def grad_W1(dh: np.ndarray, rows, pix, val, n_inputs: int) -> np.ndarray:
    """dW1 = dh^T X for the sparse inputs X: shape (H, n_inputs).

    Computed as (X^T dh)^T: the (n_inputs, H) product is C-ordered, so the result is
    Fortran-ordered, like the trainer's W1, and RMSProp updates run on matching layouts.

    Example:
        >>> dh = np.float32([[1.0, 2.0], [3.0, 4.0]])          # (T, H) = (2, 2)
        >>> rows, pix, val = np.array([0, 1]), np.array([3, 0]), np.float32([1, -1])
        >>> x = as_matrix(rows, pix, val, 2, 4).toarray()
        >>> dW1 = grad_W1(dh, rows, pix, val, 4)
        >>> bool(np.array_equal(dW1, dh.T @ x)), dW1.flags.f_contiguous
        (True, True)
    """
    X = as_matrix(rows, pix, val, dh.shape[0], n_inputs, dh.dtype)
    return (X.T @ dh).T


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

    Example (the same gradient as the dense `TwoLayerPolicy.backward`):
        >>> from course_lib.numpy_policy import TwoLayerPolicy
        >>> policy = TwoLayerPolicy(6, 3, np.random.default_rng(0), dtype=np.float32)
        >>> rows, pix, val = np.array([0, 0, 1]), np.array([2, 5, 0]), np.float32([1, -1, 1])
        >>> x = as_matrix(rows, pix, val, 2, 6).toarray()
        >>> p, h = forward(policy.W1, policy.W2, rows, pix, val, 2)
        >>> dlogps = np.float32([0.5, -1.0])
        >>> g = backward(policy.W2, h, dlogps, rows, pix, val, 6)
        >>> dense = policy.backward(x, policy.forward(x)[1], dlogps)
        >>> all(bool(np.allclose(g[k], dense[k], atol=1e-6)) for k in ("W1", "W2"))
        True
    """
    dlogps = dlogps.astype(h.dtype, copy=False)
    dW2 = h.T @ dlogps  # (H,)
    dh = np.outer(dlogps, W2)  # (T, H)
    dh *= h > 0  # ReLU; a multiply is ~10x faster than assigning through a boolean mask
    return {"W1": grad_W1(dh, rows, pix, val, n_inputs), "W2": dW2}
