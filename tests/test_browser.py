"""The rendered book works in a real browser with no network: math, images, widgets.

Serves `_build/html` (built by the `book_build` fixture) on 127.0.0.1 and opens every page
of the table of contents in Debian's Chromium, driven by Playwright. A full-page screenshot
of every page goes to `_build/screenshots/` for a person to review.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_book_build import toc_files

SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up; on a closed network that floods it
    # with failing requests, and offline readers should see none.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Console lines that are known and harmless. Each needs a reason.
HARMLESS_CONSOLE = [
    # pydata-sphinx-theme on a first visit, before a colour mode is stored: it falls back
    # to "auto" itself.
    "Got invalid theme mode",
    # The html-manager validates the saved widget state with ajv, whose strict mode notes
    # that the ipywidgets schema uses a union type; the state still validates.
    "strict mode: use allowUnionTypes",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None:
        message = (
            "Chromium is not installed, so the browser test cannot run. On Debian or Ubuntu: "
            "`sudo apt-get install chromium` (the Playwright Python package is already in "
            "requirements.txt; no browser download is needed)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def site(book_build):
    """The built book served on 127.0.0.1 at a free port; yields the base URL."""
    assert book_build.returncode == 0, "the book build failed: see test_strict_book_build"
    handler = functools.partial(QuietHandler, directory=str(book_build.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output for failures
        pass


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageVisit:
    """One page opened in a fresh context, with everything it requested and complained of."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.console.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.goto(url, wait_until="load")
        self.wait_for_math()
        self.wait_for_widgets()

    def wait_for_math(self):
        has_math = self.page.evaluate("document.querySelectorAll('.math').length > 0")
        if has_math:
            self.page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            self.page.evaluate("MathJax.startup.promise")

    def wait_for_widgets(self):
        n_views = self.page.evaluate(
            "document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length"
        )
        if n_views:
            rendered = ", ".join(
                f".jupyter-widgets.{kind}"
                for kind in ("widget-container", "widget-inline-hbox", "widget-box")
            )
            self.page.wait_for_function(
                f"document.querySelectorAll('{rendered}').length >= {n_views}", timeout=20_000
            )
            self.page.evaluate("MathJax.startup.promise")  # typesetting of HTMLMath widgets
        self.n_views = n_views

    def close(self):
        self.context.close()


def page_names():
    return [name for name in toc_files()]


@pytest.mark.slow
@pytest.mark.parametrize("name", page_names())
def test_page_renders_offline(browser, site, name):
    visit = PageVisit(browser, f"{site}/{name}.html")
    page = visit.page
    try:
        # data: URLs are inline, and blob: URLs of the site's own origin hold bytes the page
        # already has (the Image widget shows its PNG through one): neither touches a network.
        local = (site, f"blob:{site}/", "data:")
        outside = [url for url in visit.requests if not url.startswith(local)]
        assert not outside, f"requests that leave 127.0.0.1: {outside}"
        assert not visit.failed, f"failed requests: {visit.failed}"
        assert not visit.errors, f"uncaught page errors: {visit.errors}"
        unexpected = [
            line for line in visit.console if not any(ok in line for ok in HARMLESS_CONSOLE)
        ]
        assert not unexpected, f"console errors/warnings: {unexpected}"

        # Math: every math element Sphinx wrote is typeset by MathJax, and none is left raw.
        n_math, n_typeset = page.evaluate(
            """() => {
                const math = [...document.querySelectorAll('span.math, div.math')];
                return [math.length, math.filter(m => m.querySelector('mjx-container')).length];
            }"""
        )
        assert n_typeset == n_math, f"{n_math - n_typeset} of {n_math} math elements not typeset"
        raw = page.evaluate(
            "[...document.querySelectorAll('.widget-htmlmath-content')]"
            ".filter(e => e.textContent.includes('$$')).length"
        )
        assert raw == 0, "math inside a widget was left untypeset"

        # Images: every <img> loaded and has a size.
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert not broken, f"images that did not load: {broken}"
        # ... and every figure a cell drew says in words what it shows (alt text). Pictures
        # inside widgets are left out: ipywidgets' Image has no alt attribute; the text
        # around each widget describes it.
        no_alt = page.evaluate(
            "[...document.querySelectorAll('.cell_output img')]"
            ".filter(i => !i.closest('.jupyter-widgets'))"
            ".filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.slice(0, 80))"
        )
        assert not no_alt, f"figures without alt text: {no_alt}"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(name).name}.png"), full_page=True)
    finally:
        visit.close()


# A wait condition: the stepper shows step `arg`.
STEP_IS = "k => document.querySelector('.derivation-stepper .derivation-step').dataset.step === k"


def visible_step(page) -> int:
    return int(page.get_attribute(".derivation-stepper .derivation-step", "data-step"))


def pages_with(css_class: str) -> list[str]:
    """Pages of the built book whose saved widgets include `css_class`."""
    html = ROOT / "_build" / "html"
    return [n for n in page_names() if css_class in (html / f"{n}.html").read_text(errors="ignore")]


@contextlib.contextmanager
def widget_page(browser, site, css_class: str):
    """The first page whose saved widgets include `css_class`, opened; no page error allowed."""
    names = pages_with(css_class)
    assert names, f"no page shows a {css_class}"
    visit = PageVisit(browser, f"{site}/{names[0]}.html")
    try:
        yield visit.page
        assert not visit.errors, visit.errors
    finally:
        visit.close()


def press_on_slider(page, widget: str, key: str, times: int = 1) -> None:
    """Focus the first slider handle of the widget with class `widget` and press `key`."""
    page.locator(f".{widget} .noUi-handle").first.focus()
    for _ in range(times):
        page.keyboard.press(key)


@pytest.mark.slow
def test_derivation_stepper_steps_on_keys_clicks_and_play(browser, site, book_build):
    with widget_page(browser, site, "derivation-stepper") as page:
        assert visible_step(page) == 1
        press_on_slider(page, "derivation-stepper", "ArrowRight")
        page.wait_for_function(STEP_IS, arg="2")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(STEP_IS, arg="1")
        # Clicks on the counter's arrows are previous/next; typing a number jumps there.
        counter = page.locator(".derivation-stepper input[type=number]").first
        counter.fill("3")
        counter.press("Enter")
        page.wait_for_function(STEP_IS, arg="3")
        # A click on the far left of the slider's track goes back to the first step.
        track = page.locator(".derivation-stepper .noUi-target").first
        box = track.bounding_box()
        page.mouse.click(box["x"] + 1, box["y"] + box["height"] / 2)
        page.wait_for_function(STEP_IS, arg="1")
        # Play advances by itself.
        page.locator(".derivation-stepper .widget-play button").first.click()
        page.wait_for_function(
            "document.querySelector('.derivation-stepper .derivation-step').dataset.step !== '1'",
            timeout=15_000,
        )


def visible_picture(page, widget: str, prefix: str) -> str:
    """The CSS class starting with `prefix` of the picture that the widget `widget` shows."""
    classes = page.get_attribute(f".{widget} img", "class")
    return next(c for c in classes.split() if c.startswith(prefix))


def visible_rtg_view(page) -> str:
    """The grid position (preset-standardise-reset-gamma) of the view the page shows."""
    return visible_picture(page, "rtg-visualiser", "rtg-view-").removeprefix("rtg-view-")


@pytest.mark.slow
def test_return_to_go_visualiser_switches_views(browser, site, book_build):
    with widget_page(browser, site, "rtg-visualiser") as page:
        assert page.locator(".rtg-visualiser img").count() == 1  # a Stack shows one view
        start = visible_rtg_view(page).split("-")
        # The preset: click the second toggle button of the first row.
        page.locator(".rtg-visualiser .widget-toggle-buttons").first.locator("button").nth(
            1
        ).click()
        page.wait_for_function(
            "document.querySelector('.rtg-visualiser img').className.includes('rtg-view-1-')"
        )
        after_preset = visible_rtg_view(page).split("-")
        assert after_preset[0] == "1" and after_preset[1:] == start[1:]
        # gamma: one step along the slider with the keyboard (right from the first value).
        step = 1 if after_preset[3] == "0" else -1
        press_on_slider(page, "rtg-visualiser", "ArrowRight" if step == 1 else "ArrowLeft")
        page.wait_for_function(
            "v => !document.querySelector('.rtg-visualiser img').className.includes(v)",
            arg=f"rtg-view-{'-'.join(after_preset)}",
        )
        after_gamma = visible_rtg_view(page).split("-")
        assert after_gamma[:3] == after_preset[:3]
        assert int(after_gamma[3]) == int(after_preset[3]) + step


@pytest.mark.slow
def test_bandit_explorer_play_advances(browser, site, book_build):
    with widget_page(browser, site, "bandit-explorer") as page:
        readout = page.locator(
            ".bandit-explorer .widget-play + .widget-slider .widget-readout, "
            ".bandit-explorer .widget-selection-slider .widget-readout"
        ).last
        before = readout.text_content()
        page.locator(".bandit-explorer .widget-play button").first.click()
        page.wait_for_function(
            "(b) => { const r = [...document.querySelectorAll('.bandit-explorer .widget-readout')];"
            " return r[r.length - 1].textContent !== b; }",
            arg=before,
            timeout=15_000,
        )


def visible_inside_step(page) -> str:
    """The step (CSS class inside-step-<t>) of the picture the inside-the-agent view shows."""
    return visible_picture(page, "inside-agent", "inside-step-")


@pytest.mark.slow
def test_inside_the_agent_view_scrubs_and_plays(browser, site, book_build):
    with widget_page(browser, site, "inside-agent") as page:
        assert page.locator(".inside-agent img").count() == 1  # a Stack shows one step
        assert visible_inside_step(page) == "inside-step-0"
        # The slider, one step right with the keyboard: the next picture.
        press_on_slider(page, "inside-agent", "ArrowRight")
        page.wait_for_function(
            "!document.querySelector('.inside-agent img').className.split(' ')"
            ".includes('inside-step-0')"
        )
        after_key = visible_inside_step(page)
        assert after_key != "inside-step-0"
        # Play advances by itself.
        page.locator(".inside-agent .widget-play button").first.click()
        page.wait_for_function(
            "c => !document.querySelector('.inside-agent img').className.split(' ').includes(c)",
            arg=after_key,
            timeout=15_000,
        )


def visible_corridor_view(page) -> tuple[str, float]:
    """(p as the shown view labels it, the value J(p) its text shows) of the corridor explorer."""
    p = page.get_attribute(".corridor-explorer .corridor-view", "data-p")
    text = page.locator(".corridor-explorer .corridor-value").text_content().strip()
    return p, float(text.replace("\u2212", "-"))  # the page writes a true minus sign


@pytest.mark.slow
def test_corridor_explorer_slider_shows_the_exact_value(browser, site, book_build):
    from course_lib.mdp import short_corridor_value

    with widget_page(browser, site, "corridor-explorer") as page:
        assert page.locator(".corridor-explorer .corridor-view").count() == 1  # one view shown
        p, value = visible_corridor_view(page)
        assert p == "0.50" and value == pytest.approx(short_corridor_value(0.5), abs=0.005)
        # Three steps right with the keyboard: p = 0.53, and the value the library computes.
        press_on_slider(page, "corridor-explorer", "ArrowRight", times=3)
        page.wait_for_function(
            "document.querySelector('.corridor-explorer .corridor-view').dataset.p === '0.53'"
        )
        p, value = visible_corridor_view(page)
        assert value == pytest.approx(short_corridor_value(0.53), abs=0.005)
        assert value != pytest.approx(short_corridor_value(0.5), abs=0.005)
        readout = page.locator(".corridor-explorer .widget-readout").first.text_content()
        assert readout.strip() == "0.53"
        # And back past the start: p = 0.45.
        for _ in range(8):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "document.querySelector('.corridor-explorer .corridor-view').dataset.p === '0.45'"
        )
        p, value = visible_corridor_view(page)
        assert value == pytest.approx(short_corridor_value(0.45), abs=0.005)
        assert page.locator(".corridor-explorer .corridor-view").count() == 1


def visible_gae_view(page) -> tuple[str, dict]:
    """(lambda as the shown view labels it, {kind: (bias, variance)} as its table shows them)
    of the GAE explorer."""
    lam = page.get_attribute(".gae-explorer .gae-view", "data-lam")
    rows = page.eval_on_selector_all(
        ".gae-explorer .gae-view tr[data-kind]",
        "rows => rows.map(r => [r.dataset.kind, r.cells[1].textContent, r.cells[2].textContent])",
    )
    return lam, {kind: (float(bias), float(variance)) for kind, bias, variance in rows}


@pytest.mark.slow
def test_gae_explorer_slider_shows_the_exact_bias_and_variance(browser, site, book_build):
    import numpy as np

    from course_lib.gae_exact import VALUE_KINDS, gae_bias_variance, value_table
    from course_lib.toy_mdp import make_toy_mdp
    from course_lib.widgets_gae import CHAPTER_THETA

    mdp = make_toy_mdp()

    def exact(lam: float) -> dict:
        """{kind: (bias norm, variance)} at lambda, from the library, for the chapter's policy."""
        out = {}
        for kind in VALUE_KINDS:
            v = value_table(mdp, CHAPTER_THETA, kind)
            table = gae_bias_variance(mdp, CHAPTER_THETA, v, np.array([lam]))
            out[kind] = (float(table["bias_norm"][0]), float(table["variance"][0]))
        return out

    def assert_shows(page, lam: float) -> None:
        shown_lam, shown = visible_gae_view(page)
        assert shown_lam == f"{lam:.2f}"
        assert sorted(shown) == sorted(VALUE_KINDS)
        for kind, (bias, variance) in exact(lam).items():  # shown to 4 significant figures
            assert shown[kind][0] == pytest.approx(bias, rel=1e-3, abs=1e-12), kind
            assert shown[kind][1] == pytest.approx(variance, rel=1e-3), kind

    def lam_is(lam: str) -> str:
        return f"document.querySelector('.gae-explorer .gae-view').dataset.lam === '{lam}'"

    with widget_page(browser, site, "gae-explorer") as page:
        assert page.locator(".gae-explorer .gae-view").count() == 1  # one view shown
        assert_shows(page, 0.9)  # where the chapter starts the slider
        # Four steps left with the keyboard (steps of 0.05): lambda = 0.7, and its numbers.
        press_on_slider(page, "gae-explorer", "ArrowLeft", times=4)
        page.wait_for_function(lam_is("0.70"))
        assert_shows(page, 0.7)
        assert exact(0.7)["time-blind"][1] != pytest.approx(exact(0.9)["time-blind"][1], rel=1e-3)
        readout = page.locator(".gae-explorer .widget-readout").first.text_content()
        assert readout.strip() == "0.70"
        # And right to the end: lambda = 1.
        for _ in range(6):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(lam_is("1.00"))
        assert_shows(page, 1.0)
        assert page.locator(".gae-explorer .gae-view").count() == 1
