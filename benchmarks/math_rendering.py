"""Server-side vs client-side KaTeX, measured on one chapter.

    python benchmarks/math_rendering.py [page]   (default calculus/derivatives.md)

Builds the page twice with the real configuration: as the site does (KaTeX run
at build time by the calcnotes plugin, calcnotes.site.katex) and the usual client-side way
(arithmatex output + katex.min.js + auto-render, all served locally). For each
it reports the build time, the bytes a reader downloads, and the time until
the math is drawn in headless Chromium (median of 5 cold loads). Needs
/usr/bin/chromium and playwright (the test extras).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from calcnotes.site.sitebuild import build, copy_pages, site_config

ROOT = Path(__file__).resolve().parents[1]

CLIENT_INIT = """
document$.subscribe(function () {
  renderMathInElement(document.body, {
    delimiters: [
      {left: "\\\\(", right: "\\\\)", display: false},
      {left: "\\\\[", right: "\\\\]", display: true}
    ],
  });
});
"""

DRAWN = """async () => {
  const pending = () => [...document.querySelectorAll('.arithmatex')]
      .some(el => !el.querySelector('.katex'));
  while (pending()) { await new Promise(r => setTimeout(r, 5)); }
  await document.fonts.ready;
  return performance.now();
}"""


def build_variant(page: str, work: Path, client: bool) -> tuple[Path, float]:
    docs = work / "docs"
    api = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs/api").glob("*.md"))
    copy_pages([page, *api], docs)  # the chapter links into the API reference
    config = site_config(docs, work / "site", [page, *api, "errata.md"], strict_links=False)
    if client:
        config["plugins"] = [{"calcnotes": {"katex": False}} if p == "calcnotes" else p
                             for p in config["plugins"]]
        dist = ROOT / "node_modules/katex/dist"
        target = docs / "assets/katex-client"
        shutil.copytree(dist / "fonts", target / "fonts", ignore=shutil.ignore_patterns("*.woff", "*.ttf"))
        for name in ["katex.min.css", "katex.min.js", "contrib/auto-render.min.js"]:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dist / name, target / name)
        (target / "init.js").write_text(CLIENT_INIT)
        config["extra_css"] = ["assets/katex-client/katex.min.css", *config.get("extra_css", [])]
        config["extra_javascript"] = [f"assets/katex-client/{n}"
                                      for n in ["katex.min.js", "contrib/auto-render.min.js", "init.js"]]
    start = time.perf_counter()
    result = build(config, work / "w", "-q")
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    return work / "site", seconds


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


RESOURCES = """() => [performance.getEntriesByType('navigation')[0].name,
  ...performance.getEntriesByType('resource').map(e => e.name)]"""


def weight(site: Path, urls: list[str]) -> tuple[int, int]:
    """Bytes of every file the page loaded: as stored, and gzipped (as a host serves them)."""
    raw = packed = 0
    for url in dict.fromkeys(urls):
        if not url.startswith("http://127.0.0.1"):
            raise SystemExit(f"the page requested a third-party URL: {url}")
        path = site / url.split("/", 3)[3].split("#")[0].split("?")[0]
        path = path / "index.html" if path.is_dir() else path
        data = path.read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, 6)) if path.suffix not in {".woff2", ".png"} else len(data)
    return raw, packed


def measure(site: Path, url_path: str) -> tuple[float, int, int]:
    from playwright.sync_api import sync_playwright

    server, port = serve(site)
    times, weights, packed = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
            for _ in range(5):
                context = browser.new_context()  # cold cache each time
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/{url_path}", wait_until="commit")
                times.append(page.evaluate(DRAWN))
                page.wait_for_load_state("networkidle")
                raw, gz = weight(site, page.evaluate(RESOURCES))
                weights.append(raw)
                packed.append(gz)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return statistics.median(times), int(statistics.median(weights)), int(statistics.median(packed))


def main() -> None:
    page = sys.argv[1] if len(sys.argv) > 1 else "calculus/derivatives.md"
    url_path = page.removesuffix(".md") + "/"
    rows = []
    for client in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            site, seconds = build_variant(page, Path(tmp), client)
            html_bytes = (site / url_path / "index.html").stat().st_size
            drawn_ms, total_bytes, gz_bytes = measure(site, url_path)
            rows.append(("client-side KaTeX" if client else "build-time KaTeX", seconds, html_bytes, total_bytes,
                         gz_bytes, drawn_ms))
    print(f"page: {page}")
    print(f"{'variant':<20} {'build s':>8} {'HTML kB':>8} {'page kB':>8} {'gzipped kB':>11} {'math drawn ms':>14}")
    for name, seconds, html_bytes, total, gz, drawn in rows:
        print(f"{name:<20} {seconds:>8.2f} {html_bytes / 1024:>8.0f} {total / 1024:>8.0f} {gz / 1024:>11.0f} "
              f"{drawn:>14.0f}")


if __name__ == "__main__":
    main()
