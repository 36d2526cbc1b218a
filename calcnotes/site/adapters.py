"""Every use of MkDocs', Material's and the plugins' internals, in one place.

Neither package offers a public hook for what the site needs: to see which
executed block failed (markdown-exec only logs a warning), to replay a block's
output from the execution cache instead of running it, to clear the sessions
between builds of one ``mkdocs serve``, and to keep the notebook that
mkdocs-jupyter executed. :func:`check_internals` verifies each assumption and
names the one an upgrade broke; ``tests/test_site_adapters.py`` calls it, so a
breaking upgrade fails one clear test instead of the build in a strange way.

The render cache (:mod:`calcnotes.site.rendercache`) reaches three more places
where MkDocs has no plugin hook: ``Page.render`` (Markdown to HTML), the theme
template's ``render`` and Material's search index, each wrapped here so that a
stored result may stand in for the work; and the autorefs and mkdocstrings
registers that a page's conversion fills, recorded here to be replayed; and
the conversion mkdocs-jupyter gives a notebook's page, so that the lab's page
is stored too. The parallel helper's fork runs pages through MkDocs' own
(private) page pipeline, ``_populate_page``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

__all__ = [
    "ExecutionError",
    "check_internals",
    "clear_sessions",
    "install_formatter",
    "install_notebook_capture",
    "install_page_render",
    "install_runner",
    "install_search_entries",
    "notebook_render",
    "populate_page",
    "record_registrations",
    "replay_registrations",
    "wrap_templates",
    "session_globals",
    "set_notebook_render",
]


def _python_formatter():
    import markdown_exec._internal.formatters.python as module

    return module


def _execution_error():
    from markdown_exec._internal.formatters.base import ExecutionError as error

    return error


ExecutionError: type[Exception] = _execution_error()


def check_internals() -> list[str]:
    """Return what is missing from the private APIs this module relies on (empty: all good)."""
    problems = []
    try:
        module = _python_formatter()
    except ImportError as error:
        return [f"markdown_exec._internal.formatters.python cannot be imported ({error})"]
    for name in ("_run_python", "_sessions_globals", "_sessions_counter", "_code_blocks", "base_format"):
        if not hasattr(module, name):
            problems.append(f"markdown-exec: formatters.python.{name} is gone")
    from markdown_exec._internal.rendering import MarkdownConverter

    if not isinstance(getattr(MarkdownConverter, "counter", None), int):
        problems.append("markdown-exec: rendering.MarkdownConverter.counter is gone")
    try:
        from mkdocs_jupyter import nbconvert2

        exporter = getattr(nbconvert2, "HTMLExporter", None)
        if exporter is None or not hasattr(exporter, "_preprocess"):
            problems.append("mkdocs-jupyter: nbconvert2.HTMLExporter._preprocess is gone")
    except ImportError as error:
        problems.append(f"mkdocs_jupyter.nbconvert2 cannot be imported ({error})")
    problems += _check_render_internals()
    problems += _check_populate_page()
    problems += _check_notebook_render()
    return problems


def _check_populate_page() -> list[str]:
    """What the parallel helper's fork assumes of MkDocs' build (see :func:`populate_page`)."""
    import inspect

    from mkdocs.commands import build

    populate = getattr(build, "_populate_page", None)
    if populate is None or list(inspect.signature(populate).parameters)[:3] != ["page", "config", "files"]:
        return ["mkdocs: commands.build._populate_page(page, config, files) is gone"]
    return []


def notebook_render(page) -> Callable[[Any, Any], None] | None:
    """The conversion mkdocs-jupyter gave a notebook's page in its ``on_pre_page`` (a
    ``render`` of the page's own, shadowing ``Page.render``), or None if it gave none."""
    return vars(page).get("render")


def set_notebook_render(page, render: Callable[[Any, Any], None]) -> None:
    """Put ``render(config, files)`` in place of the notebook page's conversion."""
    page.render = render


def _check_notebook_render() -> list[str]:
    import inspect

    try:
        from mkdocs_jupyter.plugin import Plugin
    except ImportError as error:
        return [f"mkdocs_jupyter.plugin cannot be imported ({error})"]
    if "page.render = " not in inspect.getsource(Plugin.on_pre_page):
        return ["mkdocs-jupyter: on_pre_page no longer gives a notebook's page a render of its own"]
    return []


def populate_page(page, config, files) -> None:
    """Run one page through MkDocs' page pipeline (read, ``on_page_markdown``, convert,
    ``on_page_content``) as a build does: what the parallel helper's fork runs."""
    from mkdocs.commands.build import _populate_page

    _populate_page(page, config, files)


def _check_render_internals() -> list[str]:
    """What the render cache assumes of MkDocs, Material's search, autorefs and mkdocstrings."""
    import inspect

    from mkdocs.structure.pages import Page

    problems = []
    render = getattr(Page.render, "calcnotes_original", Page.render)  # as MkDocs defines it
    if list(inspect.signature(render).parameters) != ["self", "config", "files"]:
        problems.append("mkdocs: Page.render(config, files) changed its signature")
    for name in ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"):
        if name not in inspect.getsource(render):
            problems.append(f"mkdocs: Page.render no longer sets page.{name}")
    try:
        from material.plugins.search.plugin import SearchIndex

        add = (getattr(SearchIndex.add_entry_from_context, "calcnotes_original", None)
               or SearchIndex.add_entry_from_context)
        if ("self.entries" not in inspect.getsource(SearchIndex)
                or list(inspect.signature(add).parameters) != ["self", "page"]):
            problems.append("material: search.plugin.SearchIndex.add_entry_from_context / .entries is gone")
    except ImportError as error:
        problems.append(f"material.plugins.search cannot be imported ({error})")
    try:
        from mkdocs_autorefs import AutorefsPlugin

        for name in ("register_anchor", "register_url"):
            if not hasattr(AutorefsPlugin, name):
                problems.append(f"mkdocs-autorefs: AutorefsPlugin.{name} is gone")
        from mkdocstrings import Handlers, Inventory

        if not hasattr(Inventory, "register") or not hasattr(Handlers, "get_handler") \
                or "self.inventory" not in inspect.getsource(Handlers.__init__):
            problems.append("mkdocstrings: Handlers.get_handler / Handlers.inventory / Inventory.register is gone")
    except ImportError as error:
        problems.append(f"mkdocs-autorefs or mkdocstrings cannot be imported ({error})")
    return problems


# ---------------------------------------------------------------- render cache

RenderHook = Callable[[Any, Any, Any, Callable[[], None]], None]
_render_hook: RenderHook | None = None


def install_page_render(hook: RenderHook | None) -> None:
    """Route ``Page.render(config, files)`` (Markdown to HTML) through
    ``hook(page, config, files, convert)``, where ``convert()`` is MkDocs' own
    conversion; ``None`` restores it. Idempotent, like :func:`install_runner`."""
    global _render_hook
    from mkdocs.structure.pages import Page

    _render_hook = hook
    if getattr(Page.render, "calcnotes_original", None) is not None:
        return
    original = Page.render

    def render(self, config, files):
        if _render_hook is None:
            return original(self, config, files)
        return _render_hook(self, config, files, lambda: original(self, config, files))

    render.calcnotes_original = original  # type: ignore[attr-defined]
    Page.render = render


SearchHook = Callable[[Any, Callable[[], list]], list]
_search_hook: SearchHook | None = None


def install_search_entries(hook: SearchHook | None) -> None:
    """Route Material's ``SearchIndex.add_entry_from_context(page)`` through
    ``hook(page, index)``, which returns the page's index entries: stored ones,
    or ``index()``'s (the plugin's own work; it returns the entries it added)."""
    global _search_hook
    from material.plugins.search.plugin import SearchIndex

    _search_hook = hook
    if getattr(SearchIndex.add_entry_from_context, "calcnotes_original", None) is not None:
        return
    original = SearchIndex.add_entry_from_context

    def add_entry_from_context(self, page):
        if _search_hook is None:
            return original(self, page)
        indexed = []

        def index() -> list:
            before = len(self.entries)
            original(self, page)
            indexed.append(True)
            return copy.deepcopy(self.entries[before:])

        entries = _search_hook(page, index)
        if not indexed:
            self.entries.extend(copy.deepcopy(entries))

    add_entry_from_context.calcnotes_original = original  # type: ignore[attr-defined]
    SearchIndex.add_entry_from_context = add_entry_from_context


class _StoredTemplate:
    """A theme template whose output for a page may come from the render cache."""

    def __init__(self, template, hook) -> None:
        self.template, self.hook = template, hook

    def render(self, context) -> str:
        page = context.get("page") if hasattr(context, "get") else None
        if page is None:
            return self.template.render(context)
        return self.hook(self.template.name, page, context, lambda: self.template.render(context))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)


def wrap_templates(env, hook) -> None:
    """Make ``env.get_template`` (MkDocs renders every page through it) return
    templates whose ``render(context)`` calls ``hook(name, page, context, render)``."""
    get_template = getattr(env.get_template, "calcnotes_original", env.get_template)

    def wrapped(name, *args, **kwargs):
        return _StoredTemplate(get_template(name, *args, **kwargs), hook)

    wrapped.calcnotes_original = get_template  # type: ignore[attr-defined]
    env.get_template = wrapped


class _Recorder:
    """The autorefs anchors and mkdocstrings inventory items a page's conversion registers."""

    def __init__(self, config) -> None:
        self.calls: list[list] = []
        self.owners: list[tuple[Any, str]] = []
        autorefs = config.plugins.get("autorefs")
        if autorefs is not None:
            self.owners += [(autorefs, "register_anchor"), (autorefs, "register_url")]
        inventory = _inventory(config)
        if inventory is not None:
            self.owners.append((inventory, "register"))

    def __enter__(self) -> _Recorder:
        for owner, name in self.owners:
            method = getattr(owner, name)
            setattr(owner, name, self._recording(name, method))
        return self

    def _recording(self, name: str, method):
        def record(*args, **kwargs):
            if name == "register_anchor":  # (page, identifier, anchor=None, *, title, primary): page is the current one
                self.calls.append([name, list(args[1:]), dict(kwargs)])
            else:
                self.calls.append([name, list(args), dict(kwargs)])
            return method(*args, **kwargs)

        return record

    def __exit__(self, *exc) -> None:
        for owner, name in self.owners:
            vars(owner).pop(name, None)  # the class's method again


def _inventory(config):
    strings = config.plugins.get("mkdocstrings")
    try:
        return strings.handlers.inventory if strings is not None else None
    except Exception:  # no handlers yet: nothing can be registered
        return None


def record_registrations(config) -> _Recorder:
    """``with record_registrations(config) as rec:`` convert a page; ``rec.calls`` is then
    what it registered with autorefs and mkdocstrings (JSON-able, see :func:`replay_registrations`)."""
    return _Recorder(config)


def replay_registrations(config, page, calls: list[list]) -> None:
    """Register again what a page's conversion registered (its conversion is skipped)."""
    autorefs = config.plugins.get("autorefs")
    for name, args, kwargs in calls:
        if name == "register_anchor":
            autorefs.register_anchor(page, *args, **kwargs)
        elif name == "register_url":
            autorefs.register_url(*args, **kwargs)
        else:
            strings = config.plugins["mkdocstrings"]
            # As if the page had rendered its objects: the handler counts as seen, so
            # mkdocstrings still writes its CSS and the inventory (objects.inv).
            strings.handlers.get_handler(strings.config.default_handler)
            strings.handlers.inventory.register(*args, **kwargs)


Runner = Callable[..., str]


def install_runner(wrap: Callable[[Runner], Runner]) -> None:
    """Route every executed Python block through ``wrap(original_runner)``.

    Idempotent: installing again (a new build in the same process) wraps the
    original runner, never a previous wrapper.
    """
    module = _python_formatter()
    current = module._run_python
    original = getattr(current, "calcnotes_original", current)
    wrapped = wrap(original)
    wrapped.calcnotes_original = original  # type: ignore[attr-defined]
    module._run_python = wrapped


Formatter = Callable[..., Any]


def install_formatter(wrap: Callable[[Formatter], Formatter]) -> None:
    """Route the formatting of every Python block (run it, then render source and
    output to HTML) through ``wrap(original)``, which may return stored HTML instead.

    markdown-exec's Python formatter calls ``base_format`` by its module-level
    name; idempotent like :func:`install_runner`.
    """
    module = _python_formatter()
    current = module.base_format
    original = getattr(current, "calcnotes_original", current)
    wrapped = wrap(original)
    wrapped.calcnotes_original = original  # type: ignore[attr-defined]
    module.base_format = wrapped


def as_markup(html: str) -> Any:
    """HTML that markdown-exec's caller takes as already safe (a stored block's rendering)."""
    from markupsafe import Markup

    return Markup(html)  # our own rendering of the same block, stored by this build machinery


def restart_id_numbering() -> None:
    """Number markdown-exec's id prefixes (``exec-N--``) from 0 again.

    markdown-exec counts every block it renders across the whole build, so a
    heading printed by a block gets an id that depends on every page before it.
    Restarted for each page, ids depend on the page alone: a page replayed from
    the execution cache and one that runs agree.
    """
    from markdown_exec._internal.rendering import MarkdownConverter

    MarkdownConverter.counter = 0


def session_globals(session: str) -> dict[str, Any]:
    """The globals of a markdown-exec session after its blocks ran (empty if none)."""
    return _python_formatter()._sessions_globals.get(session, {})


def clear_sessions() -> None:
    """Forget every session and cached code block (a new build starts clean)."""
    module = _python_formatter()
    module._sessions_globals.clear()
    module._sessions_counter.clear()
    module._code_blocks.clear()


def install_notebook_capture(sink: list, replay: Callable[[Any], Any] | None = None) -> None:
    """Make mkdocs-jupyter's exporter keep each notebook it executes, or replay one.

    After a run, a copy of the executed notebook is appended to ``sink``.
    ``replay(notebook)`` may return an executed notebook from the execution
    cache: then the notebook is exported with execution switched off and the
    cached outputs put in its cells (no kernel starts).
    """
    from mkdocs_jupyter import nbconvert2

    base = nbconvert2.HTMLExporter
    if getattr(base, "calcnotes_capture", False):
        base.calcnotes_sink, base.calcnotes_replay = sink, replay
        return

    class CapturingHTMLExporter(base):  # type: ignore[misc, valid-type]
        calcnotes_capture = True
        calcnotes_sink = sink
        calcnotes_replay = replay

        def _preprocess(self, nb, resources):
            cls = type(self)
            cached = cls.calcnotes_replay(nb) if cls.calcnotes_replay else None
            if cached is None:
                nb, resources = super()._preprocess(nb, resources)
            else:
                executors = [p for p in self._preprocessors if type(p).__name__ == "ExecutePreprocessor"]
                enabled = [p.enabled for p in executors]
                for p in executors:
                    p.enabled = False
                try:
                    nb, resources = super()._preprocess(nb, resources)
                finally:
                    for p, flag in zip(executors, enabled, strict=True):
                        p.enabled = flag
                for cell, done in zip(nb.cells, cached.cells, strict=True):  # same cells: replay is keyed on them
                    if "id" in done:
                        cell.id = done["id"]  # jupytext draws new ids on every conversion
                    if cell.cell_type == "code":
                        cell.outputs = copy.deepcopy(done.get("outputs", []))
                        cell.execution_count = done.get("execution_count")
                        cell.metadata = copy.deepcopy(done.get("metadata", cell.metadata))
                nb.metadata = copy.deepcopy(cached.get("metadata", nb.metadata))
            cls.calcnotes_sink.append(copy.deepcopy(nb))
            return nb, resources

    nbconvert2.HTMLExporter = CapturingHTMLExporter
