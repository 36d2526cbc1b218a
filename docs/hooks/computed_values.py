"""Build hook: fill ``@{expr:fmt}`` in a page's prose and formulas from its session.

A page states a computed number in prose as ``@{slope:.4f}`` rather than typing
``6.0000``: the value is read from the page's markdown-exec session after the
page's blocks have run, so the text cannot drift from the computation (and
corrupting it means corrupting code that the build checks).

Two steps. Before Markdown is converted (``on_page_markdown``), each reference
outside code fences is swapped for an inert token (letters and digits only),
so no Markdown extension can rewrite the expression: ``@{found[1][0]}`` would
otherwise become a reference link. After the blocks ran (``on_page_content``,
after exec_guard and before katex_math), each token becomes the formatted
value, also inside ``$...$`` where it is then part of the formula KaTeX
renders. A reference that fails to evaluate fails the build with its file
and line.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).parent))
from calcnotes.site.fences import REFERENCE, Reference, find_exec_blocks, find_references, format_reference, split_fences  # noqa: E402

import markdown_exec._internal.formatters.python as _mx_python  # noqa: E402

log = logging.getLogger("mkdocs.plugins.calcnotes.computed_values")
_ROOT = Path(__file__).resolve().parents[2]
_TOKEN = re.compile(r"CNREF(\d+)Z")

# page src_uri -> (display path, session name, references in page order)
_pages: dict[str, tuple[str, str | None, list[Reference]]] = {}


def _display(page) -> str:
    path = Path(page.file.abs_src_path).resolve()
    try:
        return str(path.relative_to(_ROOT))
    except ValueError:
        return str(path)


def _swap_for_tokens(markdown: str, refs: list[Reference]) -> str:
    """Replace the references outside fences, in order, by CNREF<k>Z tokens."""
    out = []
    for _, line, prose in split_fences(markdown):
        if prose and "@{" in line:
            for k, ref in enumerate(refs):
                line = line.replace(ref.text, f"CNREF{k}Z")
        out.append(line)
    return "".join(out)


def on_page_markdown(markdown: str, page, config, files) -> str:
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else markdown
    refs = find_references(source)
    if not refs:
        _pages.pop(page.file.src_uri, None)
        _refuse_malformed(source, _display(page))
        return markdown
    unique = list({r.text: r for r in reversed(refs)}.values())[::-1]  # first occurrence of each text
    sessions = list(dict.fromkeys(b.session for b in find_exec_blocks(source) if b.session))
    where = _display(page)
    if len(sessions) != 1:
        raise PluginError(
            f"{where}:{refs[0].line}: @{{...}} needs exactly one markdown-exec session on "
            f"the page to read values from; found {sessions or 'none'}"
        )
    _pages[page.file.src_uri] = (where, sessions[0], unique)
    _refuse_malformed(source, where)
    return _swap_for_tokens(markdown, unique)


def _refuse_malformed(source: str, where: str) -> None:
    """An ``@{`` left outside code (braces inside the expression) would show raw: fail instead."""
    for number, line, prose in split_fences(source):
        if prose and "@{" in REFERENCE.sub("", re.sub(r"`[^`]*`", "", line)):
            raise PluginError(
                f"{where}:{number}: an @{{...}} reference could not be read (no braces inside the "
                "expression: compute the value into a variable in a block and cite the variable)"
            )


def on_page_content(html_content: str, page, config, files) -> str:
    entry = _pages.get(page.file.src_uri)
    if entry is None:
        return html_content
    where, session, refs = entry
    namespace = _mx_python._sessions_globals.get(session, {})
    values: dict[int, str] = {}
    errors: list[str] = []
    for k, ref in enumerate(refs):
        try:
            values[k] = _math_to_arithmatex(html.escape(format_reference(ref.expr, ref.fmt, namespace), quote=False))
        except Exception as error:  # noqa: BLE001 - any failure is the author's to see
            errors.append(f"{where}:{ref.line}: {ref.text} failed: {type(error).__name__}: {error}")
    if errors:
        for message in errors:
            log.error(message)
        raise PluginError("computed values in the prose could not be filled:\n" + "\n".join(errors))
    fill = lambda text: _TOKEN.sub(lambda m: values[int(m[1])], text)  # noqa: E731
    _fill_toc(page.toc.items, fill)
    return fill(html_content)


_DOLLARS = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")


def _math_to_arithmatex(value: str) -> str:
    """A value that is Markdown with ``$...$`` math: wrap the math as arithmatex
    does, so that katex_math (which runs next) renders it instead of leaving dollars."""
    return _DOLLARS.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', value)


def _fill_toc(items, fill) -> None:
    """Headings may cite values too: fill the table of contents like the page."""
    for item in items:
        item.title = fill(item.title)
        _fill_toc(item.children, fill)
