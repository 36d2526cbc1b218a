"""The whole book as one PDF, printed by Chromium from the built site.

    python scripts/book_pdf.py [--site site] [--out site/calcnotes.pdf]   (make pdf)

The pages of the navigation (home, map, notation, the chapters, the audit
part, cheat sheet, glossary, errata) are taken from the built site in order,
their articles put one after another in a single HTML document with the site's
own stylesheets (the math is already HTML: no TeX is needed), and Chromium
prints it through Playwright: A4, a page number in every footer, a PDF outline
from the headings. A first pass finds the page on which each chapter starts;
the second prints the table of contents with those numbers.

Why Chromium and not a TeX or WeasyPrint pipeline: the site's math is KaTeX
HTML and its figures inline SVG, which Chromium renders exactly as a reader's
browser does; measured on this site, one print of the whole book takes about
as long as printing a few separate pages, and no extra system package is needed.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

__all__ = ["book_pages", "book_html", "pdf_page_texts", "print_book"]

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_STYLES = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)
_SKIP = ("api/", "lab/", "performance.md")  # reference material that is not read on paper
CHROMIUM = Path(os.environ.get("CALCNOTES_CHROMIUM", "/usr/bin/chromium"))


def _flatten(nav) -> list[str]:
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages += _flatten(value)
        else:
            pages.append(value)
    return pages


def book_pages(config_file: Path) -> list[str]:
    """The pages of the book, in the order of the navigation (``.md`` sources)."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    return [p for p in _flatten(config["nav"]) if p.endswith(".md") and not p.startswith(_SKIP)]


def _built(site: Path, page: str) -> Path:
    stem = page.removesuffix(".md")
    return site / "index.html" if stem == "index" else site / stem.removesuffix("/index") / "index.html"


def book_html(site: Path, pages: list[str], start_pages: dict[str, int] | None = None) -> str:
    """One HTML document holding every page's article, with a table of contents."""
    sections, toc = [], []
    styles: list[str] = []
    for k, page in enumerate(pages):
        built = _built(site, page)
        text = built.read_text(encoding="utf-8")
        if not styles:
            base = built.parent.relative_to(site)
            styles = [os.path.normpath(base / href) for href in _STYLES.findall(text)]
        article = _ARTICLE.search(text)
        if article is None:
            raise ValueError(f"{built}: no article to print")
        body = article.group(1)
        heading = _H1.search(body)
        title = html.unescape(_TAG.sub("", _HEADERLINK.sub("", heading.group(1)))).strip() if heading else page
        number = (start_pages or {}).get(title)
        toc.append(f'<li><a href="#book-{k}">{html.escape(title)}</a>'
                   f'<span class="book-page">{number if number else ""}</span></li>')
        sections.append(f'<section class="book-chapter" id="book-{k}">{body}</section>')
    links = "\n".join(f'<link rel="stylesheet" href="{href}">' for href in styles)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>calcnotes</title>
{links}
<style>
  body {{ margin: 0; }}
  .md-typeset {{ font-size: 10.5pt; }}
  .book-cover {{ text-align: center; padding-top: 30vh; break-after: page; }}
  .book-toc {{ break-after: page; }}
  .book-toc ol {{ list-style: none; padding: 0; }}
  .book-toc li {{ display: flex; justify-content: space-between; border-bottom: 1px dotted #aaa; margin: .25em 0; }}
  .book-chapter {{ break-before: page; }}
  .headerlink, .md-clipboard, .md-source-file {{ display: none !important; }}
  details {{ break-inside: avoid; }}
  details:not([open]) > *:not(summary) {{ display: none; }}
  figure svg {{ max-width: 100%; height: auto; }}
  pre > code {{ white-space: pre-wrap; }}
</style></head>
<body class="md-typeset">
<div class="book-cover"><h1>calcnotes</h1>\
<p>Calculus for machine learning, every example recomputed and checked when the book was built.</p></div>
<nav class="book-toc"><h2>Contents</h2><ol>{"".join(toc)}</ol></nav>
{"".join(sections)}
</body></html>"""


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, in order.

    Read by ``pdftotext`` (poppler-utils) when it is installed: about 1 s for
    the whole book, where pypdf takes 20-30 s; pypdf otherwise.
    """
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        from pypdf import PdfReader

        return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]
    out = subprocess.run([pdftotext, "-q", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    # One form feed after each page.
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _start_pages(pdf: Path, titles: list[str]) -> dict[str, int]:
    """The page on which each title's chapter starts, from the PDF's outline.

    Chromium makes a top-level outline entry for every ``<h1>``, in order:
    each title is matched to the first entry of that name after the previous
    chapter's, so a title quoted in another chapter's text cannot give it a
    wrong page (matching the pages' text did: "Newton's method" got the page
    of "Optimisation in practice", which mentions it).
    """
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    entries = [(" ".join(item.title.split()), reader.get_destination_page_number(item) + 1)
               for item in reader.outline if not isinstance(item, list)]
    found: dict[str, int] = {}
    at = 1  # the cover's own heading comes first
    for title in titles:
        name = " ".join(title.split())
        match = next((k for k in range(at, len(entries)) if entries[k][0] == name), None)
        if match is not None:
            found[title] = entries[match][1]
            at = match + 1
    return found


def print_book(site: Path, out: Path, pages: list[str], *, passes: int = 2, browser=None) -> Path:
    """Print the book to ``out``.

    Two passes: the second has the contents' page numbers (one pass, for a
    quick check, leaves them out). ``browser``: a Playwright browser to use
    (the tests pass theirs); by default Chromium is started and closed here.
    """
    if browser is not None:
        return _print(site, out, pages, passes, browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        try:
            return _print(site, out, pages, passes, own)
        finally:
            own.close()


def _print(site: Path, out: Path, pages: list[str], passes: int, browser) -> Path:
    from calcnotes.site.localserver import served

    source = site / "book.html"
    footer = ('<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
    with served(site) as url:
        try:
            tab = browser.new_page()
            starts: dict[str, int] | None = None
            for k in range(passes):
                source.write_text(book_html(site, pages, starts), encoding="utf-8")
                tab.goto(url + "book.html", wait_until="load")
                tab.evaluate("document.fonts.ready.then(() => true)")
                tab.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                        display_header_footer=True, header_template="<span></span>", footer_template=footer,
                        margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
                if k + 1 < passes:  # the next pass prints the contents with these page numbers
                    toc = re.findall(r'<a href="#book-\d+">(.*?)</a>', source.read_text())
                    starts = _start_pages(out, [html.unescape(_TAG.sub("", m).strip()) for m in toc])
            tab.close()
        finally:
            source.unlink(missing_ok=True)
    return out
