"""Fixtures for the browser tests: the built site on 127.0.0.1, and Debian's Chromium.

The site is the one strict build of the test session (``built_site`` from
tests/conftest.py, which honours $CALCNOTES_SITE) or, if that fixture is not
there, a build of our own. It is served by http.server in a thread on a free
port. Playwright drives /usr/bin/chromium: never a browser it downloads.
Every request to a host other than 127.0.0.1 is recorded, and fails to
resolve, so a test can report it without anything leaving the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from calcnotes.site.localserver import LOCAL_HOST, serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CALCNOTES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # Nothing leaves the machine: every host but 127.0.0.1 fails to resolve
    # (the tests still see and report the request).
    f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {LOCAL_HOST}",
]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


def _require_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need Playwright for Python: pip install -e '.[test]'")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")


@pytest.fixture(scope="session")
def site_dir(request, tmp_path_factory) -> Path:
    """The strictly built site (shared with the other tests of the session)."""
    _require_browser()
    given = os.environ.get("CALCNOTES_SITE")
    if given:
        return Path(given)
    try:
        return Path(request.getfixturevalue("built_site"))
    except pytest.FixtureLookupError:
        site = tmp_path_factory.mktemp("browser-site")
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
            cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
        return site


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url")
    server, url = serve(site_dir, site_url=site_url)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """What a page did: console errors, failed requests, requests to other hosts."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []

    def clear(self) -> None:
        self.console_errors.clear()
        self.failed.clear()
        self.foreign.clear()

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"failed request: {m}" for m in self.failed]
            + [f"request to another host: {m}" for m in self.foreign]
        )


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == LOCAL_HOST


def _watch(recorder: Recorder, page) -> None:
    page.on("request", lambda r: _is_local(r.url) or recorder.foreign.append(r.url))
    page.on("console", lambda m: m.type == "error" and recorder.console_errors.append(f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: recorder.console_errors.append(f"uncaught: {e}"))
    # ERR_ABORTED: the page navigated away first (e.g. the search worker still loading);
    # a missing file shows as an HTTP error below.
    page.on("requestfailed", lambda r: _is_local(r.url) and r.failure != "net::ERR_ABORTED"
            and recorder.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and recorder.failed.append(f"{r.url} (HTTP {r.status})"))


@pytest.fixture(scope="session")
def context(browser):
    """One light-palette desktop context for the whole suite (its own cookie/storage jar)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light",
                              accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def tab(context):
    """A fresh page with a Recorder attached (``tab.recorder``)."""
    recorder = Recorder()
    page = context.new_page()
    _watch(recorder, page)
    page.recorder = recorder
    yield page
    page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    # No clean-up first: under pytest-xdist two workers share the folder (files are overwritten).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
