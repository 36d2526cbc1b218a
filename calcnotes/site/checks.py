"""Checks as a layer the reader opens: count them, and title their collapsed boxes.

A chapter keeps its teaching code visible and puts the rest of its checks in a
collapsed box written as::

    ??? checks
        ```python exec="on" session="derivatives" source="above"
        assert abs(slope - 2.0) < 1e-12
        ```

Before the page is converted, :func:`expand_checks` turns each ``??? checks``
line into ``??? success "3 checks passed when this page was built"``, counted
from the code inside the box (a failing check fails the build, so a built page
only ever says "passed"). A check is an ``assert`` statement or an
``erratum(...)`` call (which checks both sides of a mistake of the notes);
each is counted once where it is written, even inside a loop.

Examples
--------
>>> page = '''??? checks
...     ```python exec="on" session="p" source="above"
...     assert 1 + 1 == 2
...     assert 2 * 2 == 4
...     ```
... '''
>>> print(expand_checks(page).splitlines()[0])
??? success "2 checks passed when this page was built"
"""

from __future__ import annotations

import ast
import functools
import re

from calcnotes.site.fences import find_exec_blocks

__all__ = ["count_checks", "expand_checks", "page_checks"]

_CHECKS_BOX = re.compile(r'^(?P<indent>[ \t]*)\?\?\?(?P<open>\+?)[ \t]+checks(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')


@functools.lru_cache(maxsize=4096)  # a rebuild under `mkdocs serve` parses the same blocks again
def count_checks(code: str) -> int:
    """Number of ``assert`` statements and ``erratum(...)`` calls in ``code``.

    >>> count_checks("assert x\\nfor i in range(3):\\n    assert i >= 0\\nprint(erratum('k'))")
    3
    """
    tree = ast.parse(code)  # first: a block that does not parse is an error even with no check
    if "assert" not in code and "erratum" not in code:
        return 0
    count = 0
    for node in ast.walk(tree):  # one walk: every page's blocks are counted before the build forks
        if isinstance(node, ast.Assert):
            count += 1
        elif isinstance(node, ast.Call) and "erratum" in (
            getattr(node.func, "id", None),
            getattr(node.func, "attr", None),
        ):
            count += 1
    return count


def page_checks(markdown: str) -> tuple[int, int]:
    """``(checks, blocks)``: the checks in all executable blocks of a page, and how many blocks."""
    blocks = find_exec_blocks(markdown)
    return sum(count_checks(b.code) for b in blocks), len(blocks)


def expand_checks(markdown: str, where: str = "<page>") -> str:
    """Title every ``??? checks`` box with the number of checks inside it.

    Raises
    ------
    ValueError
        If a box holds no check: a box that cannot fail must not say "passed".
    """
    lines = markdown.splitlines(keepends=True)
    for number, line in enumerate(lines):
        match = _CHECKS_BOX.match(line.rstrip("\n"))
        if not match:
            continue
        indent = len(match["indent"].expandtabs(4))
        body = []
        for following in lines[number + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        count = sum(count_checks(b.code) for b in find_exec_blocks("".join(body)))
        if count == 0:
            raise ValueError(f"{where}:{number + 1}: this '??? checks' box holds no assert or erratum")
        noun = "check" if count == 1 else "checks"
        title = f"{count} {noun} passed when this page was built"
        if match["title"]:
            title += f": {match['title']}"
        lines[number] = f'{match["indent"]}???{match["open"]} success "{title}"\n'
    return "".join(lines)
