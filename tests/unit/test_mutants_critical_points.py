"""Behaviour of calcnotes.critical_points.second_derivative_test that the mutation run found unpinned.

The rule under test is the docstring's: a float eigenvalue with
|lambda| <= tol * max(1, max_i |lambda_i|) counts as zero; H must be symmetric
to 1e-8 * max(1, max |H_ij|).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from calcnotes.critical_points import second_derivative_test


def test_zero_threshold_is_relative_to_the_largest_eigenvalue():
    # 1e-5 <= 1e-10 * 1e6 = 1e-4: zero, so the test cannot decide
    assert second_derivative_test(np.diag([1e6, 1e-5])) == "inconclusive"
    # max(1, 1.0) = 1: 1.5e-10 > 1e-10 * 1 is a positive eigenvalue
    assert second_derivative_test(np.diag([1.0, 1.5e-10])) == "minimum"
    assert second_derivative_test(np.diag([-1.0, -1.5e-10])) == "maximum"


def test_an_eigenvalue_equal_to_the_threshold_counts_as_zero():
    # tol = 0: only an exact 0 counts as zero (|0| <= 0)
    assert second_derivative_test(np.diag([1.0, 0.0]), tol=0) == "inconclusive"
    assert second_derivative_test(np.diag([1.0, 1e-300]), tol=0) == "minimum"


def test_symmetry_tolerance_scales_with_the_entries():
    # 1e-3 off-diagonal difference with entries of 1e6: within 1e-8 * 1e6 = 1e-2
    assert second_derivative_test(np.array([[1e6, 1e-3], [0.0, 1e6]])) == "minimum"
    # entries of size 1: the bound is 1e-8, and 1.5e-8 is beyond it
    with pytest.raises(ValueError, match="not symmetric"):
        second_derivative_test(np.array([[1.0, 1.5e-8], [0.0, 1.0]]))


# _numeric_roots (critical_points(..., interval=(a, b))): zeros of g in the open interval (a, b)
# from sign changes on a grid of 4001 points refined by bisection, and touching zeros.
# On (0, 4000) the grid is the integers 0..4000, exactly.


def _roots(g, a, b):
    from calcnotes.critical_points import _numeric_roots

    return [float(r) for r in _numeric_roots(g, X, a, b)]


X = sp.Symbol("x")


def test_a_zero_on_a_grid_point_is_found_once():
    assert _roots(X - 1000, 0, 4000) == [1000.0]


def test_bisection_reaches_the_zero_to_the_last_bit():
    # g = 1/3 - x is positive (below 1) before its zero: the bracket must follow the sign
    (r,) = _roots(sp.Rational(1, 3) - X, 0, 1)
    assert abs(r - 1 / 3) <= 2 * np.spacing(1 / 3)
    # 1000.25 is hit exactly by the second halving of [1000, 1001]
    assert _roots(X - sp.Float(1000.25), 0, 4000) == [1000.25]


def test_a_touching_zero_between_grid_points_is_found():
    # g = (x - 1000.001)^2 >= 0 never changes sign; |g| is least at the grid point 1000
    # (1e-6, far below 1e-8 * max|g| ~ 0.09)
    (r,) = _roots((X - sp.Float(1000.001)) ** 2, 0, 4000)
    assert abs(r - 1000.001) <= 1.0


def test_zeros_at_the_ends_are_outside_the_open_interval():
    assert _roots(X, 0, 10) == []
    assert _roots(X - 10, 0, 10) == []
    assert _roots((X - 2) * (X - 10), 0, 10) == [2.0]


@pytest.mark.parametrize("interval", [(0, float("inf")), (float("-inf"), 1), (1, 1), (2, 1)])
def test_interval_must_be_finite_with_a_below_b(interval):
    from calcnotes.critical_points import critical_points

    with pytest.raises(ValueError, match="finite numbers with a < b"):
        critical_points(sp.cos(X) + X**2, [X], interval=interval)
