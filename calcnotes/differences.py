r"""Finite-difference derivatives of a function of one variable.

Each function takes a scalar function ``f`` that works elementwise on numpy
arrays (``np.sin``, ``lambda x: x**3 - 2*x``) and a point or an array of
points ``x``, and returns :math:`f'(x)` (or :math:`f''(x)`) at every point in
one vectorised call: ``f`` is evaluated on whole arrays, never in a loop.

=====================  ==========================================  ==========
function               formula                                     error
=====================  ==========================================  ==========
forward_difference     :math:`(f(x+h) - f(x)) / h`                 O(h)
central_difference     :math:`(f(x+h) - f(x-h)) / 2h`              O(h^2)
complex_step           :math:`\operatorname{Im} f(x + ih) / h`     O(h^2)
second_difference      :math:`(f(x+h) - 2f(x) + f(x-h)) / h^2`     O(h^2)
=====================  ==========================================  ==========

The default steps balance truncation error against rounding error
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., section 8.1): with
machine epsilon :math:`\varepsilon`, :math:`h = \sqrt{\varepsilon}` for
forward, :math:`\varepsilon^{1/3}` for central and :math:`\varepsilon^{1/4}`
for the second difference, each scaled by :math:`\max(1, |x|)`. The complex
step subtracts nothing, so it has no rounding error to balance and
:math:`h = 10^{-20}` gives derivatives exact to machine precision.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validation import as_float_array, check_callable, check_positive

__all__ = [
    "central_difference",
    "complex_step",
    "forward_difference",
    "second_difference",
]

_EPS = np.finfo(np.float64).eps


def _step(x: np.ndarray, h: float | None, power: float, name: str) -> np.ndarray:
    """Step size per point: eps**power * max(1, |x|) unless `h` is given.

    The step is then rounded so that ``x + h`` is exactly representable and
    ``(x + h) - x == h``; otherwise the division by `h` adds an error of
    order eps/h (Press et al., *Numerical Recipes*, section 5.7).
    """
    if h is None:
        h = _EPS**power * np.maximum(1.0, np.abs(x))
    else:
        h = check_positive(h, "h")
    h = (x + h) - x
    if np.any(h == 0):
        raise ValueError(
            f"h is too small for x of this size: x + h == x in float64 "
            f"(|x| up to {np.max(np.abs(x)):g}); leave h=None to get a step "
            f"scaled to x ({name})"
        )
    return h


def _evaluate(f: Callable, x: np.ndarray, step: Any, where: str) -> np.ndarray:
    """``f(x + step)`` as an array of x's shape, raising if it is not finite."""
    # Outside the domain numpy returns NaN with a RuntimeWarning; we raise
    # our own error below instead, so the warning would only be noise.
    # A ComplexWarning means f dropped the imaginary part (float(), math.*):
    # make it an error so that complex_step cannot silently return 0.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        fx = np.asarray(f(x + step))
    try:
        fx = np.broadcast_to(fx, x.shape)
    except ValueError:
        raise ValueError(
            f"f must act elementwise (output shape = input shape), but "
            f"f({where}) has shape {fx.shape} for input shape {x.shape}; "
            f"for a function of several variables use numeric_gradient"
        ) from None
    if not np.issubdtype(fx.dtype, np.number):
        raise TypeError(
            f"f({where}) returned dtype {fx.dtype}; f must return numbers"
        )
    finite = np.isfinite(fx)
    if not np.all(finite):
        i = np.flatnonzero(~finite.ravel())[0]
        raise ValueError(
            f"f({where}) is not finite at x={x.ravel()[i]:g} (index {i}); "
            f"x or x +/- h lies outside the domain of f (e.g. log of a "
            f"negative number): move x inside the domain or pass a smaller h"
        )
    return fx


def _result(d: np.ndarray) -> float | np.ndarray:
    """A float for a scalar `x`, else an array of x's shape."""
    return float(d) if d.ndim == 0 else d


def forward_difference(
    f: Callable[[np.ndarray], np.ndarray],
    x: float | np.ndarray,
    h: float | None = None,
) -> float | np.ndarray:
    r"""Return the forward-difference estimate of :math:`f'(x)`.

    .. math:: f'(x) \approx \frac{f(x + h) - f(x)}{h}, \quad
              \text{error} = \tfrac{h}{2} f''(\xi) = O(h).

    Parameters
    ----------
    f : callable
        Scalar function applied elementwise to arrays.
    x : float or ndarray of any shape
        Point(s) at which to differentiate.
    h : float, optional
        Step; default :math:`\sqrt{\varepsilon}\max(1, |x|)`.

    Returns
    -------
    float or ndarray of x's shape

    Examples
    --------
    >>> round(forward_difference(np.exp, 0.0), 6)
    1.0
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    h = _step(x, h, 1 / 2, "forward_difference")
    return _result((_evaluate(f, x, h, "x + h") - _evaluate(f, x, 0.0, "x")) / h)


def central_difference(
    f: Callable[[np.ndarray], np.ndarray],
    x: float | np.ndarray,
    h: float | None = None,
) -> float | np.ndarray:
    r"""Return the central-difference estimate of :math:`f'(x)`.

    .. math:: f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}, \quad
              \text{error} = \tfrac{h^2}{6} f'''(\xi) = O(h^2).

    Parameters
    ----------
    f : callable
        Scalar function applied elementwise to arrays.
    x : float or ndarray of any shape
        Point(s) at which to differentiate.
    h : float, optional
        Step; default :math:`\varepsilon^{1/3}\max(1, |x|)`.

    Returns
    -------
    float or ndarray of x's shape

    Examples
    --------
    >>> np.round(central_difference(np.sin, np.array([0.0, np.pi])), 8)
    array([ 1., -1.])
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    h = _step(x, h, 1 / 3, "central_difference")
    f_plus = _evaluate(f, x, h, "x + h")
    f_minus = _evaluate(f, x, -h, "x - h")
    return _result((f_plus - f_minus) / (2 * h))


def complex_step(
    f: Callable[[np.ndarray], np.ndarray],
    x: float | np.ndarray,
    h: float = 1e-20,
) -> float | np.ndarray:
    r"""Return the complex-step derivative :math:`f'(x)`.

    .. math:: f'(x) \approx \frac{\operatorname{Im} f(x + ih)}{h}, \quad
              \text{error} = O(h^2).

    No difference of nearby values is taken, so nothing cancels and a tiny
    `h` gives :math:`f'(x)` to machine precision (Squire & Trapp, SIAM
    Review 40(1), 1998). `f` must be real-analytic and built from numpy
    functions that accept complex input (``np.exp``, ``np.sin``, ``**``);
    ``abs``, comparisons and ``np.real`` break it.

    Parameters
    ----------
    f : callable
        Real-analytic scalar function applied elementwise to complex arrays.
    x : float or ndarray of any shape
        Point(s) at which to differentiate.
    h : float, default 1e-20
        Imaginary step.

    Returns
    -------
    float or ndarray of x's shape

    Examples
    --------
    >>> complex_step(lambda x: x**3, 2.0)
    12.0
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    h = check_positive(h, "h")
    try:
        fz = _evaluate(f, x, 1j * h, "x + ih")
    except (TypeError, np.exceptions.ComplexWarning) as err:
        raise TypeError(
            f"f failed on complex input ({err}); complex_step needs f built "
            f"from numpy functions that accept complex numbers: rewrite f "
            f"or use central_difference"
        ) from None
    if not np.iscomplexobj(fz):
        raise TypeError(
            "f returned real values for complex input, so the imaginary "
            "part carrying f'(x) was lost (abs or np.real inside f? a "
            "constant f?); rewrite f with complex-safe numpy functions or "
            "use central_difference"
        )
    return _result(fz.imag / h)


def second_difference(
    f: Callable[[np.ndarray], np.ndarray],
    x: float | np.ndarray,
    h: float | None = None,
) -> float | np.ndarray:
    r"""Return the central second-difference estimate of :math:`f''(x)`.

    .. math:: f''(x) \approx \frac{f(x + h) - 2 f(x) + f(x - h)}{h^2},
              \quad \text{error} = \tfrac{h^2}{12} f^{(4)}(\xi) = O(h^2).

    Parameters
    ----------
    f : callable
        Scalar function applied elementwise to arrays.
    x : float or ndarray of any shape
        Point(s) at which to differentiate twice.
    h : float, optional
        Step; default :math:`\varepsilon^{1/4}\max(1, |x|)`, since rounding
        error now grows like :math:`\varepsilon / h^2`.

    Returns
    -------
    float or ndarray of x's shape

    Examples
    --------
    >>> round(second_difference(lambda x: x**3, 1.0), 5)
    6.0
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    h = _step(x, h, 1 / 4, "second_difference")
    f_plus = _evaluate(f, x, h, "x + h")
    f_zero = _evaluate(f, x, 0.0, "x")
    f_minus = _evaluate(f, x, -h, "x - h")
    return _result((f_plus - 2 * f_zero + f_minus) / h**2)
