r"""The cheat sheet: formulas recorded by the chapters where they are checked.

A chapter that has checked a formula (typed once as TeX and read back with
``tex_value``, or asserted against sympy) records it for the cheat sheet::

    from calcnotes.site import formula
    formula("chain-rule", section="Rules", title="Chain rule",
            tex=chain_tex, checked=is_equal(tex_value(chain_tex, ...), expected))

``checked`` must be ``True``: the record is the chapter's own checked string,
so the cheat sheet cannot drift from its chapter. The plugin collects every
record while the pages run (or from the execution cache) and fills the cheat
sheet page (``docs/cheatsheet.md``) once all pages have run, grouped by section
in reading order, each entry linking back to the section that derives it.

Examples
--------
>>> reset()
>>> set_current_page("calculus/rules.md", "Rules")
>>> formula("power", section="Derivatives", title="Power rule",
...         tex=r"\frac{d}{dx} x^n = n x^{n-1}", checked=True, anchor="power-rule")
''
>>> print(sheet().splitlines()[0])
## Derivatives
>>> reset()
"""

from __future__ import annotations

from dataclasses import dataclass

from calcnotes.site.records import KEY, PageRecords

__all__ = ["SECTIONS", "Formula", "formula", "formulas", "reset", "restore", "set_current_page", "sheet"]

#: Sections of the sheet, in the order a reader meets them.
SECTIONS = (
    "Derivatives",
    "Rules",
    "Gradients and matrix calculus",
    "Activations",
    "Losses and their gradients",
    "Optimisation",
    "Second order",
)



@dataclass(frozen=True)
class Formula:
    """One checked formula of a chapter, as the cheat sheet shows it."""

    key: str
    section: str
    title: str
    tex: str
    page: str | None
    page_title: str | None = None
    anchor: str | None = None
    note: str = ""


_RECORDS: PageRecords[Formula] = PageRecords(Formula)
set_current_page = _RECORDS.set_current_page
reset = _RECORDS.reset
restore = _RECORDS.restore


def formulas() -> list[Formula]:
    """The records so far, in the order they were made."""
    return list(_RECORDS.items)


def formula(
    key: str,
    *,
    section: str,
    title: str,
    tex: str,
    checked: bool,
    anchor: str | None = None,
    note: str = "",
) -> str:
    """Record a checked formula for the cheat sheet; return ``""`` (nothing to print).

    Parameters
    ----------
    key : str
        Slug, unique on the site.
    section : str
        One of :data:`SECTIONS`.
    title : str
        What the formula is, in Markdown (``"Chain rule"``).
    tex : str
        The formula as the chapter shows it (TeX, without dollars).
    checked : bool
        The result of the chapter's check of ``tex`` (it must be ``True``).
    anchor : str, optional
        The heading id of the section that derives it (default: the page's top).
    note : str
        A short condition or remark in Markdown (``"for $\\eta < 2/\\lambda_{\\max}$"``).

    Raises
    ------
    AssertionError
        If ``checked`` is not ``True``: the sheet shows only checked formulas.
    ValueError
        If the key is not a slug, is used twice, or the section is unknown.
    """
    if checked is not True:
        raise AssertionError(
            f"formula {key!r}: pass the chapter's check of the formula as checked=... (got {checked!r})"
        )
    if not KEY.match(key):
        raise ValueError(f"formula key {key!r} is not a slug; use lower-case letters, digits and single hyphens")
    if section not in SECTIONS:
        raise ValueError(f"formula {key!r}: section must be one of {list(SECTIONS)}, not {section!r}")
    if any(item.key == key for item in _RECORDS.items):
        raise ValueError(f"formula key {key!r} is recorded twice; give each formula its own key")
    _RECORDS.items.append(Formula(key, section, title, tex, _RECORDS.page, _RECORDS.page_title, anchor, note))
    return ""


def sheet(items: list[Formula] | None = None, order: list[str] | None = None) -> str:
    """The cheat sheet as Markdown: one table per section, pages in reading ``order``.

    Links are relative ``.md`` paths, so MkDocs resolves and validates them.
    """
    items = formulas() if items is None else items
    if not items:
        return "No formulas recorded."
    rank = {page: k for k, page in enumerate(order or [])}
    out: list[str] = []
    for section in SECTIONS:
        rows = sorted((i for i in items if i.section == section), key=lambda i: rank.get(i.page or "", 10**6))
        if not rows:
            continue
        out += [f"## {section}", "", "| what | formula | from |", "|---|---|---|"]
        for item in rows:
            target = f"{item.page}#{item.anchor}" if item.anchor else item.page
            link = f"[{item.page_title}]({target})" if item.page else ""
            # A bar would split the table's cell: in TeX it is \vert.
            formula_cell = f"${item.tex.replace('|', chr(92) + 'vert ')}$" + (f" {item.note}" if item.note else "")
            out.append("| " + " | ".join(c.replace("|", r"\|") for c in (item.title, formula_cell, link)) + " |")
        out.append("")
    return "\n".join(out)
