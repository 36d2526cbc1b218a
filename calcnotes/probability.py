r"""Exact probabilities on a finite sample space, and a seeded urn simulation.

A *sample space* here is a dict mapping each outcome to its probability, an
exact :class:`fractions.Fraction`; an *event* is a predicate on outcomes. On
top of that sit the three rules of the chapter on conditional probability:

.. math:: P(A \mid B) = \frac{P(A \cap B)}{P(B)}, \qquad
          P(B) = \sum_i P(B \mid A_i)\,P(A_i), \qquad
          P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}.

Everything is exact (no floats), so a page can assert ``== Fraction(1, 2)``.
:func:`simulate_urn` draws the same experiment at random, vectorised and
seeded, and :func:`standard_error` says how far its frequencies may stray.

Examples
--------
Two balls drawn without replacement from an urn of 2 red and 3 blue:

>>> space = urn_space({"r": 2, "b": 3}, draws=2)
>>> space[("r", "b")]
Fraction(3, 10)
>>> conditional(space, lambda o: o[0] == "b", given=lambda o: o[1] == "b")
Fraction(1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np

from calcnotes._validation import check_bool, check_callable, check_int

__all__ = [
    "urn_space",
    "probability",
    "conditional",
    "total_probability",
    "bayes",
    "simulate_urn",
    "standard_error",
]

Outcome = tuple[Any, ...]  # the colours drawn, or any hashable labels
Exact = Fraction | int  # exact probabilities: floats are refused
Space = dict[Outcome, Fraction]
Event = Callable[[Outcome], object]

MAX_OUTCOMES = 200_000
"""Most outcomes :func:`urn_space` lists (exact fractions, one dict entry each)."""
MAX_SIMULATED = 50_000_000
"""Most random keys :func:`simulate_urn` draws (n_trials times the number of balls)."""


# --- checks -----------------------------------------------------------------


def _exact(p: object, name: str) -> Fraction:
    """Return a probability as a Fraction in [0, 1]; floats are refused."""
    if isinstance(p, bool) or not isinstance(p, Rational):
        raise TypeError(
            f"{name} must be an exact number (int or fractions.Fraction), got "
            f"{type(p).__name__} {p!r}; write Fraction(2, 5) instead of 0.4"
        )
    exact = Fraction(int(p.numerator), int(p.denominator))
    if not 0 <= exact <= 1:
        raise ValueError(f"{name} must be a probability in [0, 1], got {exact}")
    return exact


def _check_counts(counts: object) -> dict[str, int]:
    if not isinstance(counts, Mapping) or not counts:
        raise TypeError(
            f"counts must be a non-empty dict of colour -> number of balls, "
            f"got {counts!r}; e.g. {{'r': 2, 'b': 3}}"
        )
    clean = {}
    for colour, k in counts.items():
        clean[colour] = check_int(k, f"counts[{colour!r}]", minimum=0)
    if sum(clean.values()) == 0:
        raise ValueError("the urn is empty: counts must contain at least one ball")
    return clean


def _holds(event: Event, outcome: Outcome, name: str) -> bool:
    """``event(outcome)``, which must be True or False."""
    answer = event(outcome)
    if isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    if answer is None:
        raise TypeError(
            f"{name} returned None for the outcome {outcome!r}; it must return "
            f"True or False (is a `return` missing?)"
        )
    raise TypeError(
        f"{name} must return True or False, got {type(answer).__name__} "
        f"{answer!r} for the outcome {outcome!r}; return a comparison such as "
        f"o[0] == 'r'"
    )


def _fractions(values: object, name: str) -> list[Fraction]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{name} must be a list of Fractions (one per case), got "
            f"{type(values).__name__} {values!r}; wrap a single value in a list"
        )
    return [_exact(p, f"{name}[{i}]") for i, p in enumerate(values)]


def _count_outcomes(counts: dict[str, int], draws: int, ordered: bool) -> int:
    """How many outcomes urn_space would list, counted without listing them.

    Ordered: sequences using colour c at most n_c times, the coefficient of
    t**draws in draws! * prod_c sum_{k <= n_c} t**k / k!; unordered: the
    coefficient in prod_c sum_{k <= n_c} t**k (multisets).
    """
    poly = [Fraction(1)] + [Fraction(0)] * draws
    for n in counts.values():
        top = min(n, draws)
        factor = [Fraction(1, math.factorial(k)) if ordered else Fraction(1) for k in range(top + 1)]
        new = [Fraction(0)] * (draws + 1)
        for i, a in enumerate(poly):
            if a:
                for k, b in enumerate(factor[: draws - i + 1]):
                    new[i + k] += a * b
        poly = new
    total = poly[draws] * (math.factorial(draws) if ordered else 1)
    return int(total)


def _check_space(space: object) -> Space:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(
            f"space must be a non-empty dict of outcome -> probability, got "
            f"{type(space).__name__}; build one with urn_space(...)"
        )
    clean = {o: _exact(p, f"space[{o!r}]") for o, p in space.items()}
    total = sum(clean.values())
    if total != 1:
        raise ValueError(
            f"the probabilities of the sample space sum to {total}, not 1; "
            f"list every outcome exactly once"
        )
    return clean


# --- exact probabilities ------------------------------------------------------


def urn_space(counts: Mapping[str, int], draws: int = 2, ordered: bool = True) -> Space:
    r"""Return the sample space of `draws` draws without replacement.

    Each outcome is the tuple of colours in the order drawn; its probability
    is the product rule, one factor per draw:
    :math:`P(c_1, c_2) = \frac{n_{c_1}}{N}\cdot\frac{n_{c_2} - [c_2 = c_1]}{N - 1}`.
    With ``ordered=False`` an outcome is how many balls of each colour were
    drawn, written as a tuple of colours in the order of `counts` (so
    ``("r", "b")`` also stands for ``("b", "r")``), with the hypergeometric
    probability :math:`\prod_c \binom{n_c}{k_c} / \binom{N}{d}`: far fewer
    outcomes.

    The outcomes are counted before they are listed; more than 200,000
    raise ValueError (9 colours of 9 balls, 9 ordered draws, would be
    387,420,489 of them).

    Parameters
    ----------
    counts : dict of str -> int
        Number of balls of each colour, e.g. ``{"r": 2, "b": 3}``.
    draws : int, default 2
        How many balls are drawn (at most the number of balls).
    ordered : bool, default True
        Whether the order of the draws is part of the outcome.

    Returns
    -------
    dict of tuple -> Fraction
        Outcomes with positive probability; the probabilities sum to 1.

    Examples
    --------
    >>> urn_space({"r": 1, "b": 1}, draws=2)
    {('r', 'b'): Fraction(1, 2), ('b', 'r'): Fraction(1, 2)}
    >>> urn_space({"r": 2, "b": 3}, draws=2, ordered=False)
    {('r', 'r'): Fraction(1, 10), ('r', 'b'): Fraction(3, 5), ('b', 'b'): Fraction(3, 10)}
    """
    counts = _check_counts(counts)
    n_balls = sum(counts.values())
    draws = check_int(draws, "draws", minimum=1)
    ordered = check_bool(ordered, "ordered")
    if draws > n_balls:
        raise ValueError(
            f"cannot draw {draws} balls without replacement from an urn of "
            f"{n_balls}; use draws <= {n_balls}"
        )
    n_outcomes = _count_outcomes(counts, draws, ordered)
    if n_outcomes > MAX_OUTCOMES:
        fix = ("pass ordered=False to list how many of each colour were drawn"
               if ordered else "use fewer draws or colours")
        raise ValueError(
            f"urn_space would list {n_outcomes:,} outcomes (more than "
            f"{MAX_OUTCOMES:,}); {fix}, or estimate probabilities with "
            f"simulate_urn"
        )
    colours = list(counts)
    space: Space = {}
    if not ordered:
        total = math.comb(n_balls, draws)

        def multisets(i: int, left: int, taken: Outcome) -> None:
            if i == len(colours):
                if left == 0:
                    ways = math.prod(math.comb(counts[c], taken.count(c)) for c in colours)
                    space[taken] = Fraction(ways, total)
                return
            for k in range(min(counts[colours[i]], left), -1, -1):
                multisets(i + 1, left - k, taken + (colours[i],) * k)

        multisets(0, draws, ())
        return space

    def sequences(left: dict[str, int], taken: Outcome, p: Fraction) -> None:
        if len(taken) == draws:
            space[taken] = p
            return
        remaining = n_balls - len(taken)
        for colour in colours:  # only colours with balls left: no dead branches
            if left[colour]:
                left[colour] -= 1
                sequences(left, (*taken, colour), p * Fraction(left[colour] + 1, remaining))
                left[colour] += 1

    sequences(dict(counts), (), Fraction(1))
    return space


def probability(space: Mapping[Outcome, Fraction], event: Event) -> Fraction:
    r"""Return :math:`P(E) = \sum_{\omega \in E} P(\omega)`, exactly.

    Parameters
    ----------
    space : dict of outcome -> Fraction
        A finite sample space (probabilities summing to 1).
    event : callable
        ``event(outcome)`` is true for the outcomes in E.

    Returns
    -------
    Fraction

    Examples
    --------
    >>> space = urn_space({"r": 2, "b": 3})
    >>> probability(space, lambda o: o == ("r", "b"))
    Fraction(3, 10)
    """
    space = _check_space(space)
    event = check_callable(event, "event")
    return sum((p for o, p in space.items() if _holds(event, o, "event")), Fraction(0))


def conditional(space: Mapping[Outcome, Fraction], event: Event, given: Event) -> Fraction:
    r"""Return :math:`P(E \mid G) = P(E \cap G) / P(G)`, exactly.

    Parameters
    ----------
    space : dict of outcome -> Fraction
    event, given : callable
        Predicates for E and for the condition G.

    Returns
    -------
    Fraction

    Raises
    ------
    ValueError
        If :math:`P(G) = 0`: conditioning on an impossible event is undefined.

    Examples
    --------
    >>> space = urn_space({"r": 2, "b": 3})
    >>> conditional(space, lambda o: o[1] == "b", given=lambda o: o[0] == "r")
    Fraction(3, 4)
    """
    space = _check_space(space)
    event, given = check_callable(event, "event"), check_callable(given, "given")
    inside = [(o, p) for o, p in space.items() if _holds(given, o, "given")]
    p_given = sum((p for _, p in inside), Fraction(0))
    if p_given == 0:
        raise ValueError(
            "P(given) = 0: the condition is impossible, so P(event | given) "
            "is undefined; condition on an event that can happen"
        )
    joint = sum((p for o, p in inside if _holds(event, o, "event")), Fraction(0))
    return joint / p_given


def total_probability(likelihoods: Sequence[Exact], priors: Sequence[Exact]) -> Fraction:
    r"""Return :math:`P(B) = \sum_i P(B \mid A_i)\,P(A_i)` over a partition.

    Parameters
    ----------
    likelihoods : sequence of Fraction
        :math:`P(B \mid A_i)` for each case :math:`A_i`.
    priors : sequence of Fraction
        :math:`P(A_i)`; they must sum to 1 (the cases cover everything once).

    Returns
    -------
    Fraction

    Examples
    --------
    >>> total_probability([Fraction(3, 4), Fraction(2, 4)], [Fraction(2, 5), Fraction(3, 5)])
    Fraction(3, 5)
    """
    likelihoods = _fractions(likelihoods, "likelihoods")
    priors = _fractions(priors, "priors")
    if len(likelihoods) != len(priors) or not priors:
        raise ValueError(
            f"need one likelihood per prior, got {len(likelihoods)} likelihoods "
            f"and {len(priors)} priors"
        )
    if sum(priors) != 1:
        raise ValueError(
            f"the priors sum to {sum(priors)}, not 1; the cases A_i must "
            f"partition the sample space"
        )
    return sum((lk * pr for lk, pr in zip(likelihoods, priors, strict=True)), Fraction(0))


def bayes(likelihood: Exact, prior: Exact, evidence: Exact) -> Fraction:
    r"""Return :math:`P(A \mid B) = P(B \mid A)\,P(A) / P(B)`, exactly.

    Parameters
    ----------
    likelihood : Fraction
        :math:`P(B \mid A)`.
    prior : Fraction
        :math:`P(A)`.
    evidence : Fraction
        :math:`P(B) > 0`, e.g. from :func:`total_probability`.

    Returns
    -------
    Fraction

    Raises
    ------
    ValueError
        If ``evidence`` is 0, or the three numbers are inconsistent
        (:math:`P(B \mid A) P(A) = P(A \cap B)` cannot exceed :math:`P(B)`).

    Examples
    --------
    >>> bayes(Fraction(2, 4), Fraction(3, 5), Fraction(3, 5))
    Fraction(1, 2)
    """
    likelihood = _exact(likelihood, "likelihood")
    prior = _exact(prior, "prior")
    evidence = _exact(evidence, "evidence")
    if evidence == 0:
        raise ValueError("evidence P(B) must be > 0 to condition on B")
    joint = likelihood * prior  # P(A and B), the product rule
    if joint > evidence:
        raise ValueError(
            f"P(B|A) P(A) = {joint} exceeds P(B) = {evidence}, but P(A and B) "
            f"<= P(B); compute the evidence with total_probability"
        )
    posterior: Fraction = joint / evidence
    return posterior


# --- simulation -----------------------------------------------------------------


def simulate_urn(
    counts: Mapping[str, int], draws: int = 2, n_trials: int = 100_000, seed: int = 0
) -> np.ndarray:
    """Return `n_trials` seeded repetitions of drawing without replacement.

    Vectorised: each row shuffles the urn by sorting independent uniform
    keys (a uniformly random permutation) and keeps its first `draws` balls.

    Parameters
    ----------
    counts : dict of str -> int
        Number of balls of each colour.
    draws : int, default 2
    n_trials : int, default 100000
        At most 5e7 / (number of balls), so that the random keys fit in
        memory.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the
        same draws.

    Returns
    -------
    ndarray of str, shape (n_trials, draws)
        Row t holds the colours drawn in trial t, in order.

    Examples
    --------
    >>> simulate_urn({"r": 2, "b": 3}, n_trials=4, seed=1).shape
    (4, 2)
    """
    counts = _check_counts(counts)
    n_balls = sum(counts.values())
    if n_balls > MAX_SIMULATED // 5:
        raise ValueError(
            f"the urn holds {n_balls:,} balls; simulate_urn shuffles every "
            f"ball, so it needs balls <= {MAX_SIMULATED // 5:,}: scale the "
            f"counts down in proportion (the draw probabilities depend on "
            f"the proportions)"
        )
    draws = check_int(draws, "draws", minimum=1)
    if draws > n_balls:
        raise ValueError(
            f"cannot draw {draws} balls without replacement from an urn of "
            f"{n_balls}; use draws <= {n_balls}"
        )
    n_trials = check_int(n_trials, "n_trials", minimum=1, maximum=MAX_SIMULATED // n_balls)
    seed = check_int(seed, "seed", minimum=0)
    balls = np.array([c for c, k in counts.items() for _ in range(k)])
    keys = np.random.default_rng(seed).random((n_trials, balls.size))
    return balls[np.argsort(keys, axis=1)[:, :draws]]


def standard_error(p: float | Fraction, n: int) -> float:
    r"""Return :math:`\sqrt{p(1-p)/n}`, the standard deviation of a frequency.

    The number of hits in `n` independent trials of probability `p` is
    binomial with variance :math:`np(1-p)`; the frequency (hits / n) has
    variance :math:`p(1-p)/n`.

    Parameters
    ----------
    p : float or Fraction in [0, 1]
    n : int >= 1

    Returns
    -------
    float

    Examples
    --------
    >>> standard_error(Fraction(1, 2), 100)
    0.05
    """
    n = check_int(n, "n", minimum=1)
    if isinstance(p, bool) or not isinstance(p, (Rational, float, np.floating)):
        raise TypeError(f"p must be a number in [0, 1], got {type(p).__name__} {p!r}")
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    return math.sqrt(p * (1.0 - p) / n)
