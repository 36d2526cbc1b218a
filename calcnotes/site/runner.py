"""Run a page's blocks outside MkDocs, as markdown-exec runs them in the build.

The build runs blocks through markdown-exec (and the plugin's recording
runner); tools that must run a page many times without building it (the
mutation check, ``scripts/mutate.py``; a test that corrupts a chapter) use
:func:`run_page`: the same grouping by session, the same globals per session,
line numbers as in the page, and errata recorded for that page.
"""

from __future__ import annotations

import builtins
import contextlib
import io

from calcnotes.site.fences import ExecBlock, find_exec_blocks, find_references, format_reference

__all__ = ["run_page", "run_session"]


def run_session(blocks: list[ExecBlock], page: str) -> dict:
    """Run one session's blocks in order in a fresh namespace; return the namespace."""
    from calcnotes.site import errata

    errata.reset()
    errata.set_current_page(page)
    namespace: dict = {"__name__": f"docs_{page}", "print": builtins.print}
    try:
        for block in blocks:
            source = "\n" * block.line + block.code  # line numbers as in the page
            exec(compile(source, block.path, "exec"), namespace)
    finally:
        errata.reset()
    return namespace


def run_page(text: str, path: str, page: str | None = None, *, quiet: bool = True) -> None:
    """Run every session of a page, then format its ``@{...}`` references from its session.

    Raises whatever a block or a reference raises.
    """
    groups: dict[str, list[ExecBlock]] = {}
    for block in find_exec_blocks(text, path):
        groups.setdefault(block.session or f"L{block.line}", []).append(block)
    output = contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext()
    with output:
        for group in groups.values():
            namespace = run_session(group, page or path)
            if group[0].session:
                for ref in find_references(text):
                    format_reference(ref.expr, ref.fmt, namespace)
