"""Losses: every gradient against central differences and sympy, the
_with_logits forms against the naive ones, extremes, and bad input."""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from calcnotes.activations import sigmoid, softmax
from calcnotes.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_gradient,
    categorical_cross_entropy,
    categorical_cross_entropy_gradient,
    cross_entropy_with_logits,
    cross_entropy_with_logits_gradient,
    mse,
    mse_gradient,
    one_hot,
)

rng = np.random.default_rng(0)


def numerical_gradient(f, x, h=1e-6):
    """Central differences of the scalar f at every entry of x."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def test_mse_and_gradient():
    y, y_pred = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    assert mse(y, y_pred) == pytest.approx(np.mean((y_pred - y) ** 2))
    np.testing.assert_allclose(
        mse_gradient(y, y_pred),
        numerical_gradient(lambda p: mse(y, p), y_pred), rtol=1e-7, atol=1e-10)


def test_bce_gradient_against_finite_differences_and_sympy():
    y = np.array([1.0, 0.0, 1.0, 0.3])
    p = np.array([0.9, 0.2, 0.4, 0.6])
    g = binary_cross_entropy_gradient(y, p)
    np.testing.assert_allclose(
        g, numerical_gradient(lambda q: binary_cross_entropy(y, q), p), rtol=1e-7)
    ys, ps = sp.symbols("y p")
    dL = sp.diff(-(ys * sp.log(ps) + (1 - ys) * sp.log(1 - ps)), ps)
    expected = [float(dL.subs({ys: a, ps: b})) / 4 for a, b in zip(y, p, strict=True)]
    np.testing.assert_allclose(g, expected, rtol=1e-13)


def test_bce_with_logits_equals_bce_of_sigmoid_and_sympy_gradient():
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.5])
    z = np.array([2.0, -1.0, -3.0, 0.5, 0.0])
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(
        binary_cross_entropy(y, sigmoid(z)), rel=1e-14)
    g = binary_cross_entropy_with_logits_gradient(y, z)
    np.testing.assert_allclose(
        g, numerical_gradient(lambda v: binary_cross_entropy_with_logits(y, v), z),
        rtol=1e-7)
    ys, zs = sp.symbols("y z")
    s = 1 / (1 + sp.exp(-zs))
    dL = sp.simplify(sp.diff(-(ys * sp.log(s) + (1 - ys) * sp.log(1 - s)), zs))
    assert sp.simplify(dL - (s - ys)) == 0  # the sigma' cancels


def test_categorical_cross_entropy_labels_and_one_hot_agree():
    Z = rng.normal(size=(6, 4))
    y = np.array([0, 3, 1, 1, 2, 0])
    P = softmax(Z)
    expected = -np.mean(np.log(P[np.arange(6), y]))
    assert categorical_cross_entropy(y, P) == pytest.approx(expected)
    assert categorical_cross_entropy(one_hot(y, 4), P) == pytest.approx(expected)
    assert cross_entropy_with_logits(y, Z) == pytest.approx(expected, rel=1e-14)
    G = categorical_cross_entropy_gradient(y, P)
    np.testing.assert_allclose(
        G, numerical_gradient(lambda Q: categorical_cross_entropy(y, Q), P),
        rtol=1e-6, atol=1e-9)


def test_cross_entropy_with_logits_gradient_against_fd_and_sympy():
    Z = rng.normal(size=(3, 4))
    y = np.array([2, 0, 3])
    G = cross_entropy_with_logits_gradient(y, Z)
    np.testing.assert_allclose(
        G, numerical_gradient(lambda V: cross_entropy_with_logits(y, V), Z),
        rtol=1e-6, atol=1e-10)
    zs = sp.symbols("z0:4")
    L = -sp.log(sp.exp(zs[2]) / sum(sp.exp(z) for z in zs))
    row = [float(sp.diff(L, z).subs(dict(zip(zs, Z[0], strict=True)))) / 3 for z in zs]
    np.testing.assert_allclose(G[0], row, rtol=1e-12)


def test_extremes_are_finite_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = np.array([1.0, 0.0, 1.0, 0.0])
        p = np.array([0.0, 1.0, 1.0, 0.0])
        assert np.isfinite(binary_cross_entropy(y, p))
        assert binary_cross_entropy(y, p) == pytest.approx(-np.log(1e-15) / 2, rel=1e-4)
        assert np.all(np.isfinite(binary_cross_entropy_gradient(y, p)))
        z = np.array([-1e4, 1e4, 1e4, -1e4])
        assert binary_cross_entropy_with_logits(y, z) == pytest.approx(5000.0)
        np.testing.assert_allclose(
            binary_cross_entropy_with_logits_gradient(y, z), [-0.25, 0.25, 0, 0])
        Z = np.array([[1e4, -1e4], [-1e4, 1e4]])
        assert cross_entropy_with_logits([1, 1], Z) == pytest.approx(1e4)
        np.testing.assert_allclose(
            cross_entropy_with_logits_gradient([1, 1], Z), [[0.5, -0.5], [0, 0]])
        assert np.isfinite(categorical_cross_entropy([1, 0], [[1.0, 0.0]] * 2))


@given(st.integers(1, 6), st.integers(2, 5), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_gradients_on_random_shapes(n, k, seed):
    r = np.random.default_rng(seed)
    Z = r.normal(scale=3, size=(n, k))
    y = r.integers(0, k, size=n)
    np.testing.assert_allclose(
        cross_entropy_with_logits_gradient(y, Z),
        numerical_gradient(lambda V: cross_entropy_with_logits(y, V), Z),
        rtol=1e-5, atol=1e-8)
    yb = r.integers(0, 2, size=(n, k)).astype(float)
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits_gradient(yb, Z),
        numerical_gradient(lambda V: binary_cross_entropy_with_logits(yb, V), Z),
        rtol=1e-5, atol=1e-8)


@given(arrays(np.float64, st.integers(1, 10),
              elements=st.floats(-1e4, 1e4, allow_nan=False)),
       st.integers(0, 2**32 - 1))
@settings(max_examples=50, deadline=None)
def test_losses_finite_for_any_logits(z, seed):
    y = np.random.default_rng(seed).integers(0, 2, size=z.size).astype(float)
    assert 0 <= binary_cross_entropy_with_logits(y, z) < np.inf
    assert 0 <= binary_cross_entropy(y, sigmoid(z)) < 40
    Z = np.column_stack([z, -z, 0 * z])
    assert 0 <= cross_entropy_with_logits(y.astype(int), Z) < np.inf
    assert np.all(np.isfinite(cross_entropy_with_logits_gradient(y.astype(int), Z)))


def test_one_hot():
    np.testing.assert_array_equal(one_hot([1, 0], n_classes=3),
                                  [[0, 1, 0], [1, 0, 0]])


# --- bad input ------------------------------------------------------------


def test_bad_inputs_name_problem_and_fix():
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(3, 1\)"
                       r".*reshape"):
        mse([1, 2, 3], [[1], [2], [3]])
    with pytest.raises(ValueError, match="p must hold probabilities in"
                       r" \[0, 1\], got 1.5.*_with_logits"):
        binary_cross_entropy([1, 0], [1.5, 0.2])
    with pytest.raises(ValueError, match=r"y must hold labels.*encode"):
        binary_cross_entropy_with_logits([2, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN at index 0"):
        binary_cross_entropy_gradient([1.0], [np.nan])
    with pytest.raises(ValueError, match=r"eps must be < 0\.5"):
        binary_cross_entropy([1], [0.5], eps=0.7)
    with pytest.raises(ValueError, match="eps must be > 0"):
        categorical_cross_entropy([0], [[1.0, 0.0]], eps=0)
    with pytest.raises(ValueError, match=r"labels 0\.\.1, got 2\.0.*np\.unique"):
        cross_entropy_with_logits([0, 2], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"labels 0\.\.1, got 0\.5"):
        cross_entropy_with_logits([0, 0.5], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"Y has 3 columns.*one-hot targets"):
        cross_entropy_with_logits_gradient(np.eye(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"row 0 of Y sums to 2\.0.*one_hot"):
        categorical_cross_entropy([[1.0, 1.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="Y has 1 samples but Z has 2"):
        cross_entropy_with_logits([0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="P must hold probabilities"):
        categorical_cross_entropy_gradient([0], [[-0.1, 1.1]])
    with pytest.raises(ValueError, match="must be 2-D"):
        categorical_cross_entropy([0], [0.5, 0.5])
    with pytest.raises(ValueError, match="is empty"):
        mse_gradient([], [])
