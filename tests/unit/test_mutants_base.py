"""Behaviour of calcnotes._base (the estimator contract every model shares) that the mutation run found unpinned.

Expected values come from scikit-learn's estimator contract (get_params / set_params / clone, the
NotFittedError it catches, the tags it reads), from the models' docstrings, and from R^2 and accuracy
computed by hand next to each assertion (the definitions of sklearn.metrics.r2_score and accuracy_score).
Score tests use tiny stand-in models whose ``predict`` is a fixed function of X, so the score alone is
under test. scikit-learn itself is not imported (it takes seconds): its modules are stood in for in
sys.modules, which is where the package looks for them.
"""

from __future__ import annotations

import sys
import types
import warnings

import numpy as np
import pytest

from calcnotes._base import Classifier, NotFittedError, Regressor, _Objective
from calcnotes.linear_regression import LinearRegression, mse_loss
from calcnotes.logistic_regression import LogisticRegression
from calcnotes.mlp import MLP
from calcnotes.perceptron import Perceptron, multiclass_perceptron_criterion
from calcnotes.softmax_regression import SoftmaxRegression


class _FirstColumn(Regressor):
    """Predicts the first column of X (a regressor with a known prediction)."""

    def __init__(self, *, shift: float = 0.0) -> None:
        self.shift = shift

    def predict(self, X):
        return np.asarray(X, dtype=float)[:, 0] + self.shift


class _SignLabels(Classifier):
    """Predicts "pos" where the first column of X is positive, else "neg"."""

    def predict(self, X):
        return np.where(np.asarray(X, dtype=float)[:, 0] > 0, "pos", "neg")


def _line():
    """LinearRegression fitted on y = 2x + 1 (normal equations: exact)."""
    return LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])


# --- get_params / set_params / clone -------------------------------------------------------------


def test_get_params_are_the_init_keywords():
    # LinearRegression's documented parameters and defaults (its docstring)
    model = LinearRegression(solver="gd", tol=1e-3)
    assert model.get_params() == {"solver": "gd", "learning_rate": 0.01, "max_iter": 1000, "tol": 1e-3}
    assert model.get_params(deep=False) == model.get_params()


def test_set_params_sets_by_name_returns_self_and_refuses_unknown_names():
    model = LinearRegression()
    assert model.set_params(solver="gd", max_iter=7) is model
    assert model.solver == "gd" and model.max_iter == 7
    assert model.get_params()["max_iter"] == 7
    with pytest.raises(ValueError):
        model.set_params(alpha=1.0)
    assert model.get_params() == {"solver": "gd", "learning_rate": 0.01, "max_iter": 7, "tol": 1e-8}


def test_clone_through_get_params_copies_the_settings_not_the_fit():
    # sklearn.base.clone(model) is type(model)(**model.get_params(deep=False))
    model = _line().set_params(learning_rate=0.5)
    copy = type(model)(**model.get_params(deep=False))
    assert copy is not model and copy.get_params() == model.get_params()
    assert not hasattr(copy, "coef_")


# --- NotFittedError ------------------------------------------------------------------------------
# scikit-learn is stood in for by a module in sys.modules (importing it takes seconds): the package
# looks sklearn.exceptions.NotFittedError up there and never imports scikit-learn itself.


def _fake_sklearn_exceptions(monkeypatch):
    class SklearnNotFittedError(ValueError, AttributeError):
        pass

    module = types.ModuleType("sklearn.exceptions")
    module.NotFittedError = SklearnNotFittedError
    monkeypatch.setitem(sys.modules, "sklearn.exceptions", module)
    return SklearnNotFittedError


def test_unfitted_predict_raises_sklearns_not_fitted_error_when_sklearn_is_loaded(monkeypatch):
    theirs = _fake_sklearn_exceptions(monkeypatch)
    errors = []
    for _ in range(2):
        with pytest.raises(theirs) as info:
            LinearRegression().predict([[1.0]])
        errors.append(info.value)
    first, second = errors
    # the package's own class too, and (as sklearn's) both a ValueError and an AttributeError
    assert isinstance(first, NotFittedError) and isinstance(first, ValueError) and isinstance(first, AttributeError)
    # one combined class, made once, that looks like the package's in tracebacks and help()
    assert type(first) is type(second)
    assert type(first).__name__ == "NotFittedError"
    assert type(first).__module__ == "calcnotes._base"
    assert type(first).__doc__ == NotFittedError.__doc__


def test_unfitted_predict_without_sklearn_loaded_raises_the_package_class(monkeypatch):
    theirs = _fake_sklearn_exceptions(monkeypatch)
    with pytest.raises(NotFittedError) as with_sklearn:
        LinearRegression().predict([[1.0]])
    monkeypatch.delitem(sys.modules, "sklearn.exceptions")
    with pytest.raises(NotFittedError) as without:
        LinearRegression().predict([[1.0]])
    assert type(without.value) is NotFittedError
    assert not isinstance(without.value, theirs)
    # the same explanation either way
    assert str(without.value) and str(without.value) == str(with_sklearn.value)


# --- __repr__ ------------------------------------------------------------------------------------


def test_repr_lists_every_changed_setting_comma_separated():
    assert repr(LinearRegression()) == "LinearRegression()"
    assert repr(LinearRegression(solver="gd", tol=0.001)) == "LinearRegression(solver='gd', tol=0.001)"


def test_repr_shows_a_tuple_setting_whose_comparison_raises():
    # (array([4, 4]),) == (64,) compares array([4, 4]) == 64 elementwise: bool() of it raises,
    # so the value counts as changed and is shown
    model = MLP(hidden_sizes=(np.array([4, 4]),))
    assert repr(model).startswith("MLP(hidden_sizes=(array([4, 4]),)")


def test_repr_shows_a_missing_setting_as_its_default():
    model = LinearRegression(tol=0.5)
    del model.tol  # read as its default 1e-8, i.e. unchanged
    assert repr(model) == "LinearRegression()"


# --- _reset (refit forgets what the last fit learned) --------------------------------------------


def test_refit_with_the_normal_equations_removes_loss_history():
    # documented: loss_history_ is "gd" only; "a refit with "normal" removes it"
    X, y = [[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]
    model = LinearRegression(solver="gd", learning_rate=0.1, max_iter=3000).fit(X, y)
    assert hasattr(model, "loss_history_")
    model.set_params(solver="normal").fit(X, y)
    assert not hasattr(model, "loss_history_")
    assert model.n_iter_ == 0


def test_refit_keeps_private_attributes_even_with_a_trailing_underscore():
    # only public names ending in "_" (and the listed private ones) are fitted state
    model = _line()
    model._note_ = "mine"
    model.fit([[0.0], [1.0]], [0.0, 1.0])
    assert model._note_ == "mine"


def test_mlp_refit_forgets_the_private_fitted_y_ndim():
    model = MLP(hidden_sizes=(), output="identity", epochs=2)
    model.fit([[0.0], [1.0]], [0.0, 1.0])
    assert model._y_ndim == 1
    with pytest.raises(ValueError):
        model.fit([[0.0], [1.0]], [0.0, np.nan])  # fails in validation: nothing learned is left
    assert not hasattr(model, "_y_ndim") and not hasattr(model, "params_")


# --- predict paths: _check_X and _finite ---------------------------------------------------------


def test_predict_refuses_x_that_is_not_2d():
    model = _line()
    with pytest.raises(ValueError):
        model.predict([1.0, 2.0])
    with pytest.raises(ValueError):
        model.predict([[[1.0]]])
    with pytest.raises(ValueError):
        model.predict([[1.0, 2.0]])  # two features, fit saw one


def test_predict_raises_when_the_prediction_overflows():
    model = _line()  # 2x + 1: x = 1e308 gives 2e308 > float64's 1.8e308
    with pytest.raises(ValueError):
        model.predict([[1e308]])
    assert model.predict([[1e307]])[0] == pytest.approx(2e307)


# --- __sklearn_tags__ ----------------------------------------------------------------------------
# sklearn.utils is stood in for by a module whose tag classes record their keyword arguments (scikit-
# learn's own check_estimator runs in test_estimator_contract.py).


def _fake_sklearn_utils(monkeypatch):
    module = types.ModuleType("sklearn.utils")
    for name in ("ClassifierTags", "RegressorTags", "Tags", "TargetTags"):
        setattr(module, name, lambda _name=name, **kwargs: (_name, kwargs))
    monkeypatch.setitem(sys.modules, "sklearn.utils", module)


def test_sklearn_tags_of_a_regressor(monkeypatch):
    _fake_sklearn_utils(monkeypatch)
    assert LinearRegression().__sklearn_tags__() == ("Tags", {
        "estimator_type": "regressor",
        "target_tags": ("TargetTags", {"required": True}),
        "classifier_tags": None,
        "regressor_tags": ("RegressorTags", {}),
    })


def test_sklearn_tags_of_classifiers_say_whether_they_are_multi_class(monkeypatch):
    _fake_sklearn_utils(monkeypatch)
    # LogisticRegression is documented binary-only, SoftmaxRegression multi-class
    for model, multi_class in [(LogisticRegression(), False), (SoftmaxRegression(), True)]:
        assert model.__sklearn_tags__() == ("Tags", {
            "estimator_type": "classifier",
            "target_tags": ("TargetTags", {"required": True}),
            "classifier_tags": ("ClassifierTags", {"multi_class": multi_class}),
            "regressor_tags": None,
        })


# --- Regressor.score: R^2 ------------------------------------------------------------------------


def test_regressor_score_is_r2():
    X = np.array([[1.0], [2.0], [4.0], [5.0]])
    y = np.array([1.5, 2.0, 3.0, 5.5])
    # by hand: residuals y - x = 0.5, 0, -1, 0.5 -> SS_res = 1.5; mean 3, SS_tot = 2.25 + 1 + 0 + 6.25 = 9.5
    assert _FirstColumn().score(X, y) == pytest.approx(1 - 1.5 / 9.5, rel=1e-14)
    # a worse model: prediction x + 2 -> residuals -1.5, -2, -3, -1.5 -> SS_res = 2.25 + 4 + 9 + 2.25 = 17.5
    assert _FirstColumn(shift=2.0).score(X, y) == pytest.approx(1 - 17.5 / 9.5, rel=1e-14)


def test_regressor_score_with_a_small_spread():
    # y = 0, 0.5: mean 0.25, SS_tot = 0.125 < 1; prediction x = 0, 0.25 -> SS_res = 0.0625, R^2 = 0.5
    assert _FirstColumn().score([[0.0], [0.25]], [0.0, 0.5]) == pytest.approx(0.5, rel=1e-14)


def test_regressor_score_of_constant_y_is_zero():
    # SS_tot = 0: R^2 is undefined; like sklearn's r2_score (force_finite=True), an imperfect prediction scores 0
    assert _FirstColumn().score([[1.0], [2.0]], [3.0, 3.0]) == 0.0


def test_regressor_score_of_constant_y_predicted_exactly_is_one():
    # sklearn's r2_score (force_finite=True): a constant y predicted without error scores 1
    assert _FirstColumn().score([[3.0], [3.0]], [3.0, 3.0]) == 1.0


def test_regressor_score_of_constant_y_divides_by_nothing():
    # SS_tot = 0 is handled, not computed as 0/0 or x/0 and then masked: no numpy warning escapes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _FirstColumn().score([[1.0], [2.0]], [3.0, 3.0]) == 0.0
        assert _FirstColumn().score([[3.0], [3.0]], [3.0, 3.0]) == 1.0


def test_regressor_score_of_a_column_target():
    # y of shape (n, 1) against predictions of shape (n,): compared row by row, not broadcast
    X = np.array([[1.0], [2.0], [4.0], [5.0]])
    y = np.array([[1.5], [2.0], [3.0], [5.5]])
    assert _FirstColumn().score(X, y) == pytest.approx(1 - 1.5 / 9.5, rel=1e-14)


def test_regressor_score_of_two_outputs_averages_the_columns_r2():
    # MLP(output="identity") predicts y of shape (n, 2). With weights 0 the prediction is the bias, here
    # set to (0, 10) by hand. Like sklearn's r2_score (multioutput="uniform_average", what its regressors'
    # score uses), the score is the mean of the two columns' R^2:
    # column 1: SS_res = 1 + 4 + 9 = 14, SS_tot = 1 + 0 + 1 = 2 -> 1 - 7 = -6
    # column 2: SS_res = 0 + 4 + 16 = 20, SS_tot = 4 + 0 + 4 = 8 -> 1 - 2.5 = -1.5
    X = np.array([[0.0], [1.0], [2.0]])
    Y = np.array([[1.0, 10.0], [2.0, 12.0], [3.0, 14.0]])
    model = MLP(hidden_sizes=(), output="identity", epochs=1, learning_rate=1e-12).fit(X, Y)
    model.params_["W1"][:] = 0.0
    model.params_["b1"][:] = [0.0, 10.0]
    assert model.score(X, Y) == pytest.approx((-6 - 1.5) / 2, rel=1e-12)
    # a constant column predicted exactly scores 1 in the average, one predicted wrongly 0
    Y_const = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0]])
    assert model.score(X, Y_const) == pytest.approx((-6 + 1) / 2, rel=1e-12)
    model.params_["b1"][:] = [0.0, 11.0]
    assert model.score(X, Y_const) == pytest.approx((-6 + 0) / 2, rel=1e-12)


def test_regressor_score_refuses_a_3d_target():
    with pytest.raises(ValueError):
        _FirstColumn().score([[1.0], [2.0]], np.array([1.0, 2.0]).reshape(2, 1, 1))


# --- Classifier.score: accuracy ------------------------------------------------------------------


def test_classifier_score_is_accuracy():
    X = [[1.0], [-1.0], [2.0], [-3.0]]
    y = ["pos", "pos", "pos", "neg"]
    # predictions pos, neg, pos, neg: 3 of 4 right
    assert _SignLabels().score(X, y) == 0.75


# --- _classes_and_codes: the classifiers' fit checks ---------------------------------------------


def test_binary_classifiers_refuse_three_classes():
    # documented: LogisticRegression and Perceptron are binary (SoftmaxRegression / MulticlassPerceptron
    # take more classes); the refusal comes from the label check, before any training step
    X = [[0.0], [1.0], [2.0]]
    with pytest.raises(ValueError):
        LogisticRegression(l2=1.0).fit(X, [0, 1, 2])
    with pytest.raises(ValueError):
        Perceptron(max_iter=1).fit(X, [0, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 steps do not converge; only the classes matter here
        assert SoftmaxRegression(max_iter=5).fit(X, [0, 1, 2]).classes_.tolist() == [0, 1, 2]


def test_classifier_fit_refuses_x_that_is_not_2d():
    y = [0, 0, 1, 1]
    with pytest.raises(ValueError):
        LogisticRegression().fit([0.0, 1.0, 2.0, 3.0], y)
    with pytest.raises(ValueError):
        SoftmaxRegression().fit([0.0, 1.0, 2.0, 3.0], y)
    with pytest.raises(ValueError):
        SoftmaxRegression().fit(np.zeros((4, 1, 1)), y)


def test_failed_classifier_fit_sets_no_classes():
    model = LogisticRegression()
    with pytest.raises(ValueError):
        model.fit([[0.0], [1.0], [2.0]], [0, 1])  # 3 rows, 2 labels
    assert not hasattr(model, "classes_")


# --- check_X_y, check_w_b, check_W_b (through the public losses and fits) -------------------------


def test_regression_targets_must_be_1d():
    X = [[0.0], [1.0]]
    with pytest.raises(ValueError):
        LinearRegression().fit(X, np.array([[1.0, 2.0], [3.0, 4.0]]))
    with pytest.raises(ValueError):
        LinearRegression().fit(X, 5.0)
    with pytest.raises(ValueError):
        mse_loss(X, [[1.0], [2.0]], [1.0], 0.0)


def test_sparse_column_target_is_refused_as_a_column():
    # a scipy sparse (n, 1) y is a column like a dense one: ValueError ("pass y.ravel()"), not the
    # TypeError of sparse input in general
    from scipy import sparse

    y = sparse.csr_matrix(np.array([[1.0], [2.0]]))
    with pytest.raises(ValueError):
        LinearRegression().fit([[0.0], [1.0]], y)


def test_weights_must_be_1d():
    # mse_loss([[1]], [1], w, 0) with w of shape () or (1, 1): w must be (n_features,)
    with pytest.raises(ValueError):
        mse_loss([[1.0]], [1.0], 2.0, 0.0)
    with pytest.raises(ValueError):
        mse_loss([[1.0]], [1.0], [[2.0]], 0.0)
    assert mse_loss([[1.0]], [1.0], [2.0], 0.0) == 1.0  # (2 - 1)^2


def test_multiclass_weights_must_be_2d():
    # W of shape (n_features, k) = (1, 2); a 1-D W is refused, even one with n_features entries
    X, y = [[1.0]], [1]
    with pytest.raises(ValueError):
        multiclass_perceptron_criterion(X, y, [2.0, 0.0], [0.0, 0.0])
    with pytest.raises(ValueError):
        multiclass_perceptron_criterion(X, [0], [2.0], [0.0])
    with pytest.raises(ValueError):
        multiclass_perceptron_criterion(X, y, np.zeros((1, 2, 1)), [0.0, 0.0])
    with pytest.raises(ValueError):
        multiclass_perceptron_criterion(X, y, [[2.0, 0.0]], [[0.0, 0.0]])


# --- _Objective: one computation per point -------------------------------------------------------


def test_objective_computes_once_per_point():
    calls = []

    def value_and_gradient(theta):
        calls.append(theta.copy())
        return float(theta @ theta), 2 * theta  # f = |theta|^2, grad = 2 theta

    objective = _Objective(value_and_gradient)
    a = np.array([1.0, 2.0])
    assert objective.value(a) == 5.0
    assert objective.gradient(a).tolist() == [2.0, 4.0]
    assert objective.value(a.copy()) == 5.0
    assert len(calls) == 1
    b = np.array([1.0, 3.0])
    assert objective.value(b) == 10.0 and len(calls) == 2
    # the point is copied: changing the caller's array in place is a new point
    b[1] = 0.0
    assert objective.value(b) == 1.0 and len(calls) == 3
    # a point of another shape is another point
    assert objective.value(np.array([1.0])) == 1.0 and len(calls) == 4
    assert objective.value(np.array([1.0, 0.0])) == 1.0 and len(calls) == 5
