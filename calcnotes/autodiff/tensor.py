r"""The node of a computational graph, and the backward pass over it.

A :class:`Tensor` holds an array ``data``, the ``parents`` it was computed
from, the name ``op`` of the operation that made it, and (after
:meth:`Tensor.backward`) ``grad``: the derivative of the output with respect
to this node, of the node's shape. Each operation (:mod:`.ops`,
:mod:`.functions`, :mod:`.loss`) builds its output node and attaches to it
a ``_backward`` step that turns ``out.grad`` into its parents' gradients: a
vector-Jacobian product. :meth:`Tensor.backward` runs those steps once each,
from the output back to the inputs, in reverse topological order.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from calcnotes._validation import as_float_array
from calcnotes.result import Floats

__all__ = ["Tensor", "as_tensor", "topological_order", "unbroadcast"]


def _short(a: Floats) -> str:
    """An array as a few numbers, or by its shape when it is large."""
    if a.ndim == 0:
        return f"{float(a):.6g}"
    if a.size <= 6:
        return np.array2string(a, precision=4, separator=", ")
    return f"<array of shape {a.shape}>"


class Tensor:
    r"""A node of a computational graph: an array, its parents and its gradient.

    Parameters
    ----------
    data : array_like
        The value, any shape; stored as a float64 array. It must be finite.
    parents : tuple of Tensor, default ()
        The nodes this one was computed from (empty for an input).
    op : str, default ""
        Name of the operation that made it ("" for an input).
    name : str, default ""
        A label for figures and ``repr``.

    Attributes
    ----------
    data : ndarray
    grad : ndarray of the shape of `data`, or None
        :math:`\partial L/\partial(\text{this node})` after ``L.backward()``;
        None before.
    parents, op, name
        As given.

    Examples
    --------
    >>> x = Tensor(2.0, name="x")
    >>> y = x * x + x            # dy/dx = 2x + 1
    >>> y.backward()
    >>> x.grad
    array(5.)
    >>> y
    Tensor(6, op='add', grad=1)
    """

    __array_ufunc__ = None  # ndarray + Tensor calls Tensor.__radd__, not numpy

    def __init__(self, data: ArrayLike, parents: tuple[Tensor, ...] = (), op: str = "",
                 name: str = "") -> None:
        if parents:  # computed by an operation from finite inputs
            data = np.asarray(data, dtype=np.float64)
            if not np.all(np.isfinite(data)):
                bad = np.flatnonzero(~np.isfinite(data.ravel()))[0]
                inputs = ", ".join(_short(p.data) for p in parents)
                raise ValueError(
                    f"{op} gave {data.ravel()[bad]} at flat index {bad} from "
                    f"the finite input(s) {inputs}: the result overflowed "
                    f"float64; rescale the inputs"
                )
        else:
            data = as_float_array(data, name or "data")
        self.data: Floats = data
        self.parents: tuple[Tensor, ...] = tuple(parents)
        self.op = op
        self.name = name
        self.grad: Floats | None = None
        self._backward: Callable[[], None] = lambda: None  # an input has no parents to update

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def backward(self, seed: ArrayLike | None = None) -> None:
        r"""Fill ``grad`` of every node this one depends on (reverse mode).

        Sets every node's ``grad`` to zero, puts `seed` in this node's
        ``grad`` and runs each node's backward step once, from this node to
        the inputs (reverse topological order), so that a node's ``grad`` is
        complete before it is passed on. Gradients are overwritten by each
        call, not accumulated across calls.

        Parameters
        ----------
        seed : array_like of this node's shape, optional
            :math:`v = \partial L/\partial(\text{this node})`. Required unless
            the node holds a single number (then 1). With a seed, each input
            ``x`` receives the vector-Jacobian product :math:`J^T v`, where
            :math:`J = \partial(\text{this node})/\partial x`.

        Raises
        ------
        ValueError
            For a node of several numbers without a seed, or a seed of the
            wrong shape or not finite.

        Examples
        --------
        >>> x = Tensor([1.0, 2.0])
        >>> y = x * x                # J = diag(2x)
        >>> y.backward([1.0, 10.0])  # J^T v
        >>> x.grad
        array([ 2., 40.])
        """
        if seed is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without a seed needs a scalar output, but this "
                    f"Tensor has shape {self.shape}; reduce it to a number first "
                    f"(e.g. .sum()) or pass backward(seed) with a seed of shape "
                    f"{self.shape} (a vector-Jacobian product)"
                )
            seed = np.ones_like(self.data)
        else:
            seed = as_float_array(seed, "seed")
            if seed.shape != self.shape:
                raise ValueError(
                    f"the seed has shape {seed.shape} but the Tensor has shape "
                    f"{self.shape}; pass dL/d(this Tensor), of its shape"
                )
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.data)
        self.grad = seed.copy()
        for node in reversed(order):  # the output first, the inputs last
            node._backward()

    # Operations, defined in .ops, .functions and .loss (imported at the end)
    def __add__(self, other: TensorLike) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: TensorLike) -> Tensor:
        return _ops.add(other, self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: TensorLike) -> Tensor:
        return _ops.mul(other, self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.mul(self, -1.0)

    def __sub__(self, other: TensorLike) -> Tensor:  # a - b = a + (-1) b
        return _ops.add(self, _ops.mul(other, -1.0))

    def __rsub__(self, other: TensorLike) -> Tensor:
        return _ops.add(other, _ops.mul(self, -1.0))

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        return _ops.sum(self, axis, keepdims)

    def exp(self) -> Tensor:
        return _functions.exp(self)

    def log(self) -> Tensor:
        return _functions.log(self)

    def sigmoid(self) -> Tensor:
        return _functions.sigmoid(self)

    def tanh(self) -> Tensor:
        return _functions.tanh(self)

    def relu(self) -> Tensor:
        return _functions.relu(self)

    def __repr__(self) -> str:
        parts = [_short(self.data)]
        if self.name:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.grad is not None:
            parts.append(f"grad={_short(self.grad)}")
        return f"Tensor({', '.join(parts)})"


# What an operation takes: a Tensor, or an array_like that becomes an input node
TensorLike = Tensor | ArrayLike


def as_tensor(x: TensorLike) -> Tensor:
    """Return `x` if it is a Tensor, else a new input node holding `x`."""
    return x if isinstance(x, Tensor) else Tensor(x)


def topological_order(root: Tensor) -> list[Tensor]:
    """Return every node `root` depends on, each after all of its parents.

    Depth-first from `root` along ``parents`` (first parent first), without
    recursion, so deep graphs do not hit Python's recursion limit. The inputs come first and
    `root` last; a node used several times appears once.

    Examples
    --------
    >>> x = Tensor(3.0, name="x")
    >>> [node.op or node.name for node in topological_order(x * x + x)]
    ['x', 'mul', 'add']
    """
    order: list[Tensor] = []
    seen: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def unbroadcast(grad: Floats, shape: tuple[int, ...]) -> Floats:
    """Return `grad` summed over the axes that broadcasting added or stretched.

    If ``x`` of `shape` was broadcast to ``grad.shape`` in the forward pass,
    each entry of ``x`` was used once per copy, so its gradient is the sum
    of the gradients of its copies.

    Examples
    --------
    >>> unbroadcast(np.ones((4, 3)), (3,))        # b added to each of 4 rows
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1)).ravel()
    array([3., 3., 3., 3.])
    """
    while grad.ndim > len(shape):  # leading axes that broadcasting added
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # axes of size 1 that it stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


from calcnotes.autodiff import functions as _functions  # noqa: E402
from calcnotes.autodiff import ops as _ops  # noqa: E402
