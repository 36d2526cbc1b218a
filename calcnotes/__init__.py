"""calcnotes: calculus for machine learning, computed and checked.

The package is the single source of every number on the site: each chapter
imports what it computes from here, and the tests check it against
independent oracles (sympy, finite differences, ``np.linalg``).
"""

__version__ = "0.1.0"

# calculus
from .critical_points import (
    classify_critical_points,
    critical_points,
    second_derivative_test,
)
from .differences import (
    central_difference,
    complex_step,
    forward_difference,
    second_difference,
)
from .gradcheck import GradientCheck, check_gradient, relative_error
from .gradient_descent import gradient_descent
from .newton import newton_minimize, newton_root
from .numeric import numeric_gradient, numeric_hessian, numeric_jacobian
from .result import DivergenceError, OptimizeResult
from .symbolic import derivative, gradient, hessian, is_equal, jacobian, to_numpy

# machine learning
# (the MLP's plain functions forward/backward/loss/init_params are too
# generic for the top level: use them as calcnotes.mlp.forward etc.)
from . import mlp
from ._base import ConvergenceWarning, NotFittedError
from .activations import (
    log_softmax,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_jacobian,
    tanh,
    tanh_derivative,
)
from .linear_regression import (
    LinearRegression,
    closed_form_simple,
    mse_loss,
    mse_loss_gradient,
    normal_equations,
)
from .logistic_regression import (
    LogisticRegression,
    log_loss,
    log_loss_gradient,
    log_loss_hessian,
)
from .losses import (
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
    one_hot,
)
from .mlp import MLP
from .perceptron import (
    MulticlassPerceptron,
    Perceptron,
    multiclass_perceptron_criterion,
    multiclass_perceptron_criterion_gradient,
    perceptron_criterion,
    perceptron_criterion_gradient,
)
from .softmax_regression import (
    SoftmaxRegression,
    softmax_regression_gradient,
    softmax_regression_loss,
)
