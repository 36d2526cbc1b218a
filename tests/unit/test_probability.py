"""calcnotes.probability: exact rules against counting, simulation against exact."""

from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calcnotes.probability import (
    bayes,
    conditional,
    probability,
    simulate_urn,
    standard_error,
    total_probability,
    urn_space,
)

URN = {"r": 2, "b": 3}


def _by_counting(counts, draws):
    """Oracle: label every ball, list every ordered draw, count colour tuples."""
    balls = [c for c, k in counts.items() for _ in range(k)]
    orders = list(permutations(range(len(balls)), draws))
    space = {}
    for order in orders:
        key = tuple(balls[i] for i in order)
        space[key] = space.get(key, 0) + Fraction(1, len(orders))
    return space


def test_urn_space_matches_counting():
    # 5 * 4 = 20 equally likely ordered pairs of labelled balls.
    space = urn_space(URN)
    assert space == _by_counting(URN, 2)
    assert space[("r", "r")] == Fraction(2 * 1, 20)
    assert space[("b", "b")] == Fraction(3 * 2, 20)
    assert sum(space.values()) == 1


@settings(max_examples=30, deadline=None)
@given(
    counts=st.dictionaries(st.sampled_from("rgbk"), st.integers(0, 3), min_size=1)
    .filter(lambda c: sum(c.values()) >= 1),
    draws=st.integers(1, 3),
)
def test_urn_space_any_urn(counts, draws):
    if draws > sum(counts.values()):
        with pytest.raises(ValueError, match="cannot draw"):
            urn_space(counts, draws)
        return
    assert urn_space(counts, draws) == _by_counting(counts, draws)


def test_notes_alice_and_bob():
    # seed 000, 8th Sep: P(A=r and B=b) = 2/5 * 3/4 = 3/10 (product rule, by hand).
    space = urn_space(URN)
    alice_red = lambda o: o[0] == "r"  # noqa: E731
    bob_blue = lambda o: o[1] == "b"  # noqa: E731
    assert probability(space, lambda o: alice_red(o) and bob_blue(o)) == Fraction(3, 10)
    assert conditional(space, bob_blue, given=alice_red) == Fraction(3, 4)
    # By hand: P(B=b) = 3/4 * 2/5 + 2/4 * 3/5 = 3/5, and Bayes gives 1/2.
    p_b = total_probability([Fraction(3, 4), Fraction(2, 4)], [Fraction(2, 5), Fraction(3, 5)])
    assert p_b == probability(space, bob_blue) == Fraction(3, 5)
    posterior = bayes(Fraction(2, 4), Fraction(3, 5), p_b)
    assert posterior == conditional(space, lambda o: o[0] == "b", given=bob_blue) == Fraction(1, 2)


def test_bayes_agrees_with_definition_symbolically():
    # P(B|A) P(A) / P(B) with P(B|A) = P(AB)/P(A): the prior cancels.
    pab, pa, pb = sp.symbols("p_ab p_a p_b", positive=True)
    assert sp.simplify((pab / pa) * pa / pb - pab / pb) == 0
    assert bayes(Fraction(1, 3), Fraction(3, 4), Fraction(1, 2)) == Fraction(1, 4) / Fraction(1, 2)


def test_accepts_sympy_rationals():
    assert bayes(sp.Rational(1, 2), sp.Rational(3, 5), sp.Rational(3, 5)) == Fraction(1, 2)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: urn_space({}), TypeError, "non-empty dict"),
        (lambda: urn_space({"r": 0}), ValueError, "empty"),
        (lambda: urn_space({"r": -1}), ValueError, ">= 0"),
        (lambda: urn_space({"r": 1.5}), TypeError, "integer"),
        (lambda: urn_space(URN, draws=6), ValueError, "cannot draw 6"),
        (lambda: urn_space(URN, draws=0), ValueError, ">= 1"),
        (lambda: probability({("a",): 0.5, ("b",): 0.5}, bool), TypeError, "Fraction"),
        (lambda: probability({("a",): Fraction(1, 2)}, bool), ValueError, "sum to 1/2"),
        (lambda: probability(urn_space(URN), "red"), TypeError, "function"),
        (lambda: conditional(urn_space(URN), bool, lambda o: o[0] == "g"), ValueError, "impossible"),
        (lambda: total_probability([Fraction(1)], [Fraction(1, 2)]), ValueError, "partition"),
        (lambda: total_probability([Fraction(1)], [Fraction(1, 2)] * 2), ValueError, "one likelihood"),
        (lambda: bayes(Fraction(1), Fraction(1), 0), ValueError, "> 0"),
        (lambda: bayes(Fraction(1), Fraction(1), Fraction(1, 2)), ValueError, "exceeds"),
        (lambda: bayes(Fraction(3, 2), Fraction(1), Fraction(1)), ValueError, r"\[0, 1\]"),
        (lambda: simulate_urn(URN, n_trials=0), ValueError, ">= 1"),
        (lambda: simulate_urn(URN, draws=9), ValueError, "cannot draw"),
        (lambda: standard_error(1.5, 10), ValueError, r"\[0, 1\]"),
        (lambda: standard_error("p", 10), TypeError, "number"),
    ],
)
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_simulation_is_seeded_and_agrees_with_exact():
    a = simulate_urn(URN, n_trials=20_000, seed=7)
    assert a.shape == (20_000, 2)
    np.testing.assert_array_equal(a, simulate_urn(URN, n_trials=20_000, seed=7))
    assert not np.array_equal(a, simulate_urn(URN, n_trials=20_000, seed=8))
    for outcome, p in urn_space(URN).items():
        freq = np.mean(np.all(a == np.array(outcome), axis=1))
        assert abs(freq - p) < 5 * standard_error(p, a.shape[0])


def test_simulation_never_repeats_a_ball():
    # One ball of each colour: without replacement, the two draws always differ.
    a = simulate_urn({"r": 1, "b": 1, "g": 1}, draws=3, n_trials=1000, seed=0)
    assert all(sorted(row) == ["b", "g", "r"] for row in a)


def test_standard_error():
    # sqrt(0.25 * 0.75 / 300) = sqrt(1/1600) = 1/40, by hand.
    assert standard_error(Fraction(1, 4), 300) == pytest.approx(1 / 40, rel=1e-15)
    assert standard_error(0.0, 10) == 0.0


def test_unordered_space_is_the_ordered_one_grouped():
    # computed two ways: hypergeometric counts vs summing the ordered outcomes
    from collections import Counter

    counts = {"r": 3, "b": 2, "g": 4}
    ordered = urn_space(counts, draws=3)
    grouped: Counter = Counter()
    for outcome, p in ordered.items():
        grouped[tuple(c for c in counts for _ in range(outcome.count(c)))] += p
    assert urn_space(counts, draws=3, ordered=False) == dict(grouped)


def test_too_many_outcomes_are_refused_before_listing():
    import time

    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"387,420,489 outcomes.*ordered=False"):
        urn_space({c: 9 for c in "abcdefghi"}, draws=9)
    assert time.perf_counter() - start < 1.0


def test_events_must_answer_true_or_false():
    space = urn_space({"r": 2, "b": 3})
    with pytest.raises(TypeError, match=r"event must return True or False, got str 'yes'"):
        probability(space, lambda o: "yes")
    with pytest.raises(TypeError, match=r"given returned None.*return"):
        conditional(space, lambda o: True, given=lambda o: None)
    assert probability(space, lambda o: np.bool_(o[0] == "r")) == Fraction(2, 5)
