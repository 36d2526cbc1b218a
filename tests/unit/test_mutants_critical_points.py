"""Behaviour of calcnotes.critical_points.second_derivative_test that the mutation run found unpinned.

The rule under test is the docstring's: a float eigenvalue with
|lambda| <= tol * max(1, max_i |lambda_i|) counts as zero; H must be symmetric
to 1e-8 * max(1, max |H_ij|).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp

from calcnotes.critical_points import critical_points, second_derivative_test


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


# ---- second round ----

def test_a_grid_value_of_zero_after_a_negative_one_gives_no_numpy_warning():
    # g = x - 1000 is 0 at the grid point 1000 with g(999) = -1 before it: found once, exactly, with no
    # "divide by zero" or other numpy warning on the way
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _roots(X - 1000, 0, 4000) == [1000.0]


def test_a_bisection_midpoint_where_g_is_one_is_not_a_zero():
    # g = 4 (x - 1000.25): on [1000, 1001] the first midpoint 1000.5 has g = 1, the second 1000.25 has g = 0
    assert _roots(4 * (X - sp.Float(1000.25)), 0, 4000) == [1000.25]


def test_a_zero_in_the_last_grid_interval_is_found():
    assert _roots(X - sp.Float(3999.5), 0, 4000) == [3999.5]


def test_a_touching_zero_at_the_second_grid_point_is_found():
    # (x - 1.001)^2: |g| is least at the grid point 1 (1e-6, below 1e-8 * max|g| ~ 0.16)
    (r,) = _roots((X - sp.Float(1.001)) ** 2, 0, 4000)
    assert abs(r - 1.001) <= 1.0


def test_only_the_local_minimum_of_g_counts_as_a_touching_zero():
    # (x - 1000.001)^2 (1 + (x/100)^4): max|g| ~ 4e13 makes the threshold 1e-8 * max|g| ~ 4e5, which the grid points
    # near 1000 (g(1001) ~ 1e4, g(1002) ~ 4e4, ...) are all below; only the local minimum of |g|, at 1000, is a zero
    (r,) = _roots((X - sp.Float(1000.001)) ** 2 * (1 + (X / 100) ** 4), 0, 4000)
    assert abs(r - 1000.001) <= 1.0


def test_a_double_root_midway_between_grid_points_is_reported_once():
    # (x - 2000.5)^2 (1 + ((x - 2000.5)/100)^4) is symmetric about 2000.5: |g| is 0.25 at both 2000 and 2001
    # (a plateau of the grid values); one double root, so one zero (this gave two, 2000 and 2001)
    c = sp.Float(2000.5)
    (r,) = _roots((X - c) ** 2 * (1 + ((X - c) / 100) ** 4), 0, 4000)
    assert abs(r - 2000.5) <= 1.0


def test_a_small_positive_minimum_is_not_a_zero():
    # (x - 0.5)^2 + 1.5e-8 never vanishes; its least value 1.5e-8 (at the grid point 0.5) is above
    # 1e-8 * max(1, max|g|) = 1e-8 since max|g| = 0.25 < 1
    assert _roots((X - 0.5) ** 2 + sp.Float(1.5e-8), 0, 1) == []


def test_negative_zeros_are_all_kept():
    assert _roots((X + 1000) * (X + 2000), -4000, 0) == [-2000.0, -1000.0]


def test_a_double_root_split_by_rounding_is_one_zero():
    # (x - 1000)^2 - 1e-14 has zeros 1000 +/- 1e-7, 2e-10 apart relative: one (double) zero in float64 terms
    assert len(_roots((X - 1000) ** 2 - sp.Float(1e-14), 0, 4000)) == 1


def test_numeric_zeros_are_floats_of_float64_precision():
    # documented: the values are sympy Floats; 15 significant digits, the precision of float64 (53 bits)
    (r,) = critical_points(X**2 / 2 - sp.Float(1000.25) * X, [X], interval=(0, 4000))
    assert isinstance(r[X], sp.Float) and r[X]._prec == 53 and str(r[X]) == "1000.25000000000"


def test_interval_search_outside_the_domain_raises_without_a_numpy_warning():
    # f = 2 sqrt(x) on (-2, -1): f' = 1/sqrt(x) is NaN on the whole grid; f = log(x^2) on (-1, 1): f' = 2/x is
    # infinite at the single grid point 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            critical_points(2 * sp.sqrt(X), [X], interval=(-2, -1))
        with pytest.raises(ValueError):
            critical_points(sp.log(X**2), [X], interval=(-1, 1))


x, y, z = sp.symbols("x y z", real=True)


def test_periodic_f_gives_the_points_of_one_period():
    # documented: for periodic f, the points of one period; sin' = cos vanishes at pi/2 and 3 pi/2 in [0, 2 pi)
    assert critical_points(sp.sin(x), [x]) == [{x: sp.pi / 2}, {x: 3 * sp.pi / 2}]


def test_no_critical_points_is_an_empty_list():
    # f = 3x: f' = 3 never vanishes (a polynomial); f = exp(x): f' = exp(x) > 0 (solveset: the empty set)
    assert critical_points(3 * x, [x]) == []
    assert critical_points(sp.exp(x), [x]) == []
    # exp(x) + x + exp(y) + y: the gradient (exp(x) + 1, exp(y) + 1) is never 0 over the reals
    # (only at complex points x = i pi (2n + 1)), so no critical point
    assert critical_points(sp.exp(x) + x + sp.exp(y) + y, [x, y]) == []


def test_three_real_roots_written_with_i_are_kept_and_sorted():
    # f = x^4/4 - 3x^2/2 + x + y^2: grad = (x^3 - 3x + 1, 2y). The cubic has three real roots, which sympy's solver
    # writes with I (casus irreducibilis); they must be kept, sorted by value (numpy's roots as the oracle)
    points = critical_points(x**4 / 4 - 3 * x**2 / 2 + x + y**2, [x, y])
    expected = np.sort(np.roots([1, 0, -3, 1]).real)
    np.testing.assert_allclose([complex(sp.N(p[x])).real for p in points], expected, rtol=1e-12)
    assert all(p[y] == 0 for p in points)


def test_a_plane_of_critical_points_is_refused():
    # (x + y + z)^2 is critical on the whole plane x + y + z = 0 (x = -y - z for any y, z)
    with pytest.raises(ValueError):
        critical_points((x + y + z) ** 2, [x, y, z])


def test_sympy_hessian_with_undecidable_eigenvalue_signs():
    # the eigenvalues of this matrix are the roots of a cubic with three real roots, written with I: sympy cannot
    # decide their signs, so they are evaluated numerically; numpy's eigvalsh as the oracle (two positive, one
    # negative: a saddle; adding 3I makes them all positive)
    M = sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 1]])
    ev = np.linalg.eigvalsh(np.array(M, dtype=float))
    assert (ev > 0).sum() == 2 and (ev < 0).sum() == 1
    assert second_derivative_test(M) == "saddle"
    assert second_derivative_test(M + 3 * sp.eye(3)) == "minimum"


def test_asymmetry_equal_to_the_tolerance_is_accepted():
    # documented: symmetric to 1e-8 * max(1, max|H_ij|); |H - H.T| = 1e-8 exactly is within
    assert second_derivative_test(np.array([[1.0, 1e-8], [0.0, 1.0]])) == "minimum"
