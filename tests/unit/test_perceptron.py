"""Perceptron: criterion and gradient vs finite differences and sympy,
zero mistakes on separable data, seeded reproducibility, bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes._base import ConvergenceWarning
from calcnotes.perceptron import (
    MulticlassPerceptron,
    Perceptron,
    multiclass_perceptron_criterion,
    multiclass_perceptron_criterion_gradient,
    perceptron_criterion,
    perceptron_criterion_gradient,
)

rng = np.random.default_rng(3)


def separable_binary(n=80, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 2))
    margin = X @ [1.0, -1.0] + 0.2
    keep = np.abs(margin) > 0.3
    return X[keep], (margin[keep] > 0).astype(int)


def numerical_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def test_criterion_is_the_sum_over_mistakes_of_abs_z():
    X = rng.normal(size=(30, 3))
    y = rng.integers(0, 2, 30)
    w, b = rng.normal(size=3), 0.1
    z = X @ w + b
    wrong = (z >= 0) != y
    assert perceptron_criterion(X, y, w, b) == pytest.approx(np.abs(z[wrong]).sum())
    # the notes' all-points version sum (1 - 2y) z is a different function
    assert perceptron_criterion(X, y, w, b) != pytest.approx(np.sum((1 - 2 * y) * z))


def test_gradient_against_finite_differences_and_sympy():
    X = rng.normal(size=(20, 2))
    y = rng.integers(0, 2, 20)
    theta = np.array([0.8, -0.3, 0.05])  # no z_i within 1e-6 of 0 here
    assert np.abs(X @ theta[:2] + theta[2]).min() > 1e-4
    dw, db = perceptron_criterion_gradient(X, y, theta[:2], theta[2])
    fd = numerical_gradient(lambda t: perceptron_criterion(X, y, t[:2], t[2]), theta)
    np.testing.assert_allclose(np.append(dw, db), fd, rtol=1e-6, atol=1e-8)
    # sympy: L as a sum over the current mistakes, differentiated
    w0, w1, b = sp.symbols("w0 w1 b")
    z = X[:, 0] * w0 + X[:, 1] * w1 + b
    h = (X @ theta[:2] + theta[2] >= 0).astype(int)
    L = sum((int(h[i]) - int(y[i])) * z[i] for i in range(20))
    np.testing.assert_allclose(
        np.append(dw, db), [float(sp.diff(L, v)) for v in (w0, w1, b)], rtol=1e-12)


def test_multiclass_gradient_against_finite_differences():
    X = rng.normal(size=(25, 3))
    y = rng.integers(0, 4, 25)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    dW, db = multiclass_perceptron_criterion_gradient(X, y, W, b)
    theta = np.append(W.ravel(), b)
    fd = numerical_gradient(
        lambda t: multiclass_perceptron_criterion(X, y, t[:12].reshape(3, 4), t[12:]),
        theta)
    np.testing.assert_allclose(np.append(dW.ravel(), db), fd, rtol=1e-6, atol=1e-8)
    assert multiclass_perceptron_criterion(X, y, W, b) >= 0


@given(st.integers(2, 20), st.integers(1, 4), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_gradient_on_random_shapes(n, d, seed):
    r = np.random.default_rng(seed)
    X, y = r.normal(size=(n, d)), r.integers(0, 2, n)
    theta = r.normal(size=d + 1)
    if np.abs(X @ theta[:d] + theta[d]).min() < 1e-4:
        return  # too close to a kink for finite differences
    dw, db = perceptron_criterion_gradient(X, y, theta[:d], theta[d])
    fd = numerical_gradient(lambda t: perceptron_criterion(X, y, t[:d], t[d]), theta)
    np.testing.assert_allclose(np.append(dw, db), fd, rtol=1e-6, atol=1e-7)


def test_separable_data_gives_zero_mistakes():
    X, y = separable_binary()
    model = Perceptron().fit(X, y)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.mistakes_history_[-1] == 0
    assert model.mistakes_history_.shape == (model.n_iter_,)
    assert perceptron_criterion(X, y, model.coef_, model.intercept_) == 0


def test_seeded_shuffling_is_reproducible():
    X, y = separable_binary(seed=1)
    a = Perceptron(random_state=7).fit(X, y)
    b = Perceptron(random_state=7).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    unshuffled = Perceptron(shuffle=False).fit(X, y)
    np.testing.assert_array_equal(unshuffled.predict(X), y)
    assert repr(a) == "Perceptron(random_state=7)"


def test_multiclass_separable_gives_zero_mistakes():
    centres = np.array([[0.0, 5.0], [5.0, 0.0], [-5.0, -5.0]])
    y = np.repeat([0, 1, 2], 20)
    X = centres[y] + rng.normal(scale=0.7, size=(60, 2))
    model = MulticlassPerceptron().fit(X, y)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.mistakes_history_[-1] == 0
    assert model.coef_.shape == (2, 3) and model.intercept_.shape == (3,)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    assert multiclass_perceptron_criterion(X, y, model.coef_, model.intercept_) == 0


def test_non_separable_data_warns():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.warns(ConvergenceWarning, match="not linearly separable"):
        Perceptron(max_iter=20).fit(X, [0, 1, 0, 1])
    with pytest.warns(ConvergenceWarning, match="not linearly separable"):
        MulticlassPerceptron(max_iter=20).fit(X, [0, 1, 0, 1])


def test_bad_inputs():
    X, y = separable_binary()
    # any two labels work (classes_); three do not
    signed = Perceptron().fit(X, 2 * y - 1)
    np.testing.assert_array_equal(signed.predict(X), 2 * Perceptron().fit(X, y).predict(X) - 1)
    with pytest.raises(ValueError, match=r"binary classifier but y has 3 classes.*MulticlassPerceptron"):
        Perceptron().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        Perceptron(learning_rate=0).fit(X, y)
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        MulticlassPerceptron(max_iter=0).fit(X, y)
    with pytest.raises(ValueError, match=r"Unknown label type: continuous.*regressor"):
        MulticlassPerceptron().fit(X, y + 0.5)
    with pytest.raises(ValueError, match=r"only one class \(0\).*at least two classes"):
        MulticlassPerceptron().fit(X, 0 * y)
    with pytest.raises(TypeError, match=r"shuffle must be True or False"):
        Perceptron(shuffle="yes").fit(X, y)
    with pytest.raises(ValueError, match=r"random_state must be a non-negative int seed"):
        Perceptron(random_state=-1).fit(X, y)
    with pytest.raises(ValueError, match="W has 3 rows but X has 2 features"):
        multiclass_perceptron_criterion(X, y, np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        multiclass_perceptron_criterion_gradient(X, y, np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"labels 0\.\.1, got 2\.0"):
        multiclass_perceptron_criterion(X, y + 1, np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 2 features"):
        Perceptron().fit(X, y).predict(np.zeros((1, 3)))
