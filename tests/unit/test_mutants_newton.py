"""Behaviour of calcnotes.newton that the mutation run found unpinned: the damped Newton direction of
``newton_minimize(..., line_search="backtracking")``, the singularity threshold, the defaults.

Expected values are worked out by hand in the comments from the documented contract: the Newton step
``-H^{-1} grad f``, refused (ValueError, not DivergenceError) unless it goes downhill (slope < 0); a
derivative refused when its condition number is above 1/eps; ``max_iter=100``; ``keep_path=False``
keeping x0 and the last iterate.
"""

from __future__ import annotations

import numpy as np
import pytest

from calcnotes.newton import newton_minimize, newton_root
from calcnotes.result import DivergenceError


def _damped(grad, hess, f, x0, **kwargs):
    return newton_minimize(grad, hess, x0, f=f, line_search="backtracking", **kwargs)


def test_damped_newton_one_variable_docstring_path():
    # f = sqrt(1 + x^2): f' = x / f, f'' = f^-3, so the full step maps x to x - x f^2 = -x^3.
    # From 2 the full step (-8) and half step (-3) raise f; the quarter step lands on -0.5, whose full
    # step -(-0.5)^3 = 0.125 passes.
    def f(x):
        return np.sqrt(1 + x**2)

    result = _damped(lambda x: x / f(x), lambda x: f(x) ** -3, f, 2.0)
    np.testing.assert_allclose(result.path[:3], [2.0, -0.5, 0.125], rtol=1e-12)
    assert result.converged


def test_damped_newton_on_a_quadratic_takes_the_full_step():
    # f = x^T H x / 2 with H positive definite: the Newton step from any x0 is -x0, straight to 0.
    # At x0 = (1, -0.5): g = H x0 = (0.55, 0.4), step = (-1, 0.5): the slope g . step = -0.35 < 0
    # (although the ratios g / step sum to a positive 0.25).
    H = np.array([[1.0, 0.9], [0.9, 1.0]])
    result = _damped(lambda x: H @ x, lambda x: H, lambda x: 0.5 * x @ H @ x, np.array([1.0, -0.5]))
    np.testing.assert_allclose(result.path, [[1.0, -0.5], [0.0, 0.0]], atol=1e-15)
    assert result.converged and result.n_iter == 1


def test_uphill_newton_step_is_a_value_error_not_divergence():
    # f = -x^2 / 2 (a maximum at 0): g = -x, H = -1, step = -g / H = -x and slope g * step = x^2 = 0.25 > 0
    with pytest.raises(ValueError) as info:
        _damped(lambda x: -x, lambda x: -1.0, lambda x: -x * x / 2, 0.5)
    assert not isinstance(info.value, DivergenceError)


def test_zero_hessian_with_backtracking_is_a_value_error_not_divergence():
    # f'' = 0 at x0: the step -g / 0 is infinite, which is no downhill direction
    with pytest.raises(ValueError) as info:
        _damped(lambda x: 1.0, lambda x: 0.0, lambda x: x, 1.0)
    assert not isinstance(info.value, DivergenceError)


def test_a_step_with_zero_slope_is_refused():
    # f = 1e100 x^2 / 2 at x0 = 1e-250 with tol = 0: g = 1e-150 (nonzero norm), the step -g / 1e100 = -1e-250
    # and its slope g * step = -1e-400 underflows to 0, which does not go downhill
    with pytest.raises(ValueError):
        _damped(lambda x: 1e100 * x, lambda x: 1e100, lambda x: 0.5e100 * x * x, 1e-250, tol=0.0)


def test_condition_number_exactly_one_over_eps_is_still_solved():
    # J = diag(1, 2**-52) has condition number 2**52 = 1/eps: not above it, so the step is taken.
    # f(x) = J x is linear, so one Newton step lands on the root 0 exactly.
    J = np.diag([1.0, 2.0**-52])
    result = newton_root(lambda x: J @ x, lambda x: J, np.array([1.0, 1.0]))
    np.testing.assert_array_equal(result.x, [0.0, 0.0])
    # a condition number twice as large is refused
    J2 = np.diag([1.0, 2.0**-53])
    with pytest.raises(ValueError):
        newton_root(lambda x: J2 @ x, lambda x: J2, np.array([1.0, 1.0]))


def test_max_iter_defaults_to_100():
    # a derivative 1e6 times too large makes each step shrink x by only 1 - 1e-6: no convergence in 100 steps
    root = newton_root(lambda x: x, lambda x: 1e6, 1.0)
    assert root.n_iter == 100 and not root.converged
    minimum = newton_minimize(lambda x: x, lambda x: 1e6, 1.0)
    assert minimum.n_iter == 100 and not minimum.converged


def test_keep_path_false_keeps_x0_and_the_last_iterate():
    # f = x^2 / 2 with a Hessian twice too large: x halves each step, 1 -> 0.5 -> 0.25 -> 0.125
    result = newton_minimize(lambda x: x, lambda x: 2.0, 1.0, max_iter=3, keep_path=False)
    np.testing.assert_array_equal(result.path, [1.0, 0.125])
    assert result.n_iter == 3


def test_arguments_that_are_not_callable_are_named():
    with pytest.raises(TypeError, match="grad"):
        newton_minimize(1.0, lambda x: 1.0, 1.0)
    with pytest.raises(TypeError, match="hess"):
        newton_minimize(lambda x: x, 1.0, 1.0)


def test_a_callback_returning_nothing_is_named_in_the_error():
    # the error must say which function misbehaved: the residual is f for a root, grad f for a minimum
    with pytest.raises(TypeError, match=r"^f\b"):
        newton_root(lambda x: None, lambda x: 1.0, 1.0)
    with pytest.raises(TypeError, match=r"^grad\b"):
        newton_minimize(lambda x: None, lambda x: 1.0, 1.0)
