r"""Forward mode: dual numbers carry a derivative along with each value.

A dual number :math:`a + \dot a\,\varepsilon` with :math:`\varepsilon^2 = 0`
turns Taylor's :math:`f(a + \dot a \varepsilon) = f(a) + f'(a)\,\dot a\,
\varepsilon` into arithmetic: every operation updates the value and its
derivative together, by the rule of that operation, in the same pass. One
pass seeded with a direction :math:`v` (``Dual(x_i, v_i)``) gives the
Jacobian-vector product :math:`Jv`; the gradient of
:math:`f:\mathbb R^n \to \mathbb R` takes n passes (:func:`forward_gradient`),
where reverse mode (:meth:`~calcnotes.autodiff.Tensor.backward`) takes one.

Examples
--------
>>> x = Dual(2.0, 1.0)           # x = 2, seeded with dx/dx = 1
>>> x * x + x.exp()              # d/dx (x^2 + e^x) = 2x + e^x
Dual(value=11.3890561, dot=11.3890561)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real

import numpy as np
from numpy.typing import NDArray

from calcnotes.result import Floats

__all__ = ["Dual", "jvp", "forward_gradient"]

# n real numbers: a point or a direction (a list, a tuple or a 1-D array)
Reals = Sequence[float] | NDArray[np.floating | np.integer]


def _real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"Dual needs real numbers, got {name}={value!r}")
    if not math.isfinite(value):
        raise ValueError(f"Dual needs finite numbers, got {name}={value!r}")
    return float(value)


class Dual:
    r"""A value and its derivative, :math:`a + \dot a\,\varepsilon`.

    Parameters
    ----------
    value : float
    dot : float, default 0.0
        The derivative of `value` along the seeded direction.

    Examples
    --------
    >>> Dual(3.0, 1.0) * Dual(4.0)   # product rule: 1 * 4 + 3 * 0
    Dual(value=12, dot=4)
    """

    __slots__ = ("dot", "value")

    def __init__(self, value: float, dot: float = 0.0) -> None:
        self.value = _real(value, "value")
        self.dot = _real(dot, "dot")

    @staticmethod
    def _lift(other: Dual | float) -> Dual:
        return other if isinstance(other, Dual) else Dual(other)  # a constant

    def __add__(self, other: Dual | float) -> Dual:
        other = self._lift(other)
        return Dual(self.value + other.value, self.dot + other.dot)

    __radd__ = __add__

    def __mul__(self, other: Dual | float) -> Dual:  # (ab)' = a'b + ab'
        other = self._lift(other)
        return Dual(self.value * other.value,
                    self.dot * other.value + self.value * other.dot)

    __rmul__ = __mul__

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.dot)

    def __sub__(self, other: Dual | float) -> Dual:
        return self + (-self._lift(other))

    def __rsub__(self, other: Dual | float) -> Dual:
        return self._lift(other) + (-self)

    def __truediv__(self, other: Dual | float) -> Dual:  # (a/b)' = (a' - (a/b) b')/b
        other = self._lift(other)
        if other.value == 0:
            raise ZeroDivisionError("Dual division by a number whose value is 0")
        q = self.value / other.value
        return Dual(q, (self.dot - q * other.dot) / other.value)

    def __rtruediv__(self, other: Dual | float) -> Dual:
        return self._lift(other) / self

    def __pow__(self, p: float) -> Dual:  # (a^p)' = p a^(p-1) a'
        p = _real(p, "exponent")
        return Dual(self.value**p, p * self.value ** (p - 1) * self.dot)

    def exp(self) -> Dual:  # exp' = exp
        e = math.exp(self.value)
        return Dual(e, e * self.dot)

    def log(self) -> Dual:  # log' = 1/a
        if self.value <= 0:
            raise ValueError(f"log needs a positive value, got {self.value}")
        return Dual(math.log(self.value), self.dot / self.value)

    def sigmoid(self) -> Dual:  # sigma' = sigma (1 - sigma)
        s = 0.5 * (1.0 + math.tanh(0.5 * self.value))
        return Dual(s, s * (1.0 - s) * self.dot)

    def tanh(self) -> Dual:  # tanh' = 1 - tanh^2
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.dot)

    def relu(self) -> Dual:  # relu' = 1 where a > 0, else 0
        return Dual(max(self.value, 0.0), self.dot if self.value > 0 else 0.0)

    def __repr__(self) -> str:
        return f"Dual(value={self.value:.9g}, dot={self.dot:.9g})"


def jvp(
    f: Callable[..., Dual | Sequence[Dual | float]], x: Reals, v: Reals
) -> tuple[float, float] | tuple[Floats, Floats]:
    r"""Return :math:`f(x)` and the Jacobian-vector product :math:`J v`, in one pass.

    Parameters
    ----------
    f : callable
        ``f(*args)`` of n scalar arguments, written with ``+ - * / **`` and
        the methods ``.exp() .log() .sigmoid() .tanh() .relu()``; returns
        one number or a sequence of m numbers.
    x, v : sequence of n floats
        The point and the direction.

    Returns
    -------
    value, derivative : float, or ndarray of shape (m,) each

    Examples
    --------
    >>> jvp(lambda a, b: a * b, [3.0, 4.0], [1.0, 0.0])   # df/da = b
    (12.0, 4.0)
    """
    if len(x) != len(v):
        raise ValueError(
            f"x has {len(x)} entries and v {len(v)}; the direction needs one "
            f"entry per argument of f"
        )
    out = f(*(Dual(a, d) for a, d in zip(x, v, strict=True)))  # lengths checked above
    if isinstance(out, Dual):
        return out.value, out.dot
    duals = [Dual._lift(o) for o in out]
    return np.array([d.value for d in duals]), np.array([d.dot for d in duals])


def forward_gradient(f: Callable[..., Dual], x: Reals) -> Floats:
    r"""Return :math:`\nabla f(x)` by forward mode: one pass per input.

    Pass i seeds the direction :math:`e_i` and reads
    :math:`\partial f/\partial x_i`, so n inputs cost n passes of `f`.

    Examples
    --------
    >>> forward_gradient(lambda a, b: a * b + a.exp(), [0.0, 2.0])  # (b + e^a, a)
    array([3., 0.])
    """
    n = len(x)
    return np.array([jvp(f, x, np.eye(n)[i])[1] for i in range(n)])
