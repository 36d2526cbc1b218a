r"""Linear regression: the loss, its gradient, two closed forms and a model.

Convention: predictions :math:`\hat y = Xw + b` with ``X`` of shape
(n_samples, n_features), weights ``w`` of shape (n_features,) and a scalar
intercept ``b`` (the notes' :math:`\theta_0 = b`, :math:`\theta_1 = w`).
The loss is the mean squared error

.. math:: L(w, b) = \frac1n \lVert Xw + b - y \rVert^2, \qquad
          \nabla_w L = \frac2n X^T r, \quad \partial_b L = \frac2n \sum_i r_i,

with residuals :math:`r = Xw + b - y`. (The notes also use
:math:`\frac{1}{2n}`; that halves the gradient and nothing else.)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from calcnotes._base import ConvergenceWarning, Model, check_w_b, check_X_y
from calcnotes._validation import (
    as_float_array,
    check_choice,
    check_int,
    check_positive,
    check_same_length,
)

__all__ = [
    "mse_loss",
    "mse_loss_gradient",
    "closed_form_simple",
    "normal_equations",
    "LinearRegression",
]


def mse_loss(X: Any, y: Any, w: Any, b: float) -> float:
    r"""Return the mean squared error :math:`\frac1n\lVert Xw + b - y\rVert^2`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    float

    Examples
    --------
    >>> mse_loss([[1.0], [2.0]], [3.0, 5.0], [2.0], 0.0)
    1.0
    """
    X, y = check_X_y(X, y)
    w, b = check_w_b(w, b, X.shape[1])
    r = X @ w + b - y
    return float(r @ r / y.size)


def mse_loss_gradient(X: Any, y: Any, w: Any, b: float) -> tuple[np.ndarray, float]:
    r"""Return the gradient ``(dw, db)`` of :func:`mse_loss`.

    .. math:: dw = \frac2n X^T (Xw + b - y), \qquad
              db = \frac2n \sum_i (x_i^T w + b - y_i)

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Examples
    --------
    >>> mse_loss_gradient([[1.0], [2.0]], [3.0, 5.0], [2.0], 0.0)
    (array([-3.]), -2.0)
    """
    X, y = check_X_y(X, y)
    w, b = check_w_b(w, b, X.shape[1])
    r = X @ w + b - y
    return 2.0 * (X.T @ r) / y.size, float(2.0 * r.mean())


def closed_form_simple(x: Any, y: Any) -> tuple[float, float]:
    r"""Return ``(theta0, theta1)`` minimising :math:`\sum_i(\theta_0+\theta_1x_i-y_i)^2`.

    Setting both partial derivatives to zero gives

    .. math:: \theta_1 = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}
                              {\sum_i (x_i - \bar x)^2}, \qquad
              \theta_0 = \bar y - \theta_1 \bar x.

    This equals the notes' :math:`(\mu_y\sum x_i - \sum x_iy_i) /
    (\mu_x\sum x_i - \sum x_i^2)`, but centring first avoids the
    cancellation of that form when :math:`|\bar x|` is large.

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)

    Returns
    -------
    theta0, theta1 : float
        Intercept and slope.

    Examples
    --------
    >>> closed_form_simple([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (1.0, 2.0)
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(x, y, ("x", "y"))
    dx, dy = x - x.mean(), y - y.mean()
    sxx = float(dx @ dx)
    if sxx <= 1e-28 * max(1.0, float(x @ x)):
        raise ValueError(
            "x is constant, so the slope is undefined (the denominator "
            "sum (x_i - mean x)^2 is 0); pass at least two different x values"
        )
    theta1 = float(dx @ dy) / sxx
    return float(y.mean() - theta1 * x.mean()), theta1


def normal_equations(X: Any, y: Any) -> tuple[np.ndarray, float]:
    r"""Return ``(w, b)`` solving the normal equations of least squares.

    The minimiser of :func:`mse_loss` solves :math:`X_c^T X_c w = X_c^T y_c`
    with centred :math:`X_c = X - \bar x`, :math:`y_c = y - \bar y`, and
    :math:`b = \bar y - \bar x^T w`. It is computed with
    ``np.linalg.lstsq`` (SVD), never by inverting :math:`X^TX`, which would
    square the condition number. If the columns are linearly dependent the
    minimum-norm ``w`` is returned.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float

    Examples
    --------
    >>> w, b = normal_equations([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    >>> w, b
    (array([2.]), 1.0)
    """
    X, y = check_X_y(X, y)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    w = np.linalg.lstsq(X - x_mean, y - y_mean, rcond=None)[0]
    return w, float(y_mean - x_mean @ w)


class LinearRegression(Model):
    r"""Least-squares linear regression :math:`\hat y = Xw + b`.

    Parameters
    ----------
    solver : {"normal", "gd"}, default "normal"
        ``"normal"``: :func:`normal_equations`. ``"gd"``: full-batch
        gradient descent on :func:`mse_loss` from ``w = 0, b = 0``.
    learning_rate : float, default 0.01
        Step size of ``"gd"``. It converges for
        ``learning_rate < 2 / lambda_max`` where ``lambda_max`` is the
        largest eigenvalue of the loss Hessian :math:`\frac2n [X\,1]^T[X\,1]`;
        standardise X to make one rate fit all columns.
    max_iter : int, default 1000
        Maximum number of gradient steps (``"gd"``).
    tol : float, default 1e-8
        ``"gd"`` stops when :math:`\lVert(\nabla_w L, \partial_b L)\rVert_2
        \le` `tol`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weights w.
    intercept_ : float
        The intercept b.
    n_iter_ : int
        Gradient steps taken (0 for ``"normal"``).
    loss_history_ : ndarray of shape (n_iter_ + 1,)
        :func:`mse_loss` before every step and at the end (``"gd"`` only).
    n_features_in_ : int

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0]]
    >>> model = LinearRegression().fit(X, [1.0, 3.0, 5.0])
    >>> model.coef_, model.intercept_
    (array([2.]), 1.0)
    >>> model.predict([[3.0]])
    array([7.])
    """

    def __init__(
        self,
        *,
        solver: str = "normal",
        learning_rate: float = 0.01,
        max_iter: int = 1000,
        tol: float = 1e-8,
    ) -> None:
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: Any, y: Any) -> LinearRegression:
        """Learn ``coef_`` and ``intercept_`` from X of shape (n_samples,
        n_features) and y of shape (n_samples,); return ``self``."""
        solver = check_choice(self.solver, "solver", ("normal", "gd"))
        X, y = check_X_y(X, y)
        self.n_features_in_ = X.shape[1]
        if solver == "normal":
            self.coef_, self.intercept_ = normal_equations(X, y)
            self.n_iter_ = 0
            return self
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_positive(self.tol, "tol", strict=False)
        n = y.size
        w, b = np.zeros(X.shape[1]), 0.0
        losses = []
        with np.errstate(over="ignore", invalid="ignore"):
            for it in range(max_iter + 1):
                r = X @ w + b - y
                losses.append(r @ r / n)
                dw, db = 2.0 * (X.T @ r) / n, 2.0 * r.mean()
                if not np.isfinite(losses[-1]) or not np.isfinite(dw).all():
                    raise ValueError(_diverged(X, learning_rate, it))
                if np.sqrt(dw @ dw + db * db) <= tol or it == max_iter:
                    break
                w -= learning_rate * dw
                b -= learning_rate * db
        if it == max_iter:
            warnings.warn(
                f"gradient descent stopped at max_iter={max_iter} with "
                f"gradient norm {np.sqrt(dw @ dw + db * db):.3g} > tol={tol}; "
                f"increase max_iter or learning_rate, or standardise X",
                ConvergenceWarning, stacklevel=2,
            )
        self.coef_, self.intercept_ = w, float(b)
        self.n_iter_ = it
        self.loss_history_ = np.array(losses)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Return :math:`Xw + b`, an ndarray of shape (n_samples,)."""
        X = self._check_X(X)
        return X @ self.coef_ + self.intercept_


def _diverged(X: np.ndarray, learning_rate: float, it: int) -> str:
    X1 = np.column_stack([X, np.ones(X.shape[0])])
    lam = float(np.linalg.eigvalsh(2.0 * X1.T @ X1 / X.shape[0])[-1])
    return (
        f"gradient descent diverged at iteration {it} (the loss overflowed); "
        f"learning_rate={learning_rate} is too large for this X: it must be "
        f"< 2/lambda_max = {2.0 / lam:.3g} (try learning_rate={1.0 / lam:.3g}, "
        f"or standardise X)"
    )
