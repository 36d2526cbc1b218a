"""Behaviour of calcnotes.symbolic that the mutation run found unpinned: is_equal's documented order of
methods and its scale-aware numeric refutation, the sampling of its numeric fallback, and to_numpy's
broadcasting and silence on points outside the domain.

Expected values come from standard identities (sin^2 + cos^2 = 1, (x^2 - 1)/(x - 1) = x + 1), from the
docstrings (is_equal: "expand/cancel (cheap), a numeric refutation, simplify, equals, 8 seeded random points
in [-2, 2] that respect each symbol's sign assumptions"; _numerically_nonzero: "3 random points";
to_numpy: "the batch shape for many", "non-finite output raises ValueError"), worked out by hand.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp

from calcnotes.symbolic import _numerically_nonzero, _numerically_zero, _sample, is_equal, jacobian, to_numpy


class _CountingRng:
    """A seeded generator that counts the points drawn."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.draws = 0

    def uniform(self, low, high):
        self.draws += 1
        return self.rng.uniform(low, high)


def _no_simplify(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simplify was called")

    monkeypatch.setattr(sp, "simplify", refuse)


def test_identity_at_a_large_scale_is_not_refuted_by_rounding():
    # 1e10 (sin^2 x + cos^2 x) = 1e10: evaluated in floating point the difference is of order 1e10 * 1e-16,
    # far above 1e-8 but rounding for numbers of size 1e10; the refutation must allow for the scale.
    x, y = sp.symbols("x y", real=True)
    big = sp.Integer(10**10)
    assert is_equal(big * (sp.sin(x) ** 2 + sp.cos(x) ** 2), big)
    # the same with two symbols, so that they must be sorted (by name) to be sampled
    assert is_equal(big * (sp.sin(x + y) ** 2 + sp.cos(x + y) ** 2), big)


def test_identity_at_a_large_scale_with_a_symbol_that_cancels():
    # y cancels in a - b but not in a or b: the size of a and b must still be measured (it is 1e10)
    x, y = sp.symbols("x y", real=True)
    big = sp.Integer(10**10)
    assert is_equal(big * (sp.sin(x) ** 2 + sp.cos(x) ** 2) + y, big + y)


def test_clearly_different_expressions_are_refuted_without_simplify(monkeypatch):
    # docstring: a clearly non-zero value of a - b at a random point means unequal, so simplify is skipped
    _no_simplify(monkeypatch)
    x, y = sp.symbols("x y", real=True)
    assert is_equal(sp.sin(x), sp.cos(x)) is False
    assert is_equal(x * y, x + y) is False


def test_expand_and_cancel_decide_without_simplify(monkeypatch):
    # cheap methods first: (x + 1)^2 - (x^2 + 2x + 1) expands to 0; (x^2 - 1)/(x - 1) - (x + 1) cancels to 0
    _no_simplify(monkeypatch)
    x = sp.Symbol("x", real=True)
    assert is_equal((x + 1) ** 2, x**2 + 2 * x + 1) is True
    assert is_equal((x**2 - 1) / (x - 1), x + 1) is True


def test_simplify_decides_before_equals(monkeypatch):
    def refuse(self, other):
        raise AssertionError("equals was called")

    monkeypatch.setattr(sp.Expr, "equals", refuse)
    x = sp.Symbol("x", real=True)
    assert is_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1) is True


def test_equals_decides_when_simplify_cannot(monkeypatch):
    # with simplify giving up, sympy's (a - b).equals(0) proves sin^2 + cos^2 - 1 = 0
    monkeypatch.setattr(sp, "simplify", lambda e: e)
    x = sp.Symbol("x", real=True)
    assert is_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1) is True


def test_unreadable_sides_are_named():
    x = sp.Symbol("x")
    with pytest.raises(ValueError, match=r"\ba="):
        is_equal("x**", x)
    with pytest.raises(ValueError, match=r"\bb="):
        is_equal(x, "x**")
    with pytest.raises(ValueError, match="exprs"):
        jacobian(["x**", x], [x])


def test_numerically_zero_uses_8_points():
    x = sp.Symbol("x", real=True)
    rng = _CountingRng(0)
    assert _numerically_zero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, rng) is True
    assert rng.draws == 8


def test_numerically_zero_with_two_symbols():
    # a point is drawn for each symbol: 2 symbols x 8 points
    x, y = sp.symbols("x y", real=True)
    rng = _CountingRng(0)
    assert _numerically_zero(sp.sin(x + y) - sp.sin(x) * sp.cos(y) - sp.cos(x) * sp.sin(y), rng) is True
    assert rng.draws == 16
    assert _numerically_zero(x - y, np.random.default_rng(0)) is False


def test_numerically_nonzero_uses_3_points():
    # an identity is never "clearly non-zero", so all 3 points are drawn
    x = sp.Symbol("x", real=True)
    rng = _CountingRng(1)
    assert _numerically_nonzero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, rng, 1.0) is False
    assert rng.draws == 3


def test_sample_covers_each_documented_range():
    # positive / nonnegative: [0.1, 2); negative / nonpositive: [-2, -0.1]; no assumption: [-2, 2]
    rng = np.random.default_rng(0)
    for name, sign in [("positive", 1), ("nonnegative", 1), ("negative", -1), ("nonpositive", -1)]:
        s = sp.Symbol("s", **{name: True})
        values = np.array([_sample(s, rng) for _ in range(400)])
        magnitude = sign * values
        assert magnitude.min() >= 0.1 and magnitude.max() <= 2.0, name
        assert magnitude.min() < 0.2 and magnitude.max() > 1.9, name  # spread over the whole range
    free = np.array([_sample(sp.Symbol("t", real=True), rng) for _ in range(400)])
    assert free.min() >= -2.0 and free.max() <= 2.0
    assert free.min() < -1.9 and free.max() > 1.9


def test_to_numpy_constant_entries_broadcast_to_the_batch():
    # a constant expression evaluated at 4 points gives 4 values; a gradient with only constant entries
    # (of 3x + 2y) gives one (3, 2) row per point
    x, y = sp.symbols("x y", real=True)
    np.testing.assert_array_equal(to_numpy(sp.Integer(3), [x])(np.zeros(4)), [3.0, 3.0, 3.0, 3.0])
    g = to_numpy(sp.Matrix([3, 2]), [x, y])
    np.testing.assert_array_equal(g(np.zeros((5, 2))), np.tile([3.0, 2.0], (5, 1)))


def test_to_numpy_outside_the_domain_raises_without_a_warning():
    # log(0) and 1/0 would warn in numpy; to_numpy raises ValueError instead, and nothing else
    x = sp.Symbol("x", real=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            to_numpy(sp.log(x), [x])(0.0)
        with pytest.raises(ValueError):
            to_numpy(1 / x, [x])(np.array([1.0, 0.0]))


def test_sides_differing_by_a_constant_are_unequal():
    # x + 1 - x is the constant 1, not 0
    x = sp.Symbol("x", real=True)
    assert is_equal(x + 1, x) is False


def test_a_small_constant_difference_is_refuted_numerically(monkeypatch):
    # 1.5e-8 against 0: numbers of size <= 1 whose difference is far above float rounding (1e-16),
    # so the numeric refutation decides, without simplify
    _no_simplify(monkeypatch)
    assert is_equal(sp.Float(1.5e-8), 0) is False
