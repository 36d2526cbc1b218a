r"""A multilayer perceptron of any depth with hand-written backprop.

Row convention (one sample per row, as in seed 004): for layers
:math:`l = 1, \dots, L`

.. math:: Z_l = A_{l-1} W_l + b_l, \qquad A_l = f(Z_l), \qquad A_0 = X,

with ``W_l`` of shape (n_{l-1}, n_l), ``b_l`` of shape (n_l,), the hidden
activation :math:`f` (sigmoid, tanh or relu) and the output function
:math:`g` on the last layer. Each output is paired with the loss whose
gradient in :math:`Z_L` is the "prediction minus target":

=============  ===========================  ===============================
``output``     loss (a mean)                :math:`dZ_L = \partial L/\partial Z_L`
=============  ===========================  ===============================
``softmax``    categorical cross-entropy    :math:`(A_L - Y)/n`
``sigmoid``    binary cross-entropy         :math:`(A_L - Y)/(n\,m)`
``identity``   mean squared error           :math:`2(A_L - Y)/(n\,m)`
=============  ===========================  ===============================

(:math:`m` outputs.) Backprop in matrix form then runs, for
:math:`l = L, \dots, 1`:

.. math:: dW_l = A_{l-1}^T dZ_l, \quad db_l = \mathbf 1^T dZ_l, \quad
          dZ_{l-1} = (dZ_l W_l^T) \odot f'(Z_{l-1}).

Seed 004 writes the depth-2 case as
:math:`x^T\bigl((q - y)v^T \times z(1-z)\bigr)`: exactly :math:`dW_1` with
a sigmoid hidden layer, up to the :math:`1/n` of the mean. Seed 003's
scalar chain for :math:`\partial L/\partial w_{11}` is the same product for
one weight.

The public functions validate their input; :class:`MLP` checks the data
once in ``fit`` and then hands the gradient of :func:`loss` (the unchecked
kernels ``_forward`` and ``_backward`` of :func:`forward` and
:func:`backward`), on the flattened weights and one minibatch per call, to
:func:`~calcnotes.gradient_descent.gradient_descent`: minibatch SGD is
gradient descent whose gradient sees the next batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from calcnotes._base import Classifier, Regressor
from calcnotes._validation import (
    MAX_ITER,
    as_float_array,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
    check_random_state,
)
from calcnotes.activations import _softmax
from calcnotes.gradient_descent import gradient_descent
from calcnotes.losses import (
    _binary_cross_entropy_with_logits,
    _cross_entropy_with_logits,
    _one_hot,
    one_hot,
)
from calcnotes.result import DivergenceError

__all__ = ["init_params", "forward", "backward", "loss", "MLP"]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("softmax", "sigmoid", "identity")
Params = dict[str, np.ndarray]
Floats = NDArray[np.float64]
MAX_PARAMETERS = 50_000_000
"""Most weights init_params draws (400 MB of float64): beyond it a size is a typo."""


# --- kernels (no validation) --------------------------------------------


def _activate(Z: Floats, name: str) -> Floats:
    if name == "sigmoid":
        A: Floats = np.multiply(Z, 0.5)
        np.tanh(A, out=A)  # sigma(z) = (1 + tanh(z/2)) / 2: never overflows
        A += 1.0
        A *= 0.5
        return A
    if name == "tanh":
        T: Floats = np.tanh(Z)
        return T
    if name == "relu":
        R: Floats = np.maximum(Z, 0.0)
        return R
    return _softmax(Z, axis=1)  # the package's one softmax (calcnotes.activations)


def _times_derivative(dA: Floats, A: Floats, name: str) -> Floats:
    """dA * f'(Z), using f' written through the output A = f(Z)."""
    dZ: Floats
    if name == "sigmoid":
        dZ = np.subtract(1.0, A)  # sigma' = A (1 - A)
        dZ *= A
    elif name == "tanh":
        dZ = np.multiply(A, A)  # tanh' = 1 - A^2
        np.subtract(1.0, dZ, out=dZ)
    else:
        dZ = np.multiply(dA, A > 0)  # relu' = 1 where z > 0 (i.e. A > 0)
        return dZ
    dZ *= dA
    return dZ


def _forward(
    X: Floats, Ws: list[Floats], bs: list[Floats], activation: str, output: str
) -> tuple[list[Floats], list[Floats]]:
    """Return the lists [A0 = X, A1, ..., AL] and [Z1, ..., ZL]."""
    As, Zs = [X], []
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True), start=1):
        Z = As[-1] @ W
        Z += b
        Zs.append(Z)
        if l < len(Ws):
            As.append(_activate(Z, activation))
        else:
            As.append(Z if output == "identity" else _activate(Z, output))
    return As, Zs


def _output_delta(A_out: Floats, Y: Floats, output: str, scale: float) -> Floats:
    """dZ_L times `scale`/(1/n): see the table in the module docstring."""
    dZ: Floats = np.subtract(A_out, Y)
    if output == "softmax":
        dZ *= scale
    elif output == "sigmoid":
        dZ *= scale / Y.shape[1]
    else:
        dZ *= 2.0 * scale / Y.shape[1]
    return dZ


def _backward(
    As: list[Floats], Ws: list[Floats], dZ: Floats, activation: str
) -> tuple[list[Floats], list[Floats]]:
    """Backprop from dZ_L; returns the lists [dW1..dWL], [db1..dbL]."""
    L = len(Ws)
    dWs: list[Floats] = [np.empty(0)] * L
    dbs: list[Floats] = [np.empty(0)] * L
    for l in range(L - 1, -1, -1):  # layer l+1 in the maths
        dWs[l] = As[l].T @ dZ
        dbs[l] = dZ.sum(axis=0)
        if l:
            dZ = _times_derivative(dZ @ Ws[l].T, As[l], activation)
    return dWs, dbs


def _loss(Y: Floats, Z_out: Floats, A_out: Floats | None, output: str) -> float:
    """The loss of the table above, from the logits (the kernels of calcnotes.losses)."""
    if output == "softmax":
        return _cross_entropy_with_logits(Y, Z_out)
    if output == "sigmoid":
        # BCE from the logits: max(z, 0) - y z + log(1 + e^-|z|)
        return _binary_cross_entropy_with_logits(Y, Z_out)
    with np.errstate(over="ignore", invalid="ignore"):
        R = (Z_out if A_out is None else A_out) - Y
        return float(np.mean(R * R))


# --- checks ----------------------------------------------------------------


def _split(params: Params) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be the dict returned by init_params (keys 'W1', "
            f"'b1', ...), got {type(params).__name__}"
        )
    L = len(params) // 2
    if L == 0 or sorted(params) != sorted(
        [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]
    ):
        raise ValueError(
            f"params must have keys W1, b1, ..., WL, bL, got "
            f"{sorted(params)}; build it with init_params(layer_sizes)"
        )
    Ws = [as_float_array(params[f"W{l}"], f"W{l}", ndim=2) for l in range(1, L + 1)]
    bs = [as_float_array(params[f"b{l}"], f"b{l}", ndim=1) for l in range(1, L + 1)]
    for l in range(L):
        if bs[l].shape[0] != Ws[l].shape[1] or (
            l and Ws[l].shape[0] != Ws[l - 1].shape[1]
        ):
            raise ValueError(
                f"layer {l + 1} does not fit: W{l + 1} has shape "
                f"{Ws[l].shape}, b{l + 1} {bs[l].shape}"
                + (f", previous W{l} {Ws[l - 1].shape}" if l else "")
                + "; W_l must be (n_{l-1}, n_l) and b_l (n_l,)"
            )
    return Ws, bs


def _check_X(X: ArrayLike, Ws: list[Floats]) -> Floats:
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != Ws[0].shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} features but W1 expects {Ws[0].shape[0]}; "
            f"the first layer size must equal the number of columns of X"
        )
    return X


def _check_cache(
    cache: object, Ws: list[Floats], bs: list[Floats], activation: str, output: str
) -> list[Floats]:
    """The activations [A0, ..., AL] of `cache`, checked against a forward pass.

    backward trusts the cache for every product, so a cache from other
    params, another activation or another X would give wrong gradients
    without any error: recompute the forward pass from A0 and compare.
    """
    fix = "pass the cache returned by forward(X, params, activation, output) with the same arguments"
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by forward, got {type(cache).__name__}; {fix}")
    L = len(Ws)
    missing = [k for k in ["A0", *(f"A{l}" for l in range(1, L + 1))] if k not in cache]
    if missing:
        raise ValueError(f"cache is missing {missing}; {fix}")
    A0 = _check_X(as_float_array(cache["A0"], "cache['A0']", ndim=2), Ws)
    As = [A0]
    for l in range(1, L + 1):
        A = as_float_array(cache[f"A{l}"], f"cache['A{l}']", ndim=2)
        if A.shape != (A0.shape[0], Ws[l - 1].shape[1]):
            raise ValueError(
                f"cache['A{l}'] has shape {A.shape}, but params and A0 give "
                f"{(A0.shape[0], Ws[l - 1].shape[1])}; {fix}"
            )
        As.append(A)
    with np.errstate(over="ignore", invalid="ignore"):
        expected, _ = _forward(A0, Ws, bs, activation, output)
    for l in range(1, L + 1):
        if not np.allclose(As[l], expected[l], rtol=1e-9, atol=1e-12):
            raise ValueError(
                f"cache['A{l}'] is not what params give from cache['A0'] with "
                f"activation={activation!r} and output={output!r} (another "
                f"params, activation or output was used in forward); {fix}"
            )
    return As


def _check_Y(Y: ArrayLike, n: int, m: int, output: str) -> Floats:
    """Targets as an (n, m) float array (labels are one-hot encoded)."""
    if output == "softmax":
        Y_arr = as_float_array(Y, "Y", ndim=(1, 2))
        if Y_arr.ndim == 1:
            Y_arr = one_hot(Y_arr, m)  # checks the labels are integers 0..m-1
    else:
        Y_arr = as_float_array(Y, "Y", ndim=(1, 2))
        if Y_arr.ndim == 1:
            Y_arr = Y_arr[:, None]
    if Y_arr.shape != (n, m):
        raise ValueError(
            f"Y must have shape ({n}, {m}) (one row per sample, one column "
            f"per output unit), got {Y_arr.shape}"
        )
    if output == "sigmoid":
        bad = (Y_arr < 0) | (Y_arr > 1)
        if bad.any():
            raise ValueError(
                f"Y must hold targets in [0, 1] for output='sigmoid', got "
                f"{Y_arr[bad][0]}; encode labels as 0/1 (or use "
                f"output='identity' for regression)"
            )
    return Y_arr


# --- public functions ------------------------------------------------------


def init_params(
    layer_sizes: Sequence[int],
    activation: str = "sigmoid",
    random_state: int | np.random.Generator | None = None,
) -> Params:
    r"""Return initial weights ``{"W1", "b1", ..., "WL", "bL"}``.

    :math:`W_l` is drawn from :math:`\mathcal N(0, s^2)` with Glorot's
    :math:`s^2 = 2/(n_{l-1} + n_l)` for sigmoid and tanh, He's
    :math:`s^2 = 2/n_{l-1}` for relu; biases start at 0. The draws are
    made in layer order with ``rng.standard_normal``, so the same seed
    gives the same network.

    Parameters
    ----------
    layer_sizes : sequence of int, length L + 1 >= 2
        ``(n_features, hidden sizes..., n_outputs)``.
    activation : {"sigmoid", "tanh", "relu"}, default "sigmoid"
    random_state : int, numpy Generator or None
        Seed for ``np.random.default_rng`` (or a Generator to draw from).

    Returns
    -------
    dict of ndarray
        ``W_l`` of shape (layer_sizes[l-1], layer_sizes[l]) and ``b_l`` of
        shape (layer_sizes[l],).

    Examples
    --------
    >>> params = init_params((2, 3, 1), random_state=0)
    >>> {name: p.shape for name, p in params.items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 1), 'b2': (1,)}
    """
    activation = check_choice(activation, "activation", ACTIVATIONS)
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(
            f"layer_sizes must be a sequence of ints such as (64, 32, 10), "
            f"got {layer_sizes!r}"
        )
    sizes = [check_int(s, "each layer size", minimum=1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output size, got "
            f"{list(layer_sizes)}; e.g. (n_features, n_outputs)"
        )
    n_weights = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    if n_weights > MAX_PARAMETERS:
        raise ValueError(
            f"layer_sizes {tuple(sizes)} means {n_weights:.3g} parameters "
            f"({8 * n_weights / 2**30:.3g} GiB); at most {MAX_PARAMETERS:.0e} "
            f"are allowed: is a layer size a typo?"
        )
    rng = check_random_state(random_state)
    params: Params = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        var = 2.0 / n_in if activation == "relu" else 2.0 / (n_in + n_out)
        params[f"W{l}"] = rng.standard_normal((n_in, n_out)) * np.sqrt(var)
        params[f"b{l}"] = np.zeros(n_out)
    return params


def forward(
    X: ArrayLike, params: Params, activation: str = "sigmoid", output: str = "softmax"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    r"""Return the network output :math:`A_L` and the cache for backprop.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    params : dict from :func:`init_params`
    activation : {"sigmoid", "tanh", "relu"}
        Hidden-layer activation.
    output : {"softmax", "sigmoid", "identity"}
        Output function.

    Returns
    -------
    A_out : ndarray of shape (n_samples, n_outputs)
    cache : dict
        ``"A0"`` (= X), ``"Z1"``, ``"A1"``, ..., ``"ZL"``, ``"AL"``.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0], [-1.0]]), "b1": np.array([0.0])}
    >>> A_out, cache = forward([[2.0, 2.0]], params, output="sigmoid")
    >>> A_out, sorted(cache)
    (array([[0.5]]), ['A0', 'A1', 'Z1'])
    """
    activation = check_choice(activation, "activation", ACTIVATIONS)
    output = check_choice(output, "output", OUTPUTS)
    Ws, bs = _split(params)
    X = _check_X(X, Ws)
    with np.errstate(over="ignore", invalid="ignore"):
        As, Zs = _forward(X, Ws, bs, activation, output)
    check_finite_output(Zs[-1], "forward", fix="rescale X (standardise it) or the weights")
    cache = {"A0": X}
    for l in range(1, len(Ws) + 1):
        cache[f"Z{l}"], cache[f"A{l}"] = Zs[l - 1], As[l]
    return As[-1], cache


def backward(
    Y: ArrayLike,
    params: Params,
    cache: dict[str, np.ndarray],
    activation: str = "sigmoid",
    output: str = "softmax",
) -> Params:
    r"""Return the gradients of :func:`loss` for every ``W_l`` and ``b_l``.

    Backprop in matrix form (see the module docstring), starting from
    :math:`dZ_L = (A_L - Y)/n` (softmax; the table there for the others)::

        for l = L, ..., 1:
            dW_l = A_{l-1}.T @ dZ
            db_l = dZ.sum(axis=0)
            dZ   = (dZ @ W_l.T) * f'(Z_{l-1})     # not needed after l = 1

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs), or (n_samples,)
        Targets: one-hot rows or integer labels for ``softmax``; 0/1 for
        ``sigmoid``; real values for ``identity``.
    params : dict from :func:`init_params`
    cache : dict from :func:`forward`
    activation, output : str
        As passed to :func:`forward`.

    Returns
    -------
    dict of ndarray
        Same keys and shapes as `params`: ``grads["W1"]`` is
        :math:`\partial L/\partial W_1`, and so on.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0], [-1.0]]), "b1": np.array([0.0])}
    >>> _, cache = forward([[2.0, 2.0]], params, output="sigmoid")
    >>> backward([1.0], params, cache, output="sigmoid")
    {'W1': array([[-1.], [-1.]]), 'b1': array([-0.5])}
    """
    activation = check_choice(activation, "activation", ACTIVATIONS)
    output = check_choice(output, "output", OUTPUTS)
    Ws, bs = _split(params)
    As = _check_cache(cache, Ws, bs, activation, output)
    Y = _check_Y(Y, As[0].shape[0], Ws[-1].shape[1], output)
    dZ = _output_delta(As[-1], Y, output, 1.0 / Y.shape[0])
    dWs, dbs = _backward(As, Ws, dZ, activation)
    L = len(Ws)
    grads: Params = {}
    for l in range(1, L + 1):
        grads[f"W{l}"], grads[f"b{l}"] = dWs[l - 1], dbs[l - 1]
    return grads


def loss(Y: ArrayLike, Z_out: ArrayLike, output: str = "softmax") -> float:
    r"""Return the training loss from the output layer's logits :math:`Z_L`.

    ``softmax``: mean categorical cross-entropy; ``sigmoid``: binary
    cross-entropy averaged over all entries; ``identity``: mean squared
    error over all entries. Computed from the logits (``cache["ZL"]``), so
    it is finite for any weights.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs), or (n_samples,)
        Targets as in :func:`backward`.
    Z_out : ndarray of shape (n_samples, n_outputs)
        ``cache[f"Z{L}"]`` from :func:`forward`.
    output : {"softmax", "sigmoid", "identity"}

    Returns
    -------
    float

    Examples
    --------
    >>> loss([0, 1], [[0.0, 0.0], [0.0, 0.0]])  # log 2
    0.6931471805599453
    """
    output = check_choice(output, "output", OUTPUTS)
    Z_out = as_float_array(Z_out, "Z_out", ndim=2)
    Y = _check_Y(Y, Z_out.shape[0], Z_out.shape[1], output)
    value = _loss(Y, Z_out, None, output)
    check_finite_output(value, "loss", fix="rescale the logits Z_out (or X)")
    return value


def _train(
    X: Floats, Y: Floats, params: Params, activation: str, output: str,
    learning_rate: float, batch: int, epochs: int, rng: np.random.Generator,
) -> tuple[Floats, int]:
    """(Minibatch) gradient descent on the flattened weights, through
    :func:`~calcnotes.gradient_descent.gradient_descent`; edits `params`.

    The gradient handed to the optimiser is that of :func:`loss` on the
    next minibatch (:func:`forward` and :func:`backward`'s kernels): batch
    j of epoch e is rows ``perm_e[j B:(j + 1) B]`` of a permutation drawn
    from `rng` at the start of each epoch (none for full batch), so the
    visiting order is the seeded one of the ``MLP`` docstring. After the
    last step the optimiser's stopping test gets the full-data gradient.
    Returns the mean loss of each epoch (each batch's loss before its
    step, weighted by its size) and the number of epochs run.
    """
    n = X.shape[0]
    L = len(params) // 2
    shapes = [params[f"{name}{l}"].shape for l in range(1, L + 1) for name in "Wb"]
    sizes = [int(np.prod(shape)) for shape in shapes]
    offsets = np.cumsum([0, *sizes])
    per_epoch = -(-n // batch)  # ceil(n / batch)
    total = epochs * per_epoch
    history = np.zeros(epochs)
    X_epoch, Y_epoch = (np.empty_like(X), np.empty_like(Y)) if batch < n else (X, Y)
    calls = 0
    # The arrays of the previous call live until the next call has made its
    # own: glibc then reuses their memory, instead of returning the freed
    # heap top to the system and faulting it in again at every step (which
    # made full-batch epochs up to twice as slow in measurements on digits).
    previous: list[object] = []

    def unflatten(theta: Floats) -> list[Floats]:  # W1, b1, W2, ... as views of theta
        return [theta[a:b].reshape(shape)
                for a, b, shape in zip(offsets[:-1], offsets[1:], shapes, strict=True)]

    def gradient(theta: Floats) -> Floats:
        nonlocal calls
        parts = unflatten(theta)
        Ws, bs = parts[0::2], parts[1::2]
        if calls < total:
            epoch, j = divmod(calls, per_epoch)
            if j == 0 and batch < n:  # a fresh seeded order every epoch
                perm = rng.permutation(n)
                np.take(X, perm, axis=0, out=X_epoch)
                np.take(Y, perm, axis=0, out=Y_epoch)
            Xb = X_epoch[j * batch:(j + 1) * batch]  # views, no copies
            Yb = Y_epoch[j * batch:(j + 1) * batch]
        else:  # the stopping test after the last step: the full gradient
            Xb, Yb = X, Y
        calls += 1
        As, Zs = _forward(Xb, Ws, bs, activation, output)
        if calls <= total:
            history[epoch] += _loss(Yb, Zs[-1], As[-1], output) * Xb.shape[0] / n
        dWs, dbs = _backward(As, Ws, _output_delta(As[-1], Yb, output, 1.0 / Xb.shape[0]),
                             activation)
        previous[:] = [As, Zs, dWs]
        flat = np.empty(offsets[-1])  # the gradient in theta's layout: W1, b1, W2, ...
        for l in range(L):
            flat[offsets[2 * l]:offsets[2 * l + 1]] = dWs[l].ravel()
            flat[offsets[2 * l + 1]:offsets[2 * l + 2]] = dbs[l]
        return flat

    theta0 = np.concatenate([params[f"{name}{l}"].ravel() for l in range(1, L + 1) for name in "Wb"])
    try:
        result = gradient_descent(gradient, theta0, learning_rate, max_iter=total, tol=0.0,
                                  keep_path=False)
        if not np.all(np.isfinite(history)):
            raise DivergenceError("the loss is not finite")
    except ValueError:  # DivergenceError, or a non-finite gradient at the start
        epoch = min((calls - 1) // per_epoch, epochs - 1) + 1
        raise DivergenceError(
            f"training diverged in epoch {epoch} (a value overflowed to a "
            f"non-finite number, or the weights passed 1e12); lower "
            f"learning_rate={learning_rate:g} (try {learning_rate / 10:g}) "
            f"or standardise X"
        ) from None
    for name, part in zip([f"{name}{l}" for l in range(1, L + 1) for name in "Wb"],
                          unflatten(np.asarray(result.x)), strict=True):
        params[name] = part.copy()
    return history, -(-result.n_iter // per_epoch)


class MLP(Classifier, Regressor):
    r"""Multilayer perceptron trained by (minibatch) gradient descent.

    ``fit`` runs :func:`~calcnotes.gradient_descent.gradient_descent` on
    all weights flattened into one vector, with the gradient of
    :func:`loss` computed by :func:`backward`'s kernel on the next
    minibatch at every call (after the last step, the optimiser's stopping
    test sees the gradient on all the data).

    Parameters
    ----------
    hidden_sizes : tuple of int, default (64,)
        Units per hidden layer (each >= 1); ``()`` gives a network without
        hidden layers (softmax / logistic / linear regression).
    activation : {"sigmoid", "tanh", "relu"}, default "sigmoid"
    output : {"softmax", "sigmoid", "identity"}, default "softmax"
        ``softmax``: any k >= 2 labels, through ``classes_``;
        ``sigmoid``: two labels (one output unit) or a 0/1 matrix
        (multi-label); ``identity``: regression with the mean squared
        error (then the MLP is a regressor: ``score`` is R^2).
    learning_rate : float, default 0.1
    batch_size : int or None, default None
        ``None``: full batch (one step per epoch). An int: minibatches of
        that size (the last one may be smaller) from a fresh seeded
        permutation every epoch.
    epochs : int, default 100
        Passes over the training data.
    random_state : int, numpy Generator or None, default 0
        Seed of ``np.random.default_rng``, which draws the initial weights
        (:func:`init_params`) and then one ``rng.permutation(n)`` per epoch
        (minibatch only).

    Attributes
    ----------
    params_ : dict of ndarray
        ``W1, b1, ..., WL, bL``.
    loss_history_ : ndarray of shape (epochs,)
        Mean over the epoch's minibatches of the loss each step saw
        (before its update); for full batch, the loss before each step.
    n_iter_ : int
        Epochs run.
    classes_ : ndarray
        The distinct labels, sorted (``softmax``, ``sigmoid`` with 1-D
        labels), or ``[0, 1]`` (``sigmoid`` with a label matrix); not set
        for ``identity``.
    n_features_in_, n_outputs_ : int

    Examples
    --------
    XOR, which no linear model can fit:

    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> model = MLP(hidden_sizes=(4,), activation="tanh", output="sigmoid",
    ...             learning_rate=0.5, epochs=1000).fit(X, [0, 1, 1, 0])
    >>> model.predict(X)
    array([0, 1, 1, 0])
    """

    def __init__(
        self,
        *,
        hidden_sizes: tuple[int, ...] = (64,),
        activation: str = "sigmoid",
        output: str = "softmax",
        learning_rate: float = 0.1,
        batch_size: int | None = None,
        epochs: int = 100,
        random_state: int | np.random.Generator | None = 0,
    ) -> None:
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.output = output
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state

    _private_fitted = ("_y_ndim",)

    @property
    def _estimator_type(self) -> str:  # type: ignore[override]
        return "regressor" if self.output == "identity" else "classifier"

    @property
    def _multi_class(self) -> bool:  # type: ignore[override]
        return self.output != "sigmoid"

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy for ``softmax``/``sigmoid`` outputs, :math:`R^2` for ``identity``."""
        if self.output == "identity":
            return Regressor.score(self, X, y)
        return Classifier.score(self, X, y)

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_sizes
        if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
            raise TypeError(
                f"hidden_sizes must be a tuple of layer sizes, got the int "
                f"{sizes}; write hidden_sizes=({sizes},)"
            )
        if not isinstance(sizes, (tuple, list)):
            raise TypeError(
                f"hidden_sizes must be a tuple of layer sizes such as (64,), "
                f"or () for no hidden layer, got {type(sizes).__name__} {sizes!r}"
            )
        return tuple(check_int(s, f"hidden_sizes[{i}]", minimum=1) for i, s in enumerate(sizes))

    def _targets(self, y: ArrayLike, output: str) -> tuple[Floats, np.ndarray | None]:
        """The (n, m) targets and the classes (None for regression)."""
        if y is None:
            raise ValueError(
                "MLP requires y to be passed, but the target y is None; pass "
                "one target (or label) per row of X"
            )
        if output == "softmax":
            codes = self._encode(y, binary=False)
            return _one_hot(codes, self.classes_.size), self.classes_
        if output == "sigmoid" and np.asarray(y).ndim == 1:
            codes = self._encode(y, binary=True, multiclass="output='softmax'")
            return codes[:, None].astype(np.float64), self.classes_
        if output == "sigmoid":
            Y = as_float_array(y, "y", ndim=2)
            if not np.all((Y == 0) | (Y == 1)):
                raise ValueError("y must contain only 0 and 1 for "
                                 "output='sigmoid'; encode the labels as 0/1")
            return Y, np.array([0, 1])
        Y = as_float_array(y, "y", ndim=(1, 2))
        return (Y[:, None] if Y.ndim == 1 else Y), None

    def fit(self, X: ArrayLike, y: ArrayLike) -> MLP:
        """Train on X of shape (n_samples, n_features) and y (see ``output``)
        of shape (n_samples,) or (n_samples, n_outputs); return ``self``."""
        self._reset()
        activation = check_choice(self.activation, "activation", ACTIVATIONS)
        output = check_choice(self.output, "output", OUTPUTS)
        learning_rate = check_positive(self.learning_rate, "learning_rate")
        epochs = check_int(self.epochs, "epochs", minimum=1, maximum=MAX_ITER)
        hidden = self._hidden_sizes()
        rng = check_random_state(self.random_state)
        X = as_float_array(X, "X", ndim=2)
        n = X.shape[0]
        try:
            Y, classes = self._targets(y, output)
        finally:
            self._reset()  # classes_ is set at the end, when the fit succeeded
        if Y.shape[0] != n:
            raise ValueError(
                f"X and y must have the same number of samples, got {n} rows "
                f"in X and {Y.shape[0]} in y; pair every row of X with a target"
            )
        batch = n if self.batch_size is None else min(
            check_int(self.batch_size, "batch_size", minimum=1), n)
        params = init_params((X.shape[1], *hidden, Y.shape[1]), activation, rng)
        history, n_steps = _train(X, Y, params, activation, output, learning_rate,
                                  batch, epochs, rng)
        if n_steps < epochs:  # a gradient exactly zero: the weights would not move again
            history = history[:max(n_steps, 1)]  # (zero at the start: no step, one loss measured)
        if history[-1] > history[0] * (1 + 1e-9) + 1e-12:
            raise DivergenceError(
                f"training diverged: the loss grew from {history[0]:.4g} in the "
                f"first epoch to {history[-1]:.4g} in the last; lower "
                f"learning_rate={learning_rate:g} (try {learning_rate / 10:g}) or "
                f"standardise X"
            )
        if classes is not None:
            self.classes_ = classes
        self._y_ndim = np.asarray(y).ndim
        self.params_ = params
        self.loss_history_ = history
        self.n_iter_ = history.size
        self.n_features_in_ = X.shape[1]
        self.n_outputs_ = Y.shape[1]
        return self

    def _network_output(self, X: ArrayLike) -> Floats:
        X = self._check_X(X)
        L = len(self.params_) // 2
        Ws = [self.params_[f"W{l}"] for l in range(1, L + 1)]
        bs = [self.params_[f"b{l}"] for l in range(1, L + 1)]
        with np.errstate(over="ignore", invalid="ignore"):
            As, Zs = _forward(X, Ws, bs, self.activation, self.output)
        self._finite(Zs[-1])
        return As[-1]

    @property
    def predict_proba(self) -> Any:
        """Return class probabilities (only for ``softmax`` and ``sigmoid`` outputs).

        ``softmax``: shape (n_samples, n_classes). ``sigmoid`` with 1-D
        labels: shape (n_samples, 2), columns :math:`1 - p` and :math:`p`;
        with a label matrix: the (n_samples, n_outputs) probabilities.
        A regression MLP (``identity``) has no ``predict_proba`` (an
        AttributeError, so ``hasattr`` tells, as scikit-learn expects)."""
        if self.output == "identity":
            raise AttributeError(
                "predict_proba needs output='softmax' or 'sigmoid'; this MLP "
                "does regression (output='identity'): use predict"
            )
        return self._predict_proba

    def _predict_proba(self, X: ArrayLike) -> Floats:
        A = self._network_output(X)
        if self.output == "sigmoid" and self._y_ndim == 1:
            return np.column_stack([1.0 - A[:, 0], A[:, 0]])
        return A

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Return class labels (``softmax``: arg max; ``sigmoid``: p >= 1/2,
        both mapped through ``classes_``) or, for ``identity``, the
        predicted values; shape (n_samples,) for 1-D training targets, else
        (n_samples, n_outputs)."""
        A = self._network_output(X)
        if self.output == "softmax":
            labels: np.ndarray = self.classes_[A.argmax(axis=1)]
            return labels
        if self.output == "sigmoid":
            A = (A >= 0.5).astype(np.int64)
            return self.classes_[A[:, 0]] if self._y_ndim == 1 else A
        return A[:, 0] if self._y_ndim == 1 else A
