r"""Linear regression: the loss, its gradient, two closed forms and a model.

Convention: predictions :math:`\hat y = Xw + b` with ``X`` of shape
(n_samples, n_features), weights ``w`` of shape (n_features,) and a scalar
intercept ``b`` (the notes' :math:`\theta_0 = b`, :math:`\theta_1 = w`).
The loss is the mean squared error

.. math:: L(w, b) = \frac1n \lVert Xw + b - y \rVert^2, \qquad
          \nabla_w L = \frac2n X^T r, \quad \partial_b L = \frac2n \sum_i r_i,

with residuals :math:`r = Xw + b - y`, and the (constant) Hessian in
:math:`\theta = (w, b)`, :math:`H = \frac2n \tilde X^T \tilde X` with
:math:`\tilde X = [X\;\mathbf 1]`. (The notes also use
:math:`\frac{1}{2n}`; that halves the gradient and nothing else.)

``LinearRegression(solver="gd")`` is :func:`mse_loss` and
:func:`mse_loss_gradient` handed to
:func:`~calcnotes.gradient_descent.gradient_descent`.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import ConvergenceWarning, Regressor, _Objective, check_w_b, check_X_y
from calcnotes._validation import (
    MAX_ITER,
    as_float_array,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
    check_same_length,
)
from calcnotes.gradient_descent import gradient_descent
from calcnotes.result import DivergenceError

Floats = NDArray[np.float64]

__all__ = [
    "mse_loss",
    "mse_loss_gradient",
    "mse_loss_hessian",
    "closed_form_simple",
    "normal_equations",
    "LinearRegression",
]


def _loss_and_gradient(X: Floats, y: Floats, w: Floats, b: float) -> tuple[float, Floats, float]:
    """The kernel of :func:`mse_loss` and :func:`mse_loss_gradient` (no checks):
    ``(loss, dw, db)`` from one residual vector."""
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        r = X @ w + b - y
        return float(r @ r / y.size), 2.0 * (X.T @ r) / y.size, float(2.0 * r.mean())


def _hessian(X: Floats) -> Floats:
    """The kernel of :func:`mse_loss_hessian`: 2/n [X 1]^T [X 1]."""
    X1 = np.column_stack([X, np.ones(X.shape[0])])
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        H: Floats = 2.0 * X1.T @ X1 / X.shape[0]
    return H


def mse_loss(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> float:
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
    loss = _loss_and_gradient(X, y, w, b)[0]
    check_finite_output(loss, "mse_loss", fix="rescale X, y or w")
    return loss


def mse_loss_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[NDArray[np.float64], float]:
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
    _, dw, db = _loss_and_gradient(X, y, w, b)
    check_finite_output(np.append(dw, db), "mse_loss_gradient", fix="rescale X, y or w")
    return dw, db


def mse_loss_hessian(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> Floats:
    r"""Return the Hessian of :func:`mse_loss` in the parameters ``(w, b)``.

    .. math:: H = \frac2n [X\;\mathbf 1]^T [X\;\mathbf 1]

    The loss is quadratic, so H is the same at every ``(w, b)`` (and does
    not depend on `y`; both are checked for shape only). Gradient descent
    on :func:`mse_loss` converges for ``learning_rate < 2 / lambda_max(H)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    ndarray of shape (n_features + 1, n_features + 1)
        Rows/columns ordered ``w[0], ..., w[d-1], b``; positive
        semi-definite.

    Examples
    --------
    >>> mse_loss_hessian([[1.0], [2.0]], [3.0, 5.0], [2.0], 0.0)
    array([[5., 3.],
           [3., 2.]])
    """
    X, y = check_X_y(X, y)
    check_w_b(w, b, X.shape[1])
    H = _hessian(X)
    check_finite_output(H, "mse_loss_hessian", fix="rescale X")
    return H


def _power_of_two(a: NDArray[np.float64]) -> float:
    """A power of two near max |a| (1 if a is all zero): dividing by it is exact."""
    largest = float(np.max(np.abs(a)))
    return float(np.ldexp(0.5, np.frexp(largest)[1])) if largest > 0 else 1.0


def closed_form_simple(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    r"""Return ``(w, b)``, slope and intercept minimising :math:`\sum_i(b + w x_i - y_i)^2`.

    The notes write the intercept :math:`\theta_0 = b` and the slope
    :math:`\theta_1 = w`. Setting both partial derivatives to zero gives

    .. math:: w = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}
                       {\sum_i (x_i - \bar x)^2}, \qquad
              b = \bar y - w \bar x.

    This equals the notes' :math:`(\mu_y\sum x_i - \sum x_iy_i) /
    (\mu_x\sum x_i - \sum x_i^2)`, but centring first avoids the
    cancellation of that form when :math:`|\bar x|` is large. x and y are
    divided by powers of two near their largest entries first (exact), so
    values near 1e300 or 1e-300 neither overflow nor underflow on the way.
    The order ``(w, b)`` is the one of :func:`normal_equations`.

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)

    Returns
    -------
    w, b : float
        Slope and intercept.

    Raises
    ------
    ValueError
        If x is constant (no slope), or the slope or intercept is beyond
        float64 (about 1.8e308).

    Examples
    --------
    >>> closed_form_simple([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(x, y, ("x", "y"))
    sx, sy = _power_of_two(x), _power_of_two(y)
    xs, ys = x / sx, y / sy
    dx, dy = xs - xs.mean(), ys - ys.mean()
    sxx = float(dx @ dx)
    if sxx <= 1e-28 * float(xs @ xs):
        raise ValueError(
            "x is constant, so the slope is undefined (the denominator "
            "sum (x_i - mean x)^2 is 0); pass at least two different x values"
        )
    slope = float(dx @ dy) / sxx  # in units of sy / sx
    with np.errstate(over="ignore", invalid="ignore"):
        w = slope * sy / sx
        b = sy * (float(ys.mean()) - slope * float(xs.mean()))
    check_finite_output([w, b], "closed_form_simple", fix="rescale x or y")
    return float(w), float(b)


def normal_equations(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], float]:
    r"""Return ``(w, b)`` solving the normal equations of least squares.

    The minimiser of :func:`mse_loss` solves :math:`X_c^T X_c w = X_c^T y_c`
    with centred :math:`X_c = X - \bar x`, :math:`y_c = y - \bar y`, and
    :math:`b = \bar y - \bar x^T w`. It is computed with
    ``np.linalg.lstsq`` (SVD), never by inverting :math:`X^TX`, which would
    square the condition number. If the columns are linearly dependent the
    minimum-norm ``w`` is returned. X and y are divided by powers of two
    near their largest entries first (exact, and the same for every
    column, so the minimum-norm solution is unchanged): entries near 1e308
    do not overflow in the means.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float

    Raises
    ------
    ValueError
        If the solution is beyond float64 (rescale X or y).

    Examples
    --------
    >>> w, b = normal_equations([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    >>> w.round(12), round(b, 12)
    (array([2.]), 1.0)
    """
    X, y = check_X_y(X, y)
    sX, sy = _power_of_two(X), _power_of_two(y)
    Xs, ys = X / sX, y / sy
    x_mean, y_mean = Xs.mean(axis=0), ys.mean()
    w = np.linalg.lstsq(Xs - x_mean, ys - y_mean, rcond=None)[0]
    with np.errstate(over="ignore", invalid="ignore"):
        b = sy * float(y_mean - x_mean @ w)
        w = w * (sy / sX) if sy / sX < np.inf else (w * sy) / sX
    check_finite_output(np.append(w, b), "normal_equations", fix="rescale X or y")
    return w, float(b)


class LinearRegression(Regressor):
    r"""Least-squares linear regression :math:`\hat y = Xw + b`.

    Parameters
    ----------
    solver : {"normal", "gd"}, default "normal"
        ``"normal"``: :func:`normal_equations`. ``"gd"``:
        :func:`~calcnotes.gradient_descent.gradient_descent` (fixed steps,
        no line search) on :func:`mse_loss` and :func:`mse_loss_gradient`
        from ``w = 0, b = 0``.
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
        :func:`mse_loss` before every step and at the end (``"gd"`` only;
        a refit with ``"normal"`` removes it).
    n_features_in_ : int

    Raises
    ------
    DivergenceError
        From ``fit``, if gradient descent diverges or the weights end
        non-finite (rescale X and y, or lower ``learning_rate``).

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0]]
    >>> model = LinearRegression().fit(X, [1.0, 3.0, 5.0])
    >>> model.coef_.round(12), round(model.intercept_, 12)
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

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearRegression:
        """Learn ``coef_`` and ``intercept_`` from X of shape (n_samples,
        n_features) and y of shape (n_samples,); return ``self``."""
        self._reset()
        solver = check_choice(self.solver, "solver", ("normal", "gd"))
        if solver == "gd":
            learning_rate = check_positive(self.learning_rate, "learning_rate")
            max_iter = check_int(self.max_iter, "max_iter", minimum=1, maximum=MAX_ITER)
            tol = check_positive(self.tol, "tol", strict=False)
        X, y = check_X_y(X, y)
        if solver == "normal":
            try:
                w, b = normal_equations(X, y)
            except ValueError as err:
                raise DivergenceError(f"the least-squares fit failed: {err}") from None
            self.coef_, self.intercept_, self.n_iter_ = w, b, 0
            self.n_features_in_ = X.shape[1]
            return self
        d = X.shape[1]

        def value_and_gradient(theta: Floats) -> tuple[float, Floats]:
            loss, dw, db = _loss_and_gradient(X, y, theta[:d], float(theta[d]))
            return loss, np.append(dw, db)

        objective = _Objective(value_and_gradient)
        try:
            result = gradient_descent(objective.gradient, np.zeros(d + 1), learning_rate,
                                      max_iter=max_iter, tol=tol, f=objective.value,
                                      keep_path=False)
        except ValueError as err:  # DivergenceError, or a gradient overflowing at the start
            partial = err.result if isinstance(err, DivergenceError) else None
            values = partial.values if partial is not None else None
            it = partial.n_iter + 1 if partial is not None else 0
            what = ("the weights or the loss blew up" if values is None or values.size < 2 else
                    f"the loss grew from {values[0]:.4g} to {values[-1]:.4g}, then blew up")
            raise DivergenceError(_diverged(X, learning_rate, it, what)) from None
        assert result.values is not None
        losses = result.values
        if losses[-1] > losses[0]:  # still finite, but growing: a slow divergence
            raise DivergenceError(_diverged(
                X, learning_rate, result.n_iter,
                f"the loss grew from {losses[0]:.4g} to {losses[-1]:.4g}"))
        theta = np.asarray(result.x)
        if not result.converged:
            warnings.warn(
                f"gradient descent stopped at max_iter={max_iter} with "
                f"gradient norm {np.linalg.norm(objective.gradient(theta)):.3g} > tol={tol}; "
                f"increase max_iter or learning_rate, or standardise X",
                ConvergenceWarning, stacklevel=2,
            )
        self.coef_, self.intercept_ = theta[:d].copy(), float(theta[d])
        self.n_iter_ = result.n_iter
        self.loss_history_ = losses
        self.n_features_in_ = d
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Return :math:`Xw + b`, an ndarray of shape (n_samples,)."""
        X = self._check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(X @ self.coef_ + self.intercept_)


def _diverged(X: Floats, learning_rate: float, it: int, what: str) -> str:
    """The message of a divergent fit: the largest safe learning rate, from the Hessian."""
    H = _hessian(X)
    if not np.all(np.isfinite(H)):
        return (
            f"gradient descent diverged at iteration {it} ({what}): X is too "
            f"large for float64 squares; standardise X (and rescale y), then "
            f"choose learning_rate"
        )
    lam = float(np.linalg.eigvalsh(H)[-1])
    return (
        f"gradient descent diverged at iteration {it} ({what}); "
        f"learning_rate={learning_rate} is too large for this X: it must be "
        f"< 2/lambda_max = {2.0 / lam:.3g} (try learning_rate={1.0 / lam:.3g}, "
        f"or standardise X)"
    )
