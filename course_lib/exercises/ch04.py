"""Checkers for the exercises of chapter 4, REINFORCE on CartPole.

Each checker takes your answer (a number or a function) and returns a `Feedback`; none of
them raises, whatever it is given.
"""

from __future__ import annotations

import numpy as np

from course_lib.exercises import _Wrong, as_array, as_number, call_learner, checker, close, right
from course_lib.numpy_policy import TwoLayerPolicy, sigmoid
from course_lib.pg_weights import pg_weights


def _fmt(x) -> str:
    return np.array2string(np.asarray(x, dtype=float), separator=", ", threshold=6, precision=4)


def _need_function(fn, name: str) -> None:
    if fn is None or fn is Ellipsis:
        raise _Wrong(f"replace the ... with your function {name}, then run the cell again.")
    if not callable(fn):
        raise _Wrong(f"pass the function itself, not its result (got {type(fn).__name__}).")


# --- Exercise: one step's logit weight, by hand ----------------------------------------------

STEP_P = 0.8  # the policy's P(push right) in the state s_t
STEP_ACT = 0  # the action taken: push left
STEP_W = 2.5  # the step's weight w_t (its standardised return-to-go, say)


@checker
def check_logit_weight(answer):
    """`answer`: (a_t - p_t) w_t, the number `backward` gets for this step's logit."""
    got = as_number(answer, "the weight of the step's logit")
    want = (STEP_ACT - STEP_P) * STEP_W
    if close(got, want):
        return right(
            f"(a - p) w = ({STEP_ACT} - {STEP_P}) x {STEP_W} = {want:g}. Negative: the update "
            "lowers the logit, so P(right) falls and the action taken, left, gets more likely."
        )
    if close(got, -want):
        raise _Wrong("the sign is flipped: d log pi(a | s) / d logit = a - p, not p - a.")
    if close(got, STEP_ACT - STEP_P):
        raise _Wrong(f"that is the score a - p alone; multiply it by the weight w = {STEP_W}.")
    if close(got, (1 - STEP_P) * STEP_W) or close(got, STEP_P * STEP_W):
        raise _Wrong(
            f"the action was {STEP_ACT} (left), so a = {STEP_ACT}: the score is "
            f"{STEP_ACT} - p, whatever the probability of the other action."
        )
    raise _Wrong(
        "for pi(a | s) = p^a (1 - p)^(1 - a) with p = sigmoid(logit), d log pi / d logit = a - p; "
        "the backward pass gets that times the step's weight w."
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


@checker
def check_backward(my_backward):
    """`my_backward(W1, W2, xs, hs, dlogps)` -> (dW1, dW2), the gradient of
    sum_j dlogps[j] * logit_j, with logit_j = W2 . relu(W1 x_j) and hs = relu(xs W1^T).

    It gets copies of the arrays and compares them with the originals afterwards: a backward
    pass that changes its inputs in place is wrong even when its result is right."""
    _need_function(my_backward, "my_backward")
    cases = _backward_cases()
    for what, policy, xs, hs, dlogps in cases:
        originals = {"W1": policy.W1, "W2": policy.W2, "xs": xs, "hs": hs, "dlogps": dlogps}
        args = tuple(a.copy() for a in originals.values())
        out = call_learner(my_backward, *args, what="my_backward")
        changed = [
            name
            for (name, a), b in zip(originals.items(), args, strict=True)
            if b.shape != a.shape or not np.array_equal(a, b)
        ]
        if changed:
            raise _Wrong(
                f"on {what}, my_backward changed the array{'s' if len(changed) > 1 else ''} "
                f"{', '.join(changed)} it was given (the checker passes copies and compares "
                "them afterwards). The caller still needs them: build new arrays instead, e.g. "
                "dh = np.where(hs > 0, np.outer(dlogps, W2), 0.0), not hs[...] = ... or *=."
            )
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Wrong(f"on {what}, return a pair (dW1, dW2), got {type(out).__name__}.")
        H, D = policy.W1.shape
        dW1 = as_array(out[0], f"dW1 on {what}", shape=(H, D))
        dW2 = as_array(out[1], f"dW2 on {what}", shape=(H,))
        want = policy.backward(xs, hs, dlogps)
        if close(dW2, want["W2"]) and close(dW1, want["W1"]):
            continue
        if close(dW2, -want["W2"]) and close(dW1, -want["W1"]):
            raise _Wrong(
                f"on {what} both gradients have the wrong sign: dlogps is already the weight "
                "of each logit, so dW2 = hs.T @ dlogps, with no minus."
            )
        if not close(dW2, want["W2"]):
            raise _Wrong(
                f"on {what}, dW2 = {_fmt(dW2)}, expected {_fmt(want['W2'])}: the logit is "
                "W2 . h_j, so each step adds dlogps[j] * h_j (hs.T @ dlogps)."
            )
        unmasked = np.outer(dlogps, policy.W2).T @ xs
        if close(dW1, unmasked):
            raise _Wrong(
                f"on {what}, dW1 is right only where the ReLU was active: zero dh where hs <= 0, "
                "because relu passes no gradient there."
            )
        raise _Wrong(
            f"on {what}, dW1 = {_fmt(dW1)}, expected {_fmt(want['W1'])}: dh = outer(dlogps, "
            "W2), zeroed where hs <= 0, and dW1 = dh.T @ xs."
        )
    return right(f"your backward pass agrees with TwoLayerPolicy.backward on {len(cases)} batches.")


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


@checker
def check_batch_weights(my_weights):
    """`my_weights(rew, mask, gamma)`: G_t standardised over all steps of the batch, (T, N),
    0 outside the mask."""
    _need_function(my_weights, "my_weights")
    cases = _weight_cases()
    for what, rew, mask, gamma in cases:
        out = call_learner(my_weights, rew.copy(), mask.copy(), gamma, what="my_weights")
        if out is None:
            raise _Wrong("my_weights returned None: make it return the (T, N) array of weights.")
        got = as_array(out, f"the weights on {what}", shape=rew.shape)
        want = pg_weights(rew, mask, gamma, "rtg_std")
        if close(got, want):
            continue
        if not np.allclose(got[~mask], 0.0):
            raise _Wrong(
                f"on {what}, the weights must be 0 outside the episodes (where mask is False)."
            )
        if close(got, pg_weights(rew, mask, gamma, "rtg_std_episode")):
            raise _Wrong(
                f"on {what} you standardised each episode on its own; use one mean and one "
                "standard deviation for all the steps of the batch."
            )
        if close(got, pg_weights(rew, mask, gamma, "rtg")):
            raise _Wrong(f"on {what} these are the returns-to-go; now standardise them.")
        if gamma != 1.0 and close(got, pg_weights(rew, mask, 1.0, "rtg_std")):
            raise _Wrong(f"on {what}, gamma = {gamma} is missing from G_t = r_t + gamma G_(t+1).")
        ret = pg_weights(rew, mask, gamma, "rtg")
        padded = np.where(mask, (ret - ret.mean()) / ret.std(), 0.0)
        if close(got, padded):
            raise _Wrong(
                f"on {what}, the mean and std include the padding zeros: take them over "
                "ret[mask] only."
            )
        valid = ret[mask]
        if close(got, np.where(mask, (ret - valid.mean()) / valid.std(ddof=1), 0.0)):
            raise _Wrong(
                f"on {what} you divided by the sample standard deviation (ddof=1, the default "
                "of torch.std); use the plain one, np.std with ddof=0."
            )
        raise _Wrong(
            f"on {what} you got {_fmt(got[mask])} inside the mask, expected {_fmt(want[mask])}."
        )
    return right(f"your weights agree with pg_weights(..., 'rtg_std') on {len(cases)} batches.")


# --- Exercise: the loss for PyTorch, with the right sign ---------------------------------------


@checker
def check_pg_loss(my_loss):
    """`my_loss(logits, act, w, n_episodes)`: a scalar tensor whose gradient is -g_hat, i.e.
    d loss / d logit_t = -(a_t - p_t) w_t / n_episodes."""
    import torch

    _need_function(my_loss, "my_loss")
    rng = np.random.default_rng(6)
    for M, n in [(1, 1), (10, 2), (40, 5)]:
        logits = torch.tensor(rng.normal(size=M), requires_grad=True)
        act = torch.tensor(rng.integers(0, 2, size=M), dtype=torch.float64)
        w = torch.tensor(rng.normal(size=M))
        loss = call_learner(my_loss, logits, act, w, n, what="my_loss")
        if not isinstance(loss, torch.Tensor):
            raise _Wrong(f"my_loss must return a tensor, got {type(loss).__name__}.")
        if loss.dim() != 0:
            raise _Wrong(
                "my_loss must return a scalar, a 0-d tensor (shape ()), got shape "
                f"{tuple(loss.shape)}: reduce with .sum() to a single number, without "
                "keepdim=True or a reshape to (1,)."
            )
        if not loss.requires_grad:
            raise _Wrong(
                "the loss has no gradient: build it from the logits with torch operations "
                "(torch.distributions.Bernoulli(logits=logits).log_prob(act)), no .item() or NumPy."
            )
        (grad,) = torch.autograd.grad(loss, logits)
        p = sigmoid(logits.detach().numpy())
        want = -(act.numpy() - p) * w.numpy() / n
        got = grad.numpy()
        if close(got, want):
            continue
        if close(got, -want):
            raise _Wrong(
                "the sign is flipped: this loss goes DOWN when the policy gets worse. Optimisers "
                "descend, so the loss is MINUS the objective: -(logp * w).sum() / n_episodes."
            )
        if n > 1 and close(got, n * want):
            raise _Wrong(f"divide by the number of episodes ({n}): g_hat averages over episodes.")
        if M > 1 and close(got, n * want / M):
            raise _Wrong(
                "you divided by the number of steps M (a mean over steps). That points the "
                "same way and only changes the step's scale (by N / M, which changes from "
                "batch to batch); many libraries do it. This exercise asks for the estimator "
                "g_hat of the chapter, which averages over episodes: divide by n_episodes."
            )
        raise _Wrong(
            f"with {M} steps the gradient in the logits is {_fmt(got)}, expected {_fmt(want)}: "
            "use log pi(a | s) = Bernoulli(logits=logits).log_prob(act), times w, summed."
        )
    return right(
        "the gradient of your loss is -g_hat, so an optimiser that descends it climbs J(theta)."
    )
