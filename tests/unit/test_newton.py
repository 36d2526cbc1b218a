"""newton_root and newton_minimize against closed forms and sympy."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.newton import newton_minimize, newton_root
from calcnotes.result import DivergenceError
from calcnotes.symbolic import gradient, hessian, jacobian, to_numpy


def test_root_of_two_converges_quadratically():
    result = newton_root(lambda x: x**2 - 2, lambda x: 2 * x, 1.0)
    assert result.converged and result.x == pytest.approx(np.sqrt(2), abs=1e-15)
    # quadratic convergence: the error roughly squares each step
    # (e_{k+1} = e_k^2 / (2 x_k) for x^2 - 2; Newton's classic example)
    errors = np.abs(result.path - np.sqrt(2))[:4]
    np.testing.assert_allclose(errors[1:], errors[:-1] ** 2 / (2 * result.path[:3]), rtol=1e-6)


def test_root_of_a_system_matches_sympy():
    # x^2 + y^2 = 4, x y = 1; sympy's nsolve is the oracle.
    x, y = sp.symbols("x y", real=True)
    F = [x**2 + y**2 - 4, x * y - 1]
    result = newton_root(to_numpy(sp.Matrix(F), [x, y]), to_numpy(jacobian(F, [x, y]), [x, y]), [2.0, 0.5])
    exact = np.array(sp.nsolve(F, [x, y], [2.0, 0.5]), dtype=float).ravel()
    np.testing.assert_allclose(result.x, exact, atol=1e-12)
    assert result.path.shape == (result.n_iter + 1, 2)


def test_minimize_quadratic_in_one_step():
    # f = 1/2 x^T A x - b^T x: Newton lands on A^{-1} b in one step.
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, 2.0])
    result = newton_minimize(lambda v: A @ v - b, lambda v: A, [10.0, -7.0], f=lambda v: 0.5 * v @ A @ v - b @ v)
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-12)
    assert result.n_iter == 1 and result.values.shape == (2,)


def test_minimize_one_variable_omega_constant():
    # argmin e^x - ln x = W(1) (see test_gradient_descent), f'' = e^x + 1/x^2
    result = newton_minimize(lambda x: np.exp(x) - 1 / x, lambda x: np.exp(x) + 1 / x**2, 0.5)
    assert result.x == pytest.approx(float(sp.LambertW(1)), abs=1e-14)
    assert result.n_iter < 10 and isinstance(result.x, float)


def test_minimize_rosenbrock_with_sympy_derivatives():
    x, y = sp.symbols("x y", real=True)
    rosen = (1 - x) ** 2 + 100 * (y - x**2) ** 2  # minimum at (1, 1)
    g = to_numpy(gradient(rosen, [x, y]), [x, y])
    H = to_numpy(hessian(rosen, [x, y]), [x, y])
    result = newton_minimize(g, H, [-1.2, 1.0])
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-10)


def test_zero_or_singular_derivative_names_the_fix():
    with pytest.raises(ValueError,
                       match=r"df is zero at x=0; Newton's method cannot take a step here.*start elsewhere"):
        newton_root(lambda x: x**2 - 2, lambda x: 2 * x, 0.0)
    # a zero Hessian (f flat to second order), then a rank-1 one
    with pytest.raises(ValueError, match=r"Hessian is singular at x=\[0. 0.\] \(det=0\); "
                                         r"Newton's method cannot take a step here: "
                                         r"start elsewhere or use gradient_descent"):
        newton_minimize(lambda v: np.array([1.0, 1.0]), lambda v: np.zeros((2, 2)), [0.0, 0.0])
    with pytest.raises(ValueError, match=r"Hessian is singular.*\(det=0\)"):
        newton_minimize(lambda v: v, lambda v: np.ones((2, 2)), [1.0, 2.0])  # rank 1
    with pytest.raises(ValueError, match=r"Hessian is not finite at x=1; .*use gradient_descent"):
        newton_minimize(lambda x: x, lambda x: np.inf, 1.0)
    with pytest.raises(ValueError, match=r"Hessian\(x\) has shape \(2,\), expected \(2, 2\)"):
        newton_minimize(lambda v: v, lambda v: np.ones(2), [1.0, 2.0])


def test_divergence_raises_with_partial_path():
    # arctan from |x0| > 1.39 overshoots further each step (classic example).
    # Diverged means beyond 1e12 times the start's size: 3e12 from x0 = 3.
    with pytest.raises(DivergenceError, match=r"\|x\| > 3e12.*start closer to the root") as info:
        newton_root(np.arctan, lambda x: 1 / (1 + x**2), 3.0)
    assert np.all(np.isfinite(info.value.result.path))
    assert newton_root(np.arctan, lambda x: 1 / (1 + x**2), 1.0).x == 0.0


def test_minimize_divergence_message():
    # nearly flat curvature: the step g / f'' = 1e13 leaves any scale
    with pytest.raises(DivergenceError, match=r"start closer to the minimum or use gradient_descent"):
        newton_minimize(lambda x: 1.0, lambda x: 1e-13, 0.0)


def test_max_iter_and_bad_inputs():
    result = newton_root(lambda x: x**2 - 2, lambda x: 2 * x, 1.0, max_iter=1)
    assert not result.converged and result.n_iter == 1
    with pytest.raises(TypeError, match=r"df must be a function"):
        newton_root(np.sin, None, 1.0)
    with pytest.raises(TypeError, match=r"f must be a function"):
        newton_minimize(np.sin, np.cos, 1.0, f="f")
    with pytest.raises(ValueError, match=r"x0 contains inf"):
        newton_minimize(np.sin, np.cos, np.inf)


def test_newton_backtracking_by_hand():
    # f = sqrt(1 + x^2): the full Newton step maps x to -x^3. From 2: t = 1 -> -8
    # (f = 8.06 > f(2) = 2.236), t = 1/2 -> -3 (3.16), t = 1/4 -> -0.5 (1.118): accepted;
    # then full steps: 0.125, -0.125^3 ...
    f = lambda x: np.sqrt(1 + x**2)  # noqa: E731
    result = newton_minimize(lambda x: x / f(x), lambda x: f(x) ** -3, 2.0, f=f,
                             line_search="backtracking")
    np.testing.assert_allclose(result.path[:4], [2.0, -0.5, 0.125, -0.125**3], rtol=1e-12)
    assert result.converged
    with pytest.raises(DivergenceError):  # without the line search it diverges
        newton_minimize(lambda x: x / f(x), lambda x: f(x) ** -3, 2.0)


def test_newton_backtracking_refuses_an_uphill_step():
    # at a maximum's side the Hessian is negative: the Newton step goes uphill
    with pytest.raises(ValueError, match=r"does not point downhill.*not positive definite"):
        newton_minimize(lambda x: -2 * x, lambda x: -2.0, 1.0, f=lambda x: -x * x,
                        line_search="backtracking")
    with pytest.raises(ValueError, match="pass the objective as f="):
        newton_minimize(lambda x: 2 * x, lambda x: 2.0, 1.0, line_search="backtracking")


def test_newton_backtracking_takes_full_steps_on_a_quadratic():
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    result = newton_minimize(lambda x: H @ x - 1, lambda x: H, [5.0, 5.0],
                             f=lambda x: 0.5 * x @ H @ x - x.sum(), line_search="backtracking")
    assert result.n_iter == 1
    np.testing.assert_allclose(result.x, [0.2, 0.4])


def test_backtracking_newton_reaches_a_minimum_where_f_is_flat_in_float64():
    # h(p) = sqrt(1 + x^2) + sqrt(1 + y^2) - 2 has its minimum 0 at the origin (each
    # term is >= 1, with equality only at 0). From (2, 0.5) the full Newton step
    # (-x^3 per coordinate) overshoots, so the search halves it; near 0, h is exactly
    # 0.0 in float64 (1 + x^2 rounds to 1 for |x| < 1e-8) while |grad h| = |x| is
    # still above tol, so no trial can show Armijo's decrease: the step is taken anyway.
    def h(p):
        return float(np.sqrt(1 + p[0] ** 2) + np.sqrt(1 + p[1] ** 2) - 2)

    def grad(p):
        return p / np.sqrt(1 + p**2)

    def hess(p):
        return np.diag((1 + p**2) ** -1.5)

    result = newton_minimize(grad, hess, [2.0, 0.5], f=h, line_search="backtracking")
    assert result.converged
    assert np.allclose(result.x, 0.0, atol=1e-10)


def test_backtracking_newton_still_refuses_a_wrong_gradient():
    # f = x^2 with the gradient's sign flipped: every Newton step goes uphill.
    with pytest.raises(DivergenceError, match="gradient or the Hessian is probably wrong"):
        newton_minimize(lambda x: -2 * x, lambda x: np.array([[2.0]]), [1.0],
                        f=lambda x: float(x[0] ** 2), line_search="backtracking")
