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
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import Classifier, ConvergenceWarning, check_W_b
from calcnotes._validation import (
    MAX_ITER,
    as_float_array,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
)
from calcnotes.activations import _softmax
from calcnotes.lbfgs import lbfgs
from calcnotes.losses import _cross_entropy_with_logits, _one_hot, _targets
from calcnotes.result import DivergenceError

Floats = NDArray[np.float64]

__all__ = [
    "softmax_regression_loss",
    "softmax_regression_gradient",
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


def _loss(X: Floats, Y: Floats, W: Floats, b: Floats, l2: float) -> float:
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        return _cross_entropy_with_logits(Y, X @ W + b) + 0.5 * l2 * float(np.sum(W * W))


def _gradient(X: Floats, Y: Floats, W: Floats, b: Floats, l2: float) -> tuple[Floats, Floats]:
    with np.errstate(over="ignore", invalid="ignore"):  # callers check the result
        dZ = (_softmax(X @ W + b) - Y) / X.shape[0]  # (n, k)
        return X.T @ dZ + l2 * W, dZ.sum(axis=0)


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
    loss = _loss(*_check(X, Y, W, b, l2))
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
    dW, db = _gradient(*_check(X, Y, W, b, l2))
    check_finite_output(dW, "softmax_regression_gradient", fix="rescale X or W")
    return dW, db


def _descend(
    X: Floats, Y: Floats, k: int, learning_rate: float, max_iter: int, l2: float, tol: float,
) -> tuple[Floats, Floats, list[float], int, float]:
    """Gradient descent with backtracking on the loss, from W = 0, b = 0.

    Each iteration computes the logits once: they give the loss (to accept
    or halve the step) and then the gradient of the next step.
    """
    n = X.shape[0]
    W, b = np.zeros((X.shape[1], k)), np.zeros(k)
    Z = np.zeros((n, k))
    loss = _loss_from_logits(Y, Z, W, l2)
    losses = [loss]
    with np.errstate(over="ignore", invalid="ignore"):
        for it in range(max_iter + 1):
            dZ = (_softmax(Z) - Y) / n                      # (n, k)
            dW, db = X.T @ dZ + l2 * W, dZ.sum(axis=0)
            norm = float(np.sqrt(np.sum(dW * dW) + db @ db))
            if not np.isfinite(norm):
                raise DivergenceError(
                    f"gradient descent diverged at iteration {it}: the gradient "
                    f"overflowed float64 (non-finite); standardise X"
                )
            if norm <= tol or it == max_iter:
                break
            step = learning_rate
            while True:  # backtracking: halve the step while it raises the loss
                W_new, b_new = W - step * dW, b - step * db
                Z_new = X @ W_new + b_new
                loss_new = _loss_from_logits(Y, Z_new, W_new, l2)
                # (a rise within rounding, 1e-12 of the loss, is not a rise)
                if loss_new <= loss + 1e-12 * abs(loss):
                    break
                step /= 2
                if step < learning_rate * 2.0**-60:
                    raise DivergenceError(_no_descent(learning_rate, it))
            if not np.isfinite(loss_new):
                raise DivergenceError(
                    f"gradient descent diverged at iteration {it + 1}: the loss "
                    f"overflowed float64 (non-finite); standardise X"
                )
            W, b, Z, loss = W_new, b_new, Z_new, loss_new
            losses.append(loss)
    return W, b, losses, it, norm


def _quasi_newton(
    X: Floats, codes: NDArray[np.int64], k: int, max_iter: int, l2: float, tol: float,
) -> tuple[Floats, Floats, list[float], int, float]:
    """L-BFGS on theta = (W flattened, b): the loss and gradient from one exp of the logits."""
    n, d = X.shape
    rows = np.arange(n)

    def f_and_grad(theta: Floats) -> tuple[float, Floats]:
        W, b = theta[: d * k].reshape(d, k), theta[d * k :]
        with np.errstate(over="ignore", invalid="ignore"):
            Z = X @ W + b
            shifted = Z - Z.max(axis=1, keepdims=True)
            E = np.exp(shifted)
            total = E.sum(axis=1, keepdims=True)
            loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, codes]))
            loss += 0.5 * l2 * float(np.sum(W * W))
            dZ = E / total                                   # softmax(Z) = P
            dZ[rows, codes] -= 1.0                           # P - Y
            dZ /= n
            grad = np.concatenate([(X.T @ dZ + l2 * W).ravel(), dZ.sum(axis=0)])
        return loss, grad

    result = lbfgs(f_and_grad, np.zeros(d * k + k), max_iter=max_iter, tol=tol)
    theta = np.asarray(result.x)
    assert result.values is not None
    _, g = f_and_grad(theta)
    return (theta[: d * k].reshape(d, k).copy(), theta[d * k :].copy(),
            [float(v) for v in result.values], result.n_iter, float(np.linalg.norm(g)))


def _no_descent(learning_rate: float, it: int) -> str:
    return (
        f"gradient descent diverged at iteration {it}: even 2**-60 times "
        f"learning_rate={learning_rate:g} raises the loss (or overflows); "
        f"lower learning_rate or standardise X"
    )


def _loss_from_logits(Y: Floats, Z: Floats, W: Floats, l2: float) -> float:
    return _cross_entropy_with_logits(Y, Z) + (0.5 * l2 * float(np.sum(W * W)) if l2 else 0.0)


class SoftmaxRegression(Classifier):
    r"""Multinomial logistic regression trained by full-batch gradient descent.

    Minimises :func:`softmax_regression_loss` from ``W = 0, b = 0``.

    Parameters
    ----------
    solver : {"gd", "lbfgs"}, default "gd"
        ``"gd"``: gradient descent with backtracking, below.
        ``"lbfgs"``: :func:`calcnotes.lbfgs.lbfgs` on the same loss and
        gradient (no learning rate; converges in far fewer steps).
    learning_rate : float, default 0.5
        Step size. With standardised features 0.5 is safe: the loss Hessian
        is bounded by :math:`\frac{1}{2n}\lVert [X\,1]\rVert_2^2 + \lambda`.
        A step that would raise the loss is halved until it does not
        (backtracking), so a rate too large for X costs extra loss
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
        X = as_float_array(X, "X", ndim=2)
        codes = self._encode(y, binary=False)
        classes = self.classes_
        del self.classes_  # set again once the fit succeeded
        if X.shape[0] != codes.shape[0]:
            raise ValueError(
                f"X and y must have the same number of samples, got "
                f"{X.shape[0]} rows in X and {codes.shape[0]} in y; pair every "
                f"row of X with one label"
            )
        k = classes.size
        Y = _one_hot(codes, k)
        if solver == "gd":
            W, b, losses, it, norm = _descend(X, Y, k, learning_rate, max_iter, l2, tol)
        else:
            W, b, losses, it, norm = _quasi_newton(X, codes, k, max_iter, l2, tol)
        if it == max_iter:
            warnings.warn(
                f"gradient descent stopped at max_iter={max_iter} with "
                f"gradient norm {norm:.3g} > tol={tol}; increase max_iter or "
                f"learning_rate, or standardise X",
                ConvergenceWarning, stacklevel=2,
            )
        self.n_features_in_ = X.shape[1]
        self.classes_ = classes
        self.coef_, self.intercept_ = W, b
        self.n_iter_ = it
        self.loss_history_ = np.array(losses)
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
