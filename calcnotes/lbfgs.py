r"""L-BFGS: a quasi-Newton method that remembers the last few steps.

Newton's method steps by :math:`-H^{-1}\nabla f`; for many parameters the
Hessian is too big to build. BFGS builds an approximation of
:math:`H^{-1}` from the steps :math:`s_k = x_{k+1} - x_k` and the changes
of the gradient :math:`y_k = \nabla f(x_{k+1}) - \nabla f(x_k)` (the
secant condition :math:`H^{-1} y_k = s_k`); L-BFGS keeps only the last
``memory`` pairs and applies the approximation with the two-loop recursion
(Nocedal & Wright, *Numerical Optimization*, algorithm 7.4), at a cost of
a few dot products per pair. A backtracking line search (Armijo's
condition :math:`f(x + t d) \le f(x) + 10^{-4}\,t\,\nabla f^\top d`, with
:math:`t` halved from 1) keeps every step downhill, up to rounding: near
the minimum, where f changes by less than :math:`8\varepsilon|f|`, the
first, full step is taken on the strength of the gradient alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import MAX_ITER, check_callable, check_callback_output, check_int, check_positive
from .result import DivergenceError, OptimizeResult, _start

__all__ = ["lbfgs"]

Floats = NDArray[np.float64]


def _direction(g: Floats, pairs: list[tuple[Floats, Floats, float]]) -> Floats:
    """The two-loop recursion: minus (approximate inverse Hessian) times g."""
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(pairs):  # newest first
        alpha = rho * float(s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if pairs:  # initial H0 = gamma I, gamma = s^T y / y^T y of the newest pair
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):  # oldest first
        beta = rho * float(y @ q)
        q += (alpha - beta) * s
    return -q


def lbfgs(
    f_and_grad: Callable[[Floats], tuple[float, ArrayLike]],
    x0: ArrayLike,
    max_iter: int = 1000,
    tol: float = 1e-8,
    memory: int = 10,
) -> OptimizeResult:
    r"""Return the :class:`~calcnotes.result.OptimizeResult` of L-BFGS from `x0`.

    Parameters
    ----------
    f_and_grad : callable
        Takes x (ndarray of shape (n,)) and returns ``(f(x), grad f(x))``,
        a float and an array of x's shape: the two share most of their
        work in a model, so they are computed together.
    x0 : ndarray of shape (n,)
    max_iter : int, default 1000
    tol : float, default 1e-8
        Stop when :math:`\lVert\nabla f\rVert_2 \le` `tol`.
    memory : int, default 10
        How many (step, gradient change) pairs approximate the Hessian.

    Returns
    -------
    OptimizeResult
        ``x``, ``path`` of shape (n_iter + 1, n), ``values`` (f along the
        path), ``n_iter``, ``converged``, ``message``.

    Raises
    ------
    DivergenceError
        If f or its gradient becomes non-finite, or no step along the
        search direction lowers f (the gradient is probably wrong: check it
        with :func:`calcnotes.check_gradient`).

    Examples
    --------
    >>> H = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> quadratic = lambda x: (0.5 * x @ H @ x - x.sum(), H @ x - 1)
    >>> result = lbfgs(quadratic, [5.0, 5.0])
    >>> np.round(result.x, 6), result.converged
    (array([0.2, 0.4]), True)
    """
    f_and_grad = check_callable(f_and_grad, "f_and_grad")
    x = np.atleast_1d(_start(x0))
    max_iter = check_int(max_iter, "max_iter", minimum=0, maximum=MAX_ITER)
    tol = check_positive(tol, "tol", strict=False)
    memory = check_int(memory, "memory", minimum=1, maximum=1000)

    def evaluate(point: Floats) -> tuple[float, Floats]:
        with np.errstate(all="ignore"):
            out = f_and_grad(point.copy())
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError(
                f"f_and_grad must return a pair (f(x), grad f(x)), got "
                f"{type(out).__name__}; return value, gradient"
            )
        value = check_callback_output(out[0], "f_and_grad(x)[0]")
        grad = check_callback_output(out[1], "f_and_grad(x)[1]")
        if value.size != 1 or grad.shape != point.shape:
            raise ValueError(
                f"f_and_grad(x) must return a scalar and an array of shape "
                f"{point.shape}, got shapes {value.shape} and {grad.shape}"
            )
        return float(value.item()), grad

    value, g = evaluate(x)
    if not (np.isfinite(value) and np.all(np.isfinite(g))):
        raise ValueError("f or its gradient is not finite at x0; start inside the domain of f")
    path, values = [x], [value]
    pairs: list[tuple[Floats, Floats, float]] = []

    def result(converged: bool, message: str) -> OptimizeResult:
        return OptimizeResult(x=path[-1], path=np.array(path), n_iter=len(path) - 1,
                              converged=converged, message=message, values=np.array(values))

    for k in range(max_iter + 1):
        with np.errstate(over="ignore"):  # a finite gradient near 1e300 has an infinite norm: stalls below
            norm = float(np.linalg.norm(g))
        if norm <= tol:
            return result(True, f"converged: ||grad f(x)|| = {norm:.3g} <= tol = {tol:g} after {k} iterations")
        if k == max_iter:
            break
        d = _direction(g, pairs)
        with np.errstate(over="ignore", invalid="ignore"):  # an infinite slope is refused or stalls below
            slope = float(g @ d)
        if slope >= 0:  # not downhill (round-off in the memory): restart as gradient descent
            pairs.clear()
            d, slope = -g, -norm * norm
        t = 1.0 if pairs else min(1.0, 1.0 / norm)  # first step: length at most 1
        # near the minimum f changes by less than its rounding: the first,
        # full step may then be taken on the strength of the gradient alone
        noise = 8 * np.finfo(np.float64).eps * abs(value)
        accepted = False
        for trial in range(60):  # backtracking until Armijo's condition holds
            new = x + t * d
            if np.array_equal(new, x):
                break  # the step is below the resolution of x: stalled
            new_value, new_g = evaluate(new)
            allowed = value + 1e-4 * t * slope + (noise if trial == 0 else 0.0)
            accepted = bool(np.isfinite(new_value) and new_value <= allowed)
            if accepted:
                break
            t *= 0.5
        if np.array_equal(new, x) or not accepted:
            raise DivergenceError(
                f"L-BFGS stalled at iteration {k + 1}: no step along the search "
                f"direction lowers f (2**-60 of it either); check the gradient "
                f"with check_gradient, or rescale the problem",
                result(False, f"stalled at iteration {k + 1}"),
            )
        if not np.all(np.isfinite(new_g)):
            raise DivergenceError(f"the gradient is not finite at iteration {k + 1}; rescale the problem",
                                  result(False, f"diverged at iteration {k + 1}"))
        s, y = new - x, new_g - g
        sy = float(s @ y)
        if sy > 1e-10 * float(np.linalg.norm(s) * np.linalg.norm(y)):  # curvature: keep the pair
            pairs.append((s, y, 1.0 / sy))
            if len(pairs) > memory:
                pairs.pop(0)
        x, value, g = new, new_value, new_g
        path.append(x)
        values.append(value)
    return result(False, f"did not converge in max_iter={max_iter} iterations "
                         f"(||grad f(x)|| = {norm:.3g} > tol = {tol:g}); increase max_iter or tol")
