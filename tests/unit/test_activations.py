"""Activations: each derivative three ways (finite differences, complex step,
sympy), stability at logits of +-1e4, and property tests."""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from calcnotes.activations import (
    log_softmax,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_jacobian,
    tanh,
    tanh_derivative,
)

Z_GRID = np.linspace(-6, 6, 61)


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def complex_step(f, x, h=1e-30):
    return np.imag(f(x + 1j * h)) / h


# --- derivatives, three ways ---------------------------------------------

PAIRS = [
    (sigmoid, sigmoid_derivative, lambda z: 1 / (1 + sp.exp(-z))),
    (tanh, tanh_derivative, sp.tanh),
]


@pytest.mark.parametrize("fn, dfn, sym", PAIRS)
def test_derivative_against_central_difference(fn, dfn, sym):
    np.testing.assert_allclose(
        dfn(Z_GRID), central_difference(fn, Z_GRID), rtol=1e-8, atol=1e-10
    )


def test_derivatives_against_complex_step():
    # complex step needs an analytic formula: sigma(z) = (1 + tanh(z/2)) / 2
    # (numpy's complex division in 1/(1 + exp(-z)) itself loses ~1e-13)
    np.testing.assert_allclose(
        sigmoid_derivative(Z_GRID),
        complex_step(lambda z: 0.5 * (1 + np.tanh(z / 2)), Z_GRID),
        rtol=1e-13, atol=1e-16,
    )
    np.testing.assert_allclose(
        tanh_derivative(Z_GRID), complex_step(np.tanh, Z_GRID), rtol=1e-13,
        atol=1e-16
    )


@pytest.mark.parametrize("fn, dfn, sym", PAIRS)
def test_function_and_derivative_against_sympy(fn, dfn, sym):
    # sympy differentiates, then evaluates with 30 digits (a lambdified
    # 1 - tanh(z)**2 in float64 would itself lose ~1e-12 in the tails)
    z = sp.Symbol("z")
    expr, dexpr = sym(z), sp.diff(sym(z), z)
    grid = Z_GRID[::4]
    f = [float(expr.subs(z, sp.Float(v, 30)).evalf(30)) for v in grid]
    df = [float(dexpr.subs(z, sp.Float(v, 30)).evalf(30)) for v in grid]
    np.testing.assert_allclose(fn(grid), f, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(dfn(grid), df, rtol=1e-15)


def test_sigmoid_derivative_is_sympy_identity():
    # the notes' result: sigma' = sigma (1 - sigma), exactly
    z = sp.Symbol("z")
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0


def test_relu_and_its_derivative():
    z = np.array([-3.0, -1e-12, 0.0, 1e-12, 2.5])
    np.testing.assert_array_equal(relu(z), [0, 0, 0, 1e-12, 2.5])
    np.testing.assert_array_equal(relu_derivative(z), [0, 0, 0, 1, 1])
    away = Z_GRID[np.abs(Z_GRID) > 1e-3]
    np.testing.assert_allclose(
        relu_derivative(away), central_difference(relu, away), atol=1e-9
    )


def test_softmax_jacobian_against_finite_differences_and_sympy():
    z0 = np.array([1.25, 2.44, 0.78, 0.12])
    J = softmax_jacobian(z0)
    h = 1e-6
    J_fd = np.column_stack(
        [(softmax(z0 + h * e) - softmax(z0 - h * e)) / (2 * h) for e in np.eye(4)]
    )
    np.testing.assert_allclose(J, J_fd, atol=1e-9)
    zs = sp.symbols("z0:4")
    s = [sp.exp(zi) / sum(sp.exp(zk) for zk in zs) for zi in zs]
    J_sym = sp.Matrix(s).jacobian(zs).subs(dict(zip(zs, z0, strict=True)))
    np.testing.assert_allclose(J, np.array(J_sym, dtype=float), rtol=1e-12)
    np.testing.assert_allclose(J.sum(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(J, J.T)


def test_softmax_worked_example_of_the_notes():
    # the notes write e^0.12 = 1.27 (1.24 in the sum) and the sum as 18.41;
    # e^0.12 = 1.1275 and the sum is 18.2724: recomputed here
    e = np.exp([1.25, 2.44, 0.78, 0.12])
    np.testing.assert_allclose(softmax([1.25, 2.44, 0.78, 0.12]), e / e.sum())
    assert e.sum() == pytest.approx(18.2724, abs=1e-4)
    assert e[3] == pytest.approx(1.1275, abs=1e-4)


def test_log_softmax_is_log_of_softmax_and_axis_works():
    Z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    np.testing.assert_allclose(log_softmax(Z), np.log(softmax(Z)), rtol=1e-14)
    np.testing.assert_allclose(softmax(Z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(
        log_softmax(Z, axis=0), np.log(softmax(Z, axis=0)), rtol=1e-14
    )


# --- stability -------------------------------------------------------------


def test_everything_finite_and_silent_at_huge_logits():
    z = np.array([-1e4, -750.0, 0.0, 750.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [
            sigmoid(z), sigmoid_derivative(z), tanh(z), tanh_derivative(z),
            softmax(z), log_softmax(z), softmax_jacobian(z),
            softmax(np.stack([z, -z])),
        ]
    for out in outs:
        assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(sigmoid(z)[[0, -1]], [0.0, 1.0])
    assert softmax(z)[-1] == 1.0
    np.testing.assert_allclose(log_softmax([0.0, 1e4]), [-1e4, 0.0])


def test_sigmoid_keeps_relative_accuracy_in_the_left_tail():
    # 1/(1+exp(40)) is ~4.2e-18: computed as e^z/(1+e^z), not rounded to 0
    assert sigmoid(-40.0) == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)),
                                           rel=1e-15)


def test_scalars_in_scalars_out():
    assert sigmoid(0.0) == 0.5
    assert isinstance(sigmoid(0.0), float)
    assert tanh_derivative(0) == 1.0


# --- properties --------------------------------------------------------------

finite = st.floats(-1e4, 1e4, allow_nan=False)


@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
              elements=finite))
@settings(max_examples=60, deadline=None)
def test_softmax_rows_are_distributions(Z):
    P = softmax(Z)
    assert np.all((P >= 0) & (P <= 1))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(log_softmax(Z) <= 0)


@given(arrays(np.float64, st.integers(1, 20), elements=finite),
       st.floats(-100, 100))
@settings(max_examples=60, deadline=None)
def test_softmax_is_shift_invariant(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), atol=1e-12)


@given(arrays(np.float64, st.integers(1, 50), elements=finite))
@settings(max_examples=60, deadline=None)
def test_sigmoid_symmetry(z):
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)
    assert np.all(sigmoid_derivative(z) <= 0.25 * (1 + 1e-15))
    np.testing.assert_allclose(tanh(z), 2 * sigmoid(2 * z) - 1, atol=1e-15)


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("fn", [sigmoid, sigmoid_derivative, tanh,
                                tanh_derivative, relu, relu_derivative,
                                softmax, log_softmax])
def test_nan_is_rejected_with_a_fix(fn):
    with pytest.raises(ValueError, match="NaN at index 1; remove or impute"):
        fn([0.0, np.nan])


def test_bad_inputs():
    with pytest.raises(TypeError, match="must be numeric"):
        sigmoid("1.0")
    with pytest.raises(ValueError, match="is empty"):
        softmax([])
    with pytest.raises(ValueError, match="scalar; pass a vector"):
        softmax(3.0)
    with pytest.raises(ValueError, match=r"axis 2 is out of range.*-1, the"):
        softmax([[1.0, 2.0]], axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        log_softmax([1.0, 2.0], axis=0.5)
    with pytest.raises(ValueError, match="must be 1-D"):
        softmax_jacobian([[1.0, 2.0]])
