"""Behaviour of calcnotes/__init__.py, calcnotes.result and calcnotes.symbolic that the mutation run found unpinned."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import sympy as sp

import calcnotes
from calcnotes.result import OptimizeResult
from calcnotes.symbolic import derivative


def test_lazy_names_are_loaded_from_their_module_and_kept(monkeypatch):
    from calcnotes.differences import central_difference

    monkeypatch.delitem(vars(calcnotes), "central_difference", raising=False)
    assert calcnotes.__getattr__("central_difference") is central_difference
    assert vars(calcnotes)["central_difference"] is central_difference  # loaded once
    assert calcnotes.__getattr__("mlp") is importlib.import_module("calcnotes.mlp")
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        calcnotes.__getattr__("nonsense")


def test_optimize_result_repr_shows_six_digits():
    # numpy's array2string with precision=6
    result = OptimizeResult(x=np.array([1 / 3, 2.0]), path=np.array([[0.0, 0.0], [1 / 3, 2.0]]),
                            n_iter=1, converged=True, message="done")
    assert repr(result) == "OptimizeResult(x=[0.333333 2.      ], n_iter=1, converged=True, message='done')"


def test_derivative_order_at_most_1000():
    x = sp.Symbol("x")
    assert derivative(x**3, x, 3) == 6
    assert derivative(x**2, x, 1000) == 0
    with pytest.raises(ValueError, match="n"):
        derivative(x**2, x, 1001)


def test_to_numpy_broadcasts_constants_and_keeps_complex_values():
    from calcnotes.symbolic import to_numpy

    x = sp.Symbol("x")
    three = to_numpy(sp.Integer(3), [x])
    np.testing.assert_array_equal(three(np.array([1.0, 2.0])), [3.0, 3.0])  # a constant, one per point
    value = to_numpy(sp.I * x, [x])(2.0)
    assert complex(value) == 2j  # i * 2, not its real part
    f = to_numpy(x**2, [x])
    assert "x**2" in f.__doc__ and "(x)" in f.__doc__


def test_to_numpy_non_finite_matrix_entry_at_one_point():
    from calcnotes.symbolic import to_numpy

    x = sp.Symbol("x")
    f = to_numpy(sp.Matrix([1 / x, x]), [x])
    np.testing.assert_array_equal(f(2.0), [0.5, 2.0])
    with pytest.raises(ValueError, match="not finite"):
        f(0.0)  # 1/0


def test_remembered_answers_the_same_point_from_memory():
    # the docstring: the second call at the same point is answered from memory
    from calcnotes.result import _Remembered

    calls = []

    def fn(x):
        calls.append(x.copy())
        return float(np.sum(x**2))

    r = _Remembered(fn)
    x = np.array([1.0, 2.0])
    assert r(x) == 5.0 and r(x.copy()) == 5.0
    assert len(calls) == 1
    assert r(np.array([1.0, 3.0])) == 10.0 and len(calls) == 2   # another point: computed
    assert r(np.array([[1.0, 3.0]])) == 10.0 and len(calls) == 3  # same numbers, another shape
