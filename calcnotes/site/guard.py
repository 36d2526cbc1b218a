"""The build gate: a failing block, a rendered traceback or a third-party request fails the build.

markdown-exec only logs a warning when a block raises, and renders the
traceback into the page; ``mkdocs build --strict -q`` then exits 0 because
``-q`` drops the warning before strict mode counts it. The plugin records every
failing block itself (:func:`guarded_runner`), reports each as
``docs/page.md:LINE`` of the failing statement (:func:`locate`), and aborts the
build whatever the log level (:func:`problems`). It also refuses a page that
still shows a Python traceback, and a site that would load anything from a
third-party host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from calcnotes.site.fences import ExecBlock

__all__ = ["Failure", "locate", "problems", "summary", "third_party_requests"]

TRACEBACK = "Traceback (most recent call last)"
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
class Failure:
    """One executed block that raised (or a page that shows a traceback)."""

    page: str | None
    code: str
    session: str | None
    block_id: str | None
    message: str


def locate(failure: Failure, blocks: list[ExecBlock], path: str) -> str:
    """``file:line`` of the failing statement (or of its block's fence)."""
    block = next((b for b in blocks if b.code.strip() == failure.code.strip()), None)
    if block is None:
        return f"{path}: block {failure.block_id or ''} (session {failure.session})"
    offsets = _BLOCK_LINE.findall(failure.message)
    line = block.line + int(offsets[-1]) if offsets else block.line
    return f"{block.path}:{line}"


def summary(message: str) -> str:
    """The exception line of a rendered traceback."""
    lines = [ln for ln in message.strip().strip("`").splitlines() if ln.strip() and not ln.startswith("```")]
    return lines[-1].strip() if lines else message


def third_party_requests(site: Path) -> list[str]:
    """Every tag or CSS rule of the built site that would fetch from another host."""
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


def problems(failures: list[Failure], site: Path) -> list[str]:
    """What makes the build fail once every page is written (empty: the build passes)."""
    tracebacks = [
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if TRACEBACK in p.read_text(encoding="utf-8", errors="replace")
    ]
    requests = third_party_requests(site)
    found = []
    if failures:
        pages = sorted({f.page or "?" for f in failures})
        found.append(f"{len(failures)} executed block(s) failed, on {', '.join(pages)} (see the errors above)")
    if tracebacks:
        found.append("a Python traceback was rendered into: " + ", ".join(tracebacks))
    if requests:
        found.append("the site would load from third-party hosts:\n  " + "\n  ".join(requests))
    return found
