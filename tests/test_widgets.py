"""Tests for course_lib.widgets: a control drives its Stack through a JS-side link."""

import ipywidgets as widgets
import pytest

from course_lib.widgets import linked_stack, nested_stack, slider_views
from tests.widget_state import assert_slider_drives_views, links_in


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


def test_slider_views_shows_each_view_at_its_position():
    views = [f"<b>{k}</b>" for k in range(5)]
    box = slider_views(
        [f"{k / 4:.2f}" for k in range(5)],
        views,
        description="x",
        start=3,
        width=400,
        css_class="demo-explorer",
        description_width="initial",
    )
    assert_slider_drives_views(box, css_class="demo-explorer", start=3)
    slider, stack = box.children
    assert slider.value == "0.75" and [child.value for child in stack.children] == views
    assert slider.layout.width == "400px" and slider.style.description_width == "initial"


@pytest.mark.parametrize(
    ("labels", "start", "error", "name"),
    [
        (["a", "b"], 2, ValueError, "start"),
        (["a"], 0, ValueError, "views"),
        (["a", "b"], 0.0, TypeError, "start"),
    ],
)
def test_slider_views_rejects_bad_input(labels, start, error, name):
    with pytest.raises(error, match=name):
        slider_views(labels, ["x", "y"], description="x", start=start, width=100, css_class="c")
