"""Linear regression: gradient vs finite differences and sympy, closed forms
vs np.linalg.lstsq, gradient descent vs the normal equations, bad input."""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes._base import ConvergenceWarning
from calcnotes.linear_regression import (
    LinearRegression,
    closed_form_simple,
    mse_loss,
    mse_loss_gradient,
    normal_equations,
)

rng = np.random.default_rng(1)
X = rng.normal(size=(40, 3))
y = X @ np.array([1.5, -2.0, 0.5]) + 3.0 + 0.1 * rng.normal(size=40)


def numerical_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def lstsq_with_intercept(X, y):
    X1 = np.column_stack([X, np.ones(len(X))])
    theta = np.linalg.lstsq(X1, y, rcond=None)[0]
    return theta[:-1], theta[-1]


def test_gradient_against_finite_differences():
    w, b = rng.normal(size=3), 0.7
    dw, db = mse_loss_gradient(X, y, w, b)
    theta = np.append(w, b)
    fd = numerical_gradient(lambda t: mse_loss(X, y, t[:-1], t[-1]), theta)
    np.testing.assert_allclose(np.append(dw, db), fd, rtol=1e-7)


def test_gradient_against_sympy():
    Xs, ys = X[:4, :2], y[:4]
    w = sp.symbols("w0:2")
    b = sp.Symbol("b")
    L = sum((sum(Xs[i, j] * w[j] for j in range(2)) + b - ys[i]) ** 2
            for i in range(4)) / 4
    point = {w[0]: 0.3, w[1]: -1.2, b: 0.5}
    expected = [float(sp.diff(L, v).subs(point)) for v in (*w, b)]
    dw, db = mse_loss_gradient(Xs, ys, [0.3, -1.2], 0.5)
    np.testing.assert_allclose(np.append(dw, db), expected, rtol=1e-12)


def test_closed_form_simple_matches_lstsq_and_the_notes_formula():
    x = rng.uniform(0, 10, 30)
    t = 2.0 - 0.5 * x + rng.normal(size=30)
    theta1, theta0 = closed_form_simple(x, t)   # (w, b): slope first, as normal_equations
    w, b = lstsq_with_intercept(x[:, None], t)
    assert theta1 == pytest.approx(w[0], rel=1e-12)
    assert theta0 == pytest.approx(b, rel=1e-12)
    # seed 002's form (mu_y sum x - sum xy) / (mu_x sum x - sum x^2)
    notes = (t.mean() * x.sum() - x @ t) / (x.mean() * x.sum() - x @ x)
    assert theta1 == pytest.approx(notes, rel=1e-10)


def test_closed_form_simple_is_stable_far_from_the_origin():
    x = 1e8 + np.arange(5.0)
    theta1, _theta0 = closed_form_simple(x, 3.0 * np.arange(5.0))
    assert theta1 == pytest.approx(3.0, rel=1e-12)


def test_closed_forms_share_the_order_w_b_and_survive_extreme_scales():
    x = np.array([0.0, 1.0, 2.0, 4.0])
    t = np.array([1.0, 2.5, 5.5, 8.0])
    w1, b1 = closed_form_simple(x, t)
    w, b = normal_equations(x[:, None], t)
    assert (w1, b1) == pytest.approx((w[0], b), rel=1e-14)
    # x near 1e200: sum of squares would overflow without the exact rescaling
    assert closed_form_simple(1e200 * x, t) == pytest.approx((w1 * 1e-200, b1), rel=1e-13)
    w_big, b_big = normal_equations(1e300 * x[:, None], 1e-300 * t)
    assert w_big[0] == pytest.approx(w1 * 1e-600, rel=1e-13, abs=0) or w1 * 1e-600 == 0
    assert b_big == pytest.approx(b1 * 1e-300, rel=1e-13)
    with pytest.raises(ValueError, match=r"closed_form_simple overflowed float64.*rescale x or y"):
        closed_form_simple([0.0, 1e-300, 2e-300], [0.0, 1e300, 2e300])


def test_normal_equations_match_lstsq():
    w, b = normal_equations(X, y)
    w_ref, b_ref = lstsq_with_intercept(X, y)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12)
    assert b == pytest.approx(b_ref, rel=1e-12)
    dw, db = mse_loss_gradient(X, y, w, b)
    np.testing.assert_allclose(np.append(dw, db), 0, atol=1e-13)


def test_normal_equations_rank_deficient_gives_min_norm():
    Xd = np.column_stack([X[:, 0], X[:, 0]])
    w, _ = normal_equations(Xd, y)
    assert w[0] == pytest.approx(w[1])


@given(st.integers(3, 30), st.integers(1, 5), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_random_shapes(n, d, seed):
    r = np.random.default_rng(seed)
    Xr, yr = r.normal(size=(n, d)), r.normal(size=n)
    w, b = r.normal(size=d), r.normal()
    dw, db = mse_loss_gradient(Xr, yr, w, b)
    fd = numerical_gradient(lambda t: mse_loss(Xr, yr, t[:-1], t[-1]),
                            np.append(w, b))
    np.testing.assert_allclose(np.append(dw, db), fd, rtol=1e-6, atol=1e-8)


def test_model_normal_and_gd_agree_with_lstsq():
    w_ref, b_ref = lstsq_with_intercept(X, y)
    normal = LinearRegression().fit(X, y)
    np.testing.assert_allclose(normal.coef_, w_ref, rtol=1e-12)
    assert normal.n_iter_ == 0
    gd = LinearRegression(solver="gd", learning_rate=0.1, max_iter=5000,
                          tol=1e-10).fit(X, y)
    np.testing.assert_allclose(gd.coef_, w_ref, rtol=1e-8)
    assert gd.intercept_ == pytest.approx(b_ref, rel=1e-9)
    assert gd.n_iter_ < 5000
    assert gd.loss_history_.shape == (gd.n_iter_ + 1,)
    assert np.all(np.diff(gd.loss_history_) <= 1e-15)  # up to rounding
    np.testing.assert_allclose(gd.predict(X), X @ w_ref + b_ref, rtol=1e-8)


def test_gd_warns_when_not_converged():
    with pytest.warns(ConvergenceWarning, match="increase max_iter"):
        LinearRegression(solver="gd", max_iter=3).fit(X, y)


def test_gd_divergence_names_a_safe_learning_rate():
    with pytest.raises(ValueError, match=r"diverged.*must be < 2/lambda_max"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            LinearRegression(solver="gd", learning_rate=5.0,
                             max_iter=10000).fit(100 * X, y)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"got shape \(40, 1\); pass y.ravel"):
        LinearRegression().fit(X, y[:, None])
    with pytest.raises(ValueError, match="40 rows in X and 39 in y"):
        LinearRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="solver must be one of 'normal', 'gd'"):
        LinearRegression(solver="sgd").fit(X, y)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        LinearRegression(solver="gd", learning_rate=-1).fit(X, y)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        LinearRegression(solver="gd", max_iter=2.5).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but LinearRegression is expecting 3"):
        LinearRegression().fit(X, y).predict(X[:, :2])
    with pytest.raises(ValueError, match="X contains NaN"):
        LinearRegression().fit(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="w has 2 entries but X has 3"):
        mse_loss(X, y, [1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="b must be 0-D"):
        mse_loss_gradient(X, y, [1.0, 2.0, 3.0], [0.0])
    with pytest.raises(ValueError, match=r"x is constant.*two different x"):
        closed_form_simple([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="x and y must have the same length"):
        closed_form_simple([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"X must be 2-D.*reshape"):
        normal_equations([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(TypeError):
        LinearRegression(True)  # settings are keyword-only


def test_a_slow_divergence_is_caught_before_it_overflows():
    # learning_rate = 2 on the diabetes data is above 2/lambda_max = 1: after 300
    # steps the loss is 1e290, finite, and would have been returned with a warning
    from calcnotes.datasets import load_diabetes
    from calcnotes.result import DivergenceError

    Xd, yd = load_diabetes()
    with pytest.raises(DivergenceError, match=r"the loss grew from 2.907e\+04 .* must be < 2/lambda_max = 1"):
        LinearRegression(solver="gd", learning_rate=2.0, max_iter=300).fit(Xd, yd)


def test_hessian_against_numeric_hessian():
    from calcnotes.linear_regression import mse_loss_hessian
    from calcnotes.numeric import numeric_hessian

    theta = np.append(rng.normal(size=3), 0.7)
    H = mse_loss_hessian(X, y, theta[:3], theta[3])
    H_fd = numeric_hessian(lambda t: mse_loss(X, y, t[:3], t[3]), theta)
    np.testing.assert_allclose(H, H_fd, rtol=1e-5, atol=1e-6)
    X1 = np.column_stack([X, np.ones(40)])
    np.testing.assert_allclose(H, 2 * X1.T @ X1 / 40)


def test_gd_is_gradient_descent_on_the_public_loss():
    # the model's fit is the package's optimiser on mse_loss / mse_loss_gradient
    from calcnotes.gradient_descent import gradient_descent

    model = LinearRegression(solver="gd", learning_rate=0.1, max_iter=200).fit(X, y)
    result = gradient_descent(lambda t: np.append(*mse_loss_gradient(X, y, t[:3], t[3])),
                              np.zeros(4), 0.1, max_iter=200, tol=1e-8,
                              f=lambda t: mse_loss(X, y, t[:3], t[3]))
    np.testing.assert_allclose(np.append(model.coef_, model.intercept_), result.x,
                               rtol=1e-12, atol=1e-14)
    assert model.n_iter_ == result.n_iter
    np.testing.assert_allclose(model.loss_history_, result.values, rtol=1e-12)
