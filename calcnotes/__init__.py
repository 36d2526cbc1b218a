"""calcnotes: calculus for machine learning, computed and checked.

The package is the single source of every number on the site: each chapter
imports what it computes from here, and the tests check it against
independent oracles (sympy, finite differences, ``np.linalg``).
"""

__version__ = "0.1.0"

import importlib

# Every public name, and the module that defines it. They are loaded on first
# use (PEP 562), so ``import calcnotes.differences`` loads that module and what
# it imports, nothing more: the site's execution cache records which modules a
# page really used, and a page that used only derivatives is not re-run when
# the MLP changes. (The MLP's plain functions forward/backward/loss/init_params
# are too generic for the top level: use them as calcnotes.mlp.forward etc.)
_EXPORTS = {
    "classify_critical_points": "critical_points",
    "critical_points": "critical_points",
    "second_derivative_test": "critical_points",
    "central_difference": "differences",
    "complex_step": "differences",
    "DerivativeEstimate": "differences",
    "richardson_derivative": "differences",
    "forward_difference": "differences",
    "second_difference": "differences",
    "GradientCheck": "gradcheck",
    "check_gradient": "gradcheck",
    "relative_error": "gradcheck",
    "gradient_descent": "gradient_descent",
    "lbfgs": "lbfgs",
    "newton_minimize": "newton",
    "newton_root": "newton",
    "adam": "optim.adam",
    "Minibatches": "optim.minibatches",
    "StochasticGradient": "optim.minibatches",
    "stochastic_gradient": "optim.minibatches",
    "heavy_ball": "optim.momentum",
    "nesterov": "optim.momentum",
    "CosineDecay": "optim.schedules",
    "ExponentialDecay": "optim.schedules",
    "InverseTimeDecay": "optim.schedules",
    "StepDecay": "optim.schedules",
    "numeric_gradient": "numeric",
    "numeric_hessian": "numeric",
    "numeric_jacobian": "numeric",
    "DivergenceError": "result",
    "OptimizeResult": "result",
    "derivative": "symbolic",
    "gradient": "symbolic",
    "hessian": "symbolic",
    "is_equal": "symbolic",
    "jacobian": "symbolic",
    "to_numpy": "symbolic",
    "ConvergenceWarning": "_base",
    "NotFittedError": "_base",
    "log_softmax": "activations",
    "relu": "activations",
    "relu_derivative": "activations",
    "sigmoid": "activations",
    "sigmoid_derivative": "activations",
    "softmax": "activations",
    "softmax_jacobian": "activations",
    "tanh": "activations",
    "tanh_derivative": "activations",
    "LinearRegression": "linear_regression",
    "closed_form_simple": "linear_regression",
    "mse_loss": "linear_regression",
    "mse_loss_gradient": "linear_regression",
    "mse_loss_hessian": "linear_regression",
    "normal_equations": "linear_regression",
    "LogisticRegression": "logistic_regression",
    "log_loss": "logistic_regression",
    "log_loss_gradient": "logistic_regression",
    "log_loss_hessian": "logistic_regression",
    "binary_cross_entropy": "losses",
    "binary_cross_entropy_gradient": "losses",
    "binary_cross_entropy_with_logits": "losses",
    "binary_cross_entropy_with_logits_gradient": "losses",
    "categorical_cross_entropy": "losses",
    "categorical_cross_entropy_gradient": "losses",
    "cross_entropy_with_logits": "losses",
    "cross_entropy_with_logits_gradient": "losses",
    "mse": "losses",
    "mse_gradient": "losses",
    "one_hot": "losses",
    "MLP": "mlp",
    "MulticlassPerceptron": "perceptron",
    "Perceptron": "perceptron",
    "multiclass_perceptron_criterion": "perceptron",
    "multiclass_perceptron_criterion_gradient": "perceptron",
    "perceptron_criterion": "perceptron",
    "perceptron_criterion_gradient": "perceptron",
    "Dual": "autodiff",
    "Tensor": "autodiff",
    "SoftmaxRegression": "softmax_regression",
    "softmax_regression_gradient": "softmax_regression",
    "softmax_regression_hessian": "softmax_regression",
    "softmax_regression_loss": "softmax_regression",
}

_SUBMODULES = {"mlp"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"calcnotes.{name}")
    if name not in _EXPORTS:
        raise AttributeError(f"module 'calcnotes' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"calcnotes.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
