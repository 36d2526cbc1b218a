"""What every model class shares: sklearn's contract in a few lines.

``__init__`` stores keyword settings and nothing else; ``fit(X, y)``
validates, learns, sets attributes ending in ``_`` and returns ``self``.
This mixin adds the ``__repr__`` (settings that differ from the defaults)
and the checks run at the start of ``predict``.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from calcnotes._validation import as_float_array, check_n_features


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` is called before ``fit`` (as in sklearn)."""


class Model:
    """Mixin: ``__repr__`` from the ``__init__`` settings, fitted checks."""

    def __repr__(self) -> str:
        params = inspect.signature(type(self).__init__).parameters.values()
        changed = [
            f"{p.name}={getattr(self, p.name)!r}"
            for p in params
            if p.name != "self" and getattr(self, p.name) != p.default
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _check_X(self, X: Any) -> np.ndarray:
        """Validate X at predict time against what fit saw."""
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet; call "
                f"fit(X, y) before using it to predict"
            )
        X = as_float_array(X, "X", ndim=2)
        check_n_features(X, self.n_features_in_)
        return X


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped at ``max_iter`` before reaching ``tol``."""


def check_X_y(X: Any, y: Any, *, y_ndim: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return X as a (n, d) and y as an (n,) float array with the same n."""
    X = as_float_array(X, "X", ndim=2)
    y_arr = np.asarray(y)
    if y_ndim == 1 and y_arr.ndim == 2 and y_arr.shape[1] == 1:
        raise ValueError(
            f"y must be 1-D of shape (n_samples,), got shape {y_arr.shape}; "
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


def check_w_b(w: Any, b: Any, n_features: int) -> tuple[np.ndarray, float]:
    """Return w as a (d,) float array and b as a float."""
    w = as_float_array(w, "w", ndim=1)
    if w.shape[0] != n_features:
        raise ValueError(
            f"w has {w.shape[0]} entries but X has {n_features} features; "
            f"pass one weight per column of X (w of shape ({n_features},))"
        )
    b_arr = as_float_array(b, "b", ndim=0)
    return w, float(b_arr)


def check_W_b(W: Any, b: Any, n_features: int) -> tuple[np.ndarray, np.ndarray]:
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
