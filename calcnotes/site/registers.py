"""What the site says about itself: each page's source line, the Errata register, the totals.

* Each chapter names its source once, in front matter (``source: seed 003,
  pages 2–8``); :func:`source_line` renders it under the title with the number
  of checks the page ran, so provenance and verification are one quiet line
  instead of sentences in the teaching text.
* Chapters record errata with :func:`calcnotes.site.erratum` while their blocks
  run. Once every page is rendered (``on_env``), :func:`fill_marker` puts the
  register in place of its marker in ``errata.md`` and renders that page again;
  its links (``page.md#erratum-key``) are then part of the page's own Markdown,
  so MkDocs resolves and validates them like any other link.
* The home page's marker becomes a token that the plugin replaces with the
  site totals (pages, blocks, checks, errata) once every page has run, just
  before the page is written (re-rendering it would run its blocks twice).
"""  # noqa: RUF002 - the en dash of a page range, as the chapters' front matter writes it

from __future__ import annotations

import posixpath
import re

from mkdocs.exceptions import PluginError

__all__ = [
    "ERRATA_MARKER", "ERRATA_PAGE", "TOTALS_MARKER", "fill_marker", "insert_after_title", "source_line",
    "stable_erratum_ids", "totals",
]

ERRATA_PAGE = "errata.md"
ERRATA_MARKER = "<!-- calcnotes: errata table -->"
TOTALS_MARKER = "<!-- calcnotes: site totals -->"
TOTALS_TOKEN = "CNSITETOTALSZ"  # stands in the page until every page has run
# markdown-exec prefixes ids in a block's output ("exec-3--erratum-x"); the
# register links to the stable id.
_PREFIXED_ERRATUM_ID = re.compile(r'id="exec-\d+--(erratum-[^"]+)"')
_TITLE = re.compile(r"^# .+$", re.M)


def source_line(source: str | None, checks: int, src_uri: str, notebook: str | None = None,
                audit: str | None = None) -> str:
    """The line under a chapter's title: where it comes from (linked to its audit page, or to
    the Errata page, which says what the handwritten notes are), how many checks it ran, and
    its notebook to download."""
    parts = []
    if source:
        target = audit or posixpath.relpath(ERRATA_PAGE, posixpath.dirname(src_uri) or ".")
        # (no "the notes" in the link text: the line is visible, and a chapter keeps such mentions few)
        where = "audit" if audit else "about these notes"
        parts.append(f"Written from the handwritten notes: {source} ([{where}]({target}))")
    elif notebook:  # a chapter with no source: written for the book
        parts.append("Written for this book (the handwritten notes do not cover it)")
    if checks:
        noun = "check" if checks == 1 else "checks"
        errata = posixpath.relpath(ERRATA_PAGE, posixpath.dirname(src_uri) or ".")
        parts.append(f"[{checks} {noun}]({errata}#how-the-site-checks-itself) ran when this page was built")
    if notebook:
        parts.append(f'<a href="{notebook}" download>download as a notebook</a>')
    if not parts:
        return ""
    return '<p class="cn-source" markdown="span">' + " · ".join(parts) + "</p>"


def insert_after_title(markdown: str, line: str) -> str:
    """``markdown`` with ``line`` as the first paragraph after its ``# Title`` (or first)."""
    if not line:
        return markdown
    match = _TITLE.search(markdown)
    if match is None:
        return f"{line}\n\n{markdown}"
    return f"{markdown[: match.end()]}\n\n{line}\n{markdown[match.end():]}"


def stable_erratum_ids(html: str, page) -> str:
    """Undo markdown-exec's id prefix on erratum boxes, and declare them as anchors."""
    html = _PREFIXED_ERRATUM_ID.sub(r'id="\1"', html)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(re.findall(r'id="(erratum-[^"]+)"', html))
    return html


def totals(pages: int, blocks: int, checks: int, errata: int, errata_url: str) -> str:
    """The home page's paragraph of site totals, as HTML (filled in after every page ran)."""
    return (
        f'<p class="cn-totals">When this site was built, <strong>{pages} pages</strong> ran '
        f"<strong>{blocks} code blocks</strong> holding <strong>{checks} checks</strong>, and the "
        f'<a href="{errata_url}">register of errata</a> holds <strong>{errata} records</strong>. '
        "Every check passed: a single failure stops the build.</p>"
    )


def fill_marker(page, marker: str, text: str, config, files) -> None:
    """Put ``text`` in place of ``marker`` in ``page``'s Markdown and render the page again."""
    if marker not in page.markdown:
        raise PluginError(f"docs/{page.file.src_uri}: the marker {marker!r} is missing")
    page.markdown = page.markdown.replace(marker, text)
    page.render(config, files)
    page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
