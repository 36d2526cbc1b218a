"""Behaviour of calcnotes.softmax_regression that the mutation run found unpinned.

Expected values come from the documented formulas (the module docstring's L, computed here
from softmax probabilities directly), central finite differences, the documented defaults of
SoftmaxRegression and of the optimisers it hands its loss and gradient to, scikit-learn's
decision_function convention, and hand reasoning on tiny data sets (in the comments).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import calcnotes.softmax_regression as sr
from calcnotes._base import ConvergenceWarning
from calcnotes._validation import MAX_ITER
from calcnotes.result import DivergenceError
from calcnotes.softmax_regression import (
    SoftmaxRegression,
    softmax_regression_gradient,
    softmax_regression_hessian,
    softmax_regression_loss,
)


def _data():
    X = np.array([[0.0, 2.0], [2.0, 0.0], [-2.0, -2.0], [0.2, 2.5], [1.0, -0.5], [-1.0, 0.3]])
    return X, np.array([0, 1, 2, 0, 1, 2])


def _record(run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = run()
    return out, caught


def _gradient_norm(model, X, y, l2):
    dW, db = softmax_regression_gradient(X, y, model.coef_, model.intercept_, l2)
    return np.sqrt(np.sum(dW * dW) + db @ db)


def test_loss_and_gradient_default_to_no_penalty():
    # W != 0, so a penalty l2/2 ||W||^2 (or l2 W in the gradient) would show
    X, y = _data()
    W, b = np.array([[0.5, -1.0, 0.2], [0.3, 0.8, -0.6]]), np.array([0.1, -0.2, 0.3])
    # by hand: mean of -log softmax(x_i W + b)[y_i]
    Z = X @ W + b
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert softmax_regression_loss(X, y, W, b) == pytest.approx(-np.mean(np.log(P[np.arange(6), y])), rel=1e-12)
    dW, db = softmax_regression_gradient(X, y, W, b)
    dW0, db0 = softmax_regression_gradient(X, y, W, b, 0.0)
    np.testing.assert_array_equal(dW, dW0)
    np.testing.assert_array_equal(db, db0)


@pytest.mark.parametrize("shape", [(6,), (1, 6, 2)])
def test_X_must_be_two_dimensional(shape):
    W, b = np.zeros((2, 3)), np.zeros(3)
    X = np.ones(shape)
    for fn in (softmax_regression_loss, softmax_regression_gradient, softmax_regression_hessian):
        with pytest.raises(ValueError):
            fn(X, [0] * X.shape[0], W, b)


@pytest.mark.parametrize("which", ["loss", "gradient", "hessian"])
def test_overflow_is_a_value_error_and_no_runtime_warning(which):
    # logits 1e308 * 10 + 1e308 * (-10) = inf - inf = nan inside X @ W: the function reports
    # it as one ValueError, without numpy's overflow / invalid RuntimeWarnings first
    fn = {"loss": softmax_regression_loss, "gradient": softmax_regression_gradient,
          "hessian": softmax_regression_hessian}[which]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            fn([[1e308, 1e308]], [0], [[10.0, 0.0], [-10.0, 0.0]], [0.0, 0.0])


def test_prediction_overflow_is_a_value_error_and_no_runtime_warning():
    # y = 1 exactly when x1 + x2 > 0, data symmetric under swapping x1 and x2: both rows of W
    # come out equal, (-c, c) with c > 1.06, so 1.7e308 * c - 1.7e308 * c is inf - inf = nan
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, -0.5], [-0.5, 2.0], [-2.0, 0.5], [0.5, -2.0]])
    model = SoftmaxRegression(solver="lbfgs", l2=0.01).fit(X, [1, 0, 1, 1, 0, 0])
    assert np.all(np.abs(model.coef_) > 1.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in (model.predict, model.predict_proba, model.decision_function):
            with pytest.raises(ValueError):
                method([[1.7e308, -1.7e308]])


def _no_kernel(*args):
    raise AssertionError("the Hessian kernel ran")


def test_hessian_size_guard_refuses_more_than_1e8_entries(monkeypatch):
    # (d + 1) * k = 101 * 100 = 10100 parameters: 1.02e8 entries (over 800 MB) are refused
    # before any work (the kernel is replaced by one that fails if it is reached)
    monkeypatch.setattr(sr, "_hessian", _no_kernel)
    with pytest.raises(ValueError):
        softmax_regression_hessian(np.ones((1, 100)), [0], np.zeros((100, 100)), np.zeros(100))


def test_hessian_size_guard_allows_exactly_1e8_entries(monkeypatch):
    # (d + 1) * k = 100 * 100 = 10^4 parameters: 10^8 entries is not over the limit, so the
    # kernel is reached (replaced here by a cheap stand-in)
    monkeypatch.setattr(sr, "_hessian", lambda X, W, b, l2: np.zeros((1, 1)))
    H = softmax_regression_hessian(np.ones((1, 99)), [0], np.zeros((99, 100)), np.zeros(100))
    np.testing.assert_array_equal(H, [[0.0]])


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
@pytest.mark.parametrize("max_iter", [0, MAX_ITER + 1])
def test_max_iter_out_of_range_is_refused(solver, max_iter):
    X, y = _data()
    # a parameter out of range is refused by fit itself, not reported as a divergence of the run
    with pytest.raises(ValueError) as info:
        SoftmaxRegression(solver=solver, max_iter=max_iter).fit(X, y)
    assert not isinstance(info.value, DivergenceError)


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_max_iter_at_its_bound_fits_twelve_parameters(solver):
    # max_iter may be as large as MAX_ITER = 10^7; the fit keeps the loss history, not the
    # path of iterates, so (3 + 1) * 3 = 12 parameters with that bound (1.2e8 numbers if every
    # iterate were kept, which the optimisers refuse) still fit, and converge long before it
    X, y = _data()
    X = np.column_stack([X, X[:, 0] - X[:, 1]])
    model = SoftmaxRegression(solver=solver, l2=0.1, max_iter=MAX_ITER).fit(X, y)
    assert model.n_iter_ < 1000
    assert _gradient_norm(model, X, y, 0.1) <= 1e-6


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
@pytest.mark.parametrize("max_iter", [1, 2])
def test_stops_at_max_iter(solver, max_iter):
    # both solvers need more than two steps here (gd about 330, L-BFGS about 13)
    X, y = _data()
    model, caught = _record(lambda: SoftmaxRegression(solver=solver, l2=0.1, max_iter=max_iter).fit(X, y))
    assert model.n_iter_ == max_iter and len(model.loss_history_) == max_iter + 1
    assert [w.category for w in caught] == [ConvergenceWarning]


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_tol_is_passed_to_the_optimiser(solver):
    # the iterates do not depend on tol, only where they stop: tol=1e-2 stops strictly earlier
    # than the default 1e-6 (gd: about 47 vs 330 steps, L-BFGS about 7 vs 13), with the
    # gradient norm at or below each tol
    X, y = _data()
    loose = SoftmaxRegression(solver=solver, l2=0.1, tol=1e-2).fit(X, y)
    default = SoftmaxRegression(solver=solver, l2=0.1).fit(X, y)
    assert loose.n_iter_ < default.n_iter_
    assert _gradient_norm(loose, X, y, 0.1) <= 1e-2
    assert _gradient_norm(default, X, y, 0.1) <= 1e-6


def test_gd_backtracking_tames_a_huge_learning_rate():
    # a step of 50 times the gradient overshoots: the documented backtracking halves it until
    # the loss decreases, so the loss never rises and the fit still converges
    X, y = _data()
    model = SoftmaxRegression(l2=0.1, learning_rate=50.0).fit(X, y)
    history = model.loss_history_
    assert np.all(np.diff(history) <= 1e-12 * history[:-1])
    assert _gradient_norm(model, X, y, 0.1) <= 1e-6


def test_l2_defaults_to_zero():
    # overlapping classes (not separable), so the unpenalised minimiser exists
    X = np.array([[0.0], [1.0], [2.0], [3.0], [1.5], [0.5]])
    y = [0, 0, 1, 1, 0, 1]
    default = SoftmaxRegression(solver="lbfgs").fit(X, y)
    explicit = SoftmaxRegression(solver="lbfgs", l2=0.0).fit(X, y)
    np.testing.assert_array_equal(default.coef_, explicit.coef_)
    assert _gradient_norm(default, X, y, 0.0) <= 1e-6


def test_convergence_warning_names_the_solvers_knob():
    # gd's advice names learning_rate; L-BFGS has no learning rate
    X, y = _data()
    _, gd = _record(lambda: SoftmaxRegression(max_iter=1).fit(X, y))
    _, lbfgs = _record(lambda: SoftmaxRegression(solver="lbfgs", max_iter=1).fit(X, y))
    assert "learning_rate" in str(gd[0].message)
    assert "learning_rate" not in str(lbfgs[0].message)


def test_convergence_warning_points_at_the_line_that_called_fit(warning_sites):
    # stacklevel=2: the warning names fit's caller, the user's line (see the warning_sites fixture)
    X, y = _data()
    attributed, callers = warning_sites(lambda: SoftmaxRegression(max_iter=1).fit(X, y))
    assert len(callers) == 1 and attributed == callers


def test_gd_divergence_names_the_learning_rate():
    # |x| ~ 1e300: every trial step from zeros overflows the loss, no halving lowers it
    X = [[1e300], [-1e300], [2e300], [-1.5e300]]
    with pytest.raises(DivergenceError, match="learning_rate") as info:
        SoftmaxRegression().fit(X, [1, 0, 1, 0])
    # a number, not wording: the loss at zeros is log 2 (finite), so the run failed in its
    # first step, iteration 1, not at the start
    assert re.search(r"\bdiverged at iteration 1\b", str(info.value)), str(info.value)


def test_lbfgs_divergence_does_not_name_a_learning_rate():
    X = [[1e100, 1e100], [-1e100, 1.0], [2e100, 3.0], [-1.5e100, 2.0]]
    with pytest.raises(DivergenceError) as info:
        SoftmaxRegression(solver="lbfgs").fit(X, [1, 0, 1, 0])
    assert "learning_rate" not in str(info.value)
    # the loss at zeros is log 2 (finite); along its gradient (~1e100) every trial of the
    # first step, down to 2^-60 of it, overflows the loss: the run fails in iteration 1
    assert re.search(r"\bdiverged at iteration 1\b", str(info.value)), str(info.value)


def test_decision_function_is_the_log_odds_for_two_classes():
    # scikit-learn's convention: shape (n,), log(p1 / p0), positive where classes_[1] wins
    X = np.array([[0.0], [1.0], [2.0], [3.0], [1.5], [0.5]])
    model = SoftmaxRegression(l2=0.1).fit(X, ["a", "a", "b", "b", "a", "b"])
    T = np.array([[-1.0], [1.2], [4.0]])
    P = model.predict_proba(T)
    scores = model.decision_function(T)
    assert scores.shape == (3,)
    np.testing.assert_allclose(scores, np.log(P[:, 1] / P[:, 0]), rtol=1e-10)
    np.testing.assert_array_equal(model.predict(T), np.where(scores > 0, "b", "a"))


def test_decision_function_is_the_logits_for_three_classes():
    # k = 3: the logits XW + b, whose softmax is predict_proba (log P differs by a row constant)
    X, y = _data()
    model = SoftmaxRegression(l2=0.1).fit(X, y)
    T = np.array([[1.0, 1.0], [-1.0, 2.0]])
    Z = model.decision_function(T)
    assert Z.shape == (2, 3)
    np.testing.assert_allclose(Z, T @ model.coef_ + model.intercept_, rtol=1e-12)
    logP = np.log(model.predict_proba(T))
    np.testing.assert_allclose(Z - Z[:, :1], logP - logP[:, :1], rtol=1e-9, atol=1e-12)
