"""Malformed calls of the public API: each must fail clearly, or answer right.

Two kinds of case, one parametrised test each:

* ``Bad``: a malformed call (a callback returning the wrong thing, values that
  pass validation and then overflow, stray labels or symbols, settings of the
  wrong type). It must raise the expected class (ValueError, TypeError or the
  package's DivergenceError) with a message that names the problem and the
  fix (the ``match`` pattern), never return a value, crash with another
  exception, or hang.
* ``Good``: an edge-of-range call that used to give a silently wrong answer
  (a step that grew with |x|, an overflow in a norm, a solver that gave up)
  and must now return the right one, checked against an independent value.

``benchmarks/fuzz_api.py`` runs the same cases with a time and memory limit
and counts clear errors / unclear errors / silent wrong answers / crashes /
hangs (run it against an older checkout for a before/after comparison).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import calcnotes.mlp as mlp
from calcnotes.activations import log_softmax, relu, sigmoid, softmax, softmax_jacobian, tanh_derivative
from calcnotes.critical_points import classify_critical_points, critical_points, second_derivative_test
from calcnotes.differences import central_difference, complex_step, forward_difference, second_difference
from calcnotes.gradcheck import check_gradient, relative_error
from calcnotes.gradient_descent import gradient_descent
from calcnotes.linear_regression import (
    LinearRegression,
    closed_form_simple,
    mse_loss,
    mse_loss_gradient,
    mse_loss_hessian,
    normal_equations,
)
from calcnotes.logistic_regression import LogisticRegression, log_loss, log_loss_gradient, log_loss_hessian
from calcnotes.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    categorical_cross_entropy_gradient,
    cross_entropy_with_logits,
    mse,
    mse_gradient,
    one_hot,
)
from calcnotes.mlp import MLP
from calcnotes.newton import newton_minimize, newton_root
from calcnotes.numeric import numeric_gradient, numeric_hessian, numeric_jacobian
from calcnotes.perceptron import (
    MulticlassPerceptron,
    Perceptron,
    multiclass_perceptron_criterion,
    perceptron_criterion,
)
from calcnotes.probability import (
    bayes,
    conditional,
    probability,
    simulate_urn,
    standard_error,
    total_probability,
    urn_space,
)
from calcnotes.result import DivergenceError
from calcnotes.softmax_regression import SoftmaxRegression, softmax_regression_hessian, softmax_regression_loss
from calcnotes.symbolic import derivative, gradient, hessian, is_equal, jacobian, to_numpy


@dataclass(frozen=True)
class Bad:
    """A malformed call: must raise `error` with a message matching `match`."""

    id: str
    call: Callable[[], object]
    error: type[Exception]
    match: str


@dataclass(frozen=True)
class Good:
    """An edge case that must return a value accepted by `check`."""

    id: str
    call: Callable[[], object]
    check: Callable[[object], bool]


x, y = sp.symbols("x y", real=True)
X4 = [[1.0], [2.0], [3.0], [4.0]]                 # four samples, one feature
y01 = [0, 0, 1, 1]
X2 = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
URN = {"r": 2, "b": 3}
SPACE = urn_space(URN, draws=2)
PARAMS = mlp.init_params((2, 3, 2), random_state=0)
XB = np.array([[0.5, -1.0], [1.0, 2.0]])
_, CACHE = mlp.forward(XB, PARAMS)
_, CACHE_TANH = mlp.forward(XB, PARAMS, activation="tanh")
_, CACHE_OTHER = mlp.forward(XB, mlp.init_params((2, 3, 2), random_state=1))
HUGE = [[1e200], [-1e200], [1.0], [0.0]]


def lbfgs(*args, **kwargs):
    """calcnotes.lbfgs.lbfgs, imported when called (the module is newer than the fuzz set)."""
    from calcnotes.lbfgs import lbfgs as optimiser

    return optimiser(*args, **kwargs)


def _sparse(rows):
    import scipy.sparse

    return scipy.sparse.csr_matrix(np.asarray(rows, dtype=float))


# Patterns: what went wrong and how to fix it (case-insensitive).
RETURN_NONE = r"(?i)returned None.*return"
COMPLEX = r"(?i)complex.*real"
STRING = r"(?i)(str|string).*(number|numeric)|(number|numeric).*(str|string)"
OVERFLOW = r"(?i)overflow.*(rescale|scale|standardi[sz]e|smaller)"
DIVERGED = r"(?i)(diverged|overflow|non-finite|not finite).*(learning_rate|rescale|standardi[sz]e)"
ONE_CLASS = r"(?i)(one class|single class|only class|two classes).*"
LABEL_TYPE = r"Unknown label type.*(continuous|discrete|classes)"
RANDOM_STATE = r"(?i)random_state.*(int|seed|Generator)"

BAD = [
    # --- optimisers: what the callbacks return ------------------------------
    Bad("gd-grad-complex", lambda: gradient_descent(lambda t: 1j * t, 1.0, 0.1), TypeError, COMPLEX),
    Bad("gd-grad-none", lambda: gradient_descent(lambda t: None, 1.0, 0.1), TypeError, RETURN_NONE),
    Bad("gd-grad-str", lambda: gradient_descent(lambda t: "0.5", 1.0, 0.1), TypeError, STRING),
    Bad("gd-grad-dict", lambda: gradient_descent(lambda t: {"g": t}, 1.0, 0.1), TypeError, r"(?i)dict.*number"),
    Bad("gd-grad-str-array", lambda: gradient_descent(lambda t: np.array(["a"]), 1.0, 0.1), TypeError, r"(?i)number"),
    Bad("gd-grad-shape", lambda: gradient_descent(lambda v: np.zeros(3), [1.0, 2.0], 0.1),
        ValueError, r"shape \(3,\).*\(2,\)"),
    Bad("gd-grad-list-complex", lambda: gradient_descent(lambda v: [1j, 0], [1.0, 2.0], 0.1), TypeError, COMPLEX),
    Bad("gd-f-vector", lambda: gradient_descent(lambda v: 2 * v, [1.0, 2.0], 0.1, f=lambda v: v),
        ValueError, r"(?i)f.*scalar"),
    Bad("gd-f-complex", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, f=lambda t: 1j * t), TypeError, COMPLEX),
    Bad("gd-f-none", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, f=lambda t: None), TypeError, RETURN_NONE),
    Bad("gd-rate-1e300", lambda: gradient_descent(lambda t: 2 * t, 1.0, 1e300), DivergenceError, r"learning_rate"),
    Bad("gd-max-iter-1e300", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, max_iter=1e300),
        ValueError, r"max_iter.*<="),
    Bad("gd-max-iter-bool", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, max_iter=True),
        TypeError, r"max_iter.*bool"),
    Bad("gd-x0-str", lambda: gradient_descent(lambda t: 2 * t, "1", 0.1), TypeError, STRING),
    Bad("gd-x0-2d", lambda: gradient_descent(lambda t: 2 * t, [[1.0, 2.0]], 0.1), ValueError, r"x0 must be 0-D or 1-D"),
    Bad("gd-rate-negative", lambda: gradient_descent(lambda t: 2 * t, 1.0, -0.1),
        ValueError, r"learning_rate must be > 0"),
    Bad("gd-grad-not-callable", lambda: gradient_descent(2.0, 1.0, 0.1), TypeError, r"grad must be a function"),
    Bad("newton-df-complex", lambda: newton_root(lambda t: t**2 - 2, lambda t: 2j * t, 1.0), TypeError, COMPLEX),
    Bad("newton-f-none", lambda: newton_root(lambda t: None, lambda t: 2 * t, 1.0), TypeError, RETURN_NONE),
    Bad("newton-hess-str", lambda: newton_minimize(lambda t: 2 * t, lambda t: "2", 1.0), TypeError, STRING),
    Bad("newton-hess-shape", lambda: newton_minimize(lambda v: v, lambda v: np.eye(3), [1.0, 2.0]),
        ValueError, r"shape \(3, 3\).*\(2, 2\)"),
    Bad("newton-hess-none", lambda: newton_minimize(lambda v: v, lambda v: None, [1.0, 2.0]), TypeError, RETURN_NONE),
    Bad("newton-df-zero", lambda: newton_root(lambda t: t**2 + 1, lambda t: 0.0, 1.0),
        ValueError, r"zero.*start elsewhere"),
    Bad("newton-tol-negative", lambda: newton_root(lambda t: t, lambda t: 1.0, 1.0, tol=-1.0),
        ValueError, r"tol must be >= 0"),
    Bad("newton-max-iter-huge", lambda: newton_root(lambda t: t, lambda t: 1.0, 1.0, max_iter=10**12),
        ValueError, r"max_iter.*<="),
    Bad("lbfgs-not-a-pair", lambda: lbfgs(lambda v: v @ v, [1.0, 2.0]), TypeError, r"pair \(f\(x\), grad f\(x\)\)"),
    Bad("lbfgs-grad-none", lambda: lbfgs(lambda v: (v @ v, None), [1.0, 2.0]), TypeError, RETURN_NONE),
    Bad("lbfgs-grad-complex", lambda: lbfgs(lambda v: (v @ v, 1j * v), [1.0, 2.0]), TypeError, COMPLEX),
    Bad("lbfgs-wrong-gradient", lambda: lbfgs(lambda v: (float(v @ v), -2 * v), [1.0, 2.0]),
        DivergenceError, r"check_gradient"),
    Bad("softmax-solver", lambda: SoftmaxRegression(solver="newton").fit(X2, [0, 1, 2, 1]),
        ValueError, r"solver must be one of 'gd', 'lbfgs'"),
    # --- finite differences -----------------------------------------------------
    Bad("central-complex", lambda: central_difference(lambda t: 1j * t, 1.0), TypeError, COMPLEX),
    Bad("central-none", lambda: central_difference(lambda t: None, 1.0), TypeError, RETURN_NONE),
    Bad("central-not-elementwise", lambda: central_difference(lambda t: np.sum(t), [1.0, 2.0]),
        ValueError, r"elementwise.*numeric_gradient"),
    Bad("central-overflow", lambda: central_difference(lambda t: t**2, 1e200), ValueError, OVERFLOW),
    Bad("central-x-near-max", lambda: central_difference(np.sin, 1.7e308), ValueError, r"(?i)too large.*rescale"),
    Bad("central-domain", lambda: central_difference(np.log, -1.0), ValueError, r"domain"),
    Bad("central-empty", lambda: central_difference(np.sin, []), ValueError, r"empty"),
    Bad("forward-h-zero", lambda: forward_difference(np.sin, 1.0, h=0.0), ValueError, r"h must be > 0"),
    Bad("forward-h-str", lambda: forward_difference(np.sin, 1.0, h="1e-6"), TypeError, r"h must be a real number"),
    Bad("forward-str-out", lambda: forward_difference(lambda t: "a", 1.0), TypeError, STRING),
    Bad("second-str-out", lambda: second_difference(lambda t: "a", 1.0), TypeError, STRING),
    Bad("second-overflow", lambda: second_difference(np.exp, 700.0, h=10.0), ValueError, OVERFLOW),
    Bad("complex-abs", lambda: complex_step(abs, 1.0), TypeError, r"central_difference"),
    Bad("complex-x-str", lambda: complex_step(np.sin, "1"), TypeError, STRING),
    Bad("complex-h-inf", lambda: complex_step(np.sin, 1.0, h=np.inf), ValueError, r"h must be finite"),
    Bad("numgrad-none", lambda: numeric_gradient(lambda v: None, [1.0, 2.0]), TypeError, RETURN_NONE),
    Bad("numgrad-vector", lambda: numeric_gradient(lambda v: v, [1.0, 2.0]), ValueError, r"numeric_jacobian"),
    Bad("numgrad-method", lambda: numeric_gradient(np.sum, [1.0], method="backward"), ValueError, r"method must be"),
    Bad("numgrad-overflow", lambda: numeric_gradient(lambda v: np.sum(v**2), [1e200, 1.0]), ValueError, OVERFLOW),
    Bad("numgrad-str", lambda: numeric_gradient(lambda v: "a", [1.0]), TypeError, STRING),
    Bad("jacobian-size-changes",
        lambda: numeric_jacobian(lambda v: np.ones(2) if v[0] == 1.0 else np.ones(3), [1.0, 2.0]),
        ValueError, r"shape.*same"),
    Bad("jacobian-str", lambda: numeric_jacobian(lambda v: "ab", [1.0]), TypeError, STRING),
    Bad("jacobian-2d-out", lambda: numeric_jacobian(lambda v: np.ones((2, 2)), [1.0]), ValueError, r"np.ravel"),
    Bad("hessian-vector", lambda: numeric_hessian(lambda v: v, [1.0, 2.0]), ValueError, r"scalar-output"),
    Bad("hessian-complex", lambda: numeric_hessian(lambda v: 1j * np.sum(v), [1.0, 2.0]), TypeError, COMPLEX),
    Bad("hessian-h-negative", lambda: numeric_hessian(np.sum, [1.0, 2.0], h=-1.0), ValueError, r"h must be > 0"),
    Bad("hessian-x-2d", lambda: numeric_hessian(np.sum, [[1.0, 2.0]]), ValueError, r"x must be 0-D or 1-D"),
    Bad("hessian-none", lambda: numeric_hessian(lambda v: None, [1.0, 2.0]), TypeError, RETURN_NONE),
    # --- gradient checks ----------------------------------------------------------
    Bad("relerr-shapes", lambda: relative_error([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, r"same shape"),
    Bad("gradcheck-grad-none", lambda: check_gradient(np.sum, lambda w: None, [1.0, 2.0]), TypeError, RETURN_NONE),
    Bad("gradcheck-grad-none-scalar", lambda: check_gradient(lambda w: w**2, lambda w: None, 1.0),
        TypeError, RETURN_NONE),
    Bad("gradcheck-grad-complex", lambda: check_gradient(np.sum, lambda w: 1j * w, [1.0, 2.0]), TypeError, COMPLEX),
    Bad("gradcheck-grad-str", lambda: check_gradient(lambda w: w**2, lambda w: "2", 1.0), TypeError, STRING),
    Bad("gradcheck-f-none", lambda: check_gradient(lambda w: None, lambda w: w, [1.0]), TypeError, RETURN_NONE),
    Bad("gradcheck-rtol-zero", lambda: check_gradient(np.sum, np.ones_like, [1.0], rtol=0),
        ValueError, r"rtol must be > 0"),
    # --- symbolic and critical points ---------------------------------------------
    Bad("critical-gives-up", lambda: critical_points(sp.cos(x) - x**2 / 2 + x**3, [x]),
        ValueError, r"(?i)cannot solve.*interval"),
    Bad("critical-stray-symbol", lambda: critical_points(x**2 + y**2, [x]), ValueError, r"\by\b.*variables"),
    Bad("classify-stray-symbol", lambda: classify_critical_points(x**2 + y**2, [x]), ValueError, r"\by\b.*variables"),
    Bad("critical-variables-str", lambda: critical_points(x**2, "x"), TypeError, r"symbols\("),
    Bad("critical-matrix", lambda: critical_points(sp.Matrix([x, y]), [x, y]), TypeError, r"scalar expression"),
    Bad("critical-no-variables", lambda: critical_points(x**2, []), ValueError, r"at least one Symbol"),
    Bad("critical-line", lambda: critical_points((x - y) ** 2, [x, y]), ValueError, r"not isolated"),
    Bad("critical-constant", lambda: critical_points(sp.Integer(3) + 0 * x, [x]), ValueError, r"not isolated|constant"),
    Bad("critical-interval-reversed", lambda: critical_points(sp.cos(x) - x**2 / 2 + x**3, [x], interval=(2, -2)),
        ValueError, r"interval.*a < b"),
    Bad("sdt-complex-entry", lambda: second_derivative_test(sp.Matrix([[sp.I]])), ValueError, r"(?i)real"),
    Bad("sdt-not-square", lambda: second_derivative_test([[1.0, 2.0]]), ValueError, r"square"),
    Bad("sdt-not-symmetric", lambda: second_derivative_test([[1.0, 2.0], [3.0, 4.0]]), ValueError, r"symmetric"),
    Bad("sdt-nan", lambda: second_derivative_test([[np.nan]]), ValueError, r"NaN"),
    Bad("sdt-free-symbol", lambda: second_derivative_test(sp.Matrix([[x]])), ValueError, r"subs"),
    Bad("derivative-order-huge", lambda: derivative(x**2, x, n=10**9), ValueError, r"n must be <="),
    Bad("derivative-order-negative", lambda: derivative(x**2, x, n=-1), ValueError, r"n must be >= 0"),
    Bad("derivative-var-str", lambda: derivative(x**2, "x"), TypeError, r"symbols\("),
    Bad("derivative-parse", lambda: derivative("x**", x), ValueError, r"sympy syntax"),
    Bad("gradient-repeated", lambda: gradient(x**2, [x, x]), ValueError, r"repeated"),
    Bad("jacobian-empty", lambda: jacobian([], [x]), ValueError, r"(?i)empty.*expression"),
    Bad("hessian-matrix", lambda: hessian(sp.Matrix([x, y]), [x, y]), TypeError, r"scalar expression"),
    Bad("to-numpy-stray", lambda: to_numpy(x + y, [x]), ValueError, r"not in variables"),
    Bad("to-numpy-str-arg", lambda: to_numpy(x**2, [x])("a"), TypeError, r"numeric"),
    Bad("to-numpy-pole", lambda: to_numpy(1 / x, [x])(0.0), ValueError, r"not finite"),
    Bad("to-numpy-wrong-length", lambda: to_numpy(x + y, [x, y])([1.0, 2.0, 3.0]), ValueError, r"last axis"),
    Bad("is-equal-parse", lambda: is_equal("x +", "x"), ValueError, r"sympy syntax"),
    # --- probability ------------------------------------------------------------------
    Bad("urn-9x9", lambda: urn_space({c: 9 for c in "abcdefghi"}, draws=9), ValueError, r"outcomes.*ordered=False"),
    Bad("urn-too-many-draws", lambda: urn_space({"r": 2}, draws=3), ValueError, r"draws <= 2"),
    Bad("urn-negative", lambda: urn_space({"r": -1, "b": 2}), ValueError, r">= 0"),
    Bad("urn-float-count", lambda: urn_space({"r": 2.5}), TypeError, r"whole number"),
    Bad("urn-list", lambda: urn_space([2, 3]), TypeError, r"dict"),
    Bad("urn-draws-bool", lambda: urn_space(URN, draws=True), TypeError, r"bool"),
    Bad("urn-ordered-str", lambda: urn_space(URN, ordered="no"), TypeError, r"ordered must be True or False"),
    Bad("event-returns-str", lambda: probability(SPACE, lambda o: "yes"), TypeError, r"(?i)event.*True or False"),
    Bad("event-returns-none", lambda: probability(SPACE, lambda o: None), TypeError, r"(?i)returned None.*return"),
    Bad("given-returns-int", lambda: conditional(SPACE, lambda o: True, given=lambda o: 1),
        TypeError, r"(?i)given.*True or False"),
    Bad("space-floats", lambda: probability({("a",): 0.5, ("b",): 0.5}, lambda o: True), TypeError, r"Fraction"),
    Bad("event-not-callable", lambda: probability(SPACE, "r"), TypeError, r"event must be a function"),
    Bad("conditional-impossible", lambda: conditional(SPACE, lambda o: True, given=lambda o: False),
        ValueError, r"impossible"),
    Bad("total-not-sequence", lambda: total_probability(Fraction(1, 2), [Fraction(1)]), TypeError, r"(?i)list"),
    Bad("total-priors-sum", lambda: total_probability([Fraction(1, 2)], [Fraction(1, 2)]), ValueError, r"sum to 1/2"),
    Bad("bayes-float", lambda: bayes(0.5, Fraction(1, 2), Fraction(1, 2)), TypeError, r"Fraction"),
    Bad("bayes-zero-evidence", lambda: bayes(Fraction(1, 2), Fraction(1, 2), 0), ValueError, r"evidence"),
    Bad("simulate-huge-trials", lambda: simulate_urn(URN, n_trials=10**12), ValueError, r"n_trials.*<="),
    Bad("simulate-huge-urn", lambda: simulate_urn({"r": 10**10}), ValueError, r"(?i)balls.*<="),
    Bad("simulate-seed-negative", lambda: simulate_urn(URN, seed=-1), ValueError, r"seed must be >= 0"),
    Bad("stderr-p-range", lambda: standard_error(1.5, 10), ValueError, r"\[0, 1\]"),
    Bad("stderr-n-zero", lambda: standard_error(0.5, 0), ValueError, r"n must be >= 1"),
    Bad("stderr-p-str", lambda: standard_error("0.5", 10), TypeError, r"number"),
    # --- activations ------------------------------------------------------------------
    Bad("sigmoid-str", lambda: sigmoid("a"), TypeError, STRING),
    Bad("sigmoid-huge-int", lambda: sigmoid(10**400), ValueError, r"(?i)too large.*float64"),
    Bad("sigmoid-complex", lambda: sigmoid(1 + 2j), TypeError, COMPLEX),
    Bad("softmax-axis", lambda: softmax([1.0, 2.0], axis=1), ValueError, r"axis 1 is out of range"),
    Bad("softmax-scalar", lambda: softmax(5.0), ValueError, r"sigmoid"),
    Bad("softmax-axis-bool", lambda: softmax([1.0, 2.0], axis=True), TypeError, r"bool"),
    Bad("log-softmax-overflow", lambda: log_softmax([1e308, -1e308]), ValueError, OVERFLOW),
    Bad("softmax-jacobian-2d", lambda: softmax_jacobian([[1.0, 2.0]]), ValueError, r"1-D"),
    Bad("relu-mixed", lambda: relu([1, "a"]), TypeError, r"numeric"),
    Bad("tanh-derivative-none", lambda: tanh_derivative(None), TypeError, r"numeric"),
    # --- losses -------------------------------------------------------------------------
    Bad("one-hot-stray-label", lambda: one_hot([0, 3e9]), ValueError, r"(?i)GiB.*(n_classes|labels)"),
    Bad("one-hot-huge-n-classes", lambda: one_hot([0, 1], n_classes=10**10), ValueError, r"(?i)GiB.*n_classes"),
    Bad("one-hot-n-classes-zero", lambda: one_hot([0, 1], n_classes=0), ValueError, r"n_classes must be >= 1"),
    Bad("one-hot-n-classes-bool", lambda: one_hot([0, 1], n_classes=True), TypeError, r"n_classes.*bool"),
    Bad("one-hot-n-classes-float", lambda: one_hot([0, 1], n_classes=1.5), TypeError, r"n_classes.*whole number"),
    Bad("one-hot-label-too-big", lambda: one_hot([0, 2], n_classes=2), ValueError, r"0\.\.1"),
    Bad("one-hot-fraction", lambda: one_hot([0.5]), ValueError, r"integer class labels"),
    Bad("one-hot-negative", lambda: one_hot([-1]), ValueError, r"integer class labels"),
    Bad("mse-overflow", lambda: mse([1e200], [-1e200]), ValueError, OVERFLOW),
    Bad("mse-gradient-overflow", lambda: mse_gradient([1e308], [-1e308]), ValueError, OVERFLOW),
    Bad("mse-shapes", lambda: mse([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, r"same shape"),
    Bad("bce-labels", lambda: binary_cross_entropy([0, 2], [0.5, 0.5]), ValueError, r"0/1"),
    Bad("bce-p-range", lambda: binary_cross_entropy([1], [1.5]), ValueError, r"_with_logits"),
    Bad("bce-eps", lambda: binary_cross_entropy([1], [0.5], eps=0.7), ValueError, r"eps must be < 0.5"),
    Bad("bce-logits-overflow", lambda: binary_cross_entropy_with_logits([1, 1], [-1e308, -1e308]),
        ValueError, OVERFLOW),
    Bad("cce-p-range", lambda: categorical_cross_entropy([0], [[1.5, -0.5]]), ValueError, r"_with_logits"),
    Bad("cce-gradient-label", lambda: categorical_cross_entropy_gradient([3], [[0.5, 0.5]]), ValueError, r"0\.\.1"),
    Bad("ce-logits-overflow", lambda: cross_entropy_with_logits([1], [[1e308, -1e308]]), ValueError, OVERFLOW),
    Bad("ce-logits-columns", lambda: cross_entropy_with_logits([[1, 0]], [[1.0, 2.0, 3.0]]), ValueError, r"columns"),
    Bad("ce-logits-row-sum", lambda: cross_entropy_with_logits([[0.5, 0.4]], [[1.0, 2.0]]), ValueError, r"one_hot"),
    # --- linear regression --------------------------------------------------------------
    Bad("mse-loss-overflow", lambda: mse_loss([[1e200]], [0.0], [1e200], 0.0), ValueError, OVERFLOW),
    Bad("mse-loss-gradient-overflow", lambda: mse_loss_gradient([[1e200]], [0.0], [1e200], 0.0), ValueError, OVERFLOW),
    Bad("closed-form-constant", lambda: closed_form_simple([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), ValueError, r"constant"),
    Bad("closed-form-overflow", lambda: closed_form_simple([0.0, 1e-300, 2e-300], [0.0, 1e300, 2e300]),
        ValueError, OVERFLOW),
    Bad("normal-equations-y-none", lambda: normal_equations(X4, None), ValueError, r"y is None"),
    Bad("linreg-gd-rate", lambda: LinearRegression(solver="gd", learning_rate=1e300).fit(X4, [1.0, 2.0, 3.0, 4.0]),
        DivergenceError, r"learning_rate"),
    Bad("linreg-y-none", lambda: LinearRegression().fit(X4, None), ValueError, r"requires y to be passed"),
    Bad("linreg-y-column", lambda: LinearRegression().fit(X4, [[1.0], [2.0], [3.0], [4.0]]), ValueError, r"ravel"),
    Bad("linreg-solver", lambda: LinearRegression(solver="sgd").fit(X4, [1.0, 2.0, 3.0, 4.0]),
        ValueError, r"solver must be one of"),
    Bad("linreg-max-iter-huge", lambda: LinearRegression(solver="gd", max_iter=1e300).fit(X4, [1.0, 2.0, 3.0, 4.0]),
        ValueError, r"max_iter.*<="),
    Bad("linreg-predict-overflow", lambda: LinearRegression().fit(X4, [2.0, 4.0, 6.0, 8.0]).predict([[1e308]]),
        ValueError, OVERFLOW),
    Bad("linreg-unfitted", lambda: LinearRegression().predict(X4), ValueError, r"fit\(X, y\)"),
    Bad("linreg-features", lambda: LinearRegression().fit(X4, [1.0, 2.0, 3.0, 4.0]).predict([[1.0, 2.0]]),
        ValueError, r"X has 2 features, but LinearRegression is expecting 1"),
    Bad("linreg-sparse", lambda: LinearRegression().fit(_sparse(X4), [1.0, 2.0, 3.0, 4.0]),
        TypeError, r"(?i)sparse.*toarray"),
    Bad("linreg-object-dict", lambda: LinearRegression().fit(np.array([[{}], [1.0]], dtype=object), [1.0, 2.0]),
        TypeError, r"argument must be a string.* number"),
    # --- logistic regression ------------------------------------------------------------
    Bad("logreg-one-class", lambda: LogisticRegression().fit(X4, [0, 0, 0, 0]), ValueError, ONE_CLASS),
    Bad("logreg-three-classes", lambda: LogisticRegression().fit(X4, [0, 1, 2, 1]), ValueError, r"SoftmaxRegression"),
    Bad("logreg-continuous", lambda: LogisticRegression().fit(X4, [0.5, 1.0, 0.0, 0.2]), ValueError, LABEL_TYPE),
    Bad("logreg-gd-rate", lambda: LogisticRegression(solver="gd", learning_rate=1e300).fit(X4, [0, 1, 0, 1]),
        DivergenceError, DIVERGED),
    Bad("logreg-l2-str", lambda: LogisticRegression(l2="a").fit(X4, y01), TypeError, r"l2 must be a real number"),
    Bad("log-loss-overflow", lambda: log_loss([[1e200]], [0], [1e200], 0.0), ValueError, OVERFLOW),
    Bad("log-loss-gradient-overflow", lambda: log_loss_gradient([[1e308], [1e308]], [0, 0], [1e308], 0.0),
        ValueError, OVERFLOW),
    Bad("log-loss-labels", lambda: log_loss(X4, [0, 2, 1, 0], [1.0], 0.0), ValueError, r"0/1"),
    Bad("log-loss-l2", lambda: log_loss(X4, y01, [1.0], 0.0, l2=-1.0), ValueError, r"l2 must be >= 0"),
    Bad("logreg-y-none", lambda: LogisticRegression().fit(X4, None), ValueError, r"requires y to be passed"),
    # --- perceptrons ----------------------------------------------------------------------
    Bad("perceptron-rate-1e308", lambda: Perceptron(learning_rate=1e308).fit(X4, y01), DivergenceError, DIVERGED),
    Bad("perceptron-huge-X", lambda: Perceptron().fit([[1e308], [-1e308], [1e308], [-1e308]], [0, 1, 1, 0]),
        DivergenceError, DIVERGED),
    Bad("perceptron-one-class", lambda: Perceptron().fit(X4, [1, 1, 1, 1]), ValueError, ONE_CLASS),
    Bad("perceptron-three-classes", lambda: Perceptron().fit(X4, [0, 1, 2, 1]), ValueError, r"MulticlassPerceptron"),
    Bad("perceptron-shuffle-str", lambda: Perceptron(shuffle="no").fit(X4, y01),
        TypeError, r"shuffle must be True or False"),
    Bad("perceptron-seed-negative", lambda: Perceptron(random_state=-1).fit(X4, y01), ValueError, RANDOM_STATE),
    Bad("perceptron-seed-str", lambda: Perceptron(random_state="seed").fit(X4, y01), TypeError, RANDOM_STATE),
    Bad("perceptron-seed-float", lambda: Perceptron(random_state=0.5).fit(X4, y01), TypeError, RANDOM_STATE),
    Bad("perceptron-max-iter-huge", lambda: Perceptron(max_iter=1e300).fit(X4, [0, 1, 0, 1]),
        ValueError, r"max_iter.*<="),
    Bad("perceptron-continuous", lambda: Perceptron().fit(X4, [0.1, 0.2, 0.3, 0.4]), ValueError, LABEL_TYPE),
    Bad("mc-perceptron-one-class", lambda: MulticlassPerceptron().fit(X4, [2, 2, 2, 2]), ValueError, ONE_CLASS),
    Bad("mc-perceptron-rate", lambda: MulticlassPerceptron(learning_rate=1e308).fit(HUGE, [0, 1, 0, 2]),
        DivergenceError, DIVERGED),
    Bad("criterion-labels", lambda: perceptron_criterion(X4, [0, 2, 1, 0], [1.0], 0.0), ValueError, r"0/1"),
    Bad("criterion-overflow", lambda: perceptron_criterion([[1e308]], [0], [1e308], 0.0), ValueError, OVERFLOW),
    Bad("mc-criterion-label", lambda: multiclass_perceptron_criterion([[1.0, 0.0]], [5], np.eye(2), [0.0, 0.0]),
        ValueError, r"0\.\.1"),
    Bad("mc-criterion-b-shape", lambda: multiclass_perceptron_criterion([[1.0, 0.0]], [1], np.eye(2), [0.0]),
        ValueError, r"b must have shape \(2,\)"),
    # --- softmax regression -------------------------------------------------------------
    Bad("softmax-huge-X", lambda: SoftmaxRegression().fit(HUGE, [0, 1, 0, 2]), DivergenceError, DIVERGED),
    Bad("softmax-rate-1e300", lambda: SoftmaxRegression(learning_rate=1e300).fit(X2, [0, 1, 2, 1]),
        DivergenceError, DIVERGED),
    Bad("softmax-one-class", lambda: SoftmaxRegression().fit(X2, [1, 1, 1, 1]), ValueError, ONE_CLASS),
    Bad("softmax-continuous", lambda: SoftmaxRegression().fit(X2, [0.5, 1.5, 2.0, 1.0]), ValueError, LABEL_TYPE),
    Bad("softmax-tol", lambda: SoftmaxRegression(tol=-1.0).fit(X2, [0, 1, 2, 1]), ValueError, r"tol must be >= 0"),
    Bad("softmax-loss-label", lambda: softmax_regression_loss(X2, [0, 5, 1, 2], np.zeros((2, 3)), np.zeros(3)),
        ValueError, r"0\.\.2"),
    Bad("softmax-loss-overflow", lambda: softmax_regression_loss([[1e308]], [1], [[1e308, -1e308]], [0.0, 0.0]),
        ValueError, OVERFLOW),
    Bad("softmax-y-none", lambda: SoftmaxRegression().fit(X2, None), ValueError, r"requires y to be passed"),
    # --- MLP --------------------------------------------------------------------------------
    Bad("mlp-hidden-none", lambda: MLP(hidden_sizes=None).fit(X2, [0, 1, 0, 1]), TypeError, r"hidden_sizes.*\(\)"),
    Bad("mlp-hidden-zero", lambda: MLP(hidden_sizes=(0,)).fit(X2, [0, 1, 0, 1]), ValueError, r"hidden_sizes.*>= 1"),
    Bad("mlp-hidden-int", lambda: MLP(hidden_sizes=5).fit(X2, [0, 1, 0, 1]), TypeError, r"hidden_sizes=\(5,\)"),
    Bad("mlp-hidden-str", lambda: MLP(hidden_sizes=("a",)).fit(X2, [0, 1, 0, 1]), TypeError, r"hidden_sizes"),
    Bad("mlp-rate-1e300", lambda: MLP(learning_rate=1e300).fit(X2, [0, 1, 0, 1]), DivergenceError, DIVERGED),
    Bad("mlp-huge-X-identity",
        lambda: MLP(activation="relu", output="identity").fit([[1e300, 1e300], [1.0, 0.0]], [1.0, 2.0]),
        DivergenceError, DIVERGED),
    Bad("mlp-one-class", lambda: MLP().fit(X2, [3, 3, 3, 3]), ValueError, ONE_CLASS),
    Bad("mlp-sigmoid-three-classes", lambda: MLP(output="sigmoid").fit(X2, [0, 1, 2, 1]), ValueError, r"softmax"),
    Bad("mlp-seed-negative", lambda: MLP(random_state=-5).fit(X2, [0, 1, 0, 1]), ValueError, RANDOM_STATE),
    Bad("mlp-seed-str", lambda: MLP(random_state="a").fit(X2, [0, 1, 0, 1]), TypeError, RANDOM_STATE),
    Bad("mlp-batch-zero", lambda: MLP(batch_size=0).fit(X2, [0, 1, 0, 1]), ValueError, r"batch_size must be >= 1"),
    Bad("mlp-epochs-huge", lambda: MLP(epochs=1e300).fit(X2, [0, 1, 0, 1]), ValueError, r"epochs.*<="),
    Bad("mlp-continuous", lambda: MLP().fit(X2, [0.5, 1.5, 0.2, 1.0]), ValueError, LABEL_TYPE),
    Bad("mlp-predict-overflow",
        lambda: MLP(hidden_sizes=(), output="identity", epochs=1).fit(X2, [1.0, 2.0, 3.0, 4.0]).predict(
            [[1.7e308, 1.7e308]]),
        ValueError, OVERFLOW),
    Bad("backward-cache-none", lambda: mlp.backward([0, 1], PARAMS, None), TypeError, r"cache.*forward"),
    Bad("backward-cache-list", lambda: mlp.backward([0, 1], PARAMS, [XB]), TypeError, r"cache.*forward"),
    Bad("backward-cache-shape", lambda: mlp.backward([0, 1], PARAMS, {**CACHE, "A1": np.zeros((2, 5))}),
        ValueError, r"A1.*shape.*forward"),
    Bad("backward-cache-other-params", lambda: mlp.backward([0, 1], PARAMS, CACHE_OTHER),
        ValueError, r"cache.*forward"),
    Bad("backward-cache-other-activation", lambda: mlp.backward([0, 1], PARAMS, CACHE_TANH), ValueError, r"activation"),
    Bad("backward-cache-missing", lambda: mlp.backward([0, 1], PARAMS, {"A0": XB}), ValueError, r"missing.*forward"),
    Bad("init-params-huge", lambda: mlp.init_params((2, 10**6, 10**6)), ValueError, r"(?i)parameters.*GiB"),
    Bad("init-params-seed", lambda: mlp.init_params((2, 3), random_state=-1), ValueError, RANDOM_STATE),
    Bad("init-params-str", lambda: mlp.init_params("23"), TypeError, r"sequence of ints"),
    Bad("forward-features", lambda: mlp.forward([[1.0, 2.0, 3.0]], PARAMS), ValueError, r"first layer size"),
    Bad("forward-overflow",
        lambda: mlp.forward([[1e308, 1e308]], {"W1": [[10.0], [10.0]], "b1": [0.0]}, output="identity"),
        ValueError, OVERFLOW),
    Bad("mlp-loss-overflow", lambda: mlp.loss([1], [[1e308, -1e308]]), ValueError, OVERFLOW),
    Bad("mlp-loss-sigmoid-label", lambda: mlp.loss([[2.0]], [[0.0]], output="sigmoid"), ValueError, r"\[0, 1\]"),
    # The optimisers' line search and the models' Hessians (issue 13, item 2).
    Bad("gd-line-search-name", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, line_search="armijo"),
        ValueError, r"line_search must be one of 'backtracking'"),
    Bad("gd-line-search-int", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, line_search=1),
        ValueError, r"line_search must be one of"),
    Bad("gd-line-search-no-f", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, line_search="backtracking"),
        ValueError, r"pass the objective as f="),
    Bad("gd-line-search-f-nan",
        lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, f=lambda t: math.nan, line_search="backtracking"),
        ValueError, r"not finite.*domain of f"),
    Bad("gd-keep-path-str", lambda: gradient_descent(lambda t: 2 * t, 1.0, 0.1, keep_path="no"),
        TypeError, r"keep_path must be True or False"),
    Bad("newton-line-search-name",
        lambda: newton_minimize(lambda v: 2 * v, lambda v: 2 * np.eye(1), [1.0], line_search="wolfe"),
        ValueError, r"line_search must be one of"),
    Bad("newton-line-search-no-f",
        lambda: newton_minimize(lambda v: 2 * v, lambda v: 2 * np.eye(1), [1.0], line_search="backtracking"),
        ValueError, r"pass the objective as f="),
    Bad("newton-keep-path-none",
        lambda: newton_minimize(lambda v: 2 * v, lambda v: 2 * np.eye(1), [1.0], keep_path=None),
        TypeError, r"keep_path must be True or False"),
    Bad("newton-line-search-uphill",
        lambda: newton_minimize(lambda v: -2 * v, lambda v: 2 * np.eye(1), [1.0], f=lambda v: float(v[0] ** 2),
                                line_search="backtracking"),
        DivergenceError, r"probably wrong"),
    Bad("mse-hessian-samples", lambda: mse_loss_hessian([[1.0], [2.0]], [1.0], [0.0], 0.0),
        ValueError, r"same number of samples"),
    Bad("mse-hessian-nan", lambda: mse_loss_hessian([[math.nan], [2.0]], [1.0, 2.0], [0.0], 0.0),
        ValueError, r"NaN.*impute"),
    Bad("log-loss-hessian-w", lambda: log_loss_hessian([[1.0], [2.0]], [0, 1], [1.0, 2.0], 0.0),
        ValueError, r"one weight per column"),
    Bad("softmax-hessian-labels",
        lambda: softmax_regression_hessian([[1.0], [2.0]], [0, 0.5], np.zeros((1, 2)), np.zeros(2)),
        ValueError, r"integer class labels"),
]


def _close(expected, rtol=1e-7, atol=0.0):
    return lambda value: bool(np.allclose(np.asarray(value, dtype=float), expected, rtol=rtol, atol=atol))


def _critical_values(points):
    return sorted(float(p[x]) for p in points)


def _roots_of_cubic():
    # x**4/4 - x**2 + x/3 has f' = x**3 - 2x + 1/3: three real roots (numpy's
    # companion-matrix eigenvalues, an independent method)
    return sorted(np.roots([1.0, 0.0, -2.0, 1.0 / 3.0]).real)


GOOD = [
    Good("central-sin-1e6", lambda: central_difference(np.sin, 1e6), _close(math.cos(1e6), rtol=1e-6)),
    Good("central-square-1e6", lambda: central_difference(lambda t: t**2, 1e6), _close(2e6, rtol=1e-9)),
    Good("forward-sin-1e6", lambda: forward_difference(np.sin, 1e6), _close(math.cos(1e6), rtol=1e-5)),
    Good("second-sin-1e6", lambda: second_difference(np.sin, 1e6), _close(-math.sin(1e6), rtol=1e-4)),
    Good("numgrad-sin-1e6", lambda: numeric_gradient(lambda v: np.sin(v[0]) + v[1] ** 2, [1e6, 3.0]),
         _close([math.cos(1e6), 6.0], rtol=1e-6)),
    # mixed scales: f = a*b**2 at (1e4, 1e-2); H = [[0, 2b], [2b, 2a]] by hand
    Good("hessian-mixed-scales", lambda: numeric_hessian(lambda v: v[0] * v[1] ** 2, [1e4, 1e-2]),
         _close([[0.0, 2e-2], [2e-2, 2e4]], rtol=1e-5, atol=1e-9)),
    Good("relerr-huge", lambda: relative_error([1e200, 0.0], [-1e200, 0.0]), _close(1.0, rtol=1e-15)),
    Good("relerr-tiny", lambda: relative_error([1e-300], [2e-300]), _close(1.0 / 3.0, rtol=1e-12)),
    Good("critical-cubic-casus", lambda: _critical_values(critical_points(x**4 / 4 - x**2 + x / 3, [x])),
         _close(_roots_of_cubic(), rtol=1e-12)),
    # 3x^2 - x - sin x = 0 at x = 0 (by hand) and once more in (0, 1) (sign change)
    Good("critical-interval", lambda: _critical_values(critical_points(
        sp.cos(x) - x**2 / 2 + x**3, [x], interval=(-10, 10))),
         lambda v: len(v) == 2 and abs(v[0]) < 1e-12 and 0.5 < v[1] < 1 and
         abs(3 * v[1] ** 2 - v[1] - math.sin(v[1])) < 1e-12),
    Good("ce-logits-large", lambda: cross_entropy_with_logits([0], [[1e308, -1e308]]), _close(0.0, atol=0)),
    Good("mlp-loss-large", lambda: mlp.loss([0], [[1e308, -1e308]]), _close(0.0, atol=0)),
    Good("closed-form-large-x", lambda: closed_form_simple([0.0, 1e200, 2e200], [1.0, 2.0, 3.0]),
         _close([1e-200, 1.0], rtol=1e-12)),
    Good("normal-equations-large-x", lambda: normal_equations([[1e308], [1e308], [-1e308]], [2.0, 2.0, 0.0]),
         lambda wb: np.allclose(wb[0], [1e-308], rtol=1e-9) and np.isclose(wb[1], 1.0, rtol=1e-12)),
    Good("mc-perceptron-stray-label", lambda: MulticlassPerceptron().fit(X2, [0, 3e9, 1, 2]).coef_.shape,
         lambda shape: shape == (2, 4)),
    Good("softmax-stray-label", lambda: SoftmaxRegression().fit(X2, [0, 3e9, 1, 2]).classes_,
         _close([0, 1, 2, 3e9], rtol=0)),
    Good("urn-9x9-unordered", lambda: len(urn_space({c: 9 for c in "abcdefghi"}, draws=9, ordered=False)),
         lambda n: n == math.comb(9 + 9 - 1, 9)),  # multisets of 9 from 9 colours
    Good("gd-start-beyond-1e12", lambda: gradient_descent(lambda t: 2 * t, 1e13, 0.25, max_iter=200).x,
         _close(0.0, atol=1e-6)),
    # sqrt(1 + x^2) + sqrt(1 + y^2) - 2 is 0.0 in float64 for |x|, |y| < 1e-8, where the
    # gradient is still above tol: the line search used to call the gradient wrong.
    Good("newton-backtracking-flat-minimum",
         lambda: newton_minimize(lambda p: p / np.sqrt(1 + p**2), lambda p: np.diag((1 + p**2) ** -1.5),
                                 [2.0, 0.5], f=lambda p: float(np.sum(np.sqrt(1 + p**2)) - 2),
                                 line_search="backtracking").x,
         lambda x: np.allclose(x, 0.0, atol=1e-10)),
]


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_malformed_call_fails_clearly(case: Bad) -> None:
    with pytest.raises(case.error, match=case.match):
        case.call()


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_edge_case_answers_right(case: Good) -> None:
    assert case.check(case.call())


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in BAD + GOOD]
    assert len(ids) == len(set(ids))
