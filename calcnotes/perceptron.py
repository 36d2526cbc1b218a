r"""The perceptron: its criterion, the criterion's gradient, and two models.

Binary (seed 004's convention): labels :math:`y_i \in \{0,1\}`, prediction
:math:`h_i = 1` if :math:`z_i = x_i^Tw + b \ge 0` else 0. The *perceptron
criterion* sums over the misclassified points :math:`M` only:

.. math:: L(w, b) = \sum_{i \in M_0} z_i - \sum_{i \in M_1} z_i
          = \sum_{i=1}^n (h_i - y_i)\, z_i \;\ge 0

(:math:`M_0`: label 0 predicted 1; :math:`M_1`: label 1 predicted 0;
correct points have :math:`h_i - y_i = 0`). Where no :math:`z_i = 0`,

.. math:: \nabla_w L = X^T(h - y), \qquad \partial_b L = \sum_i (h_i - y_i).

The notes' slips: one line rewrites :math:`L` as
:math:`\sum_{i=1}^n (1 - 2y^i)\,x^T\theta`, a sum over *all* points, which
drops the restriction to :math:`M` (that sum is unbounded below, so it has
no minimum); the gradient is then written :math:`x^{iT}\sum_i(h - y)`, where
the sum belongs outside: :math:`\sum_i (h_i - y_i)\,x_i = X^T(h - y)`.

Multiclass: :math:`\hat y_i = \arg\max_j Z_{ij}` with :math:`Z = XW + b`,

.. math:: L(W, b) = \sum_i \bigl(\max_j Z_{ij} - Z_{i y_i}\bigr), \qquad
          \nabla_W L = X^T(\hat Y - Y), \quad \nabla_b L = \mathbf 1^T(\hat Y - Y)

with one-hot :math:`\hat Y, Y` (the notes' case table for
:math:`\partial L/\partial\theta_v` reduces to: :math:`+x_i` for
:math:`v = \hat y_i`, :math:`-x_i` for :math:`v = y_i`, 0 when they agree).

The models use the classic online rule: visit the samples one at a time (in
a seeded random order) and on a mistake move the weights towards the right
answer. That rule is sequential by nature, so ``fit`` loops over samples;
everything else is vectorised.

Unlike the other models, ``fit`` does not hand the criterion to
:func:`~calcnotes.gradient_descent.gradient_descent`. The criterion is
piecewise linear, not smooth: no Hessian, no line search, and a full-batch
gradient step is the *batch* perceptron, a different algorithm with other
iterates than the online rule the notes teach. The online rule is a
stochastic gradient step on one sample, but its stopping test is an epoch
without a mistake, not a small gradient (one sample's gradient is 0 whenever
that sample is right), and running each one-sample update through the
optimiser's loop would add its per-step checks (some ten microseconds) to
an update of a few microseconds.

The labels go through the classifiers' one class check
(``Classifier._classes_and_codes``) all the same.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import (
    Classifier,
    ConvergenceWarning,
    check_W_b,
    check_w_b,
    check_X_y,
)
from calcnotes._validation import (
    MAX_ITER,
    check_binary_labels,
    check_bool,
    check_class_labels,
    check_finite_output,
    check_int,
    check_positive,
    check_random_state,
)
from calcnotes.result import DivergenceError

Floats = NDArray[np.float64]
Settings = tuple[float, int, bool, np.random.Generator]  # rate, epochs, shuffle, rng

__all__ = [
    "perceptron_criterion",
    "perceptron_criterion_gradient",
    "multiclass_perceptron_criterion",
    "multiclass_perceptron_criterion_gradient",
    "Perceptron",
    "MulticlassPerceptron",
]


def _binary(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[Floats, Floats, Floats, Floats]:
    X, y = check_X_y(X, y)
    y = check_binary_labels(y)
    w, b = check_w_b(w, b, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
    check_finite_output(z, "the scores X @ w + b", fix="rescale X or w")
    return X, y, z, (z >= 0).astype(np.float64)


def _multiclass(
    X: ArrayLike, y: ArrayLike, W: ArrayLike, b: ArrayLike
) -> tuple[Floats, NDArray[np.int64], Floats, NDArray[np.intp]]:
    X, y = check_X_y(X, y)
    W, b = check_W_b(W, b, X.shape[1])
    k = W.shape[1]
    labels = check_class_labels(y, "y", n_classes=k)
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ W + b
    check_finite_output(Z, "the scores X @ W + b", fix="rescale X or W")
    return X, labels, Z, Z.argmax(axis=1)


def perceptron_criterion(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> float:
    r"""Return :math:`\sum_i (h_i - y_i)(x_i^Tw + b)`, summed over mistakes.

    Each misclassified point contributes its distance-like score
    :math:`|z_i|`; correctly classified points contribute 0. A sum, not a
    mean (as in the notes).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels 0 or 1.
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    float, >= 0

    Examples
    --------
    >>> perceptron_criterion([[1.0], [-2.0], [3.0]], [1, 1, 0], [1.0], 0.0)
    5.0
    """
    _, y, z, h = _binary(X, y, w, b)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float((h - y) @ z)
    check_finite_output(value, "perceptron_criterion", fix="rescale X or w")
    return value


def perceptron_criterion_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float
) -> tuple[np.ndarray, float]:
    r"""Return ``(dw, db) = (X^T(h - y), sum(h - y))``.

    The criterion is piecewise linear: this is its gradient wherever no
    :math:`z_i` is exactly 0 (a subgradient there).

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Examples
    --------
    >>> perceptron_criterion_gradient([[1.0], [-2.0], [3.0]], [1, 1, 0], [1.0], 0.0)
    (array([5.]), 0.0)
    """
    X, y, _, h = _binary(X, y, w, b)
    with np.errstate(over="ignore", invalid="ignore"):
        dw = X.T @ (h - y)
    check_finite_output(dw, "perceptron_criterion_gradient", fix="rescale X")
    return dw, float(np.sum(h - y))


def multiclass_perceptron_criterion(X: ArrayLike, y: ArrayLike, W: ArrayLike, b: ArrayLike) -> float:
    r"""Return :math:`\sum_i (\max_j Z_{ij} - Z_{iy_i})` with :math:`Z = XW + b`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Integer labels in ``0..n_classes-1``.
    W : ndarray of shape (n_features, n_classes)
    b : ndarray of shape (n_classes,)

    Returns
    -------
    float, >= 0

    Examples
    --------
    >>> multiclass_perceptron_criterion([[1.0, 0.0]], [1], [[2.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    2.0
    """
    _, y, Z, _ = _multiclass(X, y, W, b)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.sum(Z.max(axis=1) - Z[np.arange(y.size), y]))
    check_finite_output(value, "multiclass_perceptron_criterion", fix="rescale X or W")
    return value


def multiclass_perceptron_criterion_gradient(
    X: ArrayLike, y: ArrayLike, W: ArrayLike, b: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    r"""Return ``(dW, db) = (X^T(Y_hat - Y), sum of rows of (Y_hat - Y))``.

    ``Y_hat`` and ``Y`` are the one-hot predicted and true classes (ties in
    the arg max go to the lowest index). Gradient where the arg max is
    unique.

    Returns
    -------
    dW : ndarray of shape (n_features, n_classes)
    db : ndarray of shape (n_classes,)

    Examples
    --------
    >>> dW, db = multiclass_perceptron_criterion_gradient(
    ...     [[1.0, 0.0]], [1], [[2.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    >>> dW
    array([[ 1., -1.],
           [ 0.,  0.]])
    """
    X, y, Z, y_hat = _multiclass(X, y, W, b)
    D = np.zeros_like(Z)
    rows = np.arange(y.size)
    D[rows, y_hat] += 1.0
    D[rows, y] -= 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        dW = X.T @ D
    check_finite_output(dW, "multiclass_perceptron_criterion_gradient", fix="rescale X")
    return dW, D.sum(axis=0)


class _PerceptronBase(Classifier):
    def __init__(
        self,
        *,
        learning_rate: float = 1.0,
        max_iter: int = 1000,
        shuffle: bool = True,
        random_state: int | np.random.Generator | None = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state

    def _settings(self) -> Settings:
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        max_iter = check_int(self.max_iter, "max_iter", minimum=1, maximum=MAX_ITER)
        shuffle = check_bool(self.shuffle, "shuffle")
        return learning_rate, max_iter, shuffle, check_random_state(self.random_state)

    def _run(
        self,
        X: Floats,
        y: NDArray[np.int64],
        step: Callable[[Floats, int, float], bool],
        count_mistakes: Callable[[], int],
        weights: Callable[[], tuple[np.ndarray, np.ndarray]],
        settings: Settings,
    ) -> None:
        """Epochs of the online rule until a pass makes no mistake."""
        learning_rate, max_iter, shuffle, rng = settings
        n = X.shape[0]
        history: list[int] = []
        diverged = DivergenceError(
            f"{type(self).__name__} diverged: the weights or the scores x^T w + b "
            f"overflowed float64 (non-finite); standardise X, or lower "
            f"learning_rate={learning_rate:g} (from zero weights it only "
            f"rescales them: 1.0 is fine)"
        )
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, max_iter + 1):  # noqa: B007 (n_iter_ = epoch after the loop)
                order = rng.permutation(n) if shuffle else range(n)
                mistakes = 0
                try:
                    for i in order:  # sequential by definition of the rule
                        mistakes += step(X[i], int(y[i]), learning_rate)
                except FloatingPointError:
                    raise diverged from None
                history.append(mistakes)
                if not all(np.all(np.isfinite(a)) for a in weights()):
                    raise diverged
                if mistakes == 0:
                    break
        self.n_iter_ = epoch
        self.mistakes_history_ = np.array(history)
        if mistakes:
            warnings.warn(
                f"{type(self).__name__} still made {count_mistakes()} "
                f"mistakes after max_iter={max_iter} epochs; the classes are "
                f"probably not linearly separable (then no epoch is ever "
                f"mistake-free): use LogisticRegression, or add features",
                ConvergenceWarning, stacklevel=5,  # _run, fit's lambda, _learn, fit, the caller of fit
            )

    def _fit(self, X: ArrayLike, y: ArrayLike, *, binary: bool) -> tuple[Floats, NDArray[np.int64], Settings]:
        """Reset, validate settings and data; return X, the label codes, the settings."""
        self._reset()
        settings = self._settings()
        X, classes, codes = self._classes_and_codes(
            X, y, binary=binary, multiclass="MulticlassPerceptron")
        self.classes_ = classes  # the update rules read it; _learn removes it on failure
        return X, codes, settings

    def _learn(self, run: Callable[[], None]) -> None:
        """Run the training, leaving no learned attribute if it fails."""
        try:
            run()
        except ValueError:
            self._reset()
            raise


class Perceptron(_PerceptronBase):
    r"""Binary perceptron with the classic online update rule.

    For each sample (labels 0/1), with :math:`h = [x^Tw + b \ge 0]`:

    .. math:: w \leftarrow w + \eta\,(y - h)\,x, \qquad b \leftarrow b + \eta\,(y - h)

    i.e. a stochastic gradient step on :func:`perceptron_criterion`.
    Starts from ``w = 0, b = 0``; an epoch visits all samples in a seeded
    random order; ``fit`` stops after the first epoch without a mistake
    (guaranteed to happen for linearly separable data).

    Parameters
    ----------
    learning_rate : float, default 1.0
        :math:`\eta`. From zero weights it only rescales w and b.
    max_iter : int, default 1000
        Maximum number of epochs.
    shuffle : bool, default True
    random_state : int, numpy Generator or None, default 0
        Seed of ``np.random.default_rng`` for the visiting order (a
        non-negative int; a Generator is used as is).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted. Labels may be any two classes (ints, strings,
        bools); ``classes_[1]`` plays the part of label 1 (h = 1).
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Epochs run.
    mistakes_history_ : ndarray of shape (n_iter_,)
        Updates made in each epoch (the last is 0 when converged).
    n_features_in_ : int

    Examples
    --------
    >>> X = [[2.0, 1.0], [1.0, 3.0], [-1.0, -1.0], [-2.0, 0.5]]
    >>> model = Perceptron().fit(X, [1, 1, 0, 0])
    >>> model.predict(X)
    array([1, 1, 0, 0])
    >>> int(model.mistakes_history_[-1])
    0
    """

    _multi_class = False

    def fit(self, X: ArrayLike, y: ArrayLike) -> Perceptron:
        """Learn from X of shape (n_samples, n_features) and labels y of
        shape (n_samples,) from two classes; return ``self``."""
        X, codes, settings = self._fit(X, y, binary=True)
        w, b = np.zeros(X.shape[1]), np.zeros(1)

        def step(x: Floats, target: int, learning_rate: float) -> bool:
            z = x @ w + b[0]
            if not np.isfinite(z):
                raise FloatingPointError
            error = target - int(z >= 0)  # y - h, in {-1, 0, 1}
            if error:
                w[:] += (learning_rate * error) * x
                b[0] += learning_rate * error
            return error != 0

        self._learn(lambda: self._run(
            X, codes, step, lambda: int(np.sum(((X @ w + b[0]) >= 0) != codes)),
            lambda: (w, b), settings))
        self.n_features_in_ = X.shape[1]
        self.coef_, self.intercept_ = w, float(b[0])
        return self

    def decision_function(self, X: ArrayLike) -> Floats:
        """Return :math:`Xw + b`, shape (n_samples,)."""
        X = self._check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(X @ self.coef_ + self.intercept_)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Return ``classes_[1]`` where :math:`x^Tw + b \\ge 0`, else ``classes_[0]``; shape (n_samples,)."""
        positive = self.decision_function(X) >= 0  # first: raises NotFittedError
        labels: np.ndarray = self.classes_[positive.astype(np.int64)]
        return labels


class MulticlassPerceptron(_PerceptronBase):
    r"""Multiclass perceptron: one weight column per class, online updates.

    Predicts :math:`\hat y = \arg\max_j (x^TW + b)_j`; on a mistake
    (:math:`\hat y \ne y`) it moves class :math:`y` towards :math:`x` and
    class :math:`\hat y` away:

    .. math:: W_{:,y} \mathrel{+}= \eta x,\quad W_{:,\hat y} \mathrel{-}= \eta x,
              \quad b_y \mathrel{+}= \eta,\quad b_{\hat y} \mathrel{-}= \eta

    a stochastic gradient step on :func:`multiclass_perceptron_criterion`.
    Same settings and stopping rule as :class:`Perceptron`; labels are any
    k >= 2 distinct values (ints, strings), column j of ``coef_`` belonging
    to ``classes_[j]``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, n_classes)
    intercept_ : ndarray of shape (n_classes,)
    n_iter_, mistakes_history_, n_features_in_
        As in :class:`Perceptron`.
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted.

    Examples
    --------
    >>> X = [[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0], [0.5, 4.0]]
    >>> MulticlassPerceptron().fit(X, [0, 1, 2, 0]).predict(X)
    array([0, 1, 2, 0])
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> MulticlassPerceptron:
        """Learn from X of shape (n_samples, n_features) and labels y of
        shape (n_samples,) (any k >= 2 classes); return ``self``."""
        X, codes, settings = self._fit(X, y, binary=False)
        k = self.classes_.size
        W, b = np.zeros((X.shape[1], k)), np.zeros(k)

        def step(x: Floats, target: int, learning_rate: float) -> bool:
            z = x @ W + b
            if not np.all(np.isfinite(z)):
                raise FloatingPointError
            guess = int(np.argmax(z))
            if guess == target:
                return False
            W[:, target] += learning_rate * x
            W[:, guess] -= learning_rate * x
            b[target] += learning_rate
            b[guess] -= learning_rate
            return True

        self._learn(lambda: self._run(
            X, codes, step, lambda: int(np.sum((X @ W + b).argmax(axis=1) != codes)),
            lambda: (W, b), settings))
        self.n_features_in_ = X.shape[1]
        self.coef_, self.intercept_ = W, b
        return self

    def _scores(self, X: ArrayLike) -> Floats:
        X = self._check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(X @ self.coef_ + self.intercept_)

    def decision_function(self, X: ArrayLike) -> Floats:
        """Return the scores :math:`XW + b`, shape (n_samples, n_classes).

        With two classes, scikit-learn's convention: the margin
        :math:`z_1 - z_0` of shape (n_samples,), positive for ``classes_[1]``.
        """
        Z = self._scores(X)
        return Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Return the class (from ``classes_``) of the largest score of every row, shape (n_samples,)."""
        best = self._scores(X).argmax(axis=1)  # first: raises NotFittedError
        labels: np.ndarray = self.classes_[best]
        return labels
