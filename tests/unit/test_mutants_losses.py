"""Behaviour of calcnotes.losses that the mutation run found unpinned.

Pinned here: which argument an error names (a match on that one parameter name, never on
the wording), the accepted dimensions and eps range, the clipping of probabilities, that
an overflow ends in the documented ValueError and not in a numpy RuntimeWarning first,
and the value of the cross-entropy with logits. Expected values are computed by hand
(log-softmax of small logits) or with plain numpy as an independent check.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calcnotes import losses
from calcnotes.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_gradient,
    categorical_cross_entropy,
    categorical_cross_entropy_gradient,
    cross_entropy_with_logits,
    cross_entropy_with_logits_gradient,
    mse,
    mse_gradient,
)


def _strict(call):
    """Run `call` with every warning an error: the losses check overflow themselves, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


def test_cross_entropy_with_logits_value():
    # row 1: logits 0, 0, 0, label 0: -log(1/3) = log 3.
    # row 2: logits log 1, log 2, log 5 (softmax 1/8, 2/8, 5/8), label 2: -log(5/8) = log(8/5).
    # mean over the two rows (not the three columns)
    Z = np.array([[0.0, 0.0, 0.0], [0.0, np.log(2.0), np.log(5.0)]])
    expected = (np.log(3.0) + np.log(8.0 / 5.0)) / 2
    assert cross_entropy_with_logits([0, 2], Z) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy_with_logits([[1, 0, 0], [0, 0, 1]], Z) == pytest.approx(expected, rel=1e-14)
    # soft targets: row 2 half on class 1 and half on class 2: -(log(2/8) + log(5/8))/2
    soft = (np.log(3.0) - 0.5 * (np.log(2 / 8) + np.log(5 / 8))) / 2
    assert cross_entropy_with_logits([[1, 0, 0], [0, 0.5, 0.5]], Z) == pytest.approx(soft, rel=1e-14)


def test_cross_entropy_with_logits_ignores_underflowed_classes_quietly():
    # logits 1e308 and -1e308: softmax (1, 0), the second log-probability is -inf; label 0 gives
    # -log 1 = 0, and the 0 * -inf of the other class counts 0, without an invalid-value warning
    assert _strict(lambda: cross_entropy_with_logits([0], [[1e308, -1e308]])) == 0.0


def test_overflow_is_a_value_error_naming_the_loss():
    # each of these overflows float64 (a difference or a sum beyond 1.8e308); the loss raises its own
    # ValueError naming itself, and numpy's overflow warning is silenced
    with pytest.raises(ValueError, match=r"^mse\b"):
        _strict(lambda: mse([-1e308], [1e308]))
    with pytest.raises(ValueError, match=r"^mse_gradient\b"):
        _strict(lambda: mse_gradient([-1e308], [1e308]))
    # -y z = 1e308 per sample, two samples: the mean's sum overflows
    with pytest.raises(ValueError, match=r"^binary_cross_entropy_with_logits\b"):
        _strict(lambda: binary_cross_entropy_with_logits([1, 1], [-1e308, -1e308]))
    # log-probability -1e308 of the labelled class in each of two rows: the sum overflows
    with pytest.raises(ValueError, match=r"^cross_entropy_with_logits\b"):
        _strict(lambda: cross_entropy_with_logits([0, 0], [[0.0, 1e308], [0.0, 1e308]]))


def test_binary_kernel_is_quiet_on_infinite_logits():
    # the models call the kernel unchecked and test its result themselves: an infinite logit
    # (a diverged fit) gives NaN (inf - inf), without a RuntimeWarning
    value = _strict(lambda: losses._binary_cross_entropy_with_logits(np.array([1.0]), np.array([np.inf])))
    assert np.isnan(value)


@pytest.mark.parametrize("loss", ["mse", "mse_gradient"])
def test_pair_errors_name_the_bad_argument(loss):
    fn = {"mse": mse, "mse_gradient": mse_gradient}[loss]
    with pytest.raises(ValueError, match=r"^y\b"):
        fn([np.nan], [1.0])
    with pytest.raises(ValueError, match=r"^y_pred\b"):
        fn([1.0], [np.nan])
    # 3-D is refused for each argument, and the error names the first one that is 3-D
    with pytest.raises(ValueError, match=r"^y\b"):
        fn(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"^y_pred\b"):
        fn(np.zeros((2, 2)), np.zeros((2, 2, 1)))


@pytest.mark.parametrize("loss", ["value", "gradient"])
def test_binary_with_logits_errors_name_the_bad_argument(loss):
    fn = binary_cross_entropy_with_logits if loss == "value" else binary_cross_entropy_with_logits_gradient
    with pytest.raises(ValueError, match=r"^y\b"):
        fn([np.nan], [0.0])
    with pytest.raises(ValueError, match=r"^z\b"):
        fn([1.0], [np.nan])
    with pytest.raises(ValueError, match=r"^y\b"):  # labels must lie in [0, 1]
        fn([2.0], [0.0])


@pytest.mark.parametrize("loss", ["value", "gradient"])
def test_binary_cross_entropy_errors_name_the_bad_argument(loss):
    fn = binary_cross_entropy if loss == "value" else binary_cross_entropy_gradient
    with pytest.raises(ValueError, match=r"^y\b"):
        fn([np.nan], [0.5])
    with pytest.raises(ValueError, match=r"^p\b"):
        fn([1.0], [np.nan])
    with pytest.raises(ValueError, match=r"^y\b"):  # labels must lie in [0, 1]
        fn([2.0], [0.5])


def test_eps_must_be_below_one_half():
    # clipping to [eps, 1 - eps] needs eps < 1/2 (the interval is empty beyond); 0.5 itself is refused
    with pytest.raises(ValueError):
        binary_cross_entropy([1.0], [0.5], eps=0.5)
    assert binary_cross_entropy([1.0], [0.5], eps=0.49) == pytest.approx(np.log(2.0), rel=1e-15)


@pytest.mark.parametrize("loss", ["value", "gradient"])
def test_categorical_errors_name_the_bad_argument(loss):
    fn = categorical_cross_entropy if loss == "value" else categorical_cross_entropy_gradient
    with pytest.raises(ValueError, match=r"^P\b"):
        fn([0], [[np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"^P\b"):  # probabilities must lie in [0, 1]
        fn([0], [[1.5, -0.5]])
    with pytest.raises(ValueError, match=r"^Y\b"):  # so must one-hot (or soft) targets
        fn([[1.5, -0.5]], [[0.5, 0.5]])


def test_cross_entropy_with_logits_gradient_names_z():
    with pytest.raises(ValueError, match=r"^Z\b"):
        cross_entropy_with_logits_gradient([0], [[np.nan, 0.0]])
    with pytest.raises(ValueError, match=r"^Z\b"):
        cross_entropy_with_logits([0], [[np.nan, 0.0]])


def test_targets_must_be_one_or_two_dimensional():
    # Y of shape (2, 2, 1) has the right number of columns but is 3-D: refused, not broadcast
    with pytest.raises(ValueError):
        categorical_cross_entropy(np.ones((2, 2, 1)) / 2, [[0.5, 0.5], [0.5, 0.5]])


def test_categorical_gradient_clips_probabilities_at_eps():
    # P = 0 for the labelled class: clipped to eps = 1e-15, so -1/(1e-15 * 1) = -1e15, finite;
    # the other class has Y = 0: -0
    G = _strict(lambda: categorical_cross_entropy_gradient([0], [[0.0, 1.0]]))
    np.testing.assert_allclose(G, [[-1e15, 0.0]], rtol=1e-15, atol=0)
    # eps is checked here too
    with pytest.raises(ValueError):
        categorical_cross_entropy_gradient([0], [[0.5, 0.5]], eps=0.5)
