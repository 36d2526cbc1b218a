"""critical_points, second_derivative_test, classify_critical_points.

Expected kinds are the textbook cases (e.g. Stewart, Calculus, 14.7):
x^2+y^2 minimum, -x^2-y^2 maximum, x^2-y^2 saddle, x^4+y^4 inconclusive at
the origin (zero Hessian), checked against numpy's eigenvalues."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.critical_points import (
    _real_value,
    _sign,
    classify_critical_points,
    critical_points,
    second_derivative_test,
)
from calcnotes.symbolic import gradient, hessian

x, y, z = sp.symbols("x y z", real=True)
ORIGIN = {x: 0, y: 0}


@pytest.mark.parametrize(
    ("expr", "kind"),
    [(x**2 + y**2, "minimum"), (-(x**2) - y**2, "maximum"),
     (x**2 - y**2, "saddle"), (x**4 + y**4, "inconclusive")],
)
def test_textbook_cases_at_the_origin(expr, kind):
    assert classify_critical_points(expr, [x, y]) == [(ORIGIN, kind)]
    # the same verdict from the float Hessian (the numeric path)
    H = np.array(hessian(expr, [x, y]).subs(ORIGIN), dtype=float)
    assert second_derivative_test(H) == kind


def test_saddle_wins_over_zero_eigenvalue():
    # eigenvalues 1, -1, 0: opposite signs decide "saddle" despite the zero
    assert second_derivative_test(np.diag([1.0, -1.0, 0.0])) == "saddle"
    assert second_derivative_test(sp.diag(1, -1, 0)) == "saddle"
    assert second_derivative_test(np.diag([2.0, 0.0])) == "inconclusive"


def test_numeric_zero_tolerance():
    # round-off sized eigenvalues count as zero, relative to the largest
    assert second_derivative_test(np.diag([1.0, 1e-17])) == "inconclusive"
    assert second_derivative_test(np.diag([1.0, 1e-17]), tol=0) == "minimum"
    # a rotated diag(3, -1): eigenvalues via numpy are the oracle
    Q = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    H = Q @ np.diag([3.0, -1.0]) @ Q.T
    assert np.sign(np.linalg.eigvalsh(H)).tolist() == [-1.0, 1.0]
    assert second_derivative_test(H) == "saddle"


def test_exact_sympy_eigenvalues():
    # [[2, 1], [1, 2]] has eigenvalues 1 and 3; [[1, 2], [2, 1]] has -1, 3
    assert second_derivative_test(sp.Matrix([[2, 1], [1, 2]])) == "minimum"
    assert second_derivative_test(sp.Matrix([[1, 2], [2, 1]])) == "saddle"
    assert second_derivative_test(sp.Matrix([[sp.sqrt(2), 1], [1, sp.sqrt(2)]])) == "minimum"


def test_sign_helper_numeric_fallback():
    # a CRootOf eigenvalue: sympy may not decide its sign symbolically
    root = sp.CRootOf(x**5 - x - 1, 0)  # the real root, about 1.1673
    assert _sign(root, 1e-10, 1.0) == 1
    assert _sign(-1e-12, 1e-10, 1.0) == 0
    assert _sign(sp.Integer(-2), 1e-10, 1.0) == -1
    # sympy cannot decide the sign of cos(1)^2 + sin(1)^2 - 1: numeric zero
    assert _sign(sp.cos(1) ** 2 + sp.sin(1) ** 2 - 1, 1e-10, 1.0) == 0


def test_critical_points_of_a_cubic():
    # f = x^3 - 3x + y^2: grad = (3x^2 - 3, 2y) = 0 at (+-1, 0);
    # H = diag(6x, 2): saddle at x = -1, minimum at x = 1.
    f = x**3 - 3 * x + y**2
    points = critical_points(f, [x, y])
    assert points == [{x: -1, y: 0}, {x: 1, y: 0}]
    for p in points:
        assert gradient(f, [x, y]).subs(p) == sp.zeros(2, 1)
    assert [kind for _, kind in classify_critical_points(f, [x, y])] == ["saddle", "minimum"]


def test_one_variable_lambert_w():
    # e^x - ln x: critical point x e^x = 1, x = W(1); f'' > 0: minimum
    assert classify_critical_points(sp.exp(x) - sp.log(x), [x]) == [({x: sp.LambertW(1)}, "minimum")]


def test_complex_solutions_are_dropped():
    # f' = 3x^2 + 1 has roots +-i/sqrt(3) only
    assert critical_points(x**3 + x, [x]) == []
    # f' = x^3 + x = x (x^2 + 1): one real root of three
    assert critical_points(x**4 / 4 + x**2 / 2, [x]) == [{x: 0}]



def test_real_value_numeric_fallback():
    a = sp.Symbol("a")  # no assumptions: is_real is None
    assert _real_value(sp.Integer(2)) == 2.0
    assert _real_value(sp.I) is None
    assert _real_value(sp.CRootOf(a**3 - a - 1, 0)) == pytest.approx(1.324717957244746)
    assert _real_value(sp.CRootOf(a**3 - a - 1, 1)) is None


def test_cubic_with_three_real_roots_is_isolated_exactly():
    # f' = x**3 - 2x + 1/3 has three real roots; Cardano writes them with I
    # (casus irreducibilis), which used to crash the sorting. Oracle: numpy's
    # companion-matrix eigenvalues.
    points = critical_points(x**4 / 4 - x**2 + x / 3, [x])
    expected = sorted(np.roots([1.0, 0.0, -2.0, 1.0 / 3.0]).real)
    np.testing.assert_allclose([float(p[x]) for p in points], expected, rtol=1e-14)
    kinds = [kind for _, kind in classify_critical_points(x**4 / 4 - x**2 + x / 3, [x])]
    assert kinds == ["minimum", "maximum", "minimum"]   # a quartic with positive lead


def test_non_polynomial_f_raises_or_searches_an_interval():
    f = sp.cos(x) - x**2 / 2 + x**3              # f' = 3x^2 - x - sin x
    with pytest.raises(ValueError, match=r"cannot solve f'\(x\).*exactly.*interval=\(a, b\)"):
        critical_points(f, [x])
    found = critical_points(f, [x], interval=(-10, 10))
    values = [float(p[x]) for p in found]
    # f'(0) = 0 by hand; the other zero lies where 3x^2 - x = sin x in (0.5, 1)
    assert len(values) == 2 and abs(values[0]) < 1e-15
    assert 0.5 < values[1] < 1 and abs(3 * values[1] ** 2 - values[1] - np.sin(values[1])) < 1e-14
    assert [k for _, k in classify_critical_points(f, [x], interval=(-10, 10))] == ["maximum", "minimum"]
    # a double root: f' = (x - 1)**2 touches 0 at x = 1 without changing sign
    (touch,) = critical_points(sp.exp(x) * 0 + (x - 1) ** 3 / 3 + sp.sin(0 * x), [x], interval=(0, 2))
    assert abs(float(touch[x]) - 1) < 1e-6
    with pytest.raises(ValueError, match=r"interval must be two finite numbers with a < b"):
        critical_points(f, [x], interval=(2, -2))
    with pytest.raises(ValueError, match=r"interval searches numerically along one variable"):
        critical_points(f + y**2, [x, y], interval=(0, 1))


def test_stray_symbols_are_refused():
    with pytest.raises(ValueError, match=r"expr contains y, which is not in variables \[x\]; add y"):
        classify_critical_points(x**2 + y**2, [x])
    with pytest.raises(ValueError, match=r"expr contains y, z, which are not in variables"):
        critical_points(x**2 + y * z, [x])


def test_no_solution_is_proved_or_reported():
    assert critical_points(sp.exp(x) + y**2, [x, y]) == []   # e^x = 0 has no real solution
    with pytest.raises(ValueError, match=r"constant.*not isolated"):
        critical_points(sp.Integer(3) + 0 * x, [x])


def test_errors_name_the_fix(monkeypatch):
    with pytest.raises(ValueError, match=r"not isolated: \{x: 0\} holds for any y; fix those variables"):
        critical_points(x**2, [x, y])
    # sympy raises NotImplementedError for f' = cos x - x (the Dottie
    # number), but only after seconds of trying: simulate it to stay fast.
    def give_up(*args, **kwargs):
        raise NotImplementedError("could not solve -x + cos(x)")

    monkeypatch.setattr(sp, "solve", give_up)
    with pytest.raises(ValueError, match=r"sympy cannot solve grad f = 0.*newton_minimize"):
        critical_points(sp.sin(x) - x**2 / 2 + sp.sin(y), [x, y])
    with pytest.raises(TypeError, match=r"expr must be a scalar expression"):
        critical_points(sp.Matrix([x, y]), [x, y])


def test_second_derivative_test_rejects_bad_H():
    with pytest.raises(ValueError, match=r"H must be square \(n, n\), got shape \(2, 3\)"):
        second_derivative_test(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"H must be square \(n, n\), got shape \(2, 3\)"):
        second_derivative_test(sp.ones(2, 3))
    with pytest.raises(ValueError, match=r"H is not symmetric \(max \|H - H.T\| = 1\).*\(H \+ H.T\) / 2"):
        second_derivative_test([[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"H is not symmetric; .*\(H \+ H.T\)/2"):
        second_derivative_test(sp.Matrix([[1, 1], [0, 1]]))
    with pytest.raises(ValueError, match=r"H contains NaN at index \(0, 1\)"):
        second_derivative_test([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"H contains the symbols \[x\]; evaluate it at the critical point first"):
        second_derivative_test(hessian(x**3 + y**2, [x, y]))
    with pytest.raises(ValueError, match=r"H contains non-finite entries"):
        second_derivative_test(sp.Matrix([[sp.oo, 0], [0, 1]]))
    with pytest.raises(ValueError, match=r"tol must be >= 0"):
        second_derivative_test(np.eye(2), tol=-1)
    with pytest.raises(ValueError, match=r"H has non-real entries"):
        second_derivative_test(sp.Matrix([[sp.I]]))
