"""The chapters work in JupyterLab as a learner opens them: `make lab`, then each chapter.

Starts JupyterLab from this environment on 127.0.0.1 (no token, no network, a copy of book/
so that running the cells changes nothing in the repository), opens every chapter in
Debian's Chromium driven by Playwright, and checks what a learner sees:

- the markdown is rendered by jupyterlab-myst: math typeset, no raw MyST (fences, roles,
  directive options) left in the text;
- every solution starts hidden (its text in a closed dropdown, its code collapsed) and opens
  on a click;
- Run All runs every cell without an error;
- in a chapter with widgets, a widget is displayed and answers its slider.

Screenshots go to `_build/screenshots/lab/`. Under CI=true the test must run, not skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM_FLAGS, chromium_path  # noqa: F401 (a fixture)

SCREENSHOTS = ROOT / "_build" / "screenshots" / "lab"
CHAPTERS = sorted(p.name for p in (ROOT / "book").glob("0*.ipynb"))
# Chapters that display a widget built by one of these (each has a slider).
WIDGET_MAKERS = ("derivation_stepper", "bandit_explorer", "rtg_visualiser", "inside_view")
WIDGET_MAKERS += ("corridor_explorer", "gae_explorer")
WIDGET_CHAPTERS = [
    n for n in CHAPTERS if any(w in (ROOT / "book" / n).read_text() for w in WIDGET_MAKERS)
]
# Raw MyST that must not survive rendering: fences, roles, directive options.
RAW_MYST = ["```", "{term}", "{cite", "{eq}", "{ref}", "{numref}", "{doc}", ":label:", ":class:"]
RAW_MYST += ["{exercise", "{solution", "{admonition", "{note}", "{tip}", "$$"]
# Lab's own warnings about its shared modules (jupyterlab-myst is built against newer
# versions than JupyterLab 4.4 ships; they load and work): not about the book.
HARMLESS = ["Unsatisfied version", "Cross reference target was not found"]

pytestmark = pytest.mark.slow
RUN_ALL_TIMEOUT_MS = int(os.environ.get("LAB_RUN_ALL_TIMEOUT_S", "900")) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(folder: Path) -> None:
    """User settings for the test: every cell in the DOM, no news or update checks."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of book/ on 127.0.0.1; yields (base URL, copy of book/)."""
    jupyter = Path(sys.executable).parent / "jupyter"
    assert jupyter.exists(), "jupyter is not installed next to this Python"
    tmp = tmp_path_factory.mktemp("lab")
    # The repository's layout, with book/ copied and the rest linked: chapters read ../bench.
    repo = tmp / "repo"
    repo.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("book", "_build", ".venv", ".git"):
            (repo / entry.name).symlink_to(entry)
    book = repo / "book"
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    lab_settings(tmp / "settings")
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"))
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={book}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.expose_app_in_browser=True",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp / "server.log").read_text())
                time.sleep(0.5)
        yield url, book
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_browser(chromium_path):  # noqa: F811 (the fixture imported above)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def solution_code_cells(name: str) -> list[int]:
    """Indices of the code cells that belong to a solution (collapsed in JupyterLab)."""
    nb = json.loads((ROOT / "book" / name).read_text())
    return [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and "".join(c["source"]).startswith("# Solution")
    ]


def shoot(page, name: str, what: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(name).stem}-{what}.png"))


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_in_jupyterlab(lab, lab_browser, name):
    url, _ = lab
    context = lab_browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    console: list[str] = []
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type == "error" else None,
    )
    try:
        # ?reset: a fresh workspace, so that the chapters opened before are not reopened too
        page.goto(f"{url}/lab/tree/{name}?reset", wait_until="load", timeout=120_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
        n_cells = json.loads((ROOT / "book" / name).read_text())["cells"]
        page.wait_for_function(
            f"document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === {len(n_cells)}",
            timeout=60_000,
        )
        # jupyterlab-myst renders each markdown cell after the notebook opens.
        page.wait_for_function(
            "[...document.querySelectorAll('.jp-MarkdownCell')].every("
            "c => c.querySelector('.jp-RenderedMarkdown, .myst'))",
            timeout=60_000,
        )
        shoot(page, name, "top")

        # -- the markdown reads as text, with math typeset
        text = page.evaluate(
            "[...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown, "
            ".jp-MarkdownCell .myst')].map(e => e.innerText).join('\\n')"
        )
        raw = sorted({token for token in RAW_MYST if token in text})
        assert not raw, f"{name}: raw MyST visible in JupyterLab: {raw}"
        n_math = page.evaluate("document.querySelectorAll('.jp-MarkdownCell .katex').length")
        assert n_math > 0, f"{name}: no typeset math in the rendered markdown"

        # -- solutions: hidden before a click, shown after
        solutions = solution_code_cells(name)
        assert solutions, f"{name}: no solution cells found"
        cells = page.locator(".jp-NotebookPanel .jp-Cell")
        for i in solutions:
            cell = cells.nth(i)
            assert cell.locator(".jp-InputArea").is_hidden(), (
                f"{name}: solution cell {i} shows its code before a click"
            )
        details = page.locator(".jp-MarkdownCell details")
        closed = [details.nth(k).get_attribute("open") is None for k in range(details.count())]
        assert closed and all(closed), f"{name}: a solution dropdown is open before a click"
        first = cells.nth(solutions[0])
        first.scroll_into_view_if_needed()
        shoot(page, name, "solution-closed")
        first.locator(".jp-InputPlaceholder").click()
        assert first.locator(".jp-InputArea").is_visible(), (
            f"{name}: a click on a collapsed solution does not show its code"
        )
        solution = details.filter(has_text="Solution to").first  # not a hint or a "Why?"
        summary = solution.locator("summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        assert solution.get_attribute("open") is not None, (
            f"{name}: a click on a solution's title does not open it"
        )
        shoot(page, name, "solution-open")

        # -- run every cell, as a learner does with Run All
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # The notebook's model, not the DOM: a collapsed cell's prompt is not redrawn.
        state = """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const cells = panel.content.model.cells;
            const notRun = [], errors = [];
            for (let i = 0; i < cells.length; i++) {
                const c = cells.get(i);
                if (c.type !== 'code') continue;
                if (!c.executionCount) notRun.push(i);
                for (const o of c.outputs.toJSON()) {
                    if (o.output_type === 'error') errors.push(`${i}: ${o.ename}: ${o.evalue}`);
                }
            }
            const kernel = panel.sessionContext.session?.kernel?.status;
            return {notRun, errors, kernel};
        }"""
        try:
            page.wait_for_function(
                f"(() => {{ const s = ({state})(); return s.errors.length > 0 || "
                "(s.notRun.length === 0 && s.kernel === 'idle'); })()",
                timeout=RUN_ALL_TIMEOUT_MS,
                polling=1000,
            )
        except Exception:
            shoot(page, name, "ran")
            pytest.fail(f"{name}: Run All did not finish: {page.evaluate(state)}")
        result = page.evaluate(state)
        assert not result["errors"], f"{name}: cells raised errors under Run All: {result}"
        shoot(page, name, "ran")

        # -- widgets: displayed, and a slider changes what they show
        if name in WIDGET_CHAPTERS:
            widget = page.locator(".jp-OutputArea .jupyter-widgets.widget-container").first
            widget.wait_for(timeout=60_000)
            slider = page.locator(".jp-OutputArea .widget-slider .noUi-handle").first
            slider.scroll_into_view_if_needed()
            area = slider.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
            # What the widget shows, without its controls (whose readouts change anyway).
            shown = (
                "e => { const c = e.cloneNode(true); c.querySelectorAll("
                "'.widget-slider, .widget-play, .widget-readout').forEach(x => x.remove());"
                " return c.innerHTML; }"
            )
            before = area.evaluate(shown)
            slider.focus()
            for _ in range(3):
                slider.press("ArrowRight")
            page.wait_for_timeout(500)
            assert area.evaluate(shown) != before, f"{name}: the widget does not answer its slider"
            shoot(page, name, "widget")
        unexpected = [line for line in console if not any(h in line for h in HARMLESS)]
        assert not unexpected, f"{name}: errors in the browser console: {unexpected}"
    finally:
        # Stop this chapter's kernel: the next chapters need the cores and the memory.
        with contextlib.suppress(Exception):  # the page may be gone: keep the first error
            page.evaluate(
                "window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown() ?? null"
            )
        context.close()
