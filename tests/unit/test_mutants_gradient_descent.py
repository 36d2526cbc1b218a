"""Behaviour of calcnotes.gradient_descent (the line_search option and the Armijo backtracking) that the
mutation run found unpinned.

Expected values follow from the documented contract, worked out by hand in the comments: Armijo's condition
``f(x + t d) <= f(x) + c t slope`` with c = 1e-4 (``<=``, so equality passes), a first trial allowed to
raise f by 1e-12 |f(x)|, at most 60 halvings (61 trials), non-finite trials counted as too high without
calling f, a flat f taking the first trial, and ``max_iter=1000`` by default.
"""

from __future__ import annotations

import numpy as np
import pytest

from calcnotes.gradient_descent import gradient_descent
from calcnotes.result import DivergenceError


def _backtrack(grad, f, learning_rate, x0=0.0, max_iter=1):
    return gradient_descent(grad, x0, learning_rate, max_iter=max_iter, f=f, line_search="backtracking")


def test_line_search_none_is_plain_gradient_descent():
    # f = x^2 from 1 with eta = 0.25: x -> x - 0.25 * 2x = x / 2
    result = gradient_descent(lambda x: 2 * x, 1.0, 0.25, max_iter=2, line_search=None)
    np.testing.assert_array_equal(result.path, [1.0, 0.5, 0.25])


def test_backtracking_halves_a_step_that_does_not_decrease_f():
    # the docstring's example: eta = 1 = 2 / f'' jumps from 0 to 6 (f(6) = f(0)); halved, it lands on 3
    result = _backtrack(lambda x: 2 * (x - 3), lambda x: (x - 3) ** 2, 1.0, max_iter=5)
    np.testing.assert_array_equal(result.path, [0.0, 3.0])
    assert result.converged


def test_line_search_options_are_checked():
    with pytest.raises(ValueError, match=r"\bline_search\b"):
        gradient_descent(lambda x: x, 1.0, 0.1, f=lambda x: x * x / 2, line_search="wolfe")
    with pytest.raises(ValueError):  # backtracking compares values of f: f is required
        gradient_descent(lambda x: x, 1.0, 0.1, line_search="backtracking")


def test_armijo_equality_is_accepted():
    # f = -1e-4 x with a claimed gradient of -1 (direction +1, slope -1), x0 = 0, eta = 0.5:
    # f(0.5) = -5e-5 equals f(0) + 1e-4 * 0.5 * (-1) exactly (halving is exact), and "<=" accepts it
    result = _backtrack(lambda x: -1.0, lambda x: -1e-4 * x, 0.5)
    np.testing.assert_array_equal(result.path, [0.0, 0.5])


def test_first_trial_may_raise_f_by_rounding():
    # f(0) = 1, claimed gradient -1, eta = 1e-9: the condition asks f(1e-9) <= 1 - 1e-13 + 1e-12 (allowance);
    # f(1e-9) = 1 + 5e-13 passes only thanks to the allowance. Halved trials (no allowance) see
    # f = 1 + 2e-12, which is neither a decrease nor flat to rounding, so only the first trial can pass.
    def f(x):
        if x == 0:
            return 1.0
        return 1.0 + 5e-13 if x >= 1e-9 else 1.0 + 2e-12

    result = _backtrack(lambda x: -1.0, f, 1e-9)
    np.testing.assert_array_equal(result.path, [0.0, 1e-9])


def test_sixty_halvings_are_tried_and_no_more():
    # f = -x up to a threshold s, 1 beyond it; claimed gradient -1 (direction +1), x0 = 0, eta = 1.
    # Trials are 1, 1/2, ..., 2**-60 (60 halvings): s = 2**-60 is reached by the last one ...
    def f_until(s):
        return lambda x: -x if x <= s else 1.0

    result = _backtrack(lambda x: -1.0, f_until(2.0**-60), 1.0)
    assert result.x == 2.0**-60
    # ... and s = 2**-61 is not: no trial lowers f, and f is not flat (1 vs 0), so the search gives up
    with pytest.raises(DivergenceError):
        _backtrack(lambda x: -1.0, f_until(2.0**-61), 1.0)


def test_non_finite_trials_count_as_too_high_without_calling_f():
    # x0 = 0, claimed gradient 1e3, eta = 1e306: the first trials -1e309, -5e308, -2.5e308 overflow to -inf
    # and must not reach f; -1.25e308 is finite and satisfies Armijo for f = x, then the iterate is past the
    # divergence bound 1e12.
    seen = []

    def f(x):
        seen.append(float(x))
        return float(x)

    with pytest.raises(DivergenceError):
        _backtrack(lambda x: 1e3, f, 1e306)
    assert np.isfinite(seen).all()
    assert seen[-1] == pytest.approx(-1.25e308)  # 1e306 / 8 * 1e3


def test_flat_f_takes_the_first_trial():
    # f = 1 everywhere (flat in float64) while the claimed gradient is 1e10: Armijo asks for a decrease of
    # 1e-4 * t * 1e20, which no trial can show down to t = 2**-60, and no trial changes f: the first
    # trial x0 - eta * g = -1e7 is taken.
    result = _backtrack(lambda x: 1e10, lambda x: 1.0, 1e-3)
    np.testing.assert_array_equal(result.path, [0.0, -1e7])


def test_backtracking_with_f_returning_a_one_element_list():
    # f may return [value] for one variable; the line search must read f(x) through the same checks.
    # f = (x - 3)^2 from 0 with eta = 0.5: the first trial 0 - 0.5 * (-6) = 3 is the minimum
    result = _backtrack(lambda x: 2 * (x - 3), lambda x: [float((x - 3) ** 2)], 0.5, max_iter=3)
    np.testing.assert_array_equal(result.path, [0.0, 3.0])
    assert result.converged


def test_max_iter_defaults_to_1000():
    # f = x^2 / 2 with eta = 1e-6: x shrinks by 1 - 1e-6 a step, far from |x| <= 1e-8 after 1000 steps
    result = gradient_descent(lambda x: x, 1.0, 1e-6)
    assert result.n_iter == 1000 and not result.converged
