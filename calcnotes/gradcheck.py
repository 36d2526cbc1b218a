r"""Check a hand-written gradient against central differences.

Before a model trains, its chapter checks the gradient it derived (as
autograd's ``check_grads`` and cs231n's ``grad_check`` do): compute it two
ways and compare with a scale-free relative error,

.. math:: \text{relative error} =
          \frac{\lVert a - n \rVert}{\max(\lVert a \rVert + \lVert n \rVert,
          \text{tiny})},

where :math:`a` is the analytic and :math:`n` the numeric gradient. The
error is 0 for equal gradients, 1 when one of them is zero, and does not
depend on the scale of f. Central differences are accurate to about
:math:`\varepsilon^{2/3} \approx 10^{-11}`, so a correct gradient gives
errors near 1e-10 and a wrong one errors near 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    as_float_array,
    check_callable,
    check_callback_output,
    check_positive,
)
from .numeric import numeric_gradient

__all__ = ["GradientCheck", "check_gradient"]

_TINY = np.finfo(np.float64).tiny


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays
class GradientCheck:
    """Outcome of :func:`check_gradient`.

    Attributes
    ----------
    relative_error : float
        ``||analytic - numeric|| / max(||analytic|| + ||numeric||, tiny)``.
    analytic : ndarray of x's shape
        The gradient under test, ``grad(x)``.
    numeric : ndarray of x's shape
        The central-difference gradient of ``f`` at ``x``.
    passed : bool
        ``relative_error <= rtol``.
    """

    relative_error: float
    analytic: NDArray[np.float64]
    numeric: NDArray[np.float64]
    passed: bool

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return (
            f"GradientCheck(passed={self.passed}, "
            f"relative_error={self.relative_error:.1e})"
        )


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Return :math:`\lVert a - b \rVert / \max(\lVert a \rVert + \lVert b \rVert, \text{tiny})`.

    Parameters
    ----------
    a, b : array_like of the same shape

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> relative_error([1.0, 0.0], [1.0, 0.0])
    0.0
    >>> relative_error([1.0], [0.0])
    1.0
    """
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape, got {a.shape} and {b.shape}"
        )
    # The ratio does not change when a and b are divided by the same number:
    # dividing by the largest entry keeps the norms from overflowing (1e200)
    # or underflowing (1e-300) on the way.
    size = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    if size == 0.0:
        return 0.0
    a, b = a / size, b / size
    with np.errstate(over="ignore"):
        difference = a - b  # at most 2 in size
    scale = max(np.linalg.norm(a) + np.linalg.norm(b), _TINY)
    return float(np.linalg.norm(difference) / scale)


def check_gradient(
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    x: ArrayLike,
    rtol: float = 1e-6,
) -> GradientCheck:
    r"""Return a :class:`GradientCheck` comparing `grad` with differences of `f`.

    Parameters
    ----------
    f : callable
        Real scalar function of an array of x's shape.
    grad : callable
        The gradient under test: takes x, returns an array of x's shape.
    x : float or ndarray of any shape (a vector, a weight matrix, ...)
        Point at which to compare.
    rtol : float, default 1e-6
        Largest relative error that passes.

    Returns
    -------
    GradientCheck
        With ``relative_error``, ``analytic``, ``numeric`` and ``passed``.

    Examples
    --------
    >>> f = lambda w: np.sum(w**2)
    >>> check_gradient(f, lambda w: 2 * w, np.ones((2, 3))).passed
    True
    >>> check_gradient(f, lambda w: w, np.ones((2, 3)))   # wrong by a factor 2
    GradientCheck(passed=False, relative_error=3.3e-01)
    """
    f = check_callable(f, "f")
    grad = check_callable(grad, "grad")
    x = as_float_array(x, "x")
    rtol = check_positive(rtol, "rtol")
    with np.errstate(all="ignore"):  # non-finite values are raised below
        raw = check_callback_output(grad(x.copy()), "grad(x)")  # a copy: grad must not edit x
    if raw.shape != x.shape:
        raise ValueError(
            f"grad(x) has shape {raw.shape} but x has shape {x.shape}; "
            f"return the gradient in the shape of x (np.ravel a column "
            f"vector, reshape a flat one)"
        )
    analytic = as_float_array(raw, "grad(x)")
    numeric = numeric_gradient(f, x, method="central")
    error = relative_error(analytic, numeric)
    return GradientCheck(error, analytic, numeric, error <= rtol)
