r"""Softmax (multinomial logistic) regression: loss, gradient and a model.

Model :math:`P = \operatorname{softmax}(XW + b)` row by row, labels
:math:`y_i \in \{0, \dots, k-1\}` with one-hot matrix :math:`Y`. The loss is
the mean negative log-likelihood (cross-entropy) plus an L2 penalty on W:

.. math:: L(W, b) = -\frac1n\sum_{i}\sum_{j} Y_{ij}\log P_{ij}
          + \frac{\lambda}{2}\lVert W\rVert_F^2

.. math:: \nabla_W L = \frac1n X^T(P - Y) + \lambda W, \qquad
          \nabla_b L = \frac1n \mathbf 1^T (P - Y)

Seed 004 derives this per column (:math:`\partial\log L/\partial\theta_v =
\sum_i x^i(1\{y^i = v\} - S(x^i\theta_v))`, the log-likelihood's ascent
direction); the matrix form above is its negative mean. Its margin note
"add a 1/L factor, then differentiate" is the step
:math:`\partial \log L = \partial L / L`.

In :math:`\theta = (W, b)`, i.e. :math:`\tilde W = [W; b^T]` of shape
(d + 1, k) read row by row, the Hessian is

.. math:: H_{(a,j),(c,l)} = \frac1n \sum_i \tilde x_{ia}\tilde x_{ic}
          \bigl(P_{ij}\delta_{jl} - P_{ij}P_{il}\bigr)
          + \lambda\,\delta_{ac}\delta_{jl}\,[a \le d]

(:math:`\tilde x_i = (x_i, 1)`): each sample adds
:math:`\tilde x_i\tilde x_i^T \otimes (\operatorname{diag}(p_i) - p_ip_i^T)`.
It is only positive *semi*-definite: adding the same vector to every
column of :math:`\tilde W` changes no probability.

:class:`SoftmaxRegression` fits with the package's optimisers on
:func:`softmax_regression_loss` and :func:`softmax_regression_gradient`:
:func:`~calcnotes.gradient_descent.gradient_descent` with
``line_search="backtracking"`` (``solver="gd"``) or
:func:`~calcnotes.lbfgs.lbfgs` (``solver="lbfgs"``).
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import Classifier, ConvergenceWarning, _Objective, check_W_b
from calcnotes._validation import (
    MAX_ITER,
    as_float_array,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
)
from calcnotes.activations import _softmax
from calcnotes.gradient_descent import gradient_descent
from calcnotes.lbfgs import lbfgs
from calcnotes.losses import _cross_entropy_with_logits_and_gradient, _one_hot, _targets
from calcnotes.result import DivergenceError, OptimizeResult

Floats = NDArray[np.float64]

__all__ = [
    "softmax_regression_loss",
    "softmax_regression_gradient",
    "softmax_regression_hessian",
    "SoftmaxRegression",
]


def _check(
    X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike, l2: float
) -> tuple[Floats, Floats, Floats, Floats, float]:
    X = as_float_array(X, "X", ndim=2)
    W, b = check_W_b(W, b, X.shape[1])
    k = W.shape[1]
    Y = _targets(Y, k)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows but Y has {Y.shape[0]}; pass one label "
            f"(or one-hot row) per row of X"
        )
    return X, Y, W, b, check_positive(l2, "l2", strict=False)


# --- kernels (no checks): the public functions below and the fit share them ---


def _loss_and_gradient(
    X: Floats, Y: Floats, W: Floats, b: Floats, l2: float
) -> tuple[float, Floats, Floats]:
    """``(loss, dW, db)`` of :func:`softmax_regression_loss` from one set of logits."""
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        loss, dZ = _cross_entropy_with_logits_and_gradient(Y, X @ W + b)  # dZ = (P - Y)/n
        if l2:
            loss += 0.5 * l2 * float(np.sum(W * W))
        return loss, X.T @ dZ + l2 * W, dZ.sum(axis=0)


def _hessian(X: Floats, W: Floats, b: Floats, l2: float) -> Floats:
    """The kernel of :func:`softmax_regression_hessian` (see the module docstring)."""
    n, d = X.shape
    k = W.shape[1]
    X1 = np.column_stack([X, np.ones(n)])
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        P = _softmax(X @ W + b)
        blocks = np.zeros((d + 1, k, d + 1, k))
        for j in range(k):  # sum_i x~_i x~_i^T P_ij on the diagonal class blocks
            blocks[:, j, :, j] = (X1.T * P[:, j]) @ X1
        M = (X1[:, :, None] * P[:, None, :]).reshape(n, (d + 1) * k)  # x~_ia P_ij
        H: Floats = (blocks.reshape((d + 1) * k, (d + 1) * k) - M.T @ M) / n
    diagonal = np.arange(d * k)  # the entries of W (b is not penalised)
    H[diagonal, diagonal] += l2
    return H


def softmax_regression_loss(
    X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike, l2: float = 0.0
) -> float:
    r"""Return the mean cross-entropy of ``softmax(XW + b)`` plus ``l2/2 ||W||^2``.

    Computed with the stable log-softmax (finite for any W).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Integer labels in ``0..n_classes-1``, or one-hot rows.
    W : ndarray of shape (n_features, n_classes)
    b : ndarray of shape (n_classes,)
    l2 : float, default 0.0
        Penalty strength :math:`\lambda \ge 0` (the intercept is not
        penalised).

    Returns
    -------
    float

    Examples
    --------
    >>> softmax_regression_loss([[1.0, 2.0]], [2], [[0.0] * 3] * 2, [0.0] * 3)  # log 3
    1.0986122886681098
    """
    loss = _loss_and_gradient(*_check(X, Y, W, b, l2))[0]
    check_finite_output(loss, "softmax_regression_loss", fix="rescale X or W")
    return loss


def softmax_regression_gradient(
    X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike, l2: float = 0.0
) -> tuple[Floats, Floats]:
    r"""Return the gradient ``(dW, db)`` of :func:`softmax_regression_loss`.

    .. math:: dW = \frac1n X^T(P - Y) + \lambda W, \qquad
              db = \frac1n \mathbf 1^T(P - Y)

    Returns
    -------
    dW : ndarray of shape (n_features, n_classes)
    db : ndarray of shape (n_classes,)

    Examples
    --------
    >>> dW, db = softmax_regression_gradient([[3.0]], [0], [[0.0, 0.0]], [0.0, 0.0])
    >>> dW, db
    (array([[-1.5,  1.5]]), array([-0.5,  0.5]))
    """
    _, dW, db = _loss_and_gradient(*_check(X, Y, W, b, l2))
    check_finite_output(dW, "softmax_regression_gradient", fix="rescale X or W")
    return dW, db


def softmax_regression_hessian(
    X: ArrayLike, Y: ArrayLike, W: ArrayLike, b: ArrayLike, l2: float = 0.0
) -> Floats:
    r"""Return the Hessian of :func:`softmax_regression_loss` in ``(W, b)``.

    The parameters are ordered as ``np.append(W.ravel(), b)`` (W row by
    row, then b): the rows of :math:`[W; b^T]`. See the module docstring
    for the formula; it does not depend on `Y` (checked for shape only).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples,) or (n_samples, n_classes)
    W : ndarray of shape (n_features, n_classes)
    b : ndarray of shape (n_classes,)
    l2 : float, default 0.0

    Returns
    -------
    ndarray of shape ((n_features + 1) * n_classes, (n_features + 1) * n_classes)
        Symmetric, positive semi-definite (never definite: shifting every
        class by the same weights leaves the loss unchanged, except through
        the penalty).

    Examples
    --------
    One sample x = 1, two classes, W = 0 (so P = (1/2, 1/2)):
    :math:`	ilde x	ilde x^T \otimes (\mathrm{diag}(p) - pp^T)` with
    :math:`	ilde x = (1, 1)`:

    >>> softmax_regression_hessian([[1.0]], [0], [[0.0, 0.0]], [0.0, 0.0])
    array([[ 0.25, -0.25,  0.25, -0.25],
           [-0.25,  0.25, -0.25,  0.25],
           [ 0.25, -0.25,  0.25, -0.25],
           [-0.25,  0.25, -0.25,  0.25]])
    """
    X, _, W, b, l2 = _check(X, Y, W, b, l2)
    size = (X.shape[1] + 1) * W.shape[1]
    if size * size > 10**8:
        raise ValueError(
            f"the Hessian of {X.shape[1]} features and {W.shape[1]} classes has "
            f"{size}^2 = {size * size:.3g} entries (over 800 MB); use "
            f"SoftmaxRegression(solver='lbfgs'), which never forms it"
        )
    H = _hessian(X, W, b, l2)
    check_finite_output(H, "softmax_regression_hessian", fix="rescale X or W")
    return H


def _minimise(
    X: Floats, Y: Floats, solver: str, learning_rate: float, max_iter: int, l2: float,
    tol: float,
) -> tuple[OptimizeResult, _Objective]:
    """Minimise the loss in theta = (W.ravel(), b) from zeros with the solver's optimiser.

    A failure of the optimiser (a ValueError: an overflow, a step that
    lowers nothing) becomes a DivergenceError naming the model's fix.
    """
    d, k = X.shape[1], Y.shape[1]

    def value_and_gradient(theta: Floats) -> tuple[float, Floats]:
        loss, dW, db = _loss_and_gradient(X, Y, theta[: d * k].reshape(d, k), theta[d * k :], l2)
        return loss, np.concatenate([dW.ravel(), db])

    objective = _Objective(value_and_gradient)
    theta0 = np.zeros((d + 1) * k)
    try:
        if solver == "gd":
            return gradient_descent(objective.gradient, theta0, learning_rate,
                                    max_iter=max_iter, tol=tol, f=objective.value,
                                    line_search="backtracking", keep_path=False), objective
        return lbfgs(objective.value_and_gradient, theta0, max_iter=max_iter, tol=tol), objective
    except ValueError as err:
        partial = err.result if isinstance(err, DivergenceError) else None
        it = partial.n_iter + 1 if partial is not None else 0
        name = "gradient descent" if solver == "gd" else "L-BFGS"
        fix = (f"lower learning_rate={learning_rate:g} or standardise X" if solver == "gd"
               else "standardise X")
        raise DivergenceError(
            f"{name} diverged at iteration {it}: the loss or its gradient "
            f"overflowed float64 (non-finite), or no step lowered the loss; {fix}"
        ) from None


class SoftmaxRegression(Classifier):
    r"""Multinomial logistic regression trained by full-batch gradient descent.

    Minimises :func:`softmax_regression_loss` from ``W = 0, b = 0``.

    Parameters
    ----------
    solver : {"gd", "lbfgs"}, default "gd"
        ``"gd"``: :func:`~calcnotes.gradient_descent.gradient_descent` with
        ``line_search="backtracking"`` on :func:`softmax_regression_loss`
        and :func:`softmax_regression_gradient`, below.
        ``"lbfgs"``: :func:`calcnotes.lbfgs.lbfgs` on the same loss and
        gradient (no learning rate; converges in far fewer steps).
    learning_rate : float, default 0.5
        Step size. With standardised features 0.5 is safe: the loss Hessian
        is bounded by :math:`\frac{1}{2n}\lVert [X\,1]\rVert_2^2 + \lambda`.
        A step that would not lower the loss is halved until it does
        (Armijo backtracking), so a rate too large for X costs extra loss
        evaluations, not a divergent fit; below the bound no step is ever
        halved and the iterates are those of plain gradient descent.
    max_iter : int, default 1000
        Maximum number of gradient steps.
    l2 : float, default 0.0
        L2 penalty :math:`\lambda` on W. scikit-learn's
        ``LogisticRegression(C=...)`` corresponds to ``l2 = 1 / (n * C)``.
    tol : float, default 1e-6
        Stop when the gradient norm :math:`\lVert(\nabla_W L, \nabla_b L)
        \rVert_2 \le` `tol`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, n_classes)
    intercept_ : ndarray of shape (n_classes,)
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted; column j of ``coef_`` belongs to
        ``classes_[j]`` (any labels: ints, strings).
    n_iter_ : int
    loss_history_ : ndarray of shape (n_iter_ + 1,)
    n_features_in_ : int

    Examples
    --------
    >>> X = [[0.0, 2.0], [2.0, 0.0], [-2.0, -2.0], [0.2, 2.5]]
    >>> model = SoftmaxRegression(l2=0.1).fit(X, [0, 1, 2, 0])
    >>> model.predict(X)
    array([0, 1, 2, 0])
    >>> model.predict_proba(X).sum(axis=1)
    array([1., 1., 1., 1.])
    """

    def __init__(
        self,
        *,
        solver: str = "gd",
        learning_rate: float = 0.5,
        max_iter: int = 1000,
        l2: float = 0.0,
        tol: float = 1e-6,
    ) -> None:
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.l2 = l2
        self.tol = tol

    def fit(self, X: ArrayLike, y: ArrayLike) -> SoftmaxRegression:
        """Learn from X of shape (n_samples, n_features) and labels y of
        shape (n_samples,) (any k >= 2 classes); return ``self``."""
        self._reset()
        solver = check_choice(self.solver, "solver", ("gd", "lbfgs"))
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        max_iter = check_int(self.max_iter, "max_iter", minimum=1, maximum=MAX_ITER)
        l2 = check_positive(self.l2, "l2", strict=False)
        tol = check_positive(self.tol, "tol", strict=False)
        X, classes, codes = self._classes_and_codes(X, y, binary=False)
        result, objective = _minimise(X, _one_hot(codes, classes.size), solver,
                                      learning_rate, max_iter, l2, tol)
        theta = np.asarray(result.x)
        d, k = X.shape[1], classes.size
        if not result.converged:
            warnings.warn(
                f"{'gradient descent' if solver == 'gd' else 'L-BFGS'} stopped at "
                f"max_iter={max_iter} with gradient norm "
                f"{np.linalg.norm(objective.gradient(theta)):.3g} > tol={tol}; increase max_iter"
                + (" or learning_rate, or standardise X" if solver == "gd" else ", or standardise X"),
                ConvergenceWarning, stacklevel=2,
            )
        assert result.values is not None
        self.n_features_in_ = d
        self.classes_ = classes
        self.coef_, self.intercept_ = theta[: d * k].reshape(d, k).copy(), theta[d * k :].copy()
        self.n_iter_ = result.n_iter
        self.loss_history_ = result.values
        return self

    def _logits(self, X: ArrayLike) -> Floats:
        X = self._check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(X @ self.coef_ + self.intercept_)

    def decision_function(self, X: ArrayLike) -> Floats:
        """Return the logits :math:`XW + b`, shape (n_samples, n_classes).

        With two classes, scikit-learn's convention: the log-odds
        :math:`z_1 - z_0` of shape (n_samples,), positive for ``classes_[1]``.
        """
        Z = self._logits(X)
        return Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z

    def predict_proba(self, X: ArrayLike) -> Floats:
        """Return ``softmax(XW + b)``, shape (n_samples, n_classes), columns in ``classes_`` order."""
        return _softmax(self._logits(X))

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Return the most probable class (from ``classes_``) of every row, shape (n_samples,)."""
        best = self._logits(X).argmax(axis=1)  # first: raises NotFittedError
        labels: np.ndarray = self.classes_[best]
        return labels
