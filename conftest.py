"""Set-up for the whole pytest session, doctests included.

Figures drawn in tests and docstring examples go to matplotlib's Agg backend (no window, no
display needed), so an example need not say so. The chapters' kernels are other processes and
keep their inline backend.
"""

import matplotlib

matplotlib.use("Agg")
