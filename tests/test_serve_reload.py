"""`mkdocs serve` rebuilds in one process: each build must see fresh code and sessions.

markdown-exec keeps sessions in module globals and Python caches imported
modules, so without the plugin's reset a rebuild would run pages against the
package as it was when serve started, and against variables an edited page no
longer defines. The first tests build twice in one process, as serve does; the
last one checks the execution cache that makes those rebuilds fast.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from calcnotes.site.sitebuild import build_in_process, copy_pages, site_config

ROOT = Path(__file__).resolve().parents[1]

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


def test_rebuild_records_errata_and_formulas_afresh(tmp_path: Path):
    """A second build in the same process (a save under serve) records its errata and cheat-sheet
    formulas in the reloaded registries: no 'recorded twice', and the register still lists them."""
    config, _ = _site(tmp_path, '''\
        # Page

        ```python exec="on" session="s"
        from calcnotes.site import erratum, formula
        print(erratum("half", where="seed 003, page 32", kind="slip", quantity="q",
                      notes=0.6, correct=0.5, computed=0.5, reason="a misread digit"))
        print(formula("half", section="Activations", title="half", tex="\\frac12", checked=True))
        ```
        ''')
    for k in (1, 2):
        ok, log = build_in_process(config, tmp_path / f"w{k}")
        assert ok, log
        assert "erratum-half" in (tmp_path / "site/errata/index.html").read_text()


# ------------------------------------------------------------ the execution cache

_PAGE_A = '''\
# Page A

```python exec="on" session="a" result="text"
from calcnotes.differences import central_difference
slope = central_difference(lambda x: x**2, 3.0)
assert abs(slope - 6.0) < 1e-8
print(f"slope {slope:.6f}")
```

The slope is @{slope:.2f}.
'''

_PAGE_B = '''\
# Page B

```python exec="on" session="b"
from calcnotes.activations import sigmoid
from calcnotes.site import erratum
print(erratum("half", where="seed 003, page 32", kind="slip", quantity="$\\\\sigma(0)$",
              notes=0.6, correct=0.5, computed=float(sigmoid(0.0)), reason="a misread digit"))
```
'''


def _cached_build(tmp_path: Path, package: Path, docs: Path, name: str):
    """A strict build in a fresh process, with the cache on and calcnotes loaded from ``package``."""
    import json
    import os
    import subprocess
    import sys

    config = site_config(docs, tmp_path / f"site-{name}", ["a.md", "b.md", "errata.md"])
    # One cache for every build of the test (by default it sits next to mkdocs.yml).
    config["plugins"] = [{"calcnotes": {"cache_dir": str(tmp_path / "cache")}} if p == "calcnotes" else p
                         for p in config["plugins"]]
    work = tmp_path / f"work-{name}"
    work.mkdir()
    import yaml

    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(package), "CALCNOTES_CACHE": "1",
           "CALCNOTES_REPORT": str(work / "report.json"), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    report = json.loads((work / "report.json").read_text()) if (work / "report.json").exists() else {"pages": {}}
    cached = {page: entry["cached"] for page, entry in report["pages"].items()}
    return result, cached, tmp_path / f"site-{name}"


def test_cache_reruns_exactly_what_changed(tmp_path: Path):
    """Nothing changed: every page replays. A module a page imported changed: that page re-runs
    (and a corrupted function fails the build, never serving the stale page). A page edited: it
    re-runs. The Errata register stays complete when its pages replay."""
    import shutil

    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "calcnotes", package / "calcnotes", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, found next to the package
    docs = tmp_path / "docs"
    copy_pages([], docs)
    (docs / "a.md").write_text(_PAGE_A, encoding="utf-8")
    (docs / "b.md").write_text(_PAGE_B, encoding="utf-8")

    first, cached, site = _cached_build(tmp_path, package, docs, "cold")
    assert first.returncode == 0, first.stderr
    assert cached["a.md"] is False and cached["b.md"] is False
    second, cached, site2 = _cached_build(tmp_path, package, docs, "warm")
    assert second.returncode == 0, second.stderr
    assert cached["a.md"] is True and cached["b.md"] is True
    for page in ("a/index.html", "b/index.html", "errata/index.html"):
        assert (site2 / page).read_text() == (site / page).read_text(), page
    assert "erratum-half" in (site2 / "errata/index.html").read_text()

    differences = package / "calcnotes" / "differences.py"
    original = differences.read_text()
    differences.write_text(
        original.replace("def central_difference(", "def _unused(): pass\n\n\ndef central_difference(", 1)
        + "\n\n_real = central_difference\n\n\n"
        "def central_difference(f, x, h=None):\n    return _real(f, x) + 1.0\n"
    )
    third, cached, _ = _cached_build(tmp_path, package, docs, "corrupted")
    assert third.returncode != 0
    assert "docs/a.md:6" in third.stdout + third.stderr  # the assert that catches it, by file and line
    assert cached["a.md"] is False and cached["b.md"] is True  # b never imported calcnotes.differences

    differences.write_text(original)  # back to the code of the first build: its run of a is valid again
    (docs / "b.md").write_text(_PAGE_B.replace("# Page B", "# Page B, edited"), encoding="utf-8")
    fourth, cached, site4 = _cached_build(tmp_path, package, docs, "restored")
    assert fourth.returncode == 0, fourth.stderr
    assert cached["a.md"] is True and cached["b.md"] is False
    assert "Page B, edited" in (site4 / "b/index.html").read_text()
