"""Links to pages that reach the HTML without passing through MkDocs' link rewriting.

MkDocs turns ``[text](../errata.md#x)`` in a page's Markdown into the built
URL and validates it. HTML that a block prints (an erratum box, a table of an
audit page) and notebooks rendered by nbconvert are converted elsewhere, so
their ``href="../errata.md"`` would reach the reader as a dead link.
:func:`resolve` rewrites each such link to the built URL (an unknown page is
reported at the level MkDocs uses for broken links), and :func:`missing_anchors`
checks, once the site is written, that every ``#anchor`` exists.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

__all__ = ["missing_anchors", "resolve"]

_MD_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#]+\.md)(#[^"]*)?"', re.I)


def resolve(content: str, page, files, report) -> tuple[str, list[tuple[str, str]]]:
    """``content`` with every relative ``.md`` link made the built URL.

    Parameters
    ----------
    report : callable
        Called with a message for each link to no page.

    Returns
    -------
    content, anchors
        The new HTML, and ``(target destination path, anchor)`` for each link with an anchor.
    """
    base = posixpath.dirname(page.file.src_uri)
    anchors: list[tuple[str, str]] = []

    def replace(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(base, html.unescape(match[1])))
        file = files.get_file_from_path(target)
        if file is None:
            report(f"docs/{page.file.src_uri}: a printed link points to '{match[1]}', which is no page ({target})")
            return match[0]
        if match[2] and len(match[2]) > 1:
            anchors.append((file.dest_uri, match[2][1:]))
        return f'href="{file.url_relative_to(page.file)}{match[2] or ""}"'

    return _MD_LINK.sub(replace, content), anchors


def missing_anchors(site: Path, links: dict[str, list[tuple[str, str]]]) -> list[str]:
    """``page: target#anchor`` for each printed link whose anchor the built target lacks."""
    ids: dict[str, set[str]] = {}
    found = []
    for src, pairs in links.items():
        for dest, anchor in pairs:
            if dest not in ids:
                path = site / dest
                text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
                ids[dest] = set(re.findall(r'\bid="([^"]+)"', text))
            if anchor not in ids[dest]:
                found.append(f"docs/{src}: a printed link points to {dest}#{anchor}, which has no such anchor")
    return found
