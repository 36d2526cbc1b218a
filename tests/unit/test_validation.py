"""Tests for calcnotes._validation: each check accepts good input unchanged
and rejects bad input with a message that names the problem and the fix."""

import numpy as np
import pytest

from calcnotes._validation import (
    as_float_array,
    check_callable,
    check_int,
    check_positive,
    check_same_length,
    check_square,
)


def test_as_float_array_converts_to_float64():
    out = as_float_array([1, 2, 3], "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])
    assert as_float_array(2, "x").shape == ()
    assert as_float_array([True, False], "mask").tolist() == [1.0, 0.0]


def test_as_float_array_accepts_allowed_ndims():
    assert as_float_array([[1.0]], "X", ndim=2).shape == (1, 1)
    assert as_float_array([1.0], "x", ndim=(0, 1)).shape == (1,)


def test_as_float_array_reports_nan_index():
    with pytest.raises(ValueError, match=r"x contains NaN at index 3; remove or impute"):
        as_float_array([0.0, 1.0, 2.0, np.nan], "x")


def test_as_float_array_reports_nan_index_2d():
    with pytest.raises(ValueError, match=r"X contains NaN at index \(1, 0\)"):
        as_float_array([[1.0, 2.0], [np.nan, 3.0]], "X")


def test_as_float_array_reports_inf():
    with pytest.raises(ValueError, match=r"x contains -inf at index 1; replace infinite"):
        as_float_array([0.0, -np.inf], "x")


def test_as_float_array_rejects_empty():
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0,\)\); pass at least one"):
        as_float_array([], "x")


def test_as_float_array_rejects_wrong_ndim():
    with pytest.raises(ValueError, match=r"(?i)X must be 2-D, got a 1-D array .* reshape"):
        as_float_array([1.0, 2.0], "X", ndim=2)
    with pytest.raises(ValueError, match=r"x must be 0-D or 1-D"):
        as_float_array([[1.0]], "x", ndim=(0, 1))


def test_as_float_array_rejects_strings_objects_complex():
    with pytest.raises(TypeError, match=r"x must be numeric, got the string '1'"):
        as_float_array("1", "x")
    with pytest.raises(TypeError, match=r"x must be numeric, got objects \(float\(\) argument must be"):
        as_float_array([object()], "x")
    with pytest.raises(TypeError, match=r"x must be real \(Complex data not supported\), got complex.*np.real"):
        as_float_array([1 + 2j], "x")


def test_as_float_array_rejects_ragged():
    with pytest.raises(ValueError, match=r"X could not be converted.*same length"):
        as_float_array([[1.0], [1.0, 2.0]], "X")


def test_check_positive():
    assert check_positive(np.float32(0.5), "h") == 0.5
    assert check_positive(0, "tol", strict=False) == 0.0
    with pytest.raises(ValueError, match=r"learning_rate must be > 0, got -0.1"):
        check_positive(-0.1, "learning_rate")
    with pytest.raises(ValueError, match=r"tol must be >= 0, got -1.0"):
        check_positive(-1, "tol", strict=False)
    with pytest.raises(ValueError, match=r"h must be finite, got nan"):
        check_positive(float("nan"), "h")
    with pytest.raises(TypeError, match=r"h must be a real number, got str '1'"):
        check_positive("1", "h")
    with pytest.raises(TypeError, match=r"h must be a real number, got bool"):
        check_positive(True, "h")


def test_check_int():
    assert check_int(np.int64(5), "n") == 5
    assert check_int(1e3, "max_iter", minimum=1) == 1000
    with pytest.raises(TypeError, match=r"max_iter must be an integer, got float 2.5"):
        check_int(2.5, "max_iter")
    with pytest.raises(TypeError, match=r"n must be an integer, got the bool True"):
        check_int(True, "n")
    with pytest.raises(ValueError, match=r"max_iter must be >= 1, got 0"):
        check_int(0, "max_iter", minimum=1)


def test_check_square():
    assert check_square(np.eye(3), "H").shape == (3, 3)
    with pytest.raises(ValueError, match=r"H must be square \(n, n\), got shape \(2, 3\)"):
        check_square(np.ones((2, 3)), "H")
    with pytest.raises(ValueError, match=r"H must be 2-D"):
        check_square(np.ones(3), "H")


def test_check_same_length():
    assert check_same_length([[1], [2]], [3, 4]) == 2
    with pytest.raises(ValueError, match=r"X and y must have the same length, got 2 and 3"):
        check_same_length([1, 2], [1, 2, 3])


def test_check_callable():
    assert check_callable(np.sin) is np.sin
    with pytest.raises(TypeError, match=r"f must be a function, got int 3.*to_numpy"):
        check_callable(3)
