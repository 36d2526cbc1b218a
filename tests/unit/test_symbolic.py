"""calcnotes.symbolic: shapes and conventions checked against hand-derived
results and against central differences (an independent, numeric oracle)."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.differences import central_difference
from calcnotes.symbolic import (
    _numerically_zero,
    _sample,
    derivative,
    gradient,
    hessian,
    is_equal,
    jacobian,
    to_numpy,
)

x, y, z = sp.symbols("x y z", real=True)


def test_derivative_known_results():
    # d/dx (e^x - ln x) = e^x - 1/x; d^2/dx^2 sin = -sin; 0th derivative = f.
    assert derivative(sp.exp(x) - sp.log(x), x) == sp.exp(x) - 1 / x
    assert derivative(sp.sin(x), x, n=2) == -sp.sin(x)
    assert derivative(x**3, x, n=0) == x**3
    assert derivative("x**3", sp.Symbol("x")) == 3 * sp.Symbol("x") ** 2


def test_derivative_matches_central_difference():
    sigmoid = 1 / (1 + sp.exp(-x))
    d = to_numpy(derivative(sigmoid, x), [x])
    points = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(d(points), central_difference(to_numpy(sigmoid, [x]), points), atol=1e-9)
    # and the textbook identity sigma' = sigma (1 - sigma)
    assert is_equal(derivative(sigmoid, x), sigmoid * (1 - sigmoid))


def test_gradient_is_a_column():
    g = gradient(x**2 * y + sp.sin(z), [x, y, z])
    assert g.shape == (3, 1)
    assert g == sp.Matrix([2 * x * y, x**2, sp.cos(z)])


def test_jacobian_numerator_layout():
    # polar -> cartesian; det J = r (standard result)
    r, t = sp.symbols("r t", positive=True)
    J = jacobian([r * sp.cos(t), r * sp.sin(t), r], [r, t])
    assert J.shape == (3, 2)
    assert sp.simplify(J[:2, :].det()) == r
    assert jacobian(x * y, [x, y]) == sp.Matrix([[y, x]])  # (1, n) = grad^T
    assert jacobian(sp.Matrix([x * y, x]), [x, y]).shape == (2, 2)


def test_hessian_is_jacobian_of_gradient_and_symmetric():
    f = x**3 * y + sp.exp(x * y)
    H = hessian(f, [x, y])
    assert H.shape == (2, 2)
    assert H == jacobian(gradient(f, [x, y]), [x, y])
    assert H == sp.hessian(f, [x, y])  # sympy's own, as oracle
    assert is_equal(H, H.T)


def test_to_numpy_call_conventions_and_shapes():
    f = to_numpy(x**2 + 3 * y, [x, y])
    assert f([2.0, 1.0]) == 7.0 and isinstance(f([2.0, 1.0]), float)
    assert f(2.0, 1.0) == 7.0
    np.testing.assert_array_equal(f(np.array([[1, 0], [2, 1]])), [1.0, 7.0])
    np.testing.assert_array_equal(f(np.array([1.0, 2.0]), 0.0), [1.0, 4.0])

    g = to_numpy(gradient(x**2 + 3 * y, [x, y]), [x, y])
    np.testing.assert_array_equal(g([2.0, 1.0]), [4.0, 3.0])  # (n,1) -> (n,)
    assert g(np.zeros((5, 2))).shape == (5, 2)  # constant entry broadcasts

    H = to_numpy(hessian(x**2 * y, [x, y]), [x, y])
    np.testing.assert_array_equal(H([1.0, 2.0]), [[4.0, 2.0], [2.0, 0.0]])
    assert H(np.ones((4, 2))).shape == (4, 2, 2)
    assert to_numpy(jacobian(x * y, [x, y]), [x, y])([1, 2]).shape == (1, 2)


def test_to_numpy_one_variable_is_elementwise_and_passes_complex():
    s = to_numpy(sp.sin(x), [x])
    np.testing.assert_allclose(s(np.array([0.0, np.pi / 2])), [0.0, 1.0])
    # complex input survives, so complex_step can use the result
    assert np.asarray(s(1.0 + 1e-20j)).imag == pytest.approx(np.cos(1.0) * 1e-20)
    assert to_numpy(sp.Integer(3), x)(1.0) == 3.0


def test_to_numpy_errors():
    f = to_numpy(x * y, [x, y])
    with pytest.raises(ValueError, match=r"expected the 2 variables \(x, y\) along the last axis, got shape \(3,\)"):
        f([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"expected 2 arguments \(x, y\) or one array of length 2, got 3"):
        f(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match=r"x must be numeric, got dtype <U1"):
        f("a", 1.0)
    with pytest.raises(ValueError, match=r"log\(x\) is not finite at \(x\) = \(0.0,\).*outside the domain"):
        to_numpy(sp.log(x), [x])(np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"not finite at \(x, y\) = \(0.0, 3.0\)"):
        to_numpy(gradient(sp.log(x) * y, [x, y]), [x, y])([[1.0, 2.0], [0.0, 3.0]])
    with pytest.raises(ValueError, match=r"symbols \{z\} that are not in variables.*expr.subs"):
        to_numpy(x + z, [x, y])


def test_variables_validation():
    with pytest.raises(TypeError, match=r"variables must be sympy Symbols, got str 'y'.*sympy.symbols"):
        gradient(x * y, [x, "y"])
    with pytest.raises(TypeError, match=r"variables must be a sympy Symbol or a list of them, got str"):
        gradient(x * y, "x")
    with pytest.raises(ValueError, match=r"repeated Symbol; list each once"):
        hessian(x * y, [x, x])
    with pytest.raises(ValueError, match=r"variables is empty"):
        gradient(x, [])
    with pytest.raises(TypeError, match=r"variables must be sympy Symbols, got Mul"):
        derivative(x * y, x * y)


def test_expression_validation():
    with pytest.raises(TypeError, match=r"expr must be a scalar expression, got \w*Matrix; .*use jacobian"):
        gradient(sp.Matrix([x, y]), [x, y])
    with pytest.raises(TypeError, match=r"each entry of exprs must be a scalar expression"):
        jacobian([sp.Matrix([x]), y], [x, y])
    with pytest.raises(ValueError, match=r"got a \(2, 2\) Matrix; flatten it"):
        jacobian(sp.eye(2), [x, y])
    with pytest.raises(ValueError, match=r"could not read expr='x\*\*' as a sympy expression.*sympy syntax"):
        derivative("x**", x)
    with pytest.raises(ValueError, match=r"n must be >= 0, got -1"):
        derivative(x, x, n=-1)


def test_is_equal_identities():
    # Standard identities (any calculus text): each needs simplify.
    assert is_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
    assert is_equal(derivative(sp.tanh(x), x), 1 - sp.tanh(x) ** 2)
    assert is_equal(sp.exp(sp.log(x + 2) * 2), (x + 2) ** 2) is True
    assert is_equal("x + 1", sp.Symbol("x") + 1)
    assert not is_equal(x**2, x**3)
    assert not is_equal(x + 1, x + 1 + sp.Rational(1, 10**12))  # exact, not approximate


def test_is_equal_respects_assumptions():
    # sqrt(x^2) = |x| for real x, = x only for x > 0.
    assert not is_equal(sp.sqrt(x**2), x)
    assert is_equal(sp.sqrt(x**2), sp.Abs(x))
    p = sp.Symbol("p", positive=True)
    assert is_equal(sp.sqrt(p**2), p)


def test_is_equal_matrices():
    assert is_equal(sp.Matrix([x, 1]), sp.Matrix([x, sp.sin(y) ** 2 + sp.cos(y) ** 2]))
    assert not is_equal(sp.Matrix([x, 1]), sp.Matrix([[x, 1]]))  # shapes differ
    assert not is_equal(sp.Matrix([x]), x)


def test_numerically_zero_fallback():
    rng = np.random.default_rng(0)
    assert _numerically_zero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, rng) is True
    assert _numerically_zero(x - 1, rng) is False
    assert _numerically_zero(sp.log(-x - 1) * sp.zoo, rng) is None
    # |x| - x vanishes only for x >= 0: sampling must cover both signs.
    assert _numerically_zero(sp.Abs(x) - x, rng) is False


def test_sample_respects_sign_assumptions():
    rng = np.random.default_rng(0)
    p, n = sp.Symbol("p", positive=True), sp.Symbol("n", nonpositive=True)
    assert all(0 < _sample(p, rng) <= 2 for _ in range(20))
    assert all(-2 <= _sample(n, rng) < 0 for _ in range(20))
    assert {np.sign(_sample(x, rng)) for _ in range(20)} == {-1.0, 1.0}


def test_is_equal_undecidable_raises(monkeypatch):
    # Force every symbolic method to give up, leaving the numeric fallback.
    monkeypatch.setattr(sp, "simplify", lambda e: e)
    monkeypatch.setattr(sp.Expr, "equals", lambda self, other: None)
    assert is_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
    with pytest.raises(ValueError, match=r"cannot decide whether .*positive=True"):
        is_equal(sp.zoo * x, x)
