"""Tests for course_lib.finite_diff against gradients known in closed form."""

import doctest

import numpy as np
import pytest

import course_lib.finite_diff as finite_diff
from course_lib.finite_diff import numerical_gradient, numerical_jacobian


def test_docstring_examples_run():
    assert doctest.testmod(finite_diff).failed == 0


def test_matches_closed_form_gradient_of_a_matrix_function():
    a = np.array([[1.0, 2.0], [3.0, -1.0]])
    x = np.array([[0.3, -0.7], [1.1, 0.2]])

    def f(m):
        return np.sum(np.sin(m) * a) + np.sum(m) ** 2

    want = np.cos(x) * a + 2 * np.sum(x)
    got = numerical_gradient(f, x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, atol=1e-8)


def test_central_difference_is_exact_for_quadratics():
    got = numerical_gradient(lambda v: 3 * v[0] ** 2 - v[0] * v[1], np.array([2.0, 5.0]), dx=0.5)
    np.testing.assert_allclose(got, [12 - 5, -2], atol=1e-12)


def test_jacobian_of_a_linear_map_is_its_matrix():
    a = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_allclose(numerical_jacobian(lambda v: a @ v, np.ones(4)), a, atol=1e-9)


def test_jacobian_puts_output_axes_first():
    x = np.arange(6.0).reshape(2, 3)
    jac = numerical_jacobian(lambda m: m.sum(axis=1) ** 2, x)  # output shape (2,)
    assert jac.shape == (2, 2, 3)
    want = np.zeros((2, 2, 3))
    want[0, 0], want[1, 1] = 2 * x[0].sum(), 2 * x[1].sum()
    np.testing.assert_allclose(jac, want, atol=1e-6)


def test_does_not_modify_its_argument():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda v: v.sum(), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((3.0, [1.0]), TypeError, "f"),
        ((np.sum, "x"), TypeError, "x"),
        ((np.sum, [np.inf]), ValueError, "x"),
        ((np.sum, [1.0], 0.0), ValueError, "dx"),
    ],
)
def test_bad_arguments_are_named(args, error, name):
    with pytest.raises(error, match=name):
        numerical_gradient(*args)
