"""Tests for course_lib.bandit.widgets: the precomputed views are right, the links live in JS."""

import re

import ipywidgets as widgets
import numpy as np
import pytest

from course_lib.bandit.reinforce import draw_uniforms, prefers_wrong_arm, reinforce_vectorised
from course_lib.bandit.widgets import (
    COLOURS,
    BanditGrid,
    bandit_explorer,
    bars_html,
    curve_svg,
    learning_grid,
    legend_html,
    pull_x,
)
from tests.widget_state import links_in

PRESETS = [[0.1, 0.5, 0.9], [0.6, 0.5, 0.4]]
ALPHAS = [0.2, 2.0]


@pytest.fixture(scope="module")
def grid():
    return learning_grid(PRESETS, ALPHAS, n_runs=8, n_steps=30, n_frames=4, seed=1)


def test_grid_is_the_mean_of_the_vectorised_runs(grid):
    u_act, u_rew = draw_uniforms(8, 30, seed=1)
    pi = reinforce_vectorised(PRESETS[1], ALPHAS[0], u_act, u_rew).pi
    np.testing.assert_allclose(grid.pi_mean[1, 0], pi.mean(axis=0))
    probs = np.asarray(PRESETS[1])
    best, top = pi[..., probs.argmax()], pi.max(axis=-1)  # the rule, written out: best < top
    np.testing.assert_allclose(grid.wrong[1, 0], (best < top).mean(axis=0))
    np.testing.assert_allclose(grid.wrong[1, 0], prefers_wrong_arm(pi, probs).mean(axis=0))
    assert np.all(grid.wrong[:, :, 0] == 0.0)  # the uniform start prefers no arm, right or wrong
    assert grid.frames.tolist() == [0, 10, 20, 30]


def test_curve_svg_draws_one_line_per_arm_inside_the_box():
    svg = curve_svg(np.array([[0.5, 0.5], [0.0, 1.0]]), width=100, height=60)
    assert svg.startswith("<svg") and svg.count("<polyline") == 2
    # Probability 1 is drawn at the top margin and 0 at the bottom of the plotting box.
    assert 'points="44.0,20.0 90.0,10.0"' in svg and 'points="44.0,20.0 90.0,30.0"' in svg


def test_bars_html_shows_each_arms_probability_and_the_expected_reward():
    text = bars_html([0.25, 0.75], [0.2, 0.6], n=40, wrong=0.1)
    assert "after pull 40" in text and "25.0%" in text and "75.0%" in text
    assert "J = 0.500" in text and "10%" in text


def polyline_points(svg):
    """The (x, y) points of every polyline in `svg`, one array of shape (n, 2) per line."""
    return [
        np.array([[float(v) for v in xy.split(",")] for xy in pts.split()])
        for pts in re.findall(r'<polyline[^>]*points="([^"]*)"', svg)
    ]


def test_curve_svg_marks_the_pull_on_every_line():
    pi = np.array([[0.5, 0.5], [0.2, 0.8], [0.0, 1.0]])
    svg = curve_svg(pi, width=100, height=60, marker=1)
    x1 = re.search(r'class="pull-marker" x1="([\d.]+)" x2="([\d.]+)"', svg)
    assert x1 is not None and float(x1[1]) == float(x1[2]) == pull_x(1, 2, width=100) == 67.0
    dots = re.findall(r'class="pull-dot" cx="([\d.]+)" cy="([\d.]+)"', svg)
    # Each dot sits on its arm's line, at the line's point for pull 1.
    lines = polyline_points(svg)
    assert [(float(cx), float(cy)) for cx, cy in dots] == [tuple(line[1]) for line in lines]
    assert "pull 1" in svg
    assert "pull-marker" not in curve_svg(pi)  # no marker unless asked for


def test_curve_svg_keeps_the_marked_pull_when_it_thins_the_points():
    pi = np.full((1001, 2), 0.5)
    svg = curve_svg(pi, marker=333)
    xs = polyline_points(svg)[0][:, 0]
    assert len(xs) < 100 and np.isclose(xs, round(pull_x(333, 1000), 1)).any()


def test_legend_names_every_arm_the_marker_and_the_bars():
    text = legend_html([0.2, 0.5, 0.8], n_runs=200)
    for a, q in enumerate([0.2, 0.5, 0.8]):
        assert f"arm {a} (pays {q:g})" in text and f'stroke="{COLOURS[a]}"' in text
    assert "selected pull" in text and "Bars:" in text and "200 runs" in text


def test_explorer_has_a_page_for_every_setting_and_frame(grid):
    box = bandit_explorer(grid)
    controls, views = box.children
    assert isinstance(views, widgets.Stack) and len(views.children) == len(PRESETS)
    for i, by_alpha in enumerate(views.children):
        assert len(by_alpha.children) == len(ALPHAS)
        for j, page in enumerate(by_alpha.children):
            frames = page.children[1]
            assert len(frames.children) == grid.frames.size
            t = grid.frames[-1]
            assert f"{100 * grid.pi_mean[i, j, t, 0]:.1f}%" in frames.children[-1].value


def test_every_control_drives_the_views_without_a_kernel(grid):
    box = bandit_explorer(grid)
    controls, views = box.children
    arms, alpha, row = controls.children
    play, pull = row.children
    links = links_in(box)
    assert ((play.model_id, "value"), (pull.model_id, "index")) in links
    assert ((arms.model_id, "index"), (views.model_id, "selected_index")) in links
    for by_alpha in views.children:
        assert ((alpha.model_id, "index"), (by_alpha.model_id, "selected_index")) in links
        for page in by_alpha.children:
            assert (
                (pull.model_id, "index"),
                (page.children[1].model_id, "selected_index"),
            ) in links
    # The saved state holds every live widget: count only the links of this box's controls.
    ours = [
        link
        for link in links
        if link[0][0] in {play.model_id, arms.model_id, alpha.model_id, pull.model_id}
    ]
    assert len(ours) == 1 + 1 + len(PRESETS) * (1 + len(ALPHAS))


def test_explorer_opens_on_a_telling_frame_not_the_start(grid):
    play, pull = bandit_explorer(grid).children[0].children[2].children
    # By default: the frame nearest a fifth of the run (here pull 10 of 30), not pull 0.
    assert pull.value == "10" and play.value == pull.index == 1
    box = bandit_explorer(grid, start_pull=20)
    controls, views = box.children
    play, pull = controls.children[2].children
    assert pull.value == "20" and play.value == pull.index == 2
    page = views.children[0].children[views.children[0].selected_index]
    shown = page.children[1].children[page.children[1].selected_index].value
    assert "after pull 20" in shown and "pull 20</text>" in shown


def test_every_view_marks_its_pull_on_the_curve(grid):
    box = bandit_explorer(grid)
    views = box.children[1]
    n_pulls = int(grid.frames[-1])
    for i, by_alpha in enumerate(views.children):
        for j, page in enumerate(by_alpha.children):
            for f, n in enumerate(grid.frames):
                svg = page.children[1].children[f].value
                x = float(re.search(r'class="pull-marker" x1="([\d.]+)"', svg)[1])
                assert x == round(pull_x(int(n), n_pulls), 1)
                # The marker crosses each arm's curve at that arm's mean probability at pull n.
                lines = polyline_points(svg)
                assert len(lines) == grid.probs.shape[1]
                for a, line in enumerate(lines):
                    assert line[n, 0] == x  # 31 pulls: every pull is a point of the line
                    np.testing.assert_allclose(
                        (10 + 150 * (1 - grid.pi_mean[i, j, n, a])), line[n, 1], atol=0.051
                    )


def test_every_view_has_a_legend(grid):
    views = bandit_explorer(grid).children[1]
    for probs, by_alpha in zip(grid.probs, views.children, strict=True):
        for page in by_alpha.children:
            legend = page.children[0]
            assert isinstance(legend, widgets.HTML) and "bandit-legend" in legend.value
            assert all(f"arm {a} (pays {q:g})" in legend.value for a, q in enumerate(probs))
            assert f"{grid.n_runs} runs" in legend.value and "selected pull" in legend.value


def test_the_views_start_on_the_settings_the_controls_show(grid):
    box = bandit_explorer(grid)
    controls, views = box.children
    arms, alpha, row = controls.children
    play, pull = row.children
    assert views.selected_index == arms.index and play.value == pull.index
    for by_alpha in views.children:
        assert by_alpha.selected_index == alpha.index
        assert all(page.children[1].selected_index == pull.index for page in by_alpha.children)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: learning_grid([[0.1, 1.5]], [0.1]), ValueError, "probs"),
        (lambda: learning_grid([0.1, 0.5], [0.1]), ValueError, "presets"),
        (lambda: learning_grid([[0.1, 0.5]], [0.0]), ValueError, "alphas"),
        (lambda: learning_grid([[0.1, 0.5]], [0.1], n_frames=1), ValueError, "n_frames"),
        (lambda: bandit_explorer("grid"), TypeError, "grid"),
        (lambda: curve_svg(np.full((3, 2), 0.5), marker=3), ValueError, "marker"),
        (lambda: curve_svg(np.full((3, 2), 0.5), marker=True), ValueError, "marker"),
        (lambda: curve_svg(np.full((3, 2), 0.5), marker=1.0), ValueError, "marker"),
        (lambda: bars_html([0.5, 0.5], [0.1, 0.2, 0.3], 0, 0.0), ValueError, "pi and probs"),
    ],
)
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


@pytest.mark.parametrize("start", [5, 31, -10, True, "10", 10.5])
def test_a_start_pull_that_is_not_a_frame_is_named(grid, start):
    with pytest.raises(ValueError, match="start_pull"):
        bandit_explorer(grid, start_pull=start)


def test_grid_type():
    assert isinstance(learning_grid([[0.1, 0.9]], [1.0], n_runs=2, n_steps=3), BanditGrid)
