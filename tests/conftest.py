"""Shared fixtures: one strict build of the whole site per test run.

The cold build is the slowest single step of the suite, and the browser tests
need its result. So when the whole suite runs (``make test``: no paths given),
the build starts in the background as the run starts, the tests that need it
are put last, and the workers (pytest-xdist) run everything else meanwhile.
Run a subset and the first test that needs the site builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

from calcnotes.site import blas

# Property tests: no per-example deadline (a loaded 2-core CI machine would
# make timing flaky) and a fixed seed, so CI runs the same examples every time.
settings.register_profile("calcnotes", deadline=None, derandomize=True)
settings.load_profile("calcnotes")

ROOT = Path(__file__).resolve().parents[1]

# Two pytest workers and the site build share two cores: one BLAS thread per
# process, unless the environment says otherwise (see calcnotes.site.blas).
blas.one_thread()

SITE_FIXTURES = {"built_site", "site_dir", "base_url", "build_report"}
# The one execution of every page in a test run: a strict, quiet build that also
# writes the report tests/test_docs.py reads. Its caches start empty (a folder of
# this run), so every page runs and is rendered fresh; they are on so that a second,
# warm build can follow, which tests/test_render_cache.py compares file by file.
_BUILD = """
import os, time
from pathlib import Path
from calcnotes.site.sitebuild import build, site_config
shared = Path({shared!r})
def config(site):
    c = site_config(Path({docs!r}), shared / site)
    c["plugins"] = [{{"calcnotes": {{"cache_dir": str(shared / "caches")}}}} if p == "calcnotes" else p
                    for p in c["plugins"]]
    return c
os.environ["CALCNOTES_REPORT"] = str(shared / "build-report.json")
os.environ["CALCNOTES_CACHE"] = "1"
result = build(config("built-site"), shared / "built-site-config", "-q")
(shared / "built-site.tmp").write_text(f"exit {{result.returncode}}\\n{{result.stdout}}\\n{{result.stderr}}")
(shared / "built-site.tmp").rename(shared / "built-site.log")
if result.returncode == 0:
    os.environ["CALCNOTES_REPORT"] = str(shared / "warm-report.json")
    start = time.perf_counter()
    result = build(config("built-site-warm"), shared / "built-site-config", "-q")
    seconds = time.perf_counter() - start
    out = f"exit {{result.returncode}} {{seconds:.2f}}\\n{{result.stdout}}\\n{{result.stderr}}"
    (shared / "warm.tmp").write_text(out)
    (shared / "warm.tmp").rename(shared / "warm.log")
"""


def _shared_dir(basetemp: Path) -> Path:
    """The temporary folder common to the whole run (all xdist workers)."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def _start_build(shared: Path) -> None:
    (shared / "built-site.started").touch()
    code = _BUILD.format(shared=str(shared), docs=str(ROOT / "docs"))
    subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Whole suite, in the main process: start the site build right away."""
    if hasattr(config, "workerinput") or os.environ.get("CALCNOTES_SITE"):
        return
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:  # a subset was asked for
        return
    if config.option.collectonly or config.getoption("keyword") or config.getoption("markexpr"):
        return
    _start_build(config._tmp_path_factory.getbasetemp())


def pytest_collection_modifyitems(config, items):
    """Tests that need the built site go last, so the build has time to finish."""
    items.sort(key=lambda item: bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ()))))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built with ``mkdocs build --strict -q`` (or $CALCNOTES_SITE if set).

    ``-q`` on purpose: it hides markdown-exec's warnings from strict mode, so
    the build must fail through the project's own hooks.
    """
    given = os.environ.get("CALCNOTES_SITE")
    if given:
        return Path(given)
    from filelock import FileLock

    shared = _shared_dir(tmp_path_factory.getbasetemp())
    log = shared / "built-site.log"
    with FileLock(str(shared / "built-site.lock")):
        if not (shared / "built-site.started").exists():
            _start_build(shared)
    deadline = time.monotonic() + 900
    while not log.exists():
        assert time.monotonic() < deadline, "the site build did not finish in 15 minutes"
        time.sleep(0.2)
    text = log.read_text(encoding="utf-8")
    assert text.startswith("exit 0"), f"strict build failed:\n{text}"
    return shared / "built-site"


@pytest.fixture(scope="session")
def build_report(built_site: Path) -> dict:
    """What the build ran, page by page (written by the calcnotes plugin)."""
    import json

    given = os.environ.get("CALCNOTES_REPORT")
    path = Path(given) if given else built_site.parent / "build-report.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def warning_sites(monkeypatch):
    """``sites(run)``: where each warning ``run()`` gives is attributed, and the frame that called
    the function raising it, as two lists of (file, line).

    A ``stacklevel`` documents that a warning names the caller of the function that warns (the
    user's line), however many frames lie between; the two lists must then be equal. A spy on
    ``warnings.warn`` finds that frame, so the check holds both normally and under mutmut, whose
    trampolines add frames of their own.
    """
    import warnings

    callers: list[tuple[str, int]] = []
    real_warn = warnings.warn

    def spy(message, category=None, stacklevel=1, **kwargs):
        caller = sys._getframe(2)  # 0: spy, 1: the function warning, 2: its caller
        callers.append((caller.f_code.co_filename, caller.f_lineno))
        real_warn(message, category, stacklevel + 1, **kwargs)  # + 1 for this spy's frame

    monkeypatch.setattr(warnings, "warn", spy)

    def sites(run):
        callers.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run()
        return [(w.filename, w.lineno) for w in caught], list(callers)

    return sites
