"""Tests for course_lib.pong.widgets: the recorded rally is what the policy computed."""

import numpy as np
import pytest

from course_lib.numpy_policy import sigmoid
from course_lib.pong.prepro import N_PIXELS, prepro
from course_lib.pong.widgets import Rally, inside_view, most_active_units, record_rally


@pytest.fixture(scope="module")
def weights():
    rng = np.random.default_rng(1)
    return (rng.normal(size=(6, N_PIXELS)) / 80).astype(np.float32), rng.normal(size=6)


@pytest.fixture(scope="module")
def rally(weights):
    return record_rally(*weights, seed=3, max_steps=300)


def test_the_rally_is_one_point(rally):
    assert isinstance(rally, Rally) and 0 < rally.n_steps <= 300
    assert rally.frames.shape == (rally.n_steps + 1, 210, 160, 3)
    assert np.count_nonzero(rally.rew[:-1]) == 0  # nothing happens before the point ...
    assert rally.rew[-1] in (-1.0, 1.0) or rally.n_steps == 300  # ... which ends the rally


def test_x_h_and_p_are_the_policy_s_own(rally, weights):
    W1, W2 = (np.asarray(w, dtype=np.float32) for w in weights)
    pre = np.array([prepro(f) for f in rally.frames[:-1]])
    np.testing.assert_array_equal(rally.x[1:], pre[1:] - pre[:-1])  # x_t = prepro(t) - prepro(t-1)
    # The dense forward pass of the lesson (chapter 4's network), an oracle the player's sparse
    # pass does not share, agrees.
    h = np.maximum(rally.x[1:] @ W1.T, 0.0)  # (T - 1, H)
    p = sigmoid(h @ W2)  # (T - 1,)
    np.testing.assert_allclose(rally.p_up[1:], p, rtol=1e-4)
    np.testing.assert_allclose(rally.h[1:], h, rtol=1e-4, atol=1e-5)


def test_same_seed_same_rally(weights, rally):
    again = record_rally(*weights, seed=3, max_steps=300)
    np.testing.assert_array_equal(again.up, rally.up)
    np.testing.assert_array_equal(again.frames, rally.frames)


def test_skip_points_records_a_later_rally(weights, rally):
    later = record_rally(*weights, seed=3, max_steps=300, skip_points=1)
    assert not np.array_equal(later.frames[0], rally.frames[0])
    assert np.count_nonzero(later.rew[:-1]) == 0


def test_most_active_units_rank_by_contribution_to_the_logit():
    h, W2 = np.array([1.0, 0.0, 3.0, 2.0]), np.array([-5.0, 100.0, 1.0, 1.0])
    np.testing.assert_array_equal(most_active_units(h, W2, k=3), [0, 2, 3])


def test_view_has_one_picture_per_shown_step(rally, weights):
    view = inside_view(rally, *weights, every=5, k=2)
    controls, stack = view.children
    shown = list(range(0, rally.n_steps, 5))
    assert len(stack.children) == len(shown)
    for t, img in zip(shown, stack.children, strict=True):
        assert f"inside-step-{t}" in img._dom_classes and img.value[:4] == b"\x89PNG"
    play, slider = controls.children
    assert slider.max == play.max == len(shown) - 1
    assert slider.description == "picture"  # not "step": picture i shows step 5 i


def test_the_pictures_keep_the_frame_s_colours(rally, weights):
    """The palette holds Atari's colours exactly: our paddle stays green, theirs orange."""
    import io

    from PIL import Image

    from course_lib.pong.widgets import _png, step_figure

    t = rally.n_steps - 1  # not step 0: the first frame after a reset has another palette
    frame_colours = np.unique(rally.frames.reshape(-1, 3), axis=0)
    png = _png(step_figure(rally, t, *weights, k=2), frame_colours)
    colours = {c for _, c in Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 16)}
    frame = {tuple(int(v) for v in c) for c in np.unique(rally.frames[t].reshape(-1, 3), axis=0)}
    assert (92, 186, 92) in frame and (213, 130, 74) in frame  # our paddle, theirs
    assert {(92, 186, 92), (213, 130, 74)} <= colours
    assert len(png) < 60_000


def test_bad_weights_are_named():
    with pytest.raises(ValueError, match="W1"):
        record_rally(np.zeros((3, 10)), np.zeros(3))
    with pytest.raises(ValueError, match="W2"):
        record_rally(np.zeros((3, N_PIXELS)), np.zeros(4))
