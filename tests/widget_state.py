"""Reading a widget's saved state, as the static HTML page gets it (shared by the widget tests).

And the checks every slider widget (`course_lib.widgets.slider_views`) passes.
"""

from __future__ import annotations

import json

import ipywidgets as widgets
from ipywidgets.embed import dependency_state, embed_data

LINK_MODELS = ("LinkModel", "DirectionalLinkModel")  # jslink and jsdlink


def own_state(widget) -> dict:
    """The saved state of `widget`'s models and of the links between them only.

    `embed_data` saves every widget alive in the process (as a notebook page does), so in a
    test session it also holds other tests' widgets; keep only what belongs to this one.
    """
    state = embed_data(views=[widget])["manager_state"]
    own = dependency_state([widget])
    ids = set(own)
    for model_id, model in state["state"].items():
        if model["model_name"] in LINK_MODELS:
            ends = {
                model["state"][end][0].removeprefix("IPY_MODEL_") for end in ("source", "target")
            }
            if ends <= ids:
                own[model_id] = model
    return {**state, "state": own}


def links_in(widget_or_state) -> list:
    """(source, target) pairs of every JS-side link (jslink or jsdlink), as (model_id, attr).

    Takes a widget (its whole saved page state) or a manager state from `own_state`.
    """
    if isinstance(widget_or_state, dict):
        state = widget_or_state
    else:
        state = embed_data(views=[widget_or_state])["manager_state"]
    links = []
    for model in state["state"].values():
        if model["model_name"] in LINK_MODELS:
            src, tgt = model["state"]["source"], model["state"]["target"]
            links.append(
                (
                    (src[0].removeprefix("IPY_MODEL_"), src[1]),
                    (tgt[0].removeprefix("IPY_MODEL_"), tgt[1]),
                )
            )
    return links


def state_bytes(widget) -> int:
    """The bytes of `widget`'s saved state as the page embeds it: its models, as JSON."""
    return len(json.dumps(dependency_state([widget])))


def assert_slider_drives_views(box, *, css_class: str, start: int) -> None:
    """`box` is what `course_lib.widgets.slider_views` makes, and works with no kernel.

    A SelectionSlider above a Stack with one view per position; the slider's index drives the
    Stack's selected_index through a JS-side link in the saved state; both open at `start`;
    the box carries `css_class`, by which the browser tests find it.
    """
    slider, views = box.children
    assert isinstance(slider, widgets.SelectionSlider) and isinstance(views, widgets.Stack)
    assert len(slider.options) == len(views.children)
    assert ((slider.model_id, "index"), (views.model_id, "selected_index")) in links_in(box)
    assert slider.index == views.selected_index == start
    assert slider.continuous_update
    assert css_class in box._dom_classes
