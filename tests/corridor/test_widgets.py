"""Tests for course_lib.corridor.widgets: exact values in every view, the link lives in JS."""

import re

import numpy as np
import pytest

from course_lib import mdp
from course_lib.corridor.widgets import (
    BOX_HEIGHT,
    BOX_LEFT,
    BOX_TOP,
    BOX_WIDTH,
    CorridorGrid,
    chart_xy,
    corridor_explorer,
    corridor_grid,
    corridor_view_html,
)
from course_lib.mdp import OPTIMAL_P_RIGHT, short_corridor_value
from tests.widget_state import assert_slider_drives_views, state_bytes

EMBED_BUDGET = 600_000  # bytes of saved widget state for the chapter's widget


@pytest.fixture(scope="module")
def grid():
    return corridor_grid()  # the chapter's: steps of 0.01, epsilon = 0.1


@pytest.fixture(scope="module")
def box(grid):
    return corridor_explorer(grid)


def shown(view: str) -> tuple[str, float]:
    """(data-p, the value in the view's text) of one view's HTML."""
    p = re.search(r'data-p="([^"]+)"', view).group(1)
    text = re.search(r'class="corridor-value">([^<]+)<', view).group(1)
    value = -np.inf if text == "\u2212\u221e" else float(text.replace("\u2212", "-"))
    return p, value


def test_grid_values_are_the_librarys_exact_values(grid):
    assert grid.p.size == 101 and grid.p[50] == 0.5 and grid.p[[0, -1]].tolist() == [0.0, 1.0]
    for p, v in zip(grid.p[1:-1], grid.value[1:-1], strict=True):
        assert v == short_corridor_value(p)
    # An oracle that shares no code with the closed form: the Bellman equations, solved.
    env = mdp.ShortCorridor()
    for i in (1, 5, 37, 50, 59, 95, 99):
        policy = np.tile([1.0 - grid.p[i], grid.p[i]], (4, 1))
        assert np.isclose(grid.value[i], mdp.policy_evaluation(env.P, policy)[0])
    # p = 0 and p = 1 never reach the goal: the Bellman equations have no finite solution.
    assert np.all(np.isneginf(grid.value[[0, -1]]))
    for p in (0.0, 1.0):
        with pytest.raises(ValueError, match="never terminates"):
            mdp.policy_evaluation(env.P, np.tile([1.0 - p, p], (4, 1)))


def test_marked_policies_are_the_chapters(grid):
    assert grid.p_best == OPTIMAL_P_RIGHT and np.isclose(grid.value_best, mdp.OPTIMAL_VALUE)
    assert grid.value_best == short_corridor_value(OPTIMAL_P_RIGHT)
    want_p = [mdp.epsilon_greedy_p_right(0.1, mdp.RIGHT), mdp.epsilon_greedy_p_right(0.1, mdp.LEFT)]
    assert grid.epsilon == 0.1 and grid.p_eps.tolist() == want_p == [0.95, 0.05]
    assert grid.value_eps.tolist() == [short_corridor_value(p) for p in want_p]
    # The slider lands on both epsilon-greedy policies, and its best position is next to p*.
    assert grid.value[95] == grid.value_eps[0] and grid.value[5] == grid.value_eps[1]
    assert abs(grid.p[np.argmax(grid.value)] - OPTIMAL_P_RIGHT) <= 0.005


def test_every_view_shows_its_p_and_exact_value(grid, box):
    slider, views = box.children
    assert len(views.children) == grid.p.size == len(slider.options)
    for i, page in enumerate(views.children):
        p, value = shown(page.value)
        assert p == slider.options[i] == f"{grid.p[i]:.2f}"
        if np.isfinite(grid.value[i]):
            assert abs(value - grid.value[i]) <= 0.005  # shown to two decimals
            assert f'data-value="{grid.value[i]:.2f}"' in page.value
        else:
            assert value == -np.inf and 'data-value="-inf"' in page.value
    # The marked policies' values are printed in every view.
    eps_text = [f"{v:.2f}".replace("-", "\u2212") for v in grid.value_eps]  # a true minus sign
    for page in (views.children[0], views.children[50]):
        assert f"J* = {mdp.OPTIMAL_VALUE:.2f}".replace("-", "\u2212") in page.value
        assert eps_text[0] in page.value and eps_text[1] in page.value
    np.testing.assert_allclose(grid.value_eps, [short_corridor_value(p) for p in (0.95, 0.05)])


def test_chart_maps_values_to_pixels_and_marks_the_selected_p(grid):
    assert chart_xy(0.0, 0.0, -100.0) == (BOX_LEFT, BOX_TOP)
    assert chart_xy(1.0, -100.0, -100.0) == (BOX_LEFT + BOX_WIDTH, BOX_TOP + BOX_HEIGHT)
    view = corridor_view_html(grid, 50)
    x, y = chart_xy(0.5, -12.0, grid.v_min)
    assert f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7"' in view  # the ring at (0.5, J(0.5))
    x_best, y_best = chart_xy(OPTIMAL_P_RIGHT, grid.value_best, grid.v_min)
    assert f'<circle cx="{x_best:.1f}" cy="{y_best:.1f}"' in view
    assert view.count("<polyline") == 1
    # Below the chart (p = 0.03: J = -135.4) the marker sits on the bottom edge.
    low = corridor_view_html(grid, 3)
    assert grid.value[3] < grid.v_min and "below the chart" in low and "<polygon" in low
    assert "never reaches the goal" in corridor_view_html(grid, 0)


def test_slider_drives_the_views_without_a_kernel(box):
    assert_slider_drives_views(box, css_class="corridor-explorer", start=50)  # p = 0.5


def test_saved_state_is_light_enough(box):
    size = state_bytes(box)
    assert size < EMBED_BUDGET, f"{size} bytes of widget state"


def test_start_picks_the_nearest_position():
    box = corridor_explorer(corridor_grid(10), start=0.33)
    slider, views = box.children
    assert slider.value == "0.30" and views.selected_index == 3
    assert corridor_explorer(corridor_grid(4)).children[0].options[1] == "0.25"


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: corridor_grid(1), ValueError, "n_steps"),
        (lambda: corridor_grid(2.5), TypeError, "n_steps"),
        (lambda: corridor_grid(True), TypeError, "n_steps"),
        (lambda: corridor_grid(5_000), ValueError, "n_steps"),
        (lambda: corridor_grid(epsilon=0.0), ValueError, "epsilon"),
        (lambda: corridor_grid(epsilon=1.5), ValueError, "epsilon"),
        (lambda: corridor_grid(epsilon="0.1"), TypeError, "epsilon"),
        (lambda: corridor_grid(v_min=-5.0), ValueError, "v_min"),
        (lambda: corridor_grid(v_min=float("nan")), ValueError, "v_min"),
        (lambda: corridor_explorer("grid"), TypeError, "grid"),
        (lambda: corridor_explorer(corridor_grid(4), start=1.5), ValueError, "start"),
        (lambda: corridor_explorer(corridor_grid(4), start=None), TypeError, "start"),
        (lambda: corridor_view_html(corridor_grid(4), 5), ValueError, "index"),
        (lambda: corridor_view_html(corridor_grid(4), 1.0), TypeError, "index"),
        (lambda: corridor_view_html({"p": [0.5]}, 0), TypeError, "grid"),
    ],
)
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_grid_type():
    assert isinstance(corridor_grid(2), CorridorGrid)
