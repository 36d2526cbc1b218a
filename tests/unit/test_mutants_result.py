"""Behaviour of calcnotes.result (the shared loop, _call, _Remembered) that the mutation run found unpinned.

Expected values follow from the documented contract of ``_iterate`` (stop when ``||r|| <= tol``; divergence
means beyond 1e12 times ``max(1, |x0|)`` or 1e12 times the size of f(x0); the path holds at most 10**8
numbers), of ``_Remembered.last_value`` (f(x) only for the last point asked and only for a number) and of
``OptimizeResult`` (``converged`` is a bool), worked out by hand in the comments.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from calcnotes.gradient_descent import gradient_descent
from calcnotes.result import DivergenceError, _Remembered


def test_tol_zero_stops_on_an_exactly_zero_gradient():
    # "stop when the gradient norm is at most tol": at x0 = 0 the gradient 2x is exactly 0 <= 0
    result = gradient_descent(lambda x: 2 * x, 0.0, 0.1, tol=0.0)
    assert result.converged is True and result.n_iter == 0


def test_not_converged_is_false_not_none():
    # f = x^2, eta = 0.1: x shrinks by 0.8 a step, so 2 steps from 1 cannot reach |2x| <= 1e-8
    result = gradient_descent(lambda x: 2 * x, 1.0, 0.1, max_iter=2)
    assert result.converged is False and result.n_iter == 2


def test_an_iterate_exactly_at_the_bound_is_not_divergence():
    # x0 = 0: the bound is 1e12 * max(1, 0) = 1e12; one step of -1 * (-1e12) lands exactly on it
    result = gradient_descent(lambda x: -1e12, 0.0, 1.0, max_iter=1)
    assert result.x == 1e12 and result.converged is False
    # one more step goes past it
    with pytest.raises(DivergenceError) as info:
        gradient_descent(lambda x: -1e12, 0.0, 1.0, max_iter=2)
    assert info.value.result.converged is False
    assert isinstance(info.value.result.message, str) and info.value.result.message


def test_f_bound_scales_with_f_x0():
    # f(x0) = 100: values up to 1e12 * 100 = 1e14 are allowed; here f reaches 1e11 after 3 steps of +1
    def f(x):
        return 100.0 * 1000.0 ** x

    result = gradient_descent(lambda x: -1.0, 0.0, 1.0, max_iter=3, f=f)
    np.testing.assert_allclose(result.values, [1e2, 1e5, 1e8, 1e11])
    assert result.n_iter == 3


def test_f_bound_uses_one_when_f_x0_is_small():
    # f(x0) = 0.5: the bound is 1e12 * max(1, 0.5) = 1e12; exactly 1e12 is allowed, 1.5e12 is divergence
    at_bound = gradient_descent(lambda x: -1.0, 0.0, 1.0, max_iter=1, f=lambda x: 0.5 if x == 0 else 1e12)
    assert list(at_bound.values) == [0.5, 1e12]
    with pytest.raises(DivergenceError):
        gradient_descent(lambda x: -1.0, 0.0, 1.0, max_iter=1, f=lambda x: 0.5 if x == 0 else 1.5e12)


def test_divergence_in_f_keeps_path_values_and_n_iter_aligned():
    # steps of +1 from 0; f explodes (inf) at x = 3, the third step: the partial result keeps x = 0, 1, 2
    def f(x):
        return np.inf if x >= 3 else 1.0

    with pytest.raises(DivergenceError) as info:
        gradient_descent(lambda x: -1.0, 0.0, 1.0, max_iter=10, f=f)
    partial = info.value.result
    np.testing.assert_array_equal(partial.path, [0.0, 1.0, 2.0])
    assert partial.n_iter == 2 and len(partial.values) == 3 and partial.converged is False


def test_path_size_limit_is_10_to_the_8_numbers():
    # 10 variables: max_iter + 1 = 10**7 rows store exactly 10**8 numbers (allowed); one more row is refused
    zero = np.zeros(10)
    ok = gradient_descent(lambda x: np.zeros(10), zero, 0.1, max_iter=10**7 - 1)
    assert ok.converged and ok.n_iter == 0
    with pytest.raises(ValueError):
        gradient_descent(lambda x: np.zeros(10), zero, 0.1, max_iter=10**7)
    # keep_path=False stores two rows whatever max_iter is
    assert gradient_descent(lambda x: np.zeros(10), zero, 0.1, max_iter=10**7, keep_path=False).converged


def test_one_variable_accepts_a_length_one_gradient():
    # "accept 0.5, [0.5] or [[0.5]] for one variable": x = 1, gradient [2x] of f = x^2, eta = 0.25 -> x1 = 0.5
    result = gradient_descent(lambda x: [2 * x], 1.0, 0.25, max_iter=1)
    assert result.path.shape == (2,) and result.x == 0.5
    assert isinstance(result.x, float)


def test_callback_errors_name_the_callback():
    with pytest.raises(TypeError, match="grad"):
        gradient_descent(lambda x: None, 1.0, 0.1)


def test_remembered_answers_only_for_the_last_point_and_a_number():
    calls = []

    def fn(x):
        calls.append(x.copy())
        return 2.5

    f = _Remembered(fn)
    assert f.last_value(np.array([1.0, 1.0])) is None  # nothing asked yet
    assert f(np.array([1.0, 1.0])) == 2.5
    assert f.last_value(np.array([1.0, 1.0])) == 2.5
    assert f.last_value(np.array([0.0, 0.0])) is None  # another point
    assert f.last_value(np.array([1.0, 0.0])) is None  # another point, one coordinate shared
    assert f.last_value(np.array(1.0)) is None  # another shape, although it compares equal elementwise
    assert f(np.array([1.0, 1.0])) == 2.5 and len(calls) == 1  # answered from memory


@pytest.mark.parametrize("kind", ["float64", "numpy_float", "size1"])
def test_remembered_returns_float_values(kind):
    values = {"float64": 2.5, "numpy_float": np.float32(2.5), "size1": np.array([2.5])}
    f = _Remembered(lambda x: values[kind])
    f(np.array(0.0))
    assert f.last_value(np.array(0.0)) == 2.5


def test_backtracking_with_one_variable_in_a_vector_and_f_of_shape_1():
    # x0 of shape (1,), f returning shape (1,) (as X @ w does): the line search reads f(x) from memory;
    # f = x^2, eta = 0.5 lands on the minimum in one step (x - 0.5 * 2x = 0)
    result = gradient_descent(lambda x: 2 * x, np.array([1.0]), 0.5, f=lambda x: x**2, line_search="backtracking")
    assert result.converged and result.n_iter == 1
    np.testing.assert_array_equal(result.x, [0.0])
    np.testing.assert_array_equal(result.values, [1.0, 0.0])


@pytest.mark.parametrize("kind", ["int", "int_array", "two_floats"])
def test_remembered_refuses_values_that_are_not_one_float(kind):
    # not a float: the caller must evaluate (and check) f itself
    values = {"int": 3, "int_array": np.array([3]), "two_floats": np.array([1.0, 2.0])}
    f = _Remembered(lambda x: values[kind])
    f(np.array(0.0))
    assert f.last_value(np.array(0.0)) is None


def test_divergence_reports_the_iteration_it_happened_at():
    # a computed number, not wording: x0 = 0, steps of +1e12; x1 = 1e12 is at the bound, x2 = 2e12 is past it
    with pytest.raises(DivergenceError) as info:
        gradient_descent(lambda x: -1e12, 0.0, 1.0, max_iter=5)
    assert re.search(r"\biteration 2\b", info.value.result.message)
    # the gradient is NaN from the first step on: the run diverges at iteration 1
    with pytest.raises(DivergenceError) as info:
        gradient_descent(lambda x: 1.0 if x == 0 else np.nan, 0.0, 1.0)
    assert re.search(r"\biteration 1\b", info.value.result.message)


def test_a_line_search_that_finds_no_step_names_its_iteration_and_keeps_the_path():
    # f(x) = x on x >= -1/2, +inf below; f' = 1; x0 = 0, learning rate 1/2 (by hand):
    # iteration 1 tries x = -1/2: f = -1/2 <= 0 + 1e-4 * (1/2) * (-1), Armijo holds, taken.
    # iteration 2 tries -1, -3/4, -5/8, ...: all below -1/2, all +inf, until the halved step
    # no longer moves x. So the run fails in iteration 2 with one step done, at x = -1/2
    # (before, the error named no iteration and carried no path).
    def f(x):
        return float(x) if x >= -0.5 else np.inf

    with pytest.raises(DivergenceError) as info:
        gradient_descent(lambda x: 1.0, 0.0, 0.5, f=f, line_search="backtracking")
    message = str(info.value)
    assert message.startswith("diverged at iteration 2: the line search found no step"), message
    assert message.count("reduce learning_rate") == 1, message  # the fix is named once
    result = info.value.result
    assert result is not None and result.n_iter == 1 and result.x == -0.5 and not result.converged
    assert result.message.startswith("diverged at iteration 2:"), result.message
    np.testing.assert_array_equal(result.values, [0.0, -0.5])
