"""Try new tests against a module's surviving mutants, without a mutmut run.

    python scripts/mutant_try.py calcnotes/lbfgs.py tests/unit/test_mutants_lbfgs.py
    python scripts/mutant_try.py calcnotes/lbfgs.py tests/unit/test_mutants_lbfgs.py --only _direction

For each survivor of the last ``make mutation`` run in the module (equivalent
and message-only mutants left out, as in the report), this runs the given test
files inside ``mutants/`` with the mutant switched on (mutmut's trampolines
read ``MUTANT_UNDER_TEST``) and prints which ones the tests now kill. The test
files are copied into ``mutants/tests`` first (under a name of this run's
own, removed afterwards), so they import the mutated package. It only reads
the stored results: a ``mutmut run`` (for example ``scripts/mutation_report.py
--retest calcnotes/lbfgs.py``) records the kills.

It is for writing tests quickly while other runs share the machine; nothing in
``make test`` uses it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("mutation_report", Path(__file__).with_name("mutation_report.py"))
assert _spec is not None and _spec.loader is not None
mutation_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutation_report)

ROOT = mutation_report.ROOT
MUTANTS = mutation_report.MUTANTS


def survivors(module: str) -> list[str]:
    """The module's survivors that the report counts against the kill rate."""
    os.chdir(ROOT)
    meta = MUTANTS / f"{module}.meta"
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    equivalents = mutation_report._equivalents()
    found = []
    for name, code in codes.items():
        if code not in mutation_report.SURVIVED or name in equivalents:
            continue
        minus, plus = mutation_report._diff_lines(name, module)
        if not mutation_report.message_only(minus, plus):
            found.append(name)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module", help="a path such as calcnotes/lbfgs.py")
    parser.add_argument("tests", nargs="+", help="test files to run against each survivor")
    parser.add_argument("--only", default="", help="only survivors whose name contains this")
    args = parser.parse_args()
    names = [n for n in survivors(args.module) if args.only in n]
    # Each run copies the files under a name of its own, so two people trying tests at once
    # never read each other's half-written copy (which would count as a kill).
    copies = []
    for test in args.tests:
        source = Path(test)
        target = MUTANTS / source.with_name(f"{source.stem}_try{os.getpid()}.py")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / test, target)
        copies.append(str(target.relative_to(MUTANTS)))
    try:
        killed = _try(args.module, names, copies)
    finally:
        for copy in copies:
            (MUTANTS / copy).unlink(missing_ok=True)
    print(f"\n{killed} of {len(names)} survivors killed by {', '.join(args.tests)}")
    return 0


def _try(module: str, names: list[str], copies: list[str]) -> int:
    """Run the copied test files once per mutant; the number of mutants they kill."""
    killed = 0
    for name in names:
        env = dict(os.environ, MUTANT_UNDER_TEST=name, PYTHONPATH=str(MUTANTS))
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
             "-o", "addopts=--import-mode=importlib", *copies],
            cwd=MUTANTS, env=env, capture_output=True, text=True,
        )
        verdict = "killed" if result.returncode != 0 else "survived"
        killed += result.returncode != 0
        minus, plus = mutation_report._diff_lines(name, module)
        print(f"{verdict:8s} {name}")
        if verdict == "survived":
            for line in minus + plus:
                print("          ", line[:150])
    return killed


if __name__ == "__main__":
    sys.exit(main())
