"""The strict book build is a test: every chapter executes, no warning, no broken reference."""

import re

import pytest
import yaml

from tests.conftest import ROOT


def toc_files():
    """Every file named in _toc.yml, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


@pytest.mark.slow
def test_strict_book_build(book_build):
    assert book_build.returncode == 0, book_build.log[-8000:]
    # -W already fails the build on a Sphinx warning; this also catches a warning printed
    # by an extension that does not go through Sphinx's logger.
    problems = re.findall(r"^.*(?:: |^)(?:WARNING|ERROR|CRITICAL): .*$", book_build.log, re.M)
    assert not problems, "\n".join(problems)
    for name in toc_files():
        assert (book_build.html / f"{name}.html").is_file(), f"{name} was not built"


@pytest.mark.slow
def test_widget_state_is_saved_in_the_pages(book_build):
    """Pages with widgets carry their state, so the widgets render with no kernel."""
    for name in toc_files():
        page = (book_build.html / f"{name}.html").read_text()
        if "application/vnd.jupyter.widget-view+json" in page:
            assert "application/vnd.jupyter.widget-state+json" in page, name
