"""A one-step problem with a continuous action: hit a target a* (chapter 2).

The agent picks a real number a and receives r(a) = -(a - a*)^2. Under the Gaussian policy
a ~ N(mu, sigma^2), the expected reward has a closed form, because E[(a - a*)^2] is the
squared bias plus the variance:

    J(mu, log sigma) = -((mu - a*)^2 + sigma^2),
    dJ / d mu        = -2 (mu - a*),
    dJ / d log sigma = -2 sigma^2        (d sigma^2 / d log sigma = 2 sigma^2).

So the score-function estimate, which only sees sampled actions and their rewards, can be
compared with the exact gradient. An episode is a single step, so R(tau) = r(a).
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_finite_array, as_real, check_int
from course_lib.gaussian_policy import check_theta, grad_log_prob, sample_actions


def reward(act, a_star: float) -> np.ndarray:
    """r(a) = -(a - a*)^2, elementwise, shape act.shape.

    Example:
        >>> reward([0.0, 1.0, 3.0], a_star=1.0)
        array([-1., -0., -4.])
    """
    act = as_finite_array("act", act)
    a_star = as_real("a_star", a_star)
    return -((act - a_star) ** 2)


def expected_reward(theta, a_star: float) -> float:
    """J(theta) = E[r(a)] = -((mu - a*)^2 + sigma^2) for theta = (mu, log sigma).

    Example:
        >>> expected_reward([1.0, 0.0], a_star=3.0)    # bias 2, sigma 1: -(4 + 1)
        -5.0
    """
    mu, log_std = check_theta(theta)
    a_star = as_real("a_star", a_star)
    return float(-((mu - a_star) ** 2) - np.exp(2.0 * log_std))


def exact_gradient(theta, a_star: float) -> np.ndarray:
    """grad J = (-2 (mu - a*), -2 sigma^2), shape (2,).

    Example:
        >>> exact_gradient([1.0, 0.0], a_star=3.0)
        array([ 4., -2.])
    """
    mu, log_std = check_theta(theta)
    a_star = as_real("a_star", a_star)
    return np.array([-2.0 * (mu - a_star), -2.0 * np.exp(2.0 * log_std)])


def gradient_estimate(theta, act, rew) -> np.ndarray:
    """The score-function estimate (1/N) sum_i r_i grad log pi_theta(a_i), shape (2,).

    Args:
        theta: (mu, log sigma), shape (2,).
        act: the N sampled actions, shape (N,).
        rew: the reward each one received, shape (N,).

    Example:
        >>> gradient_estimate([0.0, 0.0], act=[1.0, -1.0], rew=[1.0, 0.0])   # score of a=1: (1, 0)
        array([0.5, 0. ])
    """
    theta = check_theta(theta)
    act = as_finite_array("act", act, ndim=1)
    rew = as_finite_array("rew", rew, ndim=1)
    if act.shape != rew.shape or act.size == 0:
        raise ValueError(
            "act and rew must have the same shape (N,) with N >= 1, got "
            f"{act.shape} and {rew.shape}"
        )
    return rew @ grad_log_prob(theta, act) / act.size  # (N,) @ (N, 2) -> (2,)


def gradient_ascent(theta0, a_star: float, alpha: float, n_steps: int, n_samples: int, rng):
    """Follow the sampled gradient uphill: theta <- theta + alpha g_hat, `n_steps` times.

    Each step draws `n_samples` fresh actions from the current policy; nothing but the
    actions and their rewards is used, never the closed form above.

    Returns:
        the parameters before every step and after the last, shape (n_steps + 1, 2).

    Example:
        >>> hist = gradient_ascent([0.0, 0.0], 2.0, 0.05, 50, 200, np.random.default_rng(0))
        >>> hist.shape, bool(abs(hist[-1, 0] - 2.0) < abs(hist[0, 0] - 2.0))
        ((51, 2), True)
    """
    theta = check_theta(theta0).copy()
    a_star = as_real("a_star", a_star)
    alpha = as_real("alpha", alpha)
    if alpha <= 0.0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    n_steps = check_int("n_steps", n_steps, low=0)
    n_samples = check_int("n_samples", n_samples, low=1)
    history = [theta.copy()]
    for _ in range(n_steps):
        act = sample_actions(theta, n_samples, rng)
        theta = theta + alpha * gradient_estimate(theta, act, reward(act, a_star))
        history.append(theta.copy())
    return np.array(history)
