r"""Critical points and the second-derivative test.

A critical point of f solves :math:`\nabla f(x) = 0`. At such a point the
eigenvalues :math:`\lambda_i` of the Hessian H decide its kind:

==============  ===========================================================
kind            eigenvalues of H
==============  ===========================================================
"minimum"       all :math:`\lambda_i > 0` (H positive definite)
"maximum"       all :math:`\lambda_i < 0` (H negative definite)
"saddle"        some :math:`\lambda_i > 0` and some :math:`\lambda_j < 0`
"inconclusive"  no opposite signs, but some :math:`\lambda_i = 0`
==============  ===========================================================

"Inconclusive" means the quadratic term does not decide: :math:`x^4 + y^4`
(minimum), :math:`-x^4 - y^4` (maximum) and :math:`x^3 + y^2` (neither)
all have a zero Hessian at the origin.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from ._validation import check_positive, check_square
from .symbolic import Symbols, SymExpr, _scalar, _symbols, gradient, hessian

__all__ = ["classify_critical_points", "critical_points", "second_derivative_test"]

Point = dict[sp.Symbol, sp.Expr]


def _check_variables(expr: sp.Expr, variables: list[sp.Symbol]) -> None:
    """Refuse symbols of expr that are not variables: the answer would depend on them."""
    stray = expr.free_symbols - set(variables)
    if stray:
        names = ", ".join(sorted(str(s) for s in stray))
        raise ValueError(
            f"expr contains {names}, which {'is' if len(stray) == 1 else 'are'} "
            f"not in variables {variables}; add {names} to variables, or "
            f"substitute numbers with expr.subs(...) first"
        )


def _check_interval(interval: object, variables: list[sp.Symbol]) -> tuple[float, float]:
    if len(variables) != 1:
        raise ValueError(
            f"interval searches numerically along one variable, but there are "
            f"{len(variables)}; fix the others with expr.subs(...) or use "
            f"newton_minimize from several starting points"
        )
    try:
        a, b = (float(v) for v in interval)  # type: ignore[attr-defined]  # checked here
    except (TypeError, ValueError):
        raise TypeError(
            f"interval must be a pair of numbers (a, b), got {interval!r}"
        ) from None
    if not (np.isfinite(a) and np.isfinite(b)) or not a < b:
        raise ValueError(
            f"interval must be two finite numbers with a < b, got {interval!r}"
        )
    return a, b


def _numeric_roots(equation: sp.Expr, x: sp.Symbol, a: float, b: float) -> list[sp.Float]:
    """Zeros of a continuous g = equation in (a, b): sign changes on a fine grid
    refined by bisection, and touching zeros (a local minimum of |g| at 0)."""
    g = sp.lambdify(x, equation, "numpy")
    grid = np.linspace(a, b, 4001)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(g(grid), dtype=float), grid.shape)
    if not np.all(np.isfinite(values)):
        bad = grid[~np.isfinite(values)][0]
        raise ValueError(
            f"{equation} is not finite at x = {bad:.6g} in the interval; pass "
            f"an interval inside the domain of f"
        )
    scale = max(1.0, float(np.max(np.abs(values))))
    roots: list[float] = []
    for k in range(grid.size - 1):
        lo, hi, g_lo, g_hi = grid[k], grid[k + 1], values[k], values[k + 1]
        if g_lo == 0.0:
            roots.append(lo)
        elif g_lo * g_hi < 0:
            for _ in range(200):  # bisection: halves the bracket until it is 1 ulp
                mid = 0.5 * (lo + hi)
                if mid in (lo, hi):
                    break
                g_mid = float(g(mid))
                if g_mid == 0.0:
                    lo = hi = mid
                    break
                if (g_mid < 0) == (g_lo < 0):
                    lo, g_lo = mid, g_mid
                else:
                    hi = mid
            roots.append(0.5 * (lo + hi))
        elif 0 < k and abs(g_lo) < abs(values[k - 1]) and abs(g_lo) <= abs(g_hi) and abs(g_lo) < 1e-8 * scale:
            # touches zero without crossing (a double root); "<" on the left so that a double root midway
            # between two grid points (equal |g| at both) is reported once, at the left one
            roots.append(lo)
    distinct = [r for i, r in enumerate(roots) if i == 0 or r - roots[i - 1] > 1e-9 * max(1.0, abs(r))]
    return [sp.Float(r, 15) for r in distinct if a < r < b]


def _is_periodic_set(solutions: sp.Set) -> bool:
    parts = solutions.args if isinstance(solutions, sp.Union) else (solutions,)
    return all(isinstance(part, (sp.ImageSet, sp.FiniteSet)) for part in parts)


def _solve(equations: list[sp.Expr], variables: list[sp.Symbol], expr: sp.Expr) -> list[Point]:
    try:
        solutions: list[Point] = sp.solve(equations, variables, dict=True)
        return solutions
    except NotImplementedError as err:
        raise ValueError(
            f"sympy cannot solve grad f = 0 for {variables} ({err}); find "
            f"critical points numerically with newton_minimize from several "
            f"starting points"
        ) from None


def _solutions(
    expr: sp.Expr, variables: list[sp.Symbol], interval: tuple[float, float] | None
) -> list[Point]:
    """Solutions of grad f = 0, or ValueError when sympy cannot be sure it found all."""
    equations = list(gradient(expr, variables))
    if all(sp.simplify(eq) == 0 for eq in equations):
        raise ValueError(
            f"{expr} is constant in {variables}: every point is critical, "
            f"so the critical points are not isolated"
        )
    if interval is not None:
        (x,) = variables
        return [{x: r} for r in _numeric_roots(equations[0], x, *interval)]
    if all(eq.is_polynomial(*variables) for eq in equations):
        if len(variables) == 1:
            (x,) = variables
            poly = sp.Poly(equations[0], x)
            if poly.get_domain().is_QQ or poly.get_domain().is_ZZ:
                # exact real-root isolation: every real root, as a number or CRootOf
                return [{x: r} for r in dict.fromkeys(poly.real_roots())]
        return _solve(equations, variables, expr)  # Groebner bases: complete
    fix = ("pass interval=(a, b) to search for the zeros of f' numerically "
           "there, or use newton_minimize from several starting points")
    if len(variables) == 1:
        (x,) = variables
        found = sp.solveset(equations[0], x, sp.S.Reals)
        if isinstance(found, sp.FiniteSet):
            return [{x: r} for r in found]
        if found is sp.S.EmptySet:
            return []
        if _is_periodic_set(found):
            return _solve(equations, variables, expr)  # the points of one period
        solutions = _solve(equations, variables, expr)  # e.g. LambertW, beyond solveset
        if solutions:
            return solutions
        raise ValueError(
            f"sympy cannot solve f'({x}) = {equations[0]} = 0 exactly (it "
            f"returned {type(found).__name__}), so it cannot list every "
            f"critical point; {fix}"
        )
    solutions = _solve(equations, variables, expr)
    if solutions:
        return solutions
    for eq in equations:  # no solution: provable if one equation in one variable has none
        if len(eq.free_symbols) == 1:
            (v,) = eq.free_symbols
            if sp.solveset(eq, v, sp.S.Reals) is sp.S.EmptySet:
                return []
    raise ValueError(
        f"sympy found no solution of grad f = 0 for {expr}, which for a "
        f"non-polynomial f may mean that it gave up; {fix} (fix all but one "
        f"variable with expr.subs(...) to use interval)"
    )


def _real_value(value: sp.Expr) -> float | None:
    """The value as a float if it is real (exactly, else to 1e-12), else None."""
    if value.is_real is False:
        return None
    number = complex(sp.N(value, 30))
    if value.is_real or abs(number.imag) <= 1e-12 * max(1.0, abs(number.real)):
        return number.real  # e.g. the three real roots of a cubic, written with I
    return None


def critical_points(
    expr: SymExpr, variables: Symbols, interval: tuple[float, float] | None = None
) -> list[Point]:
    r"""Return the real solutions of :math:`\nabla f = 0`, solved by sympy.

    Polynomials in one variable use exact real-root isolation (every real
    root, as a rational, a radical or a ``CRootOf``); systems of
    polynomials use sympy's Groebner-basis solver, which finds them all.
    For other f, sympy's ``solveset`` over the reals and then ``solve``
    are tried; when both give up, a ValueError says so, instead of an
    empty list, unless `interval` asks for a numeric search.

    Parameters
    ----------
    expr : scalar sympy expression f
        Its symbols must all be in `variables`.
    variables : sequence of n sympy Symbols
    interval : (a, b), optional
        One variable only: find the zeros of :math:`f'` in (a, b)
        numerically instead (sign changes on a grid of 4001 points refined
        by bisection, plus zeros where :math:`|f'|` touches 0); the values
        are sympy Floats. Zeros closer together than the grid spacing
        (b - a) / 4000 can be missed.

    Returns
    -------
    list of dict
        One ``{symbol: value}`` per isolated real critical point, sorted by
        the values; empty if f has none. For periodic f, sympy returns the
        points of one period (e.g. in [0, 2*pi)).

    Raises
    ------
    ValueError
        If sympy cannot solve the system (the message names the numeric
        alternatives), the critical points are not isolated (a line or
        surface of them), or expr has symbols that are not variables.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> critical_points(x**3 - 3*x + y**2, [x, y])
    [{x: -1, y: 0}, {x: 1, y: 0}]
    >>> [float(p[x]) for p in critical_points(sp.cos(x) + x**2, [x], interval=(-5, 5))]
    [0.0]
    """
    expr = _scalar(expr, "expr", fix="critical_points on each entry")
    variables = _symbols(variables)
    _check_variables(expr, variables)
    if interval is not None:
        interval = _check_interval(interval, variables)
    points = []
    keys = []
    for solution in _solutions(expr, variables, interval):
        free = [v for v in variables if v not in solution] + sorted(
            set().union(*(sp.sympify(val).free_symbols for val in solution.values())),
            key=str,
        )
        if free:
            raise ValueError(
                f"the critical points of {expr} are not isolated: {solution} "
                f"holds for any {', '.join(map(str, sorted(set(free), key=str)))}; "
                f"fix those variables with expr.subs(...) or classify the "
                f"set by hand"
            )
        values = [_real_value(sp.sympify(solution[v])) for v in variables]
        if all(v is not None for v in values):
            points.append({v: solution[v] for v in variables})
            keys.append(values)
    order = sorted(range(len(points)), key=lambda i: keys[i])
    return [points[i] for i in order]


def _sign(eigenvalue: SymExpr | float, tol: float, scale: float) -> int:
    """+1, -1 or 0, exactly for sympy numbers when sympy can decide."""
    if isinstance(eigenvalue, sp.Basic):
        if eigenvalue.is_zero:
            return 0
        if eigenvalue.is_positive:
            return 1
        if eigenvalue.is_negative:
            return -1
        eigenvalue = complex(sp.N(eigenvalue)).real  # e.g. CRootOf
    if abs(eigenvalue) <= tol * scale:
        return 0
    return 1 if eigenvalue > 0 else -1


def second_derivative_test(H: ArrayLike | sp.MatrixBase, tol: float = 1e-10) -> str:
    r"""Return "minimum", "maximum", "saddle" or "inconclusive" for Hessian H.

    From the signs of the eigenvalues of H at a critical point (see the
    module docstring). A sympy Matrix is decided exactly where sympy can;
    for a float array, eigenvalues with
    :math:`|\lambda| \le \text{tol} \cdot \max(1, \max_i |\lambda_i|)`
    count as zero.

    Parameters
    ----------
    H : ndarray of shape (n, n) or sympy Matrix, symmetric, no free symbols
        The Hessian evaluated at the critical point.
    tol : float, default 1e-10
        Relative size below which a float eigenvalue is zero.

    Returns
    -------
    str

    Examples
    --------
    >>> second_derivative_test([[2.0, 0.0], [0.0, -2.0]])
    'saddle'
    """
    tol = check_positive(tol, "tol", strict=False)
    if isinstance(H, sp.MatrixBase):
        if H.free_symbols:
            raise ValueError(
                f"H contains the symbols {sorted(H.free_symbols, key=str)}; "
                f"evaluate it at the critical point first, H.subs(point)"
            )
        if H.rows != H.cols:
            raise ValueError(f"H must be square (n, n), got shape {H.shape}")
        if any(not entry.is_finite for entry in H):
            raise ValueError("H contains non-finite entries (zoo, oo, nan); "
                             "f is not twice differentiable at this point")
        if any(_real_value(entry) is None for entry in H):
            raise ValueError(
                "H has non-real entries; the Hessian of a real f at a real "
                "point is real: evaluate it at a real critical point"
            )
        if not (H - H.T).is_zero_matrix:
            raise ValueError(
                "H is not symmetric; a Hessian of a twice continuously "
                "differentiable f is: check its derivation or use (H + H.T)/2"
            )
        eigenvalues = H.eigenvals(multiple=True)
        scale = max([1.0] + [abs(complex(sp.N(ev))) for ev in eigenvalues])
    else:
        H = check_square(H, "H")
        asymmetry = np.max(np.abs(H - H.T))
        if asymmetry > 1e-8 * max(1.0, np.max(np.abs(H))):
            raise ValueError(
                f"H is not symmetric (max |H - H.T| = {asymmetry:.3g}); a "
                f"Hessian of a twice continuously differentiable f is: check "
                f"its derivation, or use (H + H.T) / 2 for round-off"
            )
        eigenvalues = np.linalg.eigvalsh(H)
        scale = max(1.0, float(np.max(np.abs(eigenvalues))))
    signs = {_sign(ev, tol, scale) for ev in eigenvalues}
    if 1 in signs and -1 in signs:
        return "saddle"
    if 0 in signs:
        return "inconclusive"
    return "minimum" if 1 in signs else "maximum"


def classify_critical_points(
    expr: SymExpr, variables: Symbols, interval: tuple[float, float] | None = None
) -> list[tuple[Point, str]]:
    r"""Return each critical point of f with its kind.

    :func:`critical_points` followed by :func:`second_derivative_test` on
    the exact Hessian at each point.

    Parameters
    ----------
    expr : scalar sympy expression f
    variables : sequence of n sympy Symbols
    interval : (a, b), optional
        As in :func:`critical_points`: a numeric search in one variable.

    Returns
    -------
    list of (dict, str)
        ``(point, kind)`` pairs, kind as in :func:`second_derivative_test`.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> classify_critical_points(x**3 - 3*x + y**2, [x, y])
    [({x: -1, y: 0}, 'saddle'), ({x: 1, y: 0}, 'minimum')]
    """
    points = critical_points(expr, variables, interval)
    H = hessian(expr, variables)
    return [(point, second_derivative_test(H.subs(point))) for point in points]
