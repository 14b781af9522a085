"""Checkers for the exercises of chapter 6, baselines and variance reduction.

Each checker takes your answer (an array or a function) and returns a `Feedback`; none of
them raises, whatever it is given. The two bug hunts run a short CartPole training with your
fixed piece plugged in (a few seconds, seeded) and say whether it now learns.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import exercises as ex
from course_lib.numpy_policy import sigmoid
from course_lib.pg_weights import pg_weights
from course_lib.returns import discounted_returns, returns_to_go

# --- Exercise: advantages by hand ------------------------------------------------------------

HAND_REW = (1.0, 0.0, 2.0)
HAND_VALUES = (2.0, 1.5, 1.0)  # V_phi(s_0), V_phi(s_1), V_phi(s_2): a learned baseline
HAND_GAMMA = 0.5


@ex.checker
def check_advantages_by_hand(answer):
    """`answer`: G_t - V_phi(s_t) for t = 0, 1, 2, shape (3,).

    Example:
        >>> check_advantages_by_hand([-0.5, -0.5, 1.0])  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: G = [1.5, 1.0, 2.0], so G - V_phi = [-0.5, -0.5, 1.0]: steps 0 and 1 did
        worse than V_phi expected, so their actions' probabilities go down; step 2 did better,
        so its action's probability goes up.
        >>> check_advantages_by_hand([1.5, 1.0, 2.0])
        ✘ Not yet: these are the returns-to-go G_t; now subtract V_phi(s_t) from each.
    """
    got = ex.as_array(answer, "the three advantages G_t - V_phi(s_t)", shape=(3,))
    rew, values = np.array(HAND_REW), np.array(HAND_VALUES)
    ret = discounted_returns(rew, HAND_GAMMA)
    want = ret - values
    undiscounted = discounted_returns(rew, 1.0)
    return ex.judge(
        got,
        want,
        correct=f"G = {ret.tolist()}, so G - V_phi = {want.tolist()}: steps 0 and 1 did worse "
        "than V_phi expected, so their actions' probabilities go down; step 2 did better, so "
        "its action's probability goes up.",
        mistakes=[
            (ret, "these are the returns-to-go G_t; now subtract V_phi(s_t) from each."),
            (
                rew - values,
                "you subtracted V_phi from the rewards r_t; subtract it from the "
                "returns-to-go G_t.",
            ),
            (
                values - ret,
                "the sign is flipped: the advantage is G_t - V_phi(s_t), not V_phi(s_t) - G_t.",
            ),
            (
                undiscounted - values,
                f"discount the later rewards: G_t = r_t + {HAND_GAMMA} * G_(t+1).",
            ),
        ],
        otherwise=f"compute G_2 = r_2 first, then G_1 = r_1 + {HAND_GAMMA} G_2 and G_0 = r_0 + "
        f"{HAND_GAMMA} G_1; subtract V_phi = {list(HAND_VALUES)}.",
    )


# --- Exercise: one episode of REINFORCE with baseline on the corridor ------------------------


def reference_episode_update(theta, phi, actions, alpha_theta, alpha_phi):
    """Sutton & Barto's boxed update for one corridor episode (gamma = 1, -1 per step), taking
    the score at theta as it changes step by step, without clipping: new (theta (2,), phi).

    Example:
        >>> theta, phi = reference_episode_update((0.0, 0.0), 0.0, [1], 0.1, 0.5)
        >>> theta.tolist(), phi  # G_0 = -1: phi moves half-way to it, RIGHT gets less likely
        ([-0.05, 0.05], -0.5)
    """
    theta = np.array(theta, dtype=float)
    n = len(actions)
    for t, a in enumerate(actions):
        G = -(n - t)  # -1 on each of the n - t steps still to go, the last one included
        adv = G - phi  # A_hat_t (Sutton & Barto's delta)
        phi = phi + alpha_phi * adv
        p = sigmoid(theta[0] - theta[1])  # pi(right)
        score = np.array([a - p, p - a])  # x(a) - [p, 1 - p]
        theta = theta + alpha_theta * adv * score
    return theta, phi


def _episode_cases():
    rng = np.random.default_rng(6)
    cases = [
        ("a three-step episode right, right, right", (0.0, 0.0), 0.0, [1, 1, 1], 0.1, 0.5),
        ("an episode with a left in it", (-1.0, 1.0), -3.0, [1, 0, 1, 1, 1], 0.05, 0.25),
    ]
    acts = [int(a) for a in rng.integers(0, 2, size=11)] + [1, 1]
    cases.append(("a long random episode", (0.3, -0.2), -5.0, acts, 2**-9, 2**-6))
    return cases


@ex.checker
def check_episode_update(update):
    """`update(theta, phi, actions, alpha_theta, alpha_phi)` -> (new theta (2,), new phi).

    Example:
        >>> check_episode_update(reference_episode_update)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: your update matches Sutton & Barto's box, step for step, on three
        episodes.
        >>> check_episode_update(lambda *args: (np.zeros(2), 0.0))  # doctest: +ELLIPSIS
        ✘ Not yet: on a three-step episode right, right, right, phi ends at 0, expected ...
    """
    ex.need_function(update, "your update function")
    for what, theta, phi, actions, a_th, a_phi in _episode_cases():
        args = (np.array(theta), phi, list(actions), a_th, a_phi)
        none = "your update returned None: end it with `return theta, phi`."
        out = ex.call_learner(update, *args, what="your update", none=none)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise ex.Wrong("return a pair: (new theta, new phi).")
        got_theta = ex.as_array(out[0], f"the new theta on {what}", shape=(2,))
        if out[1] is None:
            raise ex.Wrong("your update returned None for phi: return the pair (theta, phi).")
        got_phi = ex.as_number(out[1], f"the new phi on {what}")
        want_theta, want_phi = reference_episode_update(theta, phi, actions, a_th, a_phi)
        if ex.close(got_theta, want_theta, rtol=1e-9, atol=1e-12) and ex.close(got_phi, want_phi):
            continue
        if not ex.close(got_phi, want_phi):
            raise ex.Wrong(
                f"on {what}, phi ends at {got_phi:.6g}, expected {want_phi:.6g}: at every step "
                "adv = G_t - phi, then phi += alpha_phi * adv, with G_t = -(steps still to go)."
            )
        plain = reference_episode_update(theta, 0.0, actions, a_th, 0.0)[0]
        mistakes = [
            (plain, f"on {what}, theta moved as in plain REINFORCE: use adv = G_t - phi, not G_t.")
        ]
        otherwise = (
            f"on {what}, theta ends at {np.round(got_theta, 6).tolist()}, expected "
            f"{np.round(want_theta, 6).tolist()}: theta += alpha_theta * adv * "
            "(x(a) - [p, 1 - p]), with p = pi(right) at the current theta and x(right) = [1, 0]."
        )
        raise ex.Wrong(ex.diagnose(got_theta, mistakes, otherwise))
    return ex.right("your update matches Sutton & Barto's box, step for step, on three episodes.")


# --- Bug hunts: a short training run with your fixed piece -----------------------------------

HUNT_SEED, HUNT_UPDATES, HUNT_ENVS = 3, 12, 16


def _hunt_run(pieces: str, praise, **fixed) -> ex.Feedback:
    """Train the bug hunts' short CartPole run with the learner's fixed piece plugged in.

    `fixed` names the piece for `course_lib.cartpole.bugs.train` (loss_fn= or targets_fn=);
    if the run learns, `praise(run, learns)` is the message, with `learns` saying how well.
    """
    from course_lib.cartpole.bugs import train

    run = train(HUNT_SEED, HUNT_UPDATES, HUNT_ENVS, **fixed)
    learns = f"mean episode length over the last 5 batches: {run.final():.0f} steps"
    if run.final() < 100:
        raise ex.Wrong(f"the {pieces} look right, but the run did not learn ({learns}).")
    return ex.right(praise(run, learns))


@ex.checker
def check_fixed_loss(fixed_loss):
    """Bug hunt 1. `fixed_loss(logp, v, target, n_episodes)` -> (policy loss, value loss).

    A loss that passes the quick checks trains CartPole for a few seconds; these examples show
    only the quick checks.

    Example:
        >>> def flipped(logp, v, target, n_episodes):
        ...     adv = target - v.detach()
        ...     return (logp * adv).sum() / n_episodes, ((v - target) ** 2).mean()
        >>> check_fixed_loss(flipped)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: the policy loss has the wrong sign: optimisers descend, so it is MINUS the
        objective, -(logp * adv).sum() / n_episodes.
    """
    from course_lib.cartpole.bugs import reference_loss

    ex.need_function(fixed_loss, "your fixed_loss function")
    rng = np.random.default_rng(0)
    raw = torch.tensor(rng.normal(size=6) - 1.0, requires_grad=True)
    logp = torch.nn.functional.logsigmoid(raw)  # (6,) log-probabilities with a graph
    v = torch.tensor(rng.normal(size=6), requires_grad=True)
    target = torch.tensor(rng.normal(size=6))
    none = "your fixed_loss returned None: end it with `return policy_loss, value_loss`."
    out = ex.call_learner(fixed_loss, logp, v, target, 2, what="your fixed_loss", none=none)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise ex.Wrong("return a pair: (policy loss, value loss).")
    want = reference_loss(logp, v, target, 2)
    for name, got, ref in zip(("policy loss", "value loss"), out, want, strict=True):
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise ex.Wrong(f"the {name} must be a single-number tensor.")
        if name == "policy loss" and ex.close(float(got.detach()), -float(ref.detach())):
            raise ex.Wrong(
                "the policy loss has the wrong sign: optimisers descend, so it is MINUS the "
                "objective, -(logp * adv).sum() / n_episodes."
            )
        if not ex.close(float(got.detach()), float(ref.detach())):
            raise ex.Wrong(
                f"the {name} is {float(got.detach()):.4g}, expected {float(ref.detach()):.4g}."
            )
    if not out[0].requires_grad:
        raise ex.Wrong("the policy loss has no gradient: keep logp's graph (do not detach logp).")
    out[0].backward(retain_graph=True)
    if v.grad is not None and float(v.grad.abs().max()) > 0:
        raise ex.Wrong(
            "the policy loss still sends a gradient into V (v.grad is not zero after "
            "policy_loss.backward()): detach V where it is used as a baseline."
        )
    if raw.grad is None or float(raw.grad.abs().max()) == 0:
        raise ex.Wrong("the policy loss no longer reaches the policy: keep logp's graph.")
    if not out[1].requires_grad:
        raise ex.Wrong("the value loss has no gradient: V must still learn from (v - target) ** 2.")
    out[1].backward()
    if v.grad is None or float(v.grad.abs().max()) == 0:
        raise ex.Wrong(
            "the value loss no longer reaches V: detach V only in the advantage, not in its "
            "own loss (v - target) ** 2."
        )
    return _hunt_run(
        "losses",
        lambda run, learns: (
            f"no gradient from the policy loss reaches V, and the run learns: "
            f"{learns}; V's mean on the last batch is {run.value_mean[-1]:.2f} (its targets have "
            "mean 0)."
        ),
        loss_fn=fixed_loss,
    )


def _standardised(ret: np.ndarray, mask: np.ndarray, over_padding=False, ddof=0) -> np.ndarray:
    """`ret` standardised over the masked steps, or with a learner's slips: over the padding
    too, or with the sample std (ddof=1). Without slips it is `returns.standardize(ret, mask)`."""
    pool = ret if over_padding else ret[mask]
    return np.where(mask, (ret - pool.mean()) / pool.std(ddof=ddof), 0.0)


def _targets_hint(got: np.ndarray, rew: np.ndarray, mask: np.ndarray, gamma: float, what: str):
    """A specific message for the common wrong targets, or None."""
    ret = returns_to_go(rew, mask, gamma)

    def same(candidate) -> bool:
        return ex.close(got[mask], candidate[mask])

    if same(ret):
        return f"on {what} these are the raw G_t: standardise them over the batch."
    if same(pg_weights(rew, mask, gamma, "rtg_std_episode")):
        return (
            f"on {what} each episode is standardised on its own; use one mean and one std "
            "for all the steps of the batch."
        )
    if same(_standardised(np.where(mask, ret[0], 0.0), mask)):
        return (
            f"on {what} every step of an episode gets the episode's whole return G_0; the "
            "target of step t is the return-to-go G_t, the rewards from step t on."
        )
    undiscounted = returns_to_go(rew, mask, 1.0)
    if same(_standardised(undiscounted, mask)):
        return (
            f"on {what} the returns are not discounted: G_t = r_t + gamma * G_(t+1), with "
            f"gamma = {gamma} here."
        )
    if same(_standardised(np.where(mask, undiscounted[0], 0.0), mask)):
        return (
            f"on {what} every step gets the episode's undiscounted total reward; the target "
            "of step t is the discounted return-to-go G_t = r_t + gamma * G_(t+1)."
        )
    if same(_standardised(ret, mask, over_padding=True)):
        return (
            f"on {what} the mean and std include the padding (the steps where mask is False): "
            "take them over ret[mask] only."
        )
    if same(_standardised(ret, mask, ddof=1)):
        return (
            f"on {what} you divided by the sample std (ddof=1, the default of torch.std); use "
            "the plain one, np.std with ddof=0."
        )
    forward = np.where(mask, np.cumsum(np.where(mask, rew, 0.0), axis=0), 0.0)
    if same(_standardised(forward, mask)):
        return (
            f"on {what} the returns add up the rewards *before* each step; G_t adds those from "
            "step t to the end, so walk backwards in time."
        )
    return None


@ex.checker
def check_fixed_targets(fixed_targets):
    """Bug hunt 2. `fixed_targets(rew, mask, gamma)` -> standardised G_t, shape (T, N).

    Targets that pass the quick checks train CartPole for a few seconds; these examples show
    only the quick checks.

    Example:
        >>> check_fixed_targets(returns_to_go)  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on CartPole rewards (1 per step) these are the raw G_t: standardise them over
        the batch.
        >>> check_fixed_targets(lambda rew, mask, gamma: rew[0])  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: expected the targets for CartPole rewards (1 per step) with shape (7, 4), got
        shape (4,).
    """
    from course_lib.cartpole.bugs import targets_per_batch

    ex.need_function(fixed_targets, "your fixed_targets function")
    rng = np.random.default_rng(1)
    lengths = np.array([5, 3, 7, 1])
    mask = np.arange(7)[:, None] < lengths[None, :]  # (7, 4)
    for what, rew in (
        ("CartPole rewards (1 per step)", np.where(mask, 1.0, 0.0)),
        ("random rewards", np.where(mask, rng.normal(size=mask.shape), 0.0)),
    ):
        none = "your fixed_targets returned None: end it with `return` and the array."
        out = ex.call_learner(
            fixed_targets, rew.copy(), mask.copy(), 0.9, what="your fixed_targets", none=none
        )
        got = ex.as_array(out, f"the targets for {what}", shape=mask.shape)
        want = targets_per_batch(rew, mask, 0.9)
        if ex.close(got[mask], want[mask]):
            if not np.allclose(got[~mask], 0.0):
                raise ex.Wrong(
                    f"on {what} the targets are right inside the mask; make them 0 outside it."
                )
            continue
        if np.allclose(got[mask], got[mask][0]):
            raise ex.Wrong(
                f"on {what} every target is the same number: with 1 on every step a return "
                "that restarts at every non-zero reward is always 1, and standardising leaves 0."
            )
        hint = _targets_hint(got, rew, mask, 0.9, what)
        if hint is not None:
            raise ex.Wrong(hint)
        raise ex.Wrong(
            f"on {what} the targets differ from G_t standardised over the batch's steps "
            "(one mean and one std for all of them)."
        )
    return _hunt_run(
        "targets",
        lambda run, learns: (
            f"the targets are G_t standardised per batch, and the run learns: {learns}."
        ),
        targets_fn=fixed_targets,
    )
