"""Checkers for the exercises of chapter 1, Markov decision processes.

Each checker takes your answer (a number, an array, a transition list or a function) and
returns a `Feedback`; none of them raises, whatever it is given.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from course_lib import exercises as ex
from course_lib import mdp
from course_lib._validate import check_int
from course_lib.returns import discounted_returns

# --- Exercise: returns-to-go by hand -------------------------------------------------------

HAND_REWARDS = (1.0, 0.0, 2.0, -1.0)
HAND_GAMMA = 0.5


@ex.checker
def check_returns_by_hand(answer):
    """`answer`: the returns-to-go (G_0, G_1, G_2, G_3) of HAND_REWARDS with HAND_GAMMA.

    Example:
        >>> check_returns_by_hand([1.375, 0.75, 1.5, -1.0])
        ✔ Correct: G = [1.375, 0.75, 1.5, -1.0]. G_0 is the return R(tau) of the whole episode.
        >>> check_returns_by_hand([-1.0, 1.5, 0.75, 1.375])
        ✘ Not yet: these are the right numbers in reverse order: G_0 comes first.
    """
    rew = np.array(HAND_REWARDS)
    got = ex.as_array(answer, "the four returns-to-go [G_0, G_1, G_2, G_3]", shape=(rew.size,))
    want = discounted_returns(rew, HAND_GAMMA)
    undiscounted = discounted_returns(rew, 1.0)
    return ex.judge(
        got,
        want,
        correct=f"G = {want.tolist()}. G_0 is the return R(tau) of the whole episode.",
        mistakes=[
            (want[::-1], "these are the right numbers in reverse order: G_0 comes first."),
            (
                undiscounted,
                "you added the rewards without discounting: multiply by gamma = "
                f"{HAND_GAMMA} per step.",
            ),
            (
                HAND_GAMMA * want,
                "every value is gamma times too small: r_t itself is not discounted in G_t.",
            ),
            (
                ex.close(got, want, rtol=0.0, atol=0.01),
                "nearly: these look rounded. Enter the exact values, e.g. 1.375 rather than 1.38.",
            ),
            (
                ex.close(got[-1], want[-1]),
                "G_3 is right; now work backwards from it with G_t = r_t + gamma * G_{t+1}.",
            ),
        ],
        otherwise=f"G_t = r_t + gamma * G_{{t+1}} with G_4 = 0. Start from G_3 = r_3 = {want[-1]}.",
    )


# --- Exercise: your own returns_to_go ------------------------------------------------------


def _returns_cases() -> list[tuple[str, np.ndarray, float]]:
    """Episodes to test a learner's `returns_to_go` on: (description, rew, gamma)."""
    rng = np.random.default_rng(1)
    pong_like = np.zeros(300)  # sparse +-1 rewards, one per rally, as in Pong
    pong_like[rng.choice(300, size=6, replace=False)] = rng.choice([-1.0, 1.0], size=6)
    return [
        ("three rewards of 1", np.array([1.0, 1.0, 1.0]), 0.5),
        ("a reward only at the end", np.array([0.0, 0.0, 0.0, 1.0]), 0.9),
        ("the short corridor's episode of 5 steps", -np.ones(5), 1.0),
        ("gamma = 0 (only the immediate reward counts)", np.array([3.0, -2.0, 5.0]), 0.0),
        ("a one-step episode", np.array([7.0]), 0.99),
        ("random rewards", rng.normal(size=20), 0.8),
        ("a Pong-like episode of 300 steps", pong_like, 0.99),
        ("an empty episode (T = 0)", np.zeros(0), 0.9),
    ]


@ex.checker
def check_returns_to_go(returns_to_go):
    """`returns_to_go(rew, gamma)`: a function that returns G_t for every t, shape (T,).

    Example:
        >>> check_returns_to_go(discounted_returns)
        ✔ Correct: your returns_to_go agrees with discounted_returns on 8 episodes.
        >>> check_returns_to_go(lambda rew, gamma: rew)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on three rewards of 1, returns_to_go([1., 1., 1.], gamma=0.5) gave
        [1., 1., 1.], expected [1.75, 1.5 , 1.  ]: walk backwards: G_{T-1} = r_{T-1}, then
        G_t = r_t + gamma * G_{t+1}.
    """
    ex.need_function(
        returns_to_go, "your function returns_to_go", call="check_returns_to_go(returns_to_go)"
    )
    cases = _returns_cases()
    for what, rew, gamma in cases:
        out, changed = ex.call_on_copies(
            returns_to_go,
            rew,
            gamma,
            what="your returns_to_go",
            none="replace the ... in the body of returns_to_go with code that returns the array "
            f"of G_t (it returned None on {what}; check that it ends with `return`).",
        )
        call = f"returns_to_go({ex.fmt(rew)}, gamma={gamma})"
        got = ex.as_array(out, f"the result of {call}", shape=rew.shape)
        if changed:
            raise ex.Wrong(
                "returns_to_go changed the rewards array it was given: work on a new array "
                "(np.zeros_like(rew), or rew.copy()) so the caller's data stays intact."
            )
        want = discounted_returns(rew, gamma)
        if ex.close(got, want):
            continue
        hint = ex.diagnose(
            got,
            [
                (
                    gamma != 1.0 and ex.close(got, np.cumsum(rew[::-1])[::-1]),
                    "this is the undiscounted sum: multiply G_{t+1} by gamma.",
                ),
                (
                    np.cumsum(rew),
                    "this is a running sum from the start; G_t sums the rewards from t to the end.",
                ),
                (
                    want[::-1],
                    "these are the right values in reverse order: index t should hold G_t.",
                ),
            ],
            "walk backwards: G_{T-1} = r_{T-1}, then G_t = r_t + gamma * G_{t+1}.",
        )
        raise ex.Wrong(f"on {what}, {call} gave {ex.fmt(got)}, expected {ex.fmt(want)}: {hint}")
    return ex.right(f"your returns_to_go agrees with discounted_returns on {len(cases)} episodes.")


# --- Exercise: probability of a corridor trajectory ----------------------------------------

TRAJ_P_RIGHT = 0.6
# States s_0..s_T and actions a_0..a_{T-1} (0 = LEFT, 1 = RIGHT) of one corridor episode.
TRAJ_OBS = (0, 0, 1, 0, 1, 2, 3)
TRAJ_ACT = (0, 1, 1, 1, 0, 1)


@ex.checker
def check_trajectory_probability(answer):
    """`answer`: P(tau | p) of the trajectory TRAJ_OBS / TRAJ_ACT when P(RIGHT) = TRAJ_P_RIGHT.

    Example:
        >>> check_trajectory_probability(0.6**4 * 0.4**2)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: P(tau) = p^4 (1 - p)^2 = 0.020736. The start state and the transitions are
        certain, so only the policy's choices contribute.
        >>> check_trajectory_probability(0.4**4 * 0.6**2)
        ✘ Not yet: p and 1 - p are swapped: p is the probability of RIGHT (action 1).
    """
    got = ex.as_number(answer, "the probability of the trajectory")
    p = TRAJ_P_RIGHT
    n_right = sum(TRAJ_ACT)
    n_left = len(TRAJ_ACT) - n_right
    want = p**n_right * (1 - p) ** n_left
    if not 0.0 <= got <= 1.0:
        raise ex.Wrong(f"a probability lies between 0 and 1, got {got}.")
    return ex.judge(
        got,
        want,
        correct=f"P(tau) = p^{n_right} (1 - p)^{n_left} = {want:.6f}. The start state and the "
        "transitions are certain, so only the policy's choices contribute.",
        mistakes=[
            (
                np.isclose(got, p ** len(TRAJ_ACT), rtol=1e-4),
                f"you used p for every action, but {n_left} of the actions are LEFT, chosen "
                "with 1 - p.",
            ),
            (
                np.isclose(got, (1 - p) ** n_right * p**n_left, rtol=1e-4),
                "p and 1 - p are swapped: p is the probability of RIGHT (action 1).",
            ),
            (
                np.isclose(got, 1.0),
                "the transitions are deterministic, but the policy is not: each action was "
                "chosen with probability p or 1 - p.",
            ),
            (
                np.isclose(got, want, rtol=0.01, atol=0.0),
                f"nearly: {got:g} looks rounded. Give at least four significant digits, or type "
                "the product itself as a Python expression, with ** for powers.",
            ),
        ],
        otherwise="multiply rho_0(s_0), then pi(a_t | s_t) * p(s_{t+1} | s_t, a_t) for each of "
        f"the {len(TRAJ_ACT)} steps; here rho_0(0) = 1 and every transition has probability 1.",
        rtol=1e-4,
        atol=0.0,
    )


# --- Exercise: a slippery corridor's transition entry --------------------------------------

SLIP = 0.2  # probability that an action has no effect and the agent stays where it is


@ex.checker
def check_slippery_entry(answer):
    """`answer`: P[2][RIGHT] of the slippery corridor, a list of 4-tuples like P[s][a].

    Example:
        >>> check_slippery_entry([(0.8, 3, -1.0, True), (0.2, 2, -1.0, False)])
        ✔ Correct: P[2][RIGHT] = [(0.8, 3, -1.0, True), (0.2, 2, -1.0, False)].
        >>> slip = (0.2, 2, 0.0, False)
        >>> check_slippery_entry([(0.8, 3, -1.0, True), slip])  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: every step costs -1, the step into the goal included; the outcome into state
        2 has reward 0.
    """
    what = "a list of (probability, next_state, reward, terminated) tuples"
    ex.need_answer(answer, what)
    if isinstance(answer, tuple) and len(answer) == 4 and isinstance(answer[0], numbers.Real):
        raise ex.Wrong(
            "that is a single tuple; P[s][a] is a list of them, one per possible outcome."
        )
    if not isinstance(answer, (list, tuple)):
        raise ex.Wrong(f"expected {what}, got {type(answer).__name__}.")
    outcomes = {}
    for entry in answer:
        if not isinstance(entry, (list, tuple)) or len(entry) != 4:
            raise ex.Wrong(
                f"each entry must be a 4-tuple (probability, next_state, reward, terminated), "
                f"got {entry!r}."
            )
        prob, s_next, rew, done = entry
        prob = ex.as_number(prob, "each probability")
        rew = ex.as_number(rew, "each reward")
        try:
            s_next = check_int("next_state", s_next, low=0, high=3)
        except (TypeError, ValueError):
            raise ex.Wrong(
                f"next_state must be a state index 0, 1, 2 or 3, got {s_next!r}."
            ) from None
        if not isinstance(done, (bool, np.bool_)):
            raise ex.Wrong(f"terminated must be True or False, got {done!r}.")
        key = (s_next, rew, bool(done))
        outcomes[key] = outcomes.get(key, 0.0) + prob  # the same outcome listed twice adds up
    total = sum(outcomes.values())
    if not np.isclose(total, 1.0):
        raise ex.Wrong(
            f"the probabilities of the outcomes must add up to 1, they add up to {total:g}."
        )
    by_state = {}
    for (s_next, _rew, _done), prob in outcomes.items():
        by_state[s_next] = by_state.get(s_next, 0.0) + prob
    if set(by_state) != {2, 3}:
        raise ex.Wrong(
            f"RIGHT in state 2 leads to the goal (3) or, if it slips, stays in 2; your list "
            f"reaches states {sorted(by_state)}."
        )
    if not np.isclose(by_state[3], 1 - SLIP):
        raise ex.Wrong(
            f"the move succeeds with probability 1 - {SLIP} = {1 - SLIP:g}, got {by_state[3]:g}."
        )
    for (s_next, rew, done), _ in outcomes.items():
        if rew != -1.0:
            raise ex.Wrong(
                f"every step costs -1, the step into the goal included; the outcome into state "
                f"{s_next} has reward {rew:g}."
            )
        if done != (s_next == 3):
            raise ex.Wrong(
                "terminated is True exactly when the next state is the goal (3); check the "
                f"outcome into state {s_next}."
            )
    return ex.right(f"P[2][RIGHT] = [({1 - SLIP:g}, 3, -1.0, True), ({SLIP:g}, 2, -1.0, False)].")


# --- Exercise: the best probability of RIGHT when the future is discounted ----------------

BEST_P_GAMMA = 0.9


def _corridor_start_value(p: float, gamma: float) -> float:
    """v(s_0) of the short corridor under P(RIGHT) = p in every state, discounted by gamma."""
    return float(mdp.policy_evaluation(_CORRIDOR.P, np.tile([1.0 - p, p], (4, 1)), gamma)[0])


@functools.lru_cache(maxsize=8)
def _best_p(gamma: float) -> float:
    """The p that maximises v(s_0), by golden-section search (v has a single maximum in p)."""
    lo, hi = 1e-3, 1.0 - 1e-3
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):  # each step keeps 62% of the interval: 80 steps reach ~1e-17
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if _corridor_start_value(a, gamma) < _corridor_start_value(b, gamma):
            lo = a
        else:
            hi = b
    return (lo + hi) / 2.0


_CORRIDOR = mdp.ShortCorridor()


def _judge_maximiser(got, best, *, correct, mistakes, near, far) -> ex.Feedback:
    """Judge `got`, a guess at `best` (where a curve peaks), to three decimals.

    Right within 1e-3; else the first of `mistakes` that matches; else `near(direction)`
    within 0.01 and `far(direction)` further away, where direction ("larger" or "smaller")
    says where `best` lies from `got`.
    """
    direction = "larger" if got < best else "smaller"
    return ex.judge(
        got,
        best,
        correct=correct,
        mistakes=[*mistakes, (abs(got - best) <= 0.01, near(direction))],
        otherwise=far(direction),
        rtol=0.0,
        atol=1e-3,
    )


@ex.checker
def check_best_p_discounted(answer):
    """`answer`: the P(RIGHT) that maximises v(s_0) when gamma = BEST_P_GAMMA, to 3 decimals.

    Example:
        >>> check_best_p_discounted(0.6)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: close: v(s_0) = -6.04545 at p = 0.6, but the best p is a little smaller; use a
        finer grid of p (steps of 0.001 or less).
        >>> check_best_p_discounted(0.3)
        ✘ Not yet: at p = 0.3, v(s_0) = -6.943; a larger p does better.
    """
    got = ex.as_number(answer, "the best probability of RIGHT")
    gamma = BEST_P_GAMMA
    best_p = _best_p(gamma)
    best_v = _corridor_start_value(best_p, gamma)
    if got < 0.0 and np.isclose(got, best_v, atol=0.05):
        raise ex.Wrong("that is the best value v(s_0), not the probability p that achieves it.")
    if not 0.0 < got < 1.0:
        raise ex.Wrong(
            "p is a probability strictly between 0 and 1 (at 0 or 1 the agent never reaches "
            f"the goal), got {got}."
        )
    v = _corridor_start_value(got, gamma)
    return _judge_maximiser(
        got,
        best_p,
        correct=f"with gamma = {gamma:g} the best p is {best_p:.4f} (v(s_0) = {best_v:.4f}), a "
        f"little more than 2 - sqrt(2) = {mdp.OPTIMAL_P_RIGHT:.4f} without discounting. Still a "
        "coin toss, but a different coin: gamma is part of the objective.",
        mistakes=[
            (
                mdp.OPTIMAL_P_RIGHT,
                "2 - sqrt(2) is the best p without discounting (gamma = 1). Evaluate the "
                f"policies with gamma = {gamma:g}, e.g. policy_evaluation(env.P, policy, "
                f"gamma={gamma:g}).",
            ),
        ],
        near=lambda direction: (
            f"close: v(s_0) = {v:.5f} at p = {got:g}, but the best p is a "
            f"little {direction}; use a finer grid of p (steps of 0.001 or less)."
        ),
        far=lambda direction: f"at p = {got:g}, v(s_0) = {v:.3f}; a {direction} p does better.",
    )


# --- Exercise: the exploration rate at which epsilon-greedy RIGHT does best ---------------

# epsilon-greedy RIGHT takes RIGHT with probability 1 - epsilon / 2 (a random action is RIGHT
# half the time), so it is the best policy p* when epsilon = 2 (1 - p*) = 2 sqrt(2) - 2.
BEST_EPSILON = 2.0 * (1.0 - mdp.OPTIMAL_P_RIGHT)


@ex.checker
def check_best_epsilon(answer):
    """`answer`: the epsilon in (0, 1) at which the epsilon-greedy RIGHT policy does best.

    Example:
        >>> check_best_epsilon(0.828)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: epsilon = 2 (1 - p*) = 2 sqrt(2) - 2 = 0.8284: then the policy takes RIGHT
        with probability 1 - epsilon/2 = p* = 0.5858 and reaches the best value J* = -11.66.
        All of its skill comes from the random part.
        >>> check_best_epsilon(0.1)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: at epsilon = 0.1 the policy takes RIGHT with probability 0.950 and
        J = -44.21; a larger epsilon does better.
    """
    got = ex.as_number(answer, "the best exploration rate epsilon")
    if got < 0.0 and np.isclose(got, mdp.OPTIMAL_VALUE, atol=0.05):
        raise ex.Wrong("that is the best value J*, not the epsilon that achieves it.")
    if not 0.0 < got < 1.0:
        raise ex.Wrong(f"epsilon is a probability strictly between 0 and 1, got {got:g}.")
    p_star = mdp.OPTIMAL_P_RIGHT
    v = mdp.short_corridor_value(mdp.epsilon_greedy_p_right(got, mdp.RIGHT))
    return _judge_maximiser(
        got,
        BEST_EPSILON,
        correct=f"epsilon = 2 (1 - p*) = 2 sqrt(2) - 2 = {BEST_EPSILON:.4f}: then the policy "
        f"takes RIGHT with probability 1 - epsilon/2 = p* = {p_star:.4f} and reaches the best "
        f"value J* = {mdp.OPTIMAL_VALUE:.2f}. All of its skill comes from the random part.",
        mistakes=[
            (
                p_star,
                "that is p*, the best probability of RIGHT. The epsilon-greedy RIGHT policy "
                "takes RIGHT with probability 1 - epsilon/2: which epsilon makes that equal to p*?",
            ),
            (
                1.0 - p_star,
                "with this epsilon the policy takes a random action with probability 1 - p*, "
                "but a random action is RIGHT half the time, so it takes RIGHT with probability "
                "1 - epsilon/2, not 1 - epsilon.",
            ),
        ],
        near=lambda direction: (
            f"close: J = {v:.4f} at epsilon = {got:g}, but a slightly "
            f"{direction} epsilon does better; give it to three decimals."
        ),
        far=lambda direction: (
            f"at epsilon = {got:g} the policy takes RIGHT with probability "
            f"{1 - got / 2:.3f} and J = {v:.2f}; a {direction} epsilon does better."
        ),
    )
