"""Behaviour of calcnotes.critical_points.second_derivative_test that the mutation run found unpinned.

The rule under test is the docstring's: a float eigenvalue with
|lambda| <= tol * max(1, max_i |lambda_i|) counts as zero; H must be symmetric
to 1e-8 * max(1, max |H_ij|).
"""

from __future__ import annotations

import numpy as np
import pytest

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
