"""Input checks shared by the whole package.

Every public function of calcnotes validates its arguments with these helpers,
so that bad input fails early with a message that names the problem *and* the
fix, instead of surfacing later as a silent NaN or an opaque numpy error.

Each helper returns the cleaned value (a float array, a float, an int), so a
caller can write ``x = as_float_array(x, "x")`` and move on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Sized
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

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


class ComplexDataError(TypeError, ValueError):
    """Complex numbers where real ones are needed.

    A TypeError (the value has the wrong kind), and a ValueError too, which
    is what scikit-learn's estimator checks expect for complex data.
    """


def _is_sparse(x: object) -> bool:
    """Whether `x` is a scipy sparse matrix or array (without importing scipy)."""
    return type(x).__module__.startswith("scipy.sparse") and hasattr(x, "toarray")


def _object_to_float(arr: np.ndarray, name: str) -> np.ndarray:
    """An object array of numbers as float64; anything else is refused."""
    for value in arr.flat:
        if isinstance(value, (str, bytes)):
            raise TypeError(
                f"{name} must be numeric, got the string {value!r} inside it; "
                f"convert the strings to numbers (float) first"
            )
    try:
        return arr.astype(np.float64)
    except OverflowError as err:  # a Python int beyond float64
        raise ValueError(
            f"{name} holds a number too large for float64 ({err}): values "
            f"must stay below 1.8e308 in size; rescale the data"
        ) from None
    except (TypeError, ValueError) as err:
        kind = ("None" if arr.ndim == 0 and arr.item() is None
                else type(arr.item()).__name__ if arr.ndim == 0 else "objects")
        raise TypeError(
            f"{name} must be numeric, got {kind} ({err}); pass numbers "
            f"(int or float), e.g. a list of floats or an ndarray"
        ) from None


def as_float_array(
    x: object, name: str = "x", ndim: int | Sequence[int] | None = None
) -> NDArray[np.float64]:
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
        If `x` is not numeric (strings, objects, complex numbers, sparse
        matrices).
    ValueError
        If `x` is empty, has the wrong number of dimensions, holds a number
        beyond float64, or contains NaN or infinity (the message gives the
        first bad index).

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
    if x is None:
        raise TypeError(
            f"{name} must be numeric, got None; pass a number or an array "
            f"of numbers"
        )
    if _is_sparse(x):
        raise TypeError(
            f"{name} is a scipy sparse {type(x).__name__}, and sparse input is "
            f"not supported; convert it with {name}.toarray() first"
        )
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(
            f"{name} could not be converted to an array ({err}); "
            f"make every row the same length"
        ) from None
    if np.iscomplexobj(arr):
        raise ComplexDataError(
            f"{name} must be real (Complex data not supported), got complex "
            f"dtype {arr.dtype}; pass the real part (np.real) if the "
            f"imaginary part is noise"
        )
    if arr.dtype == object:
        arr = _object_to_float(arr, name)
    elif arr.dtype.kind in "USa":
        raise TypeError(
            f"{name} must be numeric, got strings (dtype {arr.dtype}); "
            f"convert them to numbers with np.asarray({name}, dtype=float)"
        )
    elif arr.dtype.kind == "m":  # numpy counts durations as integers, in whatever unit they carry
        raise TypeError(
            f"{name} holds durations (dtype {arr.dtype}), whose numbers depend on "
            f"their unit; convert them to numbers in the unit you mean, e.g. "
            f"{name} / np.timedelta64(1, 's') for seconds"
        )
    elif not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(
            f"{name} must be numeric, got dtype {arr.dtype}; "
            f"pass numbers (int or float), not {type(x).__name__} of objects"
        )
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (int(ndim),) if isinstance(ndim, Integral) else tuple(ndim)  # type: ignore[arg-type]
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            fix = "reshape it (e.g. np.ravel or np.atleast_1d)"
            if allowed == (2,) and arr.ndim in (0, 1):
                fix = (f"Reshape your data: {name}.reshape(-1, 1) if it is one "
                       f"feature, {name}.reshape(1, -1) if it is one sample")
            raise ValueError(
                f"{name} must be {want}, got a {arr.ndim}-D array of shape "
                f"{arr.shape}; {fix}"
            )
    if arr.ndim == 2 and arr.shape[0] and not arr.shape[1]:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={arr.shape}) while a minimum of 1 "
            f"is required; pass at least one column"
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


def check_finite_output(
    out: ArrayLike, name: str, fix: str = "rescale the inputs"
) -> None:
    """Raise if `out`, computed from finite input, overflowed to inf or NaN.

    Every input passed :func:`as_float_array`, so a non-finite result means
    an intermediate value went beyond float64 (about 1.8e308).

    Examples
    --------
    >>> check_finite_output(np.array([1.0, 2.0]), "mse")
    """
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"{name} overflowed float64 (an intermediate value passed "
            f"1.8e308, giving inf or NaN); {fix} so that the values are "
            f"of moderate size"
        )


def check_callback_output(value: object, name: str) -> NDArray[np.float64]:
    """Return what a user's function returned as a float array, or raise.

    Refuses None (a missing ``return``), strings, complex numbers and
    objects that are not numbers, naming the function in the message.
    Non-finite values are allowed: the caller decides what they mean.

    Examples
    --------
    >>> check_callback_output(0.5, "grad(x)")
    array(0.5)
    """
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value  # the common case, already what is asked for: no checks to make
    if type(value) is float:
        return np.asarray(value)
    if value is None:
        raise TypeError(
            f"{name} returned None; the function must return a number or "
            f"an array (is a `return` missing?)"
        )
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} returned the string {value!r}; it must return a number "
            f"or an array of numbers, not str"
        )
    if _is_sparse(value):
        value = value.toarray()  # type: ignore[attr-defined]  # scipy sparse
    try:
        arr = np.asarray(value)
    except ValueError as err:
        raise ValueError(
            f"{name} returned {type(value).__name__} that is not an array "
            f"({err}); return a number or an ndarray"
        ) from None
    if np.iscomplexobj(arr):
        raise ComplexDataError(
            f"{name} returned complex values (dtype {arr.dtype}); it must "
            f"return real values: take np.real if the imaginary part is "
            f"round-off"
        )
    if arr.dtype.kind in "USa":
        raise TypeError(
            f"{name} returned strings (dtype {arr.dtype}); it must return "
            f"a number or an array of numbers, not str"
        )
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as err:
            raise TypeError(
                f"{name} returned {type(value).__name__} {value!r:.60}, not a "
                f"number ({err}); return a float or an ndarray of floats"
            ) from None
    elif not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(
            f"{name} returned dtype {arr.dtype}, not a number; return a "
            f"float or an ndarray of floats"
        )
    return arr.astype(np.float64, copy=False)


def check_positive(value: object, name: str, *, strict: bool = True) -> float:
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
    value: object, name: str, *, minimum: int | None = None,
    maximum: int | None = None,
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
        value = int(float(value))
    else:
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} "
            f"{value!r}; pass a whole number such as 1000"
        )
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(
            f"{name} must be <= {maximum}, got {value:.3g}; a run that needs "
            f"more {'steps' if 'iter' in name or 'epoch' in name else 'of them'} "
            f"than that will not finish in reasonable time (or memory)"
        )
    return value


MAX_ITER = 10_000_000
"""Upper bound for iteration counts (max_iter, epochs): larger runs never end."""


def check_bool(value: object, name: str) -> bool:
    """Return `value` as a bool, refusing anything that is not True or False.

    Examples
    --------
    >>> check_bool(np.True_, "shuffle")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be True or False, got {type(value).__name__} "
            f"{value!r}; pass a bool"
        )
    return bool(value)


def check_random_state(value: object, name: str = "random_state") -> np.random.Generator:
    """Return a numpy Generator seeded by `value`.

    Accepts None (fresh entropy), a non-negative int, or a Generator (used
    as is, so successive fits continue its stream).

    Examples
    --------
    >>> float(check_random_state(0).random()) == float(np.random.default_rng(0).random())
    True
    """
    if isinstance(value, np.random.Generator):
        return value
    if value is None:
        return np.random.default_rng()
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)):
        raise TypeError(
            f"{name} must be an int seed, None or a numpy Generator, got "
            f"{type(value).__name__} {value!r}; pass a whole number such as 0"
        )
    if value < 0:
        raise ValueError(
            f"{name} must be a non-negative int seed, got {value}; pass a "
            f"whole number such as 0 (or None, or a numpy Generator)"
        )
    return np.random.default_rng(int(value))


def check_square(A: ArrayLike, name: str = "A") -> NDArray[np.float64]:
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


def check_same_length(a: Sized, b: Sized, names: tuple[str, str] = ("X", "y")) -> int:
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


def check_callable(f: object, name: str = "f") -> Callable[..., Any]:
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


def check_choice(value: object, name: str, choices: Sequence[str]) -> str:
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


def check_binary_labels(y: ArrayLike, name: str = "y") -> NDArray[np.float64]:
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


MAX_ONE_HOT_BYTES = 2**30
"""Largest one-hot matrix built from labels (1 GiB): beyond it a label is a typo."""


def check_class_labels(
    y: ArrayLike, name: str = "y", n_classes: int | None = None
) -> NDArray[np.int64]:
    """Return 1-D integer labels in 0..k-1 as an int64 array.

    `n_classes` (k) defaults to ``max(y) + 1``. A one-hot matrix of the
    labels must fit in 1 GiB, so one stray label (``3e9`` for ``3``) fails
    here instead of allocating tens of GiB.

    Examples
    --------
    >>> check_class_labels([0, 2, 1])
    array([0, 2, 1])
    """
    arr = as_float_array(y, name, ndim=1)
    if n_classes is not None:
        n_classes = check_int(n_classes, "n_classes", minimum=1)
    bad = np.flatnonzero((arr != np.round(arr)) | (arr < 0))
    k = n_classes if n_classes is not None else int(arr.max()) + 1
    size = 8 * arr.size * k
    if not bad.size and size > MAX_ONE_HOT_BYTES:
        largest = int(arr.max())
        raise ValueError(
            f"{k} classes for {arr.size} labels would need a one-hot matrix "
            f"of {size / 2**30:.3g} GiB; labels must be 0..k-1 (the largest "
            f"is {largest}: a typo?). Pass the true n_classes, or map "
            f"arbitrary labels to 0..k-1 with "
            f"classes, {name} = np.unique({name}, return_inverse=True)"
        )
    if n_classes is not None:
        bad = np.flatnonzero((arr != np.round(arr)) | (arr < 0) | (arr >= k))
    if bad.size:
        raise ValueError(
            f"{name} must hold integer class labels 0..{k - 1}, got "
            f"{arr[bad[0]]} at index {bad[0]}; map arbitrary labels to "
            f"0..k-1 first with classes, {name} = np.unique({name}, "
            f"return_inverse=True)"
        )
    return arr.astype(np.int64)


def encode_labels(y: object, name: str = "y") -> tuple[np.ndarray, NDArray[np.int64]]:
    """Return ``(classes, codes)``: the sorted distinct labels and each label's index.

    The classifiers' label contract, as scikit-learn's: any discrete labels
    (ints, strings, bools, whole floats) are mapped through ``classes_``,
    so ``classes[codes]`` gives `y` back. Continuous labels (floats that
    are not whole numbers) are refused, as is a missing `y`.

    Examples
    --------
    >>> classes, codes = encode_labels(["cat", "dog", "cat"])
    >>> classes, codes
    (array(['cat', 'dog'], dtype='<U3'), array([0, 1, 0]))
    """
    if y is None:
        raise ValueError(
            f"this classifier requires y to be passed, but the target {name} "
            f"is None; pass one label per row of X"
        )
    if _is_sparse(y):
        raise TypeError(
            f"{name} is a scipy sparse matrix, and sparse input is not "
            f"supported; pass a 1-D array of labels"
        )
    try:
        arr = np.asarray(y)
    except ValueError as err:
        raise ValueError(f"{name} could not be converted to an array ({err}); "
                         f"pass a 1-D sequence of labels") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        raise ValueError(
            f"{name} must be 1-D of shape (n_samples,), got shape {arr.shape}; "
            f"pass {name}.ravel()"
        )
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of labels, got shape {arr.shape}; "
            f"pass one label per sample (np.ravel, or argmax of one-hot rows)"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty; pass at least one label per class")
    if np.iscomplexobj(arr):
        raise ComplexDataError(
            f"{name} must hold real labels (Complex data not supported); "
            f"pass integer or string class labels"
        )
    if arr.dtype == object:
        kinds = {type(v) for v in arr}
        if all(issubclass(t, str) for t in kinds):
            arr = arr.astype(str)
        elif any(v is None for v in arr):
            raise ValueError(f"{name} contains None; every sample needs a label")
        elif any(issubclass(t, str) for t in kinds):
            raise TypeError(
                f"{name} mixes strings and numbers ({sorted(t.__name__ for t in kinds)}); "
                f"use one kind of label, e.g. all strings"
            )
        else:
            arr = as_float_array(arr, name, ndim=1)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            as_float_array(arr, name)  # raises with the index of the NaN/inf
        fractional = np.flatnonzero(arr != np.round(arr))
        if fractional.size:
            raise ValueError(
                f"Unknown label type: continuous values in {name} (e.g. "
                f"{arr[fractional[0]]} at index {fractional[0]}); a classifier "
                f"needs discrete classes: use a regressor for a continuous "
                f"target, or bin it into classes first"
            )
    elif arr.dtype.kind not in "biuUS":
        raise TypeError(
            f"{name} must hold class labels (ints, strings or bools), got "
            f"dtype {arr.dtype}"
        )
    classes, codes = np.unique(arr, return_inverse=True)
    return classes, codes.astype(np.int64).reshape(-1)


def check_n_features(X: NDArray[np.float64], n_features: int, name: str = "X") -> None:
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
