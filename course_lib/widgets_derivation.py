"""The derivation stepper: a derivation shown one equation at a time, with no kernel (chapter 2).

Each step is an equation and a note on what changed; the pages are built up front and a Play
button, a slider and a counter pick one through `course_lib.widgets.linked_stack`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from course_lib.widgets import linked_stack


@dataclass(frozen=True)
class Step:
    """One step of a derivation: an equation and what changed since the previous step.

    Example:
        >>> Step("x + 1 = 2", "add one to both sides").equation
        'x + 1 = 2'

    Attributes:
        equation: LaTeX of the equation, without the surrounding ``$$``.
        note: one or two sentences that say what changed and why it is allowed. May
            contain inline math between single dollar signs.
    """

    equation: str
    note: str


def step_html(step: Step, k: int, n: int, title: str = "") -> str:
    """The HTML of step `k` (1-based) of `n`: a header, the equation in display math, the note.

    Example:
        >>> "Step 2 of 3" in step_html(Step("a = b", "why"), 2, 3)
        True
    """
    if not isinstance(step, Step):
        raise TypeError(f"step must be a Step, got {type(step).__name__}")
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in [1, n] = [1, {n}], got {k}")
    header = f"Step {k} of {n}" + (f" · {html.escape(title)}" if title else "")
    return (
        f'<div class="derivation-step" data-step="{k}">'
        f'<div style="font-size:0.85em;color:#666">{header}</div>'
        f"<div>$$ {step.equation} $$</div>"
        f'<div style="margin-top:0.3em"><b>What changed:</b> {step.note}</div>'
        "</div>"
    )


def derivation_stepper(steps: list[Step], title: str = "", interval_ms: int = 3000) -> widgets.VBox:
    """A widget that steps through a derivation one equation at a time.

    Controls: a Play button that advances by itself, a slider (drag it, or focus it and use
    the arrow keys) and a step counter whose arrows are previous/next. All three are linked
    on the JavaScript side to a `Stack` that shows one step, so it works without a kernel.

    Args:
        steps: the derivation, at least one `Step`.
        title: shown in every step's header.
        interval_ms: how long Play dwells on each step.

    Example:
        >>> w = derivation_stepper([Step("x = 1", "start"), Step("x + 1 = 2", "add one")])
        >>> len(w.children[1].children)   # a blank page 0, then one page per step
        3
    """
    if isinstance(steps, Step) or not isinstance(steps, (list, tuple)):
        raise TypeError(f"steps must be a list of Step, got {type(steps).__name__}")
    if not steps or not all(isinstance(s, Step) for s in steps):
        raise ValueError("steps must be a non-empty list of Step")
    n = len(steps)
    # Index 0 of the stack is an empty page that the controls (min=1) never select, so that
    # the counter, the slider and the stack can share one 1-based index through jslink.
    pages = [widgets.HTML("")] + [
        widgets.HTMLMath(step_html(step, k, n, title)) for k, step in enumerate(steps, start=1)
    ]
    play = widgets.Play(value=1, min=1, max=n, step=1, interval=interval_ms, description="Play")
    # No readout: the counter beside the slider already shows the step number.
    slider = widgets.IntSlider(
        value=1, min=1, max=n, description="Step", readout=False, continuous_update=True
    )
    counter = widgets.BoundedIntText(value=1, min=1, max=n, layout=widgets.Layout(width="5em"))
    widgets.jslink((play, "value"), (slider, "value"))
    widgets.jslink((slider, "value"), (counter, "value"))
    stack = linked_stack(slider, pages, trait="value")
    stack.layout.min_height = "8em"
    controls = widgets.HBox([play, slider, counter, widgets.Label(f"of {n}")])
    box = widgets.VBox([controls, stack])
    box.add_class("derivation-stepper")
    return box
