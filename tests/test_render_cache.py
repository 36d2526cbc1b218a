"""The render cache (calcnotes.site.rendercache) changes how fast a rebuild is, never what it builds.

The suite's one build of the site runs with empty caches and is followed by a
warm build (tests/conftest.py): the warm one must write every file byte for
byte as the cold one did, while converting, rendering and indexing no page.
The small sites below check what a stored page still depends on: the anchors
it links to, a warning its conversion logged, the docstrings of an API page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from calcnotes.site.sitebuild import copy_pages, site_config

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.build


def _warm(built_site: Path) -> tuple[str, Path]:
    log = built_site.parent / "warm.log"
    deadline = time.monotonic() + 600
    while not log.exists() and not os.environ.get("CALCNOTES_SITE"):
        assert time.monotonic() < deadline, "the warm build did not finish in 10 minutes"
        time.sleep(0.2)
    if not log.exists():
        pytest.skip("CALCNOTES_SITE names a site built elsewhere: no warm build to compare")
    return log.read_text(encoding="utf-8"), built_site.parent / "built-site-warm"


def test_warm_build_writes_the_same_site_and_renders_nothing(built_site: Path):
    text, warm = _warm(built_site)
    assert text.startswith("exit 0"), f"the warm build failed:\n{text}"
    cold_files = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    warm_files = sorted(p.relative_to(warm) for p in warm.rglob("*") if p.is_file())
    assert cold_files == warm_files
    different = [str(p) for p in cold_files if (built_site / p).read_bytes() != (warm / p).read_bytes()]
    assert not different, f"the warm build wrote other bytes to: {different}"
    report = json.loads((built_site.parent / "warm-report.json").read_text(encoding="utf-8"))
    always = {page for page, entry in report["pages"].items() if entry["always_runs"]}
    assert always <= {"performance.md"}  # it prints headings (numbered across the build): never stored
    ran = [page for page, entry in report["pages"].items()
           if entry["blocks"] and not entry["cached"] and page not in always]
    assert not ran, f"pages run again although nothing changed: {ran}"
    for kind, (stored, total) in report["render_cache"].items():  # a page that runs is converted, not looked up
        assert total >= len(report["pages"]) - len(always) and stored == total, f"{kind}: {stored} of {total} stored"


# ---------------------------------------------------------------- what a stored page depends on

def _build(tmp_path: Path, docs: Path, name: str, nav: list[str], package: Path | None = None):
    """A strict build in a fresh process with both caches on (one cache folder per test)."""
    config = site_config(docs, tmp_path / f"site-{name}", nav)
    config["plugins"] = [{"calcnotes": {"cache_dir": str(tmp_path / "cache")}} if p == "calcnotes" else p
                         for p in config["plugins"]]
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "CALCNOTES_CACHE": "1", "CALCNOTES_REPORT": str(work / f"report-{name}.json"),
           "NO_MKDOCS_2_WARNING": "1", **({"PYTHONPATH": str(package)} if package else {})}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    path = work / f"report-{name}.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    return result, report, tmp_path / f"site-{name}"


def _pages(docs: Path, **pages: str) -> None:
    for name, text in pages.items():
        (docs / f"{name}.md").write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_stored_page_still_fails_on_an_anchor_that_went_away(tmp_path: Path):
    docs = tmp_path / "docs"
    copy_pages([], docs)
    _pages(docs, a="# A\n\nSee [the target](b.md#target).\n", b="# B\n\n## Target\n\nHere.\n")
    first, _, _ = _build(tmp_path, docs, "first", ["a.md", "b.md", "errata.md"])
    assert first.returncode == 0, first.stderr
    _pages(docs, b="# B\n\n## Elsewhere\n\nHere.\n")
    second, report, _ = _build(tmp_path, docs, "second", ["a.md", "b.md", "errata.md"])
    assert second.returncode != 0
    assert "b.md#target" in second.stdout + second.stderr
    assert report["render_cache"]["convert"][0] >= 1  # a.md came from the cache


def test_a_conversion_that_warned_is_never_stored(tmp_path: Path):
    """MkDocs warns about an absolute link while it converts the page, and only then (no
    later check sees it): a stored conversion would pass the second strict build. The
    `mkdocs` command keeps its log from the root logger, so this failed until the render
    cache listened on the `mkdocs` logger too."""
    docs = tmp_path / "docs"
    copy_pages([], docs)
    _pages(docs, a="# A\n\nSee [an absolute link](/elsewhere/page.html).\n")
    for name in ("first", "second"):
        result, report, _ = _build(tmp_path, docs, name, ["a.md", "errata.md"])
        assert result.returncode != 0, name
        assert "contains an absolute link '/elsewhere/page.html'" in result.stdout + result.stderr, name
    stored, total = report["render_cache"]["convert"]
    assert stored < total  # a.md was converted again, not replayed


def test_an_api_page_follows_the_docstrings(tmp_path: Path):
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "calcnotes", package / "calcnotes", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, found next to the package
    docs = tmp_path / "docs"
    copy_pages([], docs)
    _pages(docs, api="# API\n\n::: calcnotes.differences.central_difference\n")
    first, _, site = _build(tmp_path, docs, "first", ["api.md", "errata.md"], package)
    assert first.returncode == 0, first.stderr
    assert "A docstring an author just edited." not in (site / "api/index.html").read_text()
    module = package / "calcnotes" / "differences.py"
    text = module.read_text()
    start = text.index('"""', text.index("def central_difference("))
    module.write_text(text[: start + 3] + "A docstring an author just edited.\n\n    " + text[start + 3 :])
    second, report, site = _build(tmp_path, docs, "second", ["api.md", "errata.md"], package)
    assert second.returncode == 0, second.stderr
    assert "A docstring an author just edited." in (site / "api/index.html").read_text()
    third, report, site3 = _build(tmp_path, docs, "third", ["api.md", "errata.md"], package)
    assert third.returncode == 0, third.stderr
    assert report["render_cache"]["convert"][0] == report["render_cache"]["convert"][1]  # all stored now
    assert (site3 / "api/index.html").read_bytes() == (site / "api/index.html").read_bytes()


def test_the_lab_notebook_is_replayed_until_a_calcnotes_module_changes(tmp_path: Path):
    """The lab's page (mkdocs-jupyter's export of the executed notebook) comes from the render
    cache while nothing changed, and is executed again once a calcnotes module changes."""
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "calcnotes", package / "calcnotes", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "node_modules").symlink_to(ROOT / "node_modules")
    docs = tmp_path / "docs"
    copy_pages([], docs)
    (docs / "lab").mkdir()
    (docs / "lab" / "tiny.py").write_text(
        "# %% [markdown]\n# # A tiny lab\n\n# %%\nimport calcnotes.losses as losses\n"
        "print('marker', getattr(losses, 'EDITED', 'as shipped'))\n", encoding="utf-8")
    nav = ["lab/tiny.py", "errata.md"]
    first, _, site = _build(tmp_path, docs, "first", nav, package)
    assert first.returncode == 0, first.stdout + first.stderr
    page = "lab/tiny/index.html"
    assert "marker as shipped" in (site / page).read_text()
    second, report, site2 = _build(tmp_path, docs, "second", nav, package)
    assert second.returncode == 0, second.stdout + second.stderr
    stored, total = report["render_cache"]["convert"]
    assert stored == total >= 1, report["render_cache"]  # the notebook's page among them
    assert (site2 / page).read_bytes() == (site / page).read_bytes()
    assert (site2 / "lab/tiny/tiny.ipynb").read_bytes() == (site / "lab/tiny/tiny.ipynb").read_bytes()
    module = package / "calcnotes" / "losses.py"
    module.write_text(module.read_text() + "\nEDITED = 'edited'\n")
    third, _, site3 = _build(tmp_path, docs, "third", nav, package)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "marker edited" in (site3 / page).read_text()
    assert "marker edited" in (site3 / "lab/tiny/tiny.ipynb").read_text()


def test_a_run_that_warned_is_never_stored(tmp_path: Path):
    """A block that logs a warning while it runs: every build runs the page again and logs it
    (a stored run would replay the output without the warning, and pass strict mode)."""
    docs = tmp_path / "docs"
    copy_pages([], docs)
    _pages(docs, a='# A\n\n```python exec="on" session="a"\nimport logging\n'
                   'logging.getLogger("mkdocs.plugins.a-test").warning("a warning from a block")\nprint(6 * 7)\n```\n')
    for name in ("first", "second"):
        result, report, _ = _build(tmp_path, docs, name, ["a.md", "errata.md"])
        assert result.returncode != 0, name
        assert "a warning from a block" in result.stdout + result.stderr, name
        assert report["pages"]["a.md"]["cached"] is False, name
