"""Behaviour of calcnotes.optim (adam, momentum, minibatches) that the mutation run found unpinned.

Expected values follow from the documented defaults and update rules, by hand.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest

from calcnotes.optim import adam, heavy_ball, nesterov
from calcnotes.optim.minibatches import Minibatches, stochastic_gradient


def _quiet(run):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run()


def test_adam_documented_defaults():
    # learning_rate=0.001: Adam's first step is eta * m_hat / (sqrt(v_hat) + eps)
    # = 0.001 * g / (|g| + 1e-8), so from x0 = 1 with g = x: x1 = 1 - 0.001 / (1 + 1e-8)
    one = _quiet(lambda: adam(lambda x: x, 1.0, max_iter=1))
    assert float(one.x) == pytest.approx(1 - 0.001 / (1 + 1e-8), rel=1e-15)
    # max_iter=1000: steps of about 0.001 cannot take x from 1 to |x| <= 1e-8 in 1000 steps
    full = _quiet(lambda: adam(lambda x: x, 1.0))
    assert full.n_iter == 1000 and not full.converged


@pytest.mark.parametrize("method", [heavy_ball, nesterov])
def test_momentum_methods_stop_at_1000_steps_by_default(method):
    # eta = 1e-6 on f = x^2/2: each step shrinks x by a factor near 1 - 1e-6 * 10 at most
    result = _quiet(lambda: method(lambda x: x, 1.0, 1e-6))
    assert result.n_iter == 1000 and not result.converged
    assert len(result.path) == 1001


def test_nesterov_refuses_zero_momentum():
    # momentum 0 would make Nesterov plain gradient descent: the function asks for heavy_ball instead
    with pytest.raises(ValueError):
        nesterov(lambda x: x, 1.0, 0.1, momentum=0.0)


def test_drop_last_allows_one_full_batch():
    X = np.arange(3.0)
    batches = Minibatches(X, batch_size=3, drop_last=True, shuffle=False)
    assert len(batches) == 1 and batches.batches_per_epoch == 1
    with pytest.raises(ValueError, match="drop_last"):
        Minibatches(X, batch_size=4, drop_last=True)


def test_stochastic_gradient_passes_drop_last_and_the_default_seed_on():
    X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    mean = lambda w, xb: xb.mean()  # noqa: E731
    dropped = stochastic_gradient(mean, X, batch_size=2, shuffle=False, drop_last=True)
    # batches [1, 2], [3, 4], then (5 left over is dropped) [1, 2] again
    assert [float(dropped(0.0)) for _ in range(3)] == [1.5, 3.5, 1.5]
    kept = stochastic_gradient(mean, X, batch_size=2, shuffle=False)
    assert [float(kept(0.0)) for _ in range(3)] == [1.5, 3.5, 5.0]
    # seed defaults to 0
    a = stochastic_gradient(mean, X, batch_size=2)
    b = stochastic_gradient(mean, X, batch_size=2, seed=0)
    assert [float(a(0.0)) for _ in range(6)] == [float(b(0.0)) for _ in range(6)]


def test_stochastic_gradient_repr_names_the_function():
    X = np.arange(4.0)

    def grad_of_mse(w, xb):
        return w - xb.mean()

    g = stochastic_gradient(grad_of_mse, X, batch_size=2)
    assert repr(g) == "StochasticGradient(grad_of_mse, batch_size=2, n_calls=0)"
    g(0.0)
    assert repr(g) == "StochasticGradient(grad_of_mse, batch_size=2, n_calls=1)"
    nameless = stochastic_gradient(functools.partial(grad_of_mse), X, batch_size=2)
    assert repr(nameless) == "StochasticGradient(grad_batch, batch_size=2, n_calls=0)"


def test_adam_overflowing_square_is_a_divergence_without_a_numpy_warning():
    # g = 1e200: g^2 = 1e400 overflows float64; adam reports a DivergenceError, not a RuntimeWarning
    from calcnotes.result import DivergenceError

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(DivergenceError):
            adam(lambda x: 1e200 * np.ones_like(x), np.array([1.0]))
