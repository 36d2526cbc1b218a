"""Share a cold build's pages with a second process (two cores, two processes).

MkDocs renders pages one after another, in one process. Running the chapters'
blocks is most of a cold build, and this machine has two cores: so at the
start of a build the plugin shares the pages with a helper, whose product is
an execution-cache entry per page (``calcnotes.site.cache``) and its converted
HTML, in a folder of its own. When the main build reaches a page the helper
took, it waits for it and replays it, exactly as the execution cache replays a
page; a page the helper could not run (it failed, or the helper died) is run
by the main build, which then reports any failure with its file and line.

On Linux the helper is a fork of the build (:class:`Fork`), made once MkDocs
has read the configuration, loaded the plugins and made the pages: it starts
at once and runs pages through MkDocs' own page pipeline. The two processes
take pages from the two ends of the list until they meet, so the split is
even whatever each page costs. Elsewhere, or with other threads running (a
test worker), it is a second ``mkdocs build`` of the last pages by code
length (:class:`Helper`: quiet, not strict, into a throw-away folder), which
pays MkDocs' start-up a second time (measured: a cold build of 19.2 s took
31.2 s of CPU with it, 24.5 s in one process; with the fork, 13.6-14.7 s and
23-24.5 s of CPU).

Nothing is reused from an earlier build: the helper's results are computed in
this build, from the same sources, so a build with the cache off is still
computed fresh. ``CALCNOTES_PARALLEL=0`` turns the helper off.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import yaml

__all__ = ["Fork", "Helper", "can_fork", "choose"]


def choose(order: list[str], weight: dict[str, int], share: float = 0.5) -> list[str]:
    """The pages at the end of ``order`` that make up about ``share`` of the total weight.

    >>> choose(["a", "b", "c", "d"], {"a": 1, "b": 1, "c": 1, "d": 1})
    ['c', 'd']
    """
    total = sum(weight.get(p, 0) for p in order)
    picked, acc = [], 0
    for page in reversed(order):
        if acc >= share * total:
            break
        if weight.get(page, 0):
            picked.append(page)
            acc += weight[page]
    return picked[::-1]


class Helper:
    """A second ``mkdocs build`` that runs ``pages`` and leaves their cache entries in ``folder``."""

    def __init__(self, config_file: Path, docs_dir: Path, pages: list[str]) -> None:
        self.pages = set(pages)
        self.work = Path(tempfile.mkdtemp(prefix="calcnotes-parallel-"))
        self.folder = self.work / "cache"
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        keep = set(pages) | {"errata.md", "index.md"}
        config.update({
            "docs_dir": str(docs_dir),
            "site_dir": str(self.work / "site"),
            "strict": False,
            "nav": sorted(keep),
            # Only these pages: the rest (the lab, the API reference) costs time and is not needed.
            "exclude_docs": "\n".join(
                f"/{p.relative_to(docs_dir).as_posix()}" for p in sorted(docs_dir.rglob("*"))
                if p.is_file() and p.suffix in {".md", ".py", ".ipynb"}
                and p.relative_to(docs_dir).as_posix() not in keep
            ) + "\noverrides/\n",
        })
        if "custom_dir" in config.get("theme", {}):
            config["theme"]["custom_dir"] = str((config_file.parent / config["theme"]["custom_dir"]).resolve())
        config["watch"] = []
        # The plugin's own entry (a name, or a name with options) points at the helper's folder.
        config["plugins"] = [
            {"calcnotes": {"cache": True, "cache_dir": str(self.folder)}}
            if p == "calcnotes" or (isinstance(p, dict) and "calcnotes" in p) else p
            for p in config["plugins"]
            if not (isinstance(p, dict) and ("mkdocs-jupyter" in p or "mkdocstrings" in p))
        ]
        (self.work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        env = {**os.environ, "CALCNOTES_PARALLEL": "0", "CALCNOTES_CACHE": "1", "NO_MKDOCS_2_WARNING": "1"}
        env.pop("CALCNOTES_REPORT", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(self.work / "mkdocs.yml")],
            cwd=Path.cwd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def claim(self, src_uri: str) -> bool:
        """Its pages are the helper's from the start: the main build claims none of them."""
        return False

    def wait_for(self, src_uri: str, entry_path: Path, timeout: float = 600) -> bool:
        """Wait until the helper has written the page's entry (True) or has stopped (False)."""
        return _wait(entry_path, lambda: self.proc.poll() is None, timeout, 0.05)

    def close(self) -> None:
        """Stop the helper (if still running) and remove its folder."""
        import shutil

        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def _wait(ready: Path, running: Callable[[], bool], timeout: float, step: float) -> bool:
    """Poll until ``ready`` exists (True), or the process making it has ended without it,
    or ``timeout`` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return True
        if not running():
            return ready.exists()
        time.sleep(step)
    return False


def can_fork() -> bool:
    """A fork is safe here: Linux, and this thread is the only one (a fork copies no other
    thread, so a lock another thread holds would stay locked in the child for ever). Not
    macOS: its system libraries (Accelerate's BLAS, which NumPy may use) are not fork-safe,
    which is why Python's multiprocessing spawns there."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class Fork:
    """A child of this build that shares ``pages`` with it, taking them from the far end.

    The two processes meet in the middle: the main build goes through ``pages`` in
    MkDocs' order and the child in reverse, and each page goes to whichever process
    claims it first (:meth:`claim`, an exclusive file create). The child stores each
    of its runs as a cache entry in ``folder`` and stops at the first page the main
    build has claimed; so the work splits evenly, whatever each page costs, with no
    guess of what that is. ``run(page)`` is called in the child for each page it
    claims, with its standard output and error sent to /dev/null; whatever happens,
    the child ends there (``os._exit``), so it never returns into MkDocs' build.
    """

    def __init__(self, pages: list[str], run: Callable[[str, Path], None]) -> None:
        self.pages = set(pages)
        self.work = Path(tempfile.mkdtemp(prefix="calcnotes-parallel-"))
        self.folder = self.work / "cache"
        self.claims = self.work / "claims"
        self.claims.mkdir()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                _end_with(parent)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                for page in reversed(pages):
                    if not self.claim(page):
                        break  # the main build got here first: the rest is its
                    run(page, self.folder)
                    os.close(os.open(self._done(page), os.O_CREAT | os.O_WRONLY))
                code = 0
            finally:
                os._exit(code)
        self.pid: int | None = pid

    def claim(self, src_uri: str) -> bool:
        """Take ``src_uri`` for this process: False when the other one already has it."""
        try:
            os.close(os.open(self.claims / src_uri.replace("/", "__"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def _done(self, src_uri: str) -> Path:
        return self.claims / (src_uri.replace("/", "__") + ".done")

    def alive(self) -> bool:
        if self.pid is None:
            return False
        done, _ = os.waitpid(self.pid, os.WNOHANG)
        if done:
            self.pid = None
        return self.pid is not None

    def wait_for(self, src_uri: str, entry_path: Path | None = None, timeout: float = 600) -> bool:
        """Wait until the child is done with the page (True; its results, if it stored
        any, are in ``folder``) or has ended without finishing it (False)."""
        return _wait(self._done(src_uri), self.alive, timeout, 0.02)

    def close(self) -> None:
        """Stop the child (if still running) and remove its folder."""
        import shutil
        import signal

        if self.alive() and self.pid is not None:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
            self.pid = None
        shutil.rmtree(self.work, ignore_errors=True)


def _end_with(parent: int) -> None:
    """End this child when ``parent`` dies, so a killed build leaves no orphan running pages
    (Linux's parent-death signal; elsewhere an orphan runs the pages left, then ends)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the prctl took effect
        os._exit(1)
