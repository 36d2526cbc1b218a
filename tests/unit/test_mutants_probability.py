"""Behaviour of calcnotes.probability that the mutation run found unpinned.

Expected values are exact fractions worked out by hand.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from calcnotes.probability import (
    MAX_SIMULATED,
    bayes,
    probability,
    simulate_urn,
    standard_error,
)


@pytest.mark.parametrize("space", [{}, [("a", Fraction(1))], "a"])
def test_space_must_be_a_non_empty_mapping(space):
    with pytest.raises(TypeError, match="non-empty dict"):
        probability(space, lambda o: True)


def test_probability_of_an_impossible_event_is_the_fraction_zero():
    space = {"h": Fraction(1, 2), "t": Fraction(1, 2)}
    p = probability(space, lambda o: False)
    assert p == 0 and isinstance(p, Fraction)


def test_bayes_allows_the_joint_probability_to_equal_the_evidence():
    # P(B|A) = 1, P(A) = 1/2, P(B) = 1/2: B happens only with A, so P(A|B) = 1.
    assert bayes(1, Fraction(1, 2), Fraction(1, 2)) == 1
    # just above it is inconsistent
    with pytest.raises(ValueError, match="exceeds"):
        bayes(1, Fraction(1, 2), Fraction(49, 100))


def test_standard_error_at_the_ends_of_0_1():
    # sqrt(p (1 - p) / n): 0 at p = 0 and at p = 1
    assert standard_error(1, 10) == 0.0
    assert standard_error(0.0, 10) == 0.0
    with pytest.raises(ValueError):
        standard_error(1.0000001, 10)


def test_simulate_urn_documented_defaults():
    # draws=2, n_trials=100000, seed=0 (the signature and docstring)
    counts = {"r": 2, "b": 3}
    default = simulate_urn(counts)
    assert default.shape == (100_000, 2)
    np.testing.assert_array_equal(default[:50], simulate_urn(counts, 2, 100_000, 0)[:50])
    np.testing.assert_array_equal(simulate_urn(counts, n_trials=50), simulate_urn(counts, n_trials=50, seed=0))


def test_simulate_urn_draw_counts():
    counts = {"r": 2, "b": 3}
    assert simulate_urn(counts, draws=1, n_trials=3).shape == (3, 1)
    assert simulate_urn(counts, draws=5, n_trials=3).shape == (3, 5)
    for draws in (0, 6):
        with pytest.raises(ValueError, match="draws"):
            simulate_urn(counts, draws=draws, n_trials=3)


def test_simulate_urn_ball_limit_is_inclusive(monkeypatch):
    # the limit is MAX_SIMULATED // 5 balls (10,000,000), and n_trials <= MAX_SIMULATED / balls;
    # with MAX_SIMULATED = 50 the same rules allow 10 balls and 5 trials of them
    assert MAX_SIMULATED // 5 == 10_000_000
    monkeypatch.setattr("calcnotes.probability.MAX_SIMULATED", 50)
    assert simulate_urn({"r": 10}, draws=1, n_trials=5).shape == (5, 1)
    with pytest.raises(ValueError, match="balls"):
        simulate_urn({"r": 11}, draws=1, n_trials=1)
    with pytest.raises(ValueError, match="n_trials"):
        simulate_urn({"r": 10}, draws=1, n_trials=6)


def test_outcome_count_by_hand():
    from calcnotes.probability import _count_outcomes, urn_space

    # 2 red, 3 blue, 2 draws: sequences rr, rb, br, bb; multisets {rr, rb, bb}
    assert _count_outcomes({"r": 2, "b": 3}, 2, True) == 4
    assert _count_outcomes({"r": 2, "b": 3}, 2, False) == 3
    # 1 red, 3 blue, 3 draws: sequences bbb, rbb, brb, bbr; multisets {bbb, rbb}
    assert _count_outcomes({"r": 1, "b": 3}, 3, True) == 4
    assert _count_outcomes({"r": 1, "b": 3}, 3, False) == 2
    for counts, draws in [({"r": 2, "b": 3}, 2), ({"r": 1, "b": 3}, 3), ({"r": 2, "g": 1, "b": 2}, 3)]:
        for ordered in (True, False):
            assert _count_outcomes(counts, draws, ordered) == len(urn_space(counts, draws, ordered=ordered))


def test_outcome_limit_is_inclusive(monkeypatch):
    from calcnotes.probability import urn_space

    monkeypatch.setattr("calcnotes.probability.MAX_OUTCOMES", 4)
    assert len(urn_space({"r": 2, "b": 3}, 2)) == 4  # rr, rb, br, bb: exactly the limit
    monkeypatch.setattr("calcnotes.probability.MAX_OUTCOMES", 3)
    with pytest.raises(ValueError, match="ordered=False"):
        urn_space({"r": 2, "b": 3}, 2)
