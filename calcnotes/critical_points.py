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

from typing import Any

import numpy as np
import sympy as sp

from ._validation import check_positive, check_square
from .symbolic import _scalar, _symbols, gradient, hessian

__all__ = ["classify_critical_points", "critical_points", "second_derivative_test"]


def critical_points(expr: Any, variables: Any) -> list[dict[sp.Symbol, sp.Expr]]:
    r"""Return the real solutions of :math:`\nabla f = 0`, solved by sympy.

    Parameters
    ----------
    expr : scalar sympy expression f
    variables : sequence of n sympy Symbols

    Returns
    -------
    list of dict
        One ``{symbol: exact value}`` per isolated real critical point,
        sorted by the values; empty if f has none. For periodic f, sympy
        returns the points of one period (e.g. in [0, 2*pi)).

    Raises
    ------
    ValueError
        If sympy cannot solve the system, or the critical points are not
        isolated (a line or surface of them).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> critical_points(x**3 - 3*x + y**2, [x, y])
    [{x: -1, y: 0}, {x: 1, y: 0}]
    """
    expr = _scalar(expr, "expr", fix="critical_points on each entry")
    variables = _symbols(variables)
    equations = list(gradient(expr, variables))
    try:
        solutions = sp.solve(equations, variables, dict=True)
    except NotImplementedError as err:
        raise ValueError(
            f"sympy cannot solve grad f = 0 for {variables} ({err}); find "
            f"critical points numerically with newton_minimize from several "
            f"starting points"
        ) from None
    points = []
    for solution in solutions:
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
        if all(_is_real(val) for val in solution.values()):
            points.append({v: solution[v] for v in variables})
    return sorted(points, key=lambda p: [float(sp.N(p[v])) for v in variables])


def _is_real(value: sp.Expr) -> bool:
    """Whether a solution value is real (exactly, else to 1e-12)."""
    if value.is_real is not None:
        return bool(value.is_real)
    return abs(complex(sp.N(value)).imag) <= 1e-12  # e.g. roots of cubics


def _sign(eigenvalue: Any, tol: float, scale: float) -> int:
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


def second_derivative_test(H: Any, tol: float = 1e-10) -> str:
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
    expr: Any, variables: Any
) -> list[tuple[dict[sp.Symbol, sp.Expr], str]]:
    r"""Return each critical point of f with its kind.

    :func:`critical_points` followed by :func:`second_derivative_test` on
    the exact Hessian at each point.

    Parameters
    ----------
    expr : scalar sympy expression f
    variables : sequence of n sympy Symbols

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
    points = critical_points(expr, variables)
    H = hessian(expr, variables)
    return [(point, second_derivative_test(H.subs(point))) for point in points]
