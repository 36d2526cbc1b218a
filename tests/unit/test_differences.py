"""Finite differences against an independent oracle: sympy's exact derivative,
evaluated with lambdify."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes.differences import (
    central_difference,
    complex_step,
    forward_difference,
    second_difference,
)

t = sp.Symbol("t", real=True)
# Test functions and the points where each is smooth.
CASES = [
    (sp.sin(t), np.linspace(-3, 3, 7)),
    # Not too close to 0: there f''' ~ -2/x^3 makes every truncation error large.
    (sp.exp(t) - sp.log(t), np.array([0.2, 0.5, 1.0, 4.0])),
    (t**3 - 2 * t, np.array([-2.0, 0.0, 1.5])),
    (1 / (1 + sp.exp(-t)), np.linspace(-5, 5, 5)),  # sigmoid
]


def _sympy_derivative(expr, n, x):
    """Oracle: the n-th derivative by sympy, evaluated at x."""
    return sp.lambdify(t, sp.diff(expr, t, n), "numpy")(x)


@pytest.mark.parametrize(("expr", "x"), CASES)
def test_first_derivatives_match_sympy(expr, x):
    f = sp.lambdify(t, expr, "numpy")
    exact = _sympy_derivative(expr, 1, x)
    # Error bounds: forward ~ sqrt(eps), central ~ eps**(2/3), complex ~ eps.
    np.testing.assert_allclose(forward_difference(f, x), exact, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(central_difference(f, x), exact, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(complex_step(f, x), exact, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize(("expr", "x"), CASES)
def test_second_derivative_matches_sympy(expr, x):
    f = sp.lambdify(t, expr, "numpy")
    exact = _sympy_derivative(expr, 2, x)
    np.testing.assert_allclose(second_difference(f, x), exact, rtol=1e-6, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    coeffs=st.lists(st.integers(-5, 5), min_size=1, max_size=6),
    x=st.floats(-3, 3, allow_nan=False),
)
def test_central_difference_of_random_polynomials(coeffs, x):
    expr = sum(c * t**k for k, c in enumerate(coeffs))
    f = sp.lambdify(t, expr, "numpy")
    exact = float(sp.diff(expr, t).subs(t, x))
    # Truncation h^2/6 |f'''| with h ~ 6e-6 plus rounding eps*|f|/h:
    # both below 1e-6 for these degrees and coefficients.
    assert central_difference(f, x) == pytest.approx(exact, rel=1e-7, abs=1e-6)
    if expr.has(t):  # a constant f loses the imaginary part (tested below)
        assert complex_step(f, x) == pytest.approx(exact, rel=1e-12, abs=1e-12)


def test_scalar_in_float_out_and_shape_preserved():
    assert isinstance(central_difference(np.sin, 0.0), float)
    X = np.arange(6.0).reshape(2, 3)
    assert forward_difference(np.sin, X).shape == (2, 3)
    assert second_difference(np.sin, X).shape == (2, 3)


def test_constant_function_broadcasts():
    # f returns a scalar for any input: derivative 0 everywhere.
    np.testing.assert_array_equal(central_difference(lambda x: 3.0, [1.0, 2.0]), [0.0, 0.0])


def test_forward_error_is_order_h_and_central_order_h2():
    # Halving h halves the forward error and quarters the central one
    # (Taylor: error h/2 f'' and h^2/6 f'''); f = exp at 0, exact f' = 1.
    e_fwd = [abs(forward_difference(np.exp, 0.0, h) - 1) for h in (1e-3, 5e-4)]
    e_cen = [abs(central_difference(np.exp, 0.0, h) - 1) for h in (1e-2, 5e-3)]
    assert e_fwd[0] / e_fwd[1] == pytest.approx(2, rel=1e-2)
    assert e_cen[0] / e_cen[1] == pytest.approx(4, rel=1e-2)


def test_explicit_h_is_used():
    # (f(1+h) - f(1)) / h for f = x^2 is exactly 2 + h.
    assert forward_difference(lambda x: x**2, 1.0, h=0.5) == 2.5


def test_bad_h():
    with pytest.raises(ValueError, match=r"h must be > 0, got -0.1"):
        central_difference(np.sin, 1.0, h=-0.1)
    with pytest.raises(ValueError, match=r"h is too small.*x \+ h == x.*leave h=None"):
        forward_difference(np.sin, 1e10, h=1e-10)


def test_bad_x_and_f():
    with pytest.raises(ValueError, match=r"x contains NaN at index 1"):
        central_difference(np.sin, [0.0, np.nan])
    with pytest.raises(TypeError, match=r"f must be a function"):
        central_difference("sin", 1.0)


def test_outside_domain_raises_instead_of_nan():
    with pytest.raises(ValueError, match=r"f\(x - h\) is not finite at x=0 \(index 1\).*outside the domain"):
        central_difference(np.log, [1.0, 0.0])


def test_non_elementwise_f_is_rejected():
    with pytest.raises(ValueError, match=r"f must act elementwise.*numeric_gradient"):
        central_difference(lambda x: np.array([x.sum(), 1.0, 2.0]), [1.0, 2.0])
    with pytest.raises(TypeError, match=r"f\(x \+ h\) returned dtype <U1; f must return numbers"):
        second_difference(lambda x: "a", 1.0)


def test_complex_step_rejects_non_analytic_f():
    with pytest.raises(TypeError, match=r"f returned real values.*central_difference"):
        complex_step(lambda x: np.abs(x) ** 2, 1.0)
    with pytest.raises(TypeError, match=r"f failed on complex input.*central_difference"):
        complex_step(lambda x: float(x), 1.0)
    with pytest.raises(TypeError, match=r"a constant f\?"):
        complex_step(lambda x: 3.0, 1.0)
