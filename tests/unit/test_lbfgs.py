"""L-BFGS against scipy's L-BFGS-B and against Newton's one-step answer on a quadratic."""

import numpy as np
import pytest
from scipy.optimize import minimize

from calcnotes.lbfgs import lbfgs
from calcnotes.result import DivergenceError


def rosenbrock(x):
    value = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    grad = np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
    return value, grad


def test_rosenbrock_minimum_as_scipy():
    result = lbfgs(rosenbrock, [-1.2, 1.0], tol=1e-10)
    reference = minimize(rosenbrock, [-1.2, 1.0], jac=True, method="L-BFGS-B",
                         options={"gtol": 1e-12, "ftol": 1e-15})
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-8)   # the minimum, by hand
    np.testing.assert_allclose(result.x, reference.x, atol=1e-6)
    assert result.converged and result.n_iter < 100
    assert np.all(np.diff(result.values) <= 1e-15)                 # Armijo: downhill, to rounding
    assert result.path.shape == (result.n_iter + 1, 2)


def test_quadratic_in_many_variables():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(50, 50))
    H = A @ A.T + 50 * np.eye(50)
    c = rng.normal(size=50)
    result = lbfgs(lambda x: (0.5 * x @ H @ x - c @ x, H @ x - c), np.zeros(50), tol=1e-10)
    np.testing.assert_allclose(result.x, np.linalg.solve(H, c), rtol=0, atol=1e-11)   # H x = c


def test_bad_callbacks_and_settings():
    with pytest.raises(TypeError, match=r"must return a pair \(f\(x\), grad f\(x\)\)"):
        lbfgs(lambda x: x @ x, [1.0])
    with pytest.raises(ValueError, match=r"a scalar and an array of shape \(2,\)"):
        lbfgs(lambda x: (x @ x, np.ones(3)), [1.0, 2.0])
    with pytest.raises(TypeError, match=r"returned None.*return"):
        lbfgs(lambda x: (None, x), [1.0])
    with pytest.raises(DivergenceError, match=r"no step along the search direction lowers f.*check_gradient"):
        lbfgs(lambda x: (float(x @ x), -2 * x), [1.0, 2.0])   # the gradient's sign is wrong
    with pytest.raises(ValueError, match=r"memory must be >= 1"):
        lbfgs(rosenbrock, [0.0, 0.0], memory=0)
