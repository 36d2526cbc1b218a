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
for the second difference, for every :math:`|x| \le 1`. For larger
:math:`|x|` the right scale depends on f: :math:`x^3` wants the step scaled
by :math:`|x|`, :math:`\sin x` at :math:`x = 10^6` wants it unscaled (a
scaled step of 6 would even give the wrong sign). So each point tries the
steps :math:`\varepsilon^p s` for scales s from :math:`|x|` down to 1 and
keeps the one with the least estimated error: the truncation error from
comparing the quotients at h and 2h (as in Richardson extrapolation), plus
the rounding error :math:`\varepsilon |f| / h`.
:func:`richardson_derivative` goes further and returns an extrapolated
derivative with its error estimate. The complex step subtracts nothing, so
it has no rounding error to balance and :math:`h = 10^{-20}` gives
derivatives exact to machine precision.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    as_float_array,
    check_callable,
    check_callback_output,
    check_int,
    check_positive,
)

__all__ = [
    "DerivativeEstimate",
    "central_difference",
    "complex_step",
    "forward_difference",
    "richardson_derivative",
    "second_difference",
]

_EPS = np.finfo(np.float64).eps
Floats = NDArray[np.float64]

# The default step eps**power * max(1, |x|) assumes f varies on the scale of
# x, which is right for x**3 and wrong for sin(x) at x = 1e6. For |x| > 1 the
# default therefore tries steps between that one and eps**power (scale 1),
# at most _MAX_CANDIDATES of them, and keeps the one whose estimated error
# (truncation from comparing the steps h and 2h, plus rounding eps|f|/h) is
# smallest. For |x| <= 1 there is one candidate: the classic step.
_MAX_CANDIDATES = 16


def _rounded(x: Floats, h: Floats | float) -> Floats:
    """The step rounded so that x + h is exact: ``(x + h) - x``.

    Otherwise the division by `h` adds an error of order eps/h (Press et
    al., *Numerical Recipes*, section 5.7).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        step = (x + h) - x
    if not np.all(np.isfinite(step)):
        raise ValueError(
            f"x is too large: x + h overflows float64 (|x| up to "
            f"{np.max(np.abs(x)):.3g}, the limit is 1.8e308); rescale the "
            f"problem so that x is of moderate size, or pass a smaller h"
        )
    return step


def _step(x: Floats, h: float, name: str) -> Floats:
    """The step `h` given by the caller, per point (the default steps are :func:`_candidates`)."""
    step = _rounded(x, check_positive(h, "h"))
    if np.any(step == 0):
        raise ValueError(
            f"h is too small for x of this size: x + h == x in float64 "
            f"(|x| up to {np.max(np.abs(x)):g}); leave h=None to get a step "
            f"scaled to x ({name})"
        )
    return step


def _candidates(x: Floats, power: float) -> list[Floats]:
    """Default steps to choose from, per point: from the scaled step down to eps**power."""
    scale = np.maximum(1.0, np.abs(x))
    decades = float(np.log10(np.max(scale)))
    m = min(_MAX_CANDIDATES, 1 + int(np.ceil(decades - 1e-12)))
    steps = []
    for j in range(m):
        shrink = 1.0 - j / (m - 1) if m > 1 else 1.0
        steps.append(_rounded(x, _EPS**power * scale**shrink))
    return steps


def _evaluate(
    f: Callable[[Any], object], x: Floats, step: float | complex | np.ndarray, where: str, *,
    complex_ok: bool = False, finite: bool = True,
) -> np.ndarray:
    """``f(x + step)`` as an array of x's shape, raising if it is not finite."""
    # Outside the domain numpy returns NaN with a RuntimeWarning; we raise
    # our own error below instead, so the warning would only be noise.
    # A ComplexWarning means f dropped the imaginary part (float(), math.*):
    # make it an error so that complex_step cannot silently return 0.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        raw = f(x + step)
        if complex_ok:
            fx = np.asarray(raw)
            if fx.dtype == object or fx.dtype.kind in "USa" or raw is None:
                fx = check_callback_output(raw, f"f({where})")
            elif not np.issubdtype(fx.dtype, np.number) and fx.dtype != np.bool_:
                raise TypeError(f"f({where}) returned dtype {fx.dtype}; f must return numbers")
        else:
            fx = check_callback_output(raw, f"f({where})")
        if fx.shape != x.shape:
            if fx.size == 1 and x.size == 1:
                fx = fx.reshape(x.shape)
            elif fx.ndim == 0 and np.asarray(f(x)).shape == () and np.all(f(x) == fx):
                fx = np.broadcast_to(fx, x.shape)  # a constant f: f(x) = c everywhere
            else:
                raise ValueError(
                    f"f must act elementwise (output shape = input shape), but "
                    f"f({where}) has shape {fx.shape} for input shape {x.shape}; "
                    f"for a function of several variables use numeric_gradient "
                    f"(a constant f may return c + 0 * x)"
                )
    if finite:
        _check_finite(fx, x, where)
    return fx


def _check_finite(fx: np.ndarray, x: Floats, where: str) -> None:
    finite = np.isfinite(fx)
    if np.all(finite):
        return
    i = int(np.flatnonzero(~finite.ravel())[0])
    value = fx.ravel()[i]
    if np.isinf(value):
        raise ValueError(
            f"f({where}) is {value.real:g} at x={x.ravel()[i]:g} (index {i}): "
            f"f overflowed float64 or x +/- h hits a pole of f; rescale x or "
            f"f so that the values stay below 1.8e308, or move x away from "
            f"the pole"
        )
    raise ValueError(
        f"f({where}) is not finite at x={x.ravel()[i]:g} (index {i}); "
        f"x or x +/- h lies outside the domain of f (e.g. log of a "
        f"negative number): move x inside the domain or pass a smaller h"
    )


def _best_step(
    difference: Callable[[Floats, bool], tuple[Floats, Floats]],
    steps: list[Floats],
    order: int,
    x: Floats,
    name: str,
    chosen: list[Floats] | None = None,
) -> Floats:
    """The difference quotient at the candidate step with the least estimated error.

    ``difference(h, strict)`` returns the quotient D(h) and its rounding
    error (about eps |f| / h**k for the k-th derivative); with ``strict``
    it raises on non-finite values of f. The truncation error of D(h) is
    c h**order, so D(2h) - D(h) = (2**order - 1) c h**order estimates it.
    A point where even the best step leaves an estimated error above 0.1 %
    of the derivative (and far above rounding) raises ValueError rather
    than returning a number that may be garbage. The chosen steps are
    appended to `chosen` when it is given.
    """
    if len(steps) == 1:
        if chosen is not None:
            chosen.append(steps[0])
        return difference(steps[0], True)[0]
    best = best_error = best_rounding = step = np.empty(0)
    for j, h in enumerate(steps):
        d, rounding = difference(h, False)
        d2, _ = difference(2.0 * h, False)
        with np.errstate(invalid="ignore", over="ignore"):
            error = np.abs(d2 - d) / (2**order - 1) + rounding
        error = np.where(np.isfinite(error) & np.isfinite(d), error, np.inf)
        if j == 0:
            best, best_error, best_rounding = np.array(d, dtype=float), error, np.array(rounding)
            step = np.array(np.broadcast_to(h, best.shape), dtype=float)
        else:
            better = error < best_error
            best[better], best_error[better] = d[better], error[better]
            best_rounding[better] = rounding[better]
            step[better] = np.broadcast_to(h, best.shape)[better]
    if not np.all(np.isfinite(best_error)):
        difference(steps[-1], True)  # raises with the point and the reason
    # written as "not <=" so that a point where no step gave a finite estimate (best is NaN: f is finite at
    # the smallest step but not at its double) counts as unreliable too, instead of returning NaN
    unreliable = ~(best_error <= 1e-3 * np.abs(best) + 1e3 * best_rounding)
    if np.any(unreliable):
        i = int(np.flatnonzero(unreliable.ravel())[0])
        raise ValueError(
            f"{name}: no step gives a reliable estimate at x={x.ravel()[i]:.6g} "
            f"(estimated error {best_error.ravel()[i]:.3g} for a derivative of "
            f"{best.ravel()[i]:.3g}); x may be too large for the spacing of "
            f"floats near it, or f may not be smooth there: rescale x (shift "
            f"it near 0), or pass h explicitly"
        )
    if chosen is not None:
        chosen.append(step)
    return best


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
        Step; default :math:`\sqrt{\varepsilon}` for :math:`|x| \le 1`,
        else the step between that and :math:`\sqrt{\varepsilon}|x|`
        with the least estimated error (see the module docstring).

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

    def difference(step: Floats, strict: bool) -> tuple[Floats, Floats]:
        f_plus = _evaluate(f, x, step, "x + h", finite=strict)
        f_zero = _evaluate(f, x, 0.0, "x", finite=strict)
        with np.errstate(all="ignore"):
            return (f_plus - f_zero) / step, 2 * _EPS * np.abs(f_zero) / step

    if h is not None:
        return _result(difference(_step(x, h, "forward_difference"), True)[0])
    return _result(_best_step(difference, _candidates(x, 1 / 2), 1, x, "forward_difference"))


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
        Step; default :math:`\varepsilon^{1/3}` for :math:`|x| \le 1`,
        else the step between that and :math:`\varepsilon^{1/3}|x|` with
        the least estimated error (see the module docstring).

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

    def difference(step: Floats, strict: bool) -> tuple[Floats, Floats]:
        f_plus = _evaluate(f, x, step, "x + h", finite=strict)
        f_minus = _evaluate(f, x, -step, "x - h", finite=strict)
        with np.errstate(all="ignore"):
            size = np.maximum(np.abs(f_plus), np.abs(f_minus))
            return (f_plus - f_minus) / (2 * step), _EPS * size / step

    if h is not None:
        return _result(difference(_step(x, h, "central_difference"), True)[0])
    return _result(_best_step(difference, _candidates(x, 1 / 3), 2, x, "central_difference"))


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
        fz = _evaluate(f, x, 1j * h, "x + ih", complex_ok=True)
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
        Step; default :math:`\varepsilon^{1/4}` for :math:`|x| \le 1`
        (rounding error now grows like :math:`\varepsilon / h^2`), else
        the step between that and :math:`\varepsilon^{1/4}|x|` with the
        least estimated error.

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

    def difference(step: Floats, strict: bool) -> tuple[Floats, Floats]:
        f_plus = _evaluate(f, x, step, "x + h", finite=strict)
        f_zero = _evaluate(f, x, 0.0, "x", finite=strict)
        f_minus = _evaluate(f, x, -step, "x - h", finite=strict)
        with np.errstate(all="ignore"):
            size = np.maximum(np.abs(f_plus), np.abs(f_minus))
            return (f_plus - 2 * f_zero + f_minus) / step**2, 4 * _EPS * size / step**2

    if h is not None:
        return _result(difference(_step(x, h, "second_difference"), True)[0])
    return _result(_best_step(difference, _candidates(x, 1 / 4), 2, x, "second_difference"))


@dataclass(frozen=True, eq=False)  # eq=False: fields may be arrays
class DerivativeEstimate:
    """Outcome of :func:`richardson_derivative`.

    Attributes
    ----------
    value : float or ndarray of x's shape
        The extrapolated derivative.
    error : float or ndarray of x's shape
        Its estimated absolute error: the change between the last two
        extrapolations (an estimate, not a bound).
    """

    value: float | np.ndarray
    error: float | np.ndarray

    def __repr__(self) -> str:
        value = np.array2string(np.asarray(self.value), precision=6)
        error = np.array2string(np.asarray(self.error), precision=6)
        return f"DerivativeEstimate(value={value}, error={error})"


def richardson_derivative(
    f: Callable[[np.ndarray], np.ndarray],
    x: ArrayLike,
    h: float = 0.1,
    max_levels: int = 10,
) -> DerivativeEstimate:
    r"""Return :math:`f'(x)` by Richardson extrapolation, with an error estimate.

    Central differences :math:`D(h) = (f(x+h) - f(x-h))/2h` have the error
    expansion :math:`c_1 h^2 + c_2 h^4 + \dots`, so combining the values at
    :math:`h, h/t, h/t^2, \dots` (:math:`t = 1.4`) cancels one term after the
    other (Neville's table; Ridders' method, *Numerical Recipes* 5.7, the
    idea behind ``scipy.differentiate.derivative``). The estimate with the
    least change from its neighbours in the table is returned with that
    change as its error; the search stops once rounding makes the table
    worse. Accurate to about 1e-13 relative for smooth f.

    Parameters
    ----------
    f : callable
        Scalar function applied elementwise to arrays.
    x : float or ndarray of any shape
    h : float, default 0.1
        The largest step (in the units of x, whatever the size of x): f
        must be defined on :math:`[x - h, x + h]`; shrink h for an f that
        varies on a shorter scale.
    max_levels : int, default 10
        Rows of the table (calls of f: two per row).

    Returns
    -------
    DerivativeEstimate
        ``value`` and ``error``, floats for a scalar x, else arrays of x's
        shape.

    Examples
    --------
    >>> est = richardson_derivative(np.sin, 1e6)
    >>> bool(abs(est.value - np.cos(1e6)) < 1e-9), bool(est.error < 1e-9)
    (True, True)
    """
    f = check_callable(f, "f")
    x = as_float_array(x, "x")
    h0 = check_positive(h, "h")
    levels = check_int(max_levels, "max_levels", minimum=2, maximum=50)
    shrink = 1.4
    step = _rounded(x, np.full(x.shape, h0))
    def quotient(step: Floats) -> Floats:
        f_plus = _evaluate(f, x, step, "x + h")
        return np.asarray((f_plus - _evaluate(f, x, -step, "x - h")) / (2 * step), dtype=float)

    table = [quotient(step)]
    value, error = np.array(table[0]), np.full(x.shape, np.inf)
    for i in range(1, levels):
        step = _rounded(x, step / shrink)
        if np.any(step == 0):
            break
        row = [quotient(step)]
        factor = shrink**2
        for j in range(1, i + 1):  # eliminate the h**(2j) term
            row.append(np.asarray((row[j - 1] * factor - table[j - 1]) / (factor - 1)))
            factor *= shrink**2
            change = np.asarray(np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - table[j - 1])))
            better = change <= error
            value[better], error[better] = row[j][better], change[better]
        # once the diagonal grows by more than twice the best error, rounding dominates
        if np.all(np.abs(row[i] - table[i - 1]) >= 2 * error):
            break
        table = row
    return DerivativeEstimate(_result(value), _result(error))
