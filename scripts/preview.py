"""Build only some pages of the site, strictly, into a directory of your choice.

    python scripts/preview.py calculus/derivatives.md [more pages] [--site-dir DIR]

Links to pages left out are reported as info, not errors; everything else is
checked as in the full build (executed blocks, TeX, errata, anchors).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from calcnotes.site.sitebuild import ROOT, build, copy_pages, site_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", help="pages relative to docs/, e.g. calculus/derivatives.md")
    parser.add_argument("--site-dir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="calcnotes-preview-"))
    docs_dir = work / "docs"
    # The API reference comes along: chapters link to it (the plugin links API names), and
    # autorefs fails the strict build on a link whose target is missing.
    api = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs" / "api").glob("*.md"))
    args.pages = list(dict.fromkeys([*args.pages, *api]))
    copy_pages(args.pages, docs_dir, link=True)
    site_dir = (args.site_dir or work / "site").resolve()
    nav = [*args.pages, "errata.md"]
    result = build(site_config(docs_dir, site_dir, nav, strict_links=False), work)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    print(f"\nsite: {site_dir}  (exit {result.returncode})")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
