"""Every executable block of every page, as the one build of this test run ran it.

The site build is the executor: it runs each page's blocks once (markdown-exec,
through the calcnotes plugin) and writes a report of what ran. These tests
read that report, one test per page, so a failing block shows up in pytest as
``docs/calculus/derivatives.md:57: AssertionError ...`` without running any
page a second time. What the report must say is derived here from the pages'
sources, with the same fence parser the build uses: every block ran, every
``@{...}`` reference was filled, and the check count is the one the page shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calcnotes.site.checks import page_checks
from calcnotes.site.fences import find_exec_blocks, find_references

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [
    page.relative_to(DOCS).as_posix()
    for page in sorted(DOCS.rglob("*.md"))
    if find_exec_blocks(page.read_text(encoding="utf-8"))
]


def test_docs_have_executable_blocks():
    # A parser that finds nothing would make every test below pass vacuously.
    assert len(PAGES) >= 20


def test_the_build_ran_pages_in_parallel(build_report: dict):
    """The build shared its pages with a second process (calcnotes.site.parallel): pages
    whose blocks it ran, and pages without blocks that it only converted (the API reference)."""
    helped = [page for page, entry in build_report["pages"].items() if entry.get("parallel")]
    assert len(helped) >= 5, helped
    assert any(build_report["pages"][page]["blocks"] for page in helped), helped
    assert any(page.startswith("api/") for page in helped), helped


@pytest.mark.parametrize("page", PAGES)
def test_page_blocks_ran_and_passed(page: str, build_report: dict):
    source = (DOCS / page).read_text(encoding="utf-8")
    entry = build_report["pages"].get(page)
    assert entry is not None, f"docs/{page} is not in the build report"
    failures = "\n".join(f"{f['at']}: {f['error']}" for f in entry["failures"])
    assert not entry["failures"], failures
    checks, blocks = page_checks(source)
    assert (entry["blocks"], entry["ran"]) == (blocks, blocks), f"docs/{page}: not every block ran"
    assert entry["checks"] == checks
    assert entry["cached"] is False  # the test build runs everything fresh (the helper's runs included)
    assert entry["references"] == len({ref.text for ref in find_references(source)})
