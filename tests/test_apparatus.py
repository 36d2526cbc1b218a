"""The apparatus around the chapters, from the sources (no build, no browser).

- The chapter map (docs/data/chapters.yml) lists exactly the chapters of the
  navigation's Calculus and Models parts, in nav order, each with 2 to 4
  "learns" bullets and needs that come earlier.
- The glossary (docs/data/glossary.yml) has about 40 terms, no word twice,
  and each term's page exists and uses the term.
- Every chapter's exercises teach: each has a difficulty mark and a hint
  before its solution; one is "predict, then run" and one is "spot the error",
  whose answer links to a checked erratum box of the page (when the page has
  errata at all).

The built side (the cheat sheet on two A4 pages, the tooltips, the glossary
page) is checked in headless Chromium: tests/browser/test_apparatus.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from calcnotes.site import chaptermap, glossary

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PARTS = ("Calculus", "Models")


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may carry !!python/name tags (extensions); they are not needed here."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def nav_chapters() -> list[str]:
    """The pages of the nav's Calculus and Models parts, in order."""
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)["nav"]
    pages: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, str):
                pages.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value if isinstance(value, list) else [value])

    for part in nav:
        if isinstance(part, dict) and next(iter(part)) in PARTS:
            walk(next(iter(part.values())))
    return pages


CHAPTERS = chaptermap.load(DOCS / "data" / "chapters.yml")
TERMS = glossary.load(DOCS / "data" / "glossary.yml")


def test_chapter_map_lists_the_nav_chapters_in_order():
    nav = nav_chapters()
    listed = [entry["page"] for entry in CHAPTERS]
    assert nav, "no Calculus/Models pages found in mkdocs.yml's nav"
    assert sorted(set(nav) - set(listed)) == [], "chapters in the nav but not in chapters.yml"
    assert sorted(set(listed) - set(nav)) == [], "chapters in chapters.yml but not in the nav"
    assert listed == nav, "chapters.yml must follow the nav's order"


@pytest.mark.parametrize("entry", CHAPTERS, ids=lambda e: e["page"])
def test_chapter_entry_is_complete(entry):
    assert (DOCS / entry["page"]).is_file()
    assert 2 <= len(entry["learns"]) <= 4, "2 to 4 'learns' bullets"
    assert entry["title"].strip()
    assert entry["page"] not in entry["needs"]


def test_chapter_map_load_rejects_a_later_need(tmp_path):
    bad = tmp_path / "chapters.yml"
    bad.write_text("- {page: a.md, title: A, needs: [b.md], learns: [x, y]}\n"
                   "- {page: b.md, title: B, needs: [], learns: [x, y]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="come later"):
        chaptermap.load(bad)


def test_glossary_has_about_forty_distinct_terms():
    assert 35 <= len(TERMS) <= 60
    words = [w for entry in TERMS for w in [entry["term"], *entry.get("variants", [])]]
    assert len(words) == len(set(words)), "a word is listed twice"


@pytest.mark.parametrize("entry", TERMS, ids=lambda e: e["term"])
def test_glossary_term_is_taught_on_its_page(entry):
    page = DOCS / entry["page"]
    assert page.is_file(), f"{entry['term']}: no page {entry['page']}"
    text = page.read_text(encoding="utf-8")
    words = [entry["term"], *entry.get("variants", [])]
    # The plugin's abbr matching is case-sensitive and whole-word (markdown's abbr).
    assert any(re.search(rf"\b{re.escape(w)}\b", text) for w in words), (
        f"{entry['term']!r} does not occur on {entry['page']}")
    assert "$" not in entry["definition"], "definitions are title attributes: no TeX"


# ---------------------------------------------------------------- exercises

_QUESTION = re.compile(r'^\?\?\? question "(.*)"\s*$')
_INNER = re.compile(r'^    \?\?\? (tip|success|note)\b(.*)$')
_ERRATUM_KEYS = re.compile(r'erratum\(\s*(?:f?")([^"]+)"', re.S)


def exercises(text: str) -> list[dict]:
    """Each exercise of a page: its title, its inner boxes in order, its text."""
    section = text.split("\n## Exercises", 1)
    if len(section) < 2:
        return []
    found: list[dict] = []
    for line in section[1].splitlines():
        head = _QUESTION.match(line)
        if head:
            found.append({"title": head.group(1), "boxes": [], "text": ""})
        elif found and (line.startswith(" ") or not line.strip()):
            inner = _INNER.match(line)
            if inner:
                found[-1]["boxes"].append(inner.group(1))
            found[-1]["text"] += line + "\n"
        elif line.startswith("## "):
            break
    return found


@pytest.mark.parametrize("page", [e["page"] for e in CHAPTERS])
def test_exercises_teach(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    found = exercises(text)
    assert found, f"{page}: no exercises"
    for ex in found:
        assert re.search(r"\(★{1,3}\)", ex["title"]), f"{page}: no difficulty mark in {ex['title']!r}"
        boxes = ex["boxes"]
        assert "success" in boxes or "note" in boxes, f"{page}: {ex['title']!r} has no solution"
        solution = next(i for i, kind in enumerate(boxes) if kind in ("success", "note"))
        assert "tip" in boxes[:solution], f"{page}: {ex['title']!r} has no hint before its solution"
    predict = [ex for ex in found if "predict, then run" in ex["title"].lower()]
    assert predict, f"{page}: no 'predict, then run' exercise"
    spot = [ex for ex in found if "spot the error" in ex["title"].lower()]
    assert spot, f"{page}: no 'spot the error' exercise"
    keys = set(_ERRATUM_KEYS.findall(text))
    links = {key for ex in spot for key in re.findall(r"\(#erratum-([a-z0-9-]+)\)", ex["text"])}
    if not keys:  # a page whose handwritten source has no slip: a classic mistake instead
        return
    assert links, f"{page}: the spot-the-error answer links to no erratum box"
    # An f-string key (a loop) is matched by its literal prefix.
    for key in links:
        assert any(key == k or ("{" in k and key.startswith(k.split("{")[0])) for k in keys), (
            f"{page}: #erratum-{key} is not an erratum of this page")
