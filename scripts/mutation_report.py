"""Mutation testing of calcnotes/ with mutmut, and the kill rate by module.

    python scripts/mutation_report.py --fresh          # what `make mutation` runs
    python scripts/mutation_report.py                  # continue / update the last run
    python scripts/mutation_report.py --module calcnotes/differences.py   # one module's mutants
    python scripts/mutation_report.py --retest calcnotes/lbfgs.py  # rerun only its survivors (after new tests)
    python scripts/mutation_report.py --report         # only print the table of the last run
    python scripts/mutation_report.py --survivors calcnotes/differences.py  # their diffs

mutmut (pinned in pyproject.toml's `test` extra, configured under
``[tool.mutmut]``) copies calcnotes/ and tests/ into ``mutants/`` and runs, for
each mutant, the unit tests and doctests that call the mutated function, on at
most two processes. Its results stay in ``mutants/`` (git-ignored), so a second
run only tests what changed; ``--fresh`` deletes them first.

The table counts, per module:

* **killed**: a test failed, or the mutant timed out or crashed its worker;
* **survived**: every test passed (mutmut's "no tests", a function no selected
  test calls, counts as survived);
* **equivalent**: survivors listed in ``tests/unit/mutation_equivalents.md``
  with the reason they cannot change behaviour; each entry names the mutant
  and the text of its changed line, and an entry whose line no longer matches
  (the numbering moved) is reported as stale and not subtracted;
* **message**: survivors whose only change is to a string that is only ever
  part of an error or warning message (see ``message_only``), or listed in
  the same table with a reason starting "message-only" (what the patterns
  miss: a dropped ``fix=`` hint, a name only formatted into a message);
  nothing should pin a message's wording, so these count like equivalents.
  A number a message computes for the reader (an iteration, a suggested
  learning rate, a count of mistakes) is not wording: tests pin it.

rate = killed / (mutants - equivalent - message - not run); "not run" are
mutants an interrupted run has not tested yet.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "unit" / "mutation_equivalents.md"
MAX_CHILDREN = 2  # the CI machine and the lab machines have two cores

KILLED = {1, 3, 36, 24, -24, 152, 255, -11, -9}  # failed, pytest error, timeout, crash
SURVIVED = {0, 5, 33}  # passed, no tests

# calcnotes._validation's helpers whose string arguments only name the value in
# their error messages (check_choice is not one: its choices are behaviour).
_NAMING_CALL = re.compile(
    r"\b(as_float_array|check_callable|check_positive|check_int|check_bool|check_square|check_same_length|"
    r"check_finite_output|check_callback_output|check_random_state|check_binary_labels|check_class_labels|"
    r"encode_labels|check_n_features"
    # differences/numeric: `where` and `name` label the point or the function in messages
    r"|_evaluate|_step|_steps|_best_step|_call"
    # newton: the name of the derivative in messages
    r"|_finite_matrix"
    # probability: the name of the argument or event in messages
    r"|_exact|_fractions|_holds"
    # optim: the name of the argument in messages
    r"|check_fraction|_check_flag"
    # autodiff.dual: the name of the number in messages
    r"|_real"
    # symbolic: the name of the expression and the hint in messages
    r"|_sympify|_scalar)\("
)
_MESSAGE_LINE = re.compile(r"\braise\b|\bwarnings\.warn\(|Error\(|Warning\(")
_STRING = re.compile(r"""[rbfu]{0,2}("([^"\\]|\\.)*"|'([^'\\]|\\.)*')""", re.IGNORECASE)


def _mask(line: str) -> str:
    return re.sub(r"\bNone\b", "S", _STRING.sub("S", line)).strip()


def _inside_naming_call(old: str, new: str) -> bool:
    """The one changed string is an argument of a naming helper's call on the line."""
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if start is None:
        return False
    for call in _NAMING_CALL.finditer(old):
        depth, end = 1, call.end()
        while end < len(old) and depth:
            depth += {"(": 1, ")": -1}.get(old[end], 0)
            end += 1
        literal = next((s for s in _STRING.finditer(old, call.end(), end) if s.start() <= start < s.end()), None)
        if literal is not None:
            return True
    return False


def message_only(minus: list[str], plus: list[str]) -> bool:
    """A change confined to one string literal (or its replacement by None) of a message.

    The string must be in a raise or warning statement, a line of a message
    that continues over several lines (a line that is only string literals),
    or the `name` argument of a calcnotes._validation helper: those strings end
    up in error messages and nowhere else.
    """
    string_only = re.compile(r"\s*(S\s*)+[,)]?\s*")
    if len(minus) > 1 and len(plus) == 1 and plus[0][1:].strip() in ("None", "None,", "None)"):
        # a message over several lines replaced by None: the exception keeps its type
        return all(string_only.fullmatch(_mask(m[1:])) for m in minus)
    if len(minus) != 1 or len(plus) != 1:
        return False
    old, new = minus[0][1:], plus[0][1:]
    strings = _STRING.findall(old)
    if _NAMING_CALL.search(old) and len(strings) == 1:
        # the name argument left out: the helper's default name (often the same) is used
        dropped = re.sub(r"(\w+=)?" + _STRING.pattern, "", old, count=1)
        if re.sub(r"[\s,]", "", dropped) == re.sub(r"[\s,]", "", new):
            return True
    if old == new or _mask(old) != _mask(new):
        return False
    if _MESSAGE_LINE.search(old):
        return True
    if _inside_naming_call(old, new):
        return True
    if string_only.fullmatch(_mask(old)) and string_only.fullmatch(_mask(new)):
        return True  # a continuation line of a multi-line message (a string, or an f-string's field)
    return bool(_NAMING_CALL.search(old)) and len(strings) == 1


def _mutmut(*args: str) -> int:
    return subprocess.call([sys.executable, "-m", "mutmut", *args], cwd=ROOT)


def _not_killed(modules: list[str]) -> list[str]:
    """The mutants of these modules that the last run did not kill (by name)."""
    names = []
    if "all" in modules:
        metas = sorted(MUTANTS.glob("calcnotes/**/*.py.meta"))
        modules = [str(m.relative_to(MUTANTS)).removesuffix(".meta") for m in metas]
    for module in modules:
        codes = json.loads((MUTANTS / f"{module}.meta").read_text())["exit_code_by_key"]
        names += [name for name, code in codes.items() if code not in KILLED]
    return names


def _module_pattern(path: str) -> str:
    """mutmut's names are module.x_function__mutmut_N (module.xǁClassǁmethod__mutmut_N)."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") + ".x*"


def _diff_lines(name: str, path: str) -> tuple[list[str], list[str]]:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        diff = get_diff_for_mutant(name, path=path).splitlines()[2:]
    except (FileNotFoundError, ValueError):  # mutants/ is being regenerated by a run
        return [], []
    return [d for d in diff if d.startswith("-")], [d for d in diff if d.startswith("+")]


def _equivalents() -> dict[str, tuple[str, str]]:
    """name -> (changed line, reason) from the table in tests/unit/mutation_equivalents.md."""
    found = {}
    for line in EQUIVALENTS.read_text().splitlines() if EQUIVALENTS.exists() else []:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`calcnotes."):
            found[cells[0].strip("`")] = (cells[1].strip("`").replace("\\|", "|"), cells[2])
    return found


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def report(show_survivors: list[str]) -> int:
    import os

    os.chdir(ROOT)  # mutmut's diff helpers read mutants/ relative to the cwd
    equivalents = _equivalents()
    rows, stale, unchecked, killed_listed = [], [], [], []
    for meta in sorted(MUTANTS.glob("calcnotes/**/*.py.meta")):
        path = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        count = Counter()
        for name, code in codes.items():
            if code in KILLED:
                count["killed"] += 1
                if name in equivalents:
                    killed_listed.append(name)
                continue
            if code not in SURVIVED:
                unchecked.append(name)
                count["unchecked"] += 1
                continue
            minus, plus = _diff_lines(name, path)
            if name in equivalents:
                if _norm(equivalents[name][0]) in _norm(" ".join(p[1:] for p in plus)):
                    # a listed message-only mutant the patterns below do not recognise
                    count["message" if equivalents[name][1].startswith("message-only") else "equivalent"] += 1
                    continue
                stale.append(name)
            if message_only(minus, plus):
                count["message"] += 1
                continue
            count["survived"] += 1
            if path in show_survivors or "all" in show_survivors:
                print(f"{name}  [{'no tests' if code in (5, 33) else 'survived'}]")
                for d in minus + plus:
                    print("   ", d[:160])
        rows.append((path, len(codes), count))

    total = Counter()
    print("| module | mutants | killed | survived | equivalent | message | not run | rate |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path, n, c in rows:
        total.update(c)
        total["mutants"] += n
        print(_row(f"`{path}`", n, c))
    print(_row("**all**", total["mutants"], total))
    if unchecked:
        print(f"\n{len(unchecked)} mutants not tested yet (the run was interrupted): e.g. {unchecked[:3]}")
    if stale:
        print(f"\nStale entries in {EQUIVALENTS.relative_to(ROOT)} (the mutant's line changed): {stale}")
    if killed_listed:
        print(f"\nEntries in {EQUIVALENTS.relative_to(ROOT)} for mutants the tests kill (remove them): {killed_listed}")
    return 0


def _row(label: str, n: int, c: Counter) -> str:
    counted = n - c["equivalent"] - c["message"] - c["unchecked"]
    rate = f"{100 * c['killed'] / counted:.1f}%" if counted else "-"
    return (f"| {label} | {n} | {c['killed']} | {c['survived']} | {c['equivalent']} | {c['message']} "
            f"| {c['unchecked']} | {rate} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="delete mutants/ (the last run's results) first")
    parser.add_argument("--module", action="append", default=[], help="run only this module's mutants (a path)")
    parser.add_argument("--retest", action="append", default=[],
                        help="rerun only the mutants of this module (a path, or all) that the last run did not kill")
    parser.add_argument("--report", action="store_true", help="print the table of the last run, run nothing")
    parser.add_argument("--survivors", action="append", default=[], help="print the diffs of a module's survivors")
    args = parser.parse_args()
    if not args.report:
        if args.fresh:
            shutil.rmtree(MUTANTS, ignore_errors=True)
        patterns = [_module_pattern(m) for m in args.module] + _not_killed(args.retest)
        if args.retest and len(patterns) == len(args.module):
            return report(args.survivors)  # nothing left to retest
        code = _mutmut("run", "--max-children", str(MAX_CHILDREN), *patterns)
        if code:
            return code
    return report(args.survivors)


if __name__ == "__main__":
    sys.exit(main())
