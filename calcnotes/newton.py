r"""Newton's method for roots and for minima.

Root of f (one variable, or n equations in n unknowns with Jacobian J):

.. math:: x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)}, \qquad
          x_{k+1} = x_k - J(x_k)^{-1} f(x_k)

Minimum of f: Newton's root-finding applied to :math:`\nabla f`, whose
Jacobian is the Hessian H:

.. math:: x_{k+1} = x_k - H(x_k)^{-1} \nabla f(x_k)

Convergence is quadratic near a solution with a non-singular derivative,
but only local. The inverse is never formed: each step solves
:math:`H d = \nabla f` with ``np.linalg.solve``. A singular or non-finite
derivative raises ValueError; a run that blows up raises
:class:`~calcnotes.result.DivergenceError`.

``newton_minimize(..., line_search="backtracking")`` damps the step far
from the minimum: :math:`x_{k+1} = x_k - t\,H^{-1}\nabla f` with
:math:`t = 1, \frac12, \frac14, \dots`, the first that meets Armijo's
condition :math:`f(x_{k+1}) \le f(x_k) - 10^{-4}\,t\,\nabla f^\top
H^{-1}\nabla f` (the line search of
:func:`~calcnotes.gradient_descent.gradient_descent`). Near the minimum
the full step passes, so convergence stays quadratic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_bool, check_callable
from .gradient_descent import _armijo, _check_line_search
from .result import OptimizeResult, _call, _fmt, _iterate, _Remembered

Floats = NDArray[np.float64]

__all__ = ["newton_minimize", "newton_root"]

# Condition numbers above 1/eps mean the solve returns round-off, not a step.
_MAX_COND = 1 / np.finfo(np.float64).eps


def _finite_matrix(derivative: Callable[[Floats], object], x: Floats, name: str, fix: str) -> Floats:
    """``derivative(x)``, of shape x.shape * 2, refused unless every entry is finite."""
    M = _call(derivative, x, f"{name}(x)", x.shape * 2)
    if not np.all(np.isfinite(M)):
        raise ValueError(
            f"{name} is not finite at x={_fmt(x)}; Newton's method cannot "
            f"take a step here: {fix}"
        )
    return M


def _newton_step(
    x: Floats, r: Floats, derivative: Callable[[Floats], object], name: str, fix: str
) -> np.ndarray:
    """``x - M^{-1} r`` with ``M = derivative(x)``, refusing singular M."""
    M = _finite_matrix(derivative, x, name, fix)
    if x.ndim == 0:
        if M == 0:
            raise ValueError(
                f"{name} is zero at x={_fmt(x)}; Newton's method cannot take "
                f"a step here (division by zero): {fix}"
            )
        new: np.ndarray = x - r / M
        return new
    if np.linalg.cond(M) > _MAX_COND:
        raise ValueError(
            f"{name} is singular at x={_fmt(x)} (det={np.linalg.det(M):.3g}); "
            f"Newton's method cannot take a step here: {fix}"
        )
    return x - np.linalg.solve(M, r)


def _descent_direction(
    x: Floats, g: Floats, hess: Callable[[Floats], object], fix: str
) -> tuple[np.ndarray, float]:
    r"""``-H^{-1} g`` and its slope :math:`g^T d` for the line search, or ValueError if it does not point downhill.

    With a positive definite H the slope :math:`-g^T H^{-1} g` is negative;
    a Hessian that is singular (``np.linalg.solve`` refuses it), indefinite
    or so ill-conditioned that round-off turns the step uphill is refused.
    A step that goes downhill but is poor is then cut by the line search.
    """
    M = _finite_matrix(hess, x, "Hessian", fix)
    try:  # (inside _iterate's errstate: a non-finite step is refused below)
        step: np.ndarray = -g / M if x.ndim == 0 else -np.linalg.solve(M, g)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"Hessian is singular at x={_fmt(x)}; Newton's method cannot take "
            f"a step here: {fix}"
        ) from None
    slope = float(np.sum(g * step)) if np.isfinite(step).all() else np.nan
    if not slope < 0:
        raise ValueError(
            f"the Newton step at x={_fmt(x)} does not point downhill "
            f"(grad f . step = {slope:.3g}): the Hessian is not positive "
            f"definite there (the line search needs H > 0); {fix}"
        )
    return step, slope


def newton_root(
    f: Callable[[Floats], ArrayLike],
    df: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    max_iter: int = 100,
    tol: float = 1e-12,
) -> OptimizeResult:
    r"""Return the :class:`OptimizeResult` of Newton's method for f(x) = 0.

    .. math:: x_{k+1} = x_k - J(x_k)^{-1} f(x_k), \quad
              \text{stop when } \lVert f(x_k) \rVert \le \text{tol}

    (for one variable :math:`J = f'` and the step is :math:`f / f'`).

    Parameters
    ----------
    f : callable
        Takes x (float, or ndarray of shape (n,)), returns x's shape.
    df : callable
        Derivative: a float for one variable, the (n, n) Jacobian
        :math:`J_{ij} = \partial f_i / \partial x_j` otherwise.
    x0 : float or ndarray of shape (n,)
    max_iter : int, default 100
    tol : float, default 1e-12

    Returns
    -------
    OptimizeResult
        With path of shape (n_iter + 1,) or (n_iter + 1, n).

    Raises
    ------
    ValueError
        If df is zero, singular or not finite at an iterate.
    DivergenceError
        If the iterates blow up (|x| > 1e12 or non-finite).

    Examples
    --------
    >>> result = newton_root(lambda x: x**2 - 2, lambda x: 2 * x, x0=1.0)
    >>> round(result.x, 12), result.n_iter
    (1.414213562373, 5)
    """
    f, df = check_callable(f, "f"), check_callable(df, "df")
    return _iterate(
        lambda x, r: _newton_step(x, r, df, "df", "start elsewhere"),
        f,
        x0,
        max_iter=max_iter,
        tol=tol,
        f=None,
        fix="start closer to the root (Newton's method converges only near one)",
        residual_name="f(x)",
    )


def newton_minimize(
    grad: Callable[[Floats], ArrayLike],
    hess: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    max_iter: int = 100,
    tol: float = 1e-10,
    f: Callable[[Floats], ArrayLike] | None = None,
    line_search: str | None = None,
    keep_path: bool = True,
) -> OptimizeResult:
    r"""Return the :class:`OptimizeResult` of Newton's method for min f.

    .. math:: x_{k+1} = x_k - H(x_k)^{-1} \nabla f(x_k), \quad
              \text{stop when } \lVert \nabla f(x_k) \rVert \le \text{tol}

    Newton's method looks for :math:`\nabla f = 0`, so it is drawn to
    maxima and saddle points as readily as to minima: check the result
    with :func:`calcnotes.second_derivative_test`.

    Parameters
    ----------
    grad : callable
        :math:`\nabla f`: takes x (float or ndarray of shape (n,)), returns
        x's shape.
    hess : callable
        Hessian: a float for one variable (:math:`f''`), else (n, n).
    x0 : float or ndarray of shape (n,)
    max_iter : int, default 100
    tol : float, default 1e-10
    f : callable, optional
        The objective; if given, ``values`` records f along the path.
    line_search : {None, "backtracking"}, default None
        ``"backtracking"`` (needs `f`): halve the Newton step until
        Armijo's condition holds (see the module docstring). The Newton
        direction must then go downhill, as it does where the Hessian is
        positive definite; an uphill one raises ValueError.
    keep_path : bool, default True
        ``False`` keeps only x0 and the final x in ``path``.

    Returns
    -------
    OptimizeResult

    Raises
    ------
    ValueError
        If the Hessian is zero, singular or not finite at an iterate, or
        (with backtracking) the Newton step points uphill.
    DivergenceError
        If the iterates blow up, or 60 halvings of a step find no decrease.

    Examples
    --------
    >>> H = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> result = newton_minimize(lambda x: H @ x - 1, lambda x: H, x0=[5.0, 5.0])
    >>> np.round(result.x, 6), result.n_iter   # a quadratic: one step
    (array([0.2, 0.4]), 1)

    On :math:`f = \sqrt{1 + x^2}` the full step maps x to :math:`-x^3`,
    which diverges from x = 2; backtracking halves it twice, to -0.5, and
    from there the full steps converge:

    >>> f = lambda x: np.sqrt(1 + x**2)
    >>> result = newton_minimize(lambda x: x / f(x), lambda x: f(x) ** -3, 2.0,
    ...                          f=f, line_search="backtracking")
    >>> result.path[:3], result.converged
    (array([ 2.   , -0.5  ,  0.125]), True)
    """
    grad, hess = check_callable(grad, "grad"), check_callable(hess, "hess")
    keep_path = check_bool(keep_path, "keep_path")
    line_search = _check_line_search(line_search, f)
    objective = None if f is None else _Remembered(check_callable(f, "f"))
    fix = "start elsewhere or use gradient_descent"
    if line_search is None:
        def step(x: Floats, g: Floats) -> Floats:
            return _newton_step(x, g, hess, "Hessian", fix)
    else:
        assert objective is not None
        searched = objective

        def step(x: Floats, g: Floats) -> Floats:
            direction, slope = _descent_direction(x, g, hess, fix)  # -H^{-1} g, downhill
            return _armijo(searched, x, direction, slope, 1.0,
                           "the gradient or the Hessian is probably wrong (check them "
                           "with check_gradient), or rescale the problem")
    return _iterate(
        step,
        grad,
        x0,
        max_iter=max_iter,
        tol=tol,
        f=objective,
        fix="start closer to the minimum or use gradient_descent",
        residual_name="grad f(x)",
        keep_path=keep_path,
    )
