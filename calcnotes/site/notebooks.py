"""Every chapter as a Jupyter notebook: its prose as Markdown cells, its blocks as code cells.

Written at build time next to the chapter's page (``derivatives.ipynb``), linked
from the line under its title, so a reader can run and change the chapter's
code. Prose citations (``@{...}``) carry the values this build computed; every
block becomes a cell, the checks included, so the notebook checks itself as the
page does. Figures and errata boxes print HTML: the first cell routes a printed
HTML fragment to ``IPython.display`` so it shows as it does on the page.

Examples
--------
>>> nb = chapter_notebook("# T\\n\\nSlope @{s}.\\n\\n```python exec=\\"on\\" session=\\"t\\"\\ns = 2\\n```\\n", ["2"])
>>> [c.cell_type for c in nb.cells]
['code', 'markdown', 'code']
>>> nb.cells[1].source
'# T\\n\\nSlope 2.'
"""

from __future__ import annotations

import hashlib
import html
import re

from calcnotes.site.fences import REFERENCE, find_exec_blocks

__all__ = ["chapter_notebook"]

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_BOX = re.compile(r'^(?P<indent>[ \t]*)(\?\?\?\+?|!!!)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
_HIDE = re.compile(r"[ \t]*# markdown-exec: hide[ \t]*$", re.M)  # the page hides the line; the notebook keeps it
_SPAN_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)

_SETUP = '''\
# Set-up for this notebook: a printed figure or erratum box (HTML) is displayed as on the page.
import builtins

from IPython.display import HTML, display


def print(*args, **kwargs):  # noqa: A001
    if len(args) == 1 and isinstance(args[0], str) and args[0].lstrip().startswith(("<figure", "<details", "<div")):
        display(HTML(args[0]))
    else:
        builtins.print(*args, **kwargs)
'''


def _as_markdown(value: str) -> str:
    """A filled citation (HTML-escaped, math wrapped for KaTeX) back as Markdown."""
    return html.unescape(_SPAN_MATH.sub(lambda m: f"${m[1]}$", value))


def _code_cell(source: str):
    # nbformat.v4.new_code_cell validates every cell against the schema (0.8 s a build
    # over the chapters); tests/test_notebooks.py validates every notebook instead.
    import nbformat

    return nbformat.from_dict({"cell_type": "code", "metadata": {}, "source": source,
                               "outputs": [], "execution_count": None})


def chapter_notebook(source: str, values: list[str], refs_texts: list[str] | None = None):
    """The notebook of a chapter.

    Parameters
    ----------
    source : str
        The chapter's Markdown source.
    values : list of str
        The filled ``@{...}`` values, in the order of the page's distinct references.
    refs_texts : list of str, optional
        The distinct reference texts in that order (default: found in ``source``).
    """
    import nbformat

    text = _FRONT_MATTER.sub("", source)
    if refs_texts is None:
        refs_texts = list(dict.fromkeys(m[0] for m in REFERENCE.finditer(text)))
    filled = dict(zip(refs_texts, (_as_markdown(v) for v in values), strict=True))
    blocks = {b.line: b for b in find_exec_blocks(text)}
    cells = [_code_cell(_SETUP)]
    prose: list[str] = []
    lines = text.splitlines()
    i = 0

    def flush() -> None:
        body = "\n".join(prose).strip("\n")
        if body.strip():
            body = REFERENCE.sub(lambda m: filled.get(m[0], m[0]), body)
            cells.append(nbformat.from_dict({"cell_type": "markdown", "metadata": {}, "source": body}))
        prose.clear()

    while i < len(lines):
        line = lines[i]
        block = blocks.get(i + 1)
        fence = _FENCE.match(line)
        if fence:
            close = re.compile(rf"^[ \t]*{re.escape(fence['fence'][0])}{{{len(fence['fence'])},}}[ \t]*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if block is not None:
                flush()
                cells.append(_code_cell(_HIDE.sub("", block.code).rstrip("\n")))
            else:
                prose.extend(ln[len(fence["indent"]):] for ln in lines[i : j + 1])
            i = j + 1
            continue
        box = _BOX.match(line)
        if box:
            title = box["title"] or box["kind"].replace("-", " ").capitalize()
            prose.append(f"{box['indent']}**{title}**")
            i += 1
            continue
        prose.append(line[4:] if line.startswith("    ") else line)
        i += 1
    flush()
    for number, cell in enumerate(cells):
        # nbformat draws random ids: derived from the cell, the notebook is the same on every build.
        cell.id = hashlib.sha256(f"{number}\n{cell.source}".encode()).hexdigest()[:8]
    notebook = nbformat.from_dict({"nbformat": nbformat.v4.nbformat, "nbformat_minor": nbformat.v4.nbformat_minor,
                                   "metadata": {}, "cells": cells})
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook
