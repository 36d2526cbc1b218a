"""Behaviour of calcnotes.optim.schedules that the mutation run found unpinned.

The rates are the formulas of the module docstring evaluated by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from calcnotes.optim.schedules import CosineDecay, ExponentialDecay, InverseTimeDecay, StepDecay


@pytest.mark.parametrize(
    ("make", "fields"),
    [
        (lambda: StepDecay(np.float32(0.5), step_size=np.int64(2), gamma=np.float32(0.5)),
         {"learning_rate": (float, 0.5), "step_size": (int, 2), "gamma": (float, 0.5)}),
        (lambda: ExponentialDecay(1, gamma=np.float64(0.5)), {"learning_rate": (float, 1.0), "gamma": (float, 0.5)}),
        (lambda: InverseTimeDecay(np.int32(1), decay=0), {"learning_rate": (float, 1.0), "decay": (float, 0.0)}),
        (lambda: CosineDecay(1, n_steps=np.int64(4), min_rate=np.float32(0.25)),
         {"learning_rate": (float, 1.0), "n_steps": (int, 4), "min_rate": (float, 0.25)}),
    ],
)
def test_fields_hold_the_checked_python_numbers(make, fields):
    # the docstrings give the fields as float and int: numpy scalars and ints come back converted
    # (built inside the test, so that the test is the caller of __post_init__)
    schedule = make()
    for name, (kind, value) in fields.items():
        got = getattr(schedule, name)
        assert type(got) is kind and got == value, name


def test_a_factor_of_exactly_one_keeps_the_rate():
    # gamma in (0, 1]: 1 is allowed and gives a constant rate
    assert [StepDecay(0.1, step_size=2, gamma=1.0)(k) for k in (0, 5)] == [0.1, 0.1]
    assert ExponentialDecay(0.1, gamma=1)(7) == 0.1
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        StepDecay(0.1, step_size=2, gamma=1.0000001)


def test_cosine_decay_bounds():
    # n_steps >= 1: K = 1 goes from eta at k = 0 to eta_min at k = 1
    one = CosineDecay(0.2, n_steps=1, min_rate=0.1)
    assert one(0) == pytest.approx(0.2) and one(1) == 0.1 and one(2) == 0.1
    with pytest.raises(ValueError, match="n_steps"):
        CosineDecay(0.2, n_steps=0)
    # min_rate == learning_rate is allowed: a constant schedule
    flat = CosineDecay(0.1, n_steps=10, min_rate=0.1)
    assert [flat(k) for k in (0, 5, 10, 11)] == pytest.approx([0.1] * 4)
    with pytest.raises(ValueError, match="min_rate"):
        CosineDecay(0.1, n_steps=10, min_rate=0.10001)
    # the middle: (1 + cos(pi/2)) / 2 = 1/2 of the way
    assert CosineDecay(1.0, n_steps=4)(2) == pytest.approx(0.5)
