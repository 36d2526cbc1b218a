"""calcnotes.site.tex.from_tex: TeX the notes use, read back and compared with sympy built by hand."""

import pytest
import sympy as sp

from calcnotes.site.tex import from_tex

x, y, p, m, b = sp.symbols("x y p m b")


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"85 - \frac{1}{90} x^{2}(x - 6) y^{2}(y - 6)", 85 - sp.Rational(1, 90) * x**2 * (x - 6) * y**2 * (y - 6)),
        (r"7 \log p + 3\log(1 - p)", 7 * sp.log(p) + 3 * sp.log(1 - p)),
        (r"e^{x} - \ln x", sp.exp(x) - sp.log(x)),
        (r"14m^2 + 3b^2 + 12mb - 42m - 20b + 38", 14 * m**2 + 3 * b**2 + 12 * m * b - 42 * m - 20 * b + 38),
        (r"\dfrac{x}{\left(1 + y\right)^{2}}", x / (1 + y) ** 2),
        (r"2x \cdot y \times 3", 6 * x * y),
        (r"\frac{\frac{1}{2}}{x}", 1 / (2 * x)),
        (r"\exp(x)", sp.exp(x)),
    ],
)
def test_reads_the_notes_formulas(tex, expected):
    assert sp.simplify(from_tex(tex, x=x, y=y, p=p, m=m, b=b) - expected) == 0


def test_symbols_keep_their_assumptions():
    t = sp.Symbol("t", positive=True)
    assert from_tex("t^2", t=t).is_positive
    assert from_tex("t^2").is_positive is None  # a letter not given is a plain symbol


@pytest.mark.parametrize(
    ("tex", "error", "match"),
    [
        (r"\frac{1}{x", ValueError, "unbalanced"),
        (r"\frac 1 2", ValueError, "braces"),
        (r"\sqrt{x}", ValueError, "unsupported TeX command"),
        ("x +* 2", ValueError, "cannot read"),
        (3, TypeError, "must be a str"),
    ],
)
def test_bad_input_is_explained(tex, error, match):
    with pytest.raises(error, match=match):
        from_tex(tex, x=x)
