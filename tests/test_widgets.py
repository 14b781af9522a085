"""Tests for course_lib.widgets: a control drives its Stack through a JS-side link."""

import ipywidgets as widgets
import pytest

from course_lib.widgets import linked_stack, nested_stack
from tests.widget_state import links_in


def test_linked_stack_follows_the_control_in_the_saved_state():
    slider = widgets.IntSlider(value=2, min=0, max=3)
    stack = linked_stack(slider, [widgets.HTML(str(k)) for k in range(4)], trait="value")
    assert stack.selected_index == 2
    assert ((slider.model_id, "value"), (stack.model_id, "selected_index")) in links_in(stack)


def test_linked_stack_rejects_a_control_outside_the_children():
    slider = widgets.IntSlider(value=5, min=0, max=9)
    with pytest.raises(ValueError, match="control.value"):
        linked_stack(slider, [widgets.HTML("a")], trait="value")


def test_nested_stack_puts_each_leaf_at_its_path_and_links_every_level():
    a = widgets.ToggleButtons(options=["x", "y"], index=1)
    b = widgets.Dropdown(options=["1", "2", "3"], index=0)
    tree = nested_stack([(a, 2), (b, 3)], lambda path: widgets.HTML(repr(path)))
    links = links_in(tree)
    assert tree.selected_index == 1
    assert ((a.model_id, "index"), (tree.model_id, "selected_index")) in links
    for i, sub in enumerate(tree.children):
        assert ((b.model_id, "index"), (sub.model_id, "selected_index")) in links
        assert [leaf.value for leaf in sub.children] == [repr((i, j)) for j in range(3)]
