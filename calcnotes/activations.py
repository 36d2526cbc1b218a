r"""Activation functions and their derivatives, computed stably.

Each function comes paired with its derivative (``fn`` / ``fn_derivative``),
and each derivative takes the *pre-activation* ``z``, as in backprop where
``dZ = dA * f'(Z)``.  Every function accepts any array shape and works
elementwise, except the softmax family, which normalises along ``axis``.

Stability: no function overflows or warns for logits as large as ``±1e4``.
The sigmoid never evaluates ``exp`` of a positive number, and the softmax
subtracts the row maximum first (softmax is unchanged by a shift,
:math:`\operatorname{softmax}(z - c) = \operatorname{softmax}(z)`).

The underscore kernels (``_sigmoid``...) skip validation; the models call
them in their inner loops after checking the data once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._validation import as_float_array, check_finite_output, check_int

Floats = NDArray[np.float64]

__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "relu",
    "relu_derivative",
    "softmax",
    "softmax_jacobian",
    "log_softmax",
]


# --- kernels (no validation) --------------------------------------------


def _sigmoid(z: np.ndarray) -> Floats:
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    # z >= 0: 1 / (1 + e^-z);  z < 0: e^z / (1 + e^z), the same number
    s: Floats = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return s


def _softmax(Z: np.ndarray, axis: int = -1) -> Floats:
    with np.errstate(over="ignore"):  # z - max(z) < -1.8e308 is -inf: e^-inf = 0, right
        E: Floats = np.exp(Z - Z.max(axis=axis, keepdims=True))  # largest entry is e^0
    E /= E.sum(axis=axis, keepdims=True)
    return E


def _log_softmax(Z: np.ndarray, axis: int = -1) -> Floats:
    with np.errstate(over="ignore", invalid="ignore"):  # -inf where it underflows
        shifted = Z - Z.max(axis=axis, keepdims=True)
        out: Floats = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return out


def _scalar_or_array(a: np.ndarray) -> Floats:
    return a[()] if a.ndim == 0 else a


def _check_axis(axis: object, ndim: int) -> int:
    if ndim == 0:
        raise ValueError(
            "softmax needs a class axis but got a scalar; pass a vector of "
            "logits such as [z1, z2] (for one logit use sigmoid)"
        )
    axis = check_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"axis {axis} is out of range for a {ndim}-D input; use an axis "
            f"in [{-ndim}, {ndim - 1}] (-1, the default, is the class axis)"
        )
    return axis


# --- public functions ----------------------------------------------------


def sigmoid(z: ArrayLike) -> Floats:
    r"""Return the logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Computed without overflow: for :math:`z < 0` as
    :math:`e^{z} / (1 + e^{z})`.

    Parameters
    ----------
    z : array_like
        Any shape.

    Returns
    -------
    ndarray of the shape of `z`, values in [0, 1]

    Examples
    --------
    >>> sigmoid([-1e4, 0.0, 2.0]).round(7)
    array([0.       , 0.5      , 0.8807971])
    """
    return _scalar_or_array(_sigmoid(as_float_array(z, "z")))


def sigmoid_derivative(z: ArrayLike) -> Floats:
    r"""Return :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`.

    Evaluated as :math:`e^{-|z|} / (1 + e^{-|z|})^2`, the same number
    without the cancellation in :math:`1 - \sigma(z)` for large `z`.

    Parameters
    ----------
    z : array_like
        Pre-activation, any shape.

    Returns
    -------
    ndarray of the shape of `z`, values in [0, 1/4]

    Examples
    --------
    >>> sigmoid_derivative([0.0, 2.0])
    array([0.25      , 0.10499359])
    """
    # = e^{-|z|} / (1 + e^{-|z|})^2 (sigma' is even): same value, but no
    # cancellation in 1 - sigma(z) for large z, so full relative accuracy
    e = np.exp(-np.abs(as_float_array(z, "z")))
    return _scalar_or_array(e / (1.0 + e) ** 2)


def tanh(z: ArrayLike) -> Floats:
    r"""Return :math:`\tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z})`.

    Note :math:`\tanh(z) = 2\sigma(2z) - 1`.

    Examples
    --------
    >>> tanh([0.0, 1.0]).round(7)
    array([0.       , 0.7615942])
    """
    return _scalar_or_array(np.tanh(as_float_array(z, "z")))


def tanh_derivative(z: ArrayLike) -> Floats:
    r"""Return :math:`\tanh'(z) = 1 - \tanh^2(z)`.

    Evaluated as :math:`4e^{-2|z|} / (1 + e^{-2|z|})^2`
    (:math:`= 1/\cosh^2 z`), accurate also where :math:`\tanh z \approx \pm 1`.

    Examples
    --------
    >>> tanh_derivative([0.0, 1.0])
    array([1.        , 0.41997434])
    """
    # = 1 / cosh^2(z) = 4 e^{-2|z|} / (1 + e^{-2|z|})^2: no cancellation
    # in 1 - tanh^2 when tanh(z) is close to +-1
    e = np.exp(-2.0 * np.abs(as_float_array(z, "z")))
    return _scalar_or_array(4.0 * e / (1.0 + e) ** 2)


def relu(z: ArrayLike) -> Floats:
    r"""Return :math:`\operatorname{relu}(z) = \max(z, 0)`.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return _scalar_or_array(np.maximum(as_float_array(z, "z"), 0.0))


def relu_derivative(z: ArrayLike) -> Floats:
    r"""Return :math:`\operatorname{relu}'(z) = 1` if :math:`z > 0` else 0.

    The derivative does not exist at :math:`z = 0` (a corner); like every
    deep-learning library we use the subgradient 0 there.

    Examples
    --------
    >>> relu_derivative([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    return _scalar_or_array((as_float_array(z, "z") > 0).astype(np.float64))


def softmax(Z: ArrayLike, axis: int = -1) -> Floats:
    r"""Return :math:`\operatorname{softmax}(z)_j = e^{z_j} / \sum_k e^{z_k}`.

    Normalises along `axis` (the class axis); the row maximum is subtracted
    before exponentiating, so logits of ``±1e4`` are fine.

    Parameters
    ----------
    Z : array_like of shape (n_samples, n_classes) or (n_classes,)
        Logits.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray of the shape of `Z`; entries in [0, 1] summing to 1 along `axis`

    Examples
    --------
    The notes' worked example (logits 1.25, 2.44, 0.78, 0.12):

    >>> softmax([1.25, 2.44, 0.78, 0.12]).round(4)
    array([0.191 , 0.6279, 0.1194, 0.0617])
    """
    Z = as_float_array(Z, "Z")
    return _softmax(Z, _check_axis(axis, Z.ndim))


def softmax_jacobian(z: ArrayLike) -> Floats:
    r"""Return the Jacobian :math:`J = \operatorname{diag}(s) - s s^T`.

    Here :math:`s = \operatorname{softmax}(z)` and
    :math:`J_{ij} = \partial s_i / \partial z_j = s_i(\delta_{ij} - s_j)`.

    Parameters
    ----------
    z : array_like of shape (n_classes,)
        One vector of logits.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        Symmetric; every row and column sums to 0.

    Examples
    --------
    >>> softmax_jacobian([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    z = as_float_array(z, "z", ndim=1)
    s = _softmax(z)
    return np.diag(s) - np.outer(s, s)


def log_softmax(Z: ArrayLike, axis: int = -1) -> Floats:
    r"""Return :math:`\log \operatorname{softmax}(z)_j = z_j - \log\sum_k e^{z_k}`.

    Computed as :math:`(z_j - m) - \log\sum_k e^{z_k - m}` with
    :math:`m = \max_k z_k` (log-sum-exp), so it stays finite where
    ``np.log(softmax(Z))`` would give ``-inf``.

    Parameters
    ----------
    Z : array_like of shape (n_samples, n_classes) or (n_classes,)
    axis : int, default -1

    Returns
    -------
    ndarray of the shape of `Z`, entries <= 0

    Examples
    --------
    >>> log_softmax([0.0, 1e4])
    array([-10000.,      0.])
    """
    Z = as_float_array(Z, "Z")
    out = _log_softmax(Z, _check_axis(axis, Z.ndim))
    check_finite_output(out, "log_softmax", fix="rescale the logits Z (differences "
                        "between logits beyond 1.8e308 have no float64 log-probability)")
    return out
