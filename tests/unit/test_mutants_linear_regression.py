"""Behaviour of calcnotes.linear_regression that the mutation run found unpinned.

Expected values come from the definitions written out by hand (the mean squared error as a plain
sum, its gradient by central differences, a least-squares line through points chosen so the slope
is known), from np.linalg (the Hessian's largest eigenvalue), from an independent loop of plain
gradient descent, or from the documented defaults and contracts (ValueError on overflow, a
DivergenceError when the loss grows, max_iter=1000).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from calcnotes._base import ConvergenceWarning
from calcnotes.linear_regression import (
    LinearRegression,
    closed_form_simple,
    mse_loss,
    mse_loss_gradient,
    mse_loss_hessian,
    normal_equations,
)
from calcnotes.result import DivergenceError


def _quiet(run):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run()


# -- the loss and its gradient ---------------------------------------------------------------


def test_mse_loss_is_the_mean_of_squared_residuals():
    X = [[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]]
    y = [1.0, 2.0, 3.0]
    w, b = [0.5, -1.0], 0.25
    # predictions by hand: 0.5 - 2 + 0.25 = -1.25, 1.5 + 1 + 0.25 = 2.75, -1 + 0.25 = -0.75
    # residuals -2.25, 0.75, -3.75; squares 5.0625 + 0.5625 + 14.0625 = 19.6875, mean 6.5625
    assert mse_loss(X, y, w, b) == pytest.approx(6.5625, rel=1e-15)


def test_mse_loss_gradient_matches_central_differences():
    X = [[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]]
    y = [1.0, 2.0, 3.0]
    w, b = np.array([0.5, -1.0]), 0.25
    dw, db = mse_loss_gradient(X, y, w, b)
    h = 1e-3  # the loss is quadratic: central differences are exact up to rounding
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        fd = (mse_loss(X, y, w + e, b) - mse_loss(X, y, w - e, b)) / (2 * h)
        assert dw[j] == pytest.approx(fd, rel=1e-9)
    fd_b = (mse_loss(X, y, w, b + h) - mse_loss(X, y, w, b - h)) / (2 * h)
    assert db == pytest.approx(fd_b, rel=1e-9)
    # and by hand: residuals (-2.25, 0.75, -3.75), db = 2/3 * (-5.25) = -3.5
    assert db == pytest.approx(-3.5, rel=1e-15)
    assert dw == pytest.approx([2 / 3 * (-2.25 + 2.25), 2 / 3 * (-4.5 - 0.75 - 3.75)], rel=1e-15)


# -- overflow is reported as a ValueError, never as a numpy RuntimeWarning -----------------


def _raises_value_error_without_warnings(run):
    # the functions promise a ValueError when float64 overflows; numpy's own overflow/invalid
    # RuntimeWarnings must not escape first (run with warnings as errors, as a strict caller would)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            run()


def test_loss_and_gradient_overflow_raise_value_error_only():
    # x^T w = 1e308 * 10 + 1e308 * (-10) = inf - inf: both overflow and an invalid operation
    X, y, w = [[1e308, 1e308]], [0.0], [10.0, -10.0]
    _raises_value_error_without_warnings(lambda: mse_loss(X, y, w, 0.0))
    _raises_value_error_without_warnings(lambda: mse_loss_gradient(X, y, w, 0.0))


def test_hessian_overflow_raises_value_error_only():
    # (X^T X)_{00} = 2e400 overflows; (X^T X)_{01} = 1e400 - 1e400 = inf - inf is invalid
    X = [[1e200, 1e200], [1e200, -1e200]]
    _raises_value_error_without_warnings(lambda: mse_loss_hessian(X, [0.0, 0.0], [0.0, 0.0], 0.0))


def test_predict_overflow_raises_value_error_only():
    # three points, three parameters: an exact fit y = 10 x1 - 10 x2
    model = LinearRegression().fit([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], [10.0, -10.0, 0.0])
    assert model.coef_ == pytest.approx([10.0, -10.0], abs=1e-12)
    _raises_value_error_without_warnings(lambda: model.predict([[1e308, 1e308]]))


def test_normal_equations_overflow_raises_value_error_only():
    # the slope (1e300 - 0) / (1e-300 - 0) = 1e600 is beyond float64
    _raises_value_error_without_warnings(
        lambda: normal_equations([[0.0], [1e-300], [2e-300]], [0.0, 1e300, 2e300]))


# -- closed_form_simple ----------------------------------------------------------------------


def test_closed_form_simple_refuses_arrays_that_are_not_1d():
    # x and y are documented as shape (n_samples,)
    with pytest.raises(ValueError):
        closed_form_simple(5.0, [1.0, 2.0])
    with pytest.raises(ValueError):
        closed_form_simple([1.0, 2.0], 5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            closed_form_simple([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
        with pytest.raises(ValueError):
            closed_form_simple([0.0, 1.0, 2.0], [[1.0], [3.0], [5.0]])


def test_closed_form_simple_all_zero_x_is_constant():
    # x = 0 everywhere is constant: no slope (a ValueError, not a division by zero)
    with pytest.raises(ValueError):
        closed_form_simple([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])


def test_closed_form_simple_nearly_constant_but_distinct_x_has_a_slope():
    # x = [1, 1 + d] with d = 3e-14: two different x values give the line through both points
    x = np.array([1.0, 1.0 + 3e-14])
    d = float(x[1] - x[0])
    w, b = closed_form_simple(x, [0.0, 1.0])
    # (x - mean x is only good to about 1e-16 / 1.5e-14 here: the problem is ill-conditioned)
    assert w == pytest.approx(1.0 / d, rel=1e-3)
    assert b == pytest.approx(-1.0 / d, rel=1e-3)  # through (1, 0): 0 = w * 1 + b


def test_centring_keeps_the_slope_exact_under_a_large_offset():
    # y = 1e12 + 3 x exactly (integers): slope 3, intercept 1e12 by construction
    x = np.array([0.0, 1.0, 3.0, 7.0, 12.0])
    y = 1e12 + 3.0 * x
    w, b = closed_form_simple(x, y)
    assert w == pytest.approx(3.0, rel=1e-12) and b == pytest.approx(1e12, rel=1e-15)
    w2, b2 = normal_equations(x[:, None], y)
    assert w2 == pytest.approx([3.0], rel=1e-12) and b2 == pytest.approx(1e12, rel=1e-15)


# -- normal_equations at extreme scales --------------------------------------------------------


def test_normal_equations_large_y_with_one_small_column():
    # y = 1e308 x1 exactly (x2 carries no signal): w = (1e308, 0), b = 0 by hand. The second
    # column only sets the scale of X (1024), so the first column is small after scaling.
    X = [[-1.0, 0.0], [1.0, 0.0], [0.0, -1024.0], [0.0, 1024.0]]
    y = [-1e308, 1e308, 0.0, 0.0]
    w, b = normal_equations(X, y)
    assert w == pytest.approx([1e308, 0.0], rel=1e-12, abs=1e290)
    assert b == pytest.approx(0.0, abs=1e293)


def test_normal_equations_tiny_x_with_offset_y():
    # y = 1e10 + 1e300 x through three points (x = 0, 1e-300, 2e-300): slope 1e300, intercept 1e10
    x = np.array([0.0, 1e-300, 2e-300])
    y = np.array([1e10, 1e10 + 1.0, 1e10 + 2.0])
    slope = 1.0 / float(x[1])  # the points' slope as stored: (y1 - y0) / (x1 - x0)
    w, b = normal_equations(x[:, None], y)
    assert w == pytest.approx([slope], rel=1e-9)
    assert b == pytest.approx(1e10, rel=1e-12)


# -- LinearRegression(solver="gd") ----------------------------------------------------------------


def test_gd_default_max_iter_is_1000():
    # learning_rate 1e-6 with lambda_max(H) ~ 8.4: 1000 steps shrink the error by at most ~1%, far
    # from tol 1e-8, so the run stops at the documented default
    X, y = [[0.0], [1.0], [2.0], [3.0]], [1.0, 3.0, 5.0, 7.0]
    with pytest.warns(ConvergenceWarning):
        model = LinearRegression(solver="gd", learning_rate=1e-6).fit(X, y)
    assert model.n_iter_ == 1000 and model.loss_history_.shape == (1001,)


def test_gd_max_iter_must_be_at_least_one():
    X, y = [[0.0], [1.0]], [0.0, 1.0]
    with pytest.raises(ValueError):
        LinearRegression(solver="gd", max_iter=0).fit(X, y)
    # max_iter=1 is allowed and takes exactly one step
    model = _quiet(lambda: LinearRegression(solver="gd", max_iter=1).fit(X, y))
    assert model.n_iter_ == 1


def test_gd_tol_zero_is_allowed_and_runs_max_iter_steps():
    # tol >= 0 is documented; with tol = 0 the gradient norm never gets <= 0 in 5 steps
    X, y = [[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]
    with pytest.warns(ConvergenceWarning):
        model = LinearRegression(solver="gd", tol=0.0, max_iter=5, learning_rate=0.1).fit(X, y)
    assert model.n_iter_ == 5 and model.loss_history_.shape == (6,)


def test_gd_overflowing_gradient_at_the_start_is_a_divergence():
    # X^T y ~ 1e400 at w = 0: the very first gradient overflows
    with pytest.raises(DivergenceError):
        LinearRegression(solver="gd").fit([[1e200], [2e200]], [1e200, 1e200])


def test_gd_perfect_start_is_not_a_divergence():
    # y = 0: w = 0, b = 0 is the minimum, the gradient is 0 at the start, nothing to do
    model = LinearRegression(solver="gd").fit([[0.0], [1.0], [2.0]], [0.0, 0.0, 0.0])
    assert model.n_iter_ == 0
    assert model.coef_ == pytest.approx([0.0]) and model.intercept_ == 0.0
    assert model.loss_history_ == pytest.approx([0.0])


def _slow_divergence():
    """X, y, lambda_max of the loss's Hessian, a learning rate just above 2/lambda_max, the losses of
    plain gradient descent on theta = (w, b) from 0 (independently of the package) and the first step
    whose loss is above the start's."""
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([3.0, 2.0, 1.0, 0.0])
    X1 = np.column_stack([X, np.ones(4)])
    lam_max = np.linalg.eigvalsh(2 * X1.T @ X1 / 4)[-1]
    lr = 0.25
    theta, losses = np.zeros(2), []
    for _ in range(30):
        r = X1 @ theta - y
        losses.append(float(r @ r) / 4)
        theta = theta - lr * 2 * X1.T @ r / 4
    first_above = next(k for k in range(1, 30) if losses[k] > losses[0])
    return X, y, lam_max, lr, losses, first_above


def test_gd_slow_divergence_is_reported_when_the_last_loss_exceeds_the_first():
    X, y, lam_max, lr, losses, first_above = _slow_divergence()
    assert lr > 2 / lam_max  # too large, but only just: the loss first falls, then grows
    assert first_above > 2 and losses[1] < losses[0] and losses[first_above - 1] <= losses[0]
    # stopping just before: the loss is still below its start, a plain (non-converged) fit
    model = _quiet(lambda: LinearRegression(solver="gd", learning_rate=lr, max_iter=first_above - 1).fit(X, y))
    assert model.loss_history_[-1] == pytest.approx(losses[first_above - 1])
    # one step more: the loss ends above where it started, a divergence
    with pytest.raises(DivergenceError):
        _quiet(lambda: LinearRegression(solver="gd", learning_rate=lr, max_iter=first_above).fit(X, y))


def test_gd_convergence_warning_points_outside_the_module():
    # the warning is attributed to the caller's code, not to calcnotes' own file
    X, y = [[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]
    with pytest.warns(ConvergenceWarning) as record:
        LinearRegression(solver="gd", max_iter=2).fit(X, y)
    assert Path(record[0].filename).parent.name != "calcnotes"


def _numbers(message, pattern):
    """The numbers the pattern's groups capture in the message, in order."""
    found = re.findall(pattern, message)
    return [float(v) for group in found for v in (group if isinstance(group, tuple) else (group,))]


def test_gd_divergence_message_reports_the_iteration_the_losses_and_a_safe_learning_rate():
    # The message's numbers are computed advice, not wording: the iteration, the loss at the
    # start and at the end, 2/lambda_max of the loss's Hessian (np.linalg on 2 X1^T X1 / n) and
    # the suggested 1/lambda_max, against the independent loop of _slow_divergence.
    X, y, lam_max, lr, losses, first_above = _slow_divergence()
    with pytest.raises(DivergenceError) as caught:
        _quiet(lambda: LinearRegression(solver="gd", learning_rate=lr, max_iter=first_above).fit(X, y))
    message = str(caught.value)
    assert _numbers(message, r"iteration (\d+)") == [first_above]
    grew = _numbers(message, r"grew from ([-\d.e+]+) to ([-\d.e+]+)")
    assert grew == pytest.approx([losses[0], losses[first_above]], rel=1e-3)
    assert _numbers(message, r"2/lambda_max = ([-\d.e+]+)") == pytest.approx([2 / lam_max], rel=1e-2)
    assert _numbers(message, r"try learning_rate=([-\d.e+]+)") == pytest.approx([1 / lam_max], rel=1e-2)
    assert _numbers(message, r"learning_rate=([-\d.e+]+) is too large") == [lr]


@pytest.mark.parametrize("lr", [100.0, 1000.0])
def test_gd_blow_up_message_reports_the_iteration_and_the_losses_before_it(lr):
    # learning_rate=100 (or 1000: two losses within bounds, the least that has a growth to
    # report) on this X: the loss explodes within a few steps. The independent loop
    # applies the documented rule of calcnotes.result (a step whose |x| exceeds 1e12 times the
    # start's size, or whose loss exceeds 1e12 * max(1, |f(x0)|), diverged at that iteration):
    # the message names that iteration, the first loss and the last one within bounds.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([3.0, 2.0, 1.0, 0.0])
    X1 = np.column_stack([X, np.ones(4)])
    theta = np.zeros(2)
    r = X1 @ theta - y
    losses, step = [float(r @ r) / 4], 0
    while True:
        step += 1
        theta = theta - lr * 2 * X1.T @ r / 4
        r = X1 @ theta - y
        loss = float(r @ r) / 4
        if np.abs(theta).max() > 1e12 or loss > 1e12 * max(1.0, losses[0]):
            break
        losses.append(loss)
    assert step >= 2 and len(losses) >= 2
    with pytest.raises(DivergenceError) as caught:
        _quiet(lambda: LinearRegression(solver="gd", learning_rate=lr).fit(X, y))
    message = str(caught.value)
    assert "then blew up" in message
    assert _numbers(message, r"iteration (\d+)") == [step]
    assert _numbers(message, r"learning_rate=([-\d.e+]+) is too large") == [lr]
    grew = _numbers(message, r"grew from ([-\d.e+]+) to ([-\d.e+]+)")
    assert grew == pytest.approx([losses[0], losses[-1]], rel=1e-3)


def test_gd_overflow_at_the_start_is_reported_at_iteration_0():
    # X^T y ~ 1e400 at w = 0: the first gradient overflows before any step is taken
    with pytest.raises(DivergenceError) as caught:
        LinearRegression(solver="gd").fit([[1e200], [2e200]], [1e200, 1e200])
    assert _numbers(str(caught.value), r"iteration (\d+)") == [0]
