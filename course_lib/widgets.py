"""Kernel-less widgets: the plumbing every widget of the book shares.

Every widget in the book works in two places: live in Jupyter, and in the rendered HTML with
no kernel. That rules out Python callbacks (`observe`, `interact`), which need a kernel.
Instead each view is computed up front, put in a `Stack`, and the controls select a view
through `jsdlink`, which the browser carries out on its own. `linked_stack` is that one
pattern; `nested_stack` stacks it, one level per control.

Where the widgets live (CONTRIBUTING.md): a core idea's widget in `widgets_<idea>.py` beside
this module (`widgets_derivation`, `widgets_returns`, `widgets_gae`), a problem's in its package
(`course_lib.bandit.widgets`, `course_lib.corridor.widgets`, `course_lib.pong.inside`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets


def linked_stack(control: widgets.Widget, children, *, trait: str = "index") -> widgets.Stack:
    """A `Stack` of `children` whose shown child follows `control.<trait>` in the browser.

    The link is a `jsdlink` (control -> stack), so it works in the static HTML; the stack
    starts on the child the control shows now.

    Example:
        >>> slider = widgets.IntSlider(value=1, min=0, max=2)
        >>> stack = linked_stack(slider, [widgets.HTML(str(k)) for k in range(3)], trait="value")
        >>> stack.selected_index, len(stack.children)
        (1, 3)
    """
    children = list(children)
    start = getattr(control, trait)
    if not isinstance(start, int) or not 0 <= start < len(children):
        raise ValueError(f"control.{trait} must index the {len(children)} children, got {start!r}")
    stack = widgets.Stack(children, selected_index=start)
    widgets.jsdlink((control, trait), (stack, "selected_index"))
    return stack


def nested_stack(levels: Sequence[tuple[widgets.Widget, int]], leaf: Callable) -> widgets.Stack:
    """A tree of Stacks, one level per (control, n): control k picks the child at level k.

    Every Stack of level k follows `control.index` through `linked_stack`, so the tree works
    in the static HTML. `leaf(path)` makes the widget at the index tuple `path`. Adding a
    setting (say, a baseline on/off) is one more level.

    Example:
        >>> a = widgets.ToggleButtons(options=["x", "y"])
        >>> b = widgets.Dropdown(options=["1", "2", "3"])
        >>> tree = nested_stack([(a, 2), (b, 3)], lambda path: widgets.HTML(str(path)))
        >>> len(tree.children), len(tree.children[1].children), tree.children[1].children[2].value
        (2, 3, '(1, 2)')
    """
    control, n = levels[0]
    if len(levels) == 1:
        children = [leaf((i,)) for i in range(n)]
    else:
        children = [nested_stack(levels[1:], lambda path, i=i: leaf((i, *path))) for i in range(n)]
    return linked_stack(control, children)
