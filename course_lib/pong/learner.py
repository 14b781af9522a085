"""RMSProp with its step taken off the main thread: a device of the fast Pong trainer
(chapter 5).

Chapter 5's reference loop (`course_lib.pong.reference`) computes an update and applies it
before the next action. The fast trainer (`course_lib.pong.trainer`, `apply_delay` > 0)
computes the gradient and the RMSProp step in a second thread, on copies of the weights,
while the games go on with the current weights, and swaps the result in a fixed number of
rounds later. `DeferredRMSProp` is `course_lib.rmsprop.RMSProp` with the two methods that
needs; the maths is RMSProp's own `step`, run on copies, so the result is bit for bit the
same as `step` (tests/pong/test_learner.py).
"""

from __future__ import annotations

from course_lib.rmsprop import RMSProp


class DeferredRMSProp(RMSProp):
    """RMSProp whose step can be computed now (`stepped`) and put in place later (`adopt`).

    Example:
        >>> import numpy as np
        >>> theta = {"w": np.array([0.0])}
        >>> opt = DeferredRMSProp(theta, lr=0.1, decay=0.9)
        >>> params, cache = opt.stepped({"w": np.array([2.0])})
        >>> theta["w"], np.round(params["w"], 4)          # nothing moved yet
        (array([0.]), array([0.3162]))
        >>> opt.adopt(params, cache)
        >>> np.round(theta["w"], 4), opt.n_steps
        (array([0.3162]), 1)
    """

    def stepped(self, grads: dict) -> tuple[dict, dict]:
        """The parameters and caches one `step` later, as new arrays; changes nothing here.

        Example:
            >>> import numpy as np
            >>> from course_lib.rmsprop import RMSProp
            >>> grads = {"w": np.array([1.0, -2.0])}
            >>> opt = DeferredRMSProp({"w": np.zeros(2)}, lr=0.1, decay=0.9)
            >>> reference = RMSProp({"w": np.zeros(2)}, lr=0.1, decay=0.9)
            >>> params, cache = opt.stepped(grads); reference.step(grads)
            >>> bool(np.array_equal(params["w"], reference.params["w"])), opt.n_steps
            (True, 0)
        """
        shadow = RMSProp(
            {name: theta.copy(order="K") for name, theta in self.params.items()},
            lr=self.lr,
            decay=self.decay,
            eps=self.eps,
        )
        shadow.cache = {name: c.copy(order="K") for name, c in self.cache.items()}
        shadow.step(grads)
        return shadow.params, shadow.cache

    def adopt(self, params: dict, cache: dict) -> None:
        """Make the result of `stepped` the current state: swaps arrays in, copies nothing.

        The new arrays replace the old ones in the dict given at construction, so whoever
        reads the parameters through that dict (e.g. `TwoLayerPolicy.params`) sees them.

        Example:
            >>> import numpy as np
            >>> theta = {"w": np.zeros(1)}
            >>> opt = DeferredRMSProp(theta, lr=0.1)
            >>> params, cache = opt.stepped({"w": np.ones(1)})
            >>> opt.adopt(params, cache)
            >>> theta["w"] is params["w"], opt.n_steps            # swapped in, not copied
            (True, 1)
        """
        if set(params) != set(self.params) or set(cache) != set(self.cache):
            raise ValueError(f"params and cache must have the keys {sorted(self.params)}")
        self.params.update(params)
        self.cache = dict(cache)
        self.n_steps += 1
