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

:class:`LogisticRegression` fits with the package's optimisers on these
functions: ``solver="newton"`` is :func:`log_loss`,
:func:`log_loss_gradient` and :func:`log_loss_hessian` handed to
:func:`~calcnotes.newton.newton_minimize`, ``solver="gd"`` the first two
handed to :func:`~calcnotes.gradient_descent.gradient_descent`, both with
``line_search="backtracking"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import Classifier, ConvergenceWarning, _Objective, check_w_b, check_X_y
from calcnotes._validation import (
    MAX_ITER,
    check_binary_labels,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
)
from calcnotes.activations import _sigmoid
from calcnotes.gradient_descent import gradient_descent
from calcnotes.losses import _binary_cross_entropy_with_logits
from calcnotes.newton import newton_minimize
from calcnotes.result import DivergenceError, OptimizeResult

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


# --- kernels (no checks): the public functions below and the fit share them ---
# They work on theta = (w, b) and X1 = [X 1], so that z = X1 @ theta.


def _with_ones(X: Floats) -> Floats:
    """X1 = [X 1], of shape (n, d + 1)."""
    X1 = np.empty((X.shape[0], X.shape[1] + 1))
    X1[:, :-1], X1[:, -1] = X, 1.0
    return X1


def _loss_gradient_p(
    X1: Floats, y: Floats, theta: Floats, l2: float
) -> tuple[float, Floats, Floats]:
    """``(loss, gradient in theta, p = sigmoid(z))`` of :func:`log_loss` from one z."""
    d = X1.shape[1] - 1
    # (no errstate here: callers run it under theirs, and check the result)
    z = X1 @ theta
    w = theta[:d]
    # -y log sigma(z) - (1-y) log(1-sigma(z)), stably: the kernel of losses.py
    loss = _binary_cross_entropy_with_logits(y, z) + 0.5 * l2 * float(w @ w)
    p = _sigmoid(z)
    g: Floats = X1.T @ (p - y) / y.size
    g[:d] += l2 * w  # the intercept is not penalised
    return loss, g, p


def _hessian(X1: Floats, p: Floats, l2: float) -> Floats:
    """The Hessian of :func:`log_loss_hessian` from p: X1^T S X1 / n + l2 on the w block."""
    # X1^T S X1 as (S^1/2 X1)^T (S^1/2 X1): numpy hands A^T A to BLAS's syrk,
    # half the work of a general product (callers: errstate, checks)
    A = X1 * np.sqrt(p * (1.0 - p))[:, None]
    H: Floats = A.T @ A
    H /= X1.shape[0]
    d = X1.shape[1] - 1
    H[np.arange(d), np.arange(d)] += l2  # not on b
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
    X, y, w, b, l2 = _check(X, y, w, b, l2)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        loss = _loss_gradient_p(_with_ones(X), y, np.append(w, b), l2)[0]
    check_finite_output(loss, "log_loss", fix="rescale X or w")
    return loss


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
    X, y, w, b, l2 = _check(X, y, w, b, l2)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        g = _loss_gradient_p(_with_ones(X), y, np.append(w, b), l2)[1]
    check_finite_output(g, "log_loss_gradient", fix="rescale X or w")
    return g[:-1], float(g[-1])


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
    X, y, w, b, l2 = _check(X, y, w, b, l2)
    X1 = _with_ones(X)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        H = _hessian(X1, _loss_gradient_p(X1, y, np.append(w, b), l2)[2], l2)
    check_finite_output(H, "log_loss_hessian", fix="rescale X or w")
    return H


class LogisticRegression(Classifier):
    r"""Binary logistic regression :math:`P(y=1 \mid x) = \sigma(x^Tw + b)`.

    Minimises :func:`log_loss` (mean log loss + ``l2/2 * ||w||^2``).

    Labels: any two classes (ints, strings, bools), mapped through
    ``classes_``: ``classes_[1]`` plays the part of label 1 in the
    formulas (the larger label, as in scikit-learn).

    Parameters
    ----------
    solver : {"newton", "gd"}, default "newton"
        ``"newton"``: :func:`~calcnotes.newton.newton_minimize` (Newton's
        method, i.e. iteratively reweighted least squares:
        :math:`\theta \leftarrow \theta - H^{-1}\nabla L` with
        ``np.linalg.solve``) on :func:`log_loss`, :func:`log_loss_gradient`
        and :func:`log_loss_hessian`, the step halved while it would not
        lower the loss (Armijo backtracking, a safeguard that well-posed
        problems never trigger).
        ``"gd"``: :func:`~calcnotes.gradient_descent.gradient_descent` on
        :func:`log_loss` and :func:`log_loss_gradient` with
        ``line_search="backtracking"``: a step that would not lower the
        loss is halved until it does (below the rate's stability bound no
        step is halved). Both start from zeros.
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
        X, classes, codes = self._classes_and_codes(
            X, y, binary=True, multiclass="SoftmaxRegression")
        y = codes.astype(np.float64)
        d = X.shape[1]

        X1 = _with_ones(X)  # built once for the whole fit
        last_p: list[Floats] = []  # p = sigmoid(X1 theta) at the objective's last theta

        def value_and_gradient(theta: Floats) -> tuple[float, Floats]:
            loss, g, p = _loss_gradient_p(X1, y, theta, l2)
            last_p[:] = [p]
            return loss, g

        def hessian(theta: Floats) -> Floats:
            objective.value_and_gradient(theta)  # (remembered: no work at the last theta)
            return _hessian(X1, last_p[0], l2)

        objective = _Objective(value_and_gradient)
        result = _minimise(objective, hessian, d, solver, l2, learning_rate, max_iter, tol)
        theta = np.asarray(result.x)
        if not result.converged:
            g = objective.gradient(theta)
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
        assert result.values is not None
        self.classes_ = classes
        self.n_features_in_ = d
        self.coef_, self.intercept_ = theta[:d].copy(), float(theta[d])
        self.n_iter_ = result.n_iter
        self.loss_history_ = result.values
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


def _minimise(
    objective: _Objective, hessian: Callable[[Floats], Floats], d: int, solver: str,
    l2: float, learning_rate: float, max_iter: int, tol: float,
) -> OptimizeResult:
    """Minimise the log loss in theta = (w, b) from zeros with the solver's optimiser.

    A failure of the optimiser (a ValueError: a singular Hessian, a step
    that lowers nothing, iterates beyond 1e12) becomes a DivergenceError
    whose message names the model's fix.
    """
    theta0 = np.zeros(d + 1)
    try:
        if solver == "gd":
            return gradient_descent(objective.gradient, theta0, learning_rate, max_iter=max_iter,
                                    tol=tol, f=objective.value, line_search="backtracking",
                                    keep_path=False)
        return newton_minimize(objective.gradient, hessian, theta0, max_iter=max_iter, tol=tol,
                               f=objective.value, line_search="backtracking", keep_path=False)
    except ValueError as err:
        partial = err.result if isinstance(err, DivergenceError) else None
        it = partial.n_iter + 1 if partial is not None else 0
        if solver == "gd" or "not finite" in str(err):
            raise DivergenceError(_overflowed(solver, learning_rate, it)) from None
        raise DivergenceError(_singular(l2)) from None


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
