"""The MkDocs plugin ``calcnotes``: the whole site machinery, its steps in one visible order.

Registered as an entry point (``mkdocs.plugins``: ``calcnotes``) and listed last
under ``plugins:`` in ``mkdocs.yml``. Each ``on_*`` method below calls the
steps of the modules next to it, in the order they must run; all state of a
build lives in one :class:`BuildState`, made new in ``on_pre_build``. This
module is also the one thing to port if MkDocs 2 or Zensical replaces the
plugin API.

Once MkDocs has made the pages (``on_nav``), a cold ``mkdocs build`` forks
(``parallel``): the fork takes pages from the far end of MkDocs' order, runs and
converts them and stores the results, while this process takes them from the
front and replays the fork's, until the two meet.

Per page, before Markdown is converted (``on_page_markdown``):
  1. the page's executable blocks are found (``fences``) and checked against
     the execution cache (``cache``): a fresh page replays its stored results,
     any other page runs from freshly loaded ``calcnotes`` modules;
  2. ``??? checks`` boxes get their count (``checks``), and the source line goes
     under the title (``registers``);
  3. ``@{...}`` references become tokens (``computed``), API names become links
     (``apilinks``).
markdown-exec then runs the blocks, through :meth:`CalcnotesPlugin._runner`,
which records failures and outputs (``guard``). After conversion
(``on_page_content``): failures are reported with file and line, references
filled, erratum ids made stable, the run stored in the cache, and the math
rendered by KaTeX (``katex``; lab notebooks through ``notebook``). Once all
pages are rendered (``on_env``) the Errata register and the home page's totals
are filled in; after the build (``on_post_build``) the gate fails the build on
any failure, rendered traceback or third-party request.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import posixpath
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from calcnotes.site import (
    adapters,
    apilinks,
    blas,
    chaptermap,
    collector,
    computed,
    glossary,
    guard,
    katex,
    links,
    notebook,
    notebooks,
    parallel,
    registers,
    rendercache,
)
from calcnotes.site.cache import Entry, ExecutionCache, code_digest, loaded_calcnotes_modules, unload_calcnotes
from calcnotes.site.checks import count_checks, expand_checks
from calcnotes.site.fences import ExecBlock, find_exec_blocks

__all__ = ["BuildState", "CalcnotesPlugin"]

log = logging.getLogger("mkdocs.plugins.calcnotes")
_PACKAGE = Path(__file__).resolve().parents[1]
# The helpers chapters import: reloaded before each build, like the numerics.
_CHAPTER_HELPERS = (
    "calcnotes.site.errata", "calcnotes.site.cheatsheet", "calcnotes.site.figures", "calcnotes.site.tex",
)
CHEATSHEET_PAGE = "cheatsheet.md"
CHEATSHEET_MARKER = "<!-- calcnotes: cheat sheet -->"


class CalcnotesConfig(Config):
    """Options under ``plugins: - calcnotes:`` in mkdocs.yml."""

    cache = c.Optional(c.Type(bool))  # None: on for `mkdocs serve`, off for a build (CALCNOTES_CACHE overrides)
    cache_dir = c.Type(str, default=".cache/calcnotes")
    report = c.Optional(c.Type(str))  # write a JSON report of every page's run here (or $CALCNOTES_REPORT)
    katex = c.Type(bool, default=True)  # render math at build time (off only to benchmark client-side math)


@dataclass
class PageInfo:
    """What the source of one page says, read before anything runs."""

    where: str
    source: str
    blocks: list[ExecBlock]
    checks: int
    sessions: list[str]


@dataclass
class BuildState:
    """Everything one build knows; ``on_pre_build`` makes a new one."""

    pages: dict[str, PageInfo] = field(default_factory=dict)
    current: str | None = None
    failures: list[guard.Failure] = field(default_factory=list)
    refs: dict[str, computed.PageRefs] = field(default_factory=dict)
    replay: dict[str, Entry] = field(default_factory=dict)
    replayed: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, list[list[str]]] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    api_targets: dict[str, str] = field(default_factory=dict)
    full_content: dict[str, str] = field(default_factory=dict)
    uncacheable: set[str] = field(default_factory=set)
    from_helper: set[str] = field(default_factory=set)  # pages run by the parallel helper
    printed_anchors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notebook_key: str | None = None
    notebook_replayed: bool = False
    files_signature: str = ""
    nav_signature: str | None = None
    modules_digest: str | None = None  # every calcnotes module (once a build): see _modules_digest


class CalcnotesPlugin(BasePlugin[CalcnotesConfig]):
    """The calcnotes site machinery (see the module docstring for the order of its steps)."""

    def __init__(self) -> None:
        self.state = BuildState()
        self.command = "build"
        self.cache: ExecutionCache | None = None
        self.render_cache: rendercache.RenderCache | None = None
        self.katex_stored = 0
        self.executed_notebooks: list = []
        self.files = None
        self.nav_pages: list = []
        self.prefetch: notebook.Prefetch | None = None
        self.helper: parallel.Helper | parallel.Fork | None = None
        self.helper_cache: ExecutionCache | None = None
        self.helper_render: rendercache.RenderCache | None = None  # the forked helper's converted pages
        self.files_order: list[str] = []  # MkDocs' order of the files, while on_files changed it
        self.in_helper = False  # True in the parallel helper's fork: it only stores its pages' runs
        self.chapters: list[dict] = []
        self.terms: list[dict] = []

    # ------------------------------------------------------------ set-up

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        adapters.install_runner(self._runner)
        adapters.install_formatter(self._formatter)

    def on_config(self, config):
        collector.freeze_at_exit()
        collector.relax()  # until the build ends (on_post_build, on_build_error)
        blas.one_thread()  # here, not in on_startup: a build started through mkdocs' API has no startup event
        # `mkdocs build -q` raises the mkdocs logger to ERROR, so warnings (a
        # broken link, a missing anchor) never reach strict mode: put it back.
        if config.strict and logging.getLogger("mkdocs").getEffectiveLevel() > logging.WARNING:
            logging.getLogger("mkdocs").setLevel(logging.WARNING)
        adapters.install_runner(self._runner)  # on_startup does not run in every API use
        adapters.install_formatter(self._formatter)
        notebook.check_config(config)
        adapters.install_notebook_capture(self.executed_notebooks, self._notebook_replay)
        # The site's data: the chapter map and the glossary (absent from throw-away sites).
        data = Path(config.docs_dir) / "data"
        self.chapters = chaptermap.load(data / "chapters.yml") if (data / "chapters.yml").is_file() else []
        self.terms = glossary.load(data / "glossary.yml") if (data / "glossary.yml").is_file() else []
        if self.config.katex:
            config.extra_css.insert(0, f"{katex.ASSET_DIR}/katex.min.css")
        return config

    def _cache_enabled(self) -> bool:
        wanted = os.environ.get("CALCNOTES_CACHE", "").strip().lower()
        if wanted in {"0", "false", "no", "off"}:
            return False
        if wanted in {"1", "true", "yes", "on"}:
            return True
        return self.config.cache if self.config.cache is not None else self.command == "serve"

    def on_pre_build(self, *, config) -> None:
        """One reset: fresh state, fresh code, empty sessions."""
        self.state = BuildState()
        self.executed_notebooks.clear()
        unload_calcnotes()
        for name in _CHAPTER_HELPERS:
            sys.modules.pop(name, None)
        adapters.clear_sessions()
        self._errata().reset()
        self._cheatsheet().reset()
        self.state.api_targets = apilinks.public_names(_PACKAGE)
        root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        self.cache = ExecutionCache(root / self.config.cache_dir, _PACKAGE) if self._cache_enabled() else None
        self._start_render_cache(config, root)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    def _start_render_cache(self, config, root: Path) -> None:
        """The render cache (see calcnotes.site.rendercache): on whenever the execution cache is."""
        self.render_cache = None
        if self.cache is not None:
            self.render_cache = rendercache.RenderCache(root / self.config.cache_dir / "render",
                                                        self._render_salt(config, self.cache))
            stored = self.render_cache.get("katex", self.render_cache.key("katex"))
            katex.restore_formulas(stored or [])
            self.katex_stored = len(stored or [])
        adapters.install_page_render(self._render if self.render_cache else None)
        adapters.install_search_entries(self._search_entries if self.render_cache else None)

    @staticmethod
    def _render_salt(config, cache: ExecutionCache) -> str:
        config_file = Path(config.config_file_path) if config.config_file_path else None
        docs = Path(config.docs_dir)
        custom = getattr(config.theme, "custom_dir", None)
        return rendercache.salt(cache.machinery, config_file, [docs / "data", *([Path(custom)] if custom else [])])

    def on_files(self, files, *, config):
        """KaTeX's assets join the site; every page's blocks and checks are read once."""
        self.files = files
        for file in katex.asset_files(config) if self.config.katex else []:
            files.append(file)
        owners: dict[str, str] = {}
        for file in files.documentation_pages():
            if not file.abs_src_path or not file.src_uri.endswith(".md"):
                continue
            source = Path(file.abs_src_path).read_text(encoding="utf-8")
            where = _display_path(file.abs_src_path)
            blocks = find_exec_blocks(source, where)
            sessions = list(dict.fromkeys(b.session for b in blocks if b.session))
            for session in sessions:
                if owners.setdefault(session, file.src_uri) != file.src_uri:
                    raise PluginError(
                        f"{where}: session {session!r} is also used by docs/{owners[session]}; sessions are "
                        "global to the build, so each page names its own (after the page)"
                    )
            checks = sum(count_checks(b.code) for b in blocks)
            self.state.pages[file.src_uri] = PageInfo(where, source, blocks, checks, sessions)
        self.state.files_signature = rendercache.digest(*sorted(f.src_uri for f in files))
        self._order_for_fork(files, config)
        return files

    def _order_for_fork(self, files, config) -> None:
        """With the forked helper, the pages without blocks (the API reference, the Errata,
        the map...) are read last, where the fork takes pages first: it converts them while
        this process runs blocks (on_env puts MkDocs' order back before any page is written)."""
        self.files_order = []
        if not self._wants_helper(config) or not parallel.can_fork():
            return
        self.files_order = [f.src_uri for f in files]
        for file in files.documentation_pages():
            info = self.state.pages.get(file.src_uri)
            if info is not None and not info.blocks:
                files.remove(file)
                files.append(file)

    def _wants_helper(self, config) -> bool:
        return (self.command == "build" and os.environ.get("CALCNOTES_PARALLEL", "1") != "0"
                and bool(config.config_file_path))

    def on_nav(self, nav, *, config, files):
        """The pages exist now: the parallel helper takes its share, then the lab's kernel starts."""
        self.nav_pages = list(nav.pages)  # reading order, for the cheat sheet
        self._start_helper(files, config)  # first: a fork must come before the kernel's threads
        self._prefetch_notebooks(files, config)
        return nav

    def _start_helper(self, files, config) -> None:
        """Hand the pages MkDocs reaches last to a second process (see calcnotes.site.parallel)."""
        self._stop_helper()
        if not self._wants_helper(config):
            return
        order = [f.src_uri for f in files.documentation_pages() if f.src_uri in self.state.pages]
        weight = {src: sum(len(b.code) for b in info.blocks) for src, info in self.state.pages.items()}
        if self.cache is not None:  # pages the cache already has need no helper
            weight = {src: w for src, w in weight.items() if not self.cache.peek(src, self.state.pages[src].source)}
        if parallel.can_fork():  # both processes take pages until they meet: all of them are shared
            # Pages without blocks too, unless the render cache may have their HTML already.
            convert_all = self.render_cache is None or self.render_cache.is_empty("convert")
            shared = [src for src in order if weight.get(src)
                      or (convert_all and self.files_order and not self.state.pages[src].blocks)]
            if len(shared) < 2:
                return
            self.helper = parallel.Fork(shared, self._helper_run(config, files))
            self.helper_cache = ExecutionCache(self.helper.folder, _PACKAGE)
            self.helper_render = rendercache.RenderCache(self.helper.work / "render",
                                                         self._render_salt(config, self.helper_cache))
            adapters.install_page_render(self._render)
        else:
            pages = parallel.choose(order, weight)
            if len(pages) < 2:
                return
            self.helper = parallel.Helper(Path(config.config_file_path), Path(config.docs_dir), pages)
            self.helper_cache = ExecutionCache(self.helper.folder, _PACKAGE)

    def _helper_run(self, config, files):
        """What the forked helper does with each page it takes: run it and store the run in
        its own cache folder (the main build replays it from there)."""
        pages = {file.src_uri: file.page for file in files.documentation_pages()}

        def run(src: str, folder: Path) -> None:
            if not self.in_helper:
                self.in_helper = True
                self.helper, self.helper_cache, self.prefetch = None, None, None
                self.cache = ExecutionCache(folder, _PACKAGE)
                # Its pages' HTML too, so that the main build need not convert them again.
                self.render_cache = rendercache.RenderCache(folder.parent / "render",
                                                            self._render_salt(config, self.cache))
                adapters.install_page_render(self._render)
            try:
                adapters.populate_page(pages[src], config, files)
            except Exception:  # the main build runs this page again and reports it
                pass

        return run

    def _stop_helper(self) -> None:
        if self.helper is not None:
            self.helper.close()
        self.helper, self.helper_cache, self.helper_render = None, None, None

    def _prefetch_notebooks(self, files, config) -> None:
        """Start the lab notebooks' kernels now, beside the build (see notebook.Prefetch)."""
        jupyter = config.plugins.get("mkdocs-jupyter")
        self.prefetch = None
        if jupyter is None or not jupyter.config.get("execute"):
            return
        self.prefetch = notebook.Prefetch()
        for file in files.documentation_pages():
            if file.src_uri.startswith("lab/") and file.src_uri.endswith(".py") and file.abs_src_path:
                self.prefetch.start(Path(file.abs_src_path), skip=lambda key: self._cached_notebook(key) is not None)

    # ------------------------------------------------------------ each page

    def on_pre_page(self, page, *, config, files):
        """A lab notebook's page converts from the render cache too: mkdocs-jupyter has just
        given it a ``render`` of its own, which exports the notebook to HTML on every build."""
        convert = adapters.notebook_render(page) if notebook.is_notebook(page) else None
        if self.render_cache is not None and convert is not None:
            adapters.set_notebook_render(page, self._notebook_render(page, convert))
        return page

    def _notebook_render(self, page, convert):
        """mkdocs-jupyter's conversion, stored under the notebook's source and every
        ``calcnotes`` module (the lab's key in the execution cache) with the executed
        notebook its download is written from."""
        cache = self.render_cache
        assert cache is not None and self.cache is not None

        def render(config, files) -> None:
            key = cache.key("notebook", page.file.src_uri, Path(page.file.abs_src_path).read_bytes(),
                            self._modules_digest())
            stored = cache.get("convert", key)
            if stored is not None:
                import nbformat

                rendercache.restore_notebook_page(page, stored)
                self.executed_notebooks.append(nbformat.from_dict(stored["notebook"]))
                self.state.notebook_replayed = True
                return
            before = len(self.executed_notebooks)
            with rendercache.warnings_logged() as seen:
                convert(config, files)
            if not seen.count and len(self.executed_notebooks) > before:
                cache.put("convert", key, {**rendercache.notebook_page_state(page),
                                           "notebook": json.loads(json.dumps(self.executed_notebooks[-1]))})

        return render

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        src = page.file.src_uri
        state = self.state
        state.current = src
        state.started[src] = time.perf_counter()
        adapters.restart_id_numbering()
        self._errata().set_current_page(src, page.title)
        self._cheatsheet().set_current_page(src, page.title)
        info = state.pages.get(src)
        if info is None:  # not a Markdown page of this site (a notebook): nothing of ours to run
            return markdown
        entry = self.cache.lookup(src, info.source) if self.cache and info.blocks else None
        if entry is None and self.helper is not None and src in self.helper.pages and not self.helper.claim(src):
            done = self.helper.wait_for(src, self.helper_cache._path(src))
            if done and info.blocks:
                entry = self.helper_cache.lookup(src, info.source)
            elif done:  # no blocks: the fork only converted it (_render looks for its HTML)
                state.from_helper.add(src)
            if entry is not None:
                state.from_helper.add(src)
                if self.cache is not None:  # the next build replays it from the project's cache
                    self.cache.store(src, info.source, entry)
        if entry is not None:
            state.replay[src], state.replayed[src] = entry, 0
            self._errata().restore(entry.errata, page=src, title=page.title)
            self._cheatsheet().restore(entry.formulas, page=src, title=page.title)
        elif info.blocks:
            unload_calcnotes()  # what the page loads from here on is what it uses
        markdown = expand_checks(markdown, info.where)
        markdown = self._chapter_map(markdown, src)
        audit = f"audit/{Path(src).name}"
        line = registers.source_line(page.meta.get("source"), info.checks, src,
                                     notebook=_notebook_name(src) if _is_chapter(src) else None,
                                     audit=posixpath.relpath(audit, posixpath.dirname(src))
                                     if files.get_file_from_path(audit) and _is_chapter(src) else None)
        markdown = registers.insert_after_title(markdown, line)
        if glossary.GLOSSARY_MARKER in markdown:
            markdown = markdown.replace(glossary.GLOSSARY_MARKER, glossary.glossary_page(self.terms, src))
        if self.terms and not src.startswith("api/"):
            markdown += "\n\n" + glossary.abbreviations(self.terms) + "\n"  # tooltips (abbr + content.tooltips)
        markdown = markdown.replace(registers.TOTALS_MARKER, registers.TOTALS_TOKEN)
        markdown, refs = computed.tokenize(markdown, info.source, info.sessions, info.where)
        if refs is not None:
            state.refs[src] = refs
        if not src.startswith("api/"):
            markdown = apilinks.link_api_names(markdown, state.api_targets)
        return markdown

    def _chapter_map(self, markdown: str, src: str) -> str:
        """A chapter of the map gets its "Before you start" box and its "Used next in" links."""
        entry = next((e for e in self.chapters if e["page"] == src), None)
        if entry is None:
            return markdown
        titles = {e["page"]: e["title"] for e in self.chapters}
        markdown = registers.insert_after_title(markdown, chaptermap.top_box(entry, titles))
        return markdown + chaptermap.end_links(entry, self.chapters, titles)

    def _runner(self, original):
        """markdown-exec's block runner, recording failures and outputs (a replayed page never
        gets here: :meth:`_formatter` returns its stored HTML). A block that logs a warning
        while it runs makes its page's run unstorable: a replay would not log it again."""

        def run(code: str, returncode: int | None = None, session: str | None = None,
                id: str | None = None, **extra):
            page = self.state.current
            try:
                with rendercache.warnings_logged() as seen:
                    output = original(code, returncode=returncode, session=session, id=id, **extra)
            except adapters.ExecutionError as error:
                self.state.failures.append(guard.Failure(page, code, session, id, str(error)))
                raise
            if seen.count:
                self.state.uncacheable.add(page or "")
            self.state.outputs.setdefault(page or "", []).append([code_digest(code), output])
            return output

        return run

    def _formatter(self, original):
        """markdown-exec's block formatter: a replayed page gets each block's stored HTML
        (no run, no re-rendering); a page that runs has each block's HTML recorded."""

        def format_block(**kwargs):
            page = self.state.current or ""
            entry = self.state.replay.get(page)
            digest = code_digest(kwargs.get("code", ""))
            if entry is not None:
                index = self.state.replayed[page]
                stored = entry.outputs[index] if index < len(entry.outputs) else None
                if stored is None or stored[0] != digest:
                    raise PluginError(f"docs/{page}: the execution cache does not match the page's blocks; "
                                      "delete .cache/calcnotes")
                self.state.replayed[page] = index + 1
                return adapters.as_markup(stored[2])
            html = original(**kwargs)
            recorded = self.state.outputs.get(page)
            if recorded and recorded[-1][0] == digest and len(recorded[-1]) == 2:
                recorded[-1].append(str(html))
                if re.search(r"<h[1-6]\b", str(html)):
                    # Headings in an output feed the table of contents, under ids numbered across
                    # the build: such a page is always run, never stored.
                    self.state.uncacheable.add(page)
            return html

        return format_block

    def _render(self, page, config, files, convert) -> None:
        """``Page.render``, from the render cache when the page's Markdown and all it depends on
        are as they were (see calcnotes.site.rendercache)."""
        cache, state, src = self.render_cache, self.state, page.file.src_uri
        info = state.pages.get(src)
        # A page the forked helper ran was converted there too: its HTML is in the helper's folder.
        helper = self.helper_render if src in state.from_helper else None
        if (cache is None and helper is None) or info is None:
            convert()  # a notebook, or a build without the cache
            return
        entry = state.replay.get(src)
        running = bool(info.blocks) and entry is None
        api = re.search(r"^:::", page.markdown, re.M) is not None  # mkdocstrings renders calcnotes' docstrings
        modules = self._modules_digest() if api else ""

        def key(outputs: list) -> str:
            return (cache or helper).key("convert", src, page.markdown, state.files_signature, json.dumps(outputs),
                                         modules)

        if not running:
            key_now = key(entry.outputs if entry is not None else [])
            stored = helper.get("convert", key_now) if helper is not None else None
            if stored is not None and cache is not None:
                cache.put("convert", key_now, stored)  # the next build replays it from the project's cache
            elif cache is not None:
                stored = cache.get("convert", key_now)
            if stored is not None:
                rendercache.restore_page(page, stored, files)
                adapters.replay_registrations(config, page, stored["registrations"])
                if entry is not None:
                    state.replayed[src] = len(entry.outputs)
                return
        with rendercache.warnings_logged() as seen, adapters.record_registrations(config) as recorder:
            convert()
        if running:
            # Stored under the outputs the execution cache is about to store (on_page_content),
            # so the next build replays both; a failed or unstorable run stores neither.
            if not self._run_is_storable(src):
                return
            key_now = key(state.outputs[src])
        if not seen.count and cache is not None:
            cache.put("convert", key_now, {**rendercache.page_state(page), "registrations": recorder.calls})

    def _modules_digest(self) -> str:
        """Every ``calcnotes`` module, as one digest (read once a build): the key of what
        depends on the whole package (an API page, the lab)."""
        if self.state.modules_digest is None:
            digests = self.cache or self.helper_cache  # one of them is there whenever a page is stored or replayed
            assert digests is not None
            self.state.modules_digest = rendercache.digest(json.dumps(digests.all_modules()))
        return self.state.modules_digest

    def _run_is_storable(self, src: str) -> bool:
        """The page ran cleanly and every block's output and HTML were recorded (so far in its build)."""
        outputs = self.state.outputs.get(src)
        return (bool(outputs) and src not in self.state.uncacheable and all(len(o) == 3 for o in outputs)
                and not any(f.page == src for f in self.state.failures))

    def _page_output(self, name: str, page, context, render) -> str:
        """The theme's output for a page, from the render cache when nothing it shows changed."""
        cache = self.render_cache
        if self.state.nav_signature is None:
            self.state.nav_signature = rendercache.nav_signature(context["nav"])
        key = cache.key("page", name, page.url, page.title, page.content, rendercache.toc_signature(page.toc),
                        json.dumps(page.meta, sort_keys=True, default=str), self.state.nav_signature,
                        page.edit_url, page.canonical_url, context.get("base_url"))
        return cache.remember("page", key, render)

    def _search_entries(self, page, index) -> list:
        """Material's search entries for a page, from the render cache when its content is as it was."""
        cache = self.render_cache
        key = cache.key("search", page.url, page.title, page.content, rendercache.toc_signature(page.toc),
                        json.dumps(page.meta, sort_keys=True, default=str))
        return cache.remember("search", key, index)

    def on_page_content(self, html: str, *, page, config, files) -> str:
        src = page.file.src_uri
        state = self.state
        info = state.pages.get(src)
        where = info.where if info else f"docs/{src}"
        mine = [f for f in state.failures if f.page == src]
        for failure in mine:
            log.error("%s: executed block failed: %s\n%s", guard.locate(failure, info.blocks if info else [], where),
                      guard.summary(failure.message), failure.message)
        if not mine and guard.TRACEBACK in html:
            log.error("%s: the rendered page contains a Python traceback", where)
            state.failures.append(guard.Failure(src, "", None, None, "traceback in page"))
            mine = state.failures[-1:]
        entry = state.replay.get(src)
        values: list[str] = []
        refs = state.refs.get(src)
        if refs is not None and not mine:
            values = (entry.refs if entry is not None
                      else computed.evaluate(refs, adapters.session_globals(refs.session or "")))
            html = computed.fill(html, values, page.toc.items)
        html = registers.stable_erratum_ids(html, page)
        html, state.printed_anchors[src] = links.resolve(html, page, files, self._broken_link(config))
        if info and _is_chapter(src) and not mine:
            texts = [r.text for r in refs.refs] if refs is not None else []
            page.chapter_notebook = notebooks.chapter_notebook(info.source, values, texts)
        if self.cache and info and info.blocks and entry is None and self._run_is_storable(src):
            errata = [asdict(e) for e in self._errata().errata() if e.page == src]
            formulas = [asdict(f) for f in self._cheatsheet().formulas() if f.page == src]
            self.cache.store(src, info.source, Entry("", "", loaded_calcnotes_modules(), state.outputs[src], values,
                                                     errata, formulas=formulas))
        if self.in_helper:  # the main build renders the page: the fork's work ends with the store
            return html
        if notebook.is_notebook(page):
            self._store_notebook()
            html = notebook.process(html, page, files, self.executed_notebooks)
        elif self.config.katex:
            html = katex.render_page(html, page.toc.items, where)
        if src in state.started:
            state.timings[src] = time.perf_counter() - state.started.pop(src)
        return html

    @staticmethod
    def _broken_link(config):
        """Report a broken printed link at the level MkDocs reports broken links."""
        level = config.validation.links.not_found
        return lambda message: log.log(level, message)

    def _notebook_replay(self, nb):
        """The executed lab notebook: from the cache (keyed on its cells and every calcnotes
        module), or from the run started in the background when the build began."""
        self.state.notebook_key = None
        self.state.notebook_replayed = False
        key = notebook.cells_key(nb)
        cached = self._cached_notebook(key)
        if cached is not None:
            self.state.notebook_replayed = True
            return cached
        self.state.notebook_key = key
        return self.prefetch.take(nb) if self.prefetch else None

    def _cached_notebook(self, key: str):
        if self.cache is None:
            return None
        entry = self.cache.lookup(key, key)
        if entry is None or entry.notebook is None or entry.modules != self.cache.all_modules():
            return None
        import nbformat

        return nbformat.from_dict(entry.notebook)

    def _store_notebook(self) -> None:
        key = self.state.notebook_key
        if self.cache is None or key is None or not self.executed_notebooks or self.state.notebook_replayed:
            return
        executed = self.executed_notebooks[-1]
        self.cache.store(key, key, Entry("", "", self.cache.all_modules(), notebook=json.loads(json.dumps(executed))))

    # ------------------------------------------------------------ the whole site

    def on_env(self, env, *, config, files):
        """The register of errata and the site totals, once every page has run."""
        if self.files_order:  # MkDocs' own order again, for writing the pages and the search index
            rank = {src: k for k, src in enumerate(self.files_order)}
            for file in sorted(files, key=lambda f: rank.get(f.src_uri, len(rank))):
                files.remove(file)
                files.append(file)
        if self.render_cache is not None:
            adapters.wrap_templates(env, self._page_output)
            # The theme's templates compiled once, not on every build (Jinja checks each one's
            # source against its stored code, so an edited template is compiled again).
            import jinja2

            compiled = self.render_cache.directory / "jinja"
            compiled.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
        errata = self._errata()
        errata_file = files.get_file_from_path(registers.ERRATA_PAGE)
        if errata_file is not None and errata_file.page is not None:
            registers.fill_marker(errata_file.page, registers.ERRATA_MARKER, errata.errata_table(), config, files)
        sheet_file = files.get_file_from_path(CHEATSHEET_PAGE)
        if sheet_file is not None and sheet_file.page is not None:
            order = [page.file.src_uri for page in self.nav_pages] or [f.src_uri for f in files.documentation_pages()]
            registers.fill_marker(sheet_file.page, CHEATSHEET_MARKER, self._cheatsheet().sheet(order=order),
                                  config, files)
        return env

    # KaTeX's HTML is large, and Material's search plugin parses every tag of
    # every page: the index gets each formula as its TeX instead. page.content
    # is swapped for a light copy just before the search plugin (priority 0)
    # reads it, and put back right after, before the template uses it.
    @event_priority(100)
    def _light_before_search(self, context, *, page, config, nav):
        if registers.TOTALS_TOKEN in (page.content or ""):
            totals = self._totals(page, config)
            page.content = (page.content.replace(f"<p>{registers.TOTALS_TOKEN}</p>", totals)
                            .replace(registers.TOTALS_TOKEN, totals))
        light = katex.light_for_search(page.content or "")
        if light is not None:
            self.state.full_content[page.file.src_uri] = page.content
            page.content = light
        return context

    @event_priority(-100)
    def _restore_after_search(self, context, *, page, config, nav):
        full = self.state.full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    on_page_context = CombinedEvent(_light_before_search, _restore_after_search)

    def _totals(self, page, config) -> str:
        """The site totals, once every page has run (pages are written after all have run)."""
        pages = self.state.pages.values()
        errata_page = self.files.get_file_from_path(registers.ERRATA_PAGE) if self.files else None
        return registers.totals(
            pages=len(self.state.pages),
            blocks=sum(len(p.blocks) for p in pages),
            checks=sum(p.checks for p in pages),
            errata=len(self._errata().errata()),
            errata_url=errata_page.url_relative_to(page.file) if errata_page else "errata/",
        )

    def on_post_page(self, output: str, *, page, config) -> str:
        notebook.write(page)
        chapter = getattr(page, "chapter_notebook", None)
        if chapter is not None:
            import nbformat

            target = Path(page.file.abs_dest_path).with_name(_notebook_name(page.file.src_uri))
            target.parent.mkdir(parents=True, exist_ok=True)
            # The same text as nbformat.writes, without its schema validation (45 ms a chapter);
            # tests/test_notebooks.py validates every chapter's notebook.
            target.write_text(nbformat.v4.writes_json(chapter), encoding="utf-8")
        return output

    def on_build_error(self, *, error) -> None:
        collector.restore()

    def on_post_build(self, *, config) -> None:
        """Report, then abort the build (whatever the log level) if anything went wrong."""
        collector.restore()
        state = self.state
        if os.environ.get("CALCNOTES_TIMINGS"):
            rows = sorted(state.timings.items(), key=lambda item: -item[1])
            print(f"render time per page ({sum(state.timings.values()):.1f} s in all):")
            for name, seconds in rows:
                how = "  (parallel)" if name in state.from_helper else "  (cached)" if name in state.replay else ""
                print(f"  {seconds:6.2f} s  {name}{how}")
        if self.cache is not None:
            log.info("execution cache: %d page(s) replayed, %d run", len(self.cache.hits), len(self.cache.misses))
        rc = self.render_cache
        if rc is not None:
            log.info("render cache: %s", ", ".join(f"{k} {n} stored/{total}" for k, (n, total) in rc.summary().items()))
        if self.helper is not None:
            log.info("parallel helper: ran %d of its %d page(s)", len(state.from_helper), len(self.helper.pages))
        self._stop_helper()
        report = self.config.report or os.environ.get("CALCNOTES_REPORT")
        if report:
            self._write_report(Path(report))
        for message in links.missing_anchors(Path(config.site_dir), state.printed_anchors):
            log.log(config.validation.links.anchors, message)
        found = guard.problems(state.failures, Path(config.site_dir))
        if found:
            raise PluginError("calcnotes build checks failed:\n- " + "\n- ".join(found))
        if rc is not None:
            formulas = katex.stored_formulas()
            if len(formulas) != self.katex_stored:  # (the lookup at the start marked the entry used)
                rc.put("katex", rc.key("katex"), formulas)
            rc.prune()

    def _write_report(self, path: Path) -> None:
        """Per page: its blocks, how many ran (or were replayed), its checks and failures."""
        pages = {}
        for src, info in self.state.pages.items():
            ran = self.state.replayed.get(src, len(self.state.outputs.get(src, [])))
            pages[src] = {
                "where": info.where,
                "blocks": len(info.blocks),
                "ran": ran,
                "checks": info.checks,
                "cached": src in self.state.replay and src not in self.state.from_helper,
                "parallel": src in self.state.from_helper,
                "always_runs": src in self.state.uncacheable,  # its output has headings (see _formatter)
                "references": len(self.state.refs[src].refs) if src in self.state.refs else 0,
                "failures": [
                    {"at": guard.locate(f, info.blocks, info.where), "error": guard.summary(f.message)}
                    for f in self.state.failures if f.page == src
                ],
            }
        errata = [{"page": e.page, "key": e.key, "kind": e.kind, "where": e.where} for e in self._errata().errata()]
        formulas = [{"page": f.page, "key": f.key, "section": f.section, "tex": f.tex}
                    for f in self._cheatsheet().formulas()]
        stored = self.render_cache.summary() if self.render_cache else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"pages": pages, "errata": errata, "formulas": formulas, "render_cache": stored},
                                   indent=1), encoding="utf-8")

    def on_shutdown(self) -> None:
        self._stop_helper()
        katex.close()

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _cheatsheet():
        return importlib.import_module("calcnotes.site.cheatsheet")

    @staticmethod
    def _errata():
        # Imported afresh each build: on_pre_build unloads the chapter helpers.
        return importlib.import_module("calcnotes.site.errata")


def _is_chapter(src: str) -> bool:
    """A chapter of the book (it gets a notebook): a page of the Calculus or Models part."""
    return src.startswith(("calculus/", "models/"))


def _notebook_name(src: str) -> str:
    return Path(src).stem + ".ipynb"


def _display_path(path: str) -> str:
    """The page as an author opens it: ``docs/derivatives.md`` (else its absolute path)."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)
