"""Tests for course_lib.widgets_gae: exact numbers in every view, the link lives in JS."""

import re

import numpy as np
import pytest

from course_lib.gae_exact import gae_bias_variance, value_table
from course_lib.toy_mdp import make_toy_mdp
from course_lib.widgets_gae import (
    CHAPTER_THETA,
    GAEGrid,
    gae_explorer,
    gae_grid,
    gae_view_html,
    panel_xy,
)
from tests.widget_state import assert_slider_drives_views, state_bytes

EMBED_BUDGET = 600_000  # bytes of saved widget state
GRID = gae_grid()  # the chapter's: 21 lambdas, exact numbers (a fraction of a second)


@pytest.fixture(scope="module")
def box():
    return gae_explorer(GRID)


def test_grid_holds_the_exact_tables():
    mdp = make_toy_mdp()
    assert GRID.lam.size == 21 and GRID.lam[[0, 10, 20]].tolist() == [0.0, 0.5, 1.0]
    for k, kind in enumerate(GRID.kinds):
        table = gae_bias_variance(
            mdp, CHAPTER_THETA, value_table(mdp, CHAPTER_THETA, kind), GRID.lam
        )
        np.testing.assert_array_equal(GRID.bias_norm[k], table["bias_norm"])
        np.testing.assert_array_equal(GRID.variance[k], table["variance"])
    np.testing.assert_allclose(GRID.mse(100), GRID.bias_norm**2 + GRID.variance / 100)


def test_every_view_shows_its_lambda_and_numbers(box):
    slider, views = box.children
    assert len(views.children) == GRID.lam.size == len(slider.options)
    for i, page in enumerate(views.children):
        assert re.search(r'data-lam="([^"]+)"', page.value).group(1) == slider.options[i]
        for k, kind in enumerate(GRID.kinds):
            row = re.search(rf'<tr data-kind="{kind}"([^>]*)>', page.value).group(1)
            bias = float(re.search(r'data-bias="([^"]+)"', row).group(1))
            var = float(re.search(r'data-variance="([^"]+)"', row).group(1))
            mse = float(re.search(r'data-mse-100="([^"]+)"', row).group(1))
            assert bias == pytest.approx(GRID.bias_norm[k, i], rel=1e-3, abs=1e-12)
            assert var == pytest.approx(GRID.variance[k, i], rel=1e-3)
            assert mse == pytest.approx(GRID.mse(100)[k, i], rel=1e-3)


def test_marker_sits_on_the_curve():
    view = gae_view_html(GRID, 18)  # lambda = 0.9
    top = float(GRID.variance.max())
    # the variance panel's top is the next 1, 2, 4 or 5 times a power of ten above the maximum
    tops = [m * 10.0**e for e in range(-3, 3) for m in (1, 2, 4, 5) if m * 10.0**e >= top]
    x, y = panel_xy(1, 0.9, GRID.variance[1, 18], min(tops))
    assert f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"' in view
    assert view.count("<polyline") == 4  # two kinds, two panels


def test_slider_drives_the_views_without_a_kernel(box):
    assert_slider_drives_views(box, css_class="gae-explorer", start=18)  # lambda = 0.9


def test_saved_state_is_light_enough(box):
    assert state_bytes(box) < EMBED_BUDGET


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: gae_grid(n_steps=1), ValueError, "n_steps"),
        (lambda: gae_grid(n_steps=2.0), TypeError, "n_steps"),
        (lambda: gae_explorer("grid"), TypeError, "grid"),
        (lambda: gae_explorer(gae_grid(n_steps=4), start=2.0), ValueError, "start"),
        (lambda: gae_view_html(gae_grid(n_steps=4), 5), ValueError, "index"),
        (lambda: gae_view_html({"lam": [0.5]}, 0), TypeError, "grid"),
        (lambda: gae_grid(n_steps=4).mse(0), ValueError, "n"),
    ],
)
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_grid_type():
    assert isinstance(gae_grid(n_steps=2), GAEGrid)
