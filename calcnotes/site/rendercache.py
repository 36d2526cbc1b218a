"""The render cache: the work every build repeats for a page that did not change.

With the execution cache (:mod:`calcnotes.site.cache`) a warm rebuild runs no
block, yet it still converts every page's Markdown to HTML (the Python-Markdown
pass with its tooltips and mkdocstrings' API pages), renders every page through
the theme's templates, and indexes every page for search: most of a rebuild of
this site. Each of those three steps is a pure function of inputs that can be
named, so its result is stored under a key made of exactly them:

``convert``
    ``Page.render``: the page's final Markdown (after every ``on_page_markdown``,
    so the glossary, chapter map, API links and check counts are in it), the
    list of site files (links are resolved and checked against it), the stored
    run of its blocks (a page whose blocks run now is converted, never
    replayed), and, for a page with mkdocstrings ``:::`` directives, every
    ``calcnotes`` module. Stored: the HTML, the table of contents, the title,
    the anchors the page has and links to (MkDocs validates them at the end of
    every build, stored or not), and what the conversion registered with
    autorefs and mkdocstrings, replayed in order. A conversion that logged a
    warning is never stored, so a strict build fails again on a replay.
``page``
    The theme's output: the page's final HTML, title, URL, metadata, table of
    contents and the whole navigation (titles and URLs of every page).
``search``
    Material's index entries for the page, from the same inputs.

Every key also holds the *salt*: the site machinery and lock files (as the
execution cache), ``mkdocs.yml``, the theme overrides and ``docs/data``. What
is computed after a page's conversion (the ``@{...}`` values, KaTeX, printed
links, the Errata register) runs on every build, from the stored HTML.
Entries live on disk (a cold ``mkdocs build`` with ``CALCNOTES_CACHE=1`` fills
them) and in memory across the rebuilds of one ``mkdocs serve``; like the
execution cache, it is off in CI and for the published site.
``tests/test_render_cache.py`` builds the site cold and then warm and requires
every output file to be byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["RenderCache", "digest", "nav_signature", "page_state", "restore_page", "toc_signature", "warnings_logged"]

KINDS = ("convert", "page", "search", "katex")
# Entries read or written in this process, by (kind, key): what `mkdocs serve`
# rebuilds reuse without reading the disk again.
_memory: dict[tuple[str, str], Any] = {}


def digest(*parts: object) -> str:
    """sha256 of the parts (each as text or bytes), kept apart by separators."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def salt(machinery: str, config_file: Path | None, folders: list[Path]) -> str:
    """The part of every key that names the whole site's set-up."""
    text = config_file.read_text(encoding="utf-8") if config_file and config_file.is_file() else ""
    # Where the site is written changes nothing in it (tests write site_dir into mkdocs.yml).
    parts: list[object] = [machinery, re.sub(r"(?m)^site_dir:.*$", "", text)]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class RenderCache:
    """Stored results by kind and key (a key is :meth:`key` of every input).

    Parameters
    ----------
    directory : Path
        Where entries live on disk (``.cache/calcnotes/render``).
    salt : str
        See :func:`salt`.
    """

    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory
        self.salt = salt
        self.used: set[tuple[str, str]] = set()
        self.hits = dict.fromkeys(KINDS, 0)
        self.misses = dict.fromkeys(KINDS, 0)

    def key(self, kind: str, *parts: object) -> str:
        return digest(self.salt, kind, *parts)

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / f"{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        self.used.add((kind, key))
        if (kind, key) in _memory:
            self.hits[kind] += 1
            return _memory[kind, key]
        try:
            value = json.loads(self._path(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses[kind] += 1
            return None
        _memory[kind, key] = value
        self.hits[kind] += 1
        return value

    def remember(self, kind: str, key: str, compute: Callable[[], Any]) -> Any:
        """The stored value, or ``compute()``'s, stored now."""
        value = self.get(kind, key)
        if value is None:
            value = compute()
            self.put(kind, key, value)
        return value

    def is_empty(self, kind: str) -> bool:
        """Nothing of ``kind`` is stored (a first build, or a cache just cleared)."""
        folder = self.directory / kind
        return not folder.is_dir() or next(folder.glob("*.json"), None) is None

    def summary(self) -> dict[str, list[int]]:
        """``{kind: [entries taken from the cache, entries looked up]}`` for this build."""
        return {kind: [self.hits[kind], self.hits[kind] + self.misses[kind]] for kind in ("convert", "page", "search")}

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store (atomically on disk: a crash leaves the old entry or none)."""
        self.used.add((kind, key))
        _memory[kind, key] = value
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(value), encoding="utf-8")
        tmp.replace(path)

    def prune(self) -> int:
        """Forget every entry this build did not use (after a build that passed); return how many."""
        removed = 0
        for kind in KINDS:
            for path in (self.directory / kind).glob("*.json") if (self.directory / kind).is_dir() else []:
                if (kind, path.stem) not in self.used:
                    path.unlink(missing_ok=True)
                    removed += 1
        for kind, key in [k for k in _memory if k not in self.used]:
            del _memory[kind, key]
        return removed


# ---------------------------------------------------------------- what a conversion leaves on the page

def _toc_items(items) -> list:
    return [[item.title, item.id, item.level, _toc_items(item.children)] for item in items]


def toc_signature(toc) -> str:
    """The table of contents as JSON (titles, ids, levels, nesting)."""
    return json.dumps(_toc_items(toc.items if toc is not None else []))


def _anchor_links(rows: list):
    from mkdocs.structure.toc import AnchorLink

    links = []
    for title, anchor, level, children in rows:
        link = AnchorLink(title, anchor, level)
        link.children = _anchor_links(children)
        links.append(link)
    return links


def page_state(page) -> dict:
    """What ``Page.render`` set on ``page``, as JSON."""
    links = page.links_to_anchors
    return {
        "content": page.content,
        "toc": _toc_items(page.toc.items),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links": None if links is None else {file.src_uri: dict(targets) for file, targets in links.items()},
    }


def _toc(rows: list):
    """The table of contents :func:`_toc_items` stored."""
    from mkdocs.structure.toc import TableOfContents

    items = _anchor_links(rows)
    if items:
        items[0].active = True  # as mkdocs.structure.toc.get_toc marks it
    return TableOfContents(items)


def restore_page(page, state: dict, files) -> None:
    """Set on ``page`` what its conversion set (see :func:`page_state`)."""
    page.content = state["content"]
    page.toc = _toc(state["toc"])
    page._title_from_render = state["title"]
    page.present_anchor_ids = set(state["anchors"])
    if state["links"] is not None:
        page.links_to_anchors = {files.get_file_from_path(src): dict(t) for src, t in state["links"].items()}


def notebook_page_state(page) -> dict:
    """What mkdocs-jupyter's conversion set on a notebook's page, as JSON."""
    return {"content": page.content, "toc": _toc_items(page.toc.items), "title": vars(page).get("title")}


def restore_notebook_page(page, state: dict) -> None:
    """Set on a notebook's page what its conversion set (see :func:`notebook_page_state`)."""
    page.content = state["content"]
    page.toc = _toc(state["toc"])
    if state["title"] is not None:
        page.title = state["title"]


def nav_signature(nav) -> str:
    """Every section, page and link of the navigation: titles, URLs, nesting."""

    def walk(items) -> list:
        rows = []
        for item in items:
            children = getattr(item, "children", None)
            rows.append([type(item).__name__, item.title, getattr(item, "url", None),
                         walk(children) if children else None])
        return rows

    return json.dumps(walk(nav.items))


class warnings_logged(logging.Handler):  # lower case: used as a context manager, like a function
    """``with warnings_logged() as seen:`` ... ``seen.count``: warnings logged meanwhile, by anyone.

    Listens on the root logger and on ``mkdocs``: the ``mkdocs`` command stops its
    logger's records from reaching the root (``propagate = False``), so a warning
    MkDocs itself logs while converting a page (an absolute link, say) was missed,
    and the page stored; the next build then passed strict mode without it.
    """

    _LOGGERS = ("", "mkdocs")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def __enter__(self) -> warnings_logged:
        for name in self._LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        for name in self._LOGGERS:
            logging.getLogger(name).removeHandler(self)
