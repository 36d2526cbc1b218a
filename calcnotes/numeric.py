r"""Finite-difference gradient, Jacobian and Hessian of functions of a vector.

The multivariable counterparts of :mod:`calcnotes.differences`: perturb one
coordinate at a time, :math:`x \pm h e_i`, and difference the outputs.
``f`` takes one point and is called once (or twice) per coordinate: it is
not assumed to accept a batch of points, so the loop is over the n
coordinates, never over samples.

These are the oracles for every hand-written gradient in the notes (see
:func:`calcnotes.check_gradient`): slow, :math:`O(n)` calls of ``f``, but
independent of the algebra they check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    as_float_array,
    check_callable,
    check_callback_output,
    check_positive,
)
from .differences import _EPS, _best_step, _candidates, _step

__all__ = ["numeric_gradient", "numeric_hessian", "numeric_jacobian"]

_METHODS = ("central", "forward", "complex")
Floats = NDArray[np.float64]


def _call(
    f: Callable[[Any], object], x: np.ndarray, where: str, *, complex_ok: bool = False, finite: bool = True
) -> np.ndarray:
    """``f(x)`` as an array, raising if it is not finite or not numeric."""
    with np.errstate(all="ignore"):  # non-finite values are raised below
        raw = f(x)
    if complex_ok and np.iscomplexobj(np.asarray(raw)):
        fx = np.asarray(raw)
    else:
        fx = check_callback_output(raw, f"f({where})")
    if finite and not np.all(np.isfinite(fx)):
        value = fx.ravel()[np.flatnonzero(~np.isfinite(fx.ravel()))[0]]
        if np.isinf(value):
            raise ValueError(
                f"f({where}) is {value.real:g}: f overflowed float64 (or x "
                f"is at a pole of f); rescale x or f so that the values "
                f"stay below 1.8e308, or move x away from the pole"
            )
        raise ValueError(
            f"f({where}) is not finite; the point lies outside the domain "
            f"of f (log of a negative number?): move x inside the domain or "
            f"pass a smaller h"
        )
    return fx


def _check_method(method: object) -> str:
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(
            f"method must be 'central', 'forward' or 'complex', got {method!r}"
        )
    return method


def _axis(x: Floats, i: int, step: Floats | float) -> Floats:
    """``step * e_i`` in the shape of x."""
    e = np.zeros(x.size)
    e[i] = float(np.asarray(step).ravel()[0])
    return e.reshape(x.shape)


def _steps(x_i: Floats, h: float | None, power: float, name: str) -> list[Floats]:
    """Candidate steps along one coordinate (one step when h is given)."""
    return [_step(x_i, h, name)] if h is not None else _candidates(x_i, power)


def numeric_gradient(
    f: Callable[[np.ndarray], float],
    x: ArrayLike,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Return the finite-difference gradient :math:`\nabla f(x)`, x's shape.

    .. math:: \frac{\partial f}{\partial x_i} \approx
              \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    (``"central"``; ``"forward"`` uses :math:`(f(x + h e_i) - f(x)) / h`,
    ``"complex"`` uses :math:`\operatorname{Im} f(x + i h e_i) / h`).

    Parameters
    ----------
    f : callable
        Real scalar function of an array of x's shape.
    x : float or ndarray of shape (n,) (any shape, e.g. a weight matrix)
        Point at which to differentiate.
    method : {"central", "forward", "complex"}, default "central"
    h : float, optional
        Step; defaults as in :mod:`calcnotes.differences`, per coordinate
        (:math:`\varepsilon^{1/3}` for central and
        :math:`\sqrt{\varepsilon}` for forward when :math:`|x_i| \le 1`,
        else chosen up to :math:`|x_i|` times that by the estimated error;
        1e-20 for complex).

    Returns
    -------
    ndarray of x's shape

    Examples
    --------
    >>> f = lambda w: w[0]**2 + 3*w[1]
    >>> np.round(numeric_gradient(f, [1.0, 2.0]), 6)
    array([2., 3.])
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    method = _check_method(method)
    f0 = _call(f, x, "x")
    if f0.size != 1:
        raise ValueError(
            f"numeric_gradient only applies to scalar-output functions, but "
            f"f(x) has shape {f0.shape}; try numeric_jacobian"
        )
    g = np.empty(x.size)
    if method == "complex":
        h_c = check_positive(1e-20 if h is None else h, "h")
        for i in range(x.size):
            fz = _call(f, x + 1j * _axis(x, i, h_c), f"x + i*h*e_{i}", complex_ok=True)
            if not np.iscomplexobj(fz):
                raise TypeError(
                    "f returned real values for complex input, so the "
                    "imaginary part carrying the derivative was lost (abs, "
                    "np.real or float() inside f?); use method='central'"
                )
            g[i] = fz.imag.item() / h_c
        return g.reshape(x.shape)
    for i in range(x.size):  # one coordinate direction e_i at a time
        x_i = x.ravel()[i : i + 1]

        def difference(step: Floats, strict: bool, i: int = i) -> tuple[Floats, Floats]:
            e = _axis(x, i, step)
            f_plus = _call(f, x + e, f"x + h*e_{i}", finite=strict).reshape(1)
            with np.errstate(all="ignore"):
                if method == "central":
                    f_minus = _call(f, x - e, f"x - h*e_{i}", finite=strict).reshape(1)
                    size = np.maximum(np.abs(f_plus), np.abs(f_minus))
                    return (f_plus - f_minus) / (2 * step), _EPS * size / step
                return (f_plus - f0.reshape(1)) / step, 2 * _EPS * np.abs(f0.reshape(1)) / step

        power, order = (1 / 3, 2) if method == "central" else (1 / 2, 1)
        g[i] = _best_step(difference, _steps(x_i, h, power, "numeric_gradient"), order,
                          x_i, "numeric_gradient")[0]
    return g.reshape(x.shape)


def numeric_jacobian(
    f: Callable[[np.ndarray], np.ndarray],
    x: ArrayLike,
    h: float | None = None,
) -> np.ndarray:
    r"""Return the central-difference Jacobian of shape (m, n).

    .. math:: J_{ij} = \frac{\partial f_i}{\partial x_j} \approx
              \frac{f_i(x + h e_j) - f_i(x - h e_j)}{2h}

    Numerator layout, as :func:`calcnotes.jacobian`: row i is the gradient
    of output i, so a scalar f gives the (1, n) row :math:`\nabla f^\top`.

    Parameters
    ----------
    f : callable
        Function from ndarray of shape (n,) to ndarray of shape (m,)
        (or a scalar, m = 1).
    x : float or ndarray of shape (n,)
    h : float, optional
        Step; default per coordinate as in :func:`numeric_gradient`.

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> np.round(numeric_jacobian(polar, [2.0, 0.0]), 6)
    array([[1., 0.],
           [0., 2.]])
    """
    f = check_callable(f, "f")
    x = np.atleast_1d(as_float_array(x, "x", ndim=(0, 1)))
    f0 = _call(f, x, "x")
    if f0.ndim > 1:
        raise ValueError(
            f"f(x) has shape {f0.shape}; numeric_jacobian needs a scalar or "
            f"1-D output: flatten it with np.ravel inside f"
        )
    m = f0.size
    J = np.empty((m, x.size))

    def value(point: Floats, where: str, strict: bool) -> Floats:
        out = _call(f, point, where, finite=strict)
        if out.shape != f0.shape:
            raise ValueError(
                f"f({where}) has shape {out.shape} but f(x) has shape "
                f"{f0.shape}; f must return the same shape at every point"
            )
        return np.ravel(out)

    for j in range(x.size):  # column j: the derivative along e_j
        x_j = x[j : j + 1]

        def difference(step: Floats, strict: bool, j: int = j) -> tuple[Floats, Floats]:
            e = _axis(x, j, step)
            f_plus = value(x + e, f"x + h*e_{j}", strict)
            f_minus = value(x - e, f"x - h*e_{j}", strict)
            with np.errstate(all="ignore"):
                size = np.maximum(np.abs(f_plus), np.abs(f_minus))
                return (f_plus - f_minus) / (2 * step), _EPS * size / step

        J[:, j] = _best_step(difference, _steps(x_j, h, 1 / 3, "numeric_jacobian"), 2,
                             np.full(m, x[j]), "numeric_jacobian")
    return J


def numeric_hessian(
    f: Callable[[np.ndarray], float],
    x: ArrayLike,
    h: float | None = None,
) -> np.ndarray:
    r"""Return the finite-difference Hessian of shape (n, n), symmetric.

    .. math:: H_{ij} \approx \frac{f(x + h_i e_i + h_j e_j) - f(x + h_i e_i - h_j e_j)
              - f(x - h_i e_i + h_j e_j) + f(x - h_i e_i - h_j e_j)}{4 h_i h_j}

    the central difference of the central difference, i.e. the Jacobian of
    the gradient done in one step. Computed for i <= j and mirrored, so the
    result is exactly symmetric. Error :math:`O(h^2)` plus rounding
    :math:`O(\varepsilon / h^2)`, balanced by the default
    :math:`h = \varepsilon^{1/4}\max(1, |x|)`: about 1e-8 relative.

    Parameters
    ----------
    f : callable
        Real scalar function of an ndarray of shape (n,).
    x : float or ndarray of shape (n,)
    h : float, optional
        One step for all coordinates (default: a step per coordinate).

    Returns
    -------
    ndarray of shape (n, n)

    Examples
    --------
    >>> f = lambda w: w[0]**2 * w[1]
    >>> np.round(numeric_hessian(f, [1.0, 2.0]), 6)
    array([[4., 2.],
           [2., 0.]])
    """
    f = check_callable(f, "f")
    x = np.atleast_1d(as_float_array(x, "x", ndim=(0, 1)))
    f0 = _call(f, x, "x")
    if f0.size != 1:
        raise ValueError(
            "numeric_hessian only applies to scalar-output functions; for a "
            "vector function take numeric_jacobian of each output's gradient"
        )
    if h is not None:
        h = check_positive(h, "h")
    n = x.size
    H = np.empty((n, n))
    steps = np.empty(n)
    for i in range(n):  # the diagonal, and with it the step h_i of coordinate i
        x_i = x[i : i + 1]

        def difference(step: Floats, strict: bool, i: int = i) -> tuple[Floats, Floats]:
            e = _axis(x, i, 2 * step)
            f_plus = _call(f, x + e, "x + 2h*e_i", finite=strict).reshape(1)
            f_minus = _call(f, x - e, "x - 2h*e_i", finite=strict).reshape(1)
            with np.errstate(all="ignore"):
                size = np.maximum(np.abs(f_plus), np.abs(f_minus))
                return ((f_plus - 2 * f0.reshape(1) + f_minus) / (4 * step**2),
                        4 * _EPS * size / (4 * step**2))

        chosen: list[Floats] = []
        H[i, i] = _best_step(difference, _steps(x_i, h, 1 / 4, "numeric_hessian"), 2,
                             x_i, "numeric_hessian", chosen)[0]
        steps[i] = chosen[0][0]
    for i in range(n):  # n(n-1)/2 entries off the diagonal, four calls of f each
        for j in range(i + 1, n):
            a, b = _axis(x, i, steps[i]), _axis(x, j, steps[j])
            H[i, j] = H[j, i] = (
                _call(f, x + a + b, "x + h_i*e_i + h_j*e_j")
                - _call(f, x + a - b, "x + h_i*e_i - h_j*e_j")
                - _call(f, x - a + b, "x - h_i*e_i + h_j*e_j")
                + _call(f, x - a - b, "x - h_i*e_i - h_j*e_j")
            ).item() / (4 * steps[i] * steps[j])
    return H
