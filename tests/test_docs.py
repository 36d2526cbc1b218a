"""Every executable block of every page, run under pytest.

Blocks are grouped as markdown-exec groups them: the blocks of one ``session``
share their globals and run in page order; a block without a session runs
alone. Each block is compiled with its page as the file name and its lines
shifted to their place in the page, so a failure reads
``docs/calculus/derivatives.md, line 57``.
"""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
from calcnotes.site.fences import ExecBlock, find_exec_blocks, find_references, format_reference  # noqa: E402


def _groups() -> list:
    params = []
    for page in sorted(DOCS.rglob("*.md")):
        rel = page.relative_to(ROOT).as_posix()
        blocks = find_exec_blocks(page.read_text(encoding="utf-8"), rel)
        sessions: dict[str, list[ExecBlock]] = {}
        for block in blocks:
            key = block.session or f"L{block.line}"
            sessions.setdefault(key, []).append(block)
        for key, group in sessions.items():
            params.append(pytest.param(group, id=f"{page.relative_to(DOCS).as_posix()}::{key}"))
    return params


GROUPS = _groups()


def test_docs_have_executable_blocks():
    # A parser that finds nothing would make every test below pass vacuously.
    assert len(GROUPS) >= 3


def run_blocks(blocks: list[ExecBlock], page: str) -> dict:
    """Run one session's blocks in order in a fresh namespace; return it."""
    from calcnotes.site import errata

    errata.reset()
    errata.set_current_page(page)
    namespace: dict = {"__name__": f"docs_{page}", "print": builtins.print}
    try:
        for block in blocks:
            source = "\n" * block.line + block.code  # line numbers as in the page
            exec(compile(source, block.path, "exec"), namespace)  # noqa: S102
    finally:
        errata.reset()
    return namespace


@pytest.mark.parametrize("blocks", GROUPS)
def test_page_blocks(blocks: list[ExecBlock], monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # markdown-exec runs blocks from the project root
    namespace = run_blocks(blocks, Path(blocks[0].path).relative_to("docs").as_posix())
    capsys.readouterr()
    # The prose's @{expr:fmt} references are read from this session (the page's only one).
    if blocks[0].session:
        for ref in find_references((ROOT / blocks[0].path).read_text(encoding="utf-8")):
            try:
                format_reference(ref.expr, ref.fmt, namespace)
            except Exception as error:  # noqa: BLE001
                pytest.fail(f"{blocks[0].path}:{ref.line}: {ref.text} failed: {type(error).__name__}: {error}")
