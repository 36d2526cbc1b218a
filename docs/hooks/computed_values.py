"""Build hook: fill ``@{expr:fmt}`` in a page's prose and formulas from its session.

A page states a computed number in prose as ``@{slope:.4f}`` rather than typing
``6.0000``: the value is read from the page's markdown-exec session after the
page's blocks have run, so the text cannot drift from the computation (and
corrupting it means corrupting code that the build checks). Runs after
exec_guard and before katex_math, so references inside ``$...$`` become part
of the formula before KaTeX renders it. A reference that fails to evaluate
fails the build with its file and line.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).parent))
from exec_blocks import REFERENCE, find_exec_blocks, find_references, format_reference  # noqa: E402

import markdown_exec._internal.formatters.python as _mx_python  # noqa: E402

log = logging.getLogger("mkdocs.plugins.calcnotes.computed_values")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_ROOT = Path(__file__).resolve().parents[2]


def _source(page) -> str:
    return Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else page.markdown


def _display(page) -> str:
    path = Path(page.file.abs_src_path).resolve()
    try:
        return str(path.relative_to(_ROOT))
    except ValueError:
        return str(path)


def on_page_content(html_content: str, page, config, files) -> str:
    if "@{" not in html_content:
        return html_content
    source = _source(page)
    sessions = list(dict.fromkeys(b.session for b in find_exec_blocks(source) if b.session))
    refs = {r.text: r for r in find_references(source)}
    where = _display(page)
    if len(sessions) != 1:
        first = next(iter(refs.values()), None)
        raise PluginError(
            f"{where}:{first.line if first else '?'}: @{{...}} needs exactly one markdown-exec "
            f"session on the page to read values from; found {sessions or 'none'}"
        )
    namespace = _mx_python._sessions_globals.get(sessions[0], {})
    errors: list[str] = []

    def substitute(match: re.Match) -> str:
        text = html.unescape(match[0])
        ref = refs.get(text)
        line = ref.line if ref else "?"
        try:
            return html.escape(format_reference(html.unescape(match["expr"]).strip(), match["fmt"] or "", namespace), quote=False)
        except Exception as error:  # noqa: BLE001 - any failure is the author's to see
            errors.append(f"{where}:{line}: {text} failed: {type(error).__name__}: {error}")
            return match[0]

    pieces = _PRE.split(html_content)
    for i in range(0, len(pieces), 2):  # even pieces are outside <pre> blocks
        pieces[i] = REFERENCE.sub(substitute, pieces[i])
    if errors:
        for message in errors:
            log.error(message)
        raise PluginError("computed values in the prose could not be filled:\n" + "\n".join(errors))
    return "".join(pieces)
