"""gradient_descent and OptimizeResult/DivergenceError (calcnotes.result)."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.gradient_descent import gradient_descent
from calcnotes.result import DivergenceError, OptimizeResult

# f(x) = e^x - ln x has f'(x) = e^x - 1/x = 0 at x e^x = 1, i.e. x = W(1),
# the omega constant. Oracle: sympy's LambertW(1), evaluated to 16 digits.
OMEGA = float(sp.N(sp.LambertW(1), 20))


def f(x):
    return np.exp(x) - np.log(x)


def grad(x):
    return np.exp(x) - 1 / x


def test_omega_constant_oracle():
    assert OMEGA == pytest.approx(0.5671432904097838, abs=1e-16)
    assert OMEGA * np.exp(OMEGA) == pytest.approx(1.0, abs=1e-15)


def test_converges_to_omega_constant():
    result = gradient_descent(grad, x0=0.05, learning_rate=0.005, f=f)
    assert result.converged
    assert "converged" in result.message
    # |x - x*| ~ |f'(x)| / f''(x*) <= tol / (e^W + 1/W^2 ~ 4.87) = 2e-9
    assert result.x == pytest.approx(OMEGA, abs=1e-8)
    assert isinstance(result.x, float)
    assert result.path.shape == (result.n_iter + 1,)
    assert result.path[0] == 0.05 and result.path[-1] == result.x
    assert result.values.shape == result.path.shape
    np.testing.assert_allclose(result.values, f(result.path))
    # small enough a step that f decreases monotonically (up to round-off
    # once f has settled at f(W) to 16 digits)
    assert np.all(np.diff(result.values) <= 1e-15)


def test_matches_the_update_rule():
    # Two steps by hand: x1 = x0 - lr f'(x0), x2 = x1 - lr f'(x1).
    result = gradient_descent(grad, 0.05, 0.005, max_iter=2)
    x1 = 0.05 - 0.005 * grad(0.05)
    np.testing.assert_allclose(result.path, [0.05, x1, x1 - 0.005 * grad(x1)])
    assert not result.converged and result.n_iter == 2
    assert "did not converge in max_iter=2 iterations" in result.message
    assert "increase max_iter" in result.message
    assert result.values is None


def test_too_large_learning_rate_raises_with_partial_path():
    # lr = 0.3 throws x to a negative number where ln x is undefined.
    with pytest.raises(DivergenceError,
                       match=r"diverged at iteration 2: f\(x\) = nan.*reduce learning_rate, currently 0.3") as info:
        gradient_descent(grad, 0.05, 0.3, f=f)
    assert isinstance(info.value, ValueError)
    partial = info.value.result
    assert isinstance(partial, OptimizeResult) and not partial.converged
    assert np.all(np.isfinite(partial.path)) and np.all(np.isfinite(partial.values))
    assert partial.path.shape == partial.values.shape == (2,)


def test_quadratic_in_several_variables():
    # f(x) = 1/2 x^T A x - b^T x: minimum at A^{-1} b (oracle np.linalg.solve);
    # converges for lr < 2 / lambda_max(A).
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    lam_max = np.linalg.eigvalsh(A).max()
    result = gradient_descent(lambda x: A @ x - b, np.zeros(2), 1.9 / lam_max, f=lambda x: 0.5 * x @ A @ x - b @ x)
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-8)
    assert result.path.shape == (result.n_iter + 1, 2)
    # just above 2 / lambda_max the iterates grow without bound
    with pytest.raises(DivergenceError, match=r"\|x\| > 1e12.*reduce learning_rate, currently 0.58") as info:
        gradient_descent(lambda x: A @ x - b, np.zeros(2), 2.1 / lam_max)
    assert info.value.result.path.ndim == 2 and np.all(np.isfinite(info.value.result.path))


def test_already_at_the_minimum():
    result = gradient_descent(lambda x: 2 * x, 0.0, 0.1)
    assert result.converged and result.n_iter == 0 and result.path.tolist() == [0.0]


def test_exploding_f_counts_as_divergence():
    # grad is bounded, so x creeps; f is told to explode: f = e^(x^2).
    with pytest.raises(DivergenceError, match=r"f\(x\) = "):
        gradient_descent(lambda x: -1.0, 0.0, 10.0, f=lambda x: np.exp(x**2))


def test_non_finite_gradient_during_run():
    with pytest.raises(DivergenceError, match=r"grad f\(x\) is not finite at x = 0"):
        gradient_descent(lambda x: 1 / x if x == 0 else -1.0, -1.0, 1.0)


def test_repr():
    result = gradient_descent(lambda x: 2 * x, [1.0, 0.0], 0.5)
    assert repr(result).startswith("OptimizeResult(x=[0. 0.], n_iter=1, converged=True")
    with pytest.raises(AttributeError):
        result.x = 1.0


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"learning_rate must be > 0, got -0.1"):
        gradient_descent(grad, 1.0, -0.1)
    with pytest.raises(ValueError, match=r"x0 contains NaN at index 0"):
        gradient_descent(grad, [np.nan], 0.1)
    with pytest.raises(ValueError, match=r"x0 must be 0-D or 1-D"):
        gradient_descent(grad, np.zeros((2, 2)), 0.1)
    with pytest.raises(ValueError, match=r"max_iter must be >= 0, got -1"):
        gradient_descent(grad, 1.0, 0.1, max_iter=-1)
    with pytest.raises(ValueError, match=r"tol must be >= 0, got -1.0"):
        gradient_descent(grad, 1.0, 0.1, tol=-1.0)
    with pytest.raises(TypeError, match=r"grad must be a function"):
        gradient_descent(None, 1.0, 0.1)
    with pytest.raises(TypeError, match=r"f must be a function"):
        gradient_descent(grad, 1.0, 0.1, f=3)
    with pytest.raises(ValueError,
                       match=r"grad f\(x\) has shape \(3,\), expected \(2,\); return an array shaped like x"):
        gradient_descent(lambda x: np.ones(3), [1.0, 2.0], 0.1)
    with pytest.raises(ValueError, match=r"grad f\(x\) is not finite at x0 = -1; start inside the domain"):
        gradient_descent(lambda x: np.log(x), -1.0, 0.1)
    with pytest.raises(ValueError, match=r"f\(x0\) = nan is not finite at x0 = -1; start inside the domain"):
        gradient_descent(grad, -1.0, 0.1, f=f)


# --- line_search="backtracking" (Armijo halving), against hand-computed steps --


def test_backtracking_halves_until_armijo_holds():
    # f = (x - 3)^2, g = 2(x - 3): from 0 with rate 2, x - t g = 0 + 6 t.
    # t = 2 -> 12, f = 81 > 9; t = 1 -> 6, f = 9 > 9 - 1e-4 * 36; t = 1/2 -> 3, f = 0.
    f = lambda x: (x - 3) ** 2  # noqa: E731
    result = gradient_descent(lambda x: 2 * (x - 3), 0.0, learning_rate=2.0, f=f,
                              line_search="backtracking")
    np.testing.assert_array_equal(result.path, [0.0, 3.0])
    assert result.converged and result.n_iter == 1
    np.testing.assert_array_equal(result.values, [9.0, 0.0])


def test_backtracking_keeps_steps_that_already_decrease():
    # below 2(1 - 1e-4)/L the iterates are those of plain gradient descent
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    f = lambda x: 0.5 * x @ H @ x  # noqa: E731
    plain = gradient_descent(lambda x: H @ x, [1.0, -2.0], 0.3, f=f)
    searched = gradient_descent(lambda x: H @ x, [1.0, -2.0], 0.3, f=f,
                                line_search="backtracking")
    np.testing.assert_array_equal(plain.path, searched.path)


def test_backtracking_one_step_by_hand():
    # f = x^4 / 4 from x = 2, g = 8, rate 1: t = 1 -> -6 (f = 324); t = 1/2 -> -2 (f = 4 = f(2),
    # not below 4 - 1e-4 * 0.5 * 64); t = 1/4 -> 0: f = 0 accepted
    result = gradient_descent(lambda x: x**3, 2.0, 1.0, f=lambda x: x**4 / 4,
                              line_search="backtracking", max_iter=1)
    assert result.path[1] == 0.0


def test_backtracking_needs_f_and_a_known_name():
    with pytest.raises(ValueError, match="pass the objective as f="):
        gradient_descent(lambda x: x, 1.0, 0.1, line_search="backtracking")
    with pytest.raises(ValueError, match="line_search must be one of 'backtracking'"):
        gradient_descent(lambda x: x, 1.0, 0.1, f=lambda x: x * x, line_search="wolfe")


def test_backtracking_gives_up_on_a_wrong_gradient():
    # the "gradient" points uphill: no halving ever lowers f
    with pytest.raises(DivergenceError, match=r"no step that lowers f.*reduce learning_rate"):
        gradient_descent(lambda x: -2 * x, 1.0, 0.1, f=lambda x: x * x,
                         line_search="backtracking")


def test_keep_path_false_keeps_the_ends():
    full = gradient_descent(lambda x: 2 * x, 1.0, 0.1, f=lambda x: x * x)
    short = gradient_descent(lambda x: 2 * x, 1.0, 0.1, f=lambda x: x * x, keep_path=False)
    assert short.n_iter == full.n_iter and short.x == full.x
    np.testing.assert_array_equal(short.path, full.path[[0, -1]])
    np.testing.assert_array_equal(short.values, full.values)
