"""Every use of markdown-exec's and mkdocs-jupyter's private internals, in one place.

Neither package offers a public hook for what the site needs: to see which
executed block failed (markdown-exec only logs a warning), to replay a block's
output from the execution cache instead of running it, to clear the sessions
between builds of one ``mkdocs serve``, and to keep the notebook that
mkdocs-jupyter executed. :func:`check_internals` verifies each assumption and
names the one an upgrade broke; ``tests/test_site_adapters.py`` calls it, so a
breaking upgrade fails one clear test instead of the build in a strange way.
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
    "install_runner",
    "session_globals",
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
    return problems


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

    return Markup(html)  # noqa: S704 - our own rendering of the same block, stored by this build machinery


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
                    for p, flag in zip(executors, enabled):
                        p.enabled = flag
                for cell, done in zip(nb.cells, cached.cells):
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
