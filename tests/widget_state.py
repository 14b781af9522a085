"""Reading a widget's saved state, as the static HTML page gets it (shared by the widget tests)."""

from __future__ import annotations

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
