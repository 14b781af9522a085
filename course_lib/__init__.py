"""course_lib: the tested helper library of the course book.

Each module holds one idea and says which chapter introduces it. The chapters import what
they need by name, for example ``from course_lib.returns import discounted_returns``.

Chapter 1 (MDPs): ``returns`` (G_t, standardisation), ``mdp`` (tabular MDPs, the short
corridor). Chapter 2 (the log-derivative trick): ``widgets`` (the derivation stepper) and the
score-function estimators. ``exercises`` holds the checkers for every chapter's exercises.
"""
