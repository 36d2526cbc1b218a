"""Shared fixtures: one strict build of the whole site per test session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (a loaded 2-core CI machine would
# make timing flaky) and a fixed seed, so CI runs the same examples every time.
settings.register_profile("calcnotes", deadline=None, derandomize=True)
settings.load_profile("calcnotes")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built with ``mkdocs build --strict -q`` (or $CALCNOTES_SITE if set).

    ``-q`` on purpose: it hides markdown-exec's warnings from strict mode, so
    the build must fail through the project's own hooks.
    """
    given = os.environ.get("CALCNOTES_SITE")
    if given:
        return Path(given)
    from sitebuild import build, site_config

    site = tmp_path_factory.mktemp("site")
    result = build(site_config(ROOT / "docs", site), tmp_path_factory.mktemp("build"), "-q")
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site
