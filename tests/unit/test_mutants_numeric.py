"""Behaviour of calcnotes.numeric that the mutation run found unpinned.

With an explicit step h = 0.5 (exact in binary) the central differences of
cubics and quartics are worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from calcnotes.numeric import numeric_gradient, numeric_hessian, numeric_jacobian


def test_explicit_step_gives_the_central_difference_formula():
    # d/dt t^3 by ((t + h)^3 - (t - h)^3) / 2h = 3t^2 + h^2: 3.25 at t = 1, 12.25 at t = 2
    f = lambda x: np.array([x[0] ** 3, x[0] * x[1] ** 3])  # noqa: E731
    np.testing.assert_array_equal(numeric_jacobian(f, [1.0, 2.0], h=0.5), [[3.25, 0.0], [8.0, 12.25]])
    np.testing.assert_array_equal(numeric_gradient(lambda x: x[0] ** 3 + x[1] ** 3, [1.0, 2.0], h=0.5), [3.25, 12.25])


def test_explicit_step_hessian_is_the_documented_formula():
    # H_ii = (f(x + 2h e_i) - 2 f(x) + f(x - 2h e_i)) / 4h^2 (the formula with i = j):
    # for x0^4 at x0 = 1, h = 0.5: (2^4 - 2 + 0^4) / 1 = 14; x0 x1 gives H_01 = 1 exactly
    H = numeric_hessian(lambda x: x[0] ** 4 + x[0] * x[1], [1.0, 2.0], h=0.5)
    np.testing.assert_array_equal(H, [[14.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("method", [numeric_jacobian, numeric_hessian])
def test_x_must_be_a_vector(method):
    with pytest.raises(ValueError, match="0-D or 1-D"):
        method(lambda x: np.sum(x), np.ones((2, 2)))


def test_gradient_takes_any_shape():
    # the gradient of sum(W^2) is 2W, exact for a quadratic at any step
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_array_equal(numeric_gradient(lambda w: np.sum(w**2), W, h=0.5), 2 * W)


@pytest.mark.parametrize(
    ("method", "f"),
    [(numeric_jacobian, np.log), (numeric_gradient, lambda x: np.log(x).sum()),
     (numeric_hessian, lambda x: np.log(x).sum())],
)
def test_an_explicit_step_outside_the_domain_raises(method, f):
    # x - h = -0.5 in the first coordinate: log is NaN there
    with pytest.raises(ValueError, match="not finite"):
        method(f, [0.5, 1.0], h=1.0)
