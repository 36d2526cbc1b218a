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
from typing import Any

import numpy as np

from calcnotes._base import ConvergenceWarning, Model, check_w_b, check_X_y
from calcnotes._validation import (
    check_binary_labels,
    check_choice,
    check_int,
    check_positive,
)
from calcnotes.activations import _sigmoid

__all__ = [
    "log_loss",
    "log_loss_gradient",
    "log_loss_hessian",
    "LogisticRegression",
]


def _check(X: Any, y: Any, w: Any, b: Any, l2: Any):
    X, y = check_X_y(X, y)
    y = check_binary_labels(y)
    w, b = check_w_b(w, b, X.shape[1])
    return X, y, w, b, check_positive(l2, "l2", strict=False)


def _loss(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, l2: float) -> float:
    z = X @ w + b
    # -y log sigma(z) - (1-y) log(1-sigma(z)), stably (see losses.py)
    nll = np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
    return float(nll.mean() + 0.5 * l2 * (w @ w))


def _gradient(X, y, w, b, l2) -> tuple[np.ndarray, float]:
    r = _sigmoid(X @ w + b) - y  # p - y
    return X.T @ r / y.size + l2 * w, float(r.mean())


def _hessian(X, w, b, l2) -> np.ndarray:
    p = _sigmoid(X @ w + b)
    X1 = np.column_stack([X, np.ones(X.shape[0])])
    H = (X1.T * (p * (1.0 - p))) @ X1 / X.shape[0]  # X1^T S X1 / n
    H[np.arange(X.shape[1]), np.arange(X.shape[1])] += l2  # not on b
    return H


def log_loss(X: Any, y: Any, w: Any, b: float, l2: float = 0.0) -> float:
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
    X: Any, y: Any, w: Any, b: float, l2: float = 0.0
) -> tuple[np.ndarray, float]:
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


def log_loss_hessian(X: Any, y: Any, w: Any, b: float, l2: float = 0.0) -> np.ndarray:
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


class LogisticRegression(Model):
    r"""Binary logistic regression :math:`P(y=1 \mid x) = \sigma(x^Tw + b)`.

    Minimises :func:`log_loss` (mean log loss + ``l2/2 * ||w||^2``).

    Parameters
    ----------
    solver : {"newton", "gd"}, default "newton"
        ``"newton"``: Newton's method, i.e. iteratively reweighted least
        squares: :math:`\theta \leftarrow \theta - H^{-1}\nabla L` with
        ``np.linalg.solve`` (the step is halved while it would increase the
        loss, a safeguard that well-posed problems never trigger).
        ``"gd"``: full-batch gradient descent. Both start from zeros.
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

    def fit(self, X: Any, y: Any) -> LogisticRegression:
        """Learn ``coef_`` and ``intercept_`` from X of shape (n_samples,
        n_features) and 0/1 labels y of shape (n_samples,); return ``self``."""
        solver = check_choice(self.solver, "solver", ("newton", "gd"))
        l2 = check_positive(self.l2, "l2", strict=False)
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_positive(self.tol, "tol", strict=False)
        X, y = check_X_y(X, y)
        y = check_binary_labels(y)
        n, d = X.shape
        # work with theta = (w, b) and X1 = [X 1], built once: z = X1 theta
        X1 = np.empty((n, d + 1))
        X1[:, :d], X1[:, d] = X, 1.0
        penalty = np.full(d + 1, l2)
        penalty[d] = 0.0  # the intercept is not penalised
        diagonal = np.arange(d + 1)
        theta, z = np.zeros(d + 1), np.zeros(n)

        def objective(theta, z):  # _loss on (X1, theta), z = X1 @ theta
            nll = np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
            return float(nll.sum() / n + 0.5 * l2 * (theta[:d] @ theta[:d]))

        losses = [objective(theta, z)]
        for it in range(max_iter + 1):
            p = _sigmoid(z)
            g = X1.T @ (p - y) / n + penalty * theta  # gradient of L
            if np.sqrt(g @ g) <= tol or it == max_iter:
                break
            if solver == "gd":
                theta -= learning_rate * g
                z = X1 @ theta
                losses.append(objective(theta, z))
                continue  # the gradient is bounded: gd cannot overflow
            H = (X1.T * (p * (1.0 - p))) @ X1  # X1^T S X1
            H /= n
            H[diagonal, diagonal] += penalty
            try:
                step = np.linalg.solve(H, g)  # Newton: H step = g
            except np.linalg.LinAlgError:
                raise ValueError(_singular(l2)) from None
            t = 1.0
            while True:  # halve the step while it increases the loss
                new = theta - t * step
                z_new = X1 @ new
                loss = objective(new, z_new)
                if loss <= losses[-1] + 1e-12 * abs(losses[-1]) or t < 1e-10:
                    break
                t *= 0.5
            if not np.isfinite(new).all() or np.abs(new).max() > 1e12:
                raise ValueError(_singular(l2))
            theta, z = new, z_new
            losses.append(loss)
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

    def decision_function(self, X: Any) -> np.ndarray:
        """Return the logits :math:`Xw + b`, shape (n_samples,)."""
        X = self._check_X(X)
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return class probabilities, shape (n_samples, 2).

        Column 0 is :math:`P(y=0\\mid x) = 1 - p`, column 1 is
        :math:`p = \\sigma(x^Tw + b)` (scikit-learn's layout)."""
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """Return labels 0/1 (1 where :math:`p \\ge 1/2`), shape (n_samples,)."""
        return (self.decision_function(X) >= 0).astype(np.int64)


def _singular(l2: float) -> str:
    return (
        f"Newton's method failed: the Hessian is singular or the weights "
        f"diverge (l2={l2}). The classes are probably linearly separable or "
        f"X has linearly dependent columns, so the loss has no finite "
        f"minimiser; set l2 > 0 (e.g. l2=1e-3) or drop duplicate columns"
    )
