"""Shared fixtures: the strict book build, run once per test session and reused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BookBuild:
    returncode: int
    log: str
    html: Path


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    """Run `jupyter-book build --all . -W -n --keep-going` (executions are cached)."""
    # Sphinx does not overwrite static files that already exist in the output, so a stale
    # _build/html could hide a changed asset. The execution cache lives outside it.
    shutil.rmtree(ROOT / "_build" / "html", ignore_errors=True)
    # The execution cache is keyed on the notebooks' code only, not on course_lib, which
    # they import: drop it when any library file is newer, so outputs match the code.
    cache = ROOT / "_build" / ".jupyter_cache"
    if (cache / "global.db").exists():
        built = (cache / "global.db").stat().st_mtime
        if any(p.stat().st_mtime > built for p in (ROOT / "course_lib").rglob("*.py")):
            shutil.rmtree(cache)
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    assert jupyter_book, "jupyter-book is not installed next to this Python"
    result = subprocess.run(
        [jupyter_book, "build", "--all", str(ROOT), "-W", "-n", "--keep-going"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=1800,
    )
    return BookBuild(result.returncode, result.stdout + result.stderr, ROOT / "_build" / "html")
