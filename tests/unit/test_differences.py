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
    richardson_derivative,
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
    with pytest.raises(TypeError, match=r"f\(x \+ h\) returned the string 'a'; it must return a number"):
        second_difference(lambda x: "a", 1.0)
    with pytest.raises(ValueError, match=r"f must act elementwise.*c \+ 0 \* x"):
        central_difference(lambda x: np.sum(x), [1.0, 2.0])  # a scalar that is not a constant


def test_complex_step_rejects_non_analytic_f():
    with pytest.raises(TypeError, match=r"f returned real values.*central_difference"):
        complex_step(lambda x: np.abs(x) ** 2, 1.0)
    with pytest.raises(TypeError, match=r"f failed on complex input.*central_difference"):
        complex_step(lambda x: float(x), 1.0)
    with pytest.raises(TypeError, match=r"a constant f\?"):
        complex_step(lambda x: 3.0, 1.0)


def test_default_step_does_not_grow_with_x_for_periodic_f():
    # A step scaled by |x| = 1e6 would be 6: sin'(1e6) would come out as
    # cos(1e6) sin(6)/6, of the wrong sign. Exact values: cos and -sin.
    assert central_difference(np.sin, 1e6) == pytest.approx(np.cos(1e6), rel=1e-9)
    assert forward_difference(np.sin, 1e6) == pytest.approx(np.cos(1e6), rel=1e-6)
    assert second_difference(np.sin, 1e6) == pytest.approx(-np.sin(1e6), rel=1e-4)
    # ... while x**3 still gets the step scaled to x: exact to rounding
    # (D(h) = 3x^2 + h^2 exactly: the error is h^2 = 36 at h = 6)
    assert central_difference(lambda t: t**3, 1e6) == pytest.approx(3e12, rel=1e-10)
    # and |x| <= 1 keeps the classic step eps**(1/3) exactly
    h = np.finfo(float).eps ** (1 / 3)
    assert central_difference(np.sin, 0.5) == central_difference(np.sin, 0.5, h=h)


def test_richardson_derivative_value_and_error_estimate():
    est = richardson_derivative(np.exp, [0.0, 1.0, 5.0])
    exact = np.exp([0.0, 1.0, 5.0])
    np.testing.assert_allclose(est.value, exact, rtol=1e-13)
    assert np.all(np.abs(est.value - exact) <= 10 * est.error + 1e-15 * exact)
    far = richardson_derivative(np.sin, 1e6)
    assert isinstance(far.value, float)
    assert abs(far.value - np.cos(1e6)) < 1e-10 and far.error < 1e-10
    with pytest.raises(ValueError, match=r"outside the domain.*smaller h"):
        richardson_derivative(np.log, 0.05)          # h = 0.1 reaches below 0
    assert richardson_derivative(np.log, 0.05, h=0.01).value == pytest.approx(20.0, rel=1e-12)


def test_overflow_is_named():
    with pytest.raises(ValueError, match=r"overflowed float64.*rescale"):
        central_difference(lambda t: t**2, 1e200)
    with pytest.raises(ValueError, match=r"no step gives a reliable estimate.*too large.*rescale"):
        central_difference(np.sin, 1.7e308)    # floats there are 2e292 apart
    with pytest.raises(ValueError, match=r"x is too large: x \+ h overflows.*rescale"):
        central_difference(np.sin, 1.7e308, h=1e307)
