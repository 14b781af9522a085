"""course_lib: the tested helper library of the course book.

Each module holds one idea and says which chapter introduces it. The chapters import what
they need by name, for example ``from course_lib.returns import discounted_returns``.

Chapter 1, MDPs
    ``returns`` (G_t, standardisation), ``mdp`` (tabular MDPs, the short corridor),
    ``plotting`` (figures shared by chapters 1 and 2).
Chapter 2, the log-derivative trick
    ``softmax_policy``, ``toy_mdp`` (a problem small enough to enumerate), ``score_function``
    (the REINFORCE estimator), ``finite_diff``, ``gaussian_policy``, ``quadratic_bandit``,
    ``widgets`` (the derivation stepper).
Chapter 3, REINFORCE on a bandit
    ``bandit``, ``softmax``, ``bandit.reinforce``, ``plotting_bandit``, ``widgets_bandit``.
Chapter 4, CartPole
    ``numpy_policy`` (hand-written backprop), ``rmsprop``, ``pg_weights`` (R, G_t,
    standardised G_t), ``cartpole.config``, ``cartpole.rollout``, ``cartpole.reinforce_numpy``,
    ``cartpole.reinforce_torch``, ``cartpole_runs`` (multi-seed runs), ``plotting_cartpole``,
    ``widgets_returns`` (the return-to-go visualiser).
Chapter 5, Pong from pixels
    ``pong`` (preprocessing, the sparse vectorised trainer, checkpoints, the command line).
Chapter 6, baselines
    ``variance``, ``corridor.reinforce`` (Sutton & Barto's Figures 13.1 and 13.2),
    ``cartpole.baseline``, ``cartpole.bugs``, ``plotting_baselines``.

``exercises`` holds every chapter's checkers; ``_validate`` the argument checks they share.
"""
