"""Input checks shared by the whole package.

Every public function of calcnotes validates its arguments with these helpers,
so that bad input fails early with a message that names the problem *and* the
fix, instead of surfacing later as a silent NaN or an opaque numpy error.

Each helper returns the cleaned value (a float array, a float, an int), so a
caller can write ``x = as_float_array(x, "x")`` and move on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "as_float_array",
    "check_callable",
    "check_int",
    "check_positive",
    "check_same_length",
    "check_square",
]


def _index(flat_position: int, shape: tuple[int, ...]) -> int | tuple[int, ...]:
    """Index of a flat position, as an int for 1-D arrays and a tuple above."""
    if len(shape) <= 1:
        return int(flat_position)
    return tuple(int(i) for i in np.unravel_index(flat_position, shape))


def as_float_array(
    x: Any, name: str = "x", ndim: int | Sequence[int] | None = None
) -> np.ndarray:
    """Return `x` as a finite, non-empty float64 ndarray.

    Parameters
    ----------
    x : array_like
        Number, sequence or ndarray of real numbers.
    name : str
        Name of the argument, used in error messages.
    ndim : int or sequence of int, optional
        Allowed number(s) of dimensions; ``None`` accepts any.

    Returns
    -------
    ndarray of float64
        A new array when a conversion was needed, else `x` itself.

    Raises
    ------
    TypeError
        If `x` is not numeric (strings, objects, complex numbers).
    ValueError
        If `x` is empty, has the wrong number of dimensions, or contains
        NaN or infinity (the message gives the first bad index).

    Examples
    --------
    >>> as_float_array([1, 2, 3], "x")
    array([1., 2., 3.])
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(
            f"{name} must be numeric, got the string {x!r}; "
            f"convert it with float() first"
        )
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(
            f"{name} could not be converted to an array ({err}); "
            f"make every row the same length"
        ) from None
    if np.iscomplexobj(arr):
        raise TypeError(
            f"{name} must be real, got complex dtype {arr.dtype}; "
            f"pass the real part (np.real) if the imaginary part is noise"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(
            f"{name} must be numeric, got dtype {arr.dtype}; "
            f"pass numbers (int or float), not {type(x).__name__} of objects"
        )
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, Integral) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {want}, got a {arr.ndim}-D array of shape "
                f"{arr.shape}; reshape it (e.g. np.ravel or np.atleast_1d)"
            )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass at least one value"
        )
    if not np.all(np.isfinite(arr)):
        flat = arr.ravel()
        nan = np.flatnonzero(np.isnan(flat))
        if nan.size:
            raise ValueError(
                f"{name} contains NaN at index {_index(nan[0], arr.shape)}; "
                f"remove or impute missing values first"
            )
        bad = np.flatnonzero(~np.isfinite(flat))[0]
        raise ValueError(
            f"{name} contains {flat[bad]} at index {_index(bad, arr.shape)}; "
            f"replace infinite values by finite numbers (rescale the data?)"
        )
    return arr


def check_positive(value: Any, name: str, *, strict: bool = True) -> float:
    """Return `value` as a float after checking it is > 0 (or >= 0).

    Parameters
    ----------
    value : real number
    name : str
        Name of the argument, used in error messages.
    strict : bool
        ``True`` requires ``value > 0``, ``False`` allows ``value == 0``.

    Returns
    -------
    float

    Examples
    --------
    >>> check_positive(0.1, "learning_rate")
    0.1
    """
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} "
            f"{value!r}; pass a float such as 0.1"
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}; pass a number")
    if strict and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if not strict and value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_int(
    value: Any, name: str, *, minimum: int | None = None
) -> int:
    """Return `value` as an int after checking it is an integer >= `minimum`.

    Booleans are rejected (``True`` is an int in Python, but never meant
    as a count here); floats are accepted only if integral, e.g. ``1e3``.

    Examples
    --------
    >>> check_int(1e3, "max_iter", minimum=1)
    1000
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got the bool {value}")
    if isinstance(value, (Integral, np.integer)):
        value = int(value)
    elif isinstance(value, (Real, np.floating)) and float(value).is_integer():
        value = int(value)
    else:
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} "
            f"{value!r}; pass a whole number such as 1000"
        )
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_square(A: Any, name: str = "A") -> np.ndarray:
    """Return `A` as a finite float (n, n) array, rejecting other shapes.

    Examples
    --------
    >>> check_square([[2, 0], [0, 1]], "H").shape
    (2, 2)
    """
    A = as_float_array(A, name, ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(
            f"{name} must be square (n, n), got shape {A.shape}; "
            f"a Hessian or Jacobian of f: R^n -> R^n has as many rows as "
            f"columns"
        )
    return A


def check_same_length(a: Any, b: Any, names: tuple[str, str] = ("X", "y")) -> int:
    """Return the common length of `a` and `b`, raising if they differ.

    Examples
    --------
    >>> check_same_length([[1], [2]], [3, 4])
    2
    """
    n_a, n_b = len(a), len(b)
    if n_a != n_b:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got "
            f"{n_a} and {n_b}; pair every row of {names[0]} with one entry "
            f"of {names[1]}"
        )
    return n_a


def check_callable(f: Any, name: str = "f") -> Callable:
    """Return `f` unchanged after checking it can be called.

    Examples
    --------
    >>> check_callable(abs, "f")
    <built-in function abs>
    """
    if not callable(f):
        raise TypeError(
            f"{name} must be a function, got {type(f).__name__} {f!r}; pass "
            f"a callable such as lambda x: x**2 (to use a sympy expression, "
            f"convert it with calcnotes.to_numpy)"
        )
    return f


# --- checks for the machine-learning modules (models, losses) -------------


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return `value` after checking it is one of the strings in `choices`.

    Examples
    --------
    >>> check_choice("gd", "solver", ("normal", "gd"))
    'gd'
    """
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"{name} must be one of {options}, got {value!r}; "
            f"pick one of those spellings"
        )
    return value


def check_binary_labels(y: Any, name: str = "y") -> np.ndarray:
    """Return 1-D labels `y` as float64 after checking every entry is 0 or 1.

    Examples
    --------
    >>> check_binary_labels([0, 1, 1])
    array([0., 1., 1.])
    """
    y = as_float_array(y, name, ndim=1)
    bad = np.flatnonzero((y != 0) & (y != 1))
    if bad.size:
        raise ValueError(
            f"{name} must contain only the labels 0 and 1, got {y[bad[0]]} "
            f"at index {bad[0]}; encode the classes as 0/1 first, e.g. "
            f"y = (y == positive_label).astype(int)"
        )
    return y


def check_class_labels(
    y: Any, name: str = "y", n_classes: int | None = None
) -> np.ndarray:
    """Return 1-D integer labels in 0..k-1 as an int64 array.

    `n_classes` (k) defaults to ``max(y) + 1``.

    Examples
    --------
    >>> check_class_labels([0, 2, 1])
    array([0, 2, 1])
    """
    arr = as_float_array(y, name, ndim=1)
    k = n_classes if n_classes is not None else int(arr.max()) + 1
    bad = np.flatnonzero((arr != np.round(arr)) | (arr < 0) | (arr >= k))
    if bad.size:
        raise ValueError(
            f"{name} must hold integer class labels 0..{k - 1}, got "
            f"{arr[bad[0]]} at index {bad[0]}; map arbitrary labels to "
            f"0..k-1 first with classes, y = np.unique(y, return_inverse=True)"
        )
    return arr.astype(np.int64)


def check_n_features(X: np.ndarray, n_features: int, name: str = "X") -> None:
    """Raise if the 2-D array `X` does not have `n_features` columns.

    Examples
    --------
    >>> check_n_features(np.zeros((3, 2)), 2)
    """
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features (columns) but {n_features} "
            f"were expected; pass data with the same columns as the "
            f"parameters (or as at fit time)"
        )
