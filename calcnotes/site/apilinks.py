"""Inline code that names a calcnotes function links to its API entry.

A chapter that writes `` `central_difference` `` or
`` `calcnotes.differences.central_difference` `` in its prose gets a link to
that entry of the API reference (through autorefs, so a name that is not
documented fails the strict build like any broken link). Authors need not
remember to link; code blocks, existing links and pages of the API reference
itself are left alone. Only names defined in a public calcnotes module (not
re-exports, not private names, not the site machinery) are linked, and only
where the short name is unambiguous.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from calcnotes.site.fences import split_fences

__all__ = ["link_api_names", "public_names"]

# The site helpers chapters use, documented on the API pages like the numerics.
_SITE_HELPERS = ("errata", "cheatsheet", "figures", "slider", "tex")

# A collapsible box's title becomes its <summary>: a link there would nest one control
# in another (the summary toggles the box), so titles are left alone.
_BOX_TITLE = re.compile(r"^[ \t]*(\?\?\?\+?|!!!)[ \t]")
# `name` or `name(...)` not already inside a link ([`name`] or [`name`](...)).
_CODE = re.compile(r"(?<!\[)`(?P<name>(?:calcnotes\.)?[A-Za-z_][\w.]*)(?P<call>\(\))?`(?!\]|\()")


def public_names(package_dir: Path | None = None) -> dict[str, str]:
    """Map 'name', 'module.name' and 'calcnotes.module.name' to the full dotted path.

    Read from the source (top-level ``def`` and ``class`` of each public module,
    so re-exports are not counted twice), without importing anything: the
    execution cache records which modules a page imports, and a link table
    must not import them all.
    """
    package_dir = package_dir or Path(__file__).resolve().parents[1]
    modules = [p for p in sorted(package_dir.glob("*.py")) if not p.name.startswith("_")]
    modules += [package_dir / "site" / f"{name}.py" for name in _SITE_HELPERS]
    full: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for path in modules:
        dotted = ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)
        local = dotted.removeprefix("calcnotes.")
        full[dotted] = dotted
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                target = f"{dotted}.{node.name}"
                full[target] = target
                full[f"{local}.{node.name}"] = target
                short.setdefault(node.name, set()).add(target)
    for name, paths in short.items():
        if len(paths) == 1:
            full.setdefault(name, next(iter(paths)))
    return full


def link_api_names(markdown: str, targets: dict[str, str]) -> str:
    """Turn `` `name` `` in prose into an autorefs link where ``name`` is documented."""

    def link(match: re.Match) -> str:
        target = targets.get(match["name"])
        return match[0] if target is None else f"[{match[0]}][{target}]"

    return "".join(
        _CODE.sub(link, line) if prose and "`" in line and not _BOX_TITLE.match(line) else line
        for _, line, prose in split_fences(markdown)
    )
