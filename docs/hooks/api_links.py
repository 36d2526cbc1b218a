"""Build hook: inline code that names a calcnotes function links to its API entry.

A chapter that writes `` `central_difference` `` or
`` `calcnotes.differences.central_difference` `` in its prose gets a link to
that entry of the API reference (through autorefs, so a name that is not
documented fails the strict build like any broken link). Authors need not
remember to link; code blocks, existing links and pages of the API reference
itself are left alone. Only names defined in a public calcnotes module (not
re-exports, not private names) are linked, and only where the short name is
unambiguous.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from calcnotes.site.fences import split_fences  # noqa: E402

# `name` or `name(...)` not already inside a link ([`name`] or [`name`](...)).
_CODE = re.compile(r"(?<!\[)`(?P<name>(?:calcnotes\.)?[A-Za-z_][\w.]*)(?P<call>\(\))?`(?!\]|\()")

_targets: dict[str, str] = {}


def _public_names() -> dict[str, str]:
    """Map 'name', 'module.name' and 'calcnotes.module.name' to the full dotted path."""
    import calcnotes

    full: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(calcnotes.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"calcnotes.{info.name}")
        full[f"calcnotes.{info.name}"] = f"calcnotes.{info.name}"
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # a re-export: link it where it is defined
            path = f"{module.__name__}.{name}"
            full[path] = path
            full[f"{info.name}.{name}"] = path
            short.setdefault(name, set()).add(path)
    for name, paths in short.items():
        if len(paths) == 1:
            full.setdefault(name, next(iter(paths)))
    return full


def on_pre_build(config) -> None:
    # After exec_guard reloaded calcnotes: the names are those of the code as it is now.
    _targets.clear()
    _targets.update(_public_names())


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri.startswith("api/"):
        return markdown
    return "".join(
        _CODE.sub(_link, line) if prose and "`" in line else line
        for _, line, prose in split_fences(markdown)
    )


def _link(match: re.Match) -> str:
    target = _targets.get(match["name"])
    if target is None:
        return match[0]
    return f"[{match[0]}][{target}]"
