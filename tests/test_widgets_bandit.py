"""Tests for course_lib.widgets_bandit: the precomputed views are right, the links live in JS."""

import ipywidgets as widgets
import numpy as np
import pytest
from ipywidgets.embed import embed_data

from course_lib.bandit_reinforce import draw_uniforms, prefers_wrong_arm, reinforce_vectorised
from course_lib.widgets_bandit import (
    BanditGrid,
    bandit_explorer,
    bars_html,
    curve_svg,
    learning_grid,
)

PRESETS = [[0.1, 0.5, 0.9], [0.6, 0.5, 0.4]]
ALPHAS = [0.2, 2.0]


@pytest.fixture(scope="module")
def grid():
    return learning_grid(PRESETS, ALPHAS, n_runs=8, n_steps=30, n_frames=4, seed=1)


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
        (lambda: bars_html([0.5, 0.5], [0.1, 0.2, 0.3], 0, 0.0), ValueError, "pi and probs"),
    ],
)
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_grid_type():
    assert isinstance(learning_grid([[0.1, 0.9]], [1.0], n_runs=2, n_steps=3), BanditGrid)
