"""Optimisation in practice: momentum, Adam, learning-rate schedules, minibatches.

Every optimiser returns the :class:`~calcnotes.result.OptimizeResult` of
:func:`~calcnotes.gradient_descent.gradient_descent` (final point, whole
path, iterations, converged) and raises its
:class:`~calcnotes.result.DivergenceError` when a run blows up. One concept
per module:

- :mod:`calcnotes.optim.momentum`: :func:`heavy_ball`, :func:`nesterov`;
- :mod:`calcnotes.optim.adam`: :func:`adam`;
- :mod:`calcnotes.optim.schedules`: :class:`StepDecay`,
  :class:`ExponentialDecay`, :class:`InverseTimeDecay`, :class:`CosineDecay`;
- :mod:`calcnotes.optim.minibatches`: :class:`Minibatches`,
  :func:`stochastic_gradient`.
"""

from .adam import adam
from .minibatches import Minibatches, StochasticGradient, stochastic_gradient
from .momentum import heavy_ball, nesterov
from .schedules import CosineDecay, ExponentialDecay, InverseTimeDecay, StepDecay

__all__ = [
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "Minibatches",
    "StepDecay",
    "StochasticGradient",
    "adam",
    "heavy_ball",
    "nesterov",
    "stochastic_gradient",
]
