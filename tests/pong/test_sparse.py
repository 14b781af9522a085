"""The sparse forward and backward passes equal TwoLayerPolicy's dense ones."""

import numpy as np
import pytest

from course_lib.numpy_policy import TwoLayerPolicy
from course_lib.pong import sparse


def sparse_batch(T, seed=0, D=6400, density=27 / 6400):
    rng = np.random.default_rng(seed)
    X = np.zeros((T, D))
    mask = rng.random((T, D)) < density
    X[mask] = rng.choice([-1.0, 1.0], mask.sum())
    X[::5] = 0.0  # some inputs with no pixel at all (the first step of an episode)
    rows, pix = np.nonzero(X)
    return X, rows, pix, X[rows, pix]


@pytest.mark.parametrize("T", [1, 8, 300])  # the small (acting) path and the CSR path
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_forward_equals_dense(T, dtype):
    policy = TwoLayerPolicy(6400, 20, np.random.default_rng(1), dtype=dtype)
    X, rows, pix, val = sparse_batch(T)
    p_dense, h_dense = policy.forward(X.astype(dtype))
    W1 = np.asfortranarray(policy.W1)
    p, h = sparse.forward(W1, policy.W2, rows, pix, val.astype(dtype), T)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(h, h_dense, atol=tol)
    np.testing.assert_allclose(p, p_dense, atol=tol)


def test_backward_equals_dense():
    rng = np.random.default_rng(2)
    policy = TwoLayerPolicy(6400, 20, rng)
    X, rows, pix, val = sparse_batch(200, seed=3, density=0.01)
    p, h = policy.forward(X)
    dlogps = rng.standard_normal(200)
    dense = policy.backward(X, h, dlogps)
    fast = sparse.backward(policy.W2, h, dlogps, rows, pix, val, 6400)
    np.testing.assert_allclose(fast["W1"], dense["W1"], atol=1e-12)
    np.testing.assert_allclose(fast["W2"], dense["W2"], atol=1e-12)
    assert fast["W1"].shape == policy.W1.shape


def test_diff_triples_of_bool_and_float_frames():
    rng = np.random.default_rng(4)
    cur, prev = rng.random((3, 6400)) < 0.01, rng.random((3, 6400)) < 0.01
    for a, b in [(cur, prev), (cur.astype(np.float32), prev.astype(np.float32))]:
        rows, pix, val = sparse.diff_triples(a, b)
        X = np.zeros((3, 6400))
        X[rows, pix] = val
        np.testing.assert_array_equal(X, cur.astype(float) - prev.astype(float))
        assert np.all(np.diff(rows) >= 0)


def test_level_diff_triples_equal_diff_triples_of_the_foreground():
    rng = np.random.default_rng(6)
    is_fg = np.ones(256, dtype=bool)
    is_fg[[87, 107]] = False
    # Two background levels, three foreground ones: changes between two backgrounds or two
    # objects change the level but not x; the frames are mostly background, as in Pong.
    levels = np.array([87, 107, 74, 147, 236], dtype=np.uint8)
    weights = np.array([0.9, 0.05, 0.02, 0.02, 0.01])
    for n in (1, 3, 8):
        cur, prev = (rng.choice(levels, size=(n, 6400), p=weights) for _ in range(2))
        prev[0, :100] = cur[0, :100]  # some pixels unchanged
        got = sparse.level_diff_triples(cur, prev, is_fg)
        want = sparse.diff_triples(is_fg[cur], is_fg[prev])
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
    empty = sparse.level_diff_triples(cur, cur, is_fg)
    assert all(a.size == 0 for a in empty)


@pytest.mark.parametrize("use_kernel", [True, False])
def test_small_batches_with_and_without_scipys_kernel_equal_the_dense_product(
    use_kernel, monkeypatch
):
    """Acting batches call SciPy's kernel directly, or the public CSR product without it."""
    if not use_kernel:
        monkeypatch.setattr(sparse, "_csr_matvecs", None)  # a SciPy that moved the kernel
    rng = np.random.default_rng(7)
    W1 = np.asfortranarray(rng.standard_normal((20, 6400)).astype(np.float32))
    X, rows, pix, val = sparse_batch(8, seed=8)
    h = sparse.hidden(W1, rows, pix, val, 8)
    dense = np.maximum(X @ W1.T.astype(np.float64), 0)  # the oracle: every zero multiplied
    np.testing.assert_allclose(h, dense, rtol=1e-5, atol=1e-5)
    assert h.dtype == np.float32
    with pytest.raises(ValueError, match="pix must lie in"):
        sparse.hidden(W1, np.array([0, 1]), np.array([3, 6400]), np.ones(2), 8)
    with pytest.raises(ValueError, match="rows must be sorted"):
        sparse.hidden(W1, np.array([1, 0]), np.array([3, 5]), np.ones(2), 8)


def test_empty_inputs_give_zero_hidden_layers():
    W1 = np.asfortranarray(np.ones((4, 6400)))
    empty = np.zeros(0, dtype=np.int64)
    for n in (3, 100):
        h = sparse.hidden(W1, empty, empty, np.zeros(0), n)
        assert h.shape == (n, 4) and not h.any()


def test_unsorted_rows_are_refused():
    rows, pix, val = np.array([1, 0]), np.array([3, 5]), np.array([1.0, -1.0])
    with pytest.raises(ValueError, match="rows must be sorted"):
        sparse.grad_W1(np.ones((2, 4)), rows, pix, val, 6400)


@pytest.mark.parametrize("n_rows", [1, 100])  # the kernel path and the public CSR path
def test_inconsistent_triples_are_refused_before_scipy_sees_them(n_rows):
    W1 = np.asfortranarray(np.ones((4, 6400), dtype=np.float32))
    with pytest.raises(ValueError, match="same length"):
        sparse.hidden(W1, np.zeros(5000, dtype=np.int64), np.array([1]), np.ones(1), n_rows)
    with pytest.raises(ValueError, match="same length"):
        sparse.hidden(W1, np.array([0, 0, 0]), np.array([1, 2, 3]), np.ones(1), n_rows)
    with pytest.raises(TypeError, match="integer arrays"):
        sparse.hidden(W1, np.array([0]), np.array([np.nan]), np.ones(1), n_rows)


def test_indices_out_of_range_are_refused():
    dh = np.ones((2, 4), dtype=np.float32)
    with pytest.raises(ValueError, match="pix must lie in"):
        sparse.grad_W1(dh, np.array([0, 1]), np.array([3, 6400]), np.ones(2), 6400)
    with pytest.raises(ValueError, match="rows must lie in"):
        sparse.grad_W1(dh, np.array([0, 2]), np.array([3, 5]), np.ones(2), 6400)


def test_float32_weights_give_float32_results_whatever_the_values_dtype():
    X, rows, pix, val = sparse_batch(100)  # val is float64
    W1 = np.asfortranarray(np.ones((4, 6400), dtype=np.float32))
    h = sparse.hidden(W1, rows, pix, val, 100)
    dW1 = sparse.grad_W1(h, rows, pix, val, 6400)
    assert h.dtype == np.float32 and dW1.dtype == np.float32
