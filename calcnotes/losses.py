r"""Loss functions and their gradients; every loss is a *mean* over samples.

Each loss ``L`` comes with ``L_gradient`` giving :math:`\partial L/\partial`
(its second argument), including the :math:`1/n` of the mean, so that a
gradient step is ``P -= learning_rate * gradient``.

======================================  =================================
loss                                    gradient
======================================  =================================
``mse(y, y_pred)``                      :math:`2(\hat y - y)/N`
``binary_cross_entropy(y, p)``          :math:`(p - y)/(p(1-p)\,N)`
``binary_cross_entropy_with_logits``    :math:`(\sigma(z) - y)/N`
``categorical_cross_entropy(Y, P)``     :math:`-Y/(P\,n)`
``cross_entropy_with_logits(Y, Z)``     :math:`(\operatorname{softmax}(Z) - Y)/n`
======================================  =================================

(:math:`N` is the number of entries, :math:`n` the number of rows.)
The ``_with_logits`` forms are the ones to train with: they never take the
log of a rounded probability, so they stay exact for logits of ``±1e4``.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._validation import (
    as_float_array,
    check_class_labels,
    check_finite_output,
    check_positive,
)
from calcnotes.activations import _log_softmax, _sigmoid, _softmax

__all__ = [
    "EPS",
    "one_hot",
    "mse",
    "mse_gradient",
    "binary_cross_entropy",
    "binary_cross_entropy_gradient",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_gradient",
    "categorical_cross_entropy",
    "categorical_cross_entropy_gradient",
    "cross_entropy_with_logits",
    "cross_entropy_with_logits_gradient",
]

Floats = NDArray[np.float64]
T = TypeVar("T")

EPS = 1e-15
"""Probabilities are clipped to ``[EPS, 1 - EPS]`` before taking logs."""


# --- kernels (no validation): the one copy of each loss the models use ----


def _binary_cross_entropy_with_logits(y: NDArray[np.float64], z: NDArray[np.float64]) -> float:
    r"""Mean of :math:`\max(z, 0) - yz + \log(1 + e^{-|z|})`: BCE of sigmoid(z), stably."""
    with np.errstate(over="ignore", invalid="ignore"):  # checked by the callers
        return float(np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def _cross_entropy_from_log_probabilities(Y: NDArray[np.float64], logp: NDArray[np.float64]) -> float:
    r"""Mean over rows of :math:`-\sum_j Y_{ij} \log p_{ij}`, terms with :math:`Y_{ij} = 0` counting 0."""
    with np.errstate(over="ignore", invalid="ignore"):  # checked by the callers
        return float(-np.sum(np.where(Y != 0, Y * logp, 0.0)) / logp.shape[0])


def _cross_entropy_with_logits(Y: NDArray[np.float64], Z: NDArray[np.float64]) -> float:
    r"""Mean over rows of :math:`-\sum_j Y_{ij} \log\operatorname{softmax}(Z_i)_j`.

    Terms with :math:`Y_{ij} = 0` count as 0 even where the log-probability
    underflows to :math:`-\infty` (so 0 * -inf never makes a NaN).
    """
    return _cross_entropy_from_log_probabilities(Y, _log_softmax(Z))


def _cross_entropy_with_logits_and_gradient(
    Y: NDArray[np.float64], Z: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    r""":func:`_cross_entropy_with_logits` and its gradient :math:`(\operatorname{softmax}(Z) - Y)/n`.

    Both from one log-softmax of the logits (softmax = exp of it): the
    kernel softmax regression and autodiff's softmax cross-entropy use.
    """
    logp = _log_softmax(Z)
    loss = _cross_entropy_from_log_probabilities(Y, logp)
    with np.errstate(over="ignore", invalid="ignore"):  # checked by the callers
        dZ: NDArray[np.float64] = np.exp(logp)
        dZ -= Y
        dZ /= Z.shape[0]
    return loss, dZ


def _one_hot(labels: NDArray[np.int64], k: int) -> NDArray[np.float64]:
    """One-hot rows of shape (n, k) for labels already checked to lie in 0..k-1."""
    Y = np.zeros((labels.size, k))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def _finite(value: T, name: str) -> T:  # T: a float or a float array
    check_finite_output(np.asarray(value), name, fix="rescale the inputs (or the logits)")
    return value


# --- checks --------------------------------------------------------------


def _pair(y: ArrayLike, y_pred: ArrayLike, names: tuple[str, str]) -> tuple[Floats, Floats]:
    y = as_float_array(y, names[0], ndim=(1, 2))
    y_pred = as_float_array(y_pred, names[1], ndim=(1, 2))
    if y.shape != y_pred.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{y.shape} and {y_pred.shape}; pass one prediction per target "
            f"(reshape with .ravel() or .reshape(-1, 1) if only the layout "
            f"differs)"
        )
    return y, y_pred


def _check_unit_interval(a: Floats, name: str, what: str) -> None:
    bad = np.flatnonzero((a.ravel() < 0) | (a.ravel() > 1))
    if bad.size:
        raise ValueError(
            f"{name} must hold {what} in [0, 1], got {a.ravel()[bad[0]]} at "
            f"flat index {bad[0]}; "
            + ("pass logits to the _with_logits version instead"
               if "probabilities" in what else "encode the labels as 0/1")
        )


def _check_eps(eps: object) -> float:
    eps = check_positive(eps, "eps")
    if eps >= 0.5:
        raise ValueError(f"eps must be < 0.5, got {eps}; the default 1e-15 "
                         f"is right for float64")
    return eps


def _labels_and_clipped_probabilities(y: ArrayLike, p: ArrayLike, eps: object) -> tuple[Floats, Floats]:
    """Validate 0/1 (or soft) labels and probabilities; clip p to [eps, 1 - eps] so the logs stay finite."""
    y, p = _pair(y, p, ("y", "p"))
    _check_unit_interval(y, "y", "labels")
    _check_unit_interval(p, "p", "probabilities")
    low = _check_eps(eps)
    return y, np.clip(p, low, 1.0 - low)


def one_hot(y: ArrayLike, n_classes: int | None = None) -> Floats:
    """Return the one-hot matrix ``Y`` with ``Y[i, y[i]] = 1``.

    Parameters
    ----------
    y : array_like of shape (n_samples,)
        Integer labels in ``0..n_classes-1``.
    n_classes : int, optional
        Number of classes k >= 1; defaults to ``max(y) + 1``. The matrix
        must fit in 1 GiB: a stray label such as ``3e9`` raises ValueError
        instead of allocating tens of GiB.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    labels = check_class_labels(y, "y", n_classes)
    k = int(n_classes) if n_classes is not None else int(labels.max()) + 1
    return _one_hot(labels, k)


def _targets(Y: ArrayLike, n_classes: int) -> Floats:
    """Y given as one-hot (n, k) or integer labels (n,) -> one-hot float."""
    Y_arr = as_float_array(Y, "Y", ndim=(1, 2))
    if Y_arr.ndim == 1:
        return one_hot(Y_arr, n_classes)
    if Y_arr.shape[1] != n_classes:
        raise ValueError(
            f"Y has {Y_arr.shape[1]} columns but the predictions have "
            f"{n_classes} classes; pass one-hot targets of shape "
            f"(n_samples, {n_classes}) or integer labels of shape (n_samples,)"
        )
    _check_unit_interval(Y_arr, "Y", "target probabilities (one-hot rows)")
    sums = Y_arr.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
    if bad.size:
        raise ValueError(
            f"row {bad[0]} of Y sums to {sums[bad[0]]}, not 1; each row must "
            f"be a one-hot vector (or a distribution): build it with "
            f"one_hot(y) or pass the integer labels y instead"
        )
    return Y_arr


def _class_pair(Y: ArrayLike, P: ArrayLike, name: str) -> tuple[Floats, Floats]:
    P = as_float_array(P, name, ndim=2)
    Y = _targets(Y, P.shape[1])
    if Y.shape[0] != P.shape[0]:
        raise ValueError(
            f"Y has {Y.shape[0]} samples but {name} has {P.shape[0]}; pass "
            f"one row of {name} per label"
        )
    return Y, P


# --- squared error ------------------------------------------------------


def mse(y: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Return the mean squared error :math:`\frac1N\sum_i (\hat y_i - y_i)^2`.

    Parameters
    ----------
    y, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions; the mean runs over all N entries.

    Returns
    -------
    float

    Examples
    --------
    >>> mse([1.0, 2.0], [1.5, 2.0])
    0.125
    """
    y, y_pred = _pair(y, y_pred, ("y", "y_pred"))
    with np.errstate(over="ignore", invalid="ignore"):
        r = y_pred - y
        return _finite(float(np.mean(r * r)), "mse")


def mse_gradient(y: ArrayLike, y_pred: ArrayLike) -> Floats:
    r"""Return :math:`\partial\,\mathrm{mse}/\partial \hat y = 2(\hat y - y)/N`.

    Returns
    -------
    ndarray of the shape of `y_pred`

    Examples
    --------
    >>> mse_gradient([1.0, 2.0], [1.5, 2.0])
    array([0.5, 0. ])
    """
    y, y_pred = _pair(y, y_pred, ("y", "y_pred"))
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite(2.0 * (y_pred - y) / y.size, "mse_gradient")


# --- binary cross-entropy --------------------------------------------------


def binary_cross_entropy(y: ArrayLike, p: ArrayLike, eps: float = EPS) -> float:
    r"""Return the mean binary cross-entropy (log loss).

    .. math:: L = -\frac1N \sum_i \bigl[y_i \log p_i + (1-y_i)\log(1-p_i)\bigr]

    `p` is clipped to ``[eps, 1 - eps]`` first, so ``p = 0`` or ``1``
    gives a large finite loss (about ``-log(eps) = 34.5``) instead of inf.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets in [0, 1] (labels 0/1, or soft labels).
    p : array_like of the shape of `y`
        Predicted probabilities in [0, 1].
    eps : float, default 1e-15
        Clipping threshold.

    Returns
    -------
    float

    Examples
    --------
    >>> round(binary_cross_entropy([1, 0], [0.9, 0.2]), 12)   # -(log 0.9 + log 0.8) / 2
    0.164252033486
    """
    y, p = _labels_and_clipped_probabilities(y, p, eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_gradient(y: ArrayLike, p: ArrayLike, eps: float = EPS) -> Floats:
    r"""Return :math:`\partial L/\partial p = \frac{p - y}{p(1-p)} \frac1N`.

    From :math:`\partial L/\partial p_i = \frac1N\bigl(-\frac{y_i}{p_i}
    + \frac{1-y_i}{1-p_i}\bigr)`; `p` is clipped as in the loss.

    Examples
    --------
    >>> binary_cross_entropy_gradient([1, 0], [0.5, 0.5])
    array([-1.,  1.])
    """
    y, p = _labels_and_clipped_probabilities(y, p, eps)
    return (p - y) / (p * (1.0 - p)) / y.size


def binary_cross_entropy_with_logits(y: ArrayLike, z: ArrayLike) -> float:
    r"""Return the mean binary cross-entropy of ``p = sigmoid(z)``, from `z`.

    .. math:: \ell(y, z) = \max(z, 0) - y z + \log\bigl(1 + e^{-|z|}\bigr)

    which equals :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z))` but never
    forms :math:`\sigma(z)`; exact for logits of ``±1e4`` (no clipping).

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets in [0, 1].
    z : array_like of the shape of `y`
        Logits.

    Returns
    -------
    float

    Examples
    --------
    >>> binary_cross_entropy_with_logits([1, 0], [1e4, 1e4])
    5000.0
    """
    y, z = _pair(y, z, ("y", "z"))
    _check_unit_interval(y, "y", "labels")
    return _finite(_binary_cross_entropy_with_logits(y, z), "binary_cross_entropy_with_logits")


def binary_cross_entropy_with_logits_gradient(y: ArrayLike, z: ArrayLike) -> Floats:
    r"""Return :math:`\partial L/\partial z = (\sigma(z) - y)/N`.

    The :math:`\sigma'` of the chain rule cancels against the
    :math:`1/(p(1-p))` of the log loss, which is why logistic regression's
    gradient is so simple.

    Examples
    --------
    >>> binary_cross_entropy_with_logits_gradient([1, 0], [0.0, 0.0])
    array([-0.25,  0.25])
    """
    y, z = _pair(y, z, ("y", "z"))
    _check_unit_interval(y, "y", "labels")
    return (_sigmoid(z) - y) / y.size


# --- categorical cross-entropy ----------------------------------------------


def categorical_cross_entropy(Y: ArrayLike, P: ArrayLike, eps: float = EPS) -> float:
    r"""Return the mean categorical cross-entropy.

    .. math:: L = -\frac1n \sum_{i=1}^n \sum_{j=1}^k Y_{ij} \log P_{ij}

    With one-hot rows this is the mean of :math:`-\log P_{i, y_i}`.
    `P` is clipped to ``[eps, 1]`` before the log.

    Parameters
    ----------
    Y : array_like of shape (n_samples, n_classes) or (n_samples,)
        One-hot targets, or integer labels in ``0..n_classes-1``.
    P : array_like of shape (n_samples, n_classes)
        Predicted probabilities, rows summing to 1.
    eps : float, default 1e-15

    Returns
    -------
    float

    Examples
    --------
    >>> round(categorical_cross_entropy([0, 1], [[0.5, 0.5], [0.2, 0.8]]), 12)   # -(log 0.5 + log 0.8) / 2
    0.458145365937
    """
    Y, P = _class_pair(Y, P, "P")
    _check_unit_interval(P, "P", "probabilities")
    P = np.clip(P, _check_eps(eps), 1.0)
    return float(-np.sum(Y * np.log(P)) / Y.shape[0])


def categorical_cross_entropy_gradient(Y: ArrayLike, P: ArrayLike, eps: float = EPS) -> Floats:
    r"""Return :math:`\partial L/\partial P = -Y / (P\,n)` (elementwise).

    Examples
    --------
    >>> categorical_cross_entropy_gradient([0], [[0.25, 0.75]])
    array([[-4., -0.]])
    """
    Y, P = _class_pair(Y, P, "P")
    _check_unit_interval(P, "P", "probabilities")
    G: Floats = -Y / np.clip(P, _check_eps(eps), 1.0) / Y.shape[0]
    return G


def cross_entropy_with_logits(Y: ArrayLike, Z: ArrayLike) -> float:
    r"""Return the mean cross-entropy of ``softmax(Z)``, computed from `Z`.

    .. math:: L = -\frac1n \sum_i \sum_j Y_{ij}
              \Bigl(Z_{ij} - \log\sum_k e^{Z_{ik}}\Bigr)

    using the stable :func:`~calcnotes.activations.log_softmax`.

    Parameters
    ----------
    Y : array_like of shape (n_samples, n_classes) or (n_samples,)
        One-hot targets or integer labels.
    Z : array_like of shape (n_samples, n_classes)
        Logits.

    Returns
    -------
    float

    Examples
    --------
    >>> cross_entropy_with_logits([0], [[0.0, 0.0]])  # log 2
    0.6931471805599453
    """
    Y, Z = _class_pair(Y, Z, "Z")
    return _finite(_cross_entropy_with_logits(Y, Z), "cross_entropy_with_logits")


def cross_entropy_with_logits_gradient(Y: ArrayLike, Z: ArrayLike) -> Floats:
    r"""Return :math:`\partial L/\partial Z = (\operatorname{softmax}(Z) - Y)/n`.

    The softmax Jacobian :math:`\operatorname{diag}(s) - ss^T` times
    :math:`-Y/s` collapses to :math:`s - Y` when each row of Y sums to 1.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> cross_entropy_with_logits_gradient([0], [[0.0, 0.0]])
    array([[-0.5,  0.5]])
    """
    Y, Z = _class_pair(Y, Z, "Z")
    dZ: Floats = (_softmax(Z) - Y) / Y.shape[0]
    return dZ
