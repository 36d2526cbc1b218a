r"""Gradient descent: step against the gradient until it vanishes.

.. math:: x_{k+1} = x_k - \eta \, \nabla f(x_k)

with learning rate :math:`\eta` (``learning_rate``). Near a minimum where
:math:`f'' \le L`, the iteration converges for :math:`\eta < 2/L` and
diverges beyond; a run that diverges raises
:class:`~calcnotes.result.DivergenceError` rather than returning NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_callable, check_positive
from .result import OptimizeResult, _iterate

Floats = NDArray[np.float64]

__all__ = ["gradient_descent"]


def gradient_descent(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: float,
    max_iter: int = 1000,
    tol: float = 1e-8,
    f: Callable[[Floats], ArrayLike] | None = None,
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

    Returns
    -------
    OptimizeResult
        ``x``, ``path`` of shape (n_iter + 1,) or (n_iter + 1, n),
        ``n_iter``, ``converged``, ``message`` and ``values``.

    Raises
    ------
    DivergenceError
        If an iterate becomes non-finite or exceeds 1e12 times max(1, |x0|) (or f
        does); the message says to reduce `learning_rate`.

    Examples
    --------
    >>> result = gradient_descent(lambda x: 2 * (x - 3), x0=0.0, learning_rate=0.1)
    >>> round(result.x, 6), result.converged
    (3.0, True)
    """
    grad = check_callable(grad, "grad")
    learning_rate = check_positive(learning_rate, "learning_rate")
    if f is not None:
        f = check_callable(f, "f")
    return _iterate(
        lambda x, g: x - learning_rate * g,
        grad,
        x0,
        max_iter=max_iter,
        tol=tol,
        f=f,
        fix=f"reduce learning_rate, currently {learning_rate:g}",
        residual_name="grad f(x)",
    )
