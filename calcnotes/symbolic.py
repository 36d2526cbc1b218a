r"""Exact derivatives with sympy, under the names and shapes the notes use.

A thin layer: sympy does the calculus; this module fixes the conventions
(a gradient is an (n, 1) column, a Jacobian is (m, n) in numerator layout,
the Hessian is the Jacobian of the gradient), validates input, and turns
expressions into numpy functions (:func:`to_numpy`) that the numeric side
of the package can differentiate, check and optimise.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> gradient(x**2 * y, [x, y]).T
Matrix([[2*x*y, x**2]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ._validation import check_int

# sympy ships no type information, so its objects are Any to a type checker;
# these names say what a parameter holds.
SymExpr = Any  # a sympy expression, a number, or a string in sympy syntax
Symbols = Any  # a sympy Symbol, or a sequence of them

__all__ = [
    "derivative",
    "gradient",
    "hessian",
    "is_equal",
    "jacobian",
    "to_numpy",
]


def _sympify(expr: SymExpr, name: str = "expr") -> sp.Basic:
    """`expr` as a sympy object (strings are parsed)."""
    try:
        return sp.sympify(expr)
    except (sp.SympifyError, SyntaxError, TypeError) as err:
        reason = str(err).strip().splitlines()[-1]  # sympy nests the cause
        raise ValueError(
            f"could not read {name}={expr!r} as a sympy expression "
            f"({reason}); "
            f"write it in sympy syntax, e.g. 'x**2 + sin(y)'"
        ) from None


def _scalar(expr: SymExpr, name: str = "expr", fix: str = "jacobian") -> sp.Expr:
    """`expr` as a scalar sympy expression; matrices point to `fix`."""
    expr = _sympify(expr, name)
    if isinstance(expr, sp.MatrixBase) or not isinstance(expr, sp.Expr):
        raise TypeError(
            f"{name} must be a scalar expression, got {type(expr).__name__}; "
            f"for a vector of expressions use {fix}"
        )
    return expr


def _symbols(variables: Symbols) -> list[sp.Symbol]:
    """`variables` (a Symbol or a sequence of them) as a list of Symbols."""
    if isinstance(variables, sp.Symbol):
        return [variables]
    if isinstance(variables, (str, sp.Basic)) or not isinstance(
        variables, (Sequence, sp.MatrixBase)
    ):
        raise TypeError(
            f"variables must be a sympy Symbol or a list of them, got "
            f"{type(variables).__name__} {variables!r}; create them with "
            f"x, y = sympy.symbols('x y', real=True)"
        )
    symbols = list(variables)
    if not symbols:
        raise ValueError("variables is empty; pass at least one Symbol")
    for v in symbols:
        if not isinstance(v, sp.Symbol):
            raise TypeError(
                f"variables must be sympy Symbols, got {type(v).__name__} "
                f"{v!r}; create them with x, y = sympy.symbols('x y', "
                f"real=True)"
            )
    if len(set(symbols)) != len(symbols):
        raise ValueError(
            f"variables {symbols} contains a repeated Symbol; list each once"
        )
    return symbols


def derivative(expr: SymExpr, var: sp.Symbol, n: int = 1) -> sp.Expr:
    r"""Return the n-th derivative :math:`\frac{d^n}{d\,var^n}` expr.

    Parameters
    ----------
    expr : sympy expression (or string in sympy syntax)
    var : sympy Symbol
    n : int, default 1
        Order of the derivative, 0 <= n <= 1000.

    Returns
    -------
    sympy expression

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> derivative(sp.exp(x) - sp.log(x), x)
    exp(x) - 1/x
    """
    expr = _sympify(expr)
    (var,) = _symbols([var])
    n = check_int(n, "n", minimum=0, maximum=1000)
    return sp.diff(expr, var, n)


def gradient(expr: SymExpr, variables: Symbols) -> sp.Matrix:
    r"""Return the gradient :math:`\nabla f` as an (n, 1) column Matrix.

    .. math:: \nabla f = \left(\frac{\partial f}{\partial x_1}, \dots,
              \frac{\partial f}{\partial x_n}\right)^\top

    Parameters
    ----------
    expr : scalar sympy expression
    variables : sequence of n sympy Symbols

    Returns
    -------
    sympy Matrix of shape (n, 1)

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> gradient(x**2 + 3*y, [x, y])
    Matrix([
    [2*x],
    [  3]])
    """
    expr = _scalar(expr, "expr", fix="jacobian")
    variables = _symbols(variables)
    return sp.Matrix([sp.diff(expr, v) for v in variables])


def jacobian(exprs: SymExpr, variables: Symbols) -> sp.Matrix:
    r"""Return the Jacobian :math:`J_{ij} = \partial f_i / \partial x_j`.

    Numerator layout: one row per output, one column per variable, so a
    scalar `exprs` gives the (1, n) row :math:`\nabla f^\top`.

    Parameters
    ----------
    exprs : sympy expression, sequence of m expressions, or Matrix
    variables : sequence of n sympy Symbols

    Returns
    -------
    sympy Matrix of shape (m, n)

    Examples
    --------
    >>> import sympy as sp
    >>> r, t = sp.symbols("r t")
    >>> jacobian([r * sp.cos(t), r * sp.sin(t)], [r, t])
    Matrix([
    [cos(t), -r*sin(t)],
    [sin(t),  r*cos(t)]])
    """
    if isinstance(exprs, (list, tuple)):
        if not exprs:
            raise ValueError("exprs is empty; pass at least one expression (one per output)")
        entries = [_scalar(e, "each entry of exprs", fix="a flat list") for e in exprs]
    else:
        exprs = _sympify(exprs, "exprs")
        if isinstance(exprs, sp.MatrixBase) and min(exprs.shape) > 1:
            raise ValueError(
                f"exprs must be a vector of expressions, got a {exprs.shape} "
                f"Matrix; flatten it with list(M) first"
            )
        entries = list(exprs) if isinstance(exprs, sp.MatrixBase) else [
            _scalar(exprs, "exprs")
        ]
    variables = _symbols(variables)
    return sp.Matrix(entries).jacobian(variables)


def hessian(expr: SymExpr, variables: Symbols) -> sp.Matrix:
    r"""Return the Hessian :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`.

    The Jacobian of the gradient; symmetric when f is twice continuously
    differentiable.

    Parameters
    ----------
    expr : scalar sympy expression
    variables : sequence of n sympy Symbols

    Returns
    -------
    sympy Matrix of shape (n, n)

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> hessian(x**2 * y, [x, y])
    Matrix([
    [2*y, 2*x],
    [2*x,   0]])
    """
    expr = _scalar(expr, "expr", fix="jacobian of each entry")
    return jacobian(gradient(expr, variables), variables)


def to_numpy(expr: SymExpr, variables: Symbols) -> Callable[..., Any]:
    r"""Return a numpy function computing `expr` from numbers.

    The function accepts either one array whose last axis holds the n
    variables (shape (n,) for one point, (k, n) for k points) or n separate
    arguments that broadcast together. For one variable, a single array
    argument is read elementwise, like ``np.sin``.

    Output shapes: a scalar expression gives a float for one point and the
    batch shape for many; an (m, p) Matrix gives batch + (m, p), except a
    column (m, 1) such as a gradient, which becomes batch + (m,) to match
    :func:`calcnotes.numeric_gradient`. Complex input is passed through (for
    :func:`calcnotes.complex_step`); non-finite output raises ValueError.

    Parameters
    ----------
    expr : sympy expression or Matrix
    variables : sequence of n sympy Symbols, the argument order

    Returns
    -------
    callable

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> f = to_numpy(x**2 + y, [x, y])
    >>> f([3.0, 1.0]), f(3.0, 1.0)
    (10.0, 10.0)
    >>> to_numpy(gradient(x**2 + y, [x, y]), [x, y])([[1, 0], [2, 0]])
    array([[2., 1.],
           [4., 1.]])
    """
    expr = _sympify(expr)
    variables = _symbols(variables)
    extra = expr.free_symbols - set(variables)
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        raise ValueError(
            f"expr contains symbols {{{names}}} that are not in variables "
            f"{variables}; add them to variables or substitute numbers with "
            f"expr.subs(...)"
        )
    n = len(variables)
    shape = expr.shape if isinstance(expr, sp.MatrixBase) else ()
    entries = list(expr) if shape else [expr]
    # Lambdify the flat list of entries and broadcast them ourselves:
    # sympy's own Matrix printer nests lists, so constant entries would not
    # broadcast against batched ones.
    raw = sp.lambdify(variables, entries, modules="numpy")
    names = ", ".join(map(str, variables))

    def f(*args: Any) -> Any:
        if len(args) == 1 and n > 1:
            point = np.asarray(args[0])
            if point.ndim == 0 or point.shape[-1] != n:
                raise ValueError(
                    f"expected the {n} variables ({names}) along the last "
                    f"axis, got shape {point.shape}; pass an array of shape "
                    f"({n},) or (k, {n}), or {n} separate arguments"
                )
            args = tuple(np.moveaxis(point, -1, 0))
        if len(args) != n:
            raise TypeError(
                f"expected {n} arguments ({names}) or one array of length "
                f"{n}, got {len(args)} arguments"
            )
        arrays = [np.asarray(a) for a in args]
        for name, a in zip(variables, arrays, strict=True):
            if not np.issubdtype(a.dtype, np.number):
                raise TypeError(
                    f"{name} must be numeric, got dtype {a.dtype}; pass numbers"
                )
        with np.errstate(all="ignore"):  # non-finite values are raised below
            values = np.broadcast_arrays(*raw(*arrays), *arrays)[: len(entries)]
        out = np.stack(values, axis=-1) if shape else values[0]
        bad = ~np.isfinite(out)
        if np.any(bad):
            bad = bad.any(axis=-1) if shape else bad  # per point of the batch
            first = np.unravel_index(np.flatnonzero(bad)[0], bad.shape)
            at = [np.broadcast_to(a, bad.shape)[first].item() for a in arrays]
            raise ValueError(
                f"{expr} is not finite at ({names}) = {tuple(at)}; the "
                f"point lies outside the domain (log of 0, division by 0...):"
                f" evaluate it elsewhere"
            )
        if not np.iscomplexobj(out):
            out = out.astype(np.float64)
        if shape:
            batch = out.shape[:-1]
            out = out.reshape(batch + (shape if shape[1] != 1 else shape[:1]))
        return float(out) if out.ndim == 0 and out.dtype.kind == "f" else out

    f.__doc__ = f"numpy version of {expr} as a function of ({names})"
    return f


def _sample(symbol: sp.Symbol, rng: np.random.Generator) -> float:
    """A random value in the symbol's domain (its sign assumptions)."""
    if symbol.is_positive or symbol.is_nonnegative:
        return rng.uniform(0.1, 2.0)
    if symbol.is_negative or symbol.is_nonpositive:
        return rng.uniform(-2.0, -0.1)
    return rng.uniform(-2.0, 2.0)


def _numerically_zero(d: sp.Basic, rng: np.random.Generator) -> bool | None:
    """Is `d` zero at 8 random points? None if it is never finite."""
    symbols = sorted(d.free_symbols, key=str)
    evaluated = []
    for _ in range(8):
        point = {s: _sample(s, rng) for s in symbols}
        v = complex(sp.N(d.subs(point)))  # nan/zoo: skip the point
        if np.isfinite(v):
            evaluated.append(abs(v))
    if not evaluated:
        return None
    return max(evaluated) < 1e-10


def _magnitude(a: sp.Basic, b: sp.Basic) -> float:
    """Rough size of the two sides (1 when they cannot be evaluated), for a relative threshold."""
    try:
        rng = np.random.default_rng(2)
        symbols = sorted(a.free_symbols | b.free_symbols, key=str)  # a symbol may cancel in a - b
        point = {s: _sample(s, rng) for s in symbols}
        value = abs(complex(sp.N(a.subs(point)))) + abs(complex(sp.N(b.subs(point))))
        return value if np.isfinite(value) else 1.0
    except (TypeError, ValueError):
        return 1.0


def _numerically_nonzero(d: sp.Basic, rng: np.random.Generator, scale: float) -> bool:
    """Is `d` clearly non-zero at one of 3 random points? A cheap refutation.

    A value far above rounding error (relative to `scale`) proves the two
    sides differ, so ``simplify``, which is slow exactly when the difference
    is not zero, can be skipped.
    """
    symbols = sorted(d.free_symbols, key=str)
    for _ in range(3):
        point = {s: _sample(s, rng) for s in symbols}
        v = complex(sp.N(d.subs(point), 30))
        if np.isfinite(v) and abs(v) > 1e-8 * max(1.0, scale):
            return True
    return False


def is_equal(a: SymExpr, b: SymExpr) -> bool:
    r"""Return True if `a` and `b` are the same expression, else False.

    Tries, in order: structural equality, ``expand``/``cancel`` of
    :math:`a - b` (cheap), a numeric refutation (a clearly non-zero value of
    :math:`a - b` at a random point means unequal), ``simplify(a - b) == 0``,
    sympy's ``(a - b).equals(0)`` and, when sympy cannot decide, the
    value of :math:`a - b` at 8 seeded random points in [-2, 2] that
    respect each symbol's sign assumptions (zero to 1e-10). That last
    step is a heuristic: give symbols assumptions to help the first ones.
    Matrices are compared entry by entry (different shapes are unequal).

    Parameters
    ----------
    a, b : sympy expressions, Matrices, numbers or strings

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If a - b cannot be evaluated anywhere, so no method can decide.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> is_equal(sp.sin(x)**2 + sp.cos(x)**2, 1)
    True
    >>> is_equal(sp.diff(sp.tanh(x), x), 1 - sp.tanh(x)**2)
    True
    """
    a, b = _sympify(a, "a"), _sympify(b, "b")
    a_matrix, b_matrix = isinstance(a, sp.MatrixBase), isinstance(b, sp.MatrixBase)
    if a_matrix or b_matrix:
        if not (a_matrix and b_matrix) or a.shape != b.shape:
            return False
        return all(is_equal(p, q) for p, q in zip(a, b, strict=True))
    if a == b:
        return True
    d = a - b
    if sp.expand(d) == 0 or sp.cancel(d) == 0:
        return True
    if _numerically_nonzero(d, np.random.default_rng(1), _magnitude(a, b)):
        return False
    if sp.simplify(d) == 0:
        return True
    decided = d.equals(0)
    if decided is not None:
        return bool(decided)
    zero = _numerically_zero(d, np.random.default_rng(0))  # seeded: repeatable
    if zero is None:
        raise ValueError(
            f"cannot decide whether {a} == {b}: sympy cannot simplify the "
            f"difference and it is not finite at test points; simplify both "
            f"sides by hand or give the symbols assumptions (positive=True)"
        )
    return zero
