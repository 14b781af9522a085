"""TwoLayerPolicy: shapes, errors, and backward checked against two oracles."""

import doctest

import numpy as np
import pytest
import torch

from course_lib import numpy_policy
from course_lib.numpy_policy import TwoLayerPolicy, sigmoid

torch.set_num_threads(1)


def make_batch(seed=0, T=7, D=5, H=4):
    rng = np.random.default_rng(seed)
    policy = TwoLayerPolicy(D, H, rng)
    xs = rng.standard_normal((T, D))
    ys = rng.integers(0, 2, T).astype(float)  # 1 = action 1 was taken
    G = rng.standard_normal(T)  # returns
    return policy, xs, ys, G


def objective_torch(W1, W2, xs, ys, G):
    """sum_t G_t log pi(a_t | x_t) for the Bernoulli policy, written from the definition."""
    h = torch.relu(torch.tensor(xs) @ W1.T)
    p = torch.sigmoid(h @ W2)
    y = torch.tensor(ys)
    logp = y * torch.log(p) + (1 - y) * torch.log(1 - p)
    return (torch.tensor(G) * logp).sum()


def test_doctests():
    assert doctest.testmod(numpy_policy).failed == 0


def test_forward_single_and_batch_agree():
    policy, xs, _, _ = make_batch()
    p_batch, h_batch = policy.forward(xs)
    assert p_batch.shape == (7,) and h_batch.shape == (7, 4)
    for t in range(7):
        p, h = policy.forward(xs[t])
        assert p.shape == () and h.shape == (4,)
        np.testing.assert_allclose(p, p_batch[t])
        np.testing.assert_allclose(h, h_batch[t])
    assert np.all(h_batch >= 0) and np.all((0 < p_batch) & (p_batch < 1))


def test_backward_matches_torch_autograd():
    policy, xs, ys, G = make_batch()
    p, h = policy.forward(xs)
    grads = policy.backward(xs, h, (ys - p) * G)  # (y - p) is d log pi / d logit
    W1 = torch.tensor(policy.W1, requires_grad=True)
    W2 = torch.tensor(policy.W2, requires_grad=True)
    objective_torch(W1, W2, xs, ys, G).backward()
    np.testing.assert_allclose(grads["W1"], W1.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["W2"], W2.grad.numpy(), atol=1e-12)
    assert grads["W1"].shape == policy.W1.shape and grads["W2"].shape == policy.W2.shape


def test_backward_matches_finite_differences():
    policy, xs, ys, G = make_batch(seed=3)

    def J():
        p, _ = policy.forward(xs)
        return np.sum(G * (ys * np.log(p) + (1 - ys) * np.log(1 - p)))

    p, h = policy.forward(xs)
    grads = policy.backward(xs, h, (ys - p) * G)
    eps = 1e-6
    for name, theta in policy.params.items():
        numeric = np.zeros_like(theta)
        for idx in np.ndindex(theta.shape):
            old = theta[idx]
            theta[idx] = old + eps
            up = J()
            theta[idx] = old - eps
            down = J()
            theta[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, atol=1e-6)


def test_float32_policy_keeps_its_dtype():
    policy = TwoLayerPolicy(6, 3, np.random.default_rng(0), dtype=np.float32)
    p, h = policy.forward(np.ones((2, 6), dtype=np.float32))
    grads = policy.backward(np.ones((2, 6), dtype=np.float32), h, np.ones(2, dtype=np.float32))
    assert policy.W1.dtype == grads["W1"].dtype == grads["W2"].dtype == np.float32


def test_sigmoid_is_stable_and_correct():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-300)
    with np.errstate(over="raise"):
        assert sigmoid(np.array([-1e4]))[0] == 0.0


@pytest.mark.parametrize(
    "args, error, word",
    [
        ((0, 3), ValueError, "n_inputs"),
        ((4, 2.5), TypeError, "n_hidden"),
        ((4, 3, "rng"), TypeError, "rng"),
    ],
)
def test_bad_construction_names_the_argument(args, error, word):
    rng = np.random.default_rng(0)
    full = args if len(args) == 3 else (*args, rng)
    with pytest.raises(error, match=word):
        TwoLayerPolicy(*full)


def test_bad_shapes_name_the_argument():
    policy, xs, ys, G = make_batch()
    with pytest.raises(ValueError, match="x must have shape"):
        policy.forward(np.ones(3))
    p, h = policy.forward(xs)
    with pytest.raises(ValueError, match="hs"):
        policy.backward(xs, h[:-1], p)
    with pytest.raises(ValueError, match="dlogps"):
        policy.backward(xs, h, p[:-1])
