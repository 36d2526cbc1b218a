r"""Gradient descent: step against the gradient until it vanishes.

.. math:: x_{k+1} = x_k - \eta \, \nabla f(x_k)

with learning rate :math:`\eta` (``learning_rate``). Near a minimum where
:math:`f'' \le L`, the iteration converges for :math:`\eta < 2/L` and
diverges beyond; a run that diverges raises
:class:`~calcnotes.result.DivergenceError` rather than returning NaN.

With ``line_search="backtracking"`` each step starts at :math:`t = \eta`
and halves :math:`t` until Armijo's sufficient-decrease condition

.. math:: f(x_k - t\,\nabla f(x_k)) \le f(x_k) - c\,t\,
          \lVert\nabla f(x_k)\rVert^2, \qquad c = 10^{-4},

holds (up to rounding: near the minimum, where f changes by less than
its rounding, the first trial may raise f by :math:`10^{-12}|f(x_k)|`;
the halved ones must descend).
Below :math:`\eta < 2(1 - c)/L` no step is ever halved, and the iterates
are those of plain gradient descent; above, a step that would raise f is
cut instead of diverging. The models' fits use it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_bool, check_callable, check_choice, check_positive
from .result import DivergenceError, OptimizeResult, _call, _iterate, _Remembered

Floats = NDArray[np.float64]

__all__ = ["gradient_descent"]

ARMIJO = 1e-4
"""Armijo's constant c of the backtracking line searches (gradient descent, Newton)."""
ROUNDING = 1e-12
"""A first trial step may raise f by this fraction of |f| (rounding near the minimum)."""
MAX_HALVINGS = 60
"""Halvings of a step before a line search gives up (2**-60 of the first trial)."""


def _check_line_search(line_search: object, f: object) -> str | None:
    """The checked `line_search` option of gradient_descent and newton_minimize."""
    if line_search is None:
        return None
    checked = check_choice(line_search, "line_search", ("backtracking",))
    if f is None:
        raise ValueError("line_search='backtracking' compares values of f: pass the objective as f=...")
    return checked


def _armijo(
    f: Callable[[Floats], object],
    x: Floats,
    direction: Floats,
    slope: float,
    t: float,
    fix: str,
) -> Floats:
    r"""Return ``x + s * direction`` for the first ``s = t, t/2, ...`` meeting Armijo's condition.

    ``slope`` is the directional derivative :math:`\nabla f^\top d < 0`;
    non-finite trial values count as too high. Raises DivergenceError after
    `MAX_HALVINGS` halvings, or once the step no longer moves x, naming `fix`;
    but if no trial changed f beyond rounding (f is flat in float64 there),
    the first trial is taken.
    """
    known = f.last_value(x) if isinstance(f, _Remembered) else None  # f(x), just recorded
    fx = known if known is not None else _call(f, x, "f(x)", ()).item()
    allowance = ROUNDING * abs(fx)  # for the first trial only: the halvings must descend
    first: Floats | None = None
    flat = True  # every trial left f as it was, to rounding: f is flat here in float64
    for _ in range(MAX_HALVINGS + 1):
        trial: Floats = x + t * direction  # (inside _iterate's errstate: no warning)
        if np.array_equal(trial, x):
            break  # the step is below the resolution of x: stalled
        first = trial if first is None else first
        value = _call(f, trial, "f(x)", ()).item() if np.isfinite(trial).all() else np.inf
        if np.isfinite(value) and value <= fx + ARMIJO * t * slope + allowance:
            return trial
        flat = flat and abs(value - fx) <= ROUNDING * abs(fx)
        t /= 2
        allowance = 0.0
    if flat and first is not None:
        # Near a minimum f can stop changing in float64 (sqrt(1 + x^2) - 1 is 0 for
        # |x| < 1e-8) while the gradient is still above tol: no trial can show the
        # decrease Armijo asks for, and none raises f. The first trial is taken.
        return first
    raise DivergenceError(
        f"the line search found no step that lowers f from x = "
        f"{np.array2string(np.asarray(x), precision=6)} (halving the first trial step "
        f"until it no longer moves x, at most {MAX_HALVINGS} times); {fix}"
    )


def gradient_descent(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: float,
    max_iter: int = 1000,
    tol: float = 1e-8,
    f: Callable[[Floats], ArrayLike] | None = None,
    line_search: str | None = None,
    keep_path: bool = True,
) -> OptimizeResult:
    r"""Return the :class:`OptimizeResult` of gradient descent from `x0`.

    .. math:: x_{k+1} = x_k - \eta \, \nabla f(x_k), \quad
              \text{stop when } \lVert \nabla f(x_k) \rVert \le \text{tol}.

    Parameters
    ----------
    grad : callable
        :math:`\nabla f`: takes x (a float, or ndarray of shape (n,)) and
        returns a value of the same shape.
    x0 : float or ndarray of shape (n,)
        Starting point; a float runs the one-variable version.
    learning_rate : float
        Step size :math:`\eta > 0`.
    max_iter : int, default 1000
        Most steps to take; reaching it returns ``converged=False``.
    tol : float, default 1e-8
        Stop when the gradient norm is at most `tol`.
    f : callable, optional
        The objective; if given, ``values`` records f along the path and a
        non-finite or exploding f counts as divergence.
    line_search : {None, "backtracking"}, default None
        ``None``: every step is ``learning_rate`` times the gradient.
        ``"backtracking"`` (needs `f`): the step starts at `learning_rate`
        and is halved until Armijo's condition
        :math:`f(x - t g) \le f(x) - 10^{-4}\,t\lVert g\rVert^2` holds
        (see the module docstring).
    keep_path : bool, default True
        ``False`` keeps only x0 and the final x in ``path`` (a model's fit
        with many parameters and steps needs ``values``, not every iterate).

    Returns
    -------
    OptimizeResult
        ``x``, ``path`` of shape (n_iter + 1,) or (n_iter + 1, n),
        ``n_iter``, ``converged``, ``message`` and ``values``.

    Raises
    ------
    DivergenceError
        If an iterate becomes non-finite or exceeds 1e12 times max(1, |x0|) (or f
        does); the message says to reduce `learning_rate`. With backtracking,
        also if 60 halvings of a step find no decrease of f.

    Examples
    --------
    >>> result = gradient_descent(lambda x: 2 * (x - 3), x0=0.0, learning_rate=0.1)
    >>> round(result.x, 6), result.converged
    (3.0, True)

    The rate :math:`2/f'' = 1` would jump between 0 and 6 for ever;
    backtracking tries 1 (f(6) = f(0): no decrease), then 1/2, which lands
    on the minimum:

    >>> f = lambda x: (x - 3) ** 2
    >>> result = gradient_descent(lambda x: 2 * (x - 3), 0.0, learning_rate=1.0,
    ...                           f=f, line_search="backtracking")
    >>> result.path, result.converged
    (array([0., 3.]), True)
    """
    grad = check_callable(grad, "grad")
    learning_rate = check_positive(learning_rate, "learning_rate")
    keep_path = check_bool(keep_path, "keep_path")
    line_search = _check_line_search(line_search, f)
    objective = None if f is None else _Remembered(check_callable(f, "f"))
    fix = f"reduce learning_rate, currently {learning_rate:g}"
    if line_search is None:
        def step(x: Floats, g: Floats) -> Floats:
            new: Floats = x - learning_rate * g
            return new
    else:
        assert objective is not None
        searched = objective

        def step(x: Floats, g: Floats) -> Floats:
            return _armijo(searched, x, -g, -float(np.sum(g * g)), learning_rate, fix)
    return _iterate(
        step,
        grad,
        x0,
        max_iter=max_iter,
        tol=tol,
        f=objective,
        fix=fix,
        residual_name="grad f(x)",
        keep_path=keep_path,
    )
