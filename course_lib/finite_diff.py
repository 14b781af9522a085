"""Central finite differences: the gradient oracle that needs no calculus (chapter 2).

Every gradient the book derives by hand is checked against this one, which only evaluates
the function:  df/dx_i ~ (f(x + dx e_i) - f(x - dx e_i)) / (2 dx).  The error of the
central difference is O(dx^2), so dx = 1e-5 gives about 10 correct digits for smooth f.
(The step is the book's Delta; `eps` would clash with RMSProp's constant and epsilon-greedy.)
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, as_real


def numerical_gradient(f, x, dx: float = 1e-5) -> np.ndarray:
    """The gradient of a scalar function `f` at `x` by central differences, shape x.shape.

    Args:
        f: a function that takes an array of x's shape and returns a number.
        x: the point, any shape.
        dx: the step Delta. Too large and curvature biases the result; too small and
            rounding error (about 1e-16 / dx) takes over.

    Example:
        >>> g = numerical_gradient(lambda x: (x**2).sum(), np.array([1.0, -2.0]))
        >>> np.round(g, 8)
        array([ 2., -4.])
    """
    return numerical_jacobian(lambda v: float(f(v)), x, dx)


def numerical_jacobian(f, x, dx: float = 1e-5) -> np.ndarray:
    """d f(x)[j] / d x[i] for an array-valued `f`, by central differences.

    Args:
        f: a function that takes an array of x's shape and returns an array (or a number).
        x: the point, any shape.
        dx: the step, as in `numerical_gradient`.

    Returns:
        shape f(x).shape + x.shape: entry [j, i] is the derivative of output j in input i.

    Example:
        >>> def f(v):
        ...     return np.array([v[0] * v[1], v[1] ** 2])
        >>> np.round(numerical_jacobian(f, np.array([2.0, 3.0])), 8)
        array([[3., 2.],
               [0., 6.]])
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    x = as_finite_array("x", x)
    dx = as_real("dx", dx)
    if dx <= 0.0:
        raise ValueError(f"dx must be positive, got {dx}")
    out_shape = np.shape(f(x))
    jac = np.empty(out_shape + x.shape)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = dx
        diff = np.asarray(f(x + step), dtype=float) - np.asarray(f(x - step), dtype=float)
        jac[(..., *i)] = diff / (2.0 * dx)
    return jac
