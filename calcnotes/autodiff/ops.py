r"""Arithmetic on Tensors: add, mul, matmul, sum.

Each operation computes its output, then defines its backward step next to
it: given ``out.grad`` :math:`= G = \partial L/\partial\,\text{out}`, add to
each parent's ``grad`` the vector-Jacobian product :math:`J^T G` for that
parent, computed without forming :math:`J`. ``add`` and ``mul`` broadcast
as numpy does; their backward steps sum the gradient over the broadcast
axes (:func:`~calcnotes.autodiff.tensor.unbroadcast`).
"""

from __future__ import annotations

import numpy as np

from calcnotes.autodiff.tensor import Tensor, TensorLike, as_tensor, unbroadcast

__all__ = ["add", "mul", "matmul", "sum"]


def _broadcast_shape(a: Tensor, b: Tensor, op: str) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} do not broadcast; aligned "
            f"from the right, each pair of sizes must be equal or contain a 1"
        ) from None


def add(a: TensorLike, b: TensorLike) -> Tensor:
    """Return ``a + b`` (broadcasting); the gradient passes to both unchanged.

    Parameters
    ----------
    a, b : Tensor or array_like
        Shapes that broadcast (numpy's rule), e.g. (n, k) and (k,).

    Returns
    -------
    Tensor of the broadcast shape

    Examples
    --------
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]]); b = Tensor([10.0, 20.0])
    >>> out = add(W, b)          # b is added to each of the 2 rows
    >>> out.backward(np.ones((2, 2)))
    >>> b.grad
    array([2., 2.])
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "add")
    out = Tensor(a.data + b.data, (a, b), "add")

    def _backward() -> None:  # d(a + b)/da = d(a + b)/db = I
        assert out.grad is not None and a.grad is not None and b.grad is not None  # set by backward()
        a.grad += unbroadcast(out.grad, a.shape)
        b.grad += unbroadcast(out.grad, b.shape)

    out._backward = _backward
    return out


def mul(a: TensorLike, b: TensorLike) -> Tensor:
    """Return the elementwise product ``a * b`` (broadcasting).

    Parameters
    ----------
    a, b : Tensor or array_like
        Shapes that broadcast (numpy's rule).

    Returns
    -------
    Tensor of the broadcast shape

    Examples
    --------
    >>> x, y = Tensor(3.0), Tensor(-2.0)
    >>> out = mul(x, y)
    >>> out.backward()
    >>> x.grad, y.grad           # d(xy)/dx = y, d(xy)/dy = x
    (array(-2.), array(3.))
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "mul")
    out = Tensor(a.data * b.data, (a, b), "mul")

    def _backward() -> None:  # d(ab)/da = diag(b): multiply by b, no matrix formed
        # backward() has set every grad before it runs a step
        assert out.grad is not None and a.grad is not None and b.grad is not None
        a.grad += unbroadcast(out.grad * b.data, a.shape)
        b.grad += unbroadcast(out.grad * a.data, b.shape)

    out._backward = _backward
    return out


def matmul(A: TensorLike, B: TensorLike) -> Tensor:
    r"""Return the matrix product ``A @ B`` of 1-D or 2-D Tensors.

    Backward: :math:`\partial L/\partial A = G B^T` and
    :math:`\partial L/\partial B = A^T G` with :math:`G = \partial L/\partial
    (AB)`: each has the shape of the factor it belongs to.

    Parameters
    ----------
    A : Tensor or array_like of shape (n, k) or (k,)
    B : Tensor or array_like of shape (k, m) or (k,)

    Returns
    -------
    Tensor of shape (n, m), (n,), (m,) or () as ``np.matmul``

    Raises
    ------
    ValueError
        If the inner sizes differ or an operand is not 1-D or 2-D.

    Examples
    --------
    >>> X = Tensor([[1.0, 2.0]]); w = Tensor([[3.0], [4.0]])
    >>> out = matmul(X, w)
    >>> out.backward([[1.0]])
    >>> w.grad.ravel(), X.grad   # X^T G and G w^T
    (array([1., 2.]), array([[3., 4.]]))
    """
    A, B = as_tensor(A), as_tensor(B)
    if A.ndim not in (1, 2) or B.ndim not in (1, 2):
        raise ValueError(
            f"matmul takes 1-D or 2-D Tensors, got shapes {A.shape} and "
            f"{B.shape}; reshape the data to matrices (one sample per row)"
        )
    if A.shape[-1] != B.shape[0]:
        raise ValueError(
            f"matmul: A has shape {A.shape} and B {B.shape}; the inner sizes "
            f"{A.shape[-1]} and {B.shape[0]} must agree (A's columns, B's rows)"
        )
    out = Tensor(A.data @ B.data, (A, B), "matmul")

    def _backward() -> None:  # as matrices: A2 (n, k), B2 (k, m), G2 (n, m)
        assert out.grad is not None and A.grad is not None and B.grad is not None  # set by backward()
        A2, B2 = A.data.reshape(-1, B.shape[0]), B.data.reshape(B.shape[0], -1)
        G2 = out.grad.reshape(A2.shape[0], B2.shape[1])
        A.grad += (G2 @ B2.T).reshape(A.shape)
        B.grad += (A2.T @ G2).reshape(B.shape)

    out._backward = _backward
    return out


def sum(x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
    """Return the sum of the entries of `x` (over `axis`, default all).

    Backward: every summed entry receives the gradient of its sum.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axis : int, tuple of int or None, default None
        The axes to sum over (None: all of them).
    keepdims : bool, default False
        Keep the summed axes, with size 1.

    Returns
    -------
    Tensor of the shape of ``np.sum(x, axis, keepdims=keepdims)``

    Examples
    --------
    >>> x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> out = sum(x, axis=1)     # row sums, shape (2,)
    >>> out.backward([1.0, 10.0])
    >>> x.grad
    array([[ 1.,  1.,  1.],
           [10., 10., 10.]])
    """
    x = as_tensor(x)
    try:
        data = np.sum(x.data, axis=axis, keepdims=keepdims)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"sum: axis {axis!r} does not fit a Tensor of shape {x.shape} ({err})"
        ) from None
    summed = range(x.ndim) if axis is None else [a % x.ndim for a in np.atleast_1d(axis)]
    kept = tuple(1 if i in summed else size for i, size in enumerate(x.shape))
    out = Tensor(data, (x,), "sum")

    def _backward() -> None:  # d(sum)/dx_i = 1: spread G back over the summed axes
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += np.broadcast_to(out.grad.reshape(kept), x.shape)

    out._backward = _backward
    return out
