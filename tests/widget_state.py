"""Reading a widget's saved state, as the static HTML page gets it (shared by the widget tests)."""

from __future__ import annotations

from ipywidgets.embed import embed_data


def links_in(widget):
    """(source, target) pairs of every jslink in the saved widget state, as (model_id, attr)."""
    state = embed_data(views=[widget])["manager_state"]["state"]
    links = []
    for model in state.values():
        if model["model_name"] == "LinkModel":
            src, tgt = model["state"]["source"], model["state"]["target"]
            links.append(
                (
                    (src[0].removeprefix("IPY_MODEL_"), src[1]),
                    (tgt[0].removeprefix("IPY_MODEL_"), tgt[1]),
                )
            )
    return links
