"""Softmax regression: gradient vs finite differences and sympy, agreement
with scikit-learn's multinomial logistic regression, two-class reduction to
logistic regression, bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes._base import ConvergenceWarning
from calcnotes.losses import one_hot
from calcnotes.softmax_regression import (
    SoftmaxRegression,
    softmax_regression_gradient,
    softmax_regression_loss,
)

rng = np.random.default_rng(4)
centres = np.array([[0.0, 2.0], [2.0, 0.0], [-2.0, -2.0]])
y = np.repeat([0, 1, 2], 30)
X = centres[y] + rng.normal(scale=1.2, size=(90, 2))


def flat_fns(X, y, k, l2):
    d = X.shape[1]
    unpack = lambda t: (t[: d * k].reshape(d, k), t[d * k:])  # noqa: E731
    loss = lambda t: softmax_regression_loss(X, y, *unpack(t), l2)  # noqa: E731
    grad = lambda t: np.concatenate(  # noqa: E731
        [g.ravel() for g in softmax_regression_gradient(X, y, *unpack(t), l2)])
    return loss, grad


def numerical_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_gradient_against_finite_differences(l2):
    loss, grad = flat_fns(X, y, 3, l2)
    theta = rng.normal(size=9)
    np.testing.assert_allclose(grad(theta), numerical_gradient(loss, theta),
                               rtol=1e-6, atol=1e-9)


def test_gradient_against_sympy():
    # sympy differentiates the loss of one sample (features x0, x1, one-hot
    # target t0..t2); the oracle is the mean of those derivatives over rows
    Ws = sp.Matrix(2, 3, sp.symbols("w0:6"))
    bs = sp.Matrix(1, 3, sp.symbols("b0:3"))
    xs, ts = sp.symbols("x0:2"), sp.symbols("t0:3")
    z = sp.Matrix([xs]) * Ws + bs
    logsum = sp.log(sum(sp.exp(zj) for zj in z))
    ell = -sum(ts[j] * (z[j] - logsum) for j in range(3))
    ell += 0.05 * sum(w**2 for w in Ws)  # l2 = 0.1
    W0, b0 = rng.normal(size=(2, 3)), rng.normal(size=3)
    symbols = [*Ws, *bs, *xs, *ts]
    T = one_hot(y, 3)

    def mean_over_samples(expr):
        f = sp.lambdify(symbols, expr, "numpy")
        return np.mean(f(*W0.ravel(), *b0, X[:, 0], X[:, 1], *T.T) + 0 * y)

    g = [mean_over_samples(sp.diff(ell, s)) for s in [*Ws, *bs]]
    dW, db = softmax_regression_gradient(X, y, W0, b0, 0.1)
    np.testing.assert_allclose(np.append(dW.ravel(), db), g, rtol=1e-12,
                               atol=1e-15)
    assert softmax_regression_loss(X, y, W0, b0, 0.1) == pytest.approx(
        mean_over_samples(ell), rel=1e-13)


@given(st.integers(1, 12), st.integers(1, 3), st.integers(2, 4),
       st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_gradient_on_random_shapes(n, d, k, seed):
    r = np.random.default_rng(seed)
    Xr, yr = r.normal(size=(n, d)), r.integers(0, k, n)
    loss, grad = flat_fns(Xr, one_hot(yr, k), k, 0.2)
    theta = r.normal(size=d * k + k)
    np.testing.assert_allclose(grad(theta), numerical_gradient(loss, theta),
                               rtol=1e-5, atol=1e-8)


def test_labels_and_one_hot_give_the_same_loss():
    W, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    assert softmax_regression_loss(X, y, W, b) == pytest.approx(
        softmax_regression_loss(X, one_hot(y), W, b))
    assert np.isfinite(softmax_regression_loss(X, y, 1e4 * W, b))


def test_matches_scikit_learn_multinomial():
    sklearn = pytest.importorskip("sklearn.linear_model")
    l2 = 0.05
    ours = SoftmaxRegression(l2=l2, max_iter=5000, tol=1e-10).fit(X, y)
    assert ours.n_iter_ < 5000
    ref = sklearn.LogisticRegression(C=1 / (len(y) * l2), tol=1e-12,
                                     max_iter=2000).fit(X, y)
    # sklearn's multinomial parameters are defined up to a shift of all
    # columns; the penalty fixes W, the intercepts are compared centred
    np.testing.assert_allclose(ours.coef_, ref.coef_.T, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_ - ours.intercept_.mean(),
                               ref.intercept_ - ref.intercept_.mean(), atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X),
                               atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    # backtracking: the loss never rises by more than rounding (1e-12 of it)
    assert np.all(np.diff(ours.loss_history_) <= 1e-12 * ours.loss_history_[1:])


def test_learns_the_three_clusters():
    model = SoftmaxRegression(l2=0.05).fit(X, y)
    assert np.mean(model.predict(X) == y) > 0.85
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    assert model.predict_proba(X).shape == (90, 3)
    assert repr(model) == "SoftmaxRegression(l2=0.05)"


def test_warns_when_not_converged():
    with pytest.warns(ConvergenceWarning, match="increase max_iter"):
        SoftmaxRegression(max_iter=3).fit(X, y)


def test_bad_inputs():
    W, b = np.zeros((2, 3)), np.zeros(3)
    with pytest.raises(ValueError, match=r"integer class labels 0\.\.2, got 3\.0"):
        softmax_regression_loss(X, y + 1, W, b)
    with pytest.raises(ValueError, match="W has 3 rows but X has 2 features"):
        softmax_regression_gradient(X, y, np.zeros((3, 3)), b)
    with pytest.raises(ValueError, match=r"b must have shape \(3,\)"):
        softmax_regression_gradient(X, y, W, np.zeros(2))
    with pytest.raises(ValueError, match="X has 90 rows but Y has 89"):
        softmax_regression_loss(X, y[:-1], W, b)
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        softmax_regression_loss(X, y, W, b, l2=-0.1)
    with pytest.raises(ValueError, match=r"only one class \(0\)"):
        SoftmaxRegression().fit(X, 0 * y)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        SoftmaxRegression(learning_rate=-0.5).fit(X, y)
    # labels go through classes_: -1, 0, 1 is the same model as 0, 1, 2
    shifted = SoftmaxRegression(max_iter=50).fit(X, y - 1)
    np.testing.assert_array_equal(shifted.classes_, [-1, 0, 1])
    np.testing.assert_array_equal(shifted.predict(X) + 1, SoftmaxRegression(max_iter=50).fit(X, y).predict(X))


def test_lbfgs_solver_reaches_the_same_minimum():
    # the same loss, two optimisers: gradient descent (tol 1e-10) and L-BFGS
    l2 = 0.05
    gd = SoftmaxRegression(l2=l2, max_iter=5000, tol=1e-10).fit(X, y)
    qn = SoftmaxRegression(solver="lbfgs", l2=l2, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(qn.coef_, gd.coef_, atol=1e-8)
    np.testing.assert_allclose(qn.intercept_ - qn.intercept_.mean(),
                               gd.intercept_ - gd.intercept_.mean(), atol=1e-8)
    assert qn.n_iter_ < gd.n_iter_ / 5 and qn.loss_history_.shape == (qn.n_iter_ + 1,)
    with pytest.raises(ValueError, match="solver must be one of 'gd', 'lbfgs'"):
        SoftmaxRegression(solver="newton").fit(X, y)


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_hessian_against_numeric_hessian(l2):
    from calcnotes.numeric import numeric_hessian
    from calcnotes.softmax_regression import softmax_regression_hessian

    loss, grad = flat_fns(X, y, 3, l2)
    theta = rng.normal(size=9) * 0.5
    H = softmax_regression_hessian(X, y, theta[:6].reshape(2, 3), theta[6:], l2)
    assert H.shape == (9, 9)
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    np.testing.assert_allclose(H, numeric_hessian(loss, theta), rtol=1e-4, atol=1e-6)
    H_fd = np.column_stack([(grad(theta + 1e-6 * e) - grad(theta - 1e-6 * e)) / 2e-6
                            for e in np.eye(9)])
    np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-9)
    # adding one vector to every class column changes nothing: a null direction
    shift = np.zeros((3, 3))
    shift[:, :] = rng.normal(size=(3, 1))
    null = shift.ravel()
    if l2 == 0:
        np.testing.assert_allclose(H @ null, 0.0, atol=1e-12)


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_fit_is_the_package_optimiser_on_the_public_functions(solver):
    from calcnotes.gradient_descent import gradient_descent
    from calcnotes.lbfgs import lbfgs

    loss, grad = flat_fns(X, y, 3, 0.05)
    model = SoftmaxRegression(solver=solver, l2=0.05, max_iter=60, tol=1e-8)
    with pytest.warns(ConvergenceWarning) if solver == "gd" else _no_warning():
        model.fit(X, y)
    if solver == "gd":
        result = gradient_descent(grad, np.zeros(9), 0.5, max_iter=60, tol=1e-8, f=loss,
                                  line_search="backtracking")
    else:
        result = lbfgs(lambda t: (loss(t), grad(t)), np.zeros(9), max_iter=60, tol=1e-8)
    np.testing.assert_allclose(np.append(model.coef_.ravel(), model.intercept_), result.x,
                               rtol=1e-9, atol=1e-12)
    assert model.n_iter_ == result.n_iter
    np.testing.assert_allclose(model.loss_history_, result.values, rtol=1e-12)


def _no_warning():
    import contextlib
    return contextlib.nullcontext()
