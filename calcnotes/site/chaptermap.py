"""The map of the chapters: what each needs, what it teaches, where it is used next.

One data file, ``docs/data/chapters.yml``, lists the chapters in reading order::

    - page: calculus/rules.md
      title: Rules of differentiation
      needs: [calculus/derivatives.md]
      learns: [the sum, product and chain rules, ...]

From it the plugin puts a "You need / You will learn" box at the top of each
chapter and "Used next in" links at the end (:func:`top_box`, :func:`end_links`),
and the map page draws the dependency figure (:func:`draw`).

Examples
--------
>>> chapters = [
...     {"page": "a.md", "title": "A", "needs": [], "learns": ["x"]},
...     {"page": "b.md", "title": "B", "needs": ["a.md"], "learns": ["y"]},
... ]
>>> used_next(chapters)["a.md"]
['b.md']
>>> levels(chapters)
{'a.md': 0, 'b.md': 1}
"""

from __future__ import annotations

import posixpath
from pathlib import Path

__all__ = ["draw", "end_links", "levels", "load", "top_box", "used_next"]


def load(path: Path) -> list[dict]:
    """The chapters of the data file, checked: known fields, needs that come earlier."""
    import yaml

    chapters = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    seen: set[str] = set()
    for entry in chapters:
        missing = {"page", "title", "needs", "learns"} - set(entry)
        if missing:
            raise ValueError(f"{path}: the entry for {entry.get('page', '?')} lacks {sorted(missing)}")
        later = [need for need in entry["needs"] if need not in seen]
        if later:
            raise ValueError(f"{path}: {entry['page']} needs {later}, which come later or are not listed")
        seen.add(entry["page"])
    return chapters


def used_next(chapters: list[dict]) -> dict[str, list[str]]:
    """For each chapter, the chapters that list it among their needs, in reading order."""
    found: dict[str, list[str]] = {entry["page"]: [] for entry in chapters}
    for entry in chapters:
        for need in entry["needs"]:
            found[need].append(entry["page"])
    return found


def levels(chapters: list[dict]) -> dict[str, int]:
    """Each chapter's depth: 0 with no needs, else one more than its deepest need."""
    depth: dict[str, int] = {}
    for entry in chapters:  # needs come earlier (checked by load)
        depth[entry["page"]] = 1 + max((depth[n] for n in entry["needs"]), default=-1)
    return depth


def _link(page: str, here: str, titles: dict[str, str]) -> str:
    return f"[{titles[page]}]({posixpath.relpath(page, posixpath.dirname(here) or '.')})"


def top_box(entry: dict, titles: dict[str, str]) -> str:
    """The "You need / You will learn" box, as Markdown, for the top of a chapter."""
    here = entry["page"]
    needs = ", ".join(_link(p, here, titles) for p in entry["needs"]) or "nothing beyond school algebra"
    learns = "".join(f"\n    - {item}" for item in entry["learns"])
    return f'!!! abstract "Before you start"\n    **You need:** {needs}.\n\n    **You will learn:**\n{learns}\n'


def end_links(entry: dict, chapters: list[dict], titles: dict[str, str]) -> str:
    """The "Used next in" line, as Markdown, for the end of a chapter ("" if none)."""
    later = used_next(chapters)[entry["page"]]
    if not later:
        return ""
    links = ", ".join(_link(p, entry["page"], titles) for p in later)
    return f'\n\n<p class="cn-next" markdown="span">**Used next in:** {links}.</p>\n'


def draw(chapters: list[dict]):
    """The dependency figure: chapters by depth from top to bottom, an arrow per need.

    One row per depth, so that a long chain of chapters makes a tall figure
    that stays readable at the width of the page.
    Returns the matplotlib figure (draw it with ``calcnotes.site.figure_html``).
    """
    from calcnotes.site.figures import new_figure

    depth = levels(chapters)
    rows: dict[int, list[str]] = {}
    for entry in chapters:
        rows.setdefault(depth[entry["page"]], []).append(entry["page"])
    widest = max(len(r) for r in rows.values())
    fig, ax = new_figure(width=2.5 * widest + 0.4, height=0.62 * len(rows) + 0.5)
    where = {}
    for row, pages in rows.items():
        for col, page in enumerate(pages):
            where[page] = ((widest - len(pages)) / 2 + col, row)
    titles = {e["page"]: e["title"] for e in chapters}
    for entry in chapters:
        x1, y1 = where[entry["page"]]
        for need in entry["needs"]:
            x0, y0 = where[need]
            ax.annotate("", xy=(x1, y1 - 0.2), xytext=(x0, y0 + 0.2),
                        arrowprops={"arrowstyle": "->", "color": "0.55", "linewidth": 0.8})
    for page, (x, y) in where.items():
        ax.text(x, y, titles[page], ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "0.3"})
    ax.set(xlim=(-0.5, widest - 0.5), ylim=(len(rows) - 0.5, -0.5))
    ax.axis("off")
    ax.grid(False)
    return fig
