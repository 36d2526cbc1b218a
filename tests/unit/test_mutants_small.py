"""Behaviour of calcnotes.activations, datasets and gradcheck that the mutation run found unpinned."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calcnotes.activations import relu, relu_derivative, sigmoid, tanh
from calcnotes.datasets import load_digits
from calcnotes.gradcheck import check_gradient


@pytest.mark.parametrize(("fn", "at_zero"), [(sigmoid, 0.5), (tanh, 0.0), (relu, 0.0), (relu_derivative, 0.0)])
def test_scalar_in_scalar_out(fn, at_zero):
    # a number gives a number (numpy's float64, a float), an array an array of its shape
    value = fn(0.0)
    assert isinstance(value, float) and not isinstance(value, np.ndarray) and value == at_zero
    out = fn(np.zeros(3))
    assert isinstance(out, np.ndarray) and out.shape == (3,)


def test_digit_labels_are_integers():
    X, y = load_digits()
    assert y.dtype == np.int64 and X.shape == (y.size, 64)
    assert set(np.unique(y)) == set(range(10))


def test_gradient_check_passes_at_exactly_rtol():
    # f = 0 has numeric gradient 0; a claimed gradient of 1 is off by |1 - 0| / (|1| + |0|) = 1
    f, wrong = (lambda x: 0.0 * np.sum(x)), (lambda x: np.ones_like(x))
    assert check_gradient(f, wrong, [2.0], rtol=1.0).passed
    assert not check_gradient(f, wrong, [2.0], rtol=0.999).passed


def test_gradient_check_reports_a_non_finite_gradient_without_a_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="grad"):
            check_gradient(lambda x: np.sum(x), lambda x: np.log(x - 10), [1.0])
