"""A two-layer policy network in plain NumPy, with its gradient written by hand.

Introduced in chapter 4 (CartPole) and reused, 6400 -> 200 -> 1, by chapter 5 (Pong from pixels).
The network has no biases, exactly as in Karpathy's 2016 program:

    h     = relu(W1 x)                 hidden layer, shape (n_hidden,)
    logit = W2 . h                     one number
    p     = sigmoid(logit)             P(action 1): "up" in Pong, "right" in CartPole

For a Bernoulli policy the score has a closed form: with y = 1 when action 1 was taken and
y = 0 otherwise,  d log pi(a | x) / d logit = y - p.  `backward` takes one such weight per
step (usually (y_t - p_t) * G_t) and back-propagates it to W1 and W2.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import check_int


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), element-wise, without overflow warnings.

    Example:
        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])
    """
    # exp(-log(1 + exp(-z))): logaddexp never overflows, and unlike 0.5 * (1 + tanh(z / 2))
    # it keeps full relative precision for tiny probabilities.
    return np.exp(-np.logaddexp(0.0, -np.asarray(z)))


class TwoLayerPolicy:
    """A ReLU hidden layer and a sigmoid output: p = P(action 1 | x), no biases.

    Args:
        n_inputs: the length D of one observation x.
        n_hidden: the number H of hidden units.
        rng: a `numpy.random.Generator` for the initial weights.
        dtype: float64 (the default) or float32 (half the memory; the Pong trainer uses it).

    Attributes:
        params: {"W1": array (H, D), "W2": array (H,)}, the arrays an optimiser updates in place.

    The initial weights are N(0, 1) / sqrt(fan-in) ("Xavier"), so that W1 x and W2 . h start
    with a spread of about one whatever D and H are.

    Example:
        >>> policy = TwoLayerPolicy(n_inputs=4, n_hidden=3, rng=np.random.default_rng(0))
        >>> p, h = policy.forward(np.ones(4))
        >>> p.shape, h.shape
        ((), (3,))
        >>> p, h = policy.forward(np.ones((5, 4)))      # a batch of T = 5 observations
        >>> p.shape, h.shape
        ((5,), (5, 3))
        >>> grads = policy.backward(np.ones((5, 4)), h, dlogps=np.ones(5) - p)
        >>> grads["W1"].shape, grads["W2"].shape
        ((3, 4), (3,))
    """

    def __init__(self, n_inputs: int, n_hidden: int, rng: np.random.Generator, *, dtype=np.float64):
        self.n_inputs = check_int("n_inputs", n_inputs, low=1)
        self.n_hidden = check_int("n_hidden", n_hidden, low=1)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        W1 = rng.standard_normal((self.n_hidden, self.n_inputs)) / np.sqrt(self.n_inputs)
        W2 = rng.standard_normal(self.n_hidden) / np.sqrt(self.n_hidden)
        self.params = {"W1": W1.astype(dtype), "W2": W2.astype(dtype)}

    @property
    def W1(self) -> np.ndarray:
        """First-layer weights, shape (n_hidden, n_inputs).

        Example:
            >>> TwoLayerPolicy(4, 3, np.random.default_rng(0)).W1.shape
            (3, 4)
        """
        return self.params["W1"]

    @property
    def W2(self) -> np.ndarray:
        """Second-layer weights, shape (n_hidden,).

        Example:
            >>> TwoLayerPolicy(4, 3, np.random.default_rng(0)).W2.shape
            (3,)
        """
        return self.params["W2"]

    def _check_x(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_inputs:
            raise ValueError(
                f"x must have shape ({self.n_inputs},) or (T, {self.n_inputs}), got {x.shape}"
            )
        return x

    def forward(self, x):
        """The probability of action 1 and the hidden layer, for one observation or a batch.

        Args:
            x: shape (D,) for one observation, or (T, D) for T of them.

        Returns:
            (p, h): p of shape () or (T,), h of shape (H,) or (T, H).

        Example:
            >>> policy = TwoLayerPolicy(4, 3, np.random.default_rng(0))
            >>> p, h = policy.forward(np.ones(4))
            >>> bool(np.isclose(p, sigmoid(np.maximum(policy.W1 @ np.ones(4), 0) @ policy.W2)))
            True
        """
        x = self._check_x(x)
        h = x @ self.W1.T  # (T, H) or (H,)
        np.maximum(h, 0.0, out=h)  # ReLU
        p = sigmoid(h @ self.W2)  # (T,) or ()
        return p, h

    def backward(self, xs, hs, dlogps) -> dict[str, np.ndarray]:
        """Gradient of  sum_t dlogps[t] * logit_t  with respect to W1 and W2.

        With dlogps[t] = (y_t - p_t) * G_t this is sum_t G_t grad log pi(a_t | x_t), the
        policy-gradient estimate (to be ascended).

        Args:
            xs: the observations, shape (T, D).
            hs: the hidden layers `forward` returned for them, shape (T, H).
            dlogps: the weight of each step's logit, shape (T,).

        Returns:
            {"W1": array (H, D), "W2": array (H,)}, the same shapes as `params`.

        Example:
            >>> from course_lib.finite_diff import numerical_gradient
            >>> policy = TwoLayerPolicy(2, 3, np.random.default_rng(1))
            >>> x = np.array([[1.0, -2.0]])
            >>> _, h = policy.forward(x)
            >>> g = policy.backward(x, h, dlogps=np.ones(1))   # d logit / d W2 = h
            >>> logit = lambda w2: np.maximum(policy.W1 @ x[0], 0) @ w2
            >>> bool(np.allclose(g["W2"], numerical_gradient(logit, policy.W2.copy())))
            True
        """
        xs = self._check_x(xs)
        hs, dlogps = np.asarray(hs), np.asarray(dlogps)
        if xs.ndim != 2:
            raise ValueError(f"xs must have shape (T, {self.n_inputs}), got {xs.shape}")
        T = xs.shape[0]
        if hs.shape != (T, self.n_hidden):
            raise ValueError(f"hs must have shape ({T}, {self.n_hidden}), got {hs.shape}")
        if dlogps.shape != (T,):
            raise ValueError(f"dlogps must have shape ({T},), got {dlogps.shape}")
        dW2 = hs.T @ dlogps  # (H,)
        dh = np.outer(dlogps, self.W2)  # (T, H)
        dh[hs <= 0] = 0.0  # ReLU passes gradient only where it was active
        dW1 = dh.T @ xs  # (H, D)
        dtype = self.W1.dtype
        return {"W1": dW1.astype(dtype, copy=False), "W2": dW2.astype(dtype, copy=False)}
