"""Kernel-less widgets: the plumbing every widget of the book shares.

Every widget in the book works in two places: live in Jupyter, and in the rendered HTML with
no kernel. That rules out Python callbacks (`observe`, `interact`), which need a kernel.
Instead each view is computed up front, put in a `Stack`, and the controls select a view
through `jsdlink`, which the browser carries out on its own. `linked_stack` is that one
pattern; `nested_stack` stacks it, one level per control; `slider_views` is the commonest
use of it, a slider over one precomputed HTML view per position.

Where the widgets live (CONTRIBUTING.md): a core idea's widget in `widgets_<idea>.py` beside
this module (`widgets_derivation`, `widgets_returns`, `widgets_gae`), a problem's in its package
(`course_lib.bandit.widgets`, `course_lib.corridor.widgets`, `course_lib.pong.widgets`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from course_lib._validate import check_int


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


def slider_views(
    labels: Sequence[str],
    views: Sequence[str],
    *,
    description: str,
    start: int,
    width: int,
    css_class: str,
    description_width: str | None = None,
) -> widgets.VBox:
    """A SelectionSlider over `labels` above a Stack of HTML `views` that follows it, no kernel.

    The slider at position i (labels[i]) shows views[i]; the Stack follows the slider's index
    through `linked_stack`. Chapter 1's corridor and chapter 7's GAE widgets are ones.

    Args:
        labels: the slider's positions, as it shows them, length S.
        views: one HTML string per position, length S.
        description: the slider's label.
        start: the position shown first, in [0, S - 1].
        width: the slider's width in pixels.
        css_class: a class for the box, by which a page (and its browser tests) finds it.
        description_width: the width of the slider's label (say "initial", as wide as it
            needs); ipywidgets' default when None.

    Returns:
        VBox([slider, stack]).

    Example:
        >>> box = slider_views(["a", "b", "c"], ["<i>a</i>", "<i>b</i>", "<i>c</i>"],
        ...                    description="x", start=1, width=300, css_class="demo")
        >>> slider, stack = box.children
        >>> slider.value, stack.selected_index, stack.children[1].value, box._dom_classes
        ('b', 1, '<i>b</i>', ('demo',))
    """
    labels, views = list(labels), list(views)
    if len(labels) != len(views):
        raise ValueError(
            f"labels and views must have one entry per position, got {len(labels)} "
            f"labels and {len(views)} views"
        )
    start = check_int("start", start, low=0, high=len(labels) - 1)
    style = {} if description_width is None else {"style": {"description_width": description_width}}
    slider = widgets.SelectionSlider(
        options=labels,
        index=start,
        description=description,
        continuous_update=True,
        layout=widgets.Layout(width=f"{width}px"),
        **style,
    )
    box = widgets.VBox([slider, linked_stack(slider, [widgets.HTML(v) for v in views])])
    box.add_class(css_class)
    return box
