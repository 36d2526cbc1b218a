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
