"""A tiny autoregressive policy for the digit-sum task: pi_theta(a_t | s_t), one token at a time.

The state s_t is the prompt and the digits written so far. A language model reads the prefix
through a network; ours reads three one-hot codes, x_t = [onehot(s), onehot(t),
onehot(a_0 + ... + a_{t-1})], the prompt, the position and the sum so far (a summary of the
prefix that a language model's hidden state would have to compute; we hand it over to keep the
network tiny). One hidden layer of H tanh units turns x_t into the logits z_t of the next token:

    h_t = tanh(W_1^T x_t + b_1),   z_t = W_2^T h_t + b_2,   pi_theta(a_t | s_t) = softmax(z_t)[a_t].

A completion's log-probability is the sum of its tokens',
log pi_theta(a_0 ... a_{T-1} | s) = sum_t log pi_theta(a_t | s_t). W_2 starts at zero, so every
seed starts from the uniform policy and only W_1 differs.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib._validate import check_int
from course_lib.digit_sum.task import DigitSumTask, check_digits, check_targets


class DigitPolicy(torch.nn.Module):
    """pi_theta(a_t | s_t) for `task`: an MLP over [onehot(s), onehot(t), onehot(sum so far)].

    Args:
        task: the task (its T, n_tokens and number of targets fix the sizes).
        hidden: H, the number of hidden units.
        seed: seeds the random first layer.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=3), hidden=8, seed=0)
        >>> policy.log_prob(np.array([2]), np.array([[1, 0, 1]])).exp()   # uniform: 1/27
        tensor([0.0370], dtype=torch.float64, grad_fn=<ExpBackward0>)
    """

    def __init__(self, task: DigitSumTask, hidden: int = 32, seed: int = 0):
        super().__init__()
        if not isinstance(task, DigitSumTask):
            raise TypeError(f"task must be a DigitSumTask, got {type(task).__name__}")
        hidden = check_int("hidden", hidden, low=1)
        self.task = task
        self.D = 2 * task.n_targets + task.T  # the length of x_t
        gen = torch.Generator().manual_seed(check_int("seed", seed))
        f64 = torch.float64
        self.W1 = torch.nn.Parameter(0.5 * torch.randn(self.D, hidden, generator=gen, dtype=f64))
        self.b1 = torch.nn.Parameter(torch.zeros(hidden, dtype=f64))
        self.W2 = torch.nn.Parameter(torch.zeros(hidden, task.n_tokens, dtype=f64))
        self.b2 = torch.nn.Parameter(torch.zeros(task.n_tokens, dtype=f64))

    def _rows(self, targets: np.ndarray, t: np.ndarray, so_far: np.ndarray) -> torch.Tensor:
        """The indices of the three ones of x_t, shape (..., 3)."""
        n = self.task.n_targets
        idx = np.stack([targets, n + t, n + self.task.T + so_far], axis=-1)
        return torch.from_numpy(idx)

    def logits(self, targets, t, so_far) -> torch.Tensor:
        """Logits z_t at prompts `targets`, positions `t`, sums so far `so_far`, (..., n_tokens).

        W_1^T x_t with a one-hot x_t is a sum of three rows of W_1, which is how it is computed.

        Example:
            >>> from course_lib.digit_sum.task import DigitSumTask
            >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
            >>> policy.logits(np.array([1, 3]), np.array([0, 1]), np.array([0, 2]))   # W_2 = 0
            tensor([[0., 0., 0.],
                    [0., 0., 0.]], dtype=torch.float64, grad_fn=<AddBackward0>)
        """
        idx = self._rows(np.asarray(targets), np.asarray(t), np.asarray(so_far))
        h = torch.tanh(self.W1[idx].sum(dim=-2) + self.b1)  # (..., H)
        return h @ self.W2 + self.b2

    def log_prob_tokens(self, targets, digits) -> torch.Tensor:
        """log pi_theta(a_t | s_t) of every token of every completion, shape (B, T), with a graph.

        Args:
            targets: the prompts, shape (B,).
            digits: the completions, shape (B, T).

        Example:
            >>> from course_lib.digit_sum.task import DigitSumTask
            >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
            >>> policy.log_prob_tokens(np.array([1]), np.array([[0, 1]])).exp()
            tensor([[0.3333, 0.3333]], dtype=torch.float64, grad_fn=<ExpBackward0>)
        """
        targets = check_targets(self.task, targets)
        digits = check_digits(self.task, digits)
        if targets.ndim != 1 or digits.shape != (targets.size, self.task.T):
            raise ValueError(
                f"targets must have shape (B,) and digits (B, {self.task.T}), "
                f"got {targets.shape} and {digits.shape}"
            )
        B, T = digits.shape
        so_far = np.concatenate([np.zeros((B, 1), np.int64), np.cumsum(digits, 1)[:, :-1]], 1)
        t = np.broadcast_to(np.arange(T), (B, T))
        prompts = np.broadcast_to(targets[:, None], (B, T))
        logp_all = torch.log_softmax(self.logits(prompts, t, so_far), dim=-1)  # (B, T, n_tokens)
        return logp_all.gather(-1, torch.from_numpy(digits)[..., None])[..., 0]  # (B, T)

    def log_prob(self, targets, digits) -> torch.Tensor:
        """log pi_theta(a_0 ... a_{T-1} | s) = sum_t log pi_theta(a_t | s_t), shape (B,).

        Example:
            >>> from course_lib.digit_sum.task import DigitSumTask
            >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
            >>> policy.log_prob(np.array([1]), np.array([[0, 1]])).exp()   # uniform: 1/9
            tensor([0.1111], dtype=torch.float64, grad_fn=<ExpBackward0>)
        """
        return self.log_prob_tokens(targets, digits).sum(dim=-1)

    @torch.no_grad()
    def sample(self, targets, rng: np.random.Generator) -> np.ndarray:
        """One completion per prompt, token by token, shape (B, T), int64.

        Each token is drawn by inverting the CDF of pi_theta(. | s_t) at a uniform number
        from `rng`, so a seeded `rng` gives the same completions every time.

        Example:
            >>> from course_lib.digit_sum.task import DigitSumTask
            >>> policy = DigitPolicy(DigitSumTask(T=4), hidden=4)
            >>> policy.sample(np.array([0, 8]), np.random.default_rng(0))
            array([[1, 0, 0, 0],
                   [2, 2, 1, 2]])
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        targets = check_targets(self.task, targets)
        if targets.ndim != 1:
            raise ValueError(f"targets must be 1-D, got shape {targets.shape}")
        B, T = targets.size, self.task.T
        u = rng.random((B, T))
        digits = np.zeros((B, T), dtype=np.int64)
        so_far = np.zeros(B, dtype=np.int64)
        for t in range(T):
            probs = torch.softmax(self.logits(targets, np.full(B, t), so_far), dim=-1).numpy()
            cdf = np.cumsum(probs, axis=-1)
            digits[:, t] = np.minimum((u[:, t, None] > cdf).sum(axis=-1), self.task.n_tokens - 1)
            so_far += digits[:, t]
        return digits


def check_policy(policy) -> DigitPolicy:
    """`policy` itself, checked to be a DigitPolicy.

    Example:
        >>> check_policy("pi")
        Traceback (most recent call last):
        ...
        TypeError: policy must be a DigitPolicy, got str
    """
    if not isinstance(policy, DigitPolicy):
        raise TypeError(f"policy must be a DigitPolicy, got {type(policy).__name__}")
    return policy


def score_vectors(policy: DigitPolicy, targets, digits) -> np.ndarray:
    """grad_theta log pi_theta(y | s) of each completion, by a hand-written backward pass.

    Per token: d log softmax(z)[a] / dz = onehot(a) - pi, then back through z = W_2^T h + b_2
    and h = tanh(W_1^T x + b_1), whose x has three ones; summed over the T tokens. The order
    of the entries is that of `flat_params`. Shape (B, n_params).

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
        >>> score_vectors(policy, np.array([1, 3]), np.array([[0, 1], [2, 1]])).shape
        (2, 67)
    """
    task = check_policy(policy).task
    targets, digits = check_targets(task, targets), check_digits(task, digits)
    if digits.ndim != 2 or targets.shape != digits.shape[:1]:
        raise ValueError(
            f"targets must have shape (B,) and digits (B, {task.T}), "
            f"got {targets.shape} and {digits.shape}"
        )
    B, T = digits.shape
    W1, b1 = policy.W1.detach().numpy(), policy.b1.detach().numpy()
    W2, b2 = policy.W2.detach().numpy(), policy.b2.detach().numpy()
    D, H = W1.shape
    so_far = np.concatenate([np.zeros((B, 1), np.int64), np.cumsum(digits, 1)[:, :-1]], 1)
    n = task.n_targets
    idx = np.stack(  # (B, T, 3): the rows of W_1 that x_t selects
        [
            np.broadcast_to(targets[:, None], (B, T)),
            np.broadcast_to(n + np.arange(T), (B, T)),
            n + T + so_far,
        ],
        axis=-1,
    )
    h = np.tanh(W1[idx].sum(axis=2) + b1)  # (B, T, H)
    z = h @ W2 + b2  # (B, T, n_tokens)
    pi = np.exp(z - z.max(axis=-1, keepdims=True))
    pi /= pi.sum(axis=-1, keepdims=True)
    dz = np.eye(task.n_tokens)[digits] - pi  # (B, T, n_tokens)
    dpre = (dz @ W2.T) * (1.0 - h**2)  # (B, T, H)
    x = np.zeros((B, T, D))  # the one-hot x_t, three ones each
    np.put_along_axis(x, idx, 1.0, axis=-1)
    gW1 = np.einsum("btd,bth->bdh", x, dpre)
    gb1 = dpre.sum(axis=1)
    gW2 = np.einsum("bth,btk->bhk", h, dz)
    gb2 = dz.sum(axis=1)
    return np.concatenate([gW1.reshape(B, -1), gb1, gW2.reshape(B, -1), gb2], axis=1)


def flat_params(policy: torch.nn.Module) -> np.ndarray:
    """All parameters in one vector theta, shape (n_params,), a copy.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> flat_params(DigitPolicy(DigitSumTask(T=2), hidden=4)).shape   # D = 12: 48 + 4 + 12 + 3
        (67,)
    """
    return torch.cat([p.detach().reshape(-1) for p in policy.parameters()]).numpy().copy()


def set_flat_params(policy: torch.nn.Module, theta) -> None:
    """Write the vector `theta` (from `flat_params`) back into the policy's parameters.

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
        >>> set_flat_params(policy, np.arange(67.0))
        >>> policy.b2.tolist()                              # the last three entries
        [64.0, 65.0, 66.0]
    """
    theta = torch.as_tensor(np.asarray(theta, dtype=np.float64))
    n = sum(p.numel() for p in policy.parameters())
    if theta.shape != (n,):
        raise ValueError(f"theta must have shape ({n},), got {tuple(theta.shape)}")
    with torch.no_grad():
        i = 0
        for p in policy.parameters():
            p.copy_(theta[i : i + p.numel()].reshape(p.shape))
            i += p.numel()


def flat_grad(policy: torch.nn.Module) -> np.ndarray:
    """All parameters' .grad in one vector, shape (n_params,) (zeros where there is none).

    Example:
        >>> from course_lib.digit_sum.task import DigitSumTask
        >>> policy = DigitPolicy(DigitSumTask(T=2), hidden=4)
        >>> policy.b2.sum().backward()                      # d/d b_2 = 1, no other .grad
        >>> flat_grad(policy)[-4:]
        array([0., 1., 1., 1.])
    """
    return (
        torch.cat(
            [
                (p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1)
                for p in policy.parameters()
            ]
        )
        .numpy()
        .copy()
    )
