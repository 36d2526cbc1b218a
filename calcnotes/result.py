r"""The result of an iterative method, the error it raises when it diverges,
and the loop that gradient descent and Newton's method share.

Every iterative method here returns an :class:`OptimizeResult` carrying the
whole path, so a chapter can plot the iterates and assert on them. A run
that blows up raises :class:`DivergenceError` instead of returning NaN; the
error carries the partial path in ``.result`` for plotting what went wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    MAX_ITER,
    as_float_array,
    check_callback_output,
    check_int,
    check_positive,
)

Floats = NDArray[np.float64]

__all__ = ["DivergenceError", "OptimizeResult"]

# Iterates (or values of f) beyond this size count as diverged: far past
# any scale in the notes, yet well before float64 overflows to inf.
_BOUND = 1e12


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays
class OptimizeResult:
    """Outcome of an iterative method.

    Attributes
    ----------
    x : float or ndarray of shape (n,)
        Final iterate (a float when x0 was a scalar).
    path : ndarray of shape (n_iter + 1,) or (n_iter + 1, n)
        All iterates, x0 first.
    n_iter : int
        Number of steps taken.
    converged : bool
        Whether the stopping test (e.g. ``|grad f| <= tol``) was met.
    message : str
        Why the iteration stopped.
    values : ndarray of shape (n_iter + 1,) or None
        f along the path, when f was given.
    """

    x: float | np.ndarray
    path: np.ndarray
    n_iter: int
    converged: bool
    message: str
    values: np.ndarray | None = None

    def __repr__(self) -> str:
        x = np.array2string(np.asarray(self.x), precision=6)
        return (
            f"OptimizeResult(x={x}, n_iter={self.n_iter}, "
            f"converged={self.converged}, message={self.message!r})"
        )


class DivergenceError(ValueError):
    """An iteration diverged; ``.result`` holds the path up to that point.

    A ValueError, because the usual cause is a bad argument: a learning
    rate that is too large, or a start too far from the solution. The
    models raise it too when a fit ends with non-finite weights; their
    ``.result`` is None.
    """

    def __init__(self, message: str, result: OptimizeResult | None = None) -> None:
        super().__init__(message)
        self.result = result


def _fmt(x: np.ndarray) -> str:
    return np.array2string(np.asarray(x), precision=6) if np.ndim(x) else f"{float(x):.6g}"


def _call(fn: Callable[[Floats], object], x: Floats, name: str, shape: tuple[int, ...]) -> Floats:
    """``fn(x)`` as a float array of `shape` (NaN allowed: callers decide).

    Called inside :func:`_iterate`, whose ``np.errstate(all="ignore")``
    keeps overflows in `fn` from warning: non-finite values are handled by
    the callers.
    """
    raw = fn(x.copy())  # a copy: fn must not edit x
    out = check_callback_output(raw, name)
    if out.shape == shape:
        return out
    if out.size == 1 and math.prod(shape) == 1:
        return out.reshape(shape)  # accept 0.5, [0.5] or [[0.5]] for one variable
    if shape == ():
        raise ValueError(
            f"{name} has shape {out.shape}, but f must return a scalar "
            f"(one number: the value of the objective at x)"
        )
    raise ValueError(
        f"{name} has shape {out.shape}, expected {shape}; return an "
        f"array shaped like x (np.ravel a column vector)"
    )


class _Remembered:
    """``fn`` that remembers its last argument and value.

    A line search evaluates f at the point it accepts, and the loop then
    records f at the same point: the second call is answered from memory.
    """

    def __init__(self, fn: Callable[[Floats], object]) -> None:
        self.fn = fn
        self.x: Floats | None = None
        self.value: object = None

    def _is_last(self, x: Floats) -> bool:
        """x is the last point asked for."""
        return self.x is not None and self.x.shape == x.shape and bool((self.x == x).all())

    def last_value(self, x: Floats) -> float | None:
        """f(x) if x is the last point asked for and its value a number, else None."""
        if self._is_last(x):
            value = self.value
            if isinstance(value, (float, np.floating)) or (
                    isinstance(value, np.ndarray) and value.size == 1 and value.dtype == np.float64):
                return float(np.asarray(value).item())  # (float() refuses a 1-d array of one entry)
        return None

    def __call__(self, x: Floats) -> object:
        if self._is_last(x):
            return self.value
        value = self.fn(x)
        self.x, self.value = np.array(x, dtype=np.float64), value
        return value


def _start(x0: ArrayLike) -> Floats:
    """x0 as a finite float array of 0 (one variable) or 1 dimension."""
    return as_float_array(x0, "x0", ndim=(0, 1)).copy()


def _iterate(
    step: Callable[[np.ndarray, np.ndarray], np.ndarray],
    residual: Callable[[np.ndarray], np.ndarray],
    x0: ArrayLike,
    *,
    max_iter: int,
    tol: float,
    f: Callable[[Floats], object] | None,
    fix: str,
    residual_name: str,
    keep_path: bool = True,
) -> OptimizeResult:
    """Run ``x <- step(x, r)`` with ``r = residual(x)`` until ``||r|| <= tol``.

    Shared by gradient descent (r = grad f) and Newton's method (r = grad f
    or r = f). Raises DivergenceError, whose message ends with `fix`, when
    an iterate, residual or f value is non-finite or beyond 1e12 times the
    size of the start (``max(1, |x0|)``) or of f(x0). With ``keep_path=False``
    only x0 and the latest iterate are kept (``path`` has two rows after a
    step): a model's fit needs the values of f, not every iterate.
    """
    x = _start(x0)
    max_iter = check_int(max_iter, "max_iter", minimum=0, maximum=MAX_ITER)
    if keep_path and (max_iter + 1) * x.size > 10**8:
        raise ValueError(
            f"max_iter={max_iter} steps of {x.size} variables would store "
            f"{(max_iter + 1) * x.size:.3g} numbers in the path; lower max_iter"
        )
    # divergence means growing far beyond the start: 1e12 times its size
    bound = _BOUND * max(1.0, float(np.max(np.abs(x))))
    tol = check_positive(tol, "tol", strict=False)
    path: list[Floats] = [x]
    values: list[float] = []
    steps = 0  # len(path) - 1 when the whole path is kept

    def result(converged: bool, message: str) -> OptimizeResult:
        return OptimizeResult(
            x=float(path[-1]) if x.ndim == 0 else path[-1],
            path=np.array(path),
            n_iter=steps,
            converged=converged,
            message=message,
            values=np.array(values) if f is not None else None,
        )

    def diverged(k: int, what: str) -> DivergenceError:
        return DivergenceError(
            f"diverged at iteration {k}: {what}; {fix}",
            result(False, f"diverged at iteration {k}: {what}"),
        )

    def record_value() -> None:
        nonlocal steps
        if f is None:
            return
        v = _call(f, path[-1], "f(x)", ()).item()
        bound = _BOUND * max(1.0, abs(values[0])) if values else np.inf
        if not np.isfinite(v) or abs(v) > bound:
            if not values:  # at x0: nothing has diverged yet, x0 is bad
                raise ValueError(
                    f"f(x0) = {v} is not finite at x0 = {_fmt(x)}; start "
                    f"inside the domain of f"
                )
            path.pop()  # keep path and values aligned; report the bad point
            steps -= 1
            raise diverged(steps + 1, f"f(x) = {v:.3g} at x = {_fmt(x)}")
        values.append(v)

    with np.errstate(all="ignore"):  # overflows in the callbacks: caught by the checks below
        record_value()
        for k in range(max_iter + 1):
            r = _call(residual, x, residual_name, x.shape)
            norm = float(np.linalg.norm(r))  # a huge finite r: inf
            if not np.isfinite(norm) and not np.isfinite(r).all():  # (a finite norm: a finite r)
                if k == 0:
                    raise ValueError(
                        f"{residual_name} is not finite at x0 = {_fmt(x)}; start "
                        f"inside the domain of f"
                    )
                raise diverged(k, f"{residual_name} is not finite at x = {_fmt(x)}")
            if norm <= tol:
                return result(
                    True,
                    f"converged: ||{residual_name}|| = {norm:.3g} <= tol = {tol:g} "
                    f"after {k} iterations",
                )
            if k == max_iter:
                break
            try:
                new = step(x, r)
            except DivergenceError as err:
                if err.result is not None:
                    raise
                # The step's own failure (a line search that found no lower f) happened in
                # iteration k + 1: name it, and keep the path so far (its message has the fix).
                failed = f"diverged at iteration {k + 1}: {err}"
                raise DivergenceError(failed, result(False, failed)) from None
            if not float(np.abs(new).max()) <= bound:  # (False for inf and NaN too)
                limit = f"{bound:.0e}".replace("e+", "e")  # 1e12 for a start within [-1, 1]
                raise diverged(k + 1, f"x = {_fmt(new)} (|x| > {limit} or not finite)")
            x = new
            if not keep_path and len(path) == 2:
                path.pop()
            path.append(x)
            steps += 1
            record_value()
        return result(
            False,
            f"did not converge in max_iter={max_iter} iterations "
            f"(||{residual_name}|| = {norm:.3g} > tol = {tol:g}); increase "
            f"max_iter or tol",
        )
