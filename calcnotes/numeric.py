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

from ._validation import as_float_array, check_callable, check_positive
from .differences import _step

__all__ = ["numeric_gradient", "numeric_hessian", "numeric_jacobian"]

_METHODS = ("central", "forward", "complex")


def _call(f: Callable, x: np.ndarray, where: str, *, complex_ok: bool = False) -> np.ndarray:
    """``f(x)`` as an array, raising if it is not finite or not numeric."""
    with np.errstate(all="ignore"):  # non-finite values are raised below
        fx = np.asarray(f(x))
    if not np.issubdtype(fx.dtype, np.number):
        raise TypeError(f"f({where}) returned dtype {fx.dtype}; f must return numbers")
    if np.iscomplexobj(fx) and not complex_ok:
        raise TypeError(
            f"f({where}) returned complex values for real input; f must be "
            f"real-valued (take np.real if the imaginary part is round-off)"
        )
    if not np.all(np.isfinite(fx)):
        raise ValueError(
            f"f({where}) is not finite; the point lies outside the domain "
            f"of f (log of a negative number?): move x inside the domain or "
            f"pass a smaller h"
        )
    return fx


def _check_method(method: Any) -> str:
    if method not in _METHODS:
        raise ValueError(
            f"method must be 'central', 'forward' or 'complex', got {method!r}"
        )
    return method


def numeric_gradient(
    f: Callable[[np.ndarray], float],
    x: Any,
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
        Step; defaults as in :mod:`calcnotes.differences`
        (:math:`\varepsilon^{1/3}\max(1, |x_i|)` for central,
        :math:`\sqrt{\varepsilon}\max(1, |x_i|)` for forward, 1e-20 for
        complex).

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
    if method == "complex":
        h = np.full(x.shape, check_positive(1e-20 if h is None else h, "h"))
    else:
        h = _step(x, h, 1 / 3 if method == "central" else 1 / 2, "numeric_gradient")
    g = np.empty(x.size)
    for i in range(x.size):  # one coordinate direction e_i at a time
        e = np.zeros(x.size)
        e[i] = h.flat[i]
        e = e.reshape(x.shape)
        where = f"x + h*e_{i}"
        if method == "central":
            g[i] = (_call(f, x + e, where) - _call(f, x - e, f"x - h*e_{i}")).item()
        elif method == "forward":
            g[i] = (_call(f, x + e, where) - f0).item()
        else:
            fz = _call(f, x + 1j * e, f"x + i*h*e_{i}", complex_ok=True)
            if not np.iscomplexobj(fz):
                raise TypeError(
                    "f returned real values for complex input, so the "
                    "imaginary part carrying the derivative was lost (abs, "
                    "np.real or float() inside f?); use method='central'"
                )
            g[i] = fz.imag.item()
    scale = 2 * h if method == "central" else h
    return g.reshape(x.shape) / scale


def numeric_jacobian(
    f: Callable[[np.ndarray], np.ndarray],
    x: Any,
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
        Step; default :math:`\varepsilon^{1/3}\max(1, |x_j|)`.

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
    h = _step(x, h, 1 / 3, "numeric_jacobian")
    J = np.empty((f0.size, x.size))
    for j in range(x.size):  # column j: the derivative along e_j
        e = np.zeros(x.size)
        e[j] = h[j]
        J[:, j] = (
            np.ravel(_call(f, x + e, f"x + h*e_{j}"))
            - np.ravel(_call(f, x - e, f"x - h*e_{j}"))
        ) / (2 * h[j])
    return J


def numeric_hessian(
    f: Callable[[np.ndarray], float],
    x: Any,
    h: float | None = None,
) -> np.ndarray:
    r"""Return the finite-difference Hessian of shape (n, n), symmetric.

    .. math:: H_{ij} \approx \frac{f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
              - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)}{4 h^2}

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
        Step, the same for all coordinates.

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
    if _call(f, x, "x").size != 1:
        raise ValueError(
            "numeric_hessian only applies to scalar-output functions; for a "
            "vector function take numeric_jacobian of each output's gradient"
        )
    if h is None:
        h = np.finfo(np.float64).eps ** (1 / 4) * max(1.0, np.max(np.abs(x)))
    h = check_positive(h, "h")
    n = x.size
    steps = h * np.eye(n)
    H = np.empty((n, n))
    for i in range(n):  # n(n+1)/2 entries, four calls of f each
        for j in range(i, n):
            a, b = steps[i], steps[j]
            H[i, j] = H[j, i] = (
                _call(f, x + a + b, "x + h*e_i + h*e_j")
                - _call(f, x + a - b, "x + h*e_i - h*e_j")
                - _call(f, x - a + b, "x - h*e_i + h*e_j")
                + _call(f, x - a - b, "x - h*e_i - h*e_j")
            ).item() / (4 * h**2)
    return H
