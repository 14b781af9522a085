"""Shared set-up of the digit-sum tests: the small task, and policies with random parameters.

The tests import these (`from tests.digit_sum.conftest import TASK, random_policy`), as other
tests import `tests.conftest.ROOT`.
"""

import numpy as np

from course_lib.digit_sum.policy import DigitPolicy, flat_params, set_flat_params
from course_lib.digit_sum.task import DigitSumTask

TASK = DigitSumTask(T=3)  # 27 completions of each of 7 prompts: small enough to list


def random_policy(seed=0, task=TASK, hidden=4):
    """A policy with every parameter drawn from N(0, 1) with numpy seed `seed`.

    A fresh DigitPolicy has W_2 = 0, so it is uniform, which would hide bugs.
    """
    policy = DigitPolicy(task, hidden=hidden, seed=seed)
    set_flat_params(policy, np.random.default_rng(seed).normal(size=flat_params(policy).size))
    return policy
