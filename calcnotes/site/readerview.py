"""What a reader sees of each chapter without a click, estimated from the Markdown.

    python scripts/reader_metrics.py [PAGE ...]

(also run by the tests, for the site-wide targets of the reader's view).

Per page: checks (asserts + errata, all blocks), visible asserts (in blocks
whose source is shown, not hidden by ``# markdown-exec: hide`` and not inside a
collapsed ``???`` box), visible code share (shown source characters over shown
source plus prose characters; printed output is not counted, keep it short),
mentions of "seed NNN" / "the notes" in visible prose, and code lines wider
than 88 characters. The browser test measures the built site; this is the
author's quick estimate while writing.
"""

from __future__ import annotations

import re
from pathlib import Path

from calcnotes.site.checks import page_checks
from calcnotes.site.fences import find_exec_blocks

ROOT = Path(__file__).resolve().parents[2]
_SHOWN = {"above", "below", "material-block", "tabbed-left", "tabbed-right", "console", "pycon"}
_COLLAPSED = re.compile(r"^([ \t]*)(\?\?\?(?!\+)|<details(?![^>]*\bopen\b))")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_MENTION = re.compile(r"seed \d{3}|the notes", re.I)
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def collapsed_lines(lines: list[str]) -> set[int]:
    """0-based indices of lines inside a collapsed ``???`` box (or a closed <details>)."""
    hidden: set[int] = set()
    i = 0
    while i < len(lines):
        match = _COLLAPSED.match(lines[i])
        if not match:
            i += 1
            continue
        if match.group(2).startswith("<details"):
            j = i
            while j < len(lines) and "</details>" not in lines[j]:
                hidden.add(j)
                j += 1
            hidden.add(j)
            i = j + 1
            continue
        indent = len(match.group(1).expandtabs(4))
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
            hidden.add(j)
            j += 1
        i = j
    return hidden


def metrics(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    front = _FRONT.match(text)
    source_line = ""
    if front:
        found = re.search(r"^source:\s*(.+)$", front.group(0), re.M)
        source_line = found.group(1) if found else ""
    lines = text.splitlines()
    hidden = collapsed_lines(lines)
    checks, blocks = page_checks(text)
    shown_asserts = code_chars = 0
    wide = []
    for block in find_exec_blocks(text, str(path)):
        if block.options.get("source") not in _SHOWN or (block.line - 1) in hidden:
            continue
        for k, code_line in enumerate(block.code.splitlines(), start=1):
            if "markdown-exec: hide" in code_line:
                continue
            code_chars += len(code_line.strip())
            if re.match(r"\s*assert\b", code_line):
                shown_asserts += 1
            if len(code_line) > 88:
                wide.append(block.line + k)
    prose_chars = mentions = 0
    in_fence = None
    for i, line in enumerate(lines):
        fence = _FENCE.match(line)
        if fence:
            in_fence = None if in_fence and line.strip().startswith(in_fence) else (in_fence or fence.group(1))
            continue
        if in_fence or i in hidden or (front and i < front.group(0).count("\n")):
            continue
        prose = re.sub(r"\$[^$]*\$|<[^>]+>|[#*_`|>-]", "", line)
        prose_chars += len(prose.strip())
        mentions += len(_MENTION.findall(line))
    mentions += len(_MENTION.findall(source_line))
    share = code_chars / max(1, code_chars + prose_chars)
    return {"page": path.relative_to(ROOT / "docs").as_posix(), "checks": checks, "blocks": blocks,
            "visible_asserts": shown_asserts, "code_share": share, "mentions": mentions, "wide": wide}


def chapters() -> list[Path]:
    """The chapters' sources, part by part."""
    return sorted(p for part in ("calculus", "models") for p in (ROOT / "docs" / part).glob("*.md"))


def main(argv: list[str]) -> int:
    pages = [Path(p) if Path(p).exists() else ROOT / "docs" / p for p in argv] or chapters()
    total = {"checks": 0, "visible_asserts": 0}
    print(f"{'page':38} {'checks':>6} {'asserts':>7} {'code':>5} {'seed/notes':>10}  wide lines")
    for page in pages:
        m = metrics(page.resolve())
        total["checks"] += m["checks"]
        total["visible_asserts"] += m["visible_asserts"]
        print(f"{m['page']:38} {m['checks']:6d} {m['visible_asserts']:7d} {m['code_share']:5.0%} "
              f"{m['mentions']:10d}  {m['wide'][:6]}")
    print(f"{'total':38} {total['checks']:6d} {total['visible_asserts']:7d}")
    return 0

