"""The parallel helper's fork (calcnotes.site.parallel.Fork), unit by unit: milliseconds each.

The build's own use of it is checked end to end by tests/test_docs.py (the
pages it ran) and tests/test_build.py (a page that fails in the fork is run
again and reported by the main build).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from calcnotes.site import parallel

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the build forks on Linux only")

PAGES = [f"part/page{k}.md" for k in range(12)]


def _mark(folder: Path, src: str, who: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (src.replace("/", "__") + ".json")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(who)
    tmp.replace(path)  # atomic, as ExecutionCache.store
    return path


def test_the_two_processes_share_the_pages_each_taking_every_page_once():
    ran_here: list[str] = []

    def run(src: str, folder: Path) -> None:
        time.sleep(0.01)  # a page's work
        _mark(folder, src, "child")

    fork = parallel.Fork(PAGES, run)
    try:
        deadline = time.monotonic() + 10
        while not any(fork.claims.iterdir()):  # a loaded machine may start the child late
            assert time.monotonic() < deadline, "the fork claimed nothing"
            time.sleep(0.005)
        for src in PAGES:  # the main build's pass, in MkDocs' order
            if fork.claim(src):
                time.sleep(0.01)
                ran_here.append(src)
            else:
                assert fork.wait_for(src, fork.folder / (src.replace("/", "__") + ".json"), timeout=10)
        by_child = sorted(p.name.removesuffix(".json").replace("__", "/") for p in fork.folder.glob("*.json"))
        assert set(ran_here).isdisjoint(by_child)
        assert sorted(ran_here + by_child) == sorted(PAGES)
        # They met in the middle: the main build took a head of the list, the child the tail.
        assert ran_here == PAGES[: len(ran_here)] and ran_here and by_child
        deadline = time.monotonic() + 10
        while fork.alive():  # the child stops at the first page the main build claimed
            assert time.monotonic() < deadline, "the fork did not end"
            time.sleep(0.01)
    finally:
        fork.close()
    assert not fork.work.exists()


def test_a_page_claimed_by_one_process_cannot_be_claimed_by_the_other():
    fork = parallel.Fork(PAGES[:1], lambda src, folder: None)  # the child takes the only page
    try:
        deadline = time.monotonic() + 10
        while fork.alive():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not fork.claim(PAGES[0])
        assert fork.claim("other.md") and not fork.claim("other.md")
    finally:
        fork.close()


def test_a_fork_that_fails_ends_there_and_the_main_build_stops_waiting(tmp_path: Path):
    """An error in the child ends the child (os._exit): it never returns into the caller's
    code, and the main build's wait returns False at once, so it runs the page itself."""
    returned = tmp_path / "returned"

    def run(src: str, folder: Path) -> None:
        raise RuntimeError("a page broke the fork")

    pid = os.getpid()
    fork = parallel.Fork(PAGES, run)
    if os.getpid() != pid:  # only a child that escaped its os._exit could get here
        returned.write_text("the child returned into the caller")
        os._exit(3)
    try:
        started = time.monotonic()
        assert fork.wait_for(PAGES[-1], fork.folder / "never.json", timeout=10) is False
        assert time.monotonic() - started < 5
        assert not fork.alive()
    finally:
        fork.close()
    assert not returned.exists()


def test_close_stops_a_fork_that_is_still_running():
    fork = parallel.Fork(PAGES, lambda src, folder: time.sleep(30))
    started = time.monotonic()
    fork.close()
    assert time.monotonic() - started < 5
    assert fork.pid is None and not fork.work.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_fork_ends_when_its_build_is_killed(tmp_path: Path):
    """A build killed outright (no on_shutdown to stop the fork) leaves no orphan running pages."""
    pid_file = tmp_path / "child.pid"
    code = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from calcnotes.site import parallel\n"
        f"pid_file = Path({str(pid_file)!r})\n"
        "def run(src, folder):\n"
        "    pid_file.write_text(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "parallel.Fork(['a.md', 'b.md'], run)\n"
        "time.sleep(60)\n"
    )
    build = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the fork never started its page"
            time.sleep(0.02)
        child = int(pid_file.read_text())
        build.kill()
        build.wait()
        deadline = time.monotonic() + 10
        while _running(child):
            assert time.monotonic() < deadline, "the fork outlived its killed build"
            time.sleep(0.02)
    finally:
        build.kill()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (its parent, init, reaps it)


def test_no_fork_while_another_thread_runs():
    """A fork copies only the calling thread: a lock another thread holds would never be
    released in the child. The plugin then uses a second ``mkdocs build`` instead."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.can_fork() is False
    finally:
        stop.set()
        thread.join()


# ------------------------------------------------------------ the fork in a real build

def _tiny_site(tmp_path: Path, pages: dict[str, str]) -> dict:
    from calcnotes.site.sitebuild import copy_pages, site_config

    docs = tmp_path / "docs"
    copy_pages([], docs)
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return site_config(docs, tmp_path / "site", [*pages, "errata.md"])


def _block_page(k: int, claim: str = "x == k") -> str:
    return (f"# Page {k}\n\nIt prints a square.\n\n"
            f'```python exec="on" session="p{k}" result="text"\n'
            f'k = {k}\nx = k\nprint(k * k)\nassert {claim}, "x should be 99"\n```\n')


def test_the_fork_builds_the_same_site_as_one_process(tmp_path: Path):
    """Pages run and converted by the fork (the API page among them) come out byte for byte
    as when one process builds everything."""
    from calcnotes.site.sitebuild import build

    pages = {f"p{k}.md": _block_page(k) for k in range(6)}
    pages["reference.md"] = "# Reference\n\nSee [page 1](p1.md).\n\n::: calcnotes.losses.mse\n"
    config = _tiny_site(tmp_path, pages)
    sites = {}
    for how, parallel_env in (("fork", "1"), ("one", "0")):
        config["site_dir"] = str(tmp_path / f"site-{how}")
        report = tmp_path / f"report-{how}.json"
        env = {"CALCNOTES_PARALLEL": parallel_env, "CALCNOTES_CACHE": "0", "CALCNOTES_REPORT": str(report)}
        result = build(config, tmp_path / f"work-{how}", "--strict", "-q", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        sites[how] = Path(config["site_dir"])
        if how == "fork":
            import json

            helped = {p for p, e in json.loads(report.read_text())["pages"].items() if e["parallel"]}
            assert "reference.md" in helped and len(helped) >= 2, helped  # the fork took its share
    files = {how: sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file() and p.suffix != ".gz")
             for how, site in sites.items()}
    assert files["fork"] == files["one"]
    different = [str(p) for p in files["fork"] if (sites["fork"] / p).read_bytes() != (sites["one"] / p).read_bytes()]
    assert not different, different


def test_what_goes_wrong_in_the_fork_is_reported_by_the_build(tmp_path: Path):
    """A failing block in a page the fork ran, and broken links in a page the fork converted:
    the build fails and names them all (the fork's log goes nowhere, so the build redoes them)."""
    from calcnotes.site.sitebuild import build

    pages = {f"p{k}.md": _block_page(k) for k in range(6)}
    pages["p5.md"] = _block_page(5, claim="x == 99")
    pages["zz.md"] = "# Links\n\nA link to [nowhere](missing.md) and [an absolute one](/elsewhere/page.html).\n"
    config = _tiny_site(tmp_path, pages)
    result = build(config, tmp_path / "work", "--strict", "-q",
                   env={"CALCNOTES_PARALLEL": "1", "CALCNOTES_CACHE": "0"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{(tmp_path / 'docs' / 'p5.md')}:" in output and "x should be 99" in output, output
    assert "missing.md" in output, output
    # MkDocs warns about this one only while converting, which the fork did: it must not be lost.
    assert "contains an absolute link '/elsewhere/page.html'" in output, output
