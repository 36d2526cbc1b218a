r"""Adam: momentum, with each coordinate's step divided by its gradient's size.

Adam (Kingma and Ba, 2015) keeps two running averages of the gradient
:math:`g_t = \nabla f(x_{t-1})` at step :math:`t = 1, 2, \dots`: its mean
:math:`m` (a velocity, as in momentum) and the mean of its square :math:`s`
(elementwise), both corrected for starting at zero, and steps by their ratio:

.. math::

    m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
    s_t = \beta_2 s_{t-1} + (1 - \beta_2)\, g_t^2, \\
    \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad
    \hat s_t = \frac{s_t}{1 - \beta_2^t}, \qquad
    x_t = x_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat s_t} + \varepsilon} .

Dividing by :math:`\sqrt{\hat s}` rescales every coordinate to steps of
about :math:`\eta`, whatever the size of its gradient: a diagonal
preconditioner. It cannot undo a valley that is tilted against the axes.
This is ``torch.optim.Adam`` (no weight decay, ``amsgrad=False``) step for
step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_positive
from ..result import Floats, OptimizeResult
from ._loop import check_fraction, descend
from .schedules import LearningRate, _describe

__all__ = ["adam"]


def adam(
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: LearningRate = 0.001,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    max_iter: int = 1000,
    tol: float = 1e-8,
    f: Callable[[Floats], ArrayLike] | None = None,
) -> OptimizeResult:
    r"""Return the :class:`~calcnotes.result.OptimizeResult` of Adam from `x0`.

    .. math:: x_t = x_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat s_t} + \varepsilon},

    with the bias-corrected averages :math:`\hat m_t` of the gradient and
    :math:`\hat s_t` of its elementwise square (module docstring); stop when
    :math:`\lVert \nabla f \rVert \le \text{tol}`.

    Parameters
    ----------
    grad : callable
        :math:`\nabla f`: takes x (a float, or ndarray of shape (n,)) and
        returns a value of the same shape; it may be stochastic.
    x0 : float or ndarray of shape (n,)
        Starting point.
    learning_rate : float or callable, default 0.001
        :math:`\eta > 0`, or a schedule ``k -> eta_k``. Each coordinate
        moves by at most about :math:`\eta` per step.
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1): how slowly the averages
        of :math:`g` and :math:`g^2` forget.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, keeps the division finite where
        :math:`\hat s = 0`.
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
        If an iterate, or the average of :math:`g^2`, becomes non-finite or
        an iterate grows beyond 1e12 times the start.

    Examples
    --------
    The first step moves every coordinate by :math:`\eta` against the sign of
    its gradient (:math:`\hat m_1 = g_1`, :math:`\sqrt{\hat s_1} = |g_1|`),
    whatever its size:

    >>> result = adam(lambda x: [2 * x[0], 200 * x[1]], [1.0, 1.0], 0.1,
    ...               eps=1e-12, max_iter=1)
    >>> result.path[1].round(9)
    array([0.9, 0.9])
    """
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise TypeError(
            f"betas must be a pair (beta1, beta2), got {type(betas).__name__} "
            f"{betas!r}; pass e.g. betas=(0.9, 0.999)"
        )
    beta1 = check_fraction(betas[0], "betas[0]")
    beta2 = check_fraction(betas[1], "betas[1]")
    eps = check_positive(eps, "eps")
    mean: Floats | float = 0.0  # m_0 = s_0 = 0; arrays of x's shape after the first step
    mean_square: Floats | float = 0.0

    def update(x: Floats, g: Floats, eta: float, t: int) -> Floats:
        nonlocal mean, mean_square
        mean = beta1 * mean + (1 - beta1) * g
        with np.errstate(over="ignore"):           # checked on the next line
            mean_square = beta2 * mean_square + (1 - beta2) * g * g
        if not np.all(np.isfinite(mean_square)):   # g^2 overflowed float64
            return np.full_like(x, np.nan)         # reported as divergence
        # sqrt(s_hat) + eps, written as torch.optim.Adam evaluates it
        denominator: Floats = np.sqrt(mean_square) / np.sqrt(1 - beta2**t) + eps
        return x - (eta / (1 - beta1**t)) * mean / denominator

    fix = (f"reduce learning_rate (currently {_describe(learning_rate)}); Adam moves "
           f"each coordinate by about learning_rate per step")
    return descend(update, grad, x0, learning_rate, max_iter=max_iter, tol=tol,
                   f=f, fix=fix)
