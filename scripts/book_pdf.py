"""The whole book as one PDF (see calcnotes.site.book).

    python scripts/book_pdf.py [--site site] [--out site/calcnotes.pdf]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from calcnotes.site.book import book_pages, print_book

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a site built by `make build`")
    parser.add_argument("--out", type=Path, default=None, help="default: calcnotes.pdf in the site")
    args = parser.parse_args()
    out = args.out or args.site / "calcnotes.pdf"
    print_book(args.site, out, book_pages(ROOT / "mkdocs.yml"))
    print(f"wrote {out} ({out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
