r"""Logistic regression: log loss, its gradient and Hessian, and a model.

Model :math:`p = \sigma(Xw + b)` with labels :math:`y_i \in \{0, 1\}`.
The loss is the *mean* negative log-likelihood plus an L2 penalty on
``w`` (never on the intercept ``b``):

.. math:: L(w, b) = \frac1n \sum_i \Bigl[-y_i\log p_i - (1-y_i)\log(1-p_i)\Bigr]
          + \frac{\lambda}{2}\lVert w\rVert^2

.. math:: \nabla_w L = \frac1n X^T(p - y) + \lambda w, \qquad
          \partial_b L = \frac1n\sum_i (p_i - y_i)

.. math:: H = \frac1n \tilde X^T S \tilde X + \lambda\,\mathrm{diag}(1,\dots,1,0),
          \qquad \tilde X = [X\;\mathbf 1],\quad S = \mathrm{diag}(p_i(1-p_i))

Seed 004 writes the gradient of the log-likelihood as
:math:`x^T\sum_i (y^i - h_\theta(x^i))`; the sum belongs inside the
product, :math:`\sum_i (y^i - h_\theta(x^i))\,x^i = X^T(y - h)`.

To match scikit-learn's ``LogisticRegression(C=...)``, which minimises
:math:`\frac12\lVert w\rVert^2 + C\sum_i \ell_i`, divide that by
:math:`nC`: it is :math:`L` with :math:`\lambda = 1/(nC)`.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import Classifier, ConvergenceWarning, check_w_b, check_X_y
from calcnotes._validation import (
    MAX_ITER,
    as_float_array,
    check_binary_labels,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
)
from calcnotes.activations import _sigmoid
from calcnotes.losses import _binary_cross_entropy_with_logits
from calcnotes.result import DivergenceError

__all__ = [
    "log_loss",
    "log_loss_gradient",
    "log_loss_hessian",
    "LogisticRegression",
]


Floats = NDArray[np.float64]


def _check(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: ArrayLike, l2: float
) -> tuple[Floats, Floats, Floats, float, float]:
    X, y = check_X_y(X, y)
    y = check_binary_labels(y)
    w, b = check_w_b(w, b, X.shape[1])
    return X, y, w, b, check_positive(l2, "l2", strict=False)


def _logits(X: Floats, w: Floats, b: float) -> Floats:
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
    check_finite_output(z, "the logits X @ w + b", fix="rescale X or w")
    return z


def _loss(X: Floats, y: Floats, w: Floats, b: float, l2: float) -> float:
    # -y log sigma(z) - (1-y) log(1-sigma(z)), stably (the kernel of losses.py)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = _binary_cross_entropy_with_logits(y, _logits(X, w, b)) + 0.5 * l2 * float(w @ w)
    check_finite_output(loss, "log_loss", fix="rescale X or w")
    return loss


def _gradient(X: Floats, y: Floats, w: Floats, b: float, l2: float) -> tuple[Floats, float]:
    r = _sigmoid(_logits(X, w, b)) - y  # p - y
    with np.errstate(over="ignore", invalid="ignore"):
        dw, db = X.T @ r / y.size + l2 * w, float(r.mean())
    check_finite_output(dw, "log_loss_gradient", fix="rescale X or w")
    return dw, db


def _hessian(X: Floats, w: Floats, b: float, l2: float) -> Floats:
    p = _sigmoid(_logits(X, w, b))
    X1 = np.column_stack([X, np.ones(X.shape[0])])
    with np.errstate(over="ignore", invalid="ignore"):
        H: Floats = (X1.T * (p * (1.0 - p))) @ X1 / X.shape[0]  # X1^T S X1 / n
    check_finite_output(H, "log_loss_hessian", fix="rescale X")
    H[np.arange(X.shape[1]), np.arange(X.shape[1])] += l2  # not on b
    return H


def log_loss(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, l2: float = 0.0) -> float:
    r"""Return the mean log loss plus :math:`\frac{\lambda}{2}\lVert w\rVert^2`.

    Computed from the logits :math:`z = Xw + b` as
    :math:`\max(z,0) - yz + \log(1 + e^{-|z|})`, finite for any `w`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels 0 or 1.
    w : ndarray of shape (n_features,)
    b : float
    l2 : float, default 0.0
        Penalty strength :math:`\lambda \ge 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> log_loss([[1.0], [-1.0]], [1, 0], [0.0], 0.0)  # log 2
    0.6931471805599453
    """
    return _loss(*_check(X, y, w, b, l2))


def log_loss_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, l2: float = 0.0
) -> tuple[Floats, float]:
    r"""Return the gradient ``(dw, db)`` of :func:`log_loss`.

    .. math:: dw = \frac1n X^T(\sigma(Xw+b) - y) + \lambda w, \qquad
              db = \frac1n \sum_i (\sigma(x_i^Tw+b) - y_i)

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Examples
    --------
    >>> log_loss_gradient([[1.0], [-1.0]], [1, 0], [0.0], 0.0)
    (array([-0.5]), 0.0)
    """
    return _gradient(*_check(X, y, w, b, l2))


def log_loss_hessian(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, l2: float = 0.0
) -> Floats:
    r"""Return the Hessian of :func:`log_loss` in the parameters ``(w, b)``.

    .. math:: H = \frac1n [X\;\mathbf 1]^T \mathrm{diag}(p(1-p))\,[X\;\mathbf 1]
              + \lambda\,\mathrm{diag}(1, \dots, 1, 0)

    It does not depend on `y` (checked only for shape and labels).

    Returns
    -------
    ndarray of shape (n_features + 1, n_features + 1)
        Rows/columns ordered ``w[0], ..., w[d-1], b``; positive
        semi-definite (definite when ``l2 > 0``, or X has full column rank).

    Examples
    --------
    >>> log_loss_hessian([[1.0], [-1.0]], [1, 0], [0.0], 0.0)
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    X, _, w, b, l2 = _check(X, y, w, b, l2)
    return _hessian(X, w, b, l2)


class LogisticRegression(Classifier):
    r"""Binary logistic regression :math:`P(y=1 \mid x) = \sigma(x^Tw + b)`.

    Minimises :func:`log_loss` (mean log loss + ``l2/2 * ||w||^2``).

    Labels: any two classes (ints, strings, bools), mapped through
    ``classes_``: ``classes_[1]`` plays the part of label 1 in the
    formulas (the larger label, as in scikit-learn).

    Parameters
    ----------
    solver : {"newton", "gd"}, default "newton"
        ``"newton"``: Newton's method, i.e. iteratively reweighted least
        squares: :math:`\theta \leftarrow \theta - H^{-1}\nabla L` with
        ``np.linalg.solve`` (the step is halved while it would increase the
        loss, a safeguard that well-posed problems never trigger).
        ``"gd"``: full-batch gradient descent, a step that would raise the
        loss halved until it does not (backtracking: below the rate's
        stability bound no step is halved). Both start from zeros.
    l2 : float, default 0.0
        L2 penalty :math:`\lambda` on ``w``. With ``l2=0`` and linearly
        separable classes the loss has no minimiser (weights grow forever).
    learning_rate : float, default 0.5
        Step size of ``"gd"``.
    max_iter : int, default 1000
    tol : float, default 1e-8
        Stop when the gradient norm :math:`\lVert(\nabla_w L, \partial_b L)
        \rVert_2 \le` `tol`.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Newton or gradient steps taken.
    loss_history_ : ndarray of shape (n_iter_ + 1,)
        The loss before every step and at the end.
    n_features_in_ : int

    Examples
    --------
    >>> X = [[-2.0], [-1.0], [1.0], [2.0], [0.5], [-0.5]]
    >>> y = [0, 0, 1, 1, 0, 1]
    >>> model = LogisticRegression(l2=0.1).fit(X, y)
    >>> model.predict([[-3.0], [3.0]])
    array([0, 1])
    >>> model.n_iter_ < 10
    True
    """

    def __init__(
        self,
        *,
        solver: str = "newton",
        l2: float = 0.0,
        learning_rate: float = 0.5,
        max_iter: int = 1000,
        tol: float = 1e-8,
    ) -> None:
        self.solver = solver
        self.l2 = l2
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    _multi_class = False

    def fit(self, X: ArrayLike, y: ArrayLike) -> LogisticRegression:
        """Learn ``coef_`` and ``intercept_`` from X of shape (n_samples,
        n_features) and labels y of shape (n_samples,) from two classes;
        return ``self``."""
        self._reset()
        solver = check_choice(self.solver, "solver", ("newton", "gd"))
        l2 = check_positive(self.l2, "l2", strict=False)
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        max_iter = check_int(self.max_iter, "max_iter", minimum=1, maximum=MAX_ITER)
        tol = check_positive(self.tol, "tol", strict=False)
        X = as_float_array(X, "X", ndim=2)
        codes = self._encode(y, binary=True, multiclass="SoftmaxRegression")
        y = codes.astype(np.float64)
        if X.shape[0] != y.shape[0]:
            del self.classes_
            raise ValueError(
                f"X and y must have the same number of samples, got "
                f"{X.shape[0]} rows in X and {y.shape[0]} in y; pair every row "
                f"of X with one label"
            )
        try:
            theta, it, losses, g = _fit(X, y, solver, l2, learning_rate, max_iter, tol)
        except ValueError:
            del self.classes_  # a failed fit leaves no learned attribute
            raise
        d = X.shape[1]
        if it == max_iter:
            warnings.warn(
                f"{solver} stopped at max_iter={max_iter} with gradient norm "
                f"{np.sqrt(g @ g):.3g} > tol={tol}; increase max_iter"
                + (" or learning_rate, or standardise X" if solver == "gd"
                   else ", or set l2 > 0 if the classes are separable"),
                ConvergenceWarning, stacklevel=2,
            )
        if l2 == 0 and np.all((2.0 * y - 1.0) * (X @ theta[:d] + theta[d]) > 0):
            warnings.warn(
                "the classes are linearly separable, so with l2=0 the log "
                "loss has no minimiser (it decreases as ||w|| grows) and "
                "coef_ only reflects where tol stopped; set l2 > 0 "
                "(e.g. l2=1e-3) for a well-defined answer",
                ConvergenceWarning, stacklevel=2,
            )
        self.n_features_in_ = d
        self.coef_, self.intercept_ = theta[:d].copy(), float(theta[d])
        self.n_iter_ = it
        self.loss_history_ = np.array(losses)
        return self

    def decision_function(self, X: ArrayLike) -> Floats:
        """Return the logits :math:`Xw + b`, shape (n_samples,)."""
        X = self._check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(X @ self.coef_ + self.intercept_)

    def predict_proba(self, X: ArrayLike) -> Floats:
        """Return class probabilities, shape (n_samples, 2).

        Column 0 is :math:`P(y = \\text{classes\\_}[0] \\mid x) = 1 - p`,
        column 1 is :math:`p = \\sigma(x^Tw + b)` (scikit-learn's layout)."""
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Return ``classes_[1]`` where :math:`p \\ge 1/2`, else ``classes_[0]``; shape (n_samples,)."""
        positive = self.decision_function(X) >= 0  # first: raises NotFittedError
        labels: np.ndarray = self.classes_[positive.astype(np.int64)]
        return labels


def _fit(
    X: Floats, y: Floats, solver: str, l2: float, learning_rate: float,
    max_iter: int, tol: float,
) -> tuple[Floats, int, list[float], Floats]:
    """Minimise the log loss from zeros; return (theta, steps, losses, last gradient)."""
    n, d = X.shape
    # work with theta = (w, b) and X1 = [X 1], built once: z = X1 theta
    X1 = np.empty((n, d + 1))
    X1[:, :d], X1[:, d] = X, 1.0
    penalty = np.full(d + 1, l2)
    penalty[d] = 0.0  # the intercept is not penalised
    diagonal = np.arange(d + 1)
    theta, z = np.zeros(d + 1), np.zeros(n)

    def objective(theta: Floats, z: Floats) -> float:  # _loss on (X1, theta), z = X1 @ theta
        return _binary_cross_entropy_with_logits(y, z) + 0.5 * l2 * float(theta[:d] @ theta[:d])

    losses = [objective(theta, z)]
    with np.errstate(over="ignore", invalid="ignore"):
        for it in range(max_iter + 1):
            p = _sigmoid(z)
            g = X1.T @ (p - y) / n + penalty * theta  # gradient of L
            if not np.all(np.isfinite(g)):
                raise DivergenceError(_overflowed(solver, learning_rate, it))
            if np.sqrt(g @ g) <= tol or it == max_iter:
                break
            if solver == "gd":
                rate = learning_rate
                while True:  # backtracking: halve the step while it raises the loss
                    new = theta - rate * g
                    z_new = X1 @ new
                    loss = objective(new, z_new)
                    # (a rise within rounding, 1e-12 of the loss, is not a rise)
                    if loss <= losses[-1] + 1e-12 * abs(losses[-1]):
                        break
                    rate /= 2
                    if rate < learning_rate * 2.0**-60:
                        raise DivergenceError(_overflowed(solver, learning_rate, it + 1))
                if not (np.all(np.isfinite(new)) and np.all(np.isfinite(z_new)) and np.isfinite(loss)):
                    raise DivergenceError(_overflowed(solver, learning_rate, it + 1))
                theta, z = new, z_new
                losses.append(loss)
                continue
            H = (X1.T * (p * (1.0 - p))) @ X1  # X1^T S X1
            H /= n
            H[diagonal, diagonal] += penalty
            if not np.all(np.isfinite(H)):
                raise DivergenceError(_overflowed(solver, learning_rate, it))
            try:
                step = np.linalg.solve(H, g)  # Newton: H step = g
            except np.linalg.LinAlgError:
                raise DivergenceError(_singular(l2)) from None
            t = 1.0
            while True:  # halve the step while it increases the loss
                new = theta - t * step
                z_new = X1 @ new
                loss = objective(new, z_new)
                if loss <= losses[-1] + 1e-12 * abs(losses[-1]) or t < 1e-10:
                    break
                t *= 0.5
            if not np.isfinite(new).all() or np.abs(new).max() > 1e12 or not np.isfinite(loss):
                raise DivergenceError(_singular(l2))
            theta, z = new, z_new
            losses.append(loss)
    return theta, it, losses, g


def _overflowed(solver: str, learning_rate: float, it: int) -> str:
    fix = (f"lower learning_rate={learning_rate:g} or standardise X" if solver == "gd"
           else "standardise X (rescale every column to unit size)")
    return (f"{solver} diverged at iteration {it}: the weights or the loss "
            f"became non-finite (a value overflowed float64); {fix}")


def _singular(l2: float) -> str:
    return (
        f"Newton's method failed: the Hessian is singular or the weights "
        f"diverge (l2={l2}). The classes are probably linearly separable or "
        f"X has linearly dependent columns, so the loss has no finite "
        f"minimiser; set l2 > 0 (e.g. l2=1e-3), drop duplicate columns, or "
        f"standardise X"
    )
