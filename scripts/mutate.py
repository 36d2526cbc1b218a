"""Corrupt a page's numbers one at a time and report those whose corruption nothing notices.

    python scripts/mutate.py docs/calculus/derivatives.md [--max 60] [--prose-only]

Two kinds of finding:

* **prose numbers**: decimals and integers >= 10 typed into the text or
  formulas outside code (smaller integers are mostly structure: x^2, 3x).
  Corrupting one can never fail the build; cite the value with ``@{expr}``
  instead (see CONTRIBUTING.md), unless it is a page number of the notes, a
  numbering, or a word-like small integer.
* **surviving code mutants**: a numeric literal in an executed block whose
  change (x -> x + 1.5, an integer n -> n + 1) still lets every block and
  every ``@{...}`` reference of the page run. Inputs that only shape a figure
  are fine; a stated value or an expected result that survives is a check
  that cannot fail.

It runs the page's blocks in this process (``calcnotes.site.runner``), so a
page of one-second blocks and 60 mutants takes about a minute.
"""

from __future__ import annotations

import argparse
import io
import os
import re
from pathlib import Path

from calcnotes.site.fences import REFERENCE, find_exec_blocks, split_fences
from calcnotes.site.runner import run_page as _run_blocks

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+)(?![\w.])")


def prose_numbers(text: str) -> list[tuple[int, str, str]]:
    """(line, number, line text) for digits in prose, outside fences and @{...}."""
    found = []
    for number, line, prose in split_fences(text):
        if not prose:
            continue
        stripped = REFERENCE.sub("", line)
        stripped = re.sub(r"\]\([^)]*\)", "]", stripped)  # link targets
        # page ranges "pages 3 to 5", "3-5", and with the en dash (U+2013) of typeset prose: meant, hence the noqa
        stripped = re.sub(r"seed \d+|page \d+|pages? \d+(?:\s*(?:to|-|–|and)\s*\d+)?|p\. ?\d+", "",  # noqa: RUF001
                          stripped, flags=re.I)
        stripped = re.sub(r"^#+ .*$|Exercise \d+", "", stripped)
        for num in NUMBER.findall(stripped):
            # Small integers are mostly structure (x^2, 3x, "two"); flag decimals and n >= 10.
            if "." in num or int(num) >= 10:
                found.append((number, num, line.strip()))
    return found


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout("the mutant ran too long (a loop that no longer ends counts as caught)")


def run_page(text: str, path: str, seconds: int = 20) -> str | None:
    """Run every session of the page and its references; return the first error, or None.

    Each run has a time limit: a mutant that makes a loop endless is caught, not waited for.
    """
    import signal

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return _run_page(text, path)
    except _Timeout as error:
        return str(error)
    finally:
        signal.alarm(0)


def _run_page(text: str, path: str) -> str | None:
    try:
        _run_blocks(text, path)
    except BaseException as error:  # any failure means the mutant was caught
        return f"{type(error).__name__}: {str(error)[:80]}"
    return None


def code_mutants(text: str, path: str):
    """Yield (line, description, mutated page) for each numeric literal of the executed blocks.

    Literals are found with Python's tokenizer, so digits inside strings and
    comments (a page number in ``where="seed 003, page 49"``) are left alone.
    """
    import tokenize

    lines = text.splitlines(keepends=True)
    for block in find_exec_blocks(text, path):
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(block.code).readline))
        except (tokenize.TokenError, SyntaxError):
            continue
        for token in tokens:
            if token.type != tokenize.NUMBER or token.string.endswith(("j", "J")):
                continue
            number = token.string
            try:
                mutated = str(int(number, 0) + 1)
            except ValueError:
                mutated = repr(float(number) + 1.5)
            line_no = block.line + token.start[0]
            original = lines[line_no - 1]
            code_line = block.code.splitlines()[token.start[0] - 1]
            indent = original.find(code_line.lstrip()) - (len(code_line) - len(code_line.lstrip()))
            if indent < 0 or original[indent + token.start[1]: indent + token.end[1]] != number:
                continue
            new_line = original[: indent + token.start[1]] + mutated + original[indent + token.end[1]:]
            mutated_page = "".join([*lines[: line_no - 1], new_line, *lines[line_no:]])
            yield line_no, f"{number} -> {mutated} in: {original.strip()}", mutated_page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path)
    parser.add_argument("--max", type=int, default=60, help="at most this many code mutants (spread over the page)")
    parser.add_argument("--prose-only", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    path = str(args.page)
    text = args.page.read_text(encoding="utf-8")

    prose = prose_numbers(text)
    print(f"== {len(prose)} number(s) typed in the prose of {path}")
    for line, num, context in prose:
        print(f"{path}:{line}: {num!r} in: {context[:110]}")
    if args.prose_only:
        return 0

    baseline = run_page(text, path)
    if baseline:
        print(f"the page itself fails: {baseline}")
        return 1
    mutants = list(code_mutants(text, path))
    step = max(1, len(mutants) // args.max)
    chosen = mutants[::step][: args.max]
    survivors = []
    for line, original, mutated_text in chosen:
        if run_page(mutated_text, path) is None:
            survivors.append((line, original))
    print(f"== {len(survivors)} of {len(chosen)} code mutants survived (of {len(mutants)} literals)")
    for line, original in survivors:
        print(f"{path}:{line}: {original[:130]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
