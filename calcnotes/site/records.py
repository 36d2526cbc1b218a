"""What the errata and the cheat sheet share: records made while a build runs, by page.

Each chapter helper that records something (:mod:`calcnotes.site.errata`,
:mod:`calcnotes.site.cheatsheet`) keeps one :class:`PageRecords`: the plugin
says which page runs next, resets it before each build, and restores a cached
page's records; the register pages list them afterwards.
"""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar

__all__ = ["KEY", "PageRecords"]

#: A record's key: lower-case letters, digits and single hyphens.
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Record = TypeVar("Record")


class PageRecords(Generic[Record]):
    """Records of one kind, each tagged with the page (and its title) that made it."""

    def __init__(self, make: type[Record]) -> None:
        self.make = make
        self.items: list[Record] = []
        self.current: tuple[str, str] | None = None

    def set_current_page(self, src_uri: str | None, title: str | None = None) -> None:
        """The page the next records belong to (None: outside a build)."""
        self.current = None if src_uri is None else (src_uri, title or src_uri)

    @property
    def page(self) -> str | None:
        return self.current[0] if self.current else None

    @property
    def page_title(self) -> str | None:
        return self.current[1] if self.current else None

    def reset(self) -> None:
        """Forget every record (at the start of each build)."""
        self.items.clear()
        self.set_current_page(None)

    def restore(self, records: list[dict[str, Any]], page: str, title: str | None = None) -> None:
        """Record again what a cached run of ``page`` recorded (fields as stored)."""
        for fields in records:
            self.items.append(self.make(**{**fields, "page": page, "page_title": title or fields.get("page_title")}))
