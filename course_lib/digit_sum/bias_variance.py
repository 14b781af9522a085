r"""How biased and how noisy each of chapter 7's estimators is, measured on the same batches.

`estimator_samples` draws many fresh batches from one fixed policy and computes every
estimator of `course_lib.digit_sum.estimators` on each of them: the same prompts, the same
completions, the same rewards, only the advantages differ. Each estimate is
(1 / (N K)) sum_{i,l} A^{i,l} grad log pi_theta(y^{i,l} | s^i), with grad log pi_theta(y | s)
from `policy.score_vectors`, a backward pass written out by hand, so that a batch costs one
matrix product.

`estimator_table` compares the mean of those estimates with the exact gradient grad J
(`course_lib.digit_sum.exact`): the component along grad J (1 for an unbiased estimator), the
component across it (0 for one), each with its standard error, and the total variance
tr Var[g_hat] of one batch's estimate.
"""

from __future__ import annotations

import numpy as np

from course_lib._validate import as_real, check_int
from course_lib.digit_sum.estimators import KINDS, advantages
from course_lib.digit_sum.policy import DigitPolicy, check_policy, score_vectors
from course_lib.digit_sum.task import reward, sample_targets


def estimator_samples(
    policy: DigitPolicy,
    N: int,
    K: int,
    n_batches: int,
    rng: np.random.Generator,
    *,
    alpha_phi: float = 0.2,
    n_burn: int = 30,
    xi: float = 1e-4,
) -> dict:
    """g_hat of every kind on the SAME `n_batches` fresh batches of the fixed policy.

    Each batch draws N prompts from rho_0 and K completions of each. "value" uses V_phi,
    a table of one number per prompt, learned as the trainers learn it: after each batch,
    V_phi(s) <- V_phi(s) + alpha_phi (the batch's mean reward of prompt s - V_phi(s)), so the
    baseline of a batch was fitted on earlier batches only. V_phi starts at 0, and the first
    `n_burn` batches only fit it.

    Returns:
        kind -> array (n_batches, n_params), one estimate per batch, for every kind in KINDS.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=3), hidden=4)
        >>> est = estimator_samples(policy, 4, 3, 10, np.random.default_rng(0), n_burn=2)
        >>> sorted(est), est["rloo"].shape
        (['batch_std', 'grpo', 'reinforce', 'rloo', 'value'], (10, 87))
    """
    N, K = check_int("N", N, low=1), check_int("K", K, low=2)
    n_batches = check_int("n_batches", n_batches, low=1)
    n_burn = check_int("n_burn", n_burn, low=0)
    alpha_phi = as_real("alpha_phi", alpha_phi)
    task = check_policy(policy).task
    phi = np.zeros(task.n_targets)  # V_phi(s), one number per prompt
    out = {kind: [] for kind in KINDS}
    for b in range(n_burn + n_batches):
        targets = sample_targets(task, N, rng)  # (N,)
        digits = policy.sample(np.repeat(targets, K), rng).reshape(N, K, task.T)
        rew = reward(task, targets[:, None], digits)  # (N, K)
        if b >= n_burn:
            scores = score_vectors(policy, np.repeat(targets, K), digits.reshape(N * K, task.T))
            for kind in KINDS:
                adv = advantages(kind, rew, values=phi[targets], xi=xi)
                out[kind].append(adv.reshape(-1) @ scores / (N * K))
        for i, s in enumerate(targets):  # fit V_phi after the batch has used it
            phi[s] += alpha_phi * (rew[i].mean() - phi[s])
    return {kind: np.array(rows) for kind, rows in out.items()}


def across_direction(exact_grad, vector):
    """The unit vector along the part of `vector` orthogonal to `exact_grad`, or None if none.

    Example:
        >>> across_direction(np.array([1.0, 0.0]), np.array([3.0, 4.0]))
        array([0., 1.])
    """
    g = np.asarray(exact_grad, dtype=np.float64)
    v = np.asarray(vector, dtype=np.float64)
    w = v - (v @ g) / (g @ g) * g
    if np.linalg.norm(w) <= 1e-9 * np.linalg.norm(v):
        return None
    return w / np.linalg.norm(w)


def estimator_table(samples: dict, exact_grad, expected: dict | None = None, across=None) -> dict:
    """Bias and noise of each kind's estimates (from `estimator_samples`), against grad J.

    The bias is read along two directions, each in units of |grad J|: u = grad J / |grad J|
    ("along": 1 for an estimator whose mean is grad J) and a unit vector w orthogonal to it
    ("across": 0 for such an estimator), for instance the part of GRPO's exact expectation that
    does not point along grad J. A standard error comes with each, from the spread over batches.

    Args:
        samples: kind -> (n_batches, n_params) estimates, one per batch.
        exact_grad: grad J(theta), shape (n_params,).
        expected: kind -> E[g_hat] computed exactly, where known (optional).
        across: w, shape (n_params,); made orthogonal to grad J and of length 1 here. If
            None, the direction of the part of expected["grpo"] orthogonal to grad J, if given.

    Returns:
        kind -> {"along", "along_se", "across", "across_se": the mean estimate's components
        and their standard errors, in units of |grad J|; "z_along" = (along - 1) / along_se,
        "z_across" = across / across_se; "z_expected": the larger |z| of the two components
        against expected[kind] (NaN if not given); "cos": the cosine between the mean estimate
        and grad J; "total_var": tr Var[g_hat] of one batch's estimate; "rel_var": total_var /
        |mean|^2, the noise relative to the length of what the estimator estimates}.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> g = np.array([1.0, 0.0, 0.0])
        >>> table = estimator_table({"a": g + rng.normal(size=(400, 3))}, g, across=[0, 1, 0])
        >>> abs(table["a"]["z_along"]) < 4, abs(table["a"]["z_across"]) < 4
        (True, True)
        >>> round(table["a"]["total_var"])
        3
    """
    g = np.asarray(exact_grad, dtype=np.float64)
    g_norm = np.linalg.norm(g)
    if g.ndim != 1 or g_norm == 0:
        raise ValueError("exact_grad must be a non-zero 1-D vector")
    u = g / g_norm
    expected = {} if expected is None else expected
    w = None
    if across is not None:
        w = across_direction(g, across)
        if w is None:
            raise ValueError("across must not point along exact_grad")
    elif "grpo" in expected:
        w = across_direction(g, expected["grpo"])  # None if GRPO's mean is along grad J
    table = {}
    for kind, est in samples.items():
        est = np.asarray(est, dtype=np.float64)
        if est.ndim != 2 or est.shape[1] != g.size or est.shape[0] < 2:
            raise ValueError(
                f"samples[{kind!r}] must have shape (n_batches >= 2, {g.size}), got {est.shape}"
            )
        n = est.shape[0]
        mean = est.mean(axis=0)
        a = est @ u / g_norm  # (n_batches,): along grad J, in units of |grad J|
        b = est @ w / g_norm if w is not None else np.zeros(n)
        a_se, b_se = a.std(ddof=1) / np.sqrt(n), b.std(ddof=1) / np.sqrt(n)
        row = {
            "along": float(a.mean()),
            "along_se": float(a_se),
            "across": float(b.mean()),
            "across_se": float(b_se),
            "z_along": float((a.mean() - 1.0) / a_se),
            "z_across": float(b.mean() / b_se) if w is not None else np.nan,
            "z_expected": np.nan,
            "cos": float(mean @ u / np.linalg.norm(mean)),
            "total_var": float(est.var(axis=0, ddof=1).sum()),
        }
        row["rel_var"] = row["total_var"] / float(mean @ mean)
        if kind in expected:
            e = np.asarray(expected[kind], dtype=np.float64)
            z = [(a.mean() - e @ u / g_norm) / a_se]
            if w is not None:
                z.append((b.mean() - e @ w / g_norm) / b_se)
            row["z_expected"] = float(np.max(np.abs(z)))
        table[kind] = row
    return table
