"""Behaviour of calcnotes.lbfgs that the mutation run found unpinned.

Expected values come from the docstrings (defaults, bounds, ``||grad f|| <= tol``,
Armijo's condition with t halved from 1, the first step of length at most 1,
the 8 eps |f| rounding allowance of the first trial), from the dense BFGS
inverse-Hessian update (Nocedal & Wright, eq. 6.17) as an independent oracle for
the two-loop recursion, and from hand computations on one-variable quadratics.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import calcnotes.lbfgs as lbfgs_module
from calcnotes.lbfgs import _direction, lbfgs
from calcnotes.result import DivergenceError

EPS = np.finfo(np.float64).eps


def _dense_direction(g, pairs):
    """-H g with H the BFGS matrix from H0 = gamma I, updated with each (s, y), oldest first."""
    s, y = pairs[-1]
    n = g.size
    H = (s @ y) / (y @ y) * np.eye(n)
    for s, y in pairs:
        rho = 1.0 / (s @ y)
        V = np.eye(n) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return -H @ g


def _quadratic(D):
    return lambda x: (0.5 * x @ D @ x, D @ x)


def _linear(x):
    # f = -sum(x): no minimum, constant gradient, so y = 0 and no pair is ever kept
    return -float(x.sum()), -np.ones_like(x)


def _stationary(x):
    return 0.0, np.zeros_like(x)


def test_two_loop_recursion_is_the_dense_bfgs_matrix():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 4))
    A = A @ A.T + np.eye(4)
    steps = [rng.normal(size=4) for _ in range(3)]
    pairs = [(s, A @ s, 1.0 / float(s @ A @ s)) for s in steps]
    g = rng.normal(size=4)
    expected = _dense_direction(g, [(s, y) for s, y, _ in pairs])
    np.testing.assert_allclose(_direction(g, pairs), expected, rtol=1e-10, atol=1e-12)
    # the secant condition H y = s holds for the newest pair: the direction for g = y is -s
    s, y, _ = pairs[-1]
    np.testing.assert_allclose(_direction(y, pairs), -s, rtol=1e-10, atol=1e-12)
    # no pairs: steepest descent
    np.testing.assert_array_equal(_direction(g, []), -g)


def _worst_misalignment(result, grad, memory):
    """Largest 1 - cos(step k, dense BFGS direction from the last `memory` pairs) along the path."""
    P = result.path
    G = np.array([grad(p) for p in P])
    worst = 0.0
    for k in range(1, len(P) - 1):
        pairs = [(P[j + 1] - P[j], G[j + 1] - G[j]) for j in range(max(0, k - memory), k)]
        d = _dense_direction(G[k], pairs)
        step = P[k + 1] - P[k]
        worst = max(worst, 1.0 - float(step @ d) / float(np.linalg.norm(step) * np.linalg.norm(d)))
    return worst


@pytest.mark.parametrize("memory", [None, 1, 2])
def test_each_step_follows_the_bfgs_matrix_of_the_last_memory_pairs(memory):
    # a convex quadratic: every pair has s^T y = s^T D s > 0 and is kept; memory defaults to 10,
    # and 20 iterations are enough for the 11th-newest pair to have been dropped
    D = np.diag(np.geomspace(1.0, 100.0, 12))
    kwargs = {} if memory is None else {"memory": memory}
    result = lbfgs(_quadratic(D), np.ones(12), max_iter=20, tol=1e-12, **kwargs)
    assert result.n_iter == 20
    m = 10 if memory is None else memory
    assert _worst_misalignment(result, lambda x: D @ x, m) < 1e-9
    assert _worst_misalignment(result, lambda x: D @ x, m + 1) > 1e-3  # the check can tell m from m + 1


@pytest.mark.parametrize("x0", [1e-6, 1e3])
def test_second_step_on_a_one_variable_quadratic_is_the_secant_step(x0):
    # f = 1.5 x^2 / 2: after one step the pair gives H = s/y = 1/1.5 exactly the inverse curvature,
    # so the second step lands on the minimum 0 (up to rounding), at any scale of x0, with one pair of memory
    for memory in (1, 10):
        result = lbfgs(_quadratic(np.array([[1.5]])), [x0], memory=memory)
        assert result.converged and result.n_iter == 2
        assert abs(result.x[0]) < 1e-12 * x0


def test_max_iter_defaults_to_1000():
    # f = -x never converges and every step is accepted: the run stops at the documented default
    result = lbfgs(_linear, [0.0])
    assert result.n_iter == 1000 and result.converged is False
    assert result.path.shape == (1001, 1) and result.values.shape == (1001,)
    # the steepest-descent step of length 1 each time (no curvature pair: y = 0)
    np.testing.assert_array_equal(result.path[:4, 0], [0.0, 1.0, 2.0, 3.0])
    assert isinstance(result.message, str) and result.message


def test_max_iter_bounds():
    with pytest.raises(ValueError):
        lbfgs(_stationary, [1.0], max_iter=-1)
    with pytest.raises(ValueError):
        lbfgs(_stationary, [1.0], max_iter=10_000_001)  # MAX_ITER = 10**7
    assert lbfgs(_stationary, [1.0], max_iter=10_000_000).converged
    # max_iter=0 is allowed: the start alone, not converged as its gradient is 1
    result = lbfgs(_quadratic(np.eye(1)), [1.0], max_iter=0)
    assert result.n_iter == 0 and result.converged is False
    np.testing.assert_array_equal(result.path, [[1.0]])


def test_tol_zero_is_allowed_and_negative_refused():
    # f = x^2/2 from 1: the first step (t = 1, d = -1) lands exactly on 0, where the gradient is exactly 0
    result = lbfgs(_quadratic(np.eye(1)), [1.0], tol=0.0)
    assert result.converged and result.n_iter == 1 and result.x[0] == 0.0
    with pytest.raises(ValueError):
        lbfgs(_quadratic(np.eye(1)), [1.0], tol=-1e-8)


def test_memory_bounds():
    assert lbfgs(_stationary, [1.0], memory=1000).converged
    with pytest.raises(ValueError):
        lbfgs(_stationary, [1.0], memory=1001)


def test_convergence_test_is_less_or_equal():
    # ||grad f(x0)|| = 0.5 exactly and tol = 0.5: converged at the start, with a message
    result = lbfgs(_quadratic(np.eye(1)), [0.5], tol=0.5)
    assert result.converged is True and result.n_iter == 0
    assert isinstance(result.message, str) and result.message


def test_overflow_inside_f_does_not_warn():
    # a naive logistic gate 1/(1 + exp(800 - x.x)) overflows exp harmlessly (the gate is 0 here);
    # f is evaluated with numpy's floating-point warnings silenced
    def f(x):
        gate = 1.0 / (1.0 + np.exp(800.0 - x @ x))
        return 0.5 * x @ x + gate, x

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lbfgs(f, [1.0, 2.0])
    assert result.converged


def test_infinite_gradient_at_the_start_is_refused_before_any_step():
    calls = []

    def f(x):
        calls.append(x.copy())
        return 0.0, np.array([np.inf, 1.0])

    with pytest.raises(ValueError) as err:
        lbfgs(f, [1.0, 2.0])
    assert not isinstance(err.value, DivergenceError) and len(calls) == 1


@pytest.mark.parametrize("x0, x1", [(0.25, 0.125), (4.0, 3.0)])
def test_first_step_has_length_at_most_one(x0, x1):
    # f = a x^2/2, gradient a x: the first trial is x0 - t g with t = min(1, 1/|g|), so a step of
    # length min(|g|, 1), accepted here by Armijo. a = 0.5 from 0.25: g = 0.125, x1 = 0.125;
    # a = 1 from 4: g = 4, step of length 1, x1 = 3
    a = 0.5 if x0 < 1 else 1.0
    result = lbfgs(_quadratic(np.array([[a]])), [x0], max_iter=1)
    assert result.path[1, 0] == x1


def test_armijo_rejects_a_step_that_lowers_f_too_little():
    # f = a x^2/2 with a = 1.9999 from x0 = 0.5: g = 0.99995, so t = 1 and the full step goes to
    # 0.5 (1 - a) = -0.49995, where f = 0.2499375 > f(x0) - 1e-4 g^2 = 0.2498875 although f did drop;
    # halved, t = 0.5 goes to 0.5 (1 - a/2) = 2.5e-5, accepted
    a = 1.9999
    result = lbfgs(_quadratic(np.array([[a]])), [0.5], max_iter=1)
    assert result.path[1, 0] == pytest.approx(0.5 * (1 - a / 2), rel=1e-12)


def _table(first_trial_value):
    """f(0) = 2 with gradient -1e-12; the first trial point 1e-12 has the given value; any shorter step has
    value 2 - 4 eps and gradient 0 (converged there)."""

    def f(x):
        if x[0] == 0.0:
            return 2.0, np.array([-1e-12])
        if x[0] == 1e-12:
            return first_trial_value, np.array([0.0])
        return 2.0 - 4 * EPS, np.array([0.0])

    return f


def test_first_trial_allows_eight_eps_times_f_of_rounding():
    # near the minimum the first, full step may raise f by up to 8 eps |f| = 16 eps here (f = 2; tol = 0 as
    # the gradient is tiny);
    # 1e-4 t slope = -1e-28 is lost against 2. d = 1e-12, t = min(1, 1e12) = 1: the first trial is 1e-12
    at_limit = lbfgs(_table(2.0 + 16 * EPS), [0.0], tol=0.0)
    assert at_limit.converged and at_limit.path[1, 0] == 1e-12
    # one ulp (2 eps at 2) more is rejected; the halved step (no allowance any more) is accepted
    above = lbfgs(_table(2.0 + 18 * EPS), [0.0], tol=0.0)
    assert above.converged and above.path[1, 0] == 5e-13


def test_backtracking_tries_sixty_step_lengths():
    # from 0 with gradient -1 (d = 1, t = 1) the trials are 1, 1/2, ..., 2^-59; f rises at every one of
    # them except those below 2^-59 (x = 0 exactly maps to 1, anything else to 2)
    def f(x, cutoff):
        if x[0] == 0.0:
            return 1.0, np.array([-1.0])
        return (0.5 if x[0] < cutoff else 2.0), np.array([0.0])

    reached = lbfgs(lambda x: f(x, 2.0**-58), [0.0], max_iter=1)  # 2^-59 lowers f: accepted
    assert reached.path[1, 0] == 2.0**-59
    with pytest.raises(DivergenceError) as err:
        lbfgs(lambda x: f(x, 2.0**-59), [0.0], max_iter=1)  # only 2^-60 would: stalled
    stalled = err.value.result
    assert stalled.converged is False and stalled.n_iter == 0
    assert isinstance(stalled.message, str) and stalled.message
    np.testing.assert_array_equal(stalled.path, [[0.0]])


def test_a_step_below_the_resolution_of_x_stalls():
    # f = 1e-23 x^2 / 2 at x0 = 1e20: g = 1e-3, the step 1e-3 is below half an ulp of 1e20 (8192),
    # so x + t d == x: a badly scaled problem is reported, not iterated in place, and f (expensive in a
    # model) is not evaluated again at the point it was just evaluated at
    calls = []

    def f(x):
        calls.append(x.copy())
        return 0.5e-23 * float(x @ x), 1e-23 * x

    with pytest.raises(DivergenceError) as err:
        lbfgs(f, [1e20], max_iter=5)
    assert err.value.result.n_iter == 0 and err.value.result.converged is False
    assert len(calls) == 1


def test_non_finite_gradient_after_a_step_reports_where():
    # f = x^2/4 (gradient x/2) from 0.25, with the gradient returned as inf once |x| < 0.1: the first step
    # (t = 1) goes to 0.25 - 0.125 = 0.125, the second (the secant step) to about 0, where it is inf
    def f(x):
        g = 0.5 * x if abs(x[0]) > 0.1 else np.array([np.inf])
        return 0.25 * float(x @ x), g

    with pytest.raises(DivergenceError) as err:
        lbfgs(f, [0.25])
    result = err.value.result
    assert result.converged is False and result.n_iter == 1
    np.testing.assert_array_equal(result.path, [[0.25], [0.125]])
    # the message names the iteration whose gradient is not finite: the second
    assert re.findall(r"-?\d+", result.message) == ["2"]


@pytest.mark.parametrize("a, path", [
    # a = 1.99 from 0.05: every full step x -> x (1 - a) = -0.99 x passes Armijo (f drops by 1 - 0.99^2 of itself,
    # more than 1e-4 |g|^2), so the restarted step is the full step -g1 too
    (1.99, [0.05, 0.05 * (1 - 1.99), 0.05 * (1 - 1.99) ** 2]),
    # a = 1.9999 from 0.5: the full step x (1 - a) lowers f too little for Armijo (see the test above), the
    # halved one x (1 - a/2) passes, both at the first step and at the restarted one
    (1.9999, [0.5, 0.5 * (1 - 1.9999 / 2), 0.5 * (1 - 1.9999 / 2) ** 2]),
])
def test_a_direction_that_is_not_downhill_restarts_as_steepest_descent(monkeypatch, a, path):
    # round-off in the memory can cancel the two-loop direction; simulated here by a direction of slope
    # g.d = 0 whenever there are pairs. L-BFGS then forgets the pairs and steps along -g, with t = 1 for
    # |g| <= 1 and Armijo's condition on the slope -|g|^2 of that direction
    true_direction = lbfgs_module._direction

    def cancelled(g, pairs):
        return np.zeros_like(g) if pairs else true_direction(g, pairs)

    monkeypatch.setattr(lbfgs_module, "_direction", cancelled)
    result = lbfgs(_quadratic(np.array([[a]])), [path[0]], max_iter=2)
    np.testing.assert_allclose(result.path[:, 0], path, rtol=1e-12)


def test_a_finite_gradient_near_the_float64_limit_fails_cleanly_without_numpy_warnings():
    # f = 1e300 (x1 + x2): the gradient (1e300, 1e300) is finite but its norm and g @ d overflow.
    # No step of length <= 1 / ||g|| = 0 can move x, so L-BFGS reports a DivergenceError (the
    # package's failure), and no RuntimeWarning from numpy comes before it.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError):
            lbfgs(lambda x: (1e300 * float(x.sum()), np.full(2, 1e300)), np.array([1.0, 1.0]))


def test_a_stall_names_the_iteration_it_happened_in():
    # f = x.x with the "gradient" -2x (uphill), from x0 = (1, 2): every trial of the first
    # step, x (1 + 2t) for t = 1/|g| = 1/(2 sqrt 5) halved until x no longer moves, raises f.
    # No step was taken: the stall is in iteration 1, as gradient descent and L-BFGS's own
    # non-finite-gradient message count (it said "iteration 0": the count of steps done).
    with pytest.raises(DivergenceError) as info:
        lbfgs(lambda v: (float(v @ v), -2 * v), [1.0, 2.0])
    assert str(info.value).startswith("L-BFGS stalled at iteration 1:"), str(info.value)
    result = info.value.result
    assert result.n_iter == 0 and result.message == "stalled at iteration 1"
    np.testing.assert_array_equal(result.x, [1.0, 2.0])
