r"""Griffe extension: the reST bits of calcnotes' docstrings, as the site's Markdown.

calcnotes' docstrings follow numpydoc, so they write math and links the way
Sphinx reads them. mkdocstrings renders docstrings as Markdown, where those
would show as raw text. Before a docstring is parsed, this rewrites

* ``:math:`\nabla f``` into ``\(\nabla f\)`` (arithmatex inline math),
* a ``.. math::`` directive (with its indented continuation lines) into a
  ``$$ ... $$`` display block,
* ``:func:`name```, ``:class:`name``` and ``:mod:`name``` into code spans,
* a reST simple table (``===  ===`` borders) into a Markdown table,

so the math goes through pymdownx.arithmatex and then the plugin's KaTeX step (``calcnotes.site.katex``), as
it does on every other page. Docstrings themselves stay as they are (they read
well in ``help()`` and in a terminal). Configured in mkdocs.yml under the
mkdocstrings python handler's ``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

_ROLE_MATH = re.compile(r":math:`([^`]+)`")
_ROLE_REF = re.compile(r":(?:func|class|mod|meth|attr|data|obj|exc):`~?([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<first>.*)$")
_TABLE_BORDER = re.compile(r"^[ \t]*=+(?:[ \t]+=+)+[ \t]*$")


def _math_block(lines: list[str], i: int) -> tuple[list[str], int]:
    """The ``.. math::`` directive at line ``i`` as a ``$$`` block; the next line to read."""
    match = _DIRECTIVE.match(lines[i])
    indent = match["indent"]
    body = [match["first"].strip()] if match["first"].strip() else []
    i += 1
    while i < len(lines):
        line = lines[i]
        if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
            break
        body.append(line.strip())
        i += 1
    while body and not body[-1]:
        body.pop()
    tex = "\n".join(indent + b for b in body if b)
    return ["", f"{indent}$$", tex, f"{indent}$$", ""], i


def _table(lines: list[str], i: int) -> tuple[list[str], int] | None:
    """A reST simple table starting at line ``i`` as a Markdown table, or None."""
    border = lines[i]
    # Column spans from the border: runs of '='.
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", border)]
    rows, j, borders = [], i + 1, 1
    while j < len(lines) and borders < 3:
        if _TABLE_BORDER.match(lines[j]):
            borders += 1
        elif lines[j].strip():
            rows.append(lines[j])
        j += 1
    if borders < 3 or not rows:
        return None

    def cells(line: str) -> list[str]:
        out = []
        for k, (start, _end) in enumerate(spans):
            stop = spans[k + 1][0] if k + 1 < len(spans) else len(line)
            text = line[start:stop].strip()
            text = _ROLE_MATH.sub(lambda m: ":math:`" + m[1].replace("|", r"\vert ") + "`", text)
            out.append(text.replace("|", r"\|"))
        return out

    header, *body = [cells(r) for r in rows]
    indent = border[: len(border) - len(border.lstrip())]
    table = [indent + "| " + " | ".join(header) + " |", indent + "|" + "---|" * len(header)]
    table += [indent + "| " + " | ".join(r) + " |" for r in body]
    return ["", *table, ""], j


def rst_to_markdown(text: str) -> str:
    """Return a numpydoc docstring with its reST math, roles and tables as Markdown."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _DIRECTIVE.match(lines[i]):
            block, i = _math_block(lines, i)
            out += block
            continue
        if _TABLE_BORDER.match(lines[i]):
            converted = _table(lines, i)
            if converted is not None:
                block, i = converted
                out += block
                continue
        out.append(lines[i])
        i += 1
    text = "\n".join(out)
    text = _ROLE_MATH.sub(lambda m: rf"\({m[1]}\)", text)
    return _ROLE_REF.sub(lambda m: f"`{m[1]}`", text)


class RstMath(Extension):
    """Rewrite each docstring once the object tree is loaded, before it is parsed."""

    def on_object(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None and not obj.is_alias:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
