"""Count how the public API handles the malformed calls of tests/unit/test_fuzz_api.py.

Each case runs with a time limit (a hang) and a memory limit (a huge
allocation becomes a MemoryError, a crash), and is classified:

=============  ===========================================================
clear          a ``Bad`` case raised the expected class with a message
               naming the fix; a ``Good`` case returned the right answer
unclear        ValueError or TypeError, but the wrong class or a message
               that does not say what to do
silent wrong   a ``Bad`` case returned a value; a ``Good`` case returned a
               wrong one
crash          any other exception (IndexError, MemoryError, sympy's ...)
hang           still running after the time limit
n/a            the function is newer than the checkout (ImportError)
=============  ===========================================================

Usage::

    .venv/bin/python benchmarks/fuzz_api.py                          # this checkout
    git archive HEAD~5 calcnotes | tar -x -C /tmp/before             # an older one
    PYTHONPATH=/tmp/before .venv/bin/python benchmarks/fuzz_api.py

The cases always come from this checkout's test file; ``PYTHONPATH`` only
changes which ``calcnotes`` answers them (the report names the one it used).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import resource
import signal
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("clear", "unclear", "silent wrong", "crash", "hang", "n/a")


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout


def classify(case, seconds: float) -> tuple[str, str]:
    """Return (category, detail) for one case."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = case.call()
    except _Timeout:
        return "hang", f"still running after {seconds:g} s"
    except ImportError as err:  # a module this checkout does not have yet
        return "n/a", f"{type(err).__name__}: {str(err)[:160]}"
    except Exception as err:  # classifying every failure is the point
        detail = f"{type(err).__name__}: {str(err)[:160]}"
        if hasattr(case, "match") and isinstance(err, case.error) and re.search(case.match, str(err)):
            return "clear", detail
        if isinstance(err, (ValueError, TypeError)):
            return "unclear", detail
        return "crash", detail
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if hasattr(case, "match"):
        return "silent wrong", f"returned {str(value)[:160]}"
    try:
        right = case.check(value)
    except Exception as err:
        right = False
        value = f"{value} (check raised {type(err).__name__})"
    return ("clear", "right answer") if right else ("silent wrong", f"returned {str(value)[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--memory-gib", type=float, default=6.0, help="address-space limit")
    parser.add_argument("--json", type=Path, help="write every case's outcome here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every case not 'clear'")
    args = parser.parse_args()

    limit = int(args.memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    spec = importlib.util.spec_from_file_location("fuzz_cases", ROOT / "tests" / "unit" / "test_fuzz_api.py")
    cases = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_cases"] = cases  # dataclasses look their module up there
    spec.loader.exec_module(cases)
    import calcnotes

    print(f"calcnotes from {Path(calcnotes.__file__).parent}")
    outcomes = {}
    for kind, group in (("bad", cases.BAD), ("good", cases.GOOD)):
        for case in group:
            outcomes[case.id] = (kind, *classify(case, args.timeout))
    for kind in ("bad", "good"):
        counts = Counter(category for k, category, _ in outcomes.values() if k == kind)
        total = sum(counts.values())
        cells = ", ".join(f"{counts[c]} {c}" for c in CATEGORIES)
        print(f"{kind:>4} ({total} cases): {cells}")
    counts = Counter(category for _, category, _ in outcomes.values())
    print(f" all ({len(outcomes)} cases): " + ", ".join(f"{counts[c]} {c}" for c in CATEGORIES))
    if args.verbose:
        for case_id, (_kind, category, detail) in outcomes.items():
            if category != "clear":
                print(f"  [{category}] {case_id}: {detail}")
    if args.json:
        args.json.write_text(json.dumps(
            {k: {"kind": v[0], "category": v[1], "detail": v[2]} for k, v in outcomes.items()},
            indent=1) + "\n")


if __name__ == "__main__":
    main()
