"""calcnotes.optim: heavy ball, Nesterov, Adam, schedules and minibatches.

Each update rule is checked against two steps worked by hand (in the
comments), then for convergence, divergence and its input checks. The
trajectories against torch.optim live in benchmarks/optim_vs_torch.py
(torch is not a test dependency).
"""

import math

import numpy as np
import pytest

import calcnotes
from calcnotes.gradient_descent import gradient_descent
from calcnotes.optim import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    Minibatches,
    StepDecay,
    StochasticGradient,
    adam,
    heavy_ball,
    nesterov,
    stochastic_gradient,
)
from calcnotes.result import DivergenceError, OptimizeResult

# The narrow valley of the chapter: E(m, b) = sum (m x_i + b - y_i)^2 over
# (1, 2), (2, 5), (3, 3). By hand: grad E = H theta - c with
# H = 2 [[sum x^2, sum x], [sum x, n]] = [[28, 12], [12, 6]],
# c = 2 [sum x y, sum y] = [42, 20]; minimum (1/2, 7/3).
H = np.array([[28.0, 12.0], [12.0, 6.0]])
c = np.array([42.0, 20.0])
X_DATA = np.array([1.0, 2.0, 3.0])
Y_DATA = np.array([2.0, 5.0, 3.0])
MINIMUM = np.array([1 / 2, 7 / 3])


def grad_E(theta):
    return H @ theta - c


def E(theta):
    return float(np.sum((theta[0] * X_DATA + theta[1] - Y_DATA) ** 2))


# --- update rules, two steps by hand ----------------------------------------


def test_heavy_ball_two_steps_by_hand():
    # eta = 0.05, beta = 0.5, from (0, 0):
    # g0 = -c = (-42, -20); v1 = g0;  theta1 = -0.05 v1 = (2.1, 1.0)
    # g1 = (28*2.1 + 12*1 - 42, 12*2.1 + 6*1 - 20) = (28.8, 11.2)
    # v2 = 0.5 (-42, -20) + (28.8, 11.2) = (7.8, 1.2)
    # theta2 = (2.1, 1.0) - 0.05 (7.8, 1.2) = (1.71, 0.94)
    result = heavy_ball(grad_E, [0.0, 0.0], 0.05, momentum=0.5, max_iter=2, tol=0)
    np.testing.assert_allclose(result.path, [[0, 0], [2.1, 1.0], [1.71, 0.94]], atol=1e-12)
    assert isinstance(result, OptimizeResult) and result.n_iter == 2
    assert not result.converged and "did not converge in max_iter=2" in result.message


def test_nesterov_two_steps_by_hand():
    # eta = 0.05, beta = 0.5, from (0, 0):
    # v1 = g0 = (-42, -20); step g0 + 0.5 v1 = (-63, -30); theta1 = (3.15, 1.5)
    # g1 = (28*3.15 + 12*1.5 - 42, 12*3.15 + 6*1.5 - 20) = (64.2, 26.8)
    # v2 = 0.5 (-42, -20) + (64.2, 26.8) = (43.2, 16.8)
    # step g1 + 0.5 v2 = (85.8, 35.2); theta2 = (3.15 - 4.29, 1.5 - 1.76)
    result = nesterov(grad_E, [0.0, 0.0], 0.05, momentum=0.5, max_iter=2, tol=0)
    np.testing.assert_allclose(result.path, [[0, 0], [3.15, 1.5], [-1.14, -0.26]], atol=1e-12)


def test_adam_two_steps_by_hand():
    # f(x) = x^2 from 1, eta = 0.1, betas (0.9, 0.999), eps = 1e-8:
    # t=1: g = 2, m = 0.1*2 = 0.2, s = 0.001*4 = 0.004,
    #      m_hat = 0.2/0.1 = 2, s_hat = 0.004/0.001 = 4, x1 = 1 - 0.1 * 2/(2 + eps)
    # t=2: g = 2 x1, m = 0.9*0.2 + 0.1 g, s = 0.999*0.004 + 0.001 g^2,
    #      m_hat = m/(1 - 0.81), s_hat = s/(1 - 0.998001), x2 = x1 - 0.1 m_hat/(sqrt(s_hat) + eps)
    # (with x1 ~ 0.9: m = 0.36, m_hat = 1.8947, s = 0.007236, s_hat = 3.6198, x2 ~ 0.80041)
    eps = 1e-8
    x1 = 1 - 0.1 * 2 / (2 + eps)
    g = 2 * x1
    m = 0.9 * 0.2 + 0.1 * g
    s = 0.999 * 0.004 + 0.001 * g * g
    x2 = x1 - 0.1 * (m / 0.19) / (math.sqrt(s / 0.001999) + eps)
    result = adam(lambda x: 2 * x, 1.0, 0.1, max_iter=2, tol=0)
    np.testing.assert_allclose(result.path, [1.0, x1, x2], rtol=0, atol=1e-12)
    assert x2 == pytest.approx(0.800412, abs=1e-6)
    assert isinstance(result.x, float)


def test_adam_first_step_is_eta_per_coordinate_whatever_the_scale():
    # m_hat_1 = g_1 and sqrt(s_hat_1) = |g_1|: the first step is -eta sign(g_1)
    result = adam(grad_E, [0.0, 0.0], 0.1, max_iter=1, tol=0)
    np.testing.assert_allclose(result.path[1], [0.1, 0.1], atol=1e-9)


def test_heavy_ball_without_momentum_is_gradient_descent():
    ours = heavy_ball(grad_E, [0.0, 0.0], 0.05, momentum=0, f=E)
    theirs = gradient_descent(grad_E, [0.0, 0.0], 0.05, f=E)
    assert ours.n_iter == theirs.n_iter == 511           # as gradient-descent-2d
    np.testing.assert_array_equal(ours.path, theirs.path)
    np.testing.assert_array_equal(ours.values, theirs.values)


def test_heavy_ball_is_polyaks_form_with_a_constant_rate():
    # x_{k+1} = x_k - eta grad f(x_k) + beta (x_k - x_{k-1})
    eta, beta = 0.04, 0.7
    result = heavy_ball(grad_E, [0.0, 0.0], eta, beta, max_iter=30, tol=0)
    prev = x = np.zeros(2)
    for k in range(30):
        prev, x = x, x - eta * grad_E(x) + beta * (x - prev)
        np.testing.assert_allclose(result.path[k + 1], x, atol=1e-12)


def test_nesterov_iterates_are_the_look_ahead_points_of_the_textbook_form():
    # y_k = x_k + beta (x_k - x_{k-1}), x_{k+1} = y_k - eta grad f(y_k)
    eta, beta = 0.03, 0.7
    result = nesterov(grad_E, [0.0, 0.0], eta, beta, max_iter=40, tol=0)
    prev = x = np.zeros(2)
    for k in range(40):
        y = x + beta * (x - prev)
        np.testing.assert_allclose(result.path[k], y, atol=1e-12)
        prev, x = x, y - eta * grad_E(y)


# --- convergence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        (heavy_ball, {"learning_rate": 0.05, "momentum": 0.6}),
        (nesterov, {"learning_rate": 0.03, "momentum": 0.7}),
        (adam, {"learning_rate": 0.1}),
    ],
)
def test_converges_on_the_valley_and_a_random_quadratic(method, kwargs):
    result = method(grad_E, [0.0, 0.0], max_iter=5000, f=E, **kwargs)
    assert result.converged and "converged" in result.message
    # |theta - theta*| <= |grad| / lambda_min = 1e-8 / 0.72
    np.testing.assert_allclose(result.x, MINIMUM, atol=2e-8)
    assert result.path.shape == (result.n_iter + 1, 2) and result.values.shape == (result.n_iter + 1,)
    # a 6-variable quadratic 1/2 x^T A x - b^T x, oracle np.linalg.solve
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    A = Q @ np.diag(np.linspace(1.0, 20.0, 6)) @ Q.T
    b = rng.standard_normal(6)
    result = method(lambda x: A @ x - b, np.zeros(6), max_iter=5000, **kwargs)
    assert result.converged
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-8)


def test_momentum_beats_gradient_descent_on_the_narrow_valley():
    # Polyak's best settings from the curvatures mu, L of H (eigvalsh, the oracle)
    mu, L = np.linalg.eigvalsh(H)
    eta = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    beta = ((np.sqrt(L) - np.sqrt(mu)) / (np.sqrt(L) + np.sqrt(mu))) ** 2
    fast = heavy_ball(grad_E, [0.0, 0.0], eta, beta)
    assert fast.converged and 4 * fast.n_iter < 511


def test_scalar_start_gives_scalar_result():
    result = heavy_ball(lambda x: 2 * (x - 3), 0.0, 0.1, momentum=0.5)
    assert isinstance(result.x, float) and result.x == pytest.approx(3.0, abs=1e-8)
    assert result.path.shape == (result.n_iter + 1,)


def test_zero_max_iter_returns_the_start():
    result = adam(grad_E, [1.0, 2.0], 0.1, max_iter=0)
    assert result.n_iter == 0 and not result.converged
    np.testing.assert_array_equal(result.path, [[1.0, 2.0]])


def test_start_at_the_minimum_converges_at_once():
    result = nesterov(grad_E, MINIMUM, 0.03, 0.7)
    assert result.converged and result.n_iter == 0


# --- schedules ----------------------------------------------------------------


def test_schedule_values_by_hand():
    assert [StepDecay(1.0, step_size=3, gamma=0.5)(k) for k in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert [ExponentialDecay(2.0, gamma=0.5)(k) for k in range(4)] == [2, 1, 0.5, 0.25]
    assert [InverseTimeDecay(1.0, decay=0.5)(k) for k in range(4)] == [1, 1 / 1.5, 0.5, 1 / 2.5]
    cosine = CosineDecay(1.0, n_steps=4, min_rate=0.2)
    # 0.2 + 0.8 (1 + cos(pi k / 4)) / 2: 1, 0.2 + 0.4 (1 + sqrt(2)/2), 0.6, ..., 0.2
    expected = [1.0, 0.2 + 0.4 * (1 + math.sqrt(0.5)), 0.6, 0.2 + 0.4 * (1 - math.sqrt(0.5)), 0.2, 0.2]
    np.testing.assert_allclose([cosine(k) for k in range(6)], expected, atol=1e-15)
    assert InverseTimeDecay(0.3, decay=0)(10**6) == 0.3         # decay 0: constant


def test_schedules_are_frozen_and_print_their_settings():
    schedule = StepDecay(0.1, step_size=10)
    assert repr(schedule) == "StepDecay(learning_rate=0.1, step_size=10, gamma=0.1)"
    with pytest.raises(AttributeError):
        schedule.gamma = 0.5


def test_schedule_drives_each_step():
    # momentum 0 and rates 0.1, 0.1, 0.05 on f = x^2 from 1:
    # x1 = 1 - 0.1*2 = 0.8, x2 = 0.8 - 0.1*1.6 = 0.64, x3 = 0.64 - 0.05*1.28 = 0.576
    result = heavy_ball(lambda x: 2 * x, 1.0, StepDecay(0.1, step_size=2, gamma=0.5),
                        momentum=0, max_iter=3, tol=0)
    np.testing.assert_allclose(result.path, [1.0, 0.8, 0.64, 0.576], atol=1e-15)
    # any callable k -> rate is a schedule
    result = adam(lambda x: 2 * x, 1.0, lambda k: 0.1 if k == 0 else 0.0, max_iter=3, tol=0)
    np.testing.assert_allclose(result.path[1:], 0.9, atol=1e-8)   # only the first step moves


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: StepDecay(0.1, step_size=0), ValueError, "step_size must be >= 1"),
        (lambda: StepDecay(0.1, step_size=2.5), TypeError, "step_size must be an integer"),
        (lambda: StepDecay(0.1, 10, gamma=1.5), ValueError, r"gamma must be in \(0, 1\]"),
        (lambda: ExponentialDecay(0.1, gamma=0), ValueError, "gamma must be > 0"),
        (lambda: ExponentialDecay(-0.1, gamma=0.5), ValueError, "learning_rate must be > 0"),
        (lambda: InverseTimeDecay(0.1, decay=-1), ValueError, "decay must be >= 0"),
        (lambda: CosineDecay(0.1, n_steps=100, min_rate=0.5), ValueError,
         "min_rate must be at most learning_rate"),
        (lambda: CosineDecay("0.1", n_steps=100), TypeError, "learning_rate must be a real number"),
        (lambda: StepDecay(0.1, 10)(-1), ValueError, "k must be >= 0"),
    ],
)
def test_schedule_input_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("schedule", "error", "match"),
    [
        (lambda k: -0.1, ValueError, "returned -0.1 at step 0; a rate must be finite and >= 0"),
        (lambda k: float("nan"), ValueError, "returned nan at step 0"),
        (lambda k: "0.1", TypeError, "returned str '0.1' at step 0; it must return a float"),
    ],
)
def test_bad_schedule_output_raises(schedule, error, match):
    with pytest.raises(error, match=match):
        heavy_ball(grad_E, [0.0, 0.0], schedule)


# --- divergence ---------------------------------------------------------------


def test_heavy_ball_divergence_raises_with_partial_path():
    # eta L = 0.13 * 33.28 = 4.3 > 2 (1 + beta) = 3.8: the steep direction grows
    with pytest.raises(DivergenceError,
                       match=r"reduce learning_rate \(currently 0.13\) or momentum \(currently 0.9\)") as info:
        heavy_ball(grad_E, [0.0, 0.0], 0.13, momentum=0.9)
    partial = info.value.result
    assert isinstance(info.value, ValueError) and not partial.converged
    assert np.all(np.isfinite(partial.path)) and partial.path.ndim == 2


def test_nesterov_diverges_where_the_heavy_ball_does_not():
    # Nesterov's iteration on curvature lam is stable for eta lam < 2 (1 + beta)/(1 + 2 beta)
    # (Jury's test on its 2x2 matrix); eta L = 0.05 * 33.28 = 1.66 > 3.8/2.8 = 1.36
    with pytest.raises(DivergenceError, match="diverged at iteration"):
        nesterov(grad_E, [0.0, 0.0], 0.05, momentum=0.9)
    assert heavy_ball(grad_E, [0.0, 0.0], 0.05, momentum=0.9).converged


def test_divergence_through_f_and_schedule_named_in_the_message():
    schedule = ExponentialDecay(0.2, gamma=0.999)
    with pytest.raises(DivergenceError, match=r"f\(x\) = .*ExponentialDecay\(learning_rate=0.2"):
        heavy_ball(grad_E, [0.0, 0.0], schedule, momentum=0.5, f=E)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # |g| in result.py
def test_adam_overflowing_square_is_divergence_not_a_stall():
    # g^2 overflows float64 (1e200^2): s becomes inf and would freeze x silently
    with pytest.raises(DivergenceError, match=r"not finite.*Adam moves each coordinate"):
        adam(lambda x: 1e200 * x, [1.0, 1.0], 0.1)


def test_non_finite_gradient_raises():
    with pytest.raises(ValueError, match="not finite at x0"):
        nesterov(lambda x: np.full(2, np.nan), [0.0, 0.0], 0.1)
    with pytest.raises(DivergenceError, match="grad f\\(x\\) is not finite"):
        heavy_ball(lambda x: 1 / (x - 0.5), 0.0, 0.25, momentum=0.0)   # x1 = 0.5 exactly


# --- input checks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: heavy_ball(grad_E, [0, 0], "0.1"), TypeError,
         "learning_rate must be a float or a schedule"),
        (lambda: heavy_ball(grad_E, [0, 0], True), TypeError, "learning_rate must be a float"),
        (lambda: heavy_ball(grad_E, [0, 0], -0.1), ValueError, "learning_rate must be > 0"),
        (lambda: heavy_ball(grad_E, [0, 0], 0.1, momentum=1.0), ValueError,
         "momentum must be below 1, got 1; at 1 or more the old steps never fade out"),
        (lambda: heavy_ball(grad_E, [0, 0], 0.1, momentum=-0.5), ValueError, "momentum must be >= 0"),
        (lambda: nesterov(grad_E, [0, 0], 0.1, momentum=0), ValueError,
         r"momentum must be > 0 here, got 0; without momentum use heavy_ball\(momentum=0\)"),
        (lambda: adam(grad_E, [0, 0], 0.1, betas=0.9), TypeError, r"betas must be a pair \(beta1, beta2\)"),
        (lambda: adam(grad_E, [0, 0], 0.1, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be below 1"),
        (lambda: adam(grad_E, [0, 0], 0.1, eps=0), ValueError, "eps must be > 0"),
        (lambda: adam("grad", [0, 0], 0.1), TypeError, "grad must be a function"),
        (lambda: heavy_ball(grad_E, [0, 0], 0.1, f=3), TypeError, "f must be a function"),
        (lambda: nesterov(grad_E, [[0, 0]], 0.1), ValueError, "x0"),
        (lambda: heavy_ball(grad_E, [0, 0], 0.1, max_iter=-1), ValueError, "max_iter must be >= 0"),
        (lambda: heavy_ball(grad_E, [0, 0], 0.1, tol=-1), ValueError, "tol must be >= 0"),
        (lambda: adam(lambda x: [1.0], [0, 0], 0.1), ValueError, r"grad f\(x\) has shape \(1,\), expected \(2,\)"),
    ],
)
def test_input_errors_name_the_fix(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- minibatches --------------------------------------------------------------


def test_every_sample_once_per_epoch_and_last_batch_partial():
    n, batch_size, epochs = 10, 4, 3
    batches = Minibatches(np.arange(n), batch_size=batch_size, epochs=epochs, seed=5)
    rows = list(batches.indices())
    assert len(rows) == len(batches) == epochs * 3 and batches.batches_per_epoch == 3
    assert [len(r) for r in rows] == [4, 4, 2] * epochs              # 10 = 4 + 4 + 2
    for e in range(epochs):
        epoch = np.concatenate(rows[3 * e: 3 * e + 3])
        assert sorted(epoch.tolist()) == list(range(n))              # each sample once
    orders = [np.concatenate(rows[3 * e: 3 * e + 3]).tolist() for e in range(epochs)]
    assert orders[0] != orders[1] != orders[2]                       # reshuffled each epoch


def test_drop_last_and_no_shuffle():
    batches = Minibatches(np.arange(10), batch_size=4, epochs=2, shuffle=False, drop_last=True)
    assert [b[0].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]] * 2
    assert len(batches) == 4
    one = Minibatches(np.arange(3), batch_size=5)                   # B > n: one batch of all
    assert len(one) == 1 and sorted(next(iter(one))[0].tolist()) == [0, 1, 2]


def test_seeding_reproduces_and_different_seeds_differ():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    first = [yb.tolist() for _, yb in Minibatches(X, y, batch_size=3, epochs=2, seed=7)]
    again = [yb.tolist() for _, yb in Minibatches(X, y, batch_size=3, epochs=2, seed=7)]
    other = [yb.tolist() for _, yb in Minibatches(X, y, batch_size=3, epochs=2, seed=8)]
    assert first == again and first != other
    batches = Minibatches(X, y, batch_size=3, epochs=2, seed=7)
    assert [yb.tolist() for _, yb in batches] == [yb.tolist() for _, yb in batches]  # re-iterable
    for Xb, yb in batches:                                           # rows stay paired
        np.testing.assert_array_equal(Xb, X[yb])


def test_minibatches_repr():
    text = repr(Minibatches(np.zeros((5, 2)), batch_size=2))
    assert text == ("Minibatches(n_samples=5, batch_size=2, epochs=1, shuffle=True, "
                    "seed=0, drop_last=False)")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: Minibatches(batch_size=2), TypeError, "pass at least one array"),
        (lambda: Minibatches(np.zeros(3), np.zeros(4), batch_size=2), ValueError,
         "array 0 has 3 and array 1 has 4"),
        (lambda: Minibatches(np.zeros(0), batch_size=2), ValueError, "at least one sample"),
        (lambda: Minibatches(3.0, batch_size=2), ValueError, "at least one sample"),
        (lambda: Minibatches(np.zeros(3), batch_size=0), ValueError, "batch_size must be >= 1"),
        (lambda: Minibatches(np.zeros(3), batch_size=1.5), TypeError, "batch_size must be an integer"),
        (lambda: Minibatches(np.zeros(3), batch_size=1, epochs=0), ValueError, "epochs must be >= 1"),
        (lambda: Minibatches(np.zeros(3), batch_size=1, seed=None), TypeError,
         "seed must be a non-negative int, got NoneType None; pass e.g. seed=0"),
        (lambda: Minibatches(np.zeros(3), batch_size=1, seed=-1), TypeError, "non-negative int"),
        (lambda: Minibatches(np.zeros(3), batch_size=1, shuffle="yes"), TypeError,
         "shuffle must be True or False"),
        (lambda: Minibatches(np.zeros(3), batch_size=4, drop_last=True), ValueError,
         "leaves no batch at all; lower batch_size or set drop_last=False"),
        (lambda: stochastic_gradient(None, np.zeros(3), batch_size=1), TypeError,
         "grad_batch must be a function"),
    ],
)
def test_minibatch_input_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _grad_batch(theta, xb, yb):
    """n/B times the gradient of the batch's squared errors: an unbiased estimate of grad E."""
    r = theta[0] * xb + theta[1] - yb
    return len(X_DATA) / len(xb) * np.array([2 * r @ xb, 2 * r.sum()])


def test_stochastic_gradient_follows_the_minibatch_stream_without_end():
    g = stochastic_gradient(_grad_batch, X_DATA, Y_DATA, batch_size=2, seed=3)
    assert isinstance(g, StochasticGradient) and g.batches.batches_per_epoch == 2
    stream = list(Minibatches(X_DATA, Y_DATA, batch_size=2, epochs=5, seed=3))
    theta = np.array([0.3, -0.2])
    for xb, yb in stream:                     # 5 epochs, then it keeps going
        np.testing.assert_array_equal(g(theta), _grad_batch(theta, xb, yb))
    assert g.n_calls == 10 and g.epochs_done == 5.0
    g(theta)
    assert g.epochs_done == 5.5 and "n_calls=11" in repr(g)


def test_the_estimates_of_one_epoch_average_to_the_full_gradient():
    # batch size 1: n * grad of one term; over an epoch every term once
    g = stochastic_gradient(_grad_batch, X_DATA, Y_DATA, batch_size=1, seed=0)
    theta = np.array([0.3, -0.2])
    mean = np.mean([g(theta) for _ in range(3)], axis=0)
    np.testing.assert_allclose(mean, grad_E(theta), atol=1e-12)


def test_minibatch_sgd_is_the_plain_loop():
    epochs = 50
    g = stochastic_gradient(_grad_batch, X_DATA, Y_DATA, batch_size=1, seed=0)
    result = heavy_ball(g, [0.0, 0.0], 0.01, momentum=0, max_iter=3 * epochs, tol=0)
    theta, path = np.zeros(2), [np.zeros(2)]
    for xb, yb in Minibatches(X_DATA, Y_DATA, batch_size=1, epochs=epochs, seed=0):
        theta = theta - 0.01 * _grad_batch(theta, xb, yb)
        path.append(theta)
    np.testing.assert_array_equal(result.path, np.array(path))
    assert g.n_calls == 3 * epochs + 1                # and once for the stopping test


# --- package ------------------------------------------------------------------


def test_top_level_lazy_exports():
    for name in ["heavy_ball", "nesterov", "adam", "StepDecay", "ExponentialDecay",
                 "InverseTimeDecay", "CosineDecay", "Minibatches", "stochastic_gradient"]:
        assert getattr(calcnotes, name) is getattr(calcnotes.optim, name)
        assert name in dir(calcnotes)
