"""Build hook: the Errata page lists every erratum the chapters recorded.

Chapters record errata with :func:`calcnotes.site.errata.erratum` while their blocks
run. This hook tells the registry which page is running and, once every page
has been rendered (``on_env``), puts the table of all errata in place of the
marker in ``errata.md`` and renders that page again. The table's links
(``page.md#erratum-key``) are then part of the page's own Markdown, so MkDocs
resolves and validates them (and their anchors) like any other link.
"""

from __future__ import annotations

import importlib
import re

from mkdocs.exceptions import PluginError

ERRATA_PAGE = "errata.md"
MARKER = "<!-- calcnotes: errata table -->"
# markdown-exec prefixes ids in a block's output ("exec-3--erratum-x"); the
# errata table links to the stable id.
_PREFIXED_ERRATUM_ID = re.compile(r'id="exec-\d+--(erratum-[^"]+)"')


def _registry():
    # Imported afresh each build: exec_guard purges calcnotes before every build.
    return importlib.import_module("calcnotes.site.errata")


def on_pre_build(config) -> None:
    _registry().reset()


def on_page_markdown(markdown: str, page, config, files) -> str:
    _registry().set_current_page(page.file.src_uri, page.title)
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    html = _PREFIXED_ERRATUM_ID.sub(r'id="\1"', html)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(re.findall(r'id="(erratum-[^"]+)"', html))
    return html


def on_env(env, config, files):
    errata_file = files.get_file_from_path(ERRATA_PAGE)
    if errata_file is None or errata_file.page is None:
        return env
    page = errata_file.page
    if MARKER not in page.markdown:
        raise PluginError(f"docs/{ERRATA_PAGE}: the marker {MARKER!r} is missing; the errata table goes there")
    page.markdown = page.markdown.replace(MARKER, _registry().errata_table())
    page.render(config, files)
    page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    return env
