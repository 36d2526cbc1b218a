r"""Gradient descent with momentum: the heavy ball and Nesterov's method.

Plain gradient descent forgets its last step. With momentum :math:`\beta`
each step keeps a fraction of the one before, a *velocity* :math:`v`:

.. math:: v_{k+1} = \beta\, v_k + \nabla f(x_k), \qquad
          x_{k+1} = x_k - \eta_k\, v_{k+1}, \qquad v_0 = 0 .

Across a narrow valley successive gradients point in opposite directions
and cancel in :math:`v`; along it they agree and add up, to
:math:`1/(1-\beta)` times one step. Nesterov's method adds the velocity's
next term once more before stepping (a look-ahead). Both are
``torch.optim.SGD`` with ``momentum`` (and ``nesterov=True``), ``dampening=0``
and no weight decay, step for step; with ``momentum=0`` the heavy ball is
:func:`~calcnotes.gradient_descent.gradient_descent`. With a stochastic
`grad` (see :func:`~calcnotes.optim.minibatches.stochastic_gradient`) they
are stochastic gradient descent with momentum.
"""

from __future__ import annotations

from collections.abc import Callable

from numpy.typing import ArrayLike

from ..result import Floats, OptimizeResult
from ._loop import check_fraction, descend
from .schedules import LearningRate, _describe

__all__ = ["heavy_ball", "nesterov"]


def _momentum(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: LearningRate,
    momentum: float,
    look_ahead: bool,
    max_iter: int,
    tol: float,
    f: Callable[[Floats], ArrayLike] | None,
) -> OptimizeResult:
    velocity: Floats | float = 0.0  # v_0 = 0; an array of x's shape after the first step

    def update(x: Floats, g: Floats, eta: float, t: int) -> Floats:
        nonlocal velocity
        velocity = momentum * velocity + g
        return x - eta * (g + momentum * velocity if look_ahead else velocity)

    fix = (f"reduce learning_rate (currently {_describe(learning_rate)}) or "
           f"momentum (currently {momentum:g})")
    return descend(update, grad, x0, learning_rate, max_iter=max_iter, tol=tol,
                   f=f, fix=fix)


def heavy_ball(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: LearningRate,
    momentum: float = 0.9,
    max_iter: int = 1000,
    tol: float = 1e-8,
    f: Callable[[Floats], ArrayLike] | None = None,
) -> OptimizeResult:
    r"""Return the :class:`~calcnotes.result.OptimizeResult` of the heavy-ball method.

    .. math:: v_{k+1} = \beta\, v_k + \nabla f(x_k), \quad
              x_{k+1} = x_k - \eta_k\, v_{k+1}, \quad v_0 = 0,

    stopping when :math:`\lVert \nabla f(x_k) \rVert \le \text{tol}`. With a
    constant rate this is Polyak's
    :math:`x_{k+1} = x_k - \eta \nabla f(x_k) + \beta (x_k - x_{k-1})`.

    Parameters
    ----------
    grad : callable
        :math:`\nabla f`: takes x (a float, or ndarray of shape (n,)) and
        returns a value of the same shape. It may be stochastic (a
        minibatch estimate).
    x0 : float or ndarray of shape (n,)
        Starting point.
    learning_rate : float or callable
        :math:`\eta > 0`, or a schedule ``k -> eta_k`` (see
        :mod:`calcnotes.optim.schedules`).
    momentum : float, default 0.9
        :math:`\beta` in [0, 1); 0 gives plain gradient descent.
    max_iter : int, default 1000
        Most steps to take; reaching it returns ``converged=False``.
    tol : float, default 1e-8
        Stop when the gradient norm is at most `tol`.
    f : callable, optional
        The objective; if given, ``values`` records f along the path.

    Returns
    -------
    OptimizeResult
        ``x``, ``path`` of shape (n_iter + 1,) or (n_iter + 1, n),
        ``n_iter``, ``converged``, ``message`` and ``values``.

    Raises
    ------
    DivergenceError
        If an iterate becomes non-finite or grows beyond 1e12 times the
        start; the message says to reduce `learning_rate` or `momentum`.

    Examples
    --------
    Two steps on :math:`f(x) = x^2` from 1 with :math:`\eta = 0.1`,
    :math:`\beta = 0.5`: :math:`v_1 = 2`, :math:`x_1 = 0.8`;
    :math:`v_2 = 0.5 \cdot 2 + 1.6 = 2.6`, :math:`x_2 = 0.8 - 0.26 = 0.54`.

    >>> result = heavy_ball(lambda x: 2 * x, 1.0, 0.1, momentum=0.5, max_iter=2)
    >>> result.path.round(12)
    array([1.  , 0.8 , 0.54])
    """
    momentum = check_fraction(momentum, "momentum")
    return _momentum(grad, x0, learning_rate, momentum, False, max_iter, tol, f)


def nesterov(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: LearningRate,
    momentum: float = 0.9,
    max_iter: int = 1000,
    tol: float = 1e-8,
    f: Callable[[Floats], ArrayLike] | None = None,
) -> OptimizeResult:
    r"""Return the :class:`~calcnotes.result.OptimizeResult` of Nesterov's method.

    .. math:: v_{k+1} = \beta\, v_k + \nabla f(x_k), \quad
              x_{k+1} = x_k - \eta_k \bigl(\nabla f(x_k) + \beta\, v_{k+1}\bigr),
              \quad v_0 = 0 .

    The step is the heavy ball's with the velocity's next term added once
    more: it looks one step ahead. (The textbook form evaluates the gradient
    at the look-ahead point :math:`y_k = x_k + \beta (x_k - x_{k-1})`; with a
    constant rate these :math:`x_k` are its look-ahead points, and both
    forms take the same steps.) This is ``torch.optim.SGD(nesterov=True)``.

    Parameters
    ----------
    grad : callable
        :math:`\nabla f`: takes x (a float, or ndarray of shape (n,)) and
        returns a value of the same shape; it may be stochastic.
    x0 : float or ndarray of shape (n,)
        Starting point.
    learning_rate : float or callable
        :math:`\eta > 0`, or a schedule ``k -> eta_k``.
    momentum : float, default 0.9
        :math:`\beta` in (0, 1).
    max_iter : int, default 1000
        Most steps to take; reaching it returns ``converged=False``.
    tol : float, default 1e-8
        Stop when the gradient norm is at most `tol`.
    f : callable, optional
        The objective; if given, ``values`` records f along the path.

    Returns
    -------
    OptimizeResult
        As :func:`heavy_ball`.

    Raises
    ------
    DivergenceError
        If an iterate becomes non-finite or grows beyond 1e12 times the
        start; the message says to reduce `learning_rate` or `momentum`.

    Examples
    --------
    Two steps on :math:`f(x) = x^2` from 1 with :math:`\eta = 0.1`,
    :math:`\beta = 0.5`: :math:`v_1 = 2`, :math:`x_1 = 1 - 0.1 (2 + 1) = 0.7`;
    :math:`v_2 = 1 + 1.4 = 2.4`, :math:`x_2 = 0.7 - 0.1 (1.4 + 1.2) = 0.44`.

    >>> result = nesterov(lambda x: 2 * x, 1.0, 0.1, momentum=0.5, max_iter=2)
    >>> result.path.round(12)
    array([1.  , 0.7 , 0.44])
    """
    momentum = check_fraction(momentum, "momentum", allow_zero=False)
    return _momentum(grad, x0, learning_rate, momentum, True, max_iter, tol, f)
