"""The book as one PDF (calcnotes.site.book): every chapter in it, no raw TeX, page numbers.

One pass of the print (the contents' page numbers need a second one, which
``make pdf`` does); its text is read back with pdftotext (``pdf_page_texts``:
about 1 s, where pypdf's text extraction took 20-30 s), its outline with pypdf.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calcnotes.site.book import _start_pages, book_pages, pdf_page_texts, print_book

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser
_RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\mathbf|\\sum")


def test_book_pdf_has_every_chapter_and_no_raw_tex(site_dir: Path, browser, tmp_path: Path):
    from pypdf import PdfReader

    pages = book_pages(ROOT / "mkdocs.yml")
    out = print_book(site_dir, tmp_path / "calcnotes.pdf", pages, passes=1, browser=browser)
    reader = PdfReader(str(out))
    texts = pdf_page_texts(out)
    assert len(texts) == len(reader.pages)
    text = "\n".join(texts)
    flat = re.sub(r"\s+", " ", text)
    titles = [re.search(r"^# (.+)$", (ROOT / "docs" / p).read_text(encoding="utf-8"), re.M) for p in pages]
    missing = [m[1] for m in titles if m and re.sub(r"\s+", " ", m[1]) not in flat]
    assert not missing, f"chapter titles not in the PDF: {missing}"
    assert not _RAW_TEX.search(text), _RAW_TEX.search(text)[0]
    assert len(reader.pages) > 2 * len(pages)
    assert f"1 / {len(reader.pages)}" in text  # page numbers in the footers
    assert reader.outline, "the PDF has no outline (bookmarks)"
    # The contents' page numbers (the second pass of `make pdf`): each chapter on its own page,
    # in order, and its title printed on that page
    names = [re.sub(r"\s+", " ", m[1]) for m in titles if m]
    starts = _start_pages(out, names)
    assert list(starts) == names, f"no start page for {sorted(set(names) - set(starts))}"
    numbers = list(starts.values())
    assert all(a < b for a, b in zip(numbers, numbers[1:], strict=False)), numbers
    wrong = [t for t, n in starts.items() if t not in re.sub(r"\s+", " ", texts[n - 1])]
    assert not wrong, f"titles not on their start page: {wrong}"
