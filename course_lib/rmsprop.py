"""RMSProp written out by hand, for gradient ASCENT on a dict of NumPy arrays (chapter 4).

Chapter 4 (CartPole) introduces it; chapter 5 (Pong) uses it as Karpathy's 2016 program does.
For every parameter array theta with gradient estimate g (chapter 4's nu, beta, alpha, xi):

    cache <- decay * cache + (1 - decay) * g**2           nu, running mean of the squared gradient
    theta <- theta + lr * g / (sqrt(cache) + eps)          a step UP the objective

Dividing by sqrt(cache) makes the step independent of the scale of the gradient: pixels that
rarely change (small gradients) move as fast as busy ones. It is not a step of `lr`: the cache
starts at 0, so with a steady gradient the n-th step is lr / sqrt(1 - decay**n) (10 lr at the
first step with decay 0.99, 2.6 lr at the 16th, about lr only after a few hundred steps). Adam
divides its running means by (1 - decay**k) to remove this warm-up; RMSProp, here and in
torch.optim.RMSprop (whose `alpha` is this `decay`), does not.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_real


class RMSProp:
    """RMSProp ascent on `params`, a dict of arrays updated in place by `step`.

    Args:
        params: {name: array}; the optimiser keeps one cache array per name.
        lr: the step size alpha, > 0.
        decay: the weight of the old cache in the running mean, in [0, 1).
        eps: added to sqrt(cache) so that a zero cache does not divide by zero, > 0.

    Example:
        >>> theta = {"w": np.array([0.0])}
        >>> opt = RMSProp(theta, lr=0.1, decay=0.9)
        >>> opt.step({"w": np.array([2.0])})            # cache = 0.1 * 4 = 0.4
        >>> np.round(theta["w"], 4)                        # 0.1 * 2 / sqrt(0.4)
        array([0.3162])
    """

    def __init__(self, params: dict, *, lr: float, decay: float = 0.99, eps: float = 1e-5):
        if not isinstance(params, dict) or not params:
            raise TypeError("params must be a non-empty dict of NumPy arrays")
        for name, value in params.items():
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise TypeError(f"params[{name!r}] must be a floating-point NumPy array")
        self.params = params
        self.lr = as_real("lr", lr)
        self.decay = as_real("decay", decay)
        self.eps = as_real("eps", eps)
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if not 0.0 <= self.decay < 1.0:
            raise ValueError(f"decay must lie in [0, 1), got {self.decay}")
        if self.eps <= 0:
            raise ValueError(f"eps must be positive, got {self.eps}")
        # zeros_like keeps each parameter's dtype and memory order (C or Fortran).
        self.cache = {name: np.zeros_like(value) for name, value in params.items()}
        self.n_steps = 0

    def step(self, grads: dict) -> None:
        """Move every parameter one RMSProp step along its gradient (ascent), in place.

        Example:
            >>> theta = {"w": np.zeros(2)}
            >>> opt = RMSProp(theta, lr=0.01)
            >>> for _ in range(3):
            ...     opt.step({"w": np.array([1.0, -100.0])})
            >>> np.round(theta["w"], 4)             # the same size of step, whatever |g|
            array([ 0.2289, -0.2289])
            >>> opt.n_steps
            3
        """
        if set(grads) != set(self.params):
            raise ValueError(f"grads must have the keys {sorted(self.params)}, got {sorted(grads)}")
        for name, theta in self.params.items():
            g = np.asarray(grads[name], dtype=theta.dtype)
            if g.shape != theta.shape:
                raise ValueError(f"grads[{name!r}] must have shape {theta.shape}, got {g.shape}")
            cache = self.cache[name]
            # In place: no new arrays for the 1.3M weights of the Pong network.
            cache *= self.decay
            cache += (1.0 - self.decay) * (g * g)  # nu <- beta nu + (1 - beta) g^2
            denom = np.sqrt(cache)
            denom += self.eps
            theta += self.lr * g / denom  # theta <- theta + alpha g / (sqrt(nu) + xi)
        self.n_steps += 1

    def state_dict(self) -> dict[str, np.ndarray]:
        """Everything `load_state_dict` needs, as plain arrays (fit for `np.savez`).

        Example:
            >>> opt = RMSProp({"w": np.zeros(3)}, lr=0.1)
            >>> sorted(opt.state_dict())
            ['cache/w', 'hyper', 'n_steps']
        """
        state = {f"cache/{name}": cache for name, cache in self.cache.items()}
        state["n_steps"] = np.array(self.n_steps, dtype=np.int64)
        state["hyper"] = np.array([self.lr, self.decay, self.eps], dtype=np.float64)
        return state

    def load_state_dict(self, state) -> None:
        """Restore the caches and step count saved by `state_dict` (copied into place).

        Example:
            >>> a = RMSProp({"w": np.zeros(2)}, lr=0.1)
            >>> a.step({"w": np.array([1.0, 2.0])})
            >>> b = RMSProp({"w": np.zeros(2)}, lr=0.5)
            >>> b.load_state_dict(a.state_dict())
            >>> bool(np.array_equal(b.cache["w"], a.cache["w"])), b.n_steps, b.lr
            (True, 1, 0.1)
        """
        for name, cache in self.cache.items():
            key = f"cache/{name}"
            if key not in state:
                raise KeyError(f"state has no {key!r}")
            saved = np.asarray(state[key])
            if saved.shape != cache.shape:
                raise ValueError(f"state[{key!r}] has shape {saved.shape}, expected {cache.shape}")
            cache[...] = saved
        self.n_steps = int(state["n_steps"])
        self.lr, self.decay, self.eps = (float(v) for v in np.asarray(state["hyper"]))
