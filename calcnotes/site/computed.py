"""Computed values in prose: ``@{expr:fmt}`` filled from the page's session.

A page states a computed number in prose as ``@{slope:.4f}`` rather than typing
``6.0000``: the value is read from the page's markdown-exec session after the
page's blocks have run, so the text cannot drift from the computation (and
corrupting it means corrupting code that the build checks).

Two steps. Before Markdown is converted, :func:`tokenize` swaps each reference
outside code fences for an inert token (letters and digits only), so no
Markdown extension can rewrite the expression: ``@{found[1][0]}`` would
otherwise become a reference link. After the blocks ran, :func:`evaluate`
formats every reference from the session (or the execution cache gives the
stored strings), and :func:`fill` puts them in place, also inside ``$...$``
where they are then part of the formula KaTeX renders. A reference that fails
to evaluate fails the build with its file and line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from mkdocs.exceptions import PluginError

from calcnotes.site.fences import REFERENCE, Reference, find_references, format_reference, split_fences

__all__ = ["PageRefs", "evaluate", "fill", "tokenize"]

_TOKEN = re.compile(r"CNREF(\d+)Z")
_DOLLARS = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")


@dataclass
class PageRefs:
    """A page's references, in page order (first occurrence of each text)."""

    where: str
    session: str | None
    refs: list[Reference]


def tokenize(markdown: str, source: str, sessions: list[str], where: str) -> tuple[str, PageRefs | None]:
    """Swap the page's ``@{...}`` for tokens; return the new Markdown and its references.

    Raises
    ------
    PluginError
        If a reference cannot be read, or the page has references but not
        exactly one session to read them from.
    """
    _refuse_malformed(source, where)
    refs = find_references(source)
    if not refs:
        return markdown, None
    unique = list({r.text: r for r in reversed(refs)}.values())[::-1]
    if len(sessions) != 1:
        raise PluginError(
            f"{where}:{refs[0].line}: @{{...}} needs exactly one markdown-exec session on "
            f"the page to read values from; found {sessions or 'none'}"
        )
    out = []
    for _, line, prose in split_fences(markdown):
        if prose and "@{" in line:
            for k, ref in enumerate(unique):
                line = line.replace(ref.text, f"CNREF{k}Z")
        out.append(line)
    return "".join(out), PageRefs(where, sessions[0], unique)


def _refuse_malformed(source: str, where: str) -> None:
    """An ``@{`` left outside code (braces inside the expression) would show raw: fail instead."""
    for number, line, prose in split_fences(source):
        if prose and "@{" in REFERENCE.sub("", re.sub(r"`[^`]*`", "", line)):
            raise PluginError(
                f"{where}:{number}: an @{{...}} reference could not be read (no braces inside the "
                "expression: compute the value into a variable in a block and cite the variable)"
            )


def evaluate(page_refs: PageRefs, namespace: dict) -> list[str]:
    """The HTML of each reference, formatted from the session's ``namespace``.

    Raises
    ------
    PluginError
        Listing ``file:line`` of every reference that failed.
    """
    values, errors = [], []
    for ref in page_refs.refs:
        try:
            values.append(_math_to_arithmatex(html.escape(format_reference(ref.expr, ref.fmt, namespace), quote=False)))
        except Exception as error:  # any failure is the author's to see
            errors.append(f"{page_refs.where}:{ref.line}: {ref.text} failed: {type(error).__name__}: {error}")
    if errors:
        raise PluginError("computed values in the prose could not be filled:\n" + "\n".join(errors))
    return values


def fill(html_content: str, values: list[str], toc_items) -> str:
    """Put the values in place of their tokens, in the page and its table of contents."""
    def replace(text: str) -> str:
        return _TOKEN.sub(lambda m: values[int(m[1])], text)

    _fill_toc(toc_items, replace)
    return replace(html_content)


def _math_to_arithmatex(value: str) -> str:
    """A value that is Markdown with ``$...$`` math: wrap the math as arithmatex
    does, so that KaTeX (which runs next) renders it instead of leaving dollars."""
    return _DOLLARS.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', value)


def _fill_toc(items, replace) -> None:
    """Headings may cite values too: fill the table of contents like the page."""
    for item in items:
        item.title = replace(item.title)
        _fill_toc(item.children, replace)
