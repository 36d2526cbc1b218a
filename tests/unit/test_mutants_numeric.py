"""Behaviour of calcnotes.numeric that the mutation run found unpinned.

With an explicit step h = 0.5 (exact in binary) the central differences of
cubics and quartics are worked out by hand.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calcnotes.numeric import numeric_gradient, numeric_hessian, numeric_jacobian


def test_explicit_step_gives_the_central_difference_formula():
    # d/dt t^3 by ((t + h)^3 - (t - h)^3) / 2h = 3t^2 + h^2: 3.25 at t = 1, 12.25 at t = 2
    f = lambda x: np.array([x[0] ** 3, x[0] * x[1] ** 3])  # noqa: E731
    np.testing.assert_array_equal(numeric_jacobian(f, [1.0, 2.0], h=0.5), [[3.25, 0.0], [8.0, 12.25]])
    np.testing.assert_array_equal(numeric_gradient(lambda x: x[0] ** 3 + x[1] ** 3, [1.0, 2.0], h=0.5), [3.25, 12.25])


def test_explicit_step_hessian_is_the_documented_formula():
    # H_ii = (f(x + 2h e_i) - 2 f(x) + f(x - 2h e_i)) / 4h^2 (the formula with i = j):
    # for x0^4 at x0 = 1, h = 0.5: (2^4 - 2 + 0^4) / 1 = 14; x0 x1 gives H_01 = 1 exactly
    H = numeric_hessian(lambda x: x[0] ** 4 + x[0] * x[1], [1.0, 2.0], h=0.5)
    np.testing.assert_array_equal(H, [[14.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("method", [numeric_jacobian, numeric_hessian])
def test_x_must_be_a_vector(method):
    with pytest.raises(ValueError, match="0-D or 1-D"):
        method(lambda x: np.sum(x), np.ones((2, 2)))


def test_gradient_takes_any_shape():
    # the gradient of sum(W^2) is 2W, exact for a quadratic at any step
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_array_equal(numeric_gradient(lambda w: np.sum(w**2), W, h=0.5), 2 * W)


@pytest.mark.parametrize(
    ("method", "f"),
    [(numeric_jacobian, np.log), (numeric_gradient, lambda x: np.log(x).sum()),
     (numeric_hessian, lambda x: np.log(x).sum())],
)
def test_an_explicit_step_outside_the_domain_raises(method, f):
    # x - h = -0.5 in the first coordinate: log is NaN there
    with pytest.raises(ValueError, match="not finite"):
        method(f, [0.5, 1.0], h=1.0)


def _quadratic_form(w):
    # w^T w written as a (1, n) @ (n, 1) product: a scalar in a (1, 1) array, as a user's matrix code returns it
    return w.reshape(1, -1) @ w.reshape(-1, 1)


@pytest.mark.parametrize("method", ["central", "forward", "complex"])
def test_a_one_by_one_array_output_counts_as_a_scalar(method):
    # grad of w.w is 2w; central and complex are exact for a quadratic, forward with h = 0.5 gives
    # ((w_i + h)^2 - w_i^2) / h = 2 w_i + h; the default steps at w_1 = 2e3 try several candidates
    expected = {"central": [2.0, 4.0], "forward": [2.5, 4.5], "complex": [2.0, 4.0]}[method]
    np.testing.assert_allclose(numeric_gradient(_quadratic_form, [1.0, 2.0], method=method, h=0.5), expected)
    np.testing.assert_allclose(numeric_gradient(_quadratic_form, [1.0, 2e3], method=method), [2.0, 4e3], rtol=1e-6)


def test_hessian_of_a_one_by_one_array_output():
    # the Hessian of w.w is 2I; the second differences of a quadratic are exact
    np.testing.assert_allclose(numeric_hessian(_quadratic_form, [1.0, 2.0], h=0.5), 2 * np.eye(2))
    np.testing.assert_allclose(numeric_hessian(_quadratic_form, [1.0, 2e3]), 2 * np.eye(2), atol=1e-4)


def test_an_output_that_becomes_a_vector_away_from_x_is_refused():
    # f is a scalar at x = 1 but returns two numbers at x + h (or at x - h): not a scalar function
    up = lambda w: np.full(2 if w[0] > 1 else 1, w[0] ** 2)  # noqa: E731
    down = lambda w: np.full(2 if w[0] < 1 else 1, w[0] ** 2)  # noqa: E731
    for f in (up, down):
        for method in ("central", "forward"):
            if f is down and method == "forward":
                continue  # forward never evaluates x - h
            with pytest.raises(ValueError):
                numeric_gradient(f, [1.0], method=method, h=0.5)


def test_complex_method_uses_the_given_step():
    # Im (1 + ih)^3 / h = (3h - h^3) / h = 3 - h^2: 2.75 for h = 0.5 (the default 1e-20 gives 3)
    assert numeric_gradient(lambda w: w[0] ** 3, [1.0], method="complex", h=0.5)[0] == 2.75
    assert numeric_gradient(lambda w: w[0] ** 3, [1.0], method="complex")[0] == 3.0


def test_complex_method_keeps_the_shape_of_x():
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_array_equal(numeric_gradient(lambda w: np.sum(w**2), W, method="complex"), 2 * W)


def test_a_pole_or_overflow_at_x_itself_raises():
    # 1/w is infinite at w = 0, although f(0 +/- h) is finite
    with np.errstate(divide="ignore"):
        for method in (numeric_gradient, numeric_jacobian, numeric_hessian):
            with pytest.raises(ValueError):
                method(lambda w: 1 / w[0], [0.0], h=0.5)


def test_a_hessian_cross_term_point_outside_the_domain_raises():
    # f = 1 / (w0 w1 - 1/4) at 0 with h = 0.5: the diagonal points (+/-1, 0), (0, +/-1) give -4,
    # but the cross points (+/-0.5, +/-0.5) have w0 w1 = 1/4: a pole
    with np.errstate(divide="ignore"), pytest.raises(ValueError):
        numeric_hessian(lambda w: 1 / (w[0] * w[1] - 0.25), [0.0, 0.0], h=0.5)


@pytest.mark.parametrize("method", [numeric_gradient, numeric_jacobian, numeric_hessian])
def test_a_point_outside_the_domain_raises_without_a_numpy_warning(method):
    # log(-1) makes numpy warn "invalid value"; the documented outcome is a ValueError, not that warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            method(lambda w: np.log(w).sum(), [-1.0, 1.0])


@pytest.mark.parametrize("method", [numeric_gradient, numeric_jacobian, numeric_hessian])
def test_an_explicit_step_past_the_domain_on_the_plus_side_raises(method):
    # log(1 - w) at w = 0.5 with h = 1 (2h = 2 for the Hessian's diagonal): log of a negative number at x + h
    with pytest.raises(ValueError):
        method(lambda w: np.log(1 - w).sum(), [0.5], h=1.0)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_default_steps_that_leave_the_domain_are_skipped(side):
    # sqrt(2e-3 + side (w - 1000)) at w = 1000: f' = side / (2 sqrt(2e-3)) = +/-11.1803...; the largest
    # candidate step eps^(1/3) * 1000 ~ 6e-3 passes the end of the domain (NaN), the smaller ones do not
    f = lambda w: np.sqrt(2e-3 + side * (w - 1000))  # noqa: E731
    exact = side / (2 * np.sqrt(2e-3))
    assert numeric_gradient(lambda w: f(w[0]), [1000.0])[0] == pytest.approx(exact, rel=1e-5)
    assert numeric_jacobian(f, [1000.0])[0, 0] == pytest.approx(exact, rel=1e-5)
    # the Hessian's candidates (eps^(1/4) 1000^s, doubled on the diagonal) reach 0.24, past a domain end at
    # 0.2 from x: sqrt(0.2 + side (w - 1000)) has f'' = -1 / (4 0.2^1.5) for both sides
    g = lambda w: np.sqrt(0.2 + side * (w[0] - 1000))  # noqa: E731
    assert numeric_hessian(g, [1000.0])[0, 0] == pytest.approx(-1 / (4 * 0.2**1.5), rel=1e-6)


def test_large_candidate_steps_that_overflow_do_not_warn():
    # A tanh(w - 1e6) with A = 1.5e308: f' = A at 1e6. The larger candidate steps (up to eps^(1/3) 1e6 ~ 6)
    # make f(x + h) - f(x - h) ~ 2A overflow; those steps are dropped silently and the small ones give A.
    A = 1.5e308
    B = 0.8e308  # -B cos(w - 1e6): f'' = B at 1e6; f(x + 2h) - 2 f(x) overflows for the large steps
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert numeric_gradient(lambda w: A * np.tanh(w[0] - 1e6), [1e6])[0] == pytest.approx(A, rel=1e-6)
        assert numeric_jacobian(lambda w: A * np.tanh(w - 1e6), [1e6])[0, 0] == pytest.approx(A, rel=1e-6)
        assert numeric_hessian(lambda w: -B * np.cos(w[0] - 1e6), [1e6])[0, 0] == pytest.approx(B, rel=1e-6)


def test_each_coordinate_gets_its_own_default_step():
    # w0^3 at w0 = 0: the central difference gives h^2 (~4e-11) at the one default step eps^(1/3) for |w0| <= 1,
    # and w0^4 gives 8h^2 on the Hessian's diagonal (steps 2h): tiny, not errors. w1 = 1e8 must not
    # change how w0 is treated (its own candidate search is for w1 only).
    # (w1 - 1e8 keeps f small, so that rounding does not hide the comparison of the steps h and 2h)
    f = lambda w: w[0] ** 3 + (w[1] - 1e8)  # noqa: E731
    np.testing.assert_allclose(numeric_gradient(f, [0.0, 1e8]), [0.0, 1.0], atol=1e-9)
    np.testing.assert_allclose(numeric_jacobian(f, [0.0, 1e8]), [[0.0, 1.0]], atol=1e-9)
    g = lambda w: w[0] ** 4 + (w[1] - 1e8) ** 2  # noqa: E731
    np.testing.assert_allclose(numeric_hessian(g, [0.0, 1e8]), np.diag([0.0, 2.0]), atol=1e-6)


def test_jacobian_default_step_is_eps_cubed_root():
    # documented default as numeric_gradient: h = eps^(1/3) for |x| <= 1. For w^3 at 0 the central
    # difference is exactly ((h)^3 - (-h)^3) / 2h = h^2 = eps^(2/3) ~ 3.7e-11 (eps^(1/4) would give 1.5e-8)
    h = np.finfo(float).eps ** (1 / 3)
    assert numeric_jacobian(lambda w: w**3, [0.0])[0, 0] == pytest.approx(h**2, rel=1e-6)


@pytest.mark.parametrize("method", [numeric_gradient, numeric_jacobian, numeric_hessian])
def test_no_reliable_step_at_a_kink_raises_value_error(method):
    # |w - k| with the kink k = 1000 + 1e-6 inside every candidate step: D(h) = -1e-6 / h and D(2h) = D(h) / 2
    # disagree by far more than 0.1 %, so the documented outcome is a ValueError
    with pytest.raises(ValueError):
        method(lambda w: np.abs(w - (1000 + 1e-6)).sum(), [1000.0])


@pytest.mark.parametrize("n", [2, 3])
def test_hessian_calls_f_once_per_formula_term(n):
    # with an explicit h: f(x) once, two calls per diagonal entry (x +/- 2h e_i), and four per
    # entry above the diagonal (the documented formula, mirrored): 1 + 2n + 4 n(n-1)/2
    calls = []

    def f(w):
        calls.append(1)
        return np.sum(w**2) + w[0] * w[-1]

    H = numeric_hessian(f, np.arange(1.0, n + 1), h=0.5)
    assert len(calls) == 1 + 2 * n + 2 * n * (n - 1)
    expected = 2 * np.eye(n)
    expected[0, -1] = expected[-1, 0] = 1.0
    np.testing.assert_array_equal(H, expected)


EPS = np.finfo(float).eps


def test_a_truncation_error_above_a_thousandth_raises():
    # At x = 1000 the smallest default step is h = eps^(1/3) (central), sqrt(eps) (forward), and 2 eps^(1/4)
    # on the Hessian's diagonal (steps of 2h). k is chosen so that even there the truncation error is
    # 1.6e-3 (central: (kh)^2 / 6 for sin(k w); second difference: (k 2h)^2 / 12 for cos) or 1.7e-3
    # (forward: c h / 2 for exp(c w)) of the derivative: above the documented 0.1 %, so a ValueError.
    k = np.sqrt(6 * 1.6e-3) / EPS ** (1 / 3)
    with pytest.raises(ValueError):
        numeric_gradient(lambda w: np.sin(k * (w[0] - 1000)), [1000.0])
    with pytest.raises(ValueError):
        numeric_jacobian(lambda w: np.sin(k * (w - 1000)), [1000.0])
    c = 2 * 1.7e-3 / EPS**0.5
    with pytest.raises(ValueError):
        numeric_gradient(lambda w: np.exp(c * (w[0] - 1000)), [1000.0], method="forward")
    k2 = np.sqrt(12 * 1.6e-3) / (2 * EPS**0.25)
    with pytest.raises(ValueError):
        numeric_hessian(lambda w: np.cos(k2 * (w[0] - 10)), [10.0])  # x = 10: two candidates, no aliasing


def test_small_function_values_do_not_make_rounding_look_large():
    # f = 1e-10 sin(100 (w - 1000)): f' = 1e-8, f'' at the Hessian's test function 1e-10 cos(10 (w - 1000))
    # is -1e-8. |f| is tiny, so the rounding error eps |f| / h is tiny too and the search must pick the
    # small steps: the largest candidates (6e-3 central, 0.24 Hessian) have truncation errors of 6 % and
    # 50 %, the smallest 6e-8 and 5e-7 relative.
    assert numeric_gradient(lambda w: 1e-10 * np.sin(100 * (w[0] - 1000)), [1000.0])[0] == pytest.approx(1e-8, rel=1e-5)
    assert numeric_jacobian(lambda w: 1e-10 * np.sin(100 * (w - 1000)), [1000.0])[0, 0] == pytest.approx(1e-8, rel=1e-5)
    H = numeric_hessian(lambda w: 1e-10 * np.cos(10 * (w[0] - 1000)), [1000.0])
    assert H[0, 0] == pytest.approx(-1e-8, rel=1e-5)


def test_forward_step_choice_follows_the_truncation_error():
    # f = 1e4 (w - 1000)^2 + (w - 1000) + 1e-12: f' = 1, truncation h f'' / 2 = 1e4 h, least at the smallest
    # candidate sqrt(eps) ~ 1.5e-8 (1.5e-4); |f(x)| = 1e-12 makes rounding negligible
    f = lambda w: 1e4 * (w[0] - 1000) ** 2 + (w[0] - 1000) + 1e-12  # noqa: E731
    assert numeric_gradient(f, [1000.0], method="forward")[0] == pytest.approx(1.0, abs=1e-3)


def test_hessian_step_balances_truncation_and_rounding():
    # f = 1e10 + 100 cos(w - 1000): f'' = -100. The second difference with step s errs by s^2/12 * 100 from
    # truncation and about 4 eps 1e10 / s^2 from rounding; the sum is least at s ~ 0.03, where it is ~0.017.
    # The candidates are spaced by factors of 10, so within 3 times that.
    H = numeric_hessian(lambda w: 1e10 + 100 * np.cos(w[0] - 1000), [1000.0])
    assert abs(H[0, 0] + 100) < 0.05


def test_forward_steps_that_cross_a_kink_are_not_chosen():
    # |w - k| with k = 1000 + 1e-6: f' = -1 at 1000. Forward candidates run from sqrt(eps) 1000 ~ 1.5e-5 (past the
    # kink: quotient 1 - 2e-6 / h) down to 1.5e-8 (short of it: exactly -1); the latter disagree with nothing
    assert numeric_gradient(lambda w: np.abs(w[0] - (1000 + 1e-6)), [1000.0], method="forward")[0] == -1.0


def test_a_small_slope_under_large_values_is_found_within_rounding():
    # f = 1e8 + 1e-5 (w - 1000): f' = 1e-5, but |f| = 1e8 leaves a rounding error eps |f| / h in each quotient,
    # least at the largest central candidate h = eps^(1/3) 1000 ~ 6e-3: ~3.7e-6. The estimate must not be
    # thrown away as unreliable nor replaced by a noisier step's.
    f = lambda w: 1e8 + 1e-5 * (w - 1000)  # noqa: E731
    bound = EPS * 1e8 / (EPS ** (1 / 3) * 1000)
    assert abs(numeric_gradient(lambda w: f(w[0]), [1000.0])[0] - 1e-5) < bound
    assert abs(numeric_jacobian(f, [1000.0])[0, 0] - 1e-5) < bound
