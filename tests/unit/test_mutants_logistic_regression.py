"""Behaviour of calcnotes.logistic_regression that the mutation run found unpinned.

Expected values come from the documented formulas (the module docstring's L, computed here
from sigma(z) directly, not from the logits kernel), central finite differences, the
documented defaults of LogisticRegression and of the optimisers it hands its functions
to, and hand reasoning on tiny data sets (each derivation is in a comment).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from calcnotes._base import ConvergenceWarning
from calcnotes._validation import MAX_ITER
from calcnotes.logistic_regression import LogisticRegression, log_loss, log_loss_gradient, log_loss_hessian
from calcnotes.result import DivergenceError


def _data():
    # three features, so that the column of ones is not the second column and w[:-1] != w
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.4, 2.2, 0.1], [-1.3, -0.6, -1.5], [0.9, 1.1, 0.4]])
    y = np.array([1, 0, 1, 0, 1])
    w = np.array([0.5, -1.2, 0.8])
    return X, y, w, 0.7


def _loss_by_hand(X, y, w, b, l2):
    # L = mean(-y log p - (1 - y) log(1 - p)) + l2/2 ||w||^2 with p = 1 / (1 + exp(-(Xw + b)))
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)) + 0.5 * l2 * (w @ w))


def _theta_loss(X, y, l2):
    d = X.shape[1]
    return lambda t: log_loss(X, y, t[:d], t[d], l2)


def _central(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def _record(run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = run()
    return out, caught


def test_log_loss_is_the_documented_formula_with_the_penalty_on_w_only():
    X, y, w, b = _data()
    for l2 in (0.0, 0.3):
        assert log_loss(X, y, w, b, l2) == pytest.approx(_loss_by_hand(X, y, w, b, l2), rel=1e-12)
    # the penalty adds l2/2 ||w||^2 = 0.15 * (0.25 + 1.44 + 0.64) and nothing for b = 0.7
    extra = log_loss(X, y, w, b, 0.3) - log_loss(X, y, w, b, 0.0)
    assert extra == pytest.approx(0.15 * 2.33, rel=1e-12)


def test_gradient_matches_central_differences_of_the_loss():
    X, y, w, b = _data()
    l2 = 0.3
    dw, db = log_loss_gradient(X, y, w, b, l2)
    numeric = _central(_theta_loss(X, y, l2), np.append(w, b))
    np.testing.assert_allclose(np.append(dw, db), numeric, rtol=1e-7, atol=1e-10)
    # the intercept is not penalised: db is the same with and without l2
    assert db == pytest.approx(log_loss_gradient(X, y, w, b, 0.0)[1], rel=1e-14)


def test_hessian_matches_central_differences_of_the_gradient():
    X, y, w, b = _data()
    l2 = 0.3
    H = log_loss_hessian(X, y, w, b, l2)
    d = X.shape[1]
    grad = lambda t: np.append(*log_loss_gradient(X, y, t[:d], t[d], l2))  # noqa: E731
    theta = np.append(w, b)
    numeric = np.array([(grad(theta + 1e-6 * e) - grad(theta - 1e-6 * e)) / 2e-6 for e in np.eye(d + 1)])
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-9)


def test_l2_defaults_to_zero():
    X, y, w, b = _data()
    assert log_loss(X, y, w, b) == log_loss(X, y, w, b, 0.0)
    dw, db = log_loss_gradient(X, y, w, b)
    dw0, db0 = log_loss_gradient(X, y, w, b, 0.0)
    np.testing.assert_array_equal(dw, dw0)
    assert db == db0


@pytest.mark.parametrize("which", ["loss", "gradient", "hessian"])
def test_overflow_is_a_value_error_and_no_runtime_warning(which):
    # z = 1e308 * 10 + 1e308 * (-10) overflows to inf - inf = nan inside X @ w: the function
    # reports it as one ValueError, without numpy's overflow / invalid RuntimeWarnings first
    fn = {"loss": log_loss, "gradient": log_loss_gradient, "hessian": log_loss_hessian}[which]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            fn([[1e308, 1e308]], [1], [10.0, -10.0], 0.0)


def test_prediction_overflow_is_a_value_error_and_no_runtime_warning():
    # y = 1 exactly when x1 + x2 > 0, and the data are symmetric under swapping x1 and x2:
    # both weights come out equal, positive and well above 1
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, -0.5], [-0.5, 2.0], [-2.0, 0.5], [0.5, -2.0]])
    model = LogisticRegression(l2=0.01).fit(X, [1, 0, 1, 1, 0, 0])
    assert np.all(model.coef_ > 1.1)
    # 1.7e308 * w1 overflows to inf, -1.7e308 * w2 to -inf, and their sum is nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            model.decision_function([[1.7e308, -1.7e308]])


def test_tol_zero_is_allowed():
    # tol is documented as a bound on the gradient norm: 0 asks for an exact zero
    X, y, _, _ = _data()
    model, _ = _record(lambda: LogisticRegression(l2=0.1, tol=0.0, max_iter=30).fit(X, y))
    assert np.all(np.isfinite(model.coef_))


@pytest.mark.parametrize("solver", ["newton", "gd"])
@pytest.mark.parametrize("max_iter", [0, MAX_ITER + 1])
def test_max_iter_out_of_range_is_refused(solver, max_iter):
    X, y, _, _ = _data()
    # a parameter out of range is refused by fit itself, not reported as a divergence of the run
    with pytest.raises(ValueError) as info:
        LogisticRegression(solver=solver, max_iter=max_iter).fit(X, y)
    assert not isinstance(info.value, DivergenceError)


@pytest.mark.parametrize("solver", ["newton", "gd"])
def test_max_iter_at_its_bound_fits_nine_features(solver):
    # max_iter may be as large as MAX_ITER = 10^7; the fit keeps the loss history, not the
    # path of iterates, so 10 parameters with that bound (10^8 numbers if every iterate were
    # kept, which the optimisers refuse) still fit, and converge long before the bound
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 9))
    y = (X @ np.linspace(-1.0, 1.0, 9) + rng.normal(size=30) > 0).astype(int)
    model = LogisticRegression(solver=solver, l2=0.1, max_iter=MAX_ITER).fit(X, y)
    assert model.n_iter_ < 1000
    dw, db = log_loss_gradient(X, y, model.coef_, model.intercept_, 0.1)
    assert np.sqrt(dw @ dw + db * db) <= 1e-8


def test_newton_stops_at_max_iter():
    # Newton needs about 6 steps here (from zeros to ||grad|| <= 1e-8); max_iter=2 stops after 2
    X, y, _, _ = _data()
    model, caught = _record(lambda: LogisticRegression(l2=0.1, max_iter=2).fit(X, y))
    assert model.n_iter_ == 2 and len(model.loss_history_) == 3
    assert [w.category for w in caught] == [ConvergenceWarning]


@pytest.mark.parametrize("solver", ["newton", "gd"])
def test_a_looser_tol_stops_earlier(solver):
    # the iterates do not depend on tol, only where they stop: a looser tol stops no later,
    # and (the gradient norm falling steadily from about 0.3 at zeros) strictly earlier here
    X, y, _, _ = _data()
    fit = lambda tol: LogisticRegression(solver=solver, l2=0.1, tol=tol).fit(X, y)  # noqa: E731
    loose, tight = fit(1e-3), fit(1e-12 if solver == "newton" else 1e-6)
    assert loose.n_iter_ < tight.n_iter_
    for model, tol in ((loose, 1e-3),):
        dw, db = log_loss_gradient(X, y, model.coef_, model.intercept_, 0.1)
        assert np.sqrt(dw @ dw + db * db) <= tol


def test_gd_backtracking_tames_a_huge_learning_rate():
    # a step of 50 times the gradient overshoots (the curvature is about 1/4 * |x|^2): the
    # documented backtracking halves it until the loss decreases, so the loss never rises
    X, y, _, _ = _data()
    model = LogisticRegression(solver="gd", l2=0.1, learning_rate=50.0, max_iter=500).fit(X, y)
    history = model.loss_history_
    assert np.all(np.diff(history) <= 1e-12 * history[:-1])
    dw, db = log_loss_gradient(X, y, model.coef_, model.intercept_, 0.1)
    assert np.sqrt(dw @ dw + db * db) <= 1e-8


def test_newton_backtracking_keeps_the_loss_from_rising():
    # data on which the full Newton step from the second iterate on overshoots and raises the
    # loss (found by search); the documented Armijo backtracking halves such a step instead
    X = [[-0.6, 1.5], [-1.4, 0.8], [0.2, -1.1], [0.8, 1.3], [-1.6, 0.5], [-0.1, 0.2], [-1.7, 0.6]]
    y = [0, 0, 1, 0, 1, 1, 0]
    model, _ = _record(lambda: LogisticRegression().fit(X, y))  # separable: warns, see below
    history = model.loss_history_
    assert np.all(np.diff(history) <= 1e-12 * history[:-1])


def test_balanced_symmetric_data_stays_at_zero_without_warnings():
    # x = +-1 with one label of each class at each x: the gradient at theta = 0 is
    # X1^T (1/2 - y) / 4 = 0 exactly, so the fit stops at once at w = b = 0; no sample has a
    # positive margin (all z = 0), so the data are not called separable, and nothing warns
    X = [[1.0], [-1.0], [1.0], [-1.0]]
    model, caught = _record(lambda: LogisticRegression().fit(X, [0, 0, 1, 1]))
    assert caught == []
    assert model.n_iter_ == 0 and model.coef_[0] == 0.0 and model.intercept_ == 0.0
    # p = 1/2 exactly: predict documents classes_[1] where p >= 1/2
    np.testing.assert_array_equal(model.predict([[3.0], [-3.0]]), [1, 1])
    np.testing.assert_array_equal(model.predict_proba([[3.0]]), [[0.5, 0.5]])


def test_penalised_fit_on_separable_data_does_not_warn():
    # with l2 > 0 the minimiser exists even for separable classes: no separability warning
    X = [[-2.0], [-1.0], [1.0], [2.0]]
    model, caught = _record(lambda: LogisticRegression(l2=0.1).fit(X, [0, 0, 1, 1]))
    assert caught == []
    np.testing.assert_array_equal(model.predict(X), [0, 0, 1, 1])


def test_separability_is_judged_with_the_intercept():
    # classes split at x = 2.5, far from 0: the fit has b close to -2.5 w, and every margin
    # (2y - 1)(w x + b) is positive, so the separability warning (and only it) is given
    X = [[1.0], [2.0], [3.0], [4.0]]
    model, caught = _record(lambda: LogisticRegression().fit(X, [0, 0, 1, 1]))
    assert model.n_iter_ < 1000 and model.intercept_ < 0
    assert [w.category for w in caught] == [ConvergenceWarning]


def test_separable_after_one_step_warns_twice():
    # one gradient step from zeros: b moves by t * mean(y - 1/2) = 0 and w by t * 1.5 / 4 > 0,
    # so all margins are positive but below 1: both the max_iter and the separability warnings
    X = [[-2.0], [-1.0], [1.0], [2.0]]
    model, caught = _record(lambda: LogisticRegression(solver="gd", max_iter=1).fit(X, [0, 0, 1, 1]))
    assert model.intercept_ == 0.0 and 0 < model.coef_[0] < 0.5
    assert [w.category for w in caught] == [ConvergenceWarning, ConvergenceWarning]


def test_warnings_point_at_the_line_that_called_fit(warning_sites):
    # stacklevel=2: a warning names fit's caller, the user's line (see the warning_sites fixture)
    X, y, _, _ = _data()
    for run in (lambda: LogisticRegression(l2=0.1, max_iter=1).fit(X, y),  # not converged
                lambda: LogisticRegression().fit([[-1.0], [1.0]], [0, 1])):  # separable
        attributed, callers = warning_sites(run)
        assert len(callers) == 1 and attributed == callers


def test_gd_divergence_names_the_learning_rate():
    # |x| ~ 1e300: the first gradient is ~1e300 and every trial step overflows the loss, so
    # no halving lowers it; the fix to name is gd's learning_rate (or scaling X)
    X = [[1e300], [-1e300], [2e300], [-1.5e300]]
    with pytest.raises(DivergenceError, match="learning_rate") as info:
        LogisticRegression(solver="gd").fit(X, [1, 0, 1, 0])
    # a number, not wording: the loss at zeros is log 2 (finite), so the run failed in its
    # first step, iteration 1, not at the start
    assert re.search(r"\bdiverged at iteration 1\b", str(info.value)), str(info.value)

    # ... and at the start it is iteration 0: Newton's Hessian ~ x^2 / 4 overflows there
    with pytest.raises(DivergenceError) as info:
        LogisticRegression().fit(X, [1, 0, 1, 0])
    assert re.search(r"\bdiverged at iteration 0\b", str(info.value)), str(info.value)


def test_newton_overflow_names_neither_l2_nor_the_learning_rate():
    # the Hessian ~ x^2 / 4 ~ 1e600 overflows at the start: Newton has no learning rate, and
    # a penalty does not help an overflow, so the message names neither parameter
    X = [[1e300], [-1e300], [2e300], [-1.5e300]]
    with pytest.raises(DivergenceError) as info:
        LogisticRegression().fit(X, [1, 0, 1, 0])
    assert "learning_rate" not in str(info.value) and "l2" not in str(info.value)


def test_singular_newton_names_l2():
    # two equal columns: X1^T S X1 is singular without a penalty, and l2 > 0 is the fix
    X = [[1.0, 1.0], [2.0, 2.0], [-1.0, -1.0], [3.0, 3.0]]
    with pytest.raises(DivergenceError, match="l2"):
        LogisticRegression().fit(X, [0, 1, 0, 1])
