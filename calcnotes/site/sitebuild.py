"""Build part of the site, or a throw-away site, with the real configuration (a tool, not the plugin).

Used by the tests (to build tiny sites that must fail, and a corrupted copy of
a chapter) and by authors (``python scripts/preview.py PAGE...``) to build a
few pages without waiting for the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]  # the project (calcnotes is installed editable)
_ERRATA_COMPANIONS = ("audit/index.md",)


def site_config(docs_dir: Path, site_dir: Path, nav: list | None = None, *, strict_links: bool = True) -> dict:
    """Return the project's mkdocs.yml as a dict, re-pointed at ``docs_dir``.

    Watch paths and the theme's overrides keep their real folders (absolute
    paths), and the calcnotes plugin is the installed one, so a throw-away site
    is checked exactly as the real one is.
    """
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["watch"] = [str(ROOT / w) for w in config.get("watch", [])]
    if "custom_dir" in config.get("theme", {}):
        config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    if nav is not None:
        # The Errata page links to the audit part's index: it comes along.
        config["nav"] = [*nav, *[p for p in _ERRATA_COMPANIONS if "errata.md" in nav and p not in nav]]
    if not strict_links:
        # Pages left out of a partial build are linked to from the ones kept.
        config["validation"] = {"nav": {"omitted_files": "info", "not_found": "info"},
                                "links": {"not_found": "info", "anchors": "warn"}}
    return config


def build(config: dict, workdir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` on ``config`` (written to ``workdir``), with ``env`` added to
    the environment; never raises."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_file = workdir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def copy_pages(pages: list[str], docs_dir: Path, *, link: bool = False) -> None:
    """Put the given pages (paths relative to docs/), the Errata page and the
    site assets into ``docs_dir``: as copies, or as symlinks (``link=True``) so
    that build errors name the real files."""
    src = ROOT / "docs"
    shutil.copytree(src / "assets", docs_dir / "assets", dirs_exist_ok=True)
    shutil.copytree(src / "data", docs_dir / "data", dirs_exist_ok=True)
    for page in dict.fromkeys([*pages, "errata.md", *_ERRATA_COMPANIONS]):
        target = docs_dir / page
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:
            target.symlink_to(src / page)
        else:
            shutil.copy2(src / page, target)


def build_in_process(config: dict, workdir: Path, *, quiet: bool = True) -> tuple[bool, str]:
    """Build ``config`` in this process, as ``mkdocs build [-q]`` would; never raises.

    Faster than :func:`build` when many small sites are built (the plugins are
    imported once). ``quiet`` sets the mkdocs logger to ERROR, as ``-q`` does.
    Returns whether the build succeeded and everything it logged.
    """
    import io
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    workdir.mkdir(parents=True, exist_ok=True)
    config_file = workdir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    mkdocs_log = logging.getLogger("mkdocs")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    old_level = mkdocs_log.level
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.ERROR if quiet else logging.INFO)
    ok = False
    # The plugin unloads calcnotes before each build and page (so a build sees fresh code);
    # give the caller its own modules back afterwards, or its classes would no longer be
    # the ones `import calcnotes...` returns (pickling and `except DivergenceError` break).
    modules = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "calcnotes"}
    try:
        cfg = load_config(config_file=str(config_file))
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(cfg)
            ok = True
        finally:
            cfg.plugins.on_shutdown()
    except (Abort, MkDocsException, SystemExit, Exception) as error:  # a plugin may raise anything
        stream.write(f"\n{type(error).__name__}: {error}\n")
    finally:
        mkdocs_log.removeHandler(handler)
        mkdocs_log.setLevel(old_level)
        for name in [n for n in sys.modules if n.split(".")[0] == "calcnotes"]:
            if name not in modules:
                del sys.modules[name]
        sys.modules.update(modules)
    return ok, stream.getvalue()
