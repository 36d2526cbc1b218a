"""Serve a directory on 127.0.0.1 from a thread (used by the browser tests' fixtures and checks)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

LOCAL_HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    site_url: str | None = None
    base_url: str = ""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        # Stand in for the host of site_url: Material's instant navigation only
        # takes over links to the URLs listed in sitemap.xml, which name site_url.
        if self.site_url and self.path.split("?")[0] == "/sitemap.xml":
            text = (Path(self.directory) / "sitemap.xml").read_text(encoding="utf-8")
            body = text.replace(self.site_url, self.base_url).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@contextlib.contextmanager
def served(directory: Path, site_url: str | None = None) -> Iterator[str]:
    """``with served(directory) as url:`` ``directory`` on a free port of 127.0.0.1,
    stopped when the block ends.

    With ``site_url``, sitemap.xml is served with it replaced by the base URL,
    as if this server were the site's host.
    """
    handler = type("Handler", (_QuietHandler,), {"site_url": site_url})
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(handler, directory=str(directory)))
    handler.base_url = f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield handler.base_url
    finally:
        server.shutdown()
        server.server_close()
