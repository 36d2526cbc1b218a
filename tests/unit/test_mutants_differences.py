"""Behaviour of calcnotes.differences that the mutation run found unpinned.

Every expected value is derived here, by hand or from the documented
formulas, not copied from the code's output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calcnotes.differences import (
    DerivativeEstimate,
    central_difference,
    complex_step,
    forward_difference,
    richardson_derivative,
    second_difference,
)

EPS = np.finfo(np.float64).eps


def test_zero_function_values_give_zero_rounding_error():
    # f(x) = x - 3000 is 0 at x = 3000: the rounding error eps|f|/h of the
    # forward difference is 0 there and the quotient of a line is exact, so
    # the default step search (|x| > 1: several candidate steps) returns 1.
    assert forward_difference(lambda x: x - 3e3, 3e3) == 1.0
    # f = 0: f'' = 0 exactly and the rounding error 4 eps max|f(x +/- h)| / h^2 is 0.
    assert second_difference(lambda x: 0 * x, 3e3) == 0.0
    # f = 5 - 3x: f' = -3; the rounding error is at most eps |f| / h with |f| ~ 3e3
    # and h >= eps^(1/3) ~ 6e-6 (the smallest candidate): about 1.1e-7
    assert central_difference(lambda x: 5 - 3 * x, 1e3) == pytest.approx(-3, abs=2e-7)


def test_step_choice_weighs_rounding_by_the_size_of_f():
    # f(x) = 1e4 (x - 1000)^2 + (x - 1000) + 1e-12 at x = 1000: f' = 1, f'' = 2e4, |f(x)| = 1e-12.
    # Forward truncation error h f''/2 = 1e4 h is least at the smallest candidate step
    # (eps^(1/2) ~ 1.5e-8: 1.5e-4), and the rounding error eps |f| / h is negligible there.
    f = lambda x: 1e4 * (x - 1000) ** 2 + (x - 1000) + 1e-12  # noqa: E731
    assert abs(forward_difference(f, 1000.0) - 1.0) < 1e-3
    # second difference of (x - 1000)^4 + (x - 1000)^2 + 1e-12: f''(1000) = 2, truncation
    # h^2 f^(4) / 12 = 2 h^2, least at the smallest candidate eps^(1/4) ~ 1.2e-4 (3e-8);
    # the rounding error 4 eps max|f(x +/- h)| / h^2 is about 4 eps there
    g = lambda x: (x - 1000) ** 4 + (x - 1000) ** 2 + 1e-12  # noqa: E731
    assert abs(second_difference(g, 1000.0) - 2.0) < 1e-3


def test_default_step_search_skips_steps_that_leave_the_domain():
    # sqrt(1000 + 2e-5 - x) at x = 1000: the larger candidate steps (and their doubles) pass
    # the end of the domain, x + 2e-5, where f is NaN; the smallest ones do not.
    # f' = -1 / (2 sqrt(2e-5)) = -111.80..., f'' = -1 / (4 (2e-5)^1.5) ~ -2.8e6, so the
    # smallest candidate step 1.5e-8 leaves a truncation error of about 0.02.
    d = forward_difference(lambda x: np.sqrt(1000 + 2e-5 - x), 1000.0)
    assert abs(d - (-1 / (2 * np.sqrt(2e-5)))) < 0.05


@pytest.mark.parametrize(
    ("method", "f", "x", "h", "where"),
    [
        (forward_difference, lambda x: np.log(1 - x), 0.5, 1.0, r"f\(x \+ h\)"),  # log(-0.5)
        (second_difference, np.log, 0.5, 1.0, r"f\(x - h\)"),                     # log(-0.5)
        (forward_difference, lambda x: 1 / x, 0.0, 0.5, r"f\(x\)"),               # 1/0
        (second_difference, lambda x: 1 / x, 0.0, 0.5, r"f\(x\)"),
    ],
)
def test_an_explicit_step_outside_the_domain_raises(method, f, x, h, where):
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=where):
        method(f, x, h=h)


def test_forward_difference_of_a_parabola_at_a_large_x_within_the_optimal_error():
    # f = x^2 at x = 1e8: f' = 2e8, f'' = 2. The forward difference's total
    # error h f''/2 + 2 eps |f| / h is least at h = 2 sqrt(eps |f| / f''), where
    # it is 2 sqrt(eps |f| f'') = 2 sqrt(2.2e-16 * 1e16 * 2) ~ 4.2; the search
    # over decades of steps must come within a few times that.
    d = forward_difference(lambda x: x**2, 1e8)
    bound = 2 * np.sqrt(EPS * 1e16 * 2)
    assert abs(d - 2e8) < 3 * bound


def test_second_difference_with_an_explicit_step_is_the_three_point_formula():
    # h = 0.5 is exact in binary; f = x^4 at x = 1:
    # (f(1.5) - 2 f(1) + f(0.5)) / 0.25 = (5.0625 - 2 + 0.0625) / 0.25 = 12.5
    assert second_difference(lambda x: x**4, 1.0, h=0.5) == 12.5
    # forward: (f(1.5) - f(1)) / 0.5 = 8.125; central: (5.0625 - 0.0625) / 1 = 5
    assert forward_difference(lambda x: x**4, 1.0, h=0.5) == 8.125
    assert central_difference(lambda x: x**4, 1.0, h=0.5) == 5.0


def test_second_difference_at_a_large_x_is_accurate():
    # f = x^3 at x = 1e4: f'' = 6x = 6e4; f^(4) = 0, so only rounding limits it:
    # about eps |f| / h^2 at the best h. A relative error of 1e-4 is generous.
    assert second_difference(lambda x: x**3, 1e4) == pytest.approx(6e4, rel=1e-4)


def test_derivative_estimate_repr_rounds_to_six_digits():
    # numpy's array2string with precision=6: 1.23456789 -> 1.234568, 1e-9 -> 1.e-09
    assert repr(DerivativeEstimate(1.23456789, 1e-9)) == "DerivativeEstimate(value=1.234568, error=1.e-09)"
    assert repr(DerivativeEstimate(1.0, 0.00123456789)) == "DerivativeEstimate(value=1., error=0.001235)"
    assert repr(DerivativeEstimate(np.array([0.5, 2.0]), np.array([0.0, 0.25]))) == (
        "DerivativeEstimate(value=[0.5 2. ], error=[0.   0.25])"
    )


def _calls(x0: float, **kwargs) -> tuple[DerivativeEstimate, list[float]]:
    seen: list[float] = []

    def f(x):
        seen.append(float(np.asarray(x)) - x0)
        return np.exp(x)

    return richardson_derivative(f, x0, **kwargs), seen


def test_richardson_steps_shrink_by_1_4_two_calls_per_row():
    # The docstring: steps h, h/t, h/t^2, ... with t = 1.4, and two calls of f per row.
    _, offsets = _calls(0.0, h=0.1, max_levels=3)
    expected = [s for k in range(3) for s in (0.1 / 1.4**k, -0.1 / 1.4**k)]
    np.testing.assert_allclose(offsets, expected, rtol=1e-15)
    # max_levels bounds the rows, so the calls, at its default too: at most 2 * 10
    _, offsets = _calls(0.0)
    assert 4 <= len(offsets) <= 20 and len(offsets) % 2 == 0


def test_richardson_three_levels_is_neville_table_by_hand():
    # exp at 0: D(h) = (e^h - e^-h) / 2h = sinh(h)/h. Neville's table with t = 1.4:
    # T[i][j] = (T[i][j-1] t^2j - T[i-1][j-1]) / (t^2j - 1); each new entry's change
    # is max(|T[i][j] - T[i][j-1]|, |T[i][j] - T[i-1][j-1]|) and the entry of least
    # change is returned with that change as its error.
    t = 1.4
    D = [np.sinh(0.1 / t**i) / (0.1 / t**i) for i in range(3)]
    T = [[D[0]]]
    best, best_change = D[0], np.inf
    for i in range(1, 3):
        row = [D[i]]
        for j in range(1, i + 1):
            row.append((row[j - 1] * t ** (2 * j) - T[i - 1][j - 1]) / (t ** (2 * j) - 1))
            change = max(abs(row[j] - row[j - 1]), abs(row[j] - T[i - 1][j - 1]))
            if change <= best_change:
                best, best_change = row[j], change
        T.append(row)
    est = richardson_derivative(np.exp, 0.0, h=0.1, max_levels=3)
    assert est.value == pytest.approx(best, rel=1e-14)
    assert est.error == pytest.approx(best_change, rel=1e-6)
    assert abs(est.value - 1.0) < 1e-6  # and it is e^0 = 1 to the order of that error


def _neville(f, x0, h, levels, t=1.4):
    """Ridders' method as the docstring describes it: rows D(h / t^i), Neville's
    elimination of the h^2j terms, the entry of least change kept, and a stop once the
    diagonal moves by at least twice the best change (rounding has taken over)."""
    D = lambda s: (f(x0 + s) - f(x0 - s)) / (2 * s)  # noqa: E731
    T, best, best_change, rows, s = [D(h)], D(h), np.inf, 1, h
    for i in range(1, levels):
        s = s / t
        row = [D(s)]
        for j in range(1, i + 1):
            row.append((row[j - 1] * t ** (2 * j) - T[j - 1]) / (t ** (2 * j) - 1))
            change = max(abs(row[j] - row[j - 1]), abs(row[j] - T[j - 1]))
            if change <= best_change:
                best, best_change = row[j], change
        rows += 1
        if abs(row[i] - T[i - 1]) >= 2 * best_change:
            break
        T = row
    return best, best_change, rows


@pytest.mark.parametrize(("f", "exact"), [(np.exp, 1.0), (lambda x: np.exp(5 * x), 5.0), (np.cos, 0.0)])
def test_richardson_default_is_the_documented_table(f, exact):
    calls = []

    def counted(x):
        calls.append(1)
        return f(x)

    est = richardson_derivative(counted, 0.0)
    value, change, rows = _neville(f, 0.0, 0.1, 10)
    assert est.value == pytest.approx(value, rel=1e-13, abs=1e-15)
    assert est.error == pytest.approx(change, rel=1e-6, abs=1e-14)  # to rounding
    assert len(calls) == 2 * rows
    assert abs(est.value - exact) < 1e-9


def test_richardson_uses_ten_rows_by_default():
    # exp(50 x) at 0 with h = 0.1: 50 h = 5, so the table still improves after ten rows;
    # the default max_levels = 10 stops it (twelve are used when allowed)
    def counted(calls):
        return lambda x: (calls.append(1), np.exp(50 * x))[1]

    ten, twelve = [], []
    est = richardson_derivative(counted(ten), 0.0)
    richardson_derivative(counted(twelve), 0.0, max_levels=12)
    assert (len(ten), len(twelve)) == (20, 24)
    value, _, rows = _neville(lambda x: np.exp(50 * x), 0.0, 0.1, 10)
    assert rows == 10 and est.value == pytest.approx(value, rel=1e-13)
    assert abs(est.value - 50) < 1e-9


@pytest.mark.parametrize(("levels", "ok"), [(1, False), (2, True), (50, True), (51, False)])
def test_richardson_max_levels_between_2_and_50(levels, ok):
    if ok:
        # sin at 0: D(h) = sin(h)/h = 1 - h^2/6 + h^4/120 - ...; two rows cancel the h^2
        # term and leave a few times 0.1^4 / 120 ~ 8e-7
        assert richardson_derivative(np.sin, 0.0, max_levels=levels).value == pytest.approx(1.0, abs=1e-5)
    else:
        with pytest.raises(ValueError, match="max_levels"):
            richardson_derivative(np.sin, 0.0, max_levels=levels)


@pytest.mark.parametrize(
    ("f", "why"),
    [
        (lambda x: None, "returned None"),
        (lambda x: "a", "returned the string"),
        # astype(float) of a complex array drops the imaginary part with a ComplexWarning
        (lambda x: np.asarray(x).astype(float) ** 2, "Casting complex values to real"),
    ],
)
def test_complex_step_names_what_f_did_with_complex_input(f, why):
    with pytest.raises(TypeError, match=f"f failed on complex input.*{why}"):
        complex_step(f, 1.0)


def test_a_one_element_result_for_a_scalar_x_and_a_constant_f():
    # f returning shape (1,) for a scalar x is taken as f(x): d/dx x^2 = 4 at 2
    assert central_difference(lambda x: np.array([x**2]).reshape(1), 2.0) == pytest.approx(4.0, rel=1e-8)
    assert complex_step(lambda x: np.array([x**2]).reshape(1), 2.0) == 4.0
    # a constant f may return one number for an array x: derivative 0 everywhere
    const = lambda x: np.float64(5.0) + 0.0 * np.sum(x)  # noqa: E731
    np.testing.assert_array_equal(central_difference(const, np.array([1.0, 2.0])), [0.0, 0.0])


# ---- second round: the default step search, the domain checks and the numpy warnings ----

def _wild(u, zone, even=False):
    # smooth near 0 (u, or u^2 when even) for |u| < zone, a step function of amplitude 9e305 beyond (sign
    # flipping at |u| = 1e-2): the large candidate steps give quotients that overflow or subtract infinities
    A = 9e305
    far = A * np.where(np.abs(u) < 1e-2, 1.0, -1.0) * (1.0 if even else np.sign(u))
    return np.where(np.abs(u) < zone, u**2 if even else u, far)


def test_huge_values_at_the_large_candidate_steps_are_dropped_without_warnings():
    # at x = 1000 the candidates run from 1000 eps^p down to eps^p: 6e-3 ... 6e-6 (central), 1.5e-5 ... 1.5e-8
    # (forward), 0.12 ... 1.2e-4 (second); those past the smooth zone see the step function and overflow. The
    # small steps see u (f' = 1) or u^2 (f'' = 2).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert central_difference(lambda x: _wild(x - 1000, 1e-4), 1000.0) == pytest.approx(1.0, rel=1e-6)
        assert forward_difference(lambda x: _wild(x - 1000, 1e-6), 1000.0) == pytest.approx(1.0, rel=1e-6)
        assert second_difference(lambda x: _wild(x - 1000, 1e-3, even=True), 1000.0) == pytest.approx(2.0, rel=1e-6)


def test_an_overflowing_x_plus_h_raises_without_a_numpy_warning():
    # 1.7e308 + 1e307 is past the largest float64 (1.8e308): a ValueError, and numpy must not warn first
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            central_difference(np.sin, 1.7e308, h=1e307)


@pytest.mark.parametrize("method", [forward_difference, central_difference, second_difference])
def test_a_point_outside_the_domain_raises_without_a_numpy_warning(method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            method(np.log, -1.0)


def test_other_warnings_raised_by_f_stay_warnings():
    # only a ComplexWarning is turned into an error (complex_step): a UserWarning from f is passed on
    def f(x):
        warnings.warn("f's own note", UserWarning, stacklevel=2)
        return x**2

    with pytest.warns(UserWarning):
        assert central_difference(f, 2.0, h=0.5) == 4.0  # exact for a parabola


def test_a_scalar_x_gives_a_float_even_for_a_one_element_array_output():
    assert isinstance(central_difference(lambda x: np.array([x**2]).reshape(1), 2.0), float)
    assert isinstance(forward_difference(lambda x: np.array([x**2]).reshape(1), 2.0, h=0.5), float)


def test_an_array_at_x_but_a_number_elsewhere_is_refused():
    # not elementwise and not constant in form: f gives an array at x itself but one number at x +/- h
    base = np.array([1.0, 2.0])
    f = lambda x: np.full(2, 5.0) if np.array_equal(x, base) else np.float64(5.0)  # noqa: E731
    with pytest.raises(ValueError):
        central_difference(f, base, h=0.5)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_default_steps_past_the_end_of_the_domain_are_skipped(side):
    # sqrt(d + side (x - 1000)) at x = 1000: the domain ends d away. The larger candidate steps themselves
    # (not just their doubles) pass it, so f is NaN there: those steps are skipped, the small ones kept.
    # f' = side / (2 sqrt(d)); forward candidates 1.5e-5 ... 1.5e-8 with d = 1e-5, central 6e-3 ... 6e-6 with d = 1e-4
    f = lambda x: np.sqrt(1e-5 + side * (x - 1000))  # noqa: E731
    assert forward_difference(f, 1000.0) == pytest.approx(side / (2 * np.sqrt(1e-5)), rel=1e-3)
    f = lambda x: np.sqrt(1e-4 + side * (x - 1000))  # noqa: E731
    assert central_difference(f, 1000.0) == pytest.approx(side / (2 * np.sqrt(1e-4)), rel=1e-3)
    # second difference: candidates eps^(1/4) 1000^s reach 0.12; the domain here ends 0.2 away
    g = lambda x: np.sqrt(0.2 + side * (x - 1000))  # noqa: E731
    assert second_difference(g, 1000.0) == pytest.approx(-1 / (4 * 0.2**1.5), rel=1e-6)


def test_an_explicit_step_past_the_domain_on_the_plus_side_raises():
    # log(1 - x) at x = 0.5 with h = 1: x + h = 1.5 gives log(-0.5)
    with pytest.raises(ValueError):
        central_difference(lambda x: np.log(1 - x), 0.5, h=1.0)
    with pytest.raises(ValueError):
        second_difference(lambda x: np.log(1 - x), 0.5, h=1.0)


def test_candidate_steps_run_from_the_scaled_step_down_to_eps_power():
    # |x| = 10: one decade, so two candidates, eps^(1/3) * 10 and eps^(1/3) (each with its double)
    seen = []

    def f(x):
        seen.append(float(x) - 10.0)
        return x**2

    central_difference(f, 10.0)
    h = EPS ** (1 / 3)
    for step in (10 * h, h):
        assert min(abs(s - step) for s in seen) < 1e-14
        assert min(abs(s + step) for s in seen) < 1e-14


def test_a_truncation_error_above_a_thousandth_raises():
    # At x = 1000 the smallest default steps are eps^(1/3) (central), sqrt(eps) (forward), eps^(1/4) (second).
    # The documented rule: a ValueError when even the best step's estimated error exceeds 0.1 % of the
    # derivative. k is set so that the truncation error there is 1.5e-3 of f' or f'':
    # central (k h)^2 / 6 for sin(k x); second (k h)^2 / 12 for cos(k x); forward c h / 2 for exp(c x).
    k = np.sqrt(6 * 1.5e-3) / EPS ** (1 / 3)
    with pytest.raises(ValueError):
        central_difference(lambda x: np.sin(k * (x - 10)), 10.0)  # x = 10: two candidates, no aliasing
    c = 2 * 1.5e-3 / EPS**0.5
    with pytest.raises(ValueError):
        forward_difference(lambda x: np.exp(c * (x - 1000)), 1000.0)
    k2 = np.sqrt(12 * 1.5e-3) / EPS**0.25
    with pytest.raises(ValueError):
        second_difference(lambda x: np.cos(k2 * (x - 10)), 10.0)  # x = 10: two candidates, no aliasing


def test_a_truncation_error_below_a_thousandth_is_returned():
    # as above with a truncation error of 4e-4 of f' at the smallest step: accepted, and that accurate
    k = np.sqrt(6 * 4e-4) / EPS ** (1 / 3)
    assert central_difference(lambda x: np.sin(k * (x - 1000)), 1000.0) == pytest.approx(k, rel=5e-4)
    c = 2 * 4e-4 / EPS**0.5
    assert forward_difference(lambda x: np.exp(c * (x - 1000)), 1000.0) == pytest.approx(c, rel=5e-4)
    k2 = np.sqrt(12 * 4e-4) / EPS**0.25
    assert second_difference(lambda x: np.cos(k2 * (x - 10)), 10.0) == pytest.approx(-(k2**2), rel=5e-4)


def test_small_function_values_do_not_make_rounding_look_large():
    # 1e-10 sin(100 (x - 1000)): f' = 1e-8; 1e-10 cos(10 (x - 1000)): f'' = -1e-8. The rounding error eps |f| / h^k
    # is tiny, so the small steps (truncation 6e-8, 5e-7 relative) must win over the large ones (6 %, 50 %).
    assert central_difference(lambda x: 1e-10 * np.sin(100 * (x - 1000)), 1000.0) == pytest.approx(1e-8, rel=1e-5)
    assert second_difference(lambda x: 1e-10 * np.cos(10 * (x - 1000)), 1000.0) == pytest.approx(-1e-8, rel=1e-5)


def test_second_difference_step_balances_truncation_and_rounding():
    # f = 1e10 + 100 cos(x - 1000): f'' = -100. Truncation h^2/12 * 100 plus rounding ~4 eps 1e10 / h^2 is least
    # near h ~ 0.03, where it is ~0.017; the candidates are a factor 10 apart, so within 3 times that.
    assert abs(second_difference(lambda x: 1e10 + 100 * np.cos(x - 1000), 1000.0) + 100) < 0.05


def test_richardson_stops_when_a_step_rounds_to_zero_only():
    # h = 1.4 makes the second step exactly 1.0 (a step of one is a step like any other): the table of
    # D(1.4 / 1.4^i) is the documented one
    calls = []

    def counted(x):
        calls.append(1)
        return np.exp(x)

    est = richardson_derivative(counted, 0.0, h=1.4)
    value, _, rows = _neville(np.exp, 0.0, 1.4, 10)
    assert est.value == pytest.approx(value, rel=1e-13)
    assert len(calls) == 2 * rows and rows > 2


def test_no_finite_estimate_at_any_candidate_raises_instead_of_returning_nan():
    # sqrt(1e-5 + (x - 1000)) at x = 1000: every central candidate's double step (>= 1.2e-5) passes the end of
    # the domain 1e-5 away, so no step has a finite error estimate; a ValueError, not NaN (this returned NaN)
    with pytest.raises(ValueError):
        central_difference(lambda x: np.sqrt(1e-5 + (x - 1000)), 1000.0)
