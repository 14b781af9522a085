"""Checkers for the exercises of chapter 2, the log-derivative trick.

Each checker takes your answer (an array, a number or a function) and returns a
`Feedback`; none of them raises, whatever it is given.
"""

from __future__ import annotations

import numpy as np

from course_lib import exercises as ex
from course_lib import gaussian_policy, softmax_policy
from course_lib.score_function import score_function_estimate

# --- Exercise: the score of a softmax policy -----------------------------------------------

# pi(. | s=1) = (1, 2, 5) / 8, so the arithmetic can be done by hand.
SCORE_THETA = np.array([[1.0, -1.0, 0.0], [0.0, np.log(2.0), np.log(5.0)]])
SCORE_STATE = 1
SCORE_ACTION = 1


@ex.checker
def check_softmax_score(answer):
    """`answer`: grad_theta log pi(SCORE_ACTION | SCORE_STATE) for SCORE_THETA, shape (2, 3).

    Example:
        >>> check_softmax_score([[0, 0, 0], [-1 / 8, 6 / 8, -5 / 8]])  # doctest: +ELLIPSIS
        ✔ Correct: the score is [-0.125,  0.75 , -0.625] in row 1 and zero elsewhere. ...
        >>> check_softmax_score([[0, 0, 0], [1 / 8, -6 / 8, 5 / 8]])
        ✘ Not yet: every sign is flipped: the score is onehot(a) - pi, not pi - onehot(a).
    """
    want = softmax_policy.grad_log_prob(SCORE_THETA, SCORE_STATE, SCORE_ACTION)
    row = want[SCORE_STATE]
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.shape == row.shape and ex.close(arr, row):
        raise ex.Wrong(
            f"that is the right row, but the score has theta's shape {SCORE_THETA.shape}: put "
            f"it in row {SCORE_STATE} and zeros in the other row."
        )
    got = ex.as_array(answer, "the score", shape=SCORE_THETA.shape)
    pi = softmax_policy.action_probs(SCORE_THETA)[SCORE_STATE]
    mine, other = got[SCORE_STATE], got[1 - SCORE_STATE]
    row_0 = softmax_policy.grad_log_prob(SCORE_THETA, 0, SCORE_ACTION)[0]
    return ex.judge(
        got,
        want,
        correct=f"the score is {ex.fmt(row)} in row {SCORE_STATE} and zero elsewhere. Its row sums "
        "to 0, as the expected grad-log-prob lemma requires of every single state's score.",
        mistakes=[
            (-want, "every sign is flipped: the score is onehot(a) - pi, not pi - onehot(a)."),
            (
                ex.close(mine, row) and not ex.close(other, 0.0),
                f"row {SCORE_STATE} is right; row {1 - SCORE_STATE} must be zero, because "
                f"log pi(a | s={SCORE_STATE}) does not depend on the logits of another state.",
            ),
            (
                ex.close(mine, np.eye(3)[SCORE_ACTION]),
                "you wrote onehot(a) only: subtract pi(. | s) = " + ex.fmt(pi) + " from it.",
            ),
            (
                ex.close(mine, pi),
                "that row is pi(. | s) itself; the score is onehot(a) - pi(. | s).",
            ),
            (
                ex.close(other, row_0),
                f"you used state 0's row; the action was taken in state {SCORE_STATE}.",
            ),
        ],
        otherwise=f"in row s = {SCORE_STATE} the score is onehot(a) - pi(. | s), with "
        f"pi(. | s) = softmax(theta[s]) = {ex.fmt(pi)}; every other row is zero.",
    )


# --- Exercise: an estimate from a tiny batch, by hand --------------------------------------

# Two trajectories of T = 2 steps under the uniform policy, where every score is +-1/2.
BATCH_THETA = np.zeros((2, 2))
BATCH_OBS = np.array([[0, 1], [0, 0]])
BATCH_ACT = np.array([[1, 1], [0, 0]])
BATCH_REW = np.array([[0.0, 2.0], [2.0, 0.0]])
BATCH_GAMMA = 0.5


@ex.checker
def check_batch_estimate(answer):
    """`answer`: g_hat for the batch BATCH_OBS / BATCH_ACT / BATCH_REW, shape (2, 2).

    Example:
        >>> check_batch_estimate([[0.75, -0.75], [-0.25, 0.25]])  # doctest: +ELLIPSIS
        ✔ Correct: g_hat = [[ 0.75, -0.75],
         [-0.25,  0.25]]. The returns are R = [1., 2.]; ...
        >>> check_batch_estimate([[1.5, -1.5], [-0.5, 0.5]])
        ✘ Not yet: this is N = 2 times too large: average over the trajectories.
    """
    data = (BATCH_THETA, BATCH_OBS, BATCH_ACT, BATCH_REW)
    got = ex.as_array(answer, "the estimate g_hat", shape=BATCH_THETA.shape)
    want = score_function_estimate(*data, BATCH_GAMMA)
    n = BATCH_OBS.shape[0]
    returns = BATCH_REW @ BATCH_GAMMA ** np.arange(BATCH_REW.shape[1])
    return ex.judge(
        got,
        want,
        correct=f"g_hat = {ex.fmt(want)}. The returns are R = {ex.fmt(returns)}; each trajectory's "
        "score sum is weighted by its own return, then the N = 2 products are averaged.",
        mistakes=[
            (-want, "every sign is flipped: the score is onehot(a) - pi, not pi - onehot(a)."),
            (n * want, f"this is N = {n} times too large: average over the trajectories."),
            (
                score_function_estimate(*data, 1.0),
                f"you did not discount: R(tau) = r_0 + gamma r_1 with gamma = {BATCH_GAMMA}.",
            ),
            (
                score_function_estimate(*data, BATCH_GAMMA, reward_to_go=True),
                "this is the reward-to-go estimate (also unbiased, previewed at the end of the "
                "chapter); the exercise asks for the plain one, every score weighted by R(tau).",
            ),
            (
                want / BATCH_OBS.shape[1],
                "divide by N only: the scores of the T steps are summed, not averaged.",
            ),
        ],
        otherwise=f"with pi = (1/2, 1/2) each score row is +-1/2. The returns are R = "
        f"{ex.fmt(returns)}; add up each trajectory's scores, multiply by its R, and average "
        "the two.",
    )


# --- Exercise: your own score_function_estimate --------------------------------------------


def _estimate_cases() -> list[tuple[str, tuple]]:
    """Batches to test a learner's estimator on: (description, (theta, obs, act, rew, gamma))."""
    rng = np.random.default_rng(2)
    cases = [
        (
            "the batch of the previous exercise",
            (BATCH_THETA, BATCH_OBS, BATCH_ACT, BATCH_REW, BATCH_GAMMA),
        )
    ]
    for what, n, horizon, n_states, n_actions, gamma in [
        ("one trajectory of one step", 1, 1, 1, 2, 0.9),
        ("5 trajectories of 3 steps, 2 states, 2 actions", 5, 3, 2, 2, 0.9),
        ("4 trajectories of 6 steps, 3 states, 4 actions", 4, 6, 3, 4, 0.8),
        ("50 trajectories of 10 steps, gamma = 1", 50, 10, 2, 3, 1.0),
    ]:
        theta = rng.normal(size=(n_states, n_actions))
        obs = rng.integers(n_states, size=(n, horizon))
        act = rng.integers(n_actions, size=(n, horizon))
        rew = rng.normal(size=(n, horizon)).round(2)
        cases.append((what, (theta, obs, act, rew, gamma)))
    return cases


def _estimate_dropping_repeats(theta, obs, act, rew, gamma) -> np.ndarray:
    """The estimate as written with ``g[obs[:, t]] += ...``, the common duplicate-index bug.

    With fancy indexing, ``g[idx] += x`` reads, adds and writes back once per distinct index,
    so when several trajectories are in the same state at step t only one of them counts.
    """
    theta = np.asarray(theta, dtype=float)
    obs, act, rew = np.asarray(obs), np.asarray(act), np.asarray(rew, dtype=float)
    n, horizon = rew.shape
    R = rew @ gamma ** np.arange(horizon)  # (N,): the discounted R(tau^i)
    pi = softmax_policy.action_probs(theta)  # (n_states, n_actions)
    g = np.zeros_like(theta)
    for t in range(horizon):
        score_t = np.eye(theta.shape[1])[act[:, t]] - pi[obs[:, t]]  # (N, n_actions)
        g[obs[:, t]] += R[:, None] * score_t  # the bug: repeated states count once
    return g / n


@ex.checker
def check_score_function_estimate(estimate):
    """`estimate(theta, obs, act, rew, gamma)`: the plain estimate g_hat, shape theta.shape.

    Example:
        >>> check_score_function_estimate(score_function_estimate)
        ✔ Correct: your estimator agrees with course_lib's on 5 batches.
        >>> check_score_function_estimate(lambda *batch: 2 * score_function_estimate(*batch))
        ✘ Not yet: on the batch of the previous exercise you got [[ 1.5, -1.5],
         [-0.5,  0.5]], expected [[ 0.75, -0.75],
         [-0.25,  0.25]]: it is N = 2 times too large: average over trajectories, don't sum.
    """
    ex.need_function(
        estimate, "your estimator function", call="check_score_function_estimate(my_estimate)"
    )
    cases = _estimate_cases()
    for what, args in cases:
        out, changed = ex.call_on_copies(
            estimate,
            *args,
            what="your function",
            none=f"your function returned None on {what}: make it return g_hat "
            "(replace the ... in its body, and check that it ends with `return`).",
        )
        theta, obs, act, rew, gamma = args
        got = ex.as_array(out, f"the result on {what}", shape=theta.shape)
        if changed:
            raise ex.Wrong(
                f"on {what}, your function changed an array it was given: work on new arrays "
                "so the caller's data stays intact."
            )
        want = score_function_estimate(theta, obs, act, rew, gamma)
        if ex.close(got, want):
            continue
        n, horizon = obs.shape
        hint = ex.diagnose(
            got,
            [
                (-want, "every sign is flipped: the score is onehot(a) - pi, not pi - onehot(a)."),
                (
                    _estimate_dropping_repeats(theta, obs, act, rew, gamma),
                    "this is what g[obs[:, t]] += ... gives: when several trajectories are in "
                    "the same state at step t, that line adds only one of them, because "
                    "fancy-index assignment writes each repeated index once. Use "
                    "np.add.at(g, obs[:, t], ...), which adds every one.",
                ),
                (
                    n > 1 and ex.close(got, n * want),
                    f"it is N = {n} times too large: average over trajectories, don't sum.",
                ),
                (
                    horizon > 1 and ex.close(got, want / horizon),
                    "it is T times too small: sum the scores over the steps, average over N only.",
                ),
                (
                    gamma != 1.0
                    and ex.close(got, score_function_estimate(theta, obs, act, rew, 1.0)),
                    "gamma is missing: R(tau) = sum_t gamma^t r_t.",
                ),
                (
                    score_function_estimate(theta, obs, act, rew, gamma, reward_to_go=True),
                    "this is the reward-to-go estimate; weight every step's score by R(tau).",
                ),
            ],
            "for each trajectory, sum grad log pi(a_t | s_t) over t (the row s_t gets "
            "onehot(a_t) - pi(. | s_t)), multiply by R(tau), then average over trajectories.",
        )
        raise ex.Wrong(f"on {what} you got {ex.fmt(got)}, expected {ex.fmt(want)}: {hint}")
    return ex.right(f"your estimator agrees with course_lib's on {len(cases)} batches.")


# --- Exercise: the Gaussian score in mu -----------------------------------------------------

GAUSS_MU = 1.0
GAUSS_STD = 0.5
GAUSS_ACT = 2.0


@ex.checker
def check_gaussian_score_mu(answer):
    """`answer`: d/d mu log N(GAUSS_ACT; GAUSS_MU, GAUSS_STD^2), a number.

    Example:
        >>> check_gaussian_score_mu(4.0)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: (a - mu) / sigma^2 = 1 / 0.25 = 4: positive, so raising mu makes this action
        (which lies above mu) more likely.
        >>> check_gaussian_score_mu(2.0)
        ✘ Not yet: that is (a - mu) / sigma = z: divide by sigma once more.
    """
    got = ex.as_number(answer, "d log pi / d mu")
    theta = [GAUSS_MU, np.log(GAUSS_STD)]
    want, d_log_std = gaussian_policy.grad_log_prob(theta, GAUSS_ACT)
    diff = GAUSS_ACT - GAUSS_MU
    return ex.judge(
        got,
        want,
        correct=f"(a - mu) / sigma^2 = {diff:g} / {GAUSS_STD**2:g} = {want:g}: positive, so "
        "raising mu makes this action (which lies above mu) more likely.",
        mistakes=[
            (-want, "the sign is flipped: differentiate -(a - mu)^2 / (2 sigma^2) in mu."),
            (diff / GAUSS_STD, "that is (a - mu) / sigma = z: divide by sigma once more."),
            (diff, "sigma is missing: the log-density has (a - mu)^2 / (2 sigma^2)."),
            (d_log_std, "that is the derivative in log sigma, z^2 - 1; the exercise asks for mu."),
        ],
        otherwise="log pi(a) = -(a - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2; only the "
        "first term depends on mu.",
    )
