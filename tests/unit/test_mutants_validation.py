"""Input checking in calcnotes._validation that the mutation run found unpinned.

What is accepted and how it is converted (unsigned ints and bools become floats, a float64 array comes back
as itself, an object array of strings is a set of string labels), and what is refused with TypeError (the
wrong kind: dates, sparse matrices, strings mixed with numbers) versus ValueError (the right kind, a bad
value: NaN or inf labels, fractional labels, a missing label, a wrong shape, too many classes).

Expected values come from the docstrings' contracts, worked out by hand in the comments; the messages
scikit-learn's estimator checks require come from running those checks themselves. Error messages are
matched at most on the argument's name, which the helpers promise to put first.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

from calcnotes import LinearRegression
from calcnotes._validation import (
    as_float_array,
    check_binary_labels,
    check_callback_output,
    check_class_labels,
    encode_labels,
)


class _Table:
    """An array-like with a ``toarray`` method that is not a scipy sparse matrix (like many table types)."""

    def __init__(self, rows):
        self.rows = rows

    def __array__(self, dtype=None, copy=None):
        return np.array(self.rows, dtype=dtype)

    def toarray(self):
        return np.array(self.rows)


# --- as_float_array -----------------------------------------------------------------------------


def test_as_float_array_accepts_array_likes_that_merely_have_toarray():
    # only scipy.sparse objects are refused; anything else with __array__ is converted
    out = as_float_array(_Table([[1, 2], [3, 4]]), "X")
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    assert out.dtype == np.float64


def test_as_float_array_returns_a_float64_array_itself():
    # the docstring: "A new array when a conversion was needed, else `x` itself"
    x = np.array([1.0, 2.0, 3.0])
    assert as_float_array(x, "x") is x
    converted = np.array([1, 2, 3])
    assert as_float_array(converted, "x") is not converted


def test_as_float_array_converts_unsigned_ints_and_bools():
    out = as_float_array(np.array([1, 200], dtype=np.uint8), "x")
    np.testing.assert_array_equal(out, [1.0, 200.0])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(as_float_array(np.array([True, False]), "x"), [1.0, 0.0])


def test_as_float_array_refuses_dates():
    # dates are not numbers (numpy would cast them to days since 1970)
    with pytest.raises(TypeError):
        as_float_array(np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"), "x")


def test_as_float_array_refuses_several_objects_with_a_type_error():
    # objects that are not numbers are the wrong kind of value: TypeError, whatever their number
    with pytest.raises(TypeError):
        as_float_array([object(), object()], "x")
    with pytest.raises(TypeError):
        as_float_array(np.array([[object()], [object()]], dtype=object), "x")
    with pytest.raises(TypeError):
        as_float_array(object(), "x")


def test_as_float_array_names_x_by_default():
    # name defaults to "x": the message starts with the argument's name
    with pytest.raises(TypeError, match=r"^x "):
        as_float_array("1.5")
    with pytest.raises(ValueError, match=r"^x "):
        as_float_array([])


def test_predicting_on_one_sample_gives_the_reshape_hint_scikit_learn_checks_for():
    # scikit-learn's check_fit2d_predict1d requires "Reshape your data" for a 1-D X where 2-D is needed
    from sklearn.utils.estimator_checks import check_fit2d_predict1d  # imported here: it takes about 1 s

    check_fit2d_predict1d("LinearRegression", LinearRegression())


def test_zero_feature_data_gives_the_message_scikit_learn_checks_for():
    # scikit-learn's check_estimators_empty_data_messages requires "0 feature(s) (shape=(n, 0))"
    from sklearn.utils.estimator_checks import check_estimators_empty_data_messages

    check_estimators_empty_data_messages("LinearRegression", LinearRegression())
    with pytest.raises(ValueError):
        as_float_array(np.empty((3, 0)), "X", ndim=2)


# --- check_callback_output ----------------------------------------------------------------------


def test_callback_output_converts_bools_and_unsigned_ints():
    # f may return a mask or counts: both are numbers
    out = check_callback_output(np.array([True, False, True]), "f(x)")
    np.testing.assert_array_equal(out, [1.0, 0.0, 1.0])
    assert out.dtype == np.float64
    out = check_callback_output(np.array([3, 250], dtype=np.uint8), "f(x)")
    np.testing.assert_array_equal(out, [3.0, 250.0])


def test_callback_output_refuses_dates():
    with pytest.raises(TypeError):
        check_callback_output(np.array(["2020-01-01"], dtype="datetime64[D]"), "f(x)")


def test_callback_output_densifies_a_sparse_result():
    out = check_callback_output(scipy.sparse.csr_array([[1.0, 0.0], [0.0, 2.0]]), "grad(x)")
    assert type(out) is np.ndarray and out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 0.0], [0.0, 2.0]])


class _Sub(np.ndarray):
    """A float64 ndarray subclass, as some array libraries return."""


def test_callback_output_does_not_copy_a_float64_array_subclass():
    # like a plain float64 ndarray (returned as is), a float64 subclass is viewed as an ndarray, not copied
    m = np.array([[1.0, 2.0]]).view(_Sub)
    out = check_callback_output(m, "f(x)")
    assert type(out) is np.ndarray
    assert np.shares_memory(out, m)
    np.testing.assert_array_equal(out, [[1.0, 2.0]])


# --- check_binary_labels, check_class_labels ----------------------------------------------------


def test_binary_labels_must_be_1d():
    np.testing.assert_array_equal(check_binary_labels([1, 0, 1]), [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"^y "):
        check_binary_labels([[0, 1], [1, 0]])


def test_class_labels_must_be_1d_and_are_named_y_by_default():
    np.testing.assert_array_equal(check_class_labels([2, 0, 1]), [2, 0, 1])
    with pytest.raises(ValueError, match=r"^y "):
        check_class_labels([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"^y "):
        check_class_labels([0, 0.5])


def test_class_labels_one_hot_limit_is_one_gib_inclusive():
    # the one-hot matrix of n labels and k = max + 1 classes takes 8 * n * k bytes; it must fit in 1 GiB = 2**30
    # n = 1, largest label 2**27 - 1: k = 2**27, 8 * 2**27 = 2**30 bytes exactly: allowed
    np.testing.assert_array_equal(check_class_labels([2**27 - 1]), [2**27 - 1])
    # largest label 2**27: k = 2**27 + 1, 8 more bytes than 1 GiB: refused
    with pytest.raises(ValueError):
        check_class_labels([2**27])
    # n = 2: largest label 2**26 - 1 gives 8 * 2 * 2**26 = 2**30 (allowed); 2**26 gives 16 bytes too many
    np.testing.assert_array_equal(check_class_labels([0, 2**26 - 1]), [0, 2**26 - 1])
    with pytest.raises(ValueError):
        check_class_labels([0, 2**26])


# --- encode_labels ------------------------------------------------------------------------------


def test_encode_labels_refuses_sparse_labels_with_a_type_error():
    with pytest.raises(TypeError):
        encode_labels(scipy.sparse.csr_array([[0, 1, 1]]))


def test_encode_labels_accepts_array_likes_that_merely_have_toarray():
    classes, codes = encode_labels(_Table([1, 0, 1]))
    np.testing.assert_array_equal(classes, [0, 1])
    np.testing.assert_array_equal(codes, [1, 0, 1])


def test_encode_labels_ragged_input_is_a_value_error_naming_y():
    with pytest.raises(ValueError, match=r"^y "):
        encode_labels([[0, 1], [1]])


def test_encode_labels_refuses_2d_labels_with_a_value_error():
    with pytest.raises(ValueError):
        encode_labels([[0, 1, 2], [1, 2, 0]])
    with pytest.raises(ValueError):
        encode_labels([[0], [1], [1]])
    with pytest.raises(ValueError):
        encode_labels(np.zeros((2, 2, 1)))


def test_encode_labels_one_label_is_fine_and_none_is_not():
    # a single label: one class, index 0
    classes, codes = encode_labels([7])
    np.testing.assert_array_equal(classes, [7])
    np.testing.assert_array_equal(codes, [0])
    assert codes.dtype == np.int64
    with pytest.raises(ValueError):
        encode_labels([])


def test_encode_labels_complex_is_a_value_error_as_scikit_learn_expects():
    with pytest.raises(ValueError):
        encode_labels(np.array([1 + 0j, 2 + 0j]))


def test_encode_labels_object_array_of_strings():
    # as from a pandas column: the classes are the sorted strings, and classes[codes] gives y back
    y = np.array(["dog", "cat", "dog", "bird"], dtype=object)
    classes, codes = encode_labels(y)
    assert list(classes) == ["bird", "cat", "dog"]
    np.testing.assert_array_equal(codes, [2, 1, 2, 0])
    assert list(classes[codes]) == list(y)


def test_encode_labels_object_array_of_numbers():
    # Python ints in an object array are numeric labels: classes 1, 3 as floats, codes by sorted position
    y = np.array([3, 1, 3], dtype=object)
    classes, codes = encode_labels(y)
    np.testing.assert_array_equal(classes, [1.0, 3.0])
    np.testing.assert_array_equal(codes, [1, 0, 1])


def test_encode_labels_object_array_with_none_or_mixed_kinds():
    # a missing label is a bad value (ValueError); strings mixed with numbers are the wrong kind (TypeError)
    with pytest.raises(ValueError):
        encode_labels(np.array(["a", None, "b"], dtype=object))
    with pytest.raises(ValueError):
        encode_labels(np.array([1, None], dtype=object))
    with pytest.raises(TypeError):
        encode_labels(np.array(["a", 1], dtype=object))
    # the numbers in an object array are checked as y: a NaN is a ValueError that names y
    with pytest.raises(ValueError, match=r"^y "):
        encode_labels(np.array([1.0, float("nan")], dtype=object))


def test_encode_labels_whole_floats_are_classes():
    classes, codes = encode_labels([2.0, 1.0, 2.0])
    np.testing.assert_array_equal(classes, [1.0, 2.0])
    np.testing.assert_array_equal(codes, [1, 0, 1])


def test_encode_labels_refuses_infinite_labels_naming_y():
    # inf equals its own rounding, so only the finiteness check stops it becoming a class
    with pytest.raises(ValueError, match=r"^y "):
        encode_labels(np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match=r"^labels "):
        encode_labels(np.array([0.0, -np.inf]), "labels")
    with pytest.raises(ValueError):
        encode_labels([0.0, float("nan")])


def test_durations_are_refused_not_read_in_their_unit():
    # numpy treats timedelta64 as an integer type: the same 90 seconds would become 90 (in s), 1.5 (in min)
    # or 9e10 (in ns) depending on the array's unit, silently. The package asks for numbers instead.
    seconds = np.array([90, 120], dtype="timedelta64[s]")
    with pytest.raises(TypeError, match=r"^x "):
        as_float_array(seconds, "x")
    with pytest.raises(TypeError):
        LinearRegression().fit(seconds.reshape(-1, 1), [1.0, 2.0])
    # the fix the message names gives the numbers in the unit chosen
    np.testing.assert_array_equal(as_float_array(seconds / np.timedelta64(1, "s"), "x"), [90.0, 120.0])
