"""calcnotes.site.errata: an erratum is checked both ways, and recorded for the Errata page."""

import numpy as np
import pytest
import sympy as sp

from calcnotes.site import errata
from calcnotes.site.errata import errata_table, erratum


@pytest.fixture(autouse=True)
def _clean_registry():
    errata.reset()
    yield
    errata.reset()


def test_valid_erratum_renders_and_is_recorded():
    errata.set_current_page("calculus/derivatives.md", "Derivatives")
    md = erratum("e-ten", where="seed 003, page 7", quantity="$(1+1/10)^{10}$", notes=2.592,
                 correct=2.5937, computed=(1 + 1 / 10) ** 10, atol=5e-5, reason="slip")
    assert 'id="erratum-e-ten"' in md and "2.592" in md and "2.5937" in md
    [item] = errata.errata()
    assert (item.page, item.page_title, item.anchor) == ("calculus/derivatives.md", "Derivatives", "erratum-e-ten")
    assert "[Derivatives](calculus/derivatives.md#erratum-e-ten)" in errata_table()


def test_notes_that_agree_are_no_erratum():
    with pytest.raises(AssertionError, match="not an erratum"):
        erratum("same", where="seed 000, page 1", quantity="q", notes=4.0, correct=4.0, computed=2.0**2, reason="r")


def test_wrong_correction_is_refused():
    with pytest.raises(AssertionError, match="fix the correction"):
        erratum("bad-fix", where="seed 000, page 1", quantity="q", notes=5.0, correct=4.1, computed=4.0, reason="r")


def test_rounded_correction_needs_its_tolerance():
    with pytest.raises(AssertionError, match="differs from the recomputed"):
        erratum("rounded", where="seed 000, page 1", quantity="q", notes=2.592, correct=2.5937, computed=(1.1) ** 10,
                reason="r")


def test_symbolic_values_compare_exactly():
    x = sp.Symbol("x")
    md = erratum("sym", where="seed 000, page 1", quantity="q", notes=x**2, correct=2 * x,
                 computed=sp.diff(x**2, x), reason="differentiate", record=False)
    assert "2 x" in md  # sympy's LaTeX of 2x
    with pytest.raises(AssertionError):
        erratum("sym2", where="seed 000, page 1", quantity="q", notes=2 * x, correct=2 * x,
                computed=sp.diff(x**2, x), reason="r", record=False)


def test_arrays_compare_elementwise_and_by_shape():
    erratum("arr", where="seed 000, page 1", quantity="q", notes=np.array([1.0, 2.0]), correct=np.array([1.0, 3.0]),
            computed=np.array([1.0, 3.0]), reason="r", record=False)
    with pytest.raises(AssertionError):
        erratum("shape", where="seed 000, page 1", quantity="q", notes=np.ones(2), correct=np.ones(3),
                computed=np.ones(3).reshape(3, 1), reason="r", record=False)


@pytest.mark.parametrize("key", ["Bad Key", "under_score", "-lead", ""])
def test_key_must_be_a_slug(key):
    with pytest.raises(ValueError, match="slug"):
        erratum(key, where="seed 000, page 1", quantity="q", notes=1, correct=2, computed=2, reason="r")


def test_key_unique_per_page():
    errata.set_current_page("p.md")
    erratum("k", where="seed 000, page 1", quantity="q", notes=1, correct=2, computed=2, reason="r")
    with pytest.raises(ValueError, match="used twice"):
        erratum("k", where="seed 000, page 1", quantity="q", notes=1, correct=2, computed=2, reason="r")


def test_symbolic_constant_offsets_and_matrices():
    x = sp.Symbol("x")
    # Expressions that differ by a constant, and equal matrices, are compared exactly.
    erratum("offset", where="seed 000, page 1", quantity="q", notes=x + 1, correct=x + 3, computed=x + 3,
            reason="r", record=False)
    M = sp.Matrix([[x, 1], [0, x]])
    erratum("matrix", where="seed 000, page 1", quantity="q", notes=M.T, correct=M, computed=M,
            reason="r", record=False)
    with pytest.raises(AssertionError):
        erratum("matrix-same", where="seed 000, page 1", quantity="q", notes=M, correct=M, computed=M,
                reason="r", record=False)


def test_kind_and_where_are_validated():
    with pytest.raises(ValueError, match="kind must be one of"):
        erratum("k1", where="seed 000, page 1", kind="typo", quantity="q", notes=1, correct=2, computed=2, reason="r")
    with pytest.raises(ValueError, match="where must start with the seed"):
        erratum("k2", where="page 1", kind="slip", quantity="q", notes=1, correct=2, computed=2, reason="r")


def test_box_is_collapsed_and_titled_by_what_the_notes_have():
    errata.set_current_page("calculus/derivatives.md", "Derivatives")
    md = erratum("e-twelve", where="seed 003, page 7", kind="slip", quantity="$e^{0.12}$", notes=1.27,
                 correct=1.1275, computed=2.718281828459045**0.12, atol=5e-5, reason="a misread digit")
    assert md.startswith('<details class="bug erratum" id="erratum-e-twelve"')  # closed: no "open" attribute
    assert '<summary markdown="span">Erratum, as handwritten: $e^{0.12}$ = 1.27</summary>' in md
    assert "transcription slip" in md and "[all errata](../errata.md)" in md
    assert "Checked at build time" not in md  # said once, on the Errata page


def test_register_groups_by_seed_in_page_order():
    for key, where in [("b", "seed 003, page 9"), ("a", "seed 001, softmax example"), ("c", "seed 003, page 2")]:
        erratum(key, where=where, kind="error", quantity="q", notes=1, correct=2, computed=2, reason="r")
    table = errata_table()
    assert table.index("### Seed 001") < table.index("### Seed 003")
    assert table.index("seed 003, page 2") < table.index("seed 003, page 9")
    assert "2 records: 2 errors in the notes." in table
