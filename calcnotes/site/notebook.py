r"""The lab notebooks (mkdocs-jupyter) as offline as every other page.

mkdocs-jupyter executes ``docs/lab/*.py`` (jupytext) and embeds nbconvert's
HTML, which leaves the notebook's math as raw ``$...$`` for a MathJax it loads
from a CDN (plus a CDN mermaid loader and an empty ``<script src="">``). For
each notebook page the plugin

* drops those three scripts (the site loads nothing from third-party hosts);
* renders the math of the Markdown cells with the site's KaTeX
  (``calcnotes.site.katex.render_math``: same CSS, fonts and build-time errors as the
  pages; invalid TeX fails the build);
* resolves relative links to ``.md`` pages as MkDocs does for pages (nbconvert
  leaves them as they are), failing the build on a link to no page;
* writes the notebook *as executed by this build* next to the page as
  ``<name>.ipynb`` (mkdocs-jupyter's ``include_source`` copies only the
  jupytext ``.py``) and puts download buttons for both at the top.

The executed notebook is captured from mkdocs-jupyter's nbconvert exporter
(``adapters.install_notebook_capture``), so the notebook runs once per build.
mkdocs-jupyter's own cache must stay off: its key ignores ``calcnotes``, so a
cached page would hide a broken package. The site's execution cache takes its
place, keyed on the notebook and every ``calcnotes`` module.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError

from calcnotes.site import links
from calcnotes.site.katex import render_math


def _refuse(message: str) -> None:
    raise PluginError(message)

_WRAPPER = '<div class="jupyter-wrapper">'
_CDN_SCRIPTS = [
    re.compile(r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*', re.I),
    re.compile(r'(?:<!-- MathJax configuration -->\s*)?'
               r'<script type="text/x-mathjax-config">.*?</script>\s*', re.S | re.I),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>\s*', re.S),
    re.compile(r'<!-- End of mathjax configuration -->'),
]
_MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput"[^>]*>)(.*?)(</div>)', re.S
)
_VERBATIM = re.compile(r"(<(code|pre)\b.*?</\2>)", re.S)
_DISPLAY_P = re.compile(r"<p>\s*\$\$(.+?)\$\$\s*</p>", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$(?!\d)")



def is_notebook(page) -> bool:
    """Whether the page is a lab notebook rendered by mkdocs-jupyter."""
    path = page.file.abs_src_path or ""
    return path.endswith((".py", ".ipynb")) and page.file.src_uri.startswith("lab/")


def check_config(config) -> None:
    """Refuse mkdocs-jupyter's cache (its key ignores calcnotes)."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        raise PluginError(
            "mkdocs-jupyter: set `cache: false`; its cache key ignores calcnotes, so it can hide a broken package"
        )


def _math_to_arithmatex(fragment: str) -> str:
    """``$$..$$`` and ``$..$`` outside code, as the spans arithmatex would write."""
    pieces = _VERBATIM.split(fragment)
    out = []
    for k, piece in enumerate(pieces):
        if k % 3 == 1:  # a <code>/<pre> element: leave as is
            out.append(piece)
            continue
        if k % 3 == 2:  # the tag name captured by the inner group
            continue
        piece = _DISPLAY_P.sub(lambda m: f'<div class="arithmatex">\\[{m[1]}\\]</div>', piece)
        piece = _DISPLAY.sub(lambda m: f'<div class="arithmatex">\\[{m[1]}\\]</div>', piece)
        piece = _INLINE.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', piece)
        out.append(piece)
    return "".join(out)


def _downloads(stem: str, source_name: str) -> str:
    return (
        '<p class="cn-downloads">'
        f'<a class="md-button md-button--primary" href="{stem}.ipynb" download>'
        "Download the notebook (.ipynb, executed)</a> "
        f'<a class="md-button" href="{source_name}" download>Jupytext source (.py)</a>'
        "</p>\n"
    )


def process(content: str, page, files, executed: list[nbformat.NotebookNode]) -> str:
    """Make a notebook page offline and give it its download buttons.

    ``executed`` holds the notebooks mkdocs-jupyter executed for this page;
    the last becomes ``page.executed_notebook`` (written by :func:`write`).
    """
    where = f"docs/{page.file.src_uri}"
    if _WRAPPER not in content:
        raise PluginError(f"{where}: mkdocs-jupyter did not render this notebook (no {_WRAPPER})")
    for pattern in _CDN_SCRIPTS:
        content = pattern.sub("", content)
    content = _MARKDOWN_CELL.sub(lambda m: m[1] + _math_to_arithmatex(m[2]) + m[3], content)
    content = render_math(content, where)
    content, _ = links.resolve(content, page, files, _refuse)
    if not executed:
        raise PluginError(f"{where}: no executed notebook was captured from mkdocs-jupyter (is its cache on?)")
    page.executed_notebook = executed.pop()
    executed.clear()
    source_name = Path(page.file.abs_src_path).name
    buttons = _downloads(Path(source_name).stem, source_name)
    end_of_title = content.find("</h1>")
    if end_of_title < 0:
        return buttons + content
    end_of_title += len("</h1>")
    return content[:end_of_title] + buttons + content[end_of_title:]


def write(page) -> None:
    """Write the notebook as this build executed it next to its page, as ``<name>.ipynb``."""
    notebook = getattr(page, "executed_notebook", None)
    if notebook is not None:
        target = Path(page.file.abs_dest_path).with_name(Path(page.file.abs_src_path).stem + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook), encoding="utf-8")


def cells_key(nb) -> str:
    """What identifies a notebook's run: its cells' kinds and sources."""
    import hashlib
    import json

    sources = json.dumps([[cell.cell_type, cell.source] for cell in nb.cells])
    return "lab-notebook-" + hashlib.sha256(sources.encode()).hexdigest()[:16]


class Prefetch:
    """Run the lab notebooks in background threads while the rest of the site builds.

    The kernel is a separate process, so on two cores it runs beside the
    build instead of after it. mkdocs-jupyter then gets the executed notebook
    (``take``) instead of starting a kernel itself. Anything unexpected (an
    error in a cell, a notebook that differs) leaves mkdocs-jupyter to run it
    as usual, which reports the error as it always does.
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._threads: dict[str, object] = {}
        self._done: dict[str, nbformat.NotebookNode] = {}

    def start(self, path: Path, skip=lambda key: False) -> None:
        """Read ``path`` as mkdocs-jupyter does and execute it in a thread (unless ``skip(key)``)."""
        import threading

        import jupytext

        nb = nbformat.reads(jupytext.writes(jupytext.read(path), fmt="ipynb"), as_version=4)
        key = cells_key(nb)
        if skip(key):
            return

        def work() -> None:
            from nbclient import NotebookClient

            try:
                NotebookClient(nb, timeout=600, allow_errors=False).execute()
            except Exception:  # mkdocs-jupyter runs it again and reports the error
                return
            with self._lock:
                self._done[key] = nb

        thread = threading.Thread(target=work, name=f"calcnotes-notebook-{path.name}", daemon=True)
        self._threads[key] = thread
        thread.start()

    def take(self, nb) -> nbformat.NotebookNode | None:
        """The executed notebook with the same cells as ``nb`` (waiting for its thread), or None."""
        key = cells_key(nb)
        thread = self._threads.pop(key, None)
        if thread is not None:
            thread.join()
        with self._lock:
            return self._done.pop(key, None)
