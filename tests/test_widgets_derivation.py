"""Tests for course_lib.widgets_derivation: the views are right, the links on the JS side."""

import ipywidgets as widgets
import pytest

from course_lib.widgets_derivation import Step, derivation_stepper, step_html
from tests.widget_state import links_in

STEPS = [
    Step(r"J = \sum_\tau P R", "start"),
    Step(r"\nabla J = \sum_\tau \nabla P R", "move the gradient in"),
]


def test_step_html_shows_header_equation_and_note():
    text = step_html(STEPS[1], 2, 2, title="REINFORCE")
    assert "Step 2 of 2 · REINFORCE" in text
    assert r"$$ \nabla J = \sum_\tau \nabla P R $$" in text
    assert "move the gradient in" in text


def test_step_html_escapes_the_title():
    assert "&lt;b&gt;" in step_html(STEPS[0], 1, 1, title="<b>")


def test_stepper_has_one_page_per_step_and_starts_at_the_first():
    box = derivation_stepper(STEPS, title="t")
    controls, stack = box.children
    assert isinstance(stack, widgets.Stack)
    assert len(stack.children) == len(STEPS) + 1
    assert stack.selected_index == 1
    play, slider, counter, _ = controls.children
    assert (play.min, play.max, slider.min, slider.max) == (1, 2, 1, 2)
    for k, page in enumerate(stack.children[1:], start=1):
        assert f"Step {k} of 2" in page.value


def test_every_control_drives_the_stack_without_a_kernel():
    box = derivation_stepper(STEPS)
    controls, stack = box.children
    play, slider, counter, _ = controls.children
    links = links_in(box)
    assert ((play.model_id, "value"), (slider.model_id, "value")) in links
    assert ((slider.model_id, "value"), (counter.model_id, "value")) in links
    assert ((slider.model_id, "value"), (stack.model_id, "selected_index")) in links


@pytest.mark.parametrize(
    ("steps", "error"),
    [([], ValueError), (Step("a", "b"), TypeError), (["x = 1"], ValueError), ("x", TypeError)],
)
def test_bad_steps_are_rejected(steps, error):
    with pytest.raises(error, match="steps"):
        derivation_stepper(steps)


def test_step_html_rejects_bad_arguments():
    with pytest.raises(ValueError, match="k must lie"):
        step_html(STEPS[0], 3, 2)
    with pytest.raises(TypeError, match="step must be a Step"):
        step_html("x", 1, 1)
