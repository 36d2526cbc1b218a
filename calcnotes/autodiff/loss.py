r"""Softmax cross-entropy on logits, with the gradient :math:`(s - Y)/n`.

For one sample with logits :math:`z \in \mathbb R^k`, probabilities
:math:`s = \operatorname{softmax}(z)` and a target :math:`y` (one-hot, or any
distribution), the loss :math:`\ell = -\sum_j y_j \log s_j` has the gradient

.. math:: \frac{\partial \ell}{\partial z} = J^T\Bigl(-\frac{y}{s}\Bigr)
          = \bigl(\operatorname{diag}(s) - s s^T\bigr)\Bigl(-\frac{y}{s}\Bigr)
          = -y + s \sum_j y_j = s - y,

where :math:`J = \operatorname{diag}(s) - s s^T` is the softmax Jacobian.
Fused into one operation, the backward step is one subtraction: the
:math:`k \times k` Jacobian is never formed and :math:`\log s` never
rounds to :math:`-\infty`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from calcnotes._validation import as_float_array
from calcnotes.autodiff.tensor import Tensor, TensorLike, as_tensor
from calcnotes.losses import _cross_entropy_with_logits_and_gradient, one_hot
from calcnotes.result import Floats

__all__ = ["softmax_cross_entropy"]


def _targets(y: ArrayLike, n: int, k: int) -> Floats:
    """Integer labels (n,) or target rows (n, k) as an (n, k) float array."""
    y_arr = as_float_array(y, "y", ndim=(1, 2))
    if y_arr.shape[0] != n:
        raise ValueError(
            f"y has {y_arr.shape[0]} rows but Z has {n}; pass one label (or "
            f"one target row) per row of logits"
        )
    if y_arr.ndim == 1:
        return one_hot(y_arr, k)  # checks the labels are integers 0..k-1
    if y_arr.shape[1] != k:
        raise ValueError(
            f"y has shape {y_arr.shape} but Z has {k} classes; pass one-hot "
            f"rows of shape ({n}, {k}) or integer labels of shape ({n},)"
        )
    sums = y_arr.sum(axis=1)
    bad = np.flatnonzero((y_arr < 0).any(axis=1) | (np.abs(sums - 1.0) > 1e-9))
    if bad.size:
        raise ValueError(
            f"row {bad[0]} of y is not a distribution (entries >= 0 summing "
            f"to 1; it sums to {sums[bad[0]]:g}); pass one-hot rows, e.g. "
            f"calcnotes.losses.one_hot(labels, {k}), or the labels themselves"
        )
    return y_arr


def softmax_cross_entropy(Z: TensorLike, y: ArrayLike) -> Tensor:
    r"""Return the mean cross-entropy of ``softmax(Z)`` against `y`, from logits.

    .. math:: L = -\frac1n \sum_{i=1}^n \sum_{j=1}^k Y_{ij}
              \Bigl(Z_{ij} - \log\sum_l e^{Z_{il}}\Bigr),
              \qquad \frac{\partial L}{\partial Z} = \frac{S - Y}{n},

    with :math:`S` the row-wise softmax of :math:`Z`, computed with the
    stable log-sum-exp (logits of :math:`\pm 10^4` are fine).

    Parameters
    ----------
    Z : Tensor or array_like of shape (n_samples, n_classes)
        Logits.
    y : array_like of shape (n_samples,) or (n_samples, n_classes)
        Integer labels in ``0..n_classes-1``, or target rows (one-hot, or
        distributions: entries >= 0 summing to 1). Constants: they get no
        gradient.

    Returns
    -------
    Tensor of shape ()

    Raises
    ------
    ValueError
        If `Z` is not 2-D, or `y` does not fit it or is not a set of labels
        or distributions.

    Examples
    --------
    >>> Z = Tensor([[0.0, 0.0], [1e4, 0.0]])
    >>> L = softmax_cross_entropy(Z, [0, 1])   # (log 2 + 1e4) / 2
    >>> L.backward()
    >>> float(L.data), Z.grad
    (5000.34657359028, array([[-0.25,  0.25],
           [ 0.5 , -0.5 ]]))
    """
    Z = as_tensor(Z)
    if Z.ndim != 2:
        raise ValueError(
            f"softmax_cross_entropy needs logits of shape (n_samples, "
            f"n_classes), got shape {Z.shape}; for one sample pass [z]"
        )
    n, k = Z.shape
    Y = _targets(y, n, k)
    # the package's one softmax cross-entropy kernel: the loss and (S - Y)/n together
    value, dZ = _cross_entropy_with_logits_and_gradient(Y, Z.data)
    out = Tensor(value, (Z,), "softmax_cross_entropy")

    def _backward() -> None:  # J^T (-Y/S) = S - Y per row: the Jacobian is never formed
        assert out.grad is not None and Z.grad is not None  # set by backward()
        Z.grad += out.grad * dZ

    out._backward = _backward
    return out
