"""`mkdocs serve` rebuilds in one process: each build must see fresh code and sessions.

markdown-exec keeps sessions in module globals and Python caches imported
modules, so without the exec_guard hook a rebuild would run pages against the
package as it was when serve started, and against variables an edited page no
longer defines. These tests build twice in one process, as serve does.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from sitebuild import build_in_process, copy_pages, site_config  # noqa: E402

pytestmark = pytest.mark.build


def _site(tmp_path: Path, page: str) -> tuple[dict, Path]:
    docs = tmp_path / "docs"
    copy_pages([], docs)
    (docs / "page.md").write_text(textwrap.dedent(page), encoding="utf-8")
    return site_config(docs, tmp_path / "site", ["page.md", "errata.md"]), docs


def test_rebuild_reloads_calcnotes(tmp_path: Path):
    config, _ = _site(tmp_path, '''\
        # Page

        ```python exec="on" result="text"
        import calcnotes
        print("marker:", getattr(calcnotes, "STALE_MARKER", "fresh"))
        ```
        ''')
    ok, log = build_in_process(config, tmp_path / "w1")
    assert ok, log
    import calcnotes

    calcnotes.STALE_MARKER = "stale"  # what an edit of the package would leave behind
    ok, log = build_in_process(config, tmp_path / "w2")
    assert ok, log
    html = (tmp_path / "site/page/index.html").read_text()
    assert "marker: fresh" in html and "stale" not in html


def test_rebuild_starts_sessions_empty(tmp_path: Path):
    config, docs = _site(tmp_path, '''\
        # Page

        ```python exec="on" session="s"
        value = 41
        ```

        ```python exec="on" session="s" result="text"
        print(value + 1)
        ```
        ''')
    ok, log = build_in_process(config, tmp_path / "w1")
    assert ok, log
    # The author deletes the block that defined `value`: the next build must fail.
    text = (docs / "page.md").read_text().replace("value = 41", "pass")
    (docs / "page.md").write_text(text)
    ok, log = build_in_process(config, tmp_path / "w2")
    assert not ok
    assert "NameError" in log
