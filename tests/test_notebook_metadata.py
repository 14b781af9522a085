"""The chapters' cell metadata follow tools/notebook_metadata.py: solutions and checks fold."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT

TOOL = ROOT / "tools" / "notebook_metadata.py"
spec = importlib.util.spec_from_file_location("notebook_metadata", TOOL)
notebook_metadata = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebook_metadata)

CHAPTERS = sorted((ROOT / "book").glob("0*.ipynb"))


def code(source: str, **metadata) -> dict:
    return {"cell_type": "code", "metadata": metadata, "source": [source], "outputs": []}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": [source]}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_in_sync(path):
    nb = json.loads(path.read_text())
    stale = notebook_metadata.out_of_date(nb)
    assert not stale, f"{path.name}: cells {stale} are out of date: run tools/notebook_metadata.py"


def test_check_cells_are_only_asserts():
    assert notebook_metadata.is_check_cell("assert x == 1  # the claim\n\nassert y")
    assert not notebook_metadata.is_check_cell("x = 1\nassert x == 1")
    assert not notebook_metadata.is_check_cell("# only a comment")
    assert not notebook_metadata.is_check_cell("assert (")  # a syntax error is not a check


def test_solution_cells_collapse_and_hide_their_first_line():
    nb = {
        "cells": [
            markdown("```{exercise-start} E\n:label: e\n```\ntext"),
            code("answer = ..."),
            markdown("```{exercise-end}\n```\n\n```{solution-start} e\n:class: dropdown\n```"),
            code("answer = 42\nassert check(answer)"),
            markdown("```{solution-end}\n```"),
            code("print(1)"),
            code("assert 1 == 1", tags=["keep"]),
        ]
    }
    cells = notebook_metadata.wanted_cells(nb)
    assert cells[1]["metadata"] == {}  # the exercise's own cell stays open
    assert cells[3]["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert "".join(cells[3]["source"]).splitlines()[0] == "# Solution"
    assert cells[5]["metadata"] == {}
    check = cells[6]["metadata"]
    assert check["tags"] == ["keep", "hide-input"]
    assert check["jupyter"] == {"source_hidden": True}
    assert check["mystnb"]["code_prompt_show"] == "Show the check"
    assert notebook_metadata.out_of_date({"cells": cells}) == []
