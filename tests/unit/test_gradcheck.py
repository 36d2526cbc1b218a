"""check_gradient: correct gradients pass, wrong ones fail, on any shape."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes.gradcheck import GradientCheck, check_gradient, relative_error
from calcnotes.symbolic import gradient, to_numpy


def test_sympy_gradient_passes():
    # Oracle for grad: sympy's exact gradient of the same expression.
    x, y = sp.symbols("x y", real=True)
    expr = sp.exp(x * y) + sp.log(1 + x**2) - y**3
    f, g = to_numpy(expr, [x, y]), to_numpy(gradient(expr, [x, y]), [x, y])
    result = check_gradient(f, g, [0.3, -0.8])
    assert result.passed and bool(result)
    assert result.relative_error < 1e-9
    np.testing.assert_allclose(result.analytic, result.numeric, rtol=1e-8)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_shapes(shape, seed):
    # f(W) = sum(A * W^3) has gradient 3 A W^2 (elementwise), for any shape.
    rng = np.random.default_rng(seed)
    A, W = rng.normal(size=shape), rng.normal(size=shape)
    f = lambda M: np.sum(A * M**3)  # noqa: E731
    good = check_gradient(f, lambda M: 3 * A * M**2, W)
    assert good.passed and good.analytic.shape == np.shape(W)
    # Adding 1 to one entry gives error 1/(||a|| + ||n||) >> 1e-6: fails.
    wrong = lambda M: 3 * A * M**2 + (np.arange(np.size(M)).reshape(np.shape(M)) == 0)  # noqa: E731
    assert not check_gradient(f, wrong, W).passed


def test_relative_error_definition():
    # ||a - n|| / (||a|| + ||n||): equal -> 0, one of them zero -> 1,
    # a = 2n -> 1/3 (|2 - 1| / (2 + 1)).
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_error([0.0], [5.0]) == 1.0
    assert relative_error([2.0], [1.0]) == pytest.approx(1 / 3)
    assert relative_error([0.0], [0.0]) == 0.0  # no 0/0: max(., tiny)
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(1,\) and \(2,\)"):
        relative_error([1.0], [1.0, 2.0])


def test_zero_gradient_at_a_minimum_passes():
    result = check_gradient(lambda w: np.sum(w**2), lambda w: 2 * w, np.zeros(3))
    assert result.passed and result.relative_error == 0.0


def test_rtol_and_repr():
    f = lambda w: np.sum(w**2)  # noqa: E731
    slightly_off = lambda w: 2 * w * (1 + 1e-4)  # noqa: E731
    assert not check_gradient(f, slightly_off, [1.0, 2.0]).passed
    assert check_gradient(f, slightly_off, [1.0, 2.0], rtol=1e-3).passed
    result = check_gradient(f, lambda w: w, [1.0, 2.0])
    assert repr(result) == "GradientCheck(passed=False, relative_error=3.3e-01)"
    assert isinstance(result, GradientCheck)
    with pytest.raises(AttributeError):
        result.passed = True  # frozen


def test_grad_cannot_modify_x():
    x0 = np.array([1.0, 2.0])

    def grad_in_place(w):
        w *= 2  # a buggy gradient that edits its argument
        return w

    check_gradient(lambda w: np.sum(w**2), grad_in_place, x0)
    np.testing.assert_array_equal(x0, [1.0, 2.0])


def test_bad_inputs():
    f = lambda w: np.sum(w**2)  # noqa: E731
    with pytest.raises(ValueError, match=r"grad\(x\) has shape \(2, 1\) but x has shape \(2,\); "
                                         r"return the gradient in the shape of x"):
        check_gradient(f, lambda w: (2 * w).reshape(-1, 1), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad\(x\) contains NaN at index 0"):
        check_gradient(f, lambda w: w / 0 * 0, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"grad must be a function"):
        check_gradient(f, np.ones(2), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"rtol must be > 0, got 0.0"):
        check_gradient(f, lambda w: 2 * w, [1.0], rtol=0)
    with pytest.raises(ValueError, match=r"x contains inf at index 0"):
        check_gradient(f, lambda w: 2 * w, [np.inf])
