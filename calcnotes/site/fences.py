"""Find the executable code blocks of a Markdown page, with their line numbers.

Shared by the build hooks (to name the file and line of a failing block) and by
``tests/test_docs.py`` (to run every block under pytest, grouped by session).
It reads fences the way pymdownx.superfences does for markdown-exec: a fence
of three or more backticks or tildes, possibly indented (inside an admonition
or a collapsible solution), whose info string has ``exec="on"`` (or 1/true).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ExecBlock", "find_exec_blocks"]

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]+)(?P<info>.*)$")
_OPTION = re.compile(r'([\w-]+)="([^"]*)"')
_TRUE = {"on", "1", "true", "yes"}


@dataclass(frozen=True)
class ExecBlock:
    """One executable block.

    Attributes
    ----------
    path : str
        Page path as given (e.g. ``docs/derivatives.md``).
    line : int
        1-based line of the opening fence; code line ``k`` (1-based) of the
        block is at ``line + k`` in the file.
    lang : str
        Language of the fence (``python`` or ``py``).
    code : str
        The dedented code, as markdown-exec runs it.
    options : dict
        The fence's ``key="value"`` options (``session``, ``id``, ...).
    """

    path: str
    line: int
    lang: str
    code: str
    options: dict = field(default_factory=dict)

    @property
    def session(self) -> str | None:
        """markdown-exec session name, or None for a stand-alone block."""
        return self.options.get("session") or None


def find_exec_blocks(text: str, path: str = "<page>") -> list[ExecBlock]:
    """Return the executable Python blocks of a page, in order.

    Parameters
    ----------
    text : str
        The page's Markdown source.
    path : str
        Used only to label the blocks.
    """
    lines = text.splitlines()
    blocks: list[ExecBlock] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        close = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        options = dict(_OPTION.findall(match["info"]))
        if match["lang"] in {"python", "py"} and options.get("exec", "").lower() in _TRUE:
            body = "\n".join(
                line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : j]
            )
            blocks.append(ExecBlock(path, i + 1, match["lang"], textwrap.dedent(body), options))
        i = j + 1
    return blocks


def find_exec_blocks_in_file(path: Path) -> list[ExecBlock]:
    """Read a Markdown file and return its executable blocks."""
    return find_exec_blocks(path.read_text(encoding="utf-8"), str(path))


# ---------------------------------------------------------------- computed values in prose
#
# Prose and formulas cite computed values as @{expr} or @{expr:format}, e.g.
# "the slope is @{slope:.4f}" or "$x_1 = @{path[1]:.4f}$". The value is taken
# from the page's markdown-exec session after its blocks ran, so the source
# holds no number that could drift from the computation. The format is a
# Python format spec, or "latex" for sympy.latex(value).

REFERENCE = re.compile(r"@\{(?P<expr>[^{}]+?)(?::(?P<fmt>[^{}:]*))?\}")


@dataclass(frozen=True)
class Reference:
    """One ``@{expr:fmt}`` in a page, with its 1-based line."""

    line: int
    expr: str
    fmt: str
    text: str


_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")


def split_fences(text: str):
    """Yield ``(line_number, line, is_prose)`` for each line of a page, keeping line ends.

    Fence lines and the lines between them are not prose. One tracker for the
    hooks that rewrite prose (computed values, API links) and for the tools.
    """
    fence: str | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _FENCE_LINE.match(line)
        if match:
            mark = match.group(1)
            fence = (
                None
                if fence and mark.startswith(fence) and line.strip() == line.strip()[0] * len(line.strip())
                else (fence or mark)
            )
            yield number, line, False
        else:
            yield number, line, fence is None


def find_references(text: str) -> list[Reference]:
    """Return the computed-value references of a page's prose (not inside code fences)."""
    return [
        Reference(number, m["expr"].strip(), m["fmt"] or "", m[0])
        for number, line, prose in split_fences(text)
        if prose
        for m in REFERENCE.finditer(line)
    ]


def format_reference(expr: str, fmt: str, namespace: dict) -> str:
    """Evaluate ``expr`` in ``namespace`` and format it (``fmt`` may be ``latex``)."""
    value = eval(expr, namespace)  # the page's own code, as markdown-exec runs it
    if fmt == "latex":
        import sympy

        return sympy.latex(value)
    return format(value, fmt)
