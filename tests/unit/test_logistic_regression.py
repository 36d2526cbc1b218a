"""Logistic regression: gradient and Hessian vs finite differences and sympy,
Newton vs gradient descent vs scikit-learn, separable data, bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes._base import ConvergenceWarning
from calcnotes.logistic_regression import (
    LogisticRegression,
    log_loss,
    log_loss_gradient,
    log_loss_hessian,
)

rng = np.random.default_rng(2)
X = rng.normal(size=(60, 3))
y = (X @ [1.0, -2.0, 0.5] + 0.3 + rng.normal(size=60) > 0).astype(int)


def theta_fns(X, y, l2):
    d = X.shape[1]
    loss = lambda t: log_loss(X, y, t[:d], t[d], l2)  # noqa: E731
    grad = lambda t: np.append(*log_loss_gradient(X, y, t[:d], t[d], l2))  # noqa: E731
    return loss, grad


def numerical_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_gradient_and_hessian_against_finite_differences(l2):
    loss, grad = theta_fns(X, y, l2)
    theta = rng.normal(size=4)
    np.testing.assert_allclose(grad(theta), numerical_gradient(loss, theta),
                               rtol=1e-7, atol=1e-10)
    H = log_loss_hessian(X, y, theta[:3], theta[3], l2)
    H_fd = np.column_stack([(grad(theta + 1e-6 * e) - grad(theta - 1e-6 * e)) / 2e-6
                            for e in np.eye(4)])
    np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(H, H.T)
    assert np.linalg.eigvalsh(H).min() > 0


def test_gradient_and_hessian_against_sympy():
    # sympy differentiates the loss of one sample (symbols x0, x1, t); the
    # mean over samples of those derivatives is the oracle
    Xs, ys, l2 = X[:8, :2], y[:8], 0.2
    w0, w1, b, x0, x1, t = sp.symbols("w0 w1 b x0 x1 t")
    params = (w0, w1, b)
    p = 1 / (1 + sp.exp(-(x0 * w0 + x1 * w1 + b)))
    ell = -(t * sp.log(p) + (1 - t) * sp.log(1 - p)) + l2 / 2 * (w0**2 + w1**2)

    def mean_over_samples(expr):
        f = sp.lambdify((w0, w1, b, x0, x1, t), expr, "numpy")
        return np.mean(f(0.4, -0.7, 0.1, Xs[:, 0], Xs[:, 1], ys) + 0 * ys)

    g = [mean_over_samples(sp.diff(ell, v)) for v in params]
    H = [[mean_over_samples(sp.diff(ell, u, v)) for v in params] for u in params]
    dw, db = log_loss_gradient(Xs, ys, [0.4, -0.7], 0.1, l2)
    np.testing.assert_allclose(np.append(dw, db), g, rtol=1e-12)
    np.testing.assert_allclose(log_loss_hessian(Xs, ys, [0.4, -0.7], 0.1, l2),
                               H, rtol=1e-12, atol=1e-15)
    assert log_loss(Xs, ys, [0.4, -0.7], 0.1, l2) == pytest.approx(
        mean_over_samples(ell), rel=1e-13)


@given(st.integers(2, 25), st.integers(1, 4), st.floats(0, 1),
       st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_gradient_on_random_shapes(n, d, l2, seed):
    r = np.random.default_rng(seed)
    Xr, yr = r.normal(size=(n, d)), r.integers(0, 2, size=n)
    loss, grad = theta_fns(Xr, yr, l2)
    theta = r.normal(size=d + 1)
    np.testing.assert_allclose(grad(theta), numerical_gradient(loss, theta),
                               rtol=1e-6, atol=1e-8)


def test_loss_is_finite_for_huge_weights():
    assert np.isfinite(log_loss(X, y, [1e4, -1e4, 1e4], 0.0))
    assert np.all(np.isfinite(log_loss_gradient(X, y, [1e4, -1e4, 1e4], 0.0)[0]))


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_newton_and_gradient_descent_agree(l2):
    newton = LogisticRegression(l2=l2).fit(X, y)
    gd = LogisticRegression(solver="gd", l2=l2, learning_rate=1.0,
                            max_iter=20000, tol=1e-9).fit(X, y)
    assert newton.n_iter_ < 15
    np.testing.assert_allclose(gd.coef_, newton.coef_, rtol=1e-6, atol=1e-8)
    assert gd.intercept_ == pytest.approx(newton.intercept_, rel=1e-6, abs=1e-8)
    dw, db = log_loss_gradient(X, y, newton.coef_, newton.intercept_, l2)
    assert np.linalg.norm(np.append(dw, db)) <= 1e-8
    assert np.all(np.diff(newton.loss_history_) <= 0)


def test_matches_scikit_learn_with_C_equal_1_over_n_l2():
    sklearn = pytest.importorskip("sklearn.linear_model")
    l2 = 0.01
    ours = LogisticRegression(l2=l2, tol=1e-12).fit(X, y)
    ref = sklearn.LogisticRegression(C=1 / (len(y) * l2), solver="newton-cg",
                                     tol=1e-12, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_.ravel(), rtol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_[0], rel=1e-7)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X),
                               rtol=1e-7)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_predict_proba_layout():
    model = LogisticRegression(l2=0.1).fit(X, y)
    P = model.predict_proba(X)
    assert P.shape == (60, 2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), (P[:, 1] >= 0.5).astype(int))
    assert repr(model) == "LogisticRegression(l2=0.1)"


def test_separable_data_without_penalty_warns_with_advice():
    Xs = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    with pytest.warns(ConvergenceWarning, match="separable.*set l2 > 0"):
        LogisticRegression().fit(Xs, [0, 0, 1, 1])
    assert LogisticRegression(l2=1e-3).fit(Xs, [0, 0, 1, 1]).coef_[0] > 0


def test_singular_hessian_names_the_fix():
    X_const = np.zeros((4, 2)) + np.array([1.0, 0.0])  # columns: the intercept, zeros
    with pytest.raises(ValueError, match=r"dependent columns.*set l2 > 0"):
        LogisticRegression().fit(X_const, [0, 1, 1, 1])
    Xd = np.column_stack([X[:, 0], X[:, 0], X[:, 0]])
    LogisticRegression(l2=0.1).fit(Xd, y)  # fine with a penalty


def test_convergence_warnings():
    with pytest.warns(ConvergenceWarning, match="increase max_iter or learning"):
        LogisticRegression(solver="gd", max_iter=5).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="set l2 > 0"):
        LogisticRegression(max_iter=1).fit(X, y)


def test_any_two_labels_map_through_classes():
    # -1/+1 or strings: the same model as 0/1, with classes_[1] as label 1
    base = LogisticRegression(l2=0.1).fit(X, y)
    signed = LogisticRegression(l2=0.1).fit(X, np.where(y == 0, -1, 1))
    named = LogisticRegression(l2=0.1).fit(X, np.where(y == 0, "no", "yes"))
    np.testing.assert_array_equal(signed.classes_, [-1, 1])
    np.testing.assert_array_equal(named.classes_, ["no", "yes"])
    np.testing.assert_allclose(signed.coef_, base.coef_, rtol=1e-12)
    np.testing.assert_array_equal(named.predict(X), np.where(base.predict(X) == 1, "yes", "no"))


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"binary classifier but y has 3 classes.*SoftmaxRegression"):
        LogisticRegression().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match=r"only one class.*two classes"):
        LogisticRegression().fit(X, np.ones(len(y)))
    with pytest.raises(ValueError, match="solver must be one of 'newton', 'gd'"):
        LogisticRegression(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        LogisticRegression(l2=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        LogisticRegression(learning_rate=0).fit(X, y)
    with pytest.raises(ValueError, match="60 rows in X and 59 in y"):
        log_loss(X, y[:-1], [0.0, 0.0, 0.0], 0.0)
    with pytest.raises(ValueError, match="w has 1 entries"):
        log_loss_hessian(X, y, [0.0], 0.0)
    with pytest.raises(ValueError, match="X contains inf"):
        log_loss_gradient(np.full((2, 1), np.inf), [0, 1], [0.0], 0.0)


def test_hessian_against_numeric_hessian_of_the_loss():
    from calcnotes.numeric import numeric_hessian

    loss, _ = theta_fns(X, y, 0.2)
    theta = rng.normal(size=4) * 0.5
    H = log_loss_hessian(X, y, theta[:3], theta[3], 0.2)
    np.testing.assert_allclose(H, numeric_hessian(loss, theta), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("solver", ["newton", "gd"])
def test_fit_is_the_package_optimiser_on_the_public_functions(solver):
    import warnings

    from calcnotes.gradient_descent import gradient_descent
    from calcnotes.newton import newton_minimize

    loss, grad = theta_fns(X, y, 0.1)
    with warnings.catch_warnings():  # gd: 100 steps stop short of tol, on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(solver=solver, l2=0.1, max_iter=100, tol=1e-9).fit(X, y)
    if solver == "newton":
        hess = lambda t: log_loss_hessian(X, y, t[:3], t[3], 0.1)  # noqa: E731
        result = newton_minimize(grad, hess, np.zeros(4), max_iter=100, tol=1e-9, f=loss,
                                 line_search="backtracking")
    else:
        result = gradient_descent(grad, np.zeros(4), 0.5, max_iter=100, tol=1e-9, f=loss,
                                  line_search="backtracking")
    np.testing.assert_allclose(np.append(model.coef_, model.intercept_), result.x,
                               rtol=1e-10, atol=1e-12)
    assert model.n_iter_ == result.n_iter
    np.testing.assert_allclose(model.loss_history_, result.values, rtol=1e-12)
