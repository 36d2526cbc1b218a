r"""Elementwise functions of Tensors: exp, log, sigmoid, tanh, relu.

Each takes a Tensor (or array_like) of any shape and returns a Tensor of the
same shape.

An elementwise function :math:`y_i = f(x_i)` has a diagonal Jacobian,
:math:`J = \operatorname{diag}(f'(x))`, so its vector-Jacobian product is
the elementwise product :math:`J^T G = f'(x) \odot G`: the backward step of
each function below is one line, with :math:`f'` written through the output
where that is cheaper (:math:`\exp' = \exp`, :math:`\sigma' = \sigma(1 -
\sigma)`, :math:`\tanh' = 1 - \tanh^2`).
"""

from __future__ import annotations

import numpy as np

from calcnotes.activations import sigmoid as _sigmoid
from calcnotes.autodiff.tensor import Tensor, TensorLike, as_tensor

__all__ = ["exp", "log", "sigmoid", "tanh", "relu"]


def exp(x: TensorLike) -> Tensor:
    """Return :math:`e^x` elementwise.

    Raises
    ------
    ValueError
        If an entry overflows float64 (:math:`x > 709.78`).

    Examples
    --------
    >>> x = Tensor(0.0); out = exp(x); out.backward()
    >>> x.grad
    array(1.)
    """
    x = as_tensor(x)
    with np.errstate(over="ignore"):  # an overflow raises in Tensor()
        out = Tensor(np.exp(x.data), (x,), "exp")

    def _backward() -> None:  # exp' = exp
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += out.grad * out.data

    out._backward = _backward
    return out


def log(x: TensorLike) -> Tensor:
    """Return the natural logarithm, elementwise, of positive entries.

    Raises
    ------
    ValueError
        If an entry is 0 or negative, naming the first one.

    Examples
    --------
    >>> x = Tensor(4.0); out = log(x); out.backward()
    >>> x.grad                   # 1/x
    array(0.25)
    """
    x = as_tensor(x)
    if np.any(x.data <= 0):
        bad = np.flatnonzero(x.data.ravel() <= 0)[0]
        raise ValueError(
            f"log needs positive inputs, got {x.data.ravel()[bad]} at flat index "
            f"{bad}; for a cross-entropy use softmax_cross_entropy on the logits"
        )
    out = Tensor(np.log(x.data), (x,), "log")

    def _backward() -> None:  # log'(x) = 1/x
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += out.grad / x.data

    out._backward = _backward
    return out


def sigmoid(x: TensorLike) -> Tensor:
    r"""Return :math:`\sigma(x) = 1/(1 + e^{-x})` elementwise, without overflow.

    Examples
    --------
    >>> x = Tensor(0.0); out = sigmoid(x); out.backward()
    >>> out.data, x.grad         # sigma(0) = 1/2, sigma'(0) = 1/4
    (array(0.5), array(0.25))
    """
    x = as_tensor(x)
    out = Tensor(_sigmoid(x.data), (x,), "sigmoid")

    def _backward() -> None:  # sigma' = sigma (1 - sigma)
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += out.grad * out.data * (1.0 - out.data)

    out._backward = _backward
    return out


def tanh(x: TensorLike) -> Tensor:
    r"""Return :math:`\tanh x` elementwise.

    Examples
    --------
    >>> x = Tensor(0.0); out = tanh(x); out.backward()
    >>> x.grad                   # 1 - tanh(0)^2
    array(1.)
    """
    x = as_tensor(x)
    out = Tensor(np.tanh(x.data), (x,), "tanh")

    def _backward() -> None:  # tanh' = 1 - tanh^2
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += out.grad * (1.0 - out.data * out.data)

    out._backward = _backward
    return out


def relu(x: TensorLike) -> Tensor:
    r"""Return :math:`\max(x, 0)` elementwise.

    Its derivative is 1 where :math:`x > 0` and 0 where :math:`x < 0`; at the
    corner :math:`x = 0` it uses 0, as ``calcnotes.activations`` and torch do.

    Examples
    --------
    >>> x = Tensor([-1.0, 0.0, 2.0]); out = relu(x); out.backward(np.ones(3))
    >>> x.grad
    array([0., 0., 1.])
    """
    x = as_tensor(x)
    out = Tensor(np.maximum(x.data, 0.0), (x,), "relu")

    def _backward() -> None:  # relu' = 1 where x > 0, else 0
        assert out.grad is not None and x.grad is not None  # set by backward()
        x.grad += out.grad * (x.data > 0)

    out._backward = _backward
    return out
