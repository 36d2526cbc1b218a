"""Build hook: a failing executed block fails the build, naming file and line.

markdown-exec only logs a warning when a block raises, and renders the
traceback into the page; ``mkdocs build --strict -q`` then exits 0 because
``-q`` drops the warning before strict mode counts it. This hook records every
failing block itself, reports each as ``docs/page.md:LINE``, and aborts the
build whatever the log level. It also

* reloads ``calcnotes`` and clears markdown-exec's sessions before every build,
  so ``mkdocs serve`` re-runs pages against the code as it is now;
* fails on any page that still contains a rendered Python traceback;
* fails if the built site would load anything from a third-party host.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).parent))
from calcnotes.site.fences import ExecBlock, find_exec_blocks  # noqa: E402

import markdown_exec._internal.formatters.python as _mx_python  # noqa: E402
from markdown_exec._internal.formatters.base import ExecutionError  # noqa: E402

log = logging.getLogger("mkdocs.plugins.calcnotes.exec_guard")

_TRACEBACK = "Traceback (most recent call last)"
_BLOCK_LINE = re.compile(r'File "<code block: [^>]*>", line (\d+)')
# Tags whose URL attribute makes the browser fetch something by itself.
_FETCHING_TAG = re.compile(
    r"<(script|link|img|iframe|source|audio|video|embed|object|track)\b[^>]*?"
    r"\b(?:src|href|data|poster)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
# <link> relations that are metadata, not requests.
_NON_FETCHING_LINK = re.compile(r"\brel\s*=\s*[\"']?(canonical|alternate|prev|next|author|license)\b", re.I)
_CSS_URL = re.compile(r"(?:@import\s+|url\()\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)


@dataclass
class _Failure:
    page: str | None
    code: str
    session: str | None
    block_id: str | None
    message: str


_failures: list[_Failure] = []
# CALCNOTES_TIMINGS=1 mkdocs build: how long each page takes to render (blocks included).
_timings: dict[str, float] = {}
_started: dict[str, float] = {}
_blocks: dict[str, list[ExecBlock]] = {}
_current: dict[str, str | None] = {"page": None}


def _guarded_run(code: str, returncode: int | None = None, session: str | None = None, id: str | None = None, **extra):  # noqa: A002
    """markdown-exec's runner, recording failures before markdown-exec renders them."""
    try:
        return _guarded_run.original(code, returncode=returncode, session=session, id=id, **extra)
    except ExecutionError as error:
        _failures.append(_Failure(_current["page"], code, session, id, str(error)))
        raise


def on_config(config):
    """Keep warnings countable under ``-q``.

    ``mkdocs build -q`` raises the mkdocs logger to ERROR, so warnings (a
    broken link, a missing anchor) are never emitted and strict mode passes.
    A strict build must see them: put the level back to WARNING.
    """
    if config.strict:
        mkdocs_log = logging.getLogger("mkdocs")
        if mkdocs_log.getEffectiveLevel() > logging.WARNING:
            mkdocs_log.setLevel(logging.WARNING)
    return config


def on_startup(command: str, dirty: bool) -> None:
    """Install the guard once per process (idempotent across config reloads)."""
    current = _mx_python._run_python
    _guarded_run.original = getattr(current, "original", current)
    _mx_python._run_python = _guarded_run


def on_pre_build(config) -> None:
    """Start each build from fresh code and empty sessions."""
    if not hasattr(_guarded_run, "original"):  # on_startup does not run in every API use
        on_startup("build", False)
    for name in list(sys.modules):
        if name == "calcnotes" or name.startswith(("calcnotes.", "_code_block_")):
            del sys.modules[name]
    _mx_python._sessions_globals.clear()
    _mx_python._sessions_counter.clear()
    _mx_python._code_blocks.clear()
    _failures.clear()
    _blocks.clear()
    _timings.clear()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Remember the page's blocks with their line numbers in the source file."""
    _current["page"] = page.file.src_uri
    _started[page.file.src_uri] = time.perf_counter()
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else markdown
    _blocks[page.file.src_uri] = find_exec_blocks(source, _display_path(page, config))
    return markdown


_ROOT = Path(__file__).resolve().parents[2]


def _display_path(page, config) -> str:
    """The page as an author opens it: ``docs/derivatives.md`` (else its absolute path)."""
    path = Path(page.file.abs_src_path or Path(config.docs_dir) / page.file.src_path).resolve()
    try:
        return str(path.relative_to(_ROOT))
    except ValueError:
        return str(path)


def _locate(failure: _Failure, path: str) -> str:
    """``file:line`` of the failing statement (or of its block's fence)."""
    blocks = _blocks.get(failure.page or "", [])
    block = next((b for b in blocks if b.code.strip() == failure.code.strip()), None)
    if block is None:
        return f"{path}: block {failure.block_id or ''} (session {failure.session})"
    offsets = _BLOCK_LINE.findall(failure.message)
    line = block.line + int(offsets[-1]) if offsets else block.line
    return f"{block.path}:{line}"


def _summary(message: str) -> str:
    """The exception line of a rendered traceback."""
    lines = [ln for ln in message.strip().strip("`").splitlines() if ln.strip() and not ln.startswith("```")]
    return lines[-1].strip() if lines else message


def on_page_content(html: str, page, config, files) -> str:
    """Report this page's failed blocks; refuse a page that shows a traceback."""
    if page.file.src_uri in _started:
        _timings[page.file.src_uri] = time.perf_counter() - _started.pop(page.file.src_uri)
    mine = [f for f in _failures if f.page == page.file.src_uri]
    path = _display_path(page, config)
    for failure in mine:
        log.error("%s: executed block failed: %s\n%s", _locate(failure, path), _summary(failure.message), failure.message)
    if not mine and _TRACEBACK in html:
        log.error("%s: the rendered page contains a Python traceback", path)
        _failures.append(_Failure(page.file.src_uri, "", None, None, "traceback in page"))
    return html


def _third_party_requests(site: Path) -> list[str]:
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in _FETCHING_TAG.finditer(text):
                tag_text = text[match.start() : text.find(">", match.start()) + 1]
                if match.group(1).lower() == "link" and _NON_FETCHING_LINK.search(tag_text):
                    continue
                found.append(f"{path.relative_to(site)}: <{match.group(1)}> loads {match.group(2)}")
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(site)}: loads {url}" for url in _CSS_URL.findall(text)]
    return found


def on_post_build(config) -> None:
    """Abort the build (whatever the log level) if anything above went wrong."""
    if os.environ.get("CALCNOTES_TIMINGS"):
        rows = sorted(_timings.items(), key=lambda item: -item[1])
        print(f"render time per page ({sum(_timings.values()):.1f} s in all):")
        for name, seconds in rows:
            print(f"  {seconds:6.2f} s  {name}")
    site = Path(config.site_dir)
    tracebacks = [str(p.relative_to(site)) for p in site.rglob("*.html") if _TRACEBACK in p.read_text(encoding="utf-8", errors="replace")]
    requests = _third_party_requests(site)
    problems = []
    if _failures:
        pages = sorted({f.page or "?" for f in _failures})
        problems.append(f"{len(_failures)} executed block(s) failed, on {', '.join(pages)} (see the errors above)")
    if tracebacks:
        problems.append("a Python traceback was rendered into: " + ", ".join(tracebacks))
    if requests:
        problems.append("the site would load from third-party hosts:\n  " + "\n  ".join(requests))
    if problems:
        raise PluginError("calcnotes build checks failed:\n- " + "\n- ".join(problems))
