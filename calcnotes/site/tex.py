r"""Read a small TeX formula back into sympy, so a formula shown on a page can be checked.

A chapter types a formula once, as TeX, shows it in the prose with
``@{formula_tex}``, and asserts that :func:`from_tex` of it equals an
independently derived expression. Corrupting the shown formula then fails the
build. sympy's own LaTeX parsers need extra packages (antlr4 or lark) and
reject the implicit products that handwritten formulas are full of
(``x^2(x-6)y^2``); this reader covers the small subset the notes use.

Supported: digits, one-letter variables, implicit multiplication, ``^``,
``\frac`` (and ``\tfrac``, ``\dfrac``), ``\cdot``, ``\times``, ``\left``/``\right``,
``\,``, ``\ln``/``\log``/``\exp``, and ``e`` as Euler's number.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> from_tex(r"85 - \frac{1}{90} x^{2}(x - 6) y^{2}(y - 6)", x=x, y=y) == 85 - x**2*(x - 6)*y**2*(y - 6)/90
True
>>> from_tex(r"e^{x} - \ln x", x=x) == sp.exp(x) - sp.log(x)
True
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

__all__ = ["from_tex"]

_TRANSFORMATIONS = (*standard_transformations, implicit_multiplication, convert_xor)
_REPLACEMENTS = [
    (r"\left", ""), (r"\right", ""), (r"\,", " "), (r"\cdot", "*"), (r"\times", "*"),
    (r"\ln", "log"), (r"\log", "log"), (r"\exp", "exp"), ("{", "("), ("}", ")"),
]
_FUNCTIONS = {"log", "exp"}


def _group(s: str, i: int) -> tuple[str, int]:
    """The ``{...}`` group of `s` that opens at ``s[i]``, and the index after it."""
    if i >= len(s) or s[i] != "{":
        raise ValueError(rf"expected '{{' at position {i} of {s!r}: write \frac{{a}}{{b}} with braces")
    depth = 0
    for j in range(i, len(s)):
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth == 0:
            return s[i + 1 : j], j + 1
    raise ValueError(f"unbalanced braces in {s!r}")


def from_tex(tex: str, **symbols: sp.Symbol) -> sp.Expr:
    r"""Return the sympy expression a small TeX formula denotes.

    Parameters
    ----------
    tex : str
        The formula, e.g. ``r"7 \log p + 3 \log(1 - p)"``. Multi-letter runs
        other than ``log``/``exp`` are products of one-letter variables
        (``mb`` is ``m*b``).
    **symbols : sympy.Symbol
        The variables by name, so that assumptions (``positive=True``) carry
        over; letters not given become plain symbols.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    TypeError
        If `tex` is not a string.
    ValueError
        If the braces do not balance or sympy cannot read the result.

    Examples
    --------
    >>> import sympy as sp
    >>> m, b = sp.symbols("m b")
    >>> from_tex(r"14m^2 + 3b^2 + 12mb - 42m - 20b + 38", m=m, b=b).coeff(m * b)
    12
    """
    if not isinstance(tex, str):
        raise TypeError(f"tex must be a str of TeX, got {type(tex).__name__}")
    s = tex.replace(r"\tfrac", r"\frac").replace(r"\dfrac", r"\frac")
    while r"\frac" in s:
        i = s.index(r"\frac")
        top, j = _group(s, i + len(r"\frac"))
        bottom, k = _group(s, j)
        s = f"{s[:i]}(({top})/({bottom})){s[k:]}"
    for old, new in _REPLACEMENTS:
        s = s.replace(old, new)
    # 'mb' is m*b, but 'log' and 'exp' are functions.
    s = re.sub(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])", lambda w: w[0] if w[0] in _FUNCTIONS else " ".join(w[0]), s)
    s = re.sub(r"log\s*([a-z])(?![A-Za-z(])", r"log(\1)", s)  # \ln x without parentheses
    if "\\" in s:
        raise ValueError(f"unsupported TeX command in {tex!r}; see calcnotes.site.tex for what is read")
    try:
        return parse_expr(s, local_dict={"e": sp.E, **symbols}, transformations=_TRANSFORMATIONS)
    except (SyntaxError, TypeError, sp.SympifyError) as error:
        raise ValueError(f"cannot read {tex!r} as a formula ({error})") from error
