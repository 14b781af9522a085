"""Keep the chapters' cell metadata right for both readers: the HTML book and JupyterLab.

    python tools/notebook_metadata.py          rewrite book/*.ipynb where needed
    python tools/notebook_metadata.py --check  exit 1 (and name the cells) if any is out of date

Jupyter Book reads cell *tags*; JupyterLab reads the `jupyter` metadata namespace. One rule
set, applied to every chapter, makes the two agree:

- A solution's code cells (between `solution-start` and `solution-end`) start collapsed in
  JupyterLab (`jupyter.source_hidden`, `jupyter.outputs_hidden`), and their first line is
  the comment `# Solution`: a collapsed cell still shows its first line, which must not give
  the answer away. In the HTML book the gated solution is already a closed dropdown.
- A cell tagged `hide-input` starts with its source collapsed in JupyterLab too, and one
  tagged `hide-output` (the answer to a "predict, then check" prompt) with its outputs
  collapsed.
- A check cell (every statement an `assert`) is folded in both: tag `hide-input`, with the
  toggle labelled "Show the check" in the HTML, and its source collapsed in JupyterLab. It
  still runs: nbval and the book build execute it like any other cell.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK_PROMPTS = {"code_prompt_show": "Show the check", "code_prompt_hide": "Hide the check"}


def is_check_cell(source: str) -> bool:
    """True when every statement of the code is an `assert` (comments and blank lines aside)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(stmt, ast.Assert) for stmt in body)


SOLUTION_FIRST_LINE = "# Solution"


def wanted_cells(nb: dict) -> list[dict]:
    """Every cell of `nb` as it should be: metadata, and a solution's first line."""
    cells = []
    wanted = zip(nb["cells"], wanted_metadata(nb), _in_solution(nb), strict=True)
    for cell, meta, solution in wanted:
        cell = {**cell, "metadata": meta}
        source = "".join(cell["source"])
        if solution and cell["cell_type"] == "code" and not source.startswith(SOLUTION_FIRST_LINE):
            source = f"{SOLUTION_FIRST_LINE}\n{source}"
            cell["source"] = source.splitlines(keepends=True)
        cells.append(cell)
    return cells


def _in_solution(nb: dict) -> list[bool]:
    """For each cell: does it lie inside a gated solution?"""
    out, inside = [], False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            # A markdown cell may end one gate and open the next: the last marker wins.
            starts, ends = source.rfind("{solution-start}"), source.rfind("{solution-end}")
            if max(starts, ends) >= 0:
                inside = starts > ends
        out.append(inside)
    return out


def wanted_metadata(nb: dict) -> list[dict]:
    """The metadata every cell of `nb` should have, in order."""
    out = []
    for cell, in_solution in zip(nb["cells"], _in_solution(nb), strict=True):
        meta = json.loads(json.dumps(cell.get("metadata", {})))  # a deep copy
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            tags = meta.get("tags", [])
            jupyter = dict(meta.get("jupyter", {}))
            if in_solution:
                jupyter.update(source_hidden=True, outputs_hidden=True)
            elif is_check_cell(source):
                if "hide-input" not in tags:
                    tags = [*tags, "hide-input"]
                meta["mystnb"] = {**meta.get("mystnb", {}), **CHECK_PROMPTS}
            if "hide-input" in tags:
                jupyter["source_hidden"] = True
            if "hide-output" in tags:  # e.g. the answer to a "predict, then check" prompt
                jupyter["outputs_hidden"] = True
            if tags:
                meta["tags"] = tags
            if jupyter:
                meta["jupyter"] = jupyter
        out.append(meta)
    return out


def out_of_date(nb: dict) -> list[int]:
    """Indices of the cells that differ from `wanted_cells`."""
    return [i for i, (c, w) in enumerate(zip(nb["cells"], wanted_cells(nb), strict=True)) if c != w]


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = 0
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        bad = out_of_date(nb)
        if not bad:
            continue
        stale += 1
        if check:
            print(f"{path.relative_to(ROOT)}: cells {bad} need `python tools/notebook_metadata.py`")
            continue
        nb["cells"] = wanted_cells(nb)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: updated cells {bad}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
