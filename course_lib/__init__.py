"""course_lib: the tested helper library of the course book.

The layout has one rule (CONTRIBUTING.md says it in full):

- A module directly in ``course_lib/`` is one idea of the theory that does not depend on the
  problem it is used on: returns, policies and their scores, estimators, optimisers, exact
  computations on the small problems the book solves by hand or by enumeration (the short
  corridor in ``mdp``, the enumerable MDP in ``toy_mdp``), argument checks (``_validate``),
  the shared plot helpers (``plotting``) and widget plumbing (``widgets``). A core idea's
  widget is ``widgets_<idea>``.
- A subpackage is one problem the book trains a learner on by sampling: its environment,
  trainers, command-line run programs, plots (``plots``) and widgets (``widgets``).
- ``exercises/chNN.py`` holds chapter NN's checkers, on the framework in ``exercises``.

Each module's docstring names the chapter that introduces it. The chapters import what they
need by name, for example ``from course_lib.returns import discounted_returns``.

Chapter 1, MDPs
    ``returns`` (G_t, one episode or a padded batch; standardisation), ``mdp`` (tabular MDPs,
    the short corridor), ``corridor.plots``, ``corridor.widgets`` (the corridor explorer).
Chapter 2, the log-derivative trick
    ``softmax_policy``, ``toy_mdp`` (a problem small enough to enumerate), ``score_function``
    (the REINFORCE estimator), ``finite_diff``, ``gaussian_policy``, ``bandit.quadratic``,
    ``plotting``, ``widgets_derivation`` (the derivation stepper).
Chapter 3, REINFORCE on a bandit
    ``softmax``, ``bandit.env``, ``bandit.reinforce``, ``bandit.plots``, ``bandit.widgets``.
Chapter 4, CartPole
    ``numpy_policy`` (hand-written backprop), ``rmsprop``, ``pg_weights`` (R, G_t,
    standardised G_t), ``cartpole.config``, ``cartpole.rollout``, ``cartpole.reinforce_numpy``,
    ``cartpole.reinforce_torch``, ``cartpole.runs`` (multi-seed runs), ``cartpole.plots``,
    ``widgets_returns`` (the return-to-go visualiser).
Chapter 5, Pong from pixels
    ``pong`` (preprocessing, the readable reference loop and the fast trainer, checkpoints,
    playing and evaluating, the command line).
Chapter 6, baselines
    ``variance``, ``corridor.reinforce`` (Sutton & Barto's Figures 13.1 and 13.2),
    ``cartpole.baseline``, ``cartpole.bugs``.
Chapter 7, beyond REINFORCE
    ``advantages`` (TD errors, GAE), ``gae_exact`` (GAE's bias and variance by enumeration),
    ``widgets_gae``, ``ppo`` (the importance ratio and the clipped loss),
    ``cartpole.actor_critic``, ``cartpole.ppo``, ``cartpole.ppo_runs``, ``group_baselines``
    (RLOO, GRPO), ``digit_sum`` (a language-model task small enough to enumerate).
"""
