"""What every model class shares: scikit-learn's estimator contract, without scikit-learn.

``__init__`` stores keyword settings and nothing else; ``fit(X, y)``
validates, learns, sets attributes ending in ``_`` and returns ``self``.
This module adds the rest of the contract, so that the models work in
scikit-learn's ``Pipeline``, ``cross_val_score`` and ``GridSearchCV``
although scikit-learn is not a dependency of the package:

* ``get_params`` / ``set_params`` read and write the ``__init__`` settings
  (what ``sklearn.base.clone`` and grid search use);
* ``fit`` starts with :meth:`Model._reset`, so a refit never keeps an
  attribute learned by an earlier fit (and a failed fit leaves none);
* classifiers map any discrete labels through ``classes_``
  (:func:`calcnotes._validation.encode_labels`) and predict those labels;
* ``score`` is accuracy for classifiers and :math:`R^2` for regressors;
* ``__sklearn_tags__`` describes each model to scikit-learn's checks (it
  imports scikit-learn only when scikit-learn itself asks).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._validation import as_float_array, check_finite_output, encode_labels

__all__ = ["ConvergenceWarning", "NotFittedError"]

Floats = NDArray[np.float64]


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` is called before ``fit`` (as in sklearn)."""


_SKLEARN_NOT_FITTED: dict[type, type] = {}


def _not_fitted(message: str) -> NotFittedError:
    """A NotFittedError that is also scikit-learn's, once scikit-learn is loaded.

    scikit-learn's checks catch its own class; the package must not import
    scikit-learn, so the combined class is made only when scikit-learn is
    already in ``sys.modules`` (that is, when the caller uses it).
    """
    exceptions = sys.modules.get("sklearn.exceptions")
    theirs = getattr(exceptions, "NotFittedError", None)
    if theirs is None:
        return NotFittedError(message)
    if theirs not in _SKLEARN_NOT_FITTED:
        _SKLEARN_NOT_FITTED[theirs] = type("NotFittedError", (NotFittedError, theirs), {
            "__module__": __name__, "__doc__": NotFittedError.__doc__})
    return _SKLEARN_NOT_FITTED[theirs](message)  # type: ignore[no-any-return]


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped at ``max_iter`` before reaching ``tol``."""


class Model:
    """Mixin: parameters, ``__repr__``, resets and input checks of every model."""

    _estimator_type: ClassVar[str] = "regressor"

    @classmethod
    def _param_names(cls) -> list[str]:
        """The keyword settings of ``__init__``, in signature order."""
        params = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the settings passed to ``__init__`` as a dict (sklearn API)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Model:
        """Set settings by name and return ``self`` (sklearn API).

        Unknown names raise ValueError listing the valid ones; values are
        validated when ``fit`` runs, as in scikit-learn.
        """
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters are {valid}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        params = inspect.signature(type(self).__init__).parameters.values()
        changed = []
        for p in params:
            if p.name == "self":
                continue
            value = getattr(self, p.name, p.default)
            try:
                same = bool(value == p.default)
            except (TypeError, ValueError):  # e.g. an array compared elementwise
                same = False
            if not same or type(value) is not type(p.default):
                changed.append(f"{p.name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    _private_fitted: ClassVar[tuple[str, ...]] = ()
    """Private attributes that fit sets (public ones end in ``_``)."""

    def _reset(self) -> None:
        """Forget everything a previous fit learned (attributes ending in ``_``)."""
        for name in list(vars(self)):
            if (name.endswith("_") and not name.startswith("_")) or name in self._private_fitted:
                delattr(self, name)

    def _check_X(self, X: ArrayLike) -> NDArray[np.float64]:
        """Validate X at predict time against what fit saw."""
        if not hasattr(self, "n_features_in_"):
            raise _not_fitted(
                f"this {type(self).__name__} is not fitted yet; call "
                f"fit(X, y) before using it to predict"
            )
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input; pass "
                f"data with the same columns as at fit time"
            )
        return X

    def _finite(self, out: NDArray[np.float64]) -> NDArray[np.float64]:
        """`out` (predictions from X) after checking it did not overflow."""
        check_finite_output(
            out, f"{type(self).__name__}'s prediction",
            fix="rescale X as at fit time (the same units and scale)")
        return out

    def __sklearn_tags__(self) -> Any:
        """Describe the model to scikit-learn (only called by scikit-learn)."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        classifier = self._estimator_type == "classifier"
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=self._multi_class) if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
        )

    _multi_class: ClassVar[bool] = True


class Regressor(Model):
    """A model predicting real numbers; ``score`` is :math:`R^2`."""

    _estimator_type = "regressor"

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        r"""Return :math:`R^2 = 1 - \sum_i (y_i - \hat y_i)^2 / \sum_i (y_i - \bar y)^2`.

        1 for a perfect fit, 0 for predicting the mean: scikit-learn's
        default score for regressors (``r2_score``), used by
        ``cross_val_score`` and grid search. As there, a y of several columns
        scores the mean of the columns' :math:`R^2` ("uniform_average"), and
        a constant column (no spread to explain) scores 1 if it is predicted
        exactly and 0 otherwise.
        """
        y_true = as_float_array(y, "y", ndim=(1, 2))
        Y = y_true.reshape(y_true.shape[0], -1)
        residual = Y - self.predict(X).reshape(Y.shape)  # type: ignore[attr-defined]
        spread = Y - Y.mean(axis=0)
        unexplained = np.sum(residual * residual, axis=0)
        total = np.sum(spread * spread, axis=0)
        constant = total == 0
        scores = np.where(constant, np.where(unexplained == 0, 1.0, 0.0),
                          1.0 - unexplained / np.where(constant, 1.0, total))
        return float(np.mean(scores))


class Classifier(Model):
    """A model predicting class labels; ``score`` is accuracy."""

    _estimator_type = "classifier"

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Return the fraction of rows of X whose predicted label equals y."""
        return float(np.mean(self.predict(X) == np.asarray(y)))  # type: ignore[attr-defined]

    def _encode(self, y: ArrayLike, *, binary: bool, multiclass: str = "") -> NDArray[np.int64]:
        """Set ``classes_`` from the labels y and return their codes 0..k-1."""
        classes, codes = encode_labels(y, "y")
        name = type(self).__name__
        if classes.size < 2:
            raise ValueError(
                f"y has only one class ({classes[0].tolist()!r}); {name} needs at least "
                f"two classes to learn a boundary between them (1 class "
                f"present): pass labels of two or more classes"
            )
        if binary and classes.size > 2:
            raise ValueError(
                f"Only binary classification is supported. {name} is a binary "
                f"classifier but y has {classes.size} classes "
                f"{classes.tolist()[:6]}; use {multiclass} for more than two "
                f"classes, or pass two classes"
            )
        self.classes_ = classes
        return codes

    def _classes_and_codes(
        self, X: ArrayLike, y: ArrayLike, *, binary: bool, multiclass: str = ""
    ) -> tuple[Floats, np.ndarray, NDArray[np.int64]]:
        """The one class check of every classifier's fit.

        Returns X as an (n, d) float array, the sorted labels (the future
        ``classes_``) and the codes 0..k-1 of y. ``classes_`` is *not* set:
        a fit sets it once it succeeded, so a failed fit leaves none.
        """
        X = as_float_array(X, "X", ndim=2)
        codes = self._encode(y, binary=binary, multiclass=multiclass)
        classes: np.ndarray = self.classes_
        del self.classes_
        if X.shape[0] != codes.shape[0]:
            raise ValueError(
                f"X and y must have the same number of samples, got "
                f"{X.shape[0]} rows in X and {codes.shape[0]} in y; pair every "
                f"row of X with one label"
            )
        return X, classes, codes


def check_X_y(X: ArrayLike, y: ArrayLike, *, y_ndim: int = 1) -> tuple[Floats, Floats]:
    """Return X as a (n, d) and y as an (n,) float array with the same n."""
    X = as_float_array(X, "X", ndim=2)
    if y is None:
        raise ValueError(
            "this model requires y to be passed, but the target y is None; "
            "pass one target per row of X"
        )
    # np.asarray, not np.shape: array-likes must be converted, not asked (sklearn's checks)
    shape = np.asarray(y).shape if not hasattr(y, "toarray") else y.shape  # type: ignore[union-attr]
    if y_ndim == 1 and len(shape) == 2 and shape[1] == 1:
        raise ValueError(
            f"y must be 1-D of shape (n_samples,), got shape {shape}; "
            f"pass y.ravel()"
        )
    y = as_float_array(y, "y", ndim=y_ndim)
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must have the same number of samples, got "
            f"{X.shape[0]} rows in X and {y.shape[0]} in y; pair every row "
            f"of X with one target"
        )
    return X, y


def check_w_b(w: ArrayLike, b: ArrayLike, n_features: int) -> tuple[Floats, float]:
    """Return w as a (d,) float array and b as a float."""
    w = as_float_array(w, "w", ndim=1)
    if w.shape[0] != n_features:
        raise ValueError(
            f"w has {w.shape[0]} entries but X has {n_features} features; "
            f"pass one weight per column of X (w of shape ({n_features},))"
        )
    b_arr = as_float_array(b, "b", ndim=0)
    return w, float(b_arr)


def check_W_b(W: ArrayLike, b: ArrayLike, n_features: int) -> tuple[Floats, Floats]:
    """Validate multi-class weights: W of shape (n_features, k) and b of shape (k,)."""
    W = as_float_array(W, "W", ndim=2)
    if W.shape[0] != n_features:
        raise ValueError(
            f"W has {W.shape[0]} rows but X has {n_features} features; W must "
            f"have shape (n_features, n_classes) = ({n_features}, k)"
        )
    k = W.shape[1]
    b = as_float_array(b, "b", ndim=1)
    if b.shape != (k,):
        raise ValueError(f"b must have shape ({k},) (one entry per column of W), got {b.shape}")
    return W, b


class _Objective:
    """A model's loss and gradient in its flat parameter vector theta.

    ``value_and_gradient(theta)`` computes both from one pass over the data
    (the logits are shared); the result for the last theta is remembered,
    so an optimiser asking for ``value(theta)`` and then ``gradient(theta)``
    (or a line search accepting the point it last tried) pays once.
    """

    def __init__(self, value_and_gradient: Callable[[Floats], tuple[float, Floats]]) -> None:
        self._compute = value_and_gradient
        self._theta: Floats | None = None
        self._value, self._gradient = np.nan, np.empty(0)

    def value_and_gradient(self, theta: Floats) -> tuple[float, Floats]:
        last = self._theta
        if last is None or last.shape != theta.shape or not (last == theta).all():
            self._value, self._gradient = self._compute(theta)
            self._theta = np.array(theta, dtype=np.float64)
        return self._value, self._gradient

    def value(self, theta: Floats) -> float:
        return self.value_and_gradient(theta)[0]

    def gradient(self, theta: Floats) -> Floats:
        return self.value_and_gradient(theta)[1]
