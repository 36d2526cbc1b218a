"""CPU time of each executed block of a page, outside MkDocs: where a chapter's build time goes.

    .venv/bin/python scripts/block_times.py models/backprop.md [more pages...]

Runs the page's blocks in order (sessions share one namespace, as in the
build) with one BLAS thread, as the build does, and prints the page's total
and its five slowest blocks by line. Printed output is discarded.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from calcnotes.site import errata
from calcnotes.site.fences import find_exec_blocks

ROOT = Path(__file__).resolve().parents[1]


def block_times(page: str) -> list[tuple[float, int]]:
    """``(CPU seconds, line)`` of each executed block of ``docs/<page>``."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    errata.set_current_page(page)
    shared: dict = {"__name__": "__main__"}
    rows = []
    for block in find_exec_blocks(text, f"docs/{page}"):
        namespace = shared if block.session else {"__name__": "__main__"}
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("\n" * block.line + block.code, block.path, "exec"), namespace)
        rows.append((time.process_time() - start, block.line))
    return rows


def main(pages: list[str]) -> int:
    os.chdir(ROOT)
    for page in pages:
        rows = block_times(page)
        print(f"{page}: {sum(t for t, _ in rows):.2f} s CPU in {len(rows)} blocks")
        for seconds, line in sorted(rows, reverse=True)[:5]:
            print(f"  {seconds:6.2f} s  docs/{page}:{line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]) if len(sys.argv) > 1 else print(__doc__) or 2)
