"""Tests for course_lib.widgets_returns: weights against oracles, the widget's saved state."""

import json

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

from course_lib.returns import discounted_returns
from course_lib.widgets_returns import (
    DEFAULT_GAMMAS,
    RTGView,
    parse_rewards,
    plot_rtg_view,
    reward_presets,
    rtg_view,
    rtg_visualiser,
)
from tests.widget_state import links_in, own_state

matplotlib.use("Agg")

PRESETS = reward_presets()
EMBED_BUDGET = 2_500_000  # bytes of saved widget state for the whole widget in the page


@pytest.fixture(scope="module")
def default_widget():
    """The widget the chapter shows: 3 presets x 2 x 2 x 7 gammas (about 10 s to draw)."""
    return rtg_visualiser()


@pytest.fixture(scope="module")
def default_state(default_widget):
    return own_state(default_widget)


def stacks_by_level(stack):
    """The Stacks of the tree, level by level: [[outer], [its children], ...]."""
    levels, level = [], [stack]
    while level and isinstance(level[0], widgets.Stack):
        levels.append(level)
        level = [child for s in level for child in s.children]
    return levels


def segment_oracle(rew, gamma):
    """Reset at each point, written out: cut after each non-zero reward, discount each piece."""
    cuts = np.flatnonzero(rew) + 1
    pieces = np.split(rew, cuts)
    return np.concatenate([discounted_returns(p, gamma) for p in pieces])


# ---- rtg_view -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.99, 1.0])
@pytest.mark.parametrize("reset", [False, True])
def test_returns_are_discounted_returns(name, gamma, reset):
    rew = PRESETS[name]
    view = rtg_view(rew, gamma, reset_at_nonzero=reset)
    np.testing.assert_array_equal(view.rew, rew)
    np.testing.assert_allclose(view.ret, discounted_returns(rew, gamma, reset_at_nonzero=reset))
    np.testing.assert_array_equal(view.weights, view.ret)  # no baseline, not standardised
    assert view.baseline is None
    assert view.ret.shape == view.weights.shape == rew.shape


@pytest.mark.parametrize("gamma", [0.5, 0.9, 1.0])
def test_reset_restarts_the_sum_after_every_point(gamma):
    rew = PRESETS["Pong-like"]
    view = rtg_view(rew, gamma, reset_at_nonzero=True)
    np.testing.assert_allclose(view.ret, segment_oracle(rew, gamma), atol=1e-12)


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("reset", [False, True])
def test_standardised_weights_have_mean_0_and_std_1(name, reset):
    view = rtg_view(PRESETS[name], 0.9, standardize=True, reset_at_nonzero=reset)
    if np.ptp(view.ret) == 0:  # CartPole with a reset: every G_t = 1, nothing to scale
        np.testing.assert_array_equal(view.weights, 0.0)
        return
    assert abs(view.weights.mean()) < 1e-12
    assert abs(view.weights.std() - 1.0) < 1e-12
    # Mean zero means the positive and the negative weight balance exactly.
    assert view.pos_sum == pytest.approx(-view.neg_sum, abs=1e-9)


@pytest.mark.parametrize("standardize", [False, True])
def test_sums_of_positive_and_negative_weight(standardize):
    view = rtg_view(PRESETS["random"], 0.8, standardize=standardize)
    w = view.weights
    assert view.pos_sum == pytest.approx(sum(x for x in w if x > 0))
    assert view.neg_sum == pytest.approx(sum(x for x in w if x < 0))
    assert view.pos_sum >= 0 >= view.neg_sum


def test_baseline_is_subtracted_from_the_returns():
    rew = PRESETS["Pong-like"]
    ret = discounted_returns(rew, 0.9)
    b = np.linspace(-1.0, 1.0, rew.size)
    for baseline, expected_b in [("mean", ret.mean()), (0.25, 0.25), (b, b)]:
        view = rtg_view(rew, 0.9, baseline=baseline)
        np.testing.assert_allclose(view.baseline, np.broadcast_to(expected_b, rew.shape))
        np.testing.assert_allclose(view.adv, ret - expected_b)
        np.testing.assert_allclose(view.weights, ret - expected_b)
        np.testing.assert_array_equal(view.ret, ret)  # G_t itself is still there to show


def test_a_constant_baseline_changes_nothing_once_standardised():
    rew = PRESETS["random"]
    plain = rtg_view(rew, 0.9, standardize=True)
    with_b = rtg_view(rew, 0.9, standardize=True, baseline="mean")
    np.testing.assert_allclose(with_b.weights, plain.weights, atol=1e-12)
    per_step = rtg_view(rew, 0.9, standardize=True, baseline=np.arange(rew.size, dtype=float))
    assert not np.allclose(per_step.weights, plain.weights)  # a per-step baseline does


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"rewards": [[1.0, 2.0]]}, ValueError, "rewards"),
        ({"rewards": [1.0, np.nan]}, ValueError, "rewards"),
        ({"rewards": []}, ValueError, "rewards"),
        ({"rewards": "1, 2"}, TypeError, "rewards"),
        ({"gamma": 1.5}, ValueError, "gamma"),
        ({"gamma": "0.9"}, TypeError, "gamma"),
        ({"standardize": "yes"}, TypeError, "standardize"),
        ({"reset_at_nonzero": 1}, TypeError, "reset_at_nonzero"),
        ({"baseline": "median"}, ValueError, "baseline"),
        ({"baseline": [0.0, 1.0]}, ValueError, "baseline"),
        ({"baseline": np.inf}, ValueError, "baseline"),
        ({"baseline": [[0.0, 0.0, 0.0]]}, ValueError, "baseline"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, name):
    args = {"rewards": [0.0, 0.0, 1.0], "gamma": 0.9} | kwargs
    rewards, gamma = args.pop("rewards"), args.pop("gamma")
    with pytest.raises(error, match=name):
        rtg_view(rewards, gamma, **args)


# ---- presets, parsing, drawing ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_presets_have_the_promised_shape(seed):
    p = reward_presets(T=60, seed=seed)
    assert list(p) == ["CartPole-like", "Pong-like", "random"]
    assert all(r.shape == (60,) and r.dtype == np.float64 for r in p.values())
    np.testing.assert_array_equal(p["CartPole-like"], 1.0)
    pong = p["Pong-like"]
    assert set(np.unique(pong)) == {-1.0, 0.0, 1.0}  # both signs show
    assert pong[-1] != 0  # the episode ends on a point
    assert np.count_nonzero(pong) <= 60 / 6 + 1  # sparse: rallies of at least 6 steps
    assert np.all(np.abs(p["random"]) <= 1.0)
    np.testing.assert_array_equal(p["random"], reward_presets(T=60, seed=seed)["random"])


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"T": 1}, "T"), ({"T": 5.0}, "T"), ({"seed": 0.5}, "seed")]
)
def test_bad_preset_arguments(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        reward_presets(**kwargs)


def test_parse_rewards():
    for text in ["1, 0, -1", "1 0 -1", "[1, 0, -1]", " 1,0 ,-1\n"]:
        np.testing.assert_array_equal(parse_rewards(text), [1.0, 0.0, -1.0])
    for text in ["", "1, x", "1, nan", "[]"]:
        with pytest.raises(ValueError, match="text"):
            parse_rewards(text)


def test_plot_draws_three_panels_with_the_sums():
    view = rtg_view(PRESETS["Pong-like"], 0.9, baseline="mean")
    ax_r, ax_g, ax_w = plot_rtg_view(view, title="Pong-like")
    assert ax_r.get_title().startswith("Pong-like")
    assert "$G_t - b$" in ax_w.get_title()
    assert f"{view.pos_sum:+.3g}" in ax_w.get_title()
    assert f"{view.neg_sum:+.3g}" in ax_w.get_title()
    assert len(ax_g.lines) == 2  # the zero line and the baseline
    matplotlib.pyplot.close("all")
    with pytest.raises(TypeError, match="view"):
        plot_rtg_view(view.weights)


# ---- the widget -------------------------------------------------------------------------------


@pytest.mark.slow  # draws the chapter's 84 views once for the module (~10 s)
def test_widget_has_one_view_per_setting(default_widget):
    w = default_widget
    expected = 3 * 2 * 2 * len(DEFAULT_GAMMAS)
    assert w.n_views == expected == 84
    levels = stacks_by_level(w.stack)
    assert [len(level) for level in levels] == [1, 3, 6, 12]
    leaves = [child for s in levels[-1] for child in s.children]
    assert len(leaves) == expected and all(isinstance(x, widgets.Image) for x in leaves)
    assert all(bytes(x.value).startswith(b"\x89PNG") for x in leaves)
    assert w.editor is None  # nothing that needs a kernel unless asked for


@pytest.mark.slow  # draws the chapter's 84 views once for the module (~10 s)
def test_the_stack_path_of_each_view_is_its_key(default_widget):
    w = default_widget
    names = list(PRESETS)
    for (name, std, reset, gamma), image in w.images.items():
        path = (names.index(name), int(std), int(reset), DEFAULT_GAMMAS.index(gamma))
        node = w.stack
        for i in path:
            node = node.children[i]
        assert node is image


@pytest.mark.slow  # draws the chapter's 84 views once for the module (~10 s)
def test_every_control_drives_its_level_in_the_saved_state(default_widget, default_state):
    w = default_widget
    links = links_in(default_state)
    assert len(links) == 1 + 3 + 6 + 12
    order = ["preset", "standardize", "reset", "gamma"]
    for key, level in zip(order, stacks_by_level(w.stack), strict=True):
        control = w.controls[key]
        for stack in level:
            assert ((control.model_id, "index"), (stack.model_id, "selected_index")) in links
            assert stack.selected_index == control.index  # the page opens consistent


@pytest.mark.slow  # draws the chapter's 84 views once for the module (~10 s)
def test_embedded_state_is_within_budget(default_state):
    n_bytes = len(json.dumps(default_state))
    assert n_bytes < EMBED_BUDGET, f"{n_bytes} bytes of widget state"


def test_custom_rewards_add_an_editable_preset():
    w = rtg_visualiser([0.0, 1.0, 0.0, -1.0], presets={"ones": [1.0, 1.0]}, gammas=(0.5, 0.9))
    assert w.controls["preset"].options == ("ones", "custom")
    assert w.n_views == 2 * 2 * 2 * 2
    key = ("custom", False, False, 0.5)
    before = bytes(w.images[key].value)
    w.editor.value = "1, 1, 1, 1, 1"  # what the observe callback does when a kernel runs it
    assert "T = 5" in w.status.value
    assert bytes(w.images[key].value) != before
    assert w.controls["preset"].index == 1
    w.editor.value = "1, oops"
    assert "text must be numbers" in w.status.value
    assert bytes(w.images[key].value) != before  # the last good rewards stay drawn


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"rewards": [[1.0]]}, ValueError, "rewards"),
        ({"presets": {}}, ValueError, "presets"),
        ({"presets": {"a": [np.nan]}}, ValueError, "presets"),
        ({"presets": {"custom": [1.0]}, "rewards": [1.0]}, ValueError, "presets"),
        ({"gammas": ()}, ValueError, "gammas"),
        ({"gammas": (0.9, 0.9)}, ValueError, "gammas"),
        ({"gammas": (0.9, 2.0)}, ValueError, "gamma"),
        ({"baseline": "median"}, ValueError, "baseline"),
        ({"editable": "yes"}, TypeError, "editable"),
    ],
)
def test_bad_widget_arguments_fail_before_drawing(kwargs, error, name):
    with pytest.raises(error, match=name):
        rtg_visualiser(**({"presets": {"a": [1.0, 0.0]}, "gammas": (0.9,)} | kwargs))


def test_view_is_a_frozen_record():
    view = rtg_view([1.0], 0.9)
    assert isinstance(view, RTGView)
    with pytest.raises(AttributeError):
        view.gamma = 0.5
