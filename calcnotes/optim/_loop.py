"""The loop every optimiser of calcnotes.optim shares with gradient descent.

Each optimiser supplies only its update ``x_{k+1} = update(x_k, g_k, rate_k, t)``
(with ``t = k + 1`` the step number, and its own state such as a velocity kept
in a closure); the iteration, the stopping test ``||grad f|| <= tol``, the
:class:`~calcnotes.result.OptimizeResult` and the
:class:`~calcnotes.result.DivergenceError` are those of
:func:`~calcnotes.gradient_descent.gradient_descent`.
"""

from __future__ import annotations

from collections.abc import Callable

from numpy.typing import ArrayLike

from .._validation import check_callable, check_positive
from ..result import Floats, OptimizeResult, _iterate
from .schedules import LearningRate, as_schedule

Update = Callable[[Floats, Floats, float, int], Floats]


def descend(
    update: Update,
    grad: Callable[[Floats], ArrayLike],
    x0: ArrayLike,
    learning_rate: LearningRate,
    *,
    max_iter: int,
    tol: float,
    f: Callable[[Floats], ArrayLike] | None,
    fix: str,
) -> OptimizeResult:
    """Run ``update`` from `x0` until ``||grad(x)|| <= tol`` or `max_iter` steps."""
    grad = check_callable(grad, "grad")
    if f is not None:
        f = check_callable(f, "f")
    rate = as_schedule(learning_rate)
    steps_taken = 0

    def step(x: Floats, g: Floats) -> Floats:
        nonlocal steps_taken
        eta = rate(steps_taken)
        steps_taken += 1
        return update(x, g, eta, steps_taken)

    return _iterate(step, grad, x0, max_iter=max_iter, tol=tol, f=f, fix=fix,
                    residual_name="grad f(x)")


def check_fraction(value: object, name: str, *, allow_zero: bool = True) -> float:
    """A real number in [0, 1) (or (0, 1)): a momentum or an averaging weight."""
    value = check_positive(value, name, strict=False)
    if value == 0 and not allow_zero:
        raise ValueError(
            f"{name} must be > 0 here, got 0; without momentum use "
            f"heavy_ball(momentum=0) or gradient_descent"
        )
    if value >= 1:
        raise ValueError(
            f"{name} must be below 1, got {value:g}; at 1 or more the old steps "
            f"never fade out (typical values are 0.9 or 0.99)"
        )
    return value
