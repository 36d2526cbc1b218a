"""Author's loop: cold vs warm build, and save-to-reload time under `mkdocs serve`.

    python benchmarks/reload.py [--page calculus/derivatives.md]

1. A cold build and a warm build (nothing changed) in one run, with the
   execution cache on (CALCNOTES_CACHE=1), into throw-away folders: the warm
   one must take at most 25% of the cold one.
2. `mkdocs serve` on a free port: after its first build, one sentence of the
   page is edited and the time until serve logs that it reloads the browsers
   is measured; the edit is then undone. Prints both figures.

Run it on an idle machine; it says how many cores it had.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed_build(site: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                   cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def serve_reload(page: Path, env: dict) -> float:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    original = page.read_text(encoding="utf-8")
    try:
        _wait_for(proc, re.compile(r"Serving on"), 300)
        time.sleep(1.0)
        page.write_text(original.replace("\n\n", "\n\nA sentence an author just added.\n\n", 1), encoding="utf-8")
        start = time.perf_counter()
        _wait_for(proc, re.compile(r"Reloading browsers|Documentation built"), 300)
        return time.perf_counter() - start
    finally:
        page.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)


def _wait_for(proc: subprocess.Popen, pattern: re.Pattern, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for line in proc.stdout:  # type: ignore[union-attr]
        if pattern.search(line):
            return
        if time.monotonic() > deadline:
            break
    raise SystemExit(f"mkdocs serve did not log {pattern.pattern!r} in {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="calculus/derivatives.md")
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALCNOTES_CACHE": "1"}
    work = Path(tempfile.mkdtemp(prefix="calcnotes-reload-"))
    cache = ROOT / ".cache" / "calcnotes"
    shutil.rmtree(cache, ignore_errors=True)
    try:
        cold = timed_build(work / "cold", env)
        warm = timed_build(work / "warm", env)
        reload = serve_reload(ROOT / "docs" / args.page, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"cores: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}")
    print(f"cold build (cache empty):     {cold:6.1f} s")
    print(f"warm build (nothing changed): {warm:6.1f} s  = {warm / cold:.0%} of cold (target <= 25%)")
    print(f"serve: edit {args.page} -> reload: {reload:6.1f} s  (target <= 3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
