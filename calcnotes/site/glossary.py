"""The glossary: one data file, a page, and a tooltip on every occurrence of a term.

``docs/data/glossary.yml`` lists terms with a one-line definition and the page
that introduces them. The plugin appends Markdown abbreviations
(``*[term]: definition``) to every page, so the ``abbr`` extension marks each
occurrence and Material's ``content.tooltips`` shows the definition on hover or
focus; the glossary page's marker becomes the full list, linked to where each
term is taught.

Examples
--------
>>> terms = [{"term": "logit", "definition": "the score before the sigmoid", "page": "models/logistic-regression.md"}]
>>> print(abbreviations(terms))
*[logit]: the score before the sigmoid
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GLOSSARY_MARKER", "abbreviations", "glossary_page", "load"]

GLOSSARY_MARKER = "<!-- calcnotes: glossary -->"


def load(path: Path) -> list[dict]:
    """The terms of the glossary file, checked for their fields, sorted case-blind."""
    import yaml

    terms = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in terms:
        missing = {"term", "definition"} - set(entry)
        if missing:
            raise ValueError(f"{path}: the glossary entry {entry!r} lacks {sorted(missing)}")
        if "]" in entry["term"] or "\n" in entry["definition"]:
            raise ValueError(f"{path}: {entry['term']!r}: a term has no ']' and a definition is one line")
    return sorted(terms, key=lambda e: e["term"].lower())


def abbreviations(terms: list[dict]) -> str:
    """Markdown abbreviation definitions, one per term (and per listed variant).

    Each is a paragraph of its own: Python-Markdown's abbreviation processor takes
    one definition off the front of a block and hands the rest back, so one block
    of n definitions is searched by every block processor n times over (measured:
    0.7 MB of text searched per page per processor, about 2 s of a build).
    """
    lines = []
    for entry in terms:
        for word in [entry["term"], *entry.get("variants", [])]:
            lines.append(f"*[{word}]: {entry['definition']}")
    return "\n\n".join(lines)


def glossary_page(terms: list[dict], src_uri: str) -> str:
    """The glossary as a Markdown definition list, each term linked to where it is taught."""
    import posixpath

    out = []
    for entry in terms:
        out.append(entry["term"])
        where = ""
        if entry.get("page"):
            target = posixpath.relpath(entry["page"], posixpath.dirname(src_uri) or ".")
            where = f" ([{entry.get('where', 'where it is taught')}]({target}))"
        out.append(f":   {entry['definition']}{where}")
        out.append("")
    return "\n".join(out)
