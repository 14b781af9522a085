"""Digit sum: a tiny sequence task with a verifiable reward, for chapter 7's group baselines.

The prompt is a target sum; the policy writes T digits, one token at a time, and earns 1 if
they add up to the target, 0 if not. Every completion of a short version can be listed, so the
expected reward, its gradient and the expectation of each estimator are computed exactly.

Modules, in the order chapter 7 uses them:

    task           the prompts, the completions, the 0/1 reward, the list of all completions
    policy         DigitPolicy, pi_theta(a_t | s_t), and its score grad log pi by hand
    exact          V^pi(s), J(theta), grad J and each estimator's E[g_hat], by enumeration
    estimators     REINFORCE, REINFORCE + V_phi, RLOO and GRPO: their advantages and losses
    bias_variance  every estimator on the same batches, and the bias/variance table
    train          one training run with one estimator
    runs           the program behind book/data/digit_sum: ten seeds and the table
    plots          the chapter's figures of the runs and of omega_K(v)

The group baselines themselves (RLOO, GRPO) do not depend on the task: they are in
`course_lib.group_baselines`.
"""
