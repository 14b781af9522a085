"""REINFORCE on a Bernoulli bandit: one run in plain Python, many runs at once in NumPy (chapter 3).

Every pull is a one-step episode, so R(tau) = r and the REINFORCE update is

    theta <- theta + alpha * (r - b) * grad_theta log pi_theta(a)
           = theta + alpha * (r - b) * (onehot(a) - pi_theta),

with a constant baseline b (0 unless said otherwise; chapter 6 is about better ones).

Both learners take their randomness as arrays of uniforms instead of a generator: u_act
picks the arm by inverse-CDF sampling and u_rew decides the pay-off (r = 1 when
u_rew < probs[a], the rule of `course_lib.bandit.env.BernoulliBandit`). Fed the same numbers,
the loop and the vectorised version pull the same arms, get the same rewards and end with
the same logits up to rounding, which the tests check.

The exact objective and its gradient are here too, as oracles:

    J(theta) = sum_a pi_theta(a) q_a,    grad J(theta) = pi_theta * (q - J(theta)),

where q_a = probs[a] is arm a's pay-off probability and * multiplies entry by entry (the
book's elementwise product).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib._validate import as_finite_array, as_real, check_int
from course_lib.bandit.env import check_arm_probs
from course_lib.softmax import check_logits, policy_probs, sample_from_uniform


@dataclass(frozen=True)
class BanditHistory:
    """What happened in one run of REINFORCE (or in many: then every field has a leading runs axis).

    Attributes:
        pi: the policy before every pull and after the last, shape (..., n_pulls + 1, k).
        act: the arms pulled, int64, shape (..., n_pulls).
        rew: the rewards received, shape (..., n_pulls).
        theta: the final logits, shape (..., k).

    Example:
        >>> hist = reinforce_loop([0.2, 0.8], alpha=0.5, u_act=[0.1, 0.9, 0.6], u_rew=[0.5] * 3)
        >>> hist.pi.shape, hist.act.shape, hist.rew.shape, hist.theta.shape
        ((4, 2), (3,), (3,), (2,))
        >>> bool(np.allclose(hist.pi[-1], policy_probs(hist.theta)))   # pi after the last pull
        True
    """

    pi: np.ndarray
    act: np.ndarray
    rew: np.ndarray
    theta: np.ndarray


def draw_uniforms(n_runs: int, n_steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniforms for `n_runs` runs of `n_steps` pulls: (u_act, u_rew), each (n_runs, n_steps).

    Example:
        >>> u_act, u_rew = draw_uniforms(3, 5, seed=0)
        >>> u_act.shape, bool(((0 <= u_rew) & (u_rew < 1)).all())
        ((3, 5), True)
    """
    n_runs, n_steps = check_int("n_runs", n_runs, low=1), check_int("n_steps", n_steps, low=1)
    rng = np.random.default_rng(seed)
    return rng.random((n_runs, n_steps)), rng.random((n_runs, n_steps))


def expected_reward(theta, probs) -> np.ndarray:
    """J(theta) = sum_a pi_theta(a) q_a, the mean reward of one pull, shape theta.shape[:-1].

    Example:
        >>> float(expected_reward([0.0, 0.0], [0.2, 0.8]))
        0.5
    """
    theta, probs = _check_theta_probs(theta, probs)
    return policy_probs(theta) @ probs


def exact_gradient(theta, probs) -> np.ndarray:
    """grad_theta J(theta) = pi * (q - J), shape theta.shape: the mean of the REINFORCE update.

    Arms that pay more than the policy's average are pushed up, the others down, each in
    proportion to how often the policy pulls it.

    Example:
        >>> exact_gradient([0.0, 0.0], [0.2, 0.8])
        array([-0.15,  0.15])
    """
    theta, probs = _check_theta_probs(theta, probs)
    pi = policy_probs(theta)  # (..., k)
    J = pi @ probs  # (...,)
    return pi * (probs - J[..., None])


def reinforce_loop(probs, alpha: float, u_act, u_rew, *, baseline: float = 0.0, theta0=None):
    """One run of REINFORCE on the bandit, written as a plain Python loop over pulls.

    Args:
        probs: the arms' pay-off probabilities, shape (k,).
        alpha: the step size, > 0.
        u_act: uniforms that pick the arm of every pull, shape (n_pulls,).
        u_rew: uniforms that decide every reward, shape (n_pulls,).
        baseline: the constant b subtracted from every reward.
        theta0: the starting logits, shape (k,); zeros (a uniform policy) by default.

    Returns:
        A `BanditHistory` with pi (n_pulls + 1, k), act (n_pulls,), rew (n_pulls,), theta (k,).

    Example:
        >>> hist = reinforce_loop([0.0, 1.0], alpha=1.0, u_act=[0.9], u_rew=[0.5])
        >>> int(hist.act[0]), float(hist.rew[0]), hist.theta   # arm 1 paid: its logit rises
        (1, 1.0, array([-0.5,  0.5]))
    """
    probs, alpha, baseline = _check_settings(probs, alpha, baseline)
    u_act, u_rew = _check_uniforms(u_act, u_rew, ndim=1)
    k = probs.size
    theta = _start(theta0, (k,)).tolist()
    probs = probs.tolist()

    pis, acts, rews = [], [], []
    for n in range(len(u_act)):  # pull n + 1, made with the logits theta^(n)
        # The policy: a softmax over the logits (minus their max, so exp cannot overflow).
        theta_max = max(theta)
        e = [math.exp(theta_a - theta_max) for theta_a in theta]
        e_sum = sum(e)
        pi = [e_a / e_sum for e_a in e]
        # Pull an arm: the first one whose cumulative probability exceeds the uniform.
        a, cum = 0, pi[0]
        while u_act[n] >= cum and a < k - 1:
            a += 1
            cum += pi[a]
        r = 1.0 if u_rew[n] < probs[a] else 0.0
        # The REINFORCE step: theta += alpha * (r - b) * (onehot(a) - pi).
        for a_prime in range(k):
            onehot = 1.0 if a_prime == a else 0.0
            theta[a_prime] += alpha * (r - baseline) * (onehot - pi[a_prime])
        pis.append(pi)
        acts.append(a)
        rews.append(r)

    theta = np.array(theta)
    pis.append(policy_probs(theta).tolist())
    return BanditHistory(
        pi=np.array(pis), act=np.array(acts, dtype=np.int64), rew=np.array(rews), theta=theta
    )


def reinforce_vectorised(probs, alpha: float, u_act, u_rew, *, baseline: float = 0.0, theta0=None):
    """`n_runs` independent runs of REINFORCE at once: the loop over runs becomes an array axis.

    Each run uses its own row of uniforms, so row `run` of the result is what
    `reinforce_loop` gives for u_act[run] and u_rew[run]. Only the loop over pulls is left in
    Python, because pull n + 1 needs the policy that pull n produced.

    Args:
        probs: the arms' pay-off probabilities, shape (k,).
        alpha: the step size, > 0.
        u_act, u_rew: uniforms, each shape (n_runs, n_pulls).
        baseline: the constant b subtracted from every reward.
        theta0: the starting logits, shape (k,) or (n_runs, k); zeros by default.

    Returns:
        A `BanditHistory` with pi (n_runs, n_pulls + 1, k), act and rew (n_runs, n_pulls),
        theta (n_runs, k).

    Example:
        >>> hist = reinforce_vectorised([0.0, 1.0], 1.0, [[0.9], [0.1]], [[0.5], [0.5]])
        >>> hist.act, hist.theta          # run 0 pulled the good arm, run 1 the one that never pays
        (array([[1],
               [0]]), array([[-0.5,  0.5],
               [ 0. ,  0. ]]))
    """
    probs, alpha, baseline = _check_settings(probs, alpha, baseline)
    u_act, u_rew = _check_uniforms(u_act, u_rew, ndim=2)
    n_runs, n_steps = u_act.shape
    k = probs.size
    theta = np.broadcast_to(_start(theta0, (n_runs, k), allow=(k,)), (n_runs, k)).copy()

    pis = np.empty((n_runs, n_steps + 1, k))
    act = np.empty((n_runs, n_steps), dtype=np.int64)
    rew = np.empty((n_runs, n_steps))
    runs = np.arange(n_runs)
    for n in range(n_steps):
        pi = policy_probs(theta)  # (n_runs, k)
        a = sample_from_uniform(pi, u_act[:, n])  # (n_runs,)
        r = (u_rew[:, n] < probs[a]).astype(np.float64)  # (n_runs,)
        score = -pi
        score[runs, a] += 1.0  # (n_runs, k): onehot(a) - pi, row by row
        theta += alpha * (r - baseline)[:, None] * score
        pis[:, n], act[:, n], rew[:, n] = pi, a, r
    pis[:, n_steps] = policy_probs(theta)
    return BanditHistory(pi=pis, act=act, rew=rew, theta=theta)


def prefers_wrong_arm(pi, probs) -> np.ndarray:
    """Whether the policy favours a wrong arm: some arm gets more probability than every best arm.

    The one rule the book uses for "a run on a wrong arm", in chapter 3's tables and in its
    widget. A tie is not wrong: the uniform policy at the start, which gives the best arm as
    much probability as any other, does not favour a wrong arm. When several arms share the
    highest pay-off, favouring any of them is right.

    Args:
        pi: policies, shape (..., k).
        probs: the arms' pay-off probabilities q_a, shape (k,).

    Returns:
        A bool array of shape pi.shape[:-1].

    Example:
        >>> prefers_wrong_arm([[0.6, 0.4], [0.5, 0.5], [0.3, 0.7]], [0.2, 0.8])
        array([ True, False, False])
    """
    pi = as_finite_array("pi", pi)
    probs = check_arm_probs(probs)
    if pi.ndim < 1 or pi.shape[-1] != probs.size:
        raise ValueError(
            f"pi must have shape (..., {probs.size}), one probability per arm, got {pi.shape}"
        )
    best = probs == probs.max()  # (k,): every arm with the highest pay-off
    return pi[..., best].max(axis=-1) < pi.max(axis=-1)


# --- argument checks ------------------------------------------------------------------------


def _check_theta_probs(theta, probs) -> tuple[np.ndarray, np.ndarray]:
    theta, probs = check_logits(theta), check_arm_probs(probs)
    if theta.shape[-1] != probs.size:
        raise ValueError(
            f"theta has {theta.shape[-1]} logits but probs has {probs.size} arms: they must match"
        )
    return theta, probs


def _check_settings(probs, alpha, baseline) -> tuple[np.ndarray, float, float]:
    probs = check_arm_probs(probs)
    alpha = as_real("alpha", alpha)
    if alpha <= 0.0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    return probs, alpha, as_real("baseline", baseline)


def _check_uniforms(u_act, u_rew, *, ndim: int) -> tuple[np.ndarray, np.ndarray]:
    shape = "(n_pulls,)" if ndim == 1 else "(n_runs, n_pulls)"
    u_act = as_finite_array("u_act", u_act)
    u_rew = as_finite_array("u_rew", u_rew)
    for name, u in (("u_act", u_act), ("u_rew", u_rew)):
        if u.ndim != ndim:
            raise ValueError(f"{name} must have shape {shape}, got {u.shape}")
        if u.size and (u.min() < 0.0 or u.max() >= 1.0):
            raise ValueError(f"{name} must hold uniforms in [0, 1), got values outside it")
    if u_act.shape != u_rew.shape:
        raise ValueError(
            f"u_act and u_rew must have the same shape, got {u_act.shape} and {u_rew.shape}"
        )
    return u_act, u_rew


def _start(theta0, shape: tuple[int, ...], allow: tuple[int, ...] | None = None) -> np.ndarray:
    if theta0 is None:
        return np.zeros(shape)
    theta0 = as_finite_array("theta0", theta0)
    if theta0.shape != shape and theta0.shape != allow:
        want = f"{shape}" + (f" or {allow}" if allow else "")
        raise ValueError(f"theta0 must have shape {want}, got {theta0.shape}")
    return theta0
