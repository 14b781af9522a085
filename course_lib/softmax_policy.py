"""A tabular softmax policy and its score (chapter 2; reused in chapter 3).

The parameters are one row of logits per state, theta of shape (n_states, n_actions), and

    pi_theta(a | s) = exp(theta[s, a]) / sum_b exp(theta[s, b]).

Its score has a closed form: d log pi(a | s) / d theta[s', b] = [s' = s] * ([b = a] - pi(b | s)).
Only the row of the state that was visited moves; in that row the action taken is pushed
up by 1 - pi(a | s) and every other action down by its own probability.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array


def as_index_array(name: str, x, upper: int) -> np.ndarray:
    """`x` as an int64 array of indices in [0, upper), or an error that names `name`.

    Example:
        >>> as_index_array("obs", [0, 2, 1], upper=3)
        array([0, 2, 1])
        >>> as_index_array("obs", [0.0, 1.0], upper=3)
        Traceback (most recent call last):
        ...
        TypeError: obs must hold integers (state or action indices), got dtype float64
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(
            f"{name} must be an integer or an array of integers, got {type(x).__name__}"
        )
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integers (state or action indices), got dtype {arr.dtype}"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= upper):
        raise ValueError(
            f"{name} must lie in [0, {upper}), got values from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)


def check_theta(theta) -> np.ndarray:
    """`theta` as a finite float64 array of shape (n_states, n_actions), with n_actions >= 1.

    Example:
        >>> check_theta(np.zeros((3, 2))).shape          # 3 states, 2 actions
        (3, 2)
        >>> check_theta([0.0, 1.0])
        Traceback (most recent call last):
        ...
        ValueError: theta must be 2-D, got an array of shape (2,)
    """
    theta = as_finite_array("theta", theta, ndim=2)
    if theta.shape[0] < 1 or theta.shape[1] < 1:
        raise ValueError(
            f"theta must have at least one state and one action, got shape {theta.shape}"
        )
    return theta


def softmax(logits, axis: int = -1) -> np.ndarray:
    """exp(logits) normalised to sum to 1 along `axis`, same shape, float64.

    Example:
        >>> softmax([0.0, np.log(3.0)])
        array([0.25, 0.75])
    """
    logits = as_finite_array("logits", logits)
    # softmax is shift-invariant; subtracting the max keeps exp() from overflowing.
    z = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def action_probs(theta) -> np.ndarray:
    """pi_theta(a | s) for every state and action, shape (n_states, n_actions).

    Example:
        >>> action_probs(np.array([[0.0, 0.0], [0.0, np.log(3.0)]]))
        array([[0.5 , 0.5 ],
               [0.25, 0.75]])
    """
    return softmax(check_theta(theta), axis=1)


def log_prob(theta, obs, act) -> np.ndarray:
    """log pi_theta(act | obs), elementwise over `obs` and `act` (same shape), float64.

    Example:
        >>> theta = np.array([[0.0, np.log(3.0)]])
        >>> np.exp(log_prob(theta, obs=[0, 0], act=[0, 1]))
        array([0.25, 0.75])
    """
    theta = check_theta(theta)
    obs, act = _check_obs_act(theta, obs, act)
    logits = theta[obs]  # obs.shape + (n_actions,)
    m = logits.max(axis=-1)
    log_norm = m + np.log(np.exp(logits - m[..., None]).sum(axis=-1))  # a stable log-sum-exp
    return np.take_along_axis(logits, act[..., None], axis=-1)[..., 0] - log_norm


def grad_log_prob(theta, obs, act) -> np.ndarray:
    """The score  grad_theta log pi_theta(act | obs),  shape obs.shape + theta.shape.

    Each entry is a whole gradient with theta's shape: zero outside row `obs`, and
    onehot(act) - pi(. | obs) in that row.

    Example:
        >>> theta = np.zeros((2, 2))               # both states: pi = (0.5, 0.5)
        >>> grad_log_prob(theta, obs=1, act=0)
        array([[ 0. ,  0. ],
               [ 0.5, -0.5]])
    """
    theta = check_theta(theta)
    obs, act = _check_obs_act(theta, obs, act)
    n_states, n_actions = theta.shape
    pi = action_probs(theta)
    flat_obs, flat_act = obs.ravel(), act.ravel()
    rows = np.eye(n_actions)[flat_act] - pi[flat_obs]  # (M, n_actions)
    score = np.zeros((flat_obs.size, n_states, n_actions))
    score[np.arange(flat_obs.size), flat_obs] = rows
    return score.reshape(obs.shape + theta.shape)


def sample_actions(theta, obs, rng: np.random.Generator) -> np.ndarray:
    """One action a ~ pi_theta(. | s) for every state in `obs`, shape obs.shape, int64.

    Example:
        >>> theta = np.array([[0.0, 50.0]])       # action 1 is all but certain
        >>> sample_actions(theta, obs=[0, 0, 0], rng=np.random.default_rng(0))
        array([1, 1, 1])
    """
    theta = check_theta(theta)
    obs = as_index_array("obs", obs, theta.shape[0])
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    cdf = np.cumsum(action_probs(theta)[obs], axis=-1)  # obs.shape + (n_actions,)
    u = rng.random(obs.shape)
    # Inverse-CDF sampling: the action is the number of cumulative probabilities below u.
    # The clip guards against a last cdf entry that rounds to just under 1.
    return np.minimum((u[..., None] >= cdf).sum(axis=-1), theta.shape[1] - 1)


def _check_obs_act(theta: np.ndarray, obs, act) -> tuple[np.ndarray, np.ndarray]:
    obs = as_index_array("obs", obs, theta.shape[0])
    act = as_index_array("act", act, theta.shape[1])
    if obs.shape != act.shape:
        raise ValueError(f"obs and act must have the same shape, got {obs.shape} and {act.shape}")
    return obs, act
