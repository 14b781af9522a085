"""Checkers for the exercises of chapter 3, REINFORCE on a multi-armed bandit.

Each checker takes your answer (an array or a function) and returns a `Feedback`; none of
them raises, whatever it is given.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from course_lib import exercises as ex
from course_lib.bandit.reinforce import exact_gradient
from course_lib.softmax import policy_probs, score

# --- Exercise: the score by hand -------------------------------------------------------------

# exp(theta) = (1, 3, 4), so pi = (1/8, 3/8, 4/8): fractions you can work with on paper.
# (Chapter 2's exercise uses (1, 2, 5) and action 1; this one is a different case.)
HAND_THETA = (0.0, float(np.log(3.0)), float(np.log(4.0)))
HAND_ACT = 0


@ex.checker
def check_score_by_hand(answer):
    """`answer`: grad_theta log pi_theta(HAND_ACT) at theta = HAND_THETA, shape (3,).

    Example:
        >>> check_score_by_hand([7 / 8, -3 / 8, -1 / 2])  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: the score is onehot(0) - pi = [0.875, -0.375, -0.5]: arm 0 is pushed up by
        1 - pi(0) = 7/8, the others down by their own probability, and the entries add up to
        zero.
        >>> check_score_by_hand([1 / 8, 3 / 8, 1 / 2])
        ✘ Not yet: these are the probabilities pi; the score is onehot(a) minus them.
    """
    got = ex.as_array(answer, "the score, one number per logit", shape=(3,))
    pi = policy_probs(HAND_THETA)
    onehot = np.eye(3)[HAND_ACT]
    want = onehot - pi
    up = Fraction(float(want[HAND_ACT])).limit_denominator(64)
    return ex.judge(
        got,
        want,
        correct=f"the score is onehot({HAND_ACT}) - pi = {np.round(want, 4).tolist()}: arm "
        f"{HAND_ACT} is pushed up by 1 - pi({HAND_ACT}) = {up}, the others down by their own "
        "probability, and the entries add up to zero.",
        mistakes=[
            (-want, "the sign is flipped: the arm that was pulled gets +(1 - pi(a)), not -(...)."),
            (pi, "these are the probabilities pi; the score is onehot(a) minus them."),
            (
                onehot,
                "that is onehot(a) alone; subtract the gradient of log sum_b exp(theta_b), "
                "which is pi.",
            ),
            (
                ex.close(got, want, rtol=0.0, atol=0.01),
                "nearly: these look rounded. Enter exact fractions, e.g. -3/8 rather than -0.38.",
            ),
            (
                onehot - np.array(HAND_THETA),
                "you subtracted the logits theta; subtract the probabilities pi = softmax(theta).",
            ),
            (
                not ex.close(got.sum(), 0.0),
                f"the entries add up to {got.sum():g}, but a score of a softmax always adds up "
                "to 0: adding a constant to every logit does not change the policy.",
            ),
        ],
        otherwise="first compute pi = exp(theta) / sum exp(theta) (here exp(theta) = (1, 3, 4)); "
        f"the score is then onehot({HAND_ACT}) - pi.",
    )


# --- Exercise: your own score function -------------------------------------------------------


def _score_cases() -> list[tuple[str, np.ndarray, int]]:
    """(description, theta, act) to test a learner's `my_score(theta, act)` on."""
    rng = np.random.default_rng(3)
    return [
        ("a uniform policy over 4 arms", np.zeros(4), 2),
        ("the logits of the exercise above", np.array(HAND_THETA), HAND_ACT),
        ("two arms", np.array([0.3, -1.2]), 0),
        ("random logits over 10 arms", rng.normal(size=10), 7),
        (
            "logits in the thousands (exp overflows unless you shift them)",
            np.array([1000.0, 0.0, 999.0]),
            2,
        ),
        ("an arm the policy almost never pulls", np.array([-40.0, 0.0, 0.0]), 0),
    ]


@ex.checker
def check_score_function(my_score):
    """`my_score(theta, act)`: grad_theta log pi_theta(act) for logits theta (k,), an int arm.

    Example:
        >>> check_score_function(score)
        ✔ Correct: your my_score agrees with the closed form on 6 cases, huge logits included.
        >>> onehot = lambda theta, act: np.eye(theta.size)[act]
        >>> check_score_function(onehot)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on a uniform policy over 4 arms, my_score([0. 0. 0. 0.], 2) gave [0. 0. 1. 0.],
        expected [-0.25 -0.25 0.75 -0.25]: you returned onehot(act) only; subtract pi.
    """
    ex.need_function(my_score, "your my_score function", call="check_score_function(my_score)")
    for what, theta, act in _score_cases():
        out, changed = ex.call_on_copies(
            my_score,
            theta,
            act,
            what="your my_score",
            none="my_score returned None: make it return the score array (check the `return`).",
        )
        try:
            got = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            raise ex.Wrong(
                f"on {what}, my_score returned a {type(out).__name__} that is not an array of "
                f"numbers; return a NumPy array of shape {theta.shape}."
            ) from None
        if got.shape != theta.shape:
            raise ex.Wrong(
                f"on {what}, my_score returned shape {got.shape}; expected {theta.shape}, "
                "one entry per logit."
            )
        if changed:
            raise ex.Wrong("my_score changed the theta it was given: compute on a copy.")
        want = score(theta, act)
        if not np.all(np.isfinite(got)):
            raise ex.Wrong(
                f"on {what}, my_score returned NaN or inf. Softmax does not change when you "
                "subtract the same number from every logit: subtract theta.max() before exp()."
            )
        if ex.close(got, want, atol=1e-9):
            continue
        call = f"my_score({np.array2string(theta, precision=3, threshold=5)}, {act})"
        hint = ex.diagnose(
            got,
            [
                (-want, "the sign is flipped: onehot(act) - pi, not pi - onehot(act)."),
                (np.eye(theta.size)[act], "you returned onehot(act) only; subtract pi."),
            ],
            "the score is onehot(act) - softmax(theta).",
        )
        raise ex.Wrong(
            f"on {what}, {call} gave {np.array2string(got, precision=4, threshold=5)}, expected "
            f"{np.array2string(want, precision=4, threshold=5)}: {hint}"
        )
    return ex.right(
        f"your my_score agrees with the closed form on {len(_score_cases())} cases, "
        "huge logits included."
    )


# --- Exercise: one REINFORCE step for many runs at once -------------------------------------


def _update_cases():
    """Cases for a learner's update: (description, theta, act, rew, alpha).

    theta has shape (n_runs, k); act and rew have shape (n_runs,).
    """
    rng = np.random.default_rng(4)
    cases = []
    for what, n_runs, k in [
        ("5 runs, 3 arms", 5, 3),
        ("4 runs, 4 arms", 4, 4),
        ("1 run, 2 arms", 1, 2),
    ]:
        theta = rng.normal(size=(n_runs, k))
        act = rng.integers(k, size=n_runs)
        rew = rng.integers(2, size=n_runs).astype(float)
        rew[0] = 1.0  # at least one run learns something
        cases.append((what, theta, act, rew, 0.3))
    return cases


@ex.checker
def check_reinforce_update(reinforce_update):
    """`reinforce_update(theta, act, rew, alpha)`: new logits (n_runs, k), one pull in every run.

    Example:
        >>> def update(theta, act, rew, alpha):
        ...     return theta + alpha * rew[:, None] * score(theta, act)
        >>> check_reinforce_update(update)
        ✔ Correct: your update agrees with theta + alpha * r * (onehot(a) - pi), run by run.
        >>> no_alpha = lambda theta, act, rew, alpha: update(theta, act, rew, 1.0)
        >>> check_reinforce_update(no_alpha)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on 5 runs, 3 arms the new logits are not right: the step is missing the step
        size alpha.
    """
    ex.need_function(
        reinforce_update,
        "your reinforce_update function",
        call="check_reinforce_update(reinforce_update)",
    )
    for what, theta, act, rew, alpha in _update_cases():
        out, changed = ex.call_on_copies(
            reinforce_update,
            theta,
            act,
            rew,
            alpha,
            what="your reinforce_update",
            none="reinforce_update returned None: return the new logits (check the `return`).",
        )
        got = ex.as_array(out, f"the new logits on {what}", shape=theta.shape)
        if 0 in changed:
            raise ex.Wrong(
                "reinforce_update changed the theta it was given: return theta + ..., which makes "
                "a new array, instead of writing into theta with +=."
            )
        step = rew[:, None] * score(theta, act)  # (n_runs, k)
        want = theta + alpha * step
        if ex.close(got, want):
            continue
        square = theta.shape[0] == theta.shape[1]  # only then can rew scale the columns
        hint = ex.diagnose(
            got,
            [
                (
                    theta - alpha * step,
                    "the step goes the wrong way: REINFORCE climbs J, theta + alpha * r * score.",
                ),
                (theta + step, "the step is missing the step size alpha."),
                (
                    theta + alpha * score(theta, act),
                    "every run moved as if it had been paid: multiply each run's score by its "
                    "own reward.",
                ),
                (
                    square and ex.close(got, theta + alpha * rew[None, :] * score(theta, act)),
                    "rew scaled the columns, not the rows: with rew of shape (n_runs,), use "
                    "rew[:, None].",
                ),
            ],
            "for every run i: theta[i] + alpha * rew[i] * (onehot(act[i]) - softmax(theta[i])).",
        )
        raise ex.Wrong(f"on {what} the new logits are not right: {hint}")
    return ex.right("your update agrees with theta + alpha * r * (onehot(a) - pi), run by run.")


# --- Exercise: the expected update, with and without a baseline -----------------------------

MEAN_THETA = (0.5, 0.0, -0.5)
MEAN_PROBS = (0.3, 0.5, 0.9)
MEAN_BASELINE = 0.6


@ex.checker
def check_expected_update(answer):
    """`answer`: E[(r - b) grad log pi(a)] at MEAN_THETA, MEAN_PROBS and b = MEAN_BASELINE.

    Example:
        >>> g = exact_gradient(np.array(MEAN_THETA), np.array(MEAN_PROBS))
        >>> check_expected_update(g)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: E[(r - b) score] = [-0.08774, 0.00822, 0.07952], exactly grad J = pi * (p - J):
        the baseline b = 0.6 dropped out, because the score has mean zero.
        >>> check_expected_update([0.0, 0.0, 0.0])  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: the baseline's part, -b * sum_a pi(a) (onehot(a) - pi), is zero, but the
        rewards' part is not: the arms pay different amounts.
    """
    got = ex.as_array(answer, "the expected update, one number per logit", shape=(3,))
    theta, probs = np.array(MEAN_THETA), np.array(MEAN_PROBS)
    pi = policy_probs(theta)
    want = exact_gradient(theta, probs)
    scores = np.eye(3) - pi  # (k, k): row a is the score of arm a
    return ex.judge(
        got,
        want,
        correct=f"E[(r - b) score] = {np.round(want, 5).tolist()}, exactly grad J = pi * (p - J): "
        f"the baseline b = {MEAN_BASELINE} dropped out, because the score has mean zero.",
        mistakes=[
            (
                ((probs - MEAN_BASELINE)[:, None] * scores).sum(axis=0),
                "you added up the arms' terms without weighting each by how often it is "
                "pulled, pi(a).",
            ),
            (
                np.zeros(3),
                "the baseline's part, -b * sum_a pi(a) (onehot(a) - pi), is zero, but the "
                "rewards' part is not: the arms pay different amounts.",
            ),
        ],
        otherwise="sum over the arms: pi(a) * (q_a - b) * (onehot(a) - pi), where q_a is the "
        "arm's mean reward. Compare your result with exact_gradient(theta, probs).",
    )
