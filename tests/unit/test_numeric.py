"""numeric_gradient/jacobian/hessian against exact oracles: sympy's
derivatives of the same expression, and closed forms for quadratics."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from calcnotes.numeric import numeric_gradient, numeric_hessian, numeric_jacobian
from calcnotes.symbolic import gradient, hessian, jacobian, to_numpy

x, y = sp.symbols("x y", real=True)
ROSENBROCK = (1 - x) ** 2 + 100 * (y - x**2) ** 2
f_rosen = to_numpy(ROSENBROCK, [x, y])
POINTS = [np.array([-1.2, 1.0]), np.array([0.5, -0.3]), np.array([1.0, 1.0])]


@pytest.mark.parametrize("point", POINTS)
def test_gradient_of_rosenbrock_matches_sympy(point):
    exact = to_numpy(gradient(ROSENBROCK, [x, y]), [x, y])(point)
    np.testing.assert_allclose(numeric_gradient(f_rosen, point), exact, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(numeric_gradient(f_rosen, point, "forward"), exact, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numeric_gradient(f_rosen, point, "complex"), exact, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("point", POINTS)
def test_hessian_of_rosenbrock_matches_sympy(point):
    exact = to_numpy(hessian(ROSENBROCK, [x, y]), [x, y])(point)
    H = numeric_hessian(f_rosen, point)
    np.testing.assert_allclose(H, exact, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(H, H.T)


def test_jacobian_matches_sympy():
    exprs = [x**2 * y, sp.exp(x) * sp.sin(y), x + y]
    F, J = to_numpy(sp.Matrix(exprs), [x, y]), to_numpy(jacobian(exprs, [x, y]), [x, y])
    point = np.array([0.7, -1.3])
    np.testing.assert_allclose(numeric_jacobian(F, point), J(point), rtol=1e-8, atol=1e-9)
    assert numeric_jacobian(f_rosen, point).shape == (1, 2)  # scalar f: (1, n)
    assert numeric_jacobian(np.sin, 0.5).shape == (1, 1)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, n), elements=st.floats(-3, 3)),
    arrays(np.float64, n, elements=st.floats(-3, 3)),
    arrays(np.float64, n, elements=st.floats(-3, 3)),
)))
def test_quadratic_closed_forms(case):
    # f = 1/2 x^T A x + b^T x: grad = (A + A^T)/2 x + b, H = (A + A^T)/2.
    A, b, x0 = case
    f = lambda v: 0.5 * v @ A @ v + b @ v  # noqa: E731
    S = (A + A.T) / 2
    np.testing.assert_allclose(numeric_gradient(f, x0), S @ x0 + b, atol=1e-7)
    np.testing.assert_allclose(numeric_gradient(f, x0, "complex"), S @ x0 + b, atol=1e-12)
    np.testing.assert_allclose(numeric_hessian(f, x0), S, atol=1e-6)
    # the Jacobian of the gradient is the Hessian (autograd's construction)
    np.testing.assert_allclose(numeric_jacobian(lambda v: S @ v + b, x0), S, atol=1e-8)


@settings(max_examples=20, deadline=None)
@given(st.tuples(st.integers(1, 4), st.integers(1, 4)), st.integers(0, 2**32 - 1))
def test_gradient_with_respect_to_a_matrix(shape, seed):
    # f(W) = sum(tanh(W v)): df/dW = (1 - tanh(W v)^2) v^T (outer product).
    rng = np.random.default_rng(seed)
    W, v = rng.normal(size=shape), rng.normal(size=shape[1])
    exact = np.outer(1 - np.tanh(W @ v) ** 2, v)
    g = numeric_gradient(lambda M: np.sum(np.tanh(M @ v)), W)
    assert g.shape == W.shape
    np.testing.assert_allclose(g, exact, atol=1e-8)


def test_scalar_x_and_explicit_h():
    assert numeric_gradient(lambda t: t**2, 3.0).shape == ()
    # forward difference of t^2 with h = 0.5: (3.5^2 - 9)/0.5 = 6.5 exactly
    assert numeric_gradient(lambda t: t**2, 3.0, "forward", h=0.5) == 6.5
    assert numeric_hessian(lambda t: t[0] ** 3, 1.0, h=1e-3)[0, 0] == pytest.approx(6.0, rel=1e-6)


def test_non_scalar_output_points_to_jacobian():
    with pytest.raises(ValueError, match=r"numeric_gradient only applies to scalar-output functions, "
                                         r"but f\(x\) has shape \(2,\); try numeric_jacobian"):
        numeric_gradient(lambda v: v, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"numeric_hessian only applies to scalar-output.*numeric_jacobian"):
        numeric_hessian(lambda v: v, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"f\(x\) has shape \(2, 2\); numeric_jacobian needs a scalar or 1-D output"):
        numeric_jacobian(lambda v: np.outer(v, v), [1.0, 2.0])


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"method must be 'central', 'forward' or 'complex', got 'backward'"):
        numeric_gradient(f_rosen, [0.0, 0.0], method="backward")
    with pytest.raises(ValueError, match=r"x contains NaN at index 1"):
        numeric_gradient(f_rosen, [0.0, np.nan])
    with pytest.raises(ValueError, match=r"x must be 0-D or 1-D"):
        numeric_hessian(f_rosen, np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"h must be > 0, got -1.0"):
        numeric_hessian(f_rosen, [0.0, 0.0], h=-1.0)
    with pytest.raises(TypeError, match=r"f must be a function"):
        numeric_jacobian(None, [0.0])


def test_outside_domain_and_bad_outputs():
    with pytest.raises(ValueError, match=r"f\(x - h\*e_0\) is not finite.*outside the domain"):
        numeric_gradient(lambda v: np.log(v).sum(), [0.0 + 1e-300, 1.0])
    with pytest.raises(TypeError, match=r"f\(x\) returned the string 'a'; it must return a number"):
        numeric_gradient(lambda v: "a", [1.0])
    with pytest.raises(TypeError, match=r"f\(x\) returned None.*return"):
        numeric_hessian(lambda v: None, [1.0])
    with pytest.raises(ValueError, match=r"f\(x \+ h\*e_0\) has shape \(3,\) but f\(x\) has shape \(2,\)"):
        numeric_jacobian(lambda v: np.ones(2) if v[0] == 1.0 else np.ones(3), [1.0])
    with pytest.raises(ValueError, match=r"overflowed float64.*rescale"):
        numeric_gradient(lambda v: np.sum(v**2), [1e200, 1.0])
    with pytest.raises(TypeError, match=r"returned complex values.*must return real values.*np.real"):
        numeric_jacobian(lambda v: v + 1j, [1.0])
    with pytest.raises(TypeError, match=r"f returned real values for complex input.*method='central'"):
        numeric_gradient(lambda v: np.abs(v).sum(), [1.0], method="complex")


def test_steps_per_coordinate_for_mixed_scales():
    # One step for every coordinate (eps**(1/4) * max |x| = 1.2 here) makes
    # H_00 of sin(a) + log(b) at (0.5, 1e4) off by 36 %; a step per
    # coordinate does not. Exact: H = diag(-sin a, -1/b**2).
    def f(v):
        return np.sin(v[0]) + np.log(v[1])

    H = numeric_hessian(f, [0.5, 1e4])
    np.testing.assert_allclose(H, [[-np.sin(0.5), 0.0], [0.0, -1e-8]], rtol=1e-6, atol=1e-12)
    # and the gradient of a periodic f far from 0 keeps its sign (cos(1e6) > 0)
    g = numeric_gradient(lambda v: np.sin(v[0]) + v[1] ** 2, [1e6, 3.0])
    np.testing.assert_allclose(g, [np.cos(1e6), 6.0], rtol=1e-8)
