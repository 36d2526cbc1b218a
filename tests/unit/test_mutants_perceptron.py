"""Behaviour of calcnotes.perceptron that the mutation run found unpinned.

Expected values are traced by hand through the documented online rules (binary: h = [x^T w + b >= 0],
w += eta (y - h) x, b += eta (y - h); multiclass: on a mistake W[:, y] += eta x, W[:, y_hat] -= eta x,
b[y] += eta, b[y_hat] -= eta; ties in the arg max go to the lowest index), or follow from the documented
contracts: the seeded visiting order (np.random.default_rng(random_state)), max_iter epochs at most,
a ValueError (never a numpy RuntimeWarning) when the scores overflow, a DivergenceError when the
weights do, and scikit-learn's decision_function convention for two classes.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from calcnotes._base import ConvergenceWarning
from calcnotes.perceptron import (
    MulticlassPerceptron,
    Perceptron,
    multiclass_perceptron_criterion,
    multiclass_perceptron_criterion_gradient,
    perceptron_criterion,
    perceptron_criterion_gradient,
)
from calcnotes.result import DivergenceError


def _quiet(run):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run()


def _raises_without_warnings(error, run):
    # overflow must be reported by the package's own error, not by numpy's RuntimeWarning
    # (run with warnings as errors, as a strict caller would)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error):
            run()


# -- the criteria --------------------------------------------------------------------------------


def test_gradient_counts_a_zero_score_as_predicting_one():
    # z = 0 gives h = 1 (h = [z >= 0]); with label 0 that is a mistake: dw = x (h - y) = [2], db = 1
    dw, db = perceptron_criterion_gradient([[2.0]], [0], [0.0], 0.0)
    assert dw == pytest.approx([2.0]) and db == 1.0
    # and with label 1 it is right: no gradient
    dw, db = perceptron_criterion_gradient([[2.0]], [1], [0.0], 0.0)
    assert dw == pytest.approx([0.0]) and db == 0.0


def test_binary_scores_overflow_raise_value_error_only():
    # x^T w = 1e308 * 10 + 1e308 * (-10): overflow, then inf - inf
    X, y, w = [[1e308, 1e308]], [0], [10.0, -10.0]
    _raises_without_warnings(ValueError, lambda: perceptron_criterion(X, y, w, 0.0))
    _raises_without_warnings(ValueError, lambda: perceptron_criterion_gradient(X, y, w, 0.0))


def test_binary_criterion_sum_overflow_raises_value_error_only():
    # two mistakes (label 0, z = 1.5e308 >= 0) each contribute 1.5e308: the sum 3e308 overflows
    _raises_without_warnings(
        ValueError, lambda: perceptron_criterion([[1.5e308], [1.5e308]], [0, 0], [1.0], 0.0))


def test_binary_gradient_sum_overflow_raises_value_error_only():
    # w = 0: every z = 0, h = 1, label 0, so dw = sum of x: 8 * 1.5e308 - 8 * 1.5e308 in float64
    # overflows (to inf, or to inf - inf = nan when summed in several lanes)
    X = [[1.5e308]] * 8 + [[-1.5e308]] * 8
    _raises_without_warnings(ValueError, lambda: perceptron_criterion_gradient(X, [0] * 16, [0.0], 0.0))


def test_multiclass_scores_overflow_raise_value_error_only():
    X, y = [[1e308, 1e308]], [0]
    W, b = [[10.0, 0.0], [-10.0, 0.0]], [0.0, 0.0]
    _raises_without_warnings(ValueError, lambda: multiclass_perceptron_criterion(X, y, W, b))
    _raises_without_warnings(ValueError, lambda: multiclass_perceptron_criterion_gradient(X, y, W, b))


def test_multiclass_criterion_overflow_raises_value_error_only():
    # Z = [1e308, -1e308] with label 1: max - Z_y = 2e308 overflows
    _raises_without_warnings(
        ValueError,
        lambda: multiclass_perceptron_criterion([[1.0]], [1], [[1e308, -1e308]], [0.0, 0.0]))


def test_multiclass_gradient_sum_overflow_raises_value_error_only():
    # W = 0, b = 0: every prediction is class 0 (ties go to the lowest index), every label is 1,
    # so dW[:, 0] = sum of x, which overflows as in the binary case
    X = [[1.5e308]] * 8 + [[-1.5e308]] * 8
    W, b = [[0.0, 0.0]], [0.0, 0.0]
    _raises_without_warnings(
        ValueError, lambda: multiclass_perceptron_criterion_gradient(X, [1] * 16, W, b))


# -- Perceptron ----------------------------------------------------------------------------------


def test_perceptron_hand_traced_without_shuffling():
    # samples visited in order, eta = 1, from w = 0, b = 0:
    # epoch 1: x=(1,0), y=1: z=0, h=1, right. x=(0,1), y=0: z=0, h=1, wrong: w=(0,-1), b=-1
    # epoch 2: x=(1,0): z=-1, h=0, wrong: w=(1,-1), b=0. x=(0,1): z=-1, h=0, right
    # epoch 3: z=1 and z=-1: both right, stop
    model = Perceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0]], [1, 0])
    assert model.n_iter_ == 3
    assert model.mistakes_history_.tolist() == [1, 1, 0]
    assert model.coef_.tolist() == [1.0, -1.0] and model.intercept_ == 0.0


def test_perceptron_learning_rate_scales_the_weights():
    # from zero weights eta only rescales w and b: the same trace as above, times eta
    model = Perceptron(shuffle=False, learning_rate=10.0).fit([[1.0, 0.0], [0.0, 1.0]], [1, 0])
    assert model.coef_.tolist() == [10.0, -10.0] and model.intercept_ == 0.0
    assert model.decision_function([[2.0, 0.5]]) == pytest.approx([15.0])


def test_perceptron_intercept_enters_the_scores_with_a_plus_sign():
    # y = (0, 0, 1), in order: x=(1,0): z=0, h=1, wrong: w=(-1,0), b=-1; x=(0,1): z=-1, right;
    # x=(-1,-1): z=1-1=0, h=1, right. Epoch 2: z=-2, -1, 0, all right: stop with w = (-1, 0), b = -1
    model = Perceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], [0, 0, 1])
    assert model.coef_.tolist() == [-1.0, 0.0] and model.intercept_ == -1.0
    assert model.mistakes_history_.tolist() == [1, 0]
    # scores x^T w + b: (0, 0) -> -1, (2, 3) -> -3
    assert model.decision_function([[0.0, 0.0], [2.0, 3.0]]) == pytest.approx([-1.0, -3.0])


def test_perceptron_hand_traced_with_intercept_updates():
    # X = (1,0), (0,1), (0,0), y = (0, 0, 1), in order:
    # epoch 1: (1,0): z=0, h=1, wrong: w=(-1,0), b=-1. (0,1): z=-1, right. (0,0): z=-1, h=0, wrong: b=0
    # epoch 2: (1,0): z=-1, right. (0,1): z=0, wrong: w=(-1,-1), b=-1. (0,0): z=-1, wrong: b=0
    # epoch 3: z = -1, -1, 0: all right, stop
    model = Perceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], [0, 0, 1])
    assert model.mistakes_history_.tolist() == [2, 2, 0]
    assert model.coef_.tolist() == [-1.0, -1.0] and model.intercept_ == 0.0


def test_perceptron_predicts_the_second_class_on_the_boundary():
    # w = (1, -1), b = 0 (traced above): x = (1, 1) has score exactly 0, so classes_[1]
    model = Perceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0]], ["yes", "no"])
    assert model.classes_.tolist() == ["no", "yes"]
    assert model.decision_function([[1.0, 1.0]]) == pytest.approx([0.0])
    assert model.predict([[1.0, 1.0], [0.0, 1.0]]).tolist() == ["yes", "no"]


def _order_data():
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0], [-2.0, -1.5], [0.5, 1.0], [-0.5, -2.0]])
    y = np.array([1, 0, 1, 0, 0, 1])
    return X, y


def test_shuffle_visits_in_the_seeded_random_order():
    # the documented visiting order: np.random.default_rng(random_state), a permutation per epoch;
    # one epoch with shuffling is one epoch without it on the rows taken in that order
    X, y = _order_data()
    perm = np.random.default_rng(0).permutation(6)
    shuffled = _quiet(lambda: Perceptron(max_iter=1).fit(X, y))  # random_state=0 by default
    ordered = _quiet(lambda: Perceptron(max_iter=1, shuffle=False).fit(X[perm], y[perm]))
    assert shuffled.coef_.tolist() == ordered.coef_.tolist()
    assert shuffled.intercept_ == ordered.intercept_
    assert shuffled.mistakes_history_.tolist() == ordered.mistakes_history_.tolist()
    # the order matters on these data (else the check above would say nothing)
    unshuffled = _quiet(lambda: Perceptron(max_iter=1, shuffle=False).fit(X, y))
    assert unshuffled.coef_.tolist() != shuffled.coef_.tolist()
    other = np.random.default_rng(1).permutation(6)
    seed1 = _quiet(lambda: Perceptron(max_iter=1, shuffle=False).fit(X[other], y[other]))
    assert seed1.coef_.tolist() != shuffled.coef_.tolist()


def test_max_iter_is_the_number_of_epochs():
    # the same point with both labels is never separable: every epoch makes a mistake
    X, y = [[1.0], [1.0]], [0, 1]
    with pytest.warns(ConvergenceWarning):
        model = Perceptron(max_iter=3).fit(X, y)
    assert model.n_iter_ == 3 and model.mistakes_history_.shape == (3,)
    assert np.all(model.mistakes_history_ > 0)


def test_huge_learning_rate_is_a_divergence_not_a_numpy_warning():
    # eta = 1e308: the first mistake moves w[0] to 2 * 1e308 = inf (overflow), and the next score
    # 0 * inf + ... is NaN (invalid): the fit reports a DivergenceError
    X, y = [[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0, 1, 1]
    _raises_without_warnings(DivergenceError, lambda: Perceptron(learning_rate=1e308, shuffle=False).fit(X, y))
    _raises_without_warnings(
        DivergenceError, lambda: MulticlassPerceptron(learning_rate=1e308, shuffle=False).fit(X, y))


def test_prediction_overflow_raises_value_error_only():
    model = Perceptron(shuffle=False, learning_rate=10.0).fit([[1.0, 0.0], [0.0, 1.0]], [1, 0])
    # 1e308 * 10 - 1e308 * 10 in float64: overflow, then inf - inf
    _raises_without_warnings(ValueError, lambda: model.decision_function([[1e308, 1e308]]))
    multi = MulticlassPerceptron(shuffle=False, learning_rate=10.0).fit([[1.0, 0.0], [0.0, 1.0]], [0, 1])
    _raises_without_warnings(ValueError, lambda: multi.predict([[1e308, 1e308]]))


# -- MulticlassPerceptron ------------------------------------------------------------------------


def test_multiclass_hand_traced_without_shuffling():
    # eta = 1, W = 0, b = 0, ties to the lowest index:
    # epoch 1: x=(1,0), y=0: z=(0,0), guess 0, right. x=(0,1), y=1: z=(0,0), guess 0, wrong:
    #   W[:,1] += (0,1), W[:,0] -= (0,1), b = (-1, 1)
    # epoch 2: x=(1,0): z=(0,0)+(-1,1), guess 1, wrong: W[:,0] += (1,0), W[:,1] -= (1,0), b = (0, 0)
    #   x=(0,1): z=(-1,1), right
    # epoch 3: z=(1,-1) and (-1,1): both right, stop
    model = MulticlassPerceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0]], [0, 1])
    assert model.n_iter_ == 3
    assert model.mistakes_history_.tolist() == [1, 1, 0]
    assert model.coef_.tolist() == [[1.0, -1.0], [-1.0, 1.0]]
    assert model.intercept_.tolist() == [0.0, 0.0]


def test_multiclass_hand_traced_bias_updates():
    # three classes, one feature, eta = 1, in order:
    # epoch 1: x=1, y=0: z=0 (all), guess 0, right. x=-1, y=1: guess 0, wrong:
    #   W = (1, -1, 0), b = (-1, 1, 0). x=0, y=2: z = b = (-1, 1, 0), guess 1, wrong: b = (-1, 0, 1)
    # epoch 2: x=1: z=(0,-1,1), guess 2, wrong: W = (2,-1,-1), b = (0,0,0).
    #   x=-1: z=(-2,1,1), guess 1, right. x=0: z=(0,0,0), guess 0, wrong: b = (-1, 0, 1)
    # epoch 3: x=1: z=(1,-1,0), right. x=-1: z=(-3,1,2), guess 2, wrong: W = (2,-2,0), b = (-1,1,0)
    #   x=0: z=(-1,1,0), guess 1, wrong: b = (-1, 0, 1)
    # epoch 4: x=1: z=(1,-2,1), guess 0 (tie to the lowest), right. x=-1: z=(-3,2,1), right.
    #   x=0: z=(-1,0,1), right: stop
    model = MulticlassPerceptron(shuffle=False).fit([[1.0], [-1.0], [0.0]], [0, 1, 2])
    assert model.mistakes_history_.tolist() == [2, 2, 2, 0]
    assert model.coef_.tolist() == [[2.0, -2.0, 0.0]]
    assert model.intercept_.tolist() == [-1.0, 0.0, 1.0]
    assert model.predict([[1.0], [-1.0], [0.0]]).tolist() == [0, 1, 2]


def test_multiclass_decision_function_shapes():
    # two classes: scikit-learn's margin z_1 - z_0, shape (n_samples,)
    two = MulticlassPerceptron(shuffle=False).fit([[1.0, 0.0], [0.0, 1.0]], [0, 1])
    # W = [[1, -1], [-1, 1]], b = 0 (traced above): x = (2, 0.5) scores (1.5, -1.5), margin -3
    assert two.decision_function([[2.0, 0.5]]).tolist() == [-3.0]
    # three classes: the scores X W + b themselves, shape (n_samples, 3)
    three = MulticlassPerceptron(shuffle=False).fit([[1.0], [-1.0], [0.0]], [0, 1, 2])
    # W = (2, -2, 0), b = (-1, 0, 1): x = 3 scores (5, -6, 1)
    assert three.decision_function([[3.0]]).tolist() == [[5.0, -6.0, 1.0]]


def test_convergence_warning_is_attributed_to_the_caller_of_fit():
    # A warning names the line of user code that called fit (so that filters by module and the
    # printed source line are the user's). It used to name calcnotes/perceptron.py's _learn.
    # Under mutmut the package's functions are wrapped in trampolines (extra stack frames), so
    # there only the weaker check holds: the warning is raised and fit still completes.
    import calcnotes.perceptron as module

    under_mutmut = Path(module.__file__).parent.parent.name == "mutants"
    for model in (Perceptron(max_iter=2), MulticlassPerceptron(max_iter=2)):
        with pytest.warns(ConvergenceWarning) as record:
            model.fit([[1.0], [1.0]], [0, 1])
        if not under_mutmut:
            assert record[0].filename == __file__


@pytest.mark.parametrize("case", ["binary-line", "binary-plane", "three-classes"])
def test_convergence_warning_counts_the_final_models_mistakes(case):
    # The warning's number is a computed value, not wording: the mistakes the fitted model
    # still makes on the training set, i.e. (predict(X) != y).sum(). None of the three sets is
    # linearly separable, so the epochs end with mistakes; between them they have a score of
    # exactly 0, scores in (0, 1) and a nonzero intercept, which a wrong count would mishandle.
    if case == "binary-line":
        X, y = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0]]), np.array([1, 0, 1, 1, 0, 1, 1])
        model = Perceptron(max_iter=2, shuffle=False)
    elif case == "binary-plane":
        X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), np.array([0, 1, 1, 0, 1])
        model = Perceptron(max_iter=1, shuffle=False)
    else:
        X, y = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]), np.array([0, 1, 2, 0, 1, 2])
        model = MulticlassPerceptron(max_iter=1, shuffle=False)
    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X, y)
    wrong = int((model.predict(X) != y).sum())
    assert wrong > 0
    counts = [int(n) for n in re.findall(r"still made (\d+) mistakes", str(record[0].message))]
    assert counts == [wrong]
