"""calcnotes.site.cache: an entry is reused only while every dependency is as it was.

Each kind of dependency is edited in turn on a throw-away package (the page,
a module the page imported, a module it did not, the site machinery, a lock
file, the Python version), and the lookup must miss exactly when it should.
The end-to-end version, with real builds, is tests/test_serve_reload.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calcnotes.site import cache as cache_module
from calcnotes.site.cache import Entry, ExecutionCache, code_digest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = tmp_path / "calcnotes"
    (package / "site").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "differences.py").write_text("def slope(): return 1\n")
    (package / "mlp.py").write_text("def forward(): return 2\n")
    (package / "site" / "plugin.py").write_text("# the machinery\n")
    (tmp_path / "requirements.lock").write_text("numpy==2.0\n")
    (tmp_path / "package-lock.json").write_text("{}\n")
    return tmp_path


def _stored(project: Path) -> ExecutionCache:
    store = ExecutionCache(project / ".cache", project / "calcnotes")
    modules = {"calcnotes": store._module_digest("calcnotes"),
               "calcnotes.differences": store._module_digest("calcnotes.differences")}
    store.store("page.md", "# Page\n", Entry("", "", modules, [[code_digest("x = 1"), "out"]], ["6.00"], []))
    return store


def _fresh(project: Path) -> ExecutionCache:
    return ExecutionCache(project / ".cache", project / "calcnotes")


def test_unchanged_page_is_replayed(project: Path):
    _stored(project)
    entry = _fresh(project).lookup("page.md", "# Page\n")
    assert entry is not None and entry.outputs == [[code_digest("x = 1"), "out"]] and entry.refs == ["6.00"]


def test_edited_page_reruns(project: Path):
    _stored(project)
    assert _fresh(project).lookup("page.md", "# Page, edited\n") is None


def test_edited_module_the_page_used_reruns_it(project: Path):
    _stored(project)
    (project / "calcnotes" / "differences.py").write_text("def slope(): return 2\n")
    assert _fresh(project).lookup("page.md", "# Page\n") is None


def test_module_the_page_did_not_use_leaves_it_cached(project: Path):
    _stored(project)
    (project / "calcnotes" / "mlp.py").write_text("def forward(): return 3\n")
    assert _fresh(project).lookup("page.md", "# Page\n") is not None


@pytest.mark.parametrize("edit", ["site/plugin.py", "requirements.lock", "package-lock.json"])
def test_machinery_or_locks_rerun_everything(project: Path, edit: str):
    _stored(project)
    path = project / "calcnotes" / edit if edit.startswith("site/") else project / edit
    path.write_text(path.read_text() + "# changed\n")
    assert _fresh(project).lookup("page.md", "# Page\n") is None


def test_another_python_reruns_everything(project: Path, monkeypatch):
    _stored(project)
    monkeypatch.setattr(cache_module.platform, "python_version", lambda: "3.99.0")
    assert _fresh(project).lookup("page.md", "# Page\n") is None


def test_a_damaged_entry_is_a_miss(project: Path):
    store = _stored(project)
    store._path("page.md").write_text("{not json")
    assert _fresh(project).lookup("page.md", "# Page\n") is None
