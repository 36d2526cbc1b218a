r"""Learning-rate schedules: the rate :math:`\eta_k` of step k = 0, 1, 2, ...

A constant rate that is small enough for the steepest direction is slow in
the flat ones, and with a stochastic gradient it never settles: the iterates
hover around the minimum at a distance that shrinks with the rate. A
schedule starts large and decays. Every optimiser of :mod:`calcnotes.optim`
takes either a float or one of these (any callable ``k -> rate`` works).

================  =================================================================  =====================
schedule          :math:`\eta_k`                                                     ``torch.optim``
================  =================================================================  =====================
StepDecay         :math:`\eta\,\gamma^{\lfloor k/s \rfloor}`                         ``StepLR``
ExponentialDecay  :math:`\eta\,\gamma^{k}`                                           ``ExponentialLR``
InverseTimeDecay  :math:`\eta / (1 + d\,k)`                                          ``LambdaLR``
CosineDecay       :math:`\eta_{\min} + (\eta - \eta_{\min})\,(1 + \cos(\pi k/K))/2`  ``CosineAnnealingLR``
================  =================================================================  =====================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .._validation import check_int, check_positive

__all__ = ["CosineDecay", "ExponentialDecay", "InverseTimeDecay", "StepDecay"]

# A constant rate, or a schedule: any callable k -> rate of the step k = 0, 1, 2, ...
LearningRate = float | Callable[[int], float]


def _factor(value: object, name: str) -> float:
    """A decay factor in (0, 1]: 1 keeps the rate, smaller ones shrink it."""
    value = check_positive(value, name)
    if value > 1:
        raise ValueError(
            f"{name} must be in (0, 1], got {value}; a factor above 1 makes the "
            f"rate grow at every decay (use e.g. 0.5 to halve it)"
        )
    return value


def _set(schedule: Schedule, name: str, value: object) -> None:
    """Store a checked field of a frozen dataclass."""
    object.__setattr__(schedule, name, value)


class Schedule:
    """A learning rate per step: ``schedule(k)`` is the rate of step k (k >= 0)."""

    def __call__(self, k: int) -> float:
        return self._rate(check_int(k, "k", minimum=0))

    def _rate(self, k: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class StepDecay(Schedule):
    r"""Multiply the rate by `gamma` every `step_size` steps.

    .. math:: \eta_k = \eta\, \gamma^{\lfloor k / s \rfloor}, \quad s = \text{step\_size}

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of the first `step_size` steps.
    step_size : int
        :math:`s \ge 1`: steps between two decays.
    gamma : float, default 0.1
        :math:`\gamma` in (0, 1]: the factor of each decay.

    Examples
    --------
    >>> schedule = StepDecay(0.1, step_size=2, gamma=0.5)
    >>> [schedule(k) for k in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    learning_rate: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _set(self, "learning_rate", check_positive(self.learning_rate, "learning_rate"))
        _set(self, "step_size", check_int(self.step_size, "step_size", minimum=1))
        _set(self, "gamma", _factor(self.gamma, "gamma"))

    def _rate(self, k: int) -> float:
        return self.learning_rate * self.gamma ** (k // self.step_size)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    r"""Multiply the rate by `gamma` at every step.

    .. math:: \eta_k = \eta\, \gamma^{k}

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of step 0.
    gamma : float
        :math:`\gamma` in (0, 1]; ``gamma = r ** (1 / K)`` reaches
        :math:`r\,\eta` at step K.

    Examples
    --------
    >>> schedule = ExponentialDecay(0.1, gamma=0.5)
    >>> [schedule(k) for k in range(4)]
    [0.1, 0.05, 0.025, 0.0125]
    """

    learning_rate: float
    gamma: float

    def __post_init__(self) -> None:
        _set(self, "learning_rate", check_positive(self.learning_rate, "learning_rate"))
        _set(self, "gamma", _factor(self.gamma, "gamma"))

    def _rate(self, k: int) -> float:
        return self.learning_rate * self.gamma**k


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    r"""The 1/t schedule: the rate falls like one over the step number.

    .. math:: \eta_k = \frac{\eta}{1 + d\,k}, \quad d = \text{decay}

    Its rates add up to infinity while their squares do not
    (:math:`\sum_k \eta_k = \infty`, :math:`\sum_k \eta_k^2 < \infty`), the
    classical condition (Robbins and Monro) under which stochastic gradient
    descent converges to the minimum instead of hovering near it.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of step 0.
    decay : float
        :math:`d \ge 0`: the rate is halved at step :math:`1/d` (0 keeps it
        constant).

    Examples
    --------
    >>> schedule = InverseTimeDecay(0.1, decay=1.0)
    >>> [round(schedule(k), 6) for k in range(4)]
    [0.1, 0.05, 0.033333, 0.025]
    """

    learning_rate: float
    decay: float

    def __post_init__(self) -> None:
        _set(self, "learning_rate", check_positive(self.learning_rate, "learning_rate"))
        _set(self, "decay", check_positive(self.decay, "decay", strict=False))

    def _rate(self, k: int) -> float:
        return self.learning_rate / (1.0 + self.decay * k)


@dataclass(frozen=True)
class CosineDecay(Schedule):
    r"""Half a cosine from `learning_rate` down to `min_rate` over `n_steps`.

    .. math:: \eta_k = \eta_{\min} + (\eta - \eta_{\min})\,
              \frac{1 + \cos(\pi k / K)}{2}, \quad 0 \le k \le K = \text{n\_steps},

    and :math:`\eta_k = \eta_{\min}` after step K. Flat at the start, steepest
    in the middle, flat again at the end.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`, the rate of step 0.
    n_steps : int
        :math:`K \ge 1`: the step at which the rate reaches `min_rate`.
    min_rate : float, default 0.0
        :math:`\eta_{\min}`, between 0 and `learning_rate`.

    Examples
    --------
    >>> schedule = CosineDecay(0.1, n_steps=4)
    >>> [round(schedule(k), 6) for k in range(6)]
    [0.1, 0.085355, 0.05, 0.014645, 0.0, 0.0]
    """

    learning_rate: float
    n_steps: int
    min_rate: float = 0.0

    def __post_init__(self) -> None:
        _set(self, "learning_rate", check_positive(self.learning_rate, "learning_rate"))
        _set(self, "n_steps", check_int(self.n_steps, "n_steps", minimum=1))
        min_rate = check_positive(self.min_rate, "min_rate", strict=False)
        if min_rate > self.learning_rate:
            raise ValueError(
                f"min_rate must be at most learning_rate = {self.learning_rate:g}, got "
                f"{min_rate:g}; the schedule decays from learning_rate to min_rate"
            )
        _set(self, "min_rate", min_rate)

    def _rate(self, k: int) -> float:
        if k >= self.n_steps:
            return self.min_rate
        cosine = (1.0 + math.cos(math.pi * k / self.n_steps)) / 2.0
        return self.min_rate + (self.learning_rate - self.min_rate) * cosine


def as_schedule(learning_rate: LearningRate) -> Callable[[int], float]:
    """`learning_rate` (a float or a callable ``k -> rate``) as a checked schedule.

    A float gives a constant rate. A callable's rate is checked at each step:
    it must be a finite real number >= 0 (0 is allowed: a cosine decay ends
    there).

    Examples
    --------
    >>> as_schedule(0.05)(7)
    0.05
    """
    if callable(learning_rate):
        schedule = learning_rate

        def checked(k: int) -> float:
            rate: object = schedule(k)  # a user's callable: check what it returned
            if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)):
                raise TypeError(
                    f"learning_rate schedule {schedule!r} returned {type(rate).__name__} "
                    f"{rate!r} at step {k}; it must return a float"
                )
            if not (np.isfinite(rate) and rate >= 0):
                raise ValueError(
                    f"learning_rate schedule {schedule!r} returned {rate} at step {k}; "
                    f"a rate must be finite and >= 0"
                )
            return float(rate)

        return checked
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (Real, np.number)):
        raise TypeError(
            f"learning_rate must be a float or a schedule (a callable k -> rate, such "
            f"as StepDecay(0.1, step_size=100)), got {type(learning_rate).__name__} "
            f"{learning_rate!r}"
        )
    rate = check_positive(learning_rate, "learning_rate")
    return lambda k: rate


def _describe(learning_rate: LearningRate) -> str:
    """How an error message names the rate: ``0.05`` or the schedule's repr."""
    return repr(learning_rate) if callable(learning_rate) else f"{float(learning_rate):g}"
