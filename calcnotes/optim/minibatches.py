r"""Minibatches and epochs, and the stochastic gradient they give.

A loss over n samples is a sum (or mean) of one term per sample, and so is
its gradient. A *minibatch* is a random subset of B samples; the gradient
of its terms, scaled by n/B, is an unbiased estimate of the full gradient
at a fraction B/n of the cost. An *epoch* is one pass over the data:
shuffle the n indices, cut them into consecutive batches of B (the last one
smaller when B does not divide n), and use each batch once. Everything is
seeded: the same seed gives the same batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_callable, check_int

__all__ = ["Minibatches", "stochastic_gradient", "StochasticGradient"]

# The samples along the first axis, of any dtype (float features, int or str labels)
Samples = NDArray[np.generic]
Indices = NDArray[np.integer]
# grad_batch(x, *batch): x, then one batch per array of data (hence ...: as many as arrays)
GradBatch = Callable[..., ArrayLike]


def _check_arrays(arrays: tuple[ArrayLike, ...]) -> tuple[tuple[Samples, ...], int]:
    if not arrays:
        raise TypeError(
            "pass at least one array to cut into minibatches, e.g. "
            "Minibatches(X, y, batch_size=32)"
        )
    out: list[Samples] = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        if a.ndim == 0 or len(a) == 0:
            raise ValueError(
                f"array {i} must hold at least one sample along its first axis, "
                f"got shape {a.shape}; pass the data as an array of samples"
            )
        if len(a) != len(out[0] if out else a):
            raise ValueError(
                f"every array must have one row per sample: array 0 has "
                f"{len(out[0])} and array {i} has {len(a)}; pair every row of X "
                f"with one entry of y"
            )
        out.append(a)
    return tuple(out), len(out[0])


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (Integral, np.integer)) or seed < 0:
        raise TypeError(
            f"seed must be a non-negative int, got {type(seed).__name__} {seed!r}; "
            f"pass e.g. seed=0 (the same seed gives the same batches)"
        )
    return int(seed)


def _check_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def _index_stream(n: int, batch_size: int, shuffle: bool, seed: int,
                  drop_last: bool) -> Iterator[Indices]:
    """Index batches, epoch after epoch, forever."""
    rng = np.random.default_rng(seed)
    stop = n - n % batch_size if drop_last else n
    while True:
        order = rng.permutation(n) if shuffle else np.arange(n)
        for start in range(0, stop, batch_size):
            yield order[start:start + batch_size]


class Minibatches:
    r"""Iterate over minibatches of the rows of one or more arrays, for some epochs.

    Each epoch shuffles the n samples (with a generator seeded by `seed`)
    and yields consecutive batches of `batch_size` rows, so every sample
    appears exactly once per epoch; the last batch of an epoch holds the
    :math:`n \bmod B` samples left over, unless `drop_last` leaves them out.

    Parameters
    ----------
    *arrays : array_like, each of shape (n_samples, ...)
        The data, e.g. ``X`` of shape (n_samples, n_features) and ``y`` of
        shape (n_samples,); each batch takes the same rows of each.
    batch_size : int
        B >= 1 rows per batch (a B above n gives one batch of all n).
    epochs : int, default 1
        Passes over the data.
    shuffle : bool, default True
        Shuffle the samples at the start of every epoch.
    seed : int, default 0
        Seed of the shuffling; iterating again repeats the same batches.
    drop_last : bool, default False
        Leave out the last, smaller batch of each epoch.

    Attributes
    ----------
    n_samples : int
        n, the rows of each array.
    batches_per_epoch : int
        :math:`\lceil n / B \rceil`, or :math:`\lfloor n / B \rfloor` with `drop_last`.

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> batches = Minibatches(X, y, batch_size=2, shuffle=False)
    >>> [yb.tolist() for Xb, yb in batches]
    [[0, 1], [2, 3], [4]]
    >>> len(Minibatches(X, y, batch_size=2, epochs=3)), batches.batches_per_epoch
    (9, 3)
    """

    def __init__(self, *arrays: ArrayLike, batch_size: int, epochs: int = 1,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        self.arrays, self.n_samples = _check_arrays(arrays)
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.shuffle = _check_flag(shuffle, "shuffle")
        self.seed = _check_seed(seed)
        self.drop_last = _check_flag(drop_last, "drop_last")
        if self.drop_last and self.batch_size > self.n_samples:
            raise ValueError(
                f"batch_size={self.batch_size} is larger than the {self.n_samples} "
                f"samples, so drop_last=True leaves no batch at all; lower "
                f"batch_size or set drop_last=False"
            )
        full, rest = divmod(self.n_samples, self.batch_size)
        self.batches_per_epoch = full + (1 if rest and not self.drop_last else 0)

    def __len__(self) -> int:
        return self.epochs * self.batches_per_epoch

    def indices(self) -> Iterator[Indices]:
        """Yield the row indices of each batch, of shape (batch size,)."""
        stream = _index_stream(self.n_samples, self.batch_size, self.shuffle,
                               self.seed, self.drop_last)
        return islice(stream, len(self))

    def __iter__(self) -> Iterator[tuple[Samples, ...]]:
        for rows in self.indices():
            yield tuple(a[rows] for a in self.arrays)

    def __repr__(self) -> str:
        return (f"Minibatches(n_samples={self.n_samples}, batch_size={self.batch_size}, "
                f"epochs={self.epochs}, shuffle={self.shuffle}, seed={self.seed}, "
                f"drop_last={self.drop_last})")


class StochasticGradient:
    """A gradient that uses the next minibatch at every call (see :func:`stochastic_gradient`)."""

    def __init__(self, grad_batch: GradBatch, batches: Minibatches) -> None:
        self.grad_batch = grad_batch
        self.batches = batches
        self.n_calls = 0
        self._stream = _index_stream(batches.n_samples, batches.batch_size,
                                     batches.shuffle, batches.seed, batches.drop_last)

    @property
    def epochs_done(self) -> float:
        """Passes over the data so far (a fraction inside an epoch)."""
        return self.n_calls / self.batches.batches_per_epoch

    def __call__(self, x: ArrayLike) -> ArrayLike:
        rows = next(self._stream)
        self.n_calls += 1
        return self.grad_batch(x, *(a[rows] for a in self.batches.arrays))

    def __repr__(self) -> str:
        return (f"StochasticGradient({getattr(self.grad_batch, '__name__', 'grad_batch')}, "
                f"batch_size={self.batches.batch_size}, n_calls={self.n_calls})")


def stochastic_gradient(grad_batch: GradBatch, *arrays: ArrayLike, batch_size: int,
                        shuffle: bool = True, seed: int = 0,
                        drop_last: bool = False) -> StochasticGradient:
    r"""Return a gradient ``g(x)`` that evaluates `grad_batch` on the next minibatch.

    Call k uses batch k of the stream of :class:`Minibatches` with the same
    arguments, epoch after epoch without end, so any optimiser of
    :mod:`calcnotes.optim` becomes its stochastic version:
    ``heavy_ball(stochastic_gradient(...), x0, rate, momentum=0, tol=0,
    max_iter=epochs * batches_per_epoch)`` is minibatch SGD. (The optimiser
    calls it once more after its last step, for its stopping test, so
    ``n_calls`` ends at ``max_iter + 1``.)

    Parameters
    ----------
    grad_batch : callable
        ``grad_batch(x, *batch)``: the gradient estimated from one batch
        (the rows of each array), shaped like x. Scale it so that its mean
        over batches is the full gradient (n/B times a sum over the batch,
        or the batch mean for a mean loss).
    *arrays, batch_size, shuffle, seed, drop_last
        As for :class:`Minibatches`.

    Returns
    -------
    StochasticGradient
        Callable on x; ``n_calls`` counts the batches used, ``epochs_done``
        the passes over the data.

    Examples
    --------
    >>> X = np.array([1.0, 2.0, 3.0])
    >>> g = stochastic_gradient(lambda w, xb: w - xb.mean(), X, batch_size=1,
    ...                         shuffle=False)
    >>> [float(g(0.0)) for _ in range(4)], g.epochs_done
    ([-1.0, -2.0, -3.0, -1.0], 1.3333333333333333)
    """
    grad_batch = check_callable(grad_batch, "grad_batch")
    return StochasticGradient(grad_batch, Minibatches(
        *arrays, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last))
