r"""Reverse mode as operators: a gradient or a vector-Jacobian product per pass.

The counterparts of :func:`~calcnotes.autodiff.dual.jvp` and
:func:`~calcnotes.autodiff.dual.forward_gradient`: one forward pass records
the graph, one backward pass (:meth:`~calcnotes.autodiff.Tensor.backward`)
gives :math:`v^T J`, a whole row combination of the Jacobian, so the
gradient of :math:`f:\mathbb R^n \to \mathbb R` costs one pass for any n.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from calcnotes.autodiff.dual import Reals
from calcnotes.autodiff.tensor import Tensor
from calcnotes.result import Floats

__all__ = ["gradient", "vjp"]


def _output(out: object) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(
            f"f returned {type(out).__name__}, not a Tensor; write f with "
            f"Tensor operations (+, *, @, .exp(), ...) so its graph is recorded"
        )
    return out


def gradient(f: Callable[..., Tensor], x: Reals) -> Floats:
    r"""Return :math:`\nabla f(x)` by reverse mode: one forward and one backward pass.

    Parameters
    ----------
    f : callable
        ``f(*args)`` of n scalar Tensors, returning a scalar Tensor (the
        same functions :func:`~calcnotes.autodiff.dual.forward_gradient`
        takes).
    x : sequence of n floats

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> gradient(lambda a, b: a * b + a.exp(), [0.0, 2.0])  # (b + e^a, a)
    array([3., 0.])
    >>> gradient(lambda a, b: a.exp(), [0.0, 2.0])          # b is not used
    array([1., 0.])
    """
    args = [Tensor(a) for a in x]
    _output(f(*args)).backward()
    # an argument the output does not depend on is not in the graph: derivative 0
    return np.array([0.0 if a.grad is None else float(a.grad) for a in args])


def vjp(f: Callable[[Tensor], Tensor], x: ArrayLike, v: ArrayLike) -> tuple[Floats, Floats]:
    r"""Return :math:`f(x)` and the vector-Jacobian product :math:`J^T v`.

    Parameters
    ----------
    f : callable
        Maps a Tensor of x's shape to a Tensor of any shape.
    x : array_like
    v : array_like of the shape of ``f(x)``

    Returns
    -------
    value : ndarray of the shape of ``f(x)``
    vjp : ndarray of the shape of `x`
        :math:`\sum_i v_i\, \partial f_i/\partial x`.

    Examples
    --------
    >>> vjp(lambda t: t * t, [1.0, 2.0], [1.0, 10.0])   # J = diag(2x)
    (array([1., 4.]), array([ 2., 40.]))
    """
    x_node = Tensor(x)
    out = _output(f(x_node))
    out.backward(v)
    return out.data, np.zeros_like(x_node.data) if x_node.grad is None else x_node.grad
