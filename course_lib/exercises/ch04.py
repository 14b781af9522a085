"""Checkers for the exercises of chapter 4, REINFORCE on CartPole.

Each checker takes your answer (a number or a function) and returns a `Feedback`; none of
them raises, whatever it is given.
"""

from __future__ import annotations

import numpy as np

from course_lib import exercises as ex
from course_lib.numpy_policy import TwoLayerPolicy, sigmoid
from course_lib.pg_weights import pg_weights

# --- Exercise: one step's logit weight, by hand ----------------------------------------------

STEP_P = 0.8  # the policy's P(push right) in the state s_t
STEP_ACT = 0  # the action taken: push left
STEP_W = 2.5  # the step's weight w_t (its standardised return-to-go, say)


@ex.checker
def check_logit_weight(answer):
    """`answer`: (a_t - p_t) w_t, the number `backward` gets for this step's logit.

    Example:
        >>> check_logit_weight(-2.0)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: (a - p) w = (0 - 0.8) x 2.5 = -2. Negative: the update lowers the logit, so
        P(right) falls and the action taken, left, gets more likely.
        >>> check_logit_weight(-0.8)
        ✘ Not yet: that is the score a - p alone; multiply it by the weight w = 2.5.
    """
    got = ex.as_number(answer, "the weight of the step's logit")
    want = (STEP_ACT - STEP_P) * STEP_W
    return ex.judge(
        got,
        want,
        correct=f"(a - p) w = ({STEP_ACT} - {STEP_P}) x {STEP_W} = {want:g}. Negative: the "
        "update lowers the logit, so P(right) falls and the action taken, left, gets more likely.",
        mistakes=[
            (-want, "the sign is flipped: d log pi(a | s) / d logit = a - p, not p - a."),
            (
                STEP_ACT - STEP_P,
                f"that is the score a - p alone; multiply it by the weight w = {STEP_W}.",
            ),
            (
                ex.close(got, (1 - STEP_P) * STEP_W) or ex.close(got, STEP_P * STEP_W),
                f"the action was {STEP_ACT} (left), so a = {STEP_ACT}: the score is "
                f"{STEP_ACT} - p, whatever the probability of the other action.",
            ),
        ],
        otherwise="for pi(a | s) = p^a (1 - p)^(1 - a) with p = sigmoid(logit), d log pi / d "
        "logit = a - p; the backward pass gets that times the step's weight w.",
    )


# --- Exercise: the backward pass ---------------------------------------------------------------


def _backward_cases():
    rng = np.random.default_rng(4)
    cases = []
    for what, T, D, H in [
        ("one step, D = 4, H = 3", 1, 4, 3),
        ("T = 7 steps, D = 4, H = 5", 7, 4, 5),
        ("T = 20 steps, D = 6, H = 10", 20, 6, 10),
    ]:
        policy = TwoLayerPolicy(D, H, rng)
        xs = rng.normal(size=(T, D))
        _, hs = policy.forward(xs)
        dlogps = rng.normal(size=T)
        cases.append((what, policy, xs, hs, dlogps))
    return cases


@ex.checker
def check_backward(my_backward):
    """`my_backward(W1, W2, xs, hs, dlogps)` -> (dW1, dW2), the gradient of
    sum_j dlogps[j] * logit_j, with logit_j = W2 . relu(W1 x_j) and hs = relu(xs W1^T).

    It gets copies of the arrays and compares them with the originals afterwards: a backward
    pass that changes its inputs in place is wrong even when its result is right.

    Example:
        >>> def backward(W1, W2, xs, hs, dlogps):
        ...     dh = np.where(hs > 0, np.outer(dlogps, W2), 0.0)
        ...     return dh.T @ xs, hs.T @ dlogps
        >>> check_backward(backward)
        ✔ Correct: your backward pass agrees with TwoLayerPolicy.backward on 3 batches.
        >>> check_backward(lambda W1, W2, xs, hs, dlogps: backward(W1, W2, xs, hs, -dlogps))
        ... # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on one step, D = 4, H = 3 both gradients have the wrong sign: dlogps is
        already the weight of each logit, so dW2 = hs.T @ dlogps, with no minus.
    """
    ex.need_function(my_backward, "your function my_backward")
    names = ("W1", "W2", "xs", "hs", "dlogps")
    cases = _backward_cases()
    for what, policy, xs, hs, dlogps in cases:
        out, changes = ex.call_on_copies(
            my_backward, policy.W1, policy.W2, xs, hs, dlogps, what="my_backward"
        )
        changed = [names[i] for i in changes]
        if changed:
            raise ex.Wrong(
                f"on {what}, my_backward changed the array{'s' if len(changed) > 1 else ''} "
                f"{', '.join(changed)} it was given (the checker passes copies and compares "
                "them afterwards). The caller still needs them: build new arrays instead, e.g. "
                "dh = np.where(hs > 0, np.outer(dlogps, W2), 0.0), not hs[...] = ... or *=."
            )
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise ex.Wrong(f"on {what}, return a pair (dW1, dW2), got {type(out).__name__}.")
        H, D = policy.W1.shape
        dW1 = ex.as_array(out[0], f"dW1 on {what}", shape=(H, D))
        dW2 = ex.as_array(out[1], f"dW2 on {what}", shape=(H,))
        want = policy.backward(xs, hs, dlogps)
        if ex.close(dW2, want["W2"]) and ex.close(dW1, want["W1"]):
            continue
        if ex.close(dW2, -want["W2"]) and ex.close(dW1, -want["W1"]):
            raise ex.Wrong(
                f"on {what} both gradients have the wrong sign: dlogps is already the weight "
                "of each logit, so dW2 = hs.T @ dlogps, with no minus."
            )
        if not ex.close(dW2, want["W2"]):
            raise ex.Wrong(
                f"on {what}, dW2 = {ex.fmt(dW2)}, expected {ex.fmt(want['W2'])}: the logit is "
                "W2 . h_j, so each step adds dlogps[j] * h_j (hs.T @ dlogps)."
            )
        unmasked = np.outer(dlogps, policy.W2).T @ xs
        if ex.close(dW1, unmasked):
            raise ex.Wrong(
                f"on {what}, dW1 is right only where the ReLU was active: zero dh where hs <= 0, "
                "because relu passes no gradient there."
            )
        raise ex.Wrong(
            f"on {what}, dW1 = {ex.fmt(dW1)}, expected {ex.fmt(want['W1'])}: dh = outer(dlogps, "
            "W2), zeroed where hs <= 0, and dW1 = dh.T @ xs."
        )
    return ex.right(
        f"your backward pass agrees with TwoLayerPolicy.backward on {len(cases)} batches."
    )


# --- Exercise: standardised returns-to-go for a batch -----------------------------------------


def _weight_cases():
    rng = np.random.default_rng(5)
    cases = []
    for what, lengths, gamma in [
        ("two episodes of 3 and 1 steps, gamma = 1", [3, 1], 1.0),
        ("four CartPole-like episodes, gamma = 0.99", [12, 30, 7, 21], 0.99),
        ("three episodes with random rewards, gamma = 0.9", [5, 9, 2], 0.9),
    ]:
        T = max(lengths)
        mask = np.arange(T)[:, None] < np.array(lengths)[None, :]  # (T, N)
        rew = np.ones(mask.shape) if "random" not in what else rng.normal(size=mask.shape)
        cases.append((what, np.where(mask, rew, 0.0), mask, gamma))
    return cases


@ex.checker
def check_batch_weights(my_weights):
    """`my_weights(rew, mask, gamma)`: G_t standardised over all steps of the batch, (T, N),
    0 outside the mask.

    Example:
        >>> def weights(kind):
        ...     return lambda rew, mask, gamma: pg_weights(rew, mask, gamma, kind)
        >>> check_batch_weights(weights("rtg_std"))
        ✔ Correct: your weights agree with pg_weights(..., 'rtg_std') on 3 batches.
        >>> check_batch_weights(weights("rtg"))  # doctest: +NORMALIZE_WHITESPACE
        ✘ Not yet: on two episodes of 3 and 1 steps, gamma = 1 these are the returns-to-go; now
        standardise them.
    """
    ex.need_function(my_weights, "your function my_weights")
    cases = _weight_cases()
    for what, rew, mask, gamma in cases:
        out = ex.call_learner(
            my_weights,
            rew.copy(),
            mask.copy(),
            gamma,
            what="my_weights",
            none="my_weights returned None: make it return the (T, N) array of weights.",
        )
        got = ex.as_array(out, f"the weights on {what}", shape=rew.shape)
        want = pg_weights(rew, mask, gamma, "rtg_std")
        if ex.close(got, want):
            continue
        ret = pg_weights(rew, mask, gamma, "rtg")
        valid = ret[mask]
        raise ex.Wrong(
            ex.diagnose(
                got,
                [
                    (
                        not np.allclose(got[~mask], 0.0),
                        f"on {what}, the weights must be 0 outside the episodes (where mask is "
                        "False).",
                    ),
                    (
                        pg_weights(rew, mask, gamma, "rtg_std_episode"),
                        f"on {what} you standardised each episode on its own; use one mean and "
                        "one standard deviation for all the steps of the batch.",
                    ),
                    (ret, f"on {what} these are the returns-to-go; now standardise them."),
                    (
                        gamma != 1.0 and ex.close(got, pg_weights(rew, mask, 1.0, "rtg_std")),
                        f"on {what}, gamma = {gamma} is missing from G_t = r_t + gamma G_(t+1).",
                    ),
                    (
                        np.where(mask, (ret - ret.mean()) / ret.std(), 0.0),
                        f"on {what}, the mean and std include the padding zeros: take them "
                        "over ret[mask] only.",
                    ),
                    (
                        np.where(mask, (ret - valid.mean()) / valid.std(ddof=1), 0.0),
                        f"on {what} you divided by the sample standard deviation (ddof=1, the "
                        "default of torch.std); use the plain one, np.std with ddof=0.",
                    ),
                ],
                f"on {what} you got {ex.fmt(got[mask])} inside the mask, expected "
                f"{ex.fmt(want[mask])}.",
            )
        )
    return ex.right(f"your weights agree with pg_weights(..., 'rtg_std') on {len(cases)} batches.")


# --- Exercise: the loss for PyTorch, with the right sign ---------------------------------------


@ex.checker
def check_pg_loss(my_loss):
    """`my_loss(logits, act, w, n_episodes)`: a scalar tensor whose gradient is -g_hat, i.e.
    d loss / d logit_t = -(a_t - p_t) w_t / n_episodes.

    Example:
        >>> from torch.distributions import Bernoulli
        >>> def loss(logits, act, w, n_episodes):
        ...     return -(Bernoulli(logits=logits).log_prob(act) * w).sum() / n_episodes
        >>> check_pg_loss(loss)  # doctest: +NORMALIZE_WHITESPACE
        ✔ Correct: the gradient of your loss is -g_hat, so an optimiser that descends it climbs
        J(theta).
        >>> check_pg_loss(lambda logits, *rest: loss(logits.detach(), *rest))  # doctest: +ELLIPSIS
        ✘ Not yet: the loss has no gradient: build it from the logits with torch operations ...
    """
    import torch

    ex.need_function(my_loss, "your function my_loss")
    rng = np.random.default_rng(6)
    for M, n in [(1, 1), (10, 2), (40, 5)]:
        logits = torch.tensor(rng.normal(size=M), requires_grad=True)
        act = torch.tensor(rng.integers(0, 2, size=M), dtype=torch.float64)
        w = torch.tensor(rng.normal(size=M))
        loss = ex.call_learner(my_loss, logits, act, w, n, what="my_loss")
        if not isinstance(loss, torch.Tensor):
            raise ex.Wrong(f"my_loss must return a tensor, got {type(loss).__name__}.")
        if loss.dim() != 0:
            raise ex.Wrong(
                "my_loss must return a scalar, a 0-d tensor (shape ()), got shape "
                f"{tuple(loss.shape)}: reduce with .sum() to a single number, without "
                "keepdim=True or a reshape to (1,)."
            )
        if not loss.requires_grad:
            raise ex.Wrong(
                "the loss has no gradient: build it from the logits with torch operations "
                "(torch.distributions.Bernoulli(logits=logits).log_prob(act)), no .item() or NumPy."
            )
        (grad,) = torch.autograd.grad(loss, logits)
        p = sigmoid(logits.detach().numpy())
        want = -(act.numpy() - p) * w.numpy() / n
        got = grad.numpy()
        if ex.close(got, want):
            continue
        mistakes = [
            (
                -want,
                "the sign is flipped: this loss goes DOWN when the policy gets worse. Optimisers "
                "descend, so the loss is MINUS the objective: -(logp * w).sum() / n_episodes.",
            ),
            (
                n > 1 and ex.close(got, n * want),
                f"divide by the number of episodes ({n}): g_hat averages over episodes.",
            ),
            (
                M > 1 and ex.close(got, n * want / M),
                "you divided by the number of steps M (a mean over steps). That points the "
                "same way and only changes the step's scale (by N / M, which changes from "
                "batch to batch); many libraries do it. This exercise asks for the estimator "
                "g_hat of the chapter, which averages over episodes: divide by n_episodes.",
            ),
        ]
        otherwise = (
            f"with {M} steps the gradient in the logits is {ex.fmt(got)}, expected {ex.fmt(want)}: "
            "use log pi(a | s) = Bernoulli(logits=logits).log_prob(act), times w, summed."
        )
        raise ex.Wrong(ex.diagnose(got, mistakes, otherwise))
    return ex.right(
        "the gradient of your loss is -g_hat, so an optimiser that descends it climbs J(theta)."
    )
