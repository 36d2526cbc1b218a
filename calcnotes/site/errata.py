r"""Errata: where the handwritten notes are wrong, checked both ways.

A chapter records each slip or mistake of the notes with :func:`erratum`. The
call is a check, not a comment: it fails unless

* the value the notes state really differs from the value recomputed by
  ``calcnotes`` (otherwise it is no erratum), and
* the correct value the page prints really equals the recomputed one.

It returns the Markdown of an admonition to print on the page, and records the
erratum so that the site's Errata page can list every one with a link back.

Examples
--------
>>> md = erratum(
...     "example",
...     where="seed 003, page 7",
...     kind="error",
...     quantity=r"$(1 + 1/10)^{10}$",
...     notes=2.592,
...     correct=2.5937,
...     computed=(1 + 1 / 10) ** 10,
...     atol=5e-5,
...     reason="the notes truncate the power",
...     record=False,
... )
>>> "as handwritten" in md and "2.5937" in md
True
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass
from numbers import Number
from typing import Any

import numpy as np

from calcnotes.site.records import KEY, PageRecords

__all__ = ["KINDS", "Erratum", "erratum", "errata", "errata_table", "set_current_page"]

#: What kind of mistake a record is, as the Errata page names it.
KINDS = {
    "slip": "transcription slip",       # the handwriting was misread: a digit, a letter, a sign
    "error": "error in the notes",      # the notes' own mathematics or arithmetic is wrong
    "garbled": "garbled line",          # unreadable or scrambled; the record gives the probable intent
}


@dataclass(frozen=True)
class Erratum:
    """One recorded mistake of the notes.

    Attributes
    ----------
    key : str
        Slug, unique per page; the admonition's HTML id is ``erratum-<key>``.
    where : str
        Where in the notes (seed file and page number).
    quantity : str
        What is wrong, in Markdown (may contain ``$...$`` math).
    notes_say, correct : str
        Markdown renderings of the notes' value and of the correct value.
    reason : str
        One line: why the notes are wrong.
    kind : str or None
        One of :data:`KINDS` (``None``: not yet classified; the register test refuses it).
    title : str
        The collapsed box's title: what the notes have ("Erratum, as handwritten: ...").
    page : str or None
        The docs page (``src_uri``) that recorded it; None outside a build.
    page_title : str or None
        That page's title, for the link text on the Errata page.
    """

    key: str
    where: str
    quantity: str
    notes_say: str
    correct: str
    reason: str
    page: str | None
    page_title: str | None = None
    kind: str | None = None
    title: str = ""

    @property
    def seed(self) -> str:
        """The seed file named by ``where`` (``"003"``), or ``""``."""
        match = re.match(r"seed (\d{3})", self.where)
        return match.group(1) if match else ""

    @property
    def page_number(self) -> int:
        """The first page number in ``where`` (for ordering), or a large number."""
        match = re.search(r"pages? (\d+)", self.where)
        return int(match.group(1)) if match else 10**6

    @property
    def anchor(self) -> str:
        """HTML id of the admonition on its page."""
        return f"erratum-{self.key}"


# Filled while the site builds; the build hooks reset it before each build and
# tell us which page is being rendered, so that the Errata page can link back.
_RECORDS: PageRecords[Erratum] = PageRecords(Erratum)
set_current_page = _RECORDS.set_current_page
reset = _RECORDS.reset
restore = _RECORDS.restore


def errata() -> list[Erratum]:
    """Return the errata recorded so far, in the order they were recorded."""
    return list(_RECORDS.items)


def _agree(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Whether two values agree: exactly for symbols, within tolerance for numbers."""
    import sympy

    symbolic = (sympy.Basic, sympy.MatrixBase)  # a mutable Matrix is not a Basic
    if isinstance(a, symbolic) or isinstance(b, symbolic):
        a, b = sympy.sympify(a), sympy.sympify(b)
        if isinstance(a, sympy.MatrixBase) or isinstance(b, sympy.MatrixBase) or a.free_symbols or b.free_symbols:
            from calcnotes.symbolic import is_equal

            return is_equal(a, b)
        a, b = complex(sympy.N(a, 30)), complex(sympy.N(b, 30))
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    a_arr = np.asarray(a, dtype=complex if np.iscomplexobj(a) else float)
    b_arr = np.asarray(b, dtype=complex if np.iscomplexobj(b) else float)
    if a_arr.shape != b_arr.shape:
        return False
    return bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol))


def _display(value: Any) -> str:
    """Markdown for a value: LaTeX for sympy objects, plain text for numbers."""
    import sympy

    if isinstance(value, (sympy.Basic, sympy.MatrixBase)):
        return f"${sympy.latex(value)}$"
    if isinstance(value, Number) and not isinstance(value, bool):
        if isinstance(value, float) and math.isfinite(value):
            return f"{value:.10g}"
        return str(value)
    return str(value)


def erratum(
    key: str,
    *,
    where: str,
    quantity: str,
    notes: Any,
    correct: Any,
    computed: Any,
    reason: str,
    kind: str | None = None,
    title: str | None = None,
    notes_display: str | None = None,
    correct_display: str | None = None,
    rtol: float = 1e-9,
    atol: float = 0.0,
    record: bool = True,
) -> str:
    r"""Check one mistake of the notes and return its admonition as Markdown.

    Parameters
    ----------
    key : str
        Lower-case slug (``a-z``, ``0-9``, ``-``), unique on its page.
    where : str
        Where the notes say it, e.g. ``"seed 003, page 7"``.
    quantity : str
        What is wrong, in Markdown; may contain ``$...$`` math.
    notes : number, array, sympy expression or str
        The value as the notes state it.
    correct : number, array, sympy expression or str
        The correct value as the page states it (derived independently: by
        hand, with sympy or another method).
    computed : number, array, sympy expression or str
        The value recomputed here by ``calcnotes``.
    reason : str
        One line: why the notes are wrong (TeX in ``$...$``). Where the intended
        value is inferred, say "probably" and why.
    kind : {"slip", "error", "garbled"}
        A transcription slip, an error of the notes, or a garbled line (see
        :data:`KINDS`).
    title : str, optional
        Title of the collapsed box, saying what the notes have, e.g.
        ``"Erratum, as handwritten: $e^{0.12} = 1.27$"``. Defaults to the quantity and the
        notes' value.
    notes_display, correct_display : str, optional
        Markdown to show instead of the plain rendering of the values.
    rtol, atol : float
        Tolerance for numeric comparison: ``correct`` must agree with
        ``computed`` within it, ``notes`` must not. Use ``atol`` of half a
        unit in the last printed digit when ``correct`` is rounded.
    record : bool
        Whether to record it for the Errata page (False in doctests).

    Returns
    -------
    str
        The Markdown of an admonition with HTML id ``erratum-<key>``.

    Raises
    ------
    AssertionError
        If the notes' value agrees with the computed one (no erratum), or the
        correct value does not (the page would print a wrong correction).
    ValueError
        If the key is not a slug or is used twice on the same page.
    """
    if not KEY.match(key):
        raise ValueError(
            f"erratum key {key!r} is not a slug; use lower-case letters, digits and "
            "single hyphens, e.g. 'sqrt-derivative'"
        )
    if kind is not None and kind not in KINDS:
        raise ValueError(f"erratum {key!r}: kind must be one of {sorted(KINDS)}, not {kind!r}")
    if not re.match(r"seed \d{3}\b", where):
        raise ValueError(f"erratum {key!r}: where must start with the seed, e.g. 'seed 003, page 7', not {where!r}")
    if _agree(notes, computed, rtol, atol):
        raise AssertionError(
            f"erratum {key!r}: the notes' value {_display(notes)} agrees with the "
            f"recomputed value {_display(computed)}; this is not an erratum "
            "(remove it, or recompute the right quantity)"
        )
    if not _agree(correct, computed, rtol, atol):
        raise AssertionError(
            f"erratum {key!r}: the stated correct value {_display(correct)} differs "
            f"from the recomputed value {_display(computed)} (rtol={rtol}, atol={atol}); "
            "fix the correction printed on the page"
        )
    item = Erratum(
        key=key,
        where=where,
        quantity=quantity,
        notes_say=notes_display if notes_display is not None else _display(notes),
        correct=correct_display if correct_display is not None else _display(correct),
        reason=reason,
        page=_RECORDS.page,
        page_title=_RECORDS.page_title,
        kind=kind,
        title=title or _default_title(quantity, notes_display if notes_display is not None else _display(notes)),
    )
    if record:
        if any(e.key == key and e.page == item.page for e in _RECORDS.items):
            raise ValueError(
                f"erratum key {key!r} is used twice on page {item.page}; give each "
                "erratum on a page its own key"
            )
        _RECORDS.items.append(item)
    return _admonition(item)


def _default_title(quantity: str, notes_say: str) -> str:
    """Erratum, as handwritten: <quantity> = <value>, when the value is short enough for a title."""
    if len(notes_say) <= 40 and "\n" not in notes_say:
        return f"Erratum, as handwritten: {quantity} = {notes_say}"
    return f"Erratum, as handwritten: {quantity}"


_PLURAL = {"slip": "transcription slips", "error": "errors in the notes", "garbled": "garbled lines"}


def _register_link(page: str | None) -> str:
    """A link from the box to its row of the Errata page (relative, so MkDocs checks it)."""
    if not page:
        return ""
    target = posixpath.relpath("errata.md", posixpath.dirname(page) or ".")
    return f" · [all errata]({target})"


def _admonition(item: Erratum) -> str:
    """The Markdown (md_in_html) of an erratum's collapsed box.

    The box is closed: the reader sees what the notes have and opens it for the
    correction. That it is checked is said once, on the Errata page.
    """
    kind = KINDS.get(item.kind or "", "not yet classified")
    return (
        f'<details class="bug erratum" id="{item.anchor}" markdown>\n'
        f'<summary markdown="span">{item.title}</summary>\n\n'
        f"**The notes say:** {item.notes_say}\n\n"
        f"**Correct:** {item.correct}\n\n"
        f"**Why:** {item.reason}\n\n"
        f'<span class="erratum-where">{item.where} · {kind}{_register_link(item.page)}</span>\n\n'
        "</details>\n"
    )


def errata_table(items: list[Erratum] | None = None) -> str:
    """Return the register of errata as Markdown: one table per seed, rows by page.

    Parameters
    ----------
    items : list of Erratum, optional
        Defaults to every erratum recorded in this build.

    Returns
    -------
    str
        Markdown; links are relative ``.md`` paths so that MkDocs resolves and
        validates them.

    Examples
    --------
    >>> errata_table([])
    'No errata recorded.'
    """
    items = errata() if items is None else items
    if not items:
        return "No errata recorded."
    out: list[str] = []
    for seed in sorted({item.seed for item in items}):
        rows = sorted((i for i in items if i.seed == seed), key=lambda i: i.page_number)  # stable: page order kept
        counts = {k: sum(1 for i in rows if i.kind == k) for k in KINDS}
        summary = ", ".join(f"{n} {_PLURAL[k] if n != 1 else KINDS[k]}" for k, n in counts.items() if n)
        out += [
            f"### Seed {seed}",
            "",
            f"{len(rows)} record{'s' if len(rows) != 1 else ''}: {summary or 'none classified'}.",
            "",
            "| Where | Kind | What | The notes say | Correct | Why | Chapter |",
            "|---|---|---|---|---|---|---|",
        ]
        for item in rows:
            link = f"[{item.page_title}]({item.page}#{item.anchor})" if item.page else "—"
            cells = [item.where, KINDS.get(item.kind or "", "unclassified"), item.quantity,
                     item.notes_say, item.correct, item.reason, link]
            out.append("| " + " | ".join(c.replace("|", r"\|").replace("\n", " ") for c in cells) + " |")
        out.append("")
    return "\n".join(out)
