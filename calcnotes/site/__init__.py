"""The site machinery: the MkDocs plugin and the helpers chapters use while they run.

Chapters need one short import::

    from calcnotes.site import erratum, figure_html, formula, new_figure, tex_value

- :func:`erratum` checks one mistake of the notes both ways and returns its
  collapsed box (``calcnotes.site.errata``);
- :func:`formula` records a checked formula for the cheat sheet
  (``calcnotes.site.cheatsheet``);
- :func:`new_figure`, :func:`figure_html`, :func:`svg` draw figures as inline,
  byte-identical SVG (``calcnotes.site.figures``);
- :func:`tex_value` (``from_tex``) reads a formula typed as TeX back into sympy,
  so the formula a page shows can be checked (``calcnotes.site.tex``).

The numerics modules of ``calcnotes`` never import this subpackage; the plugin
(``calcnotes.site.plugin``) is registered as the MkDocs plugin ``calcnotes``.
Names are looked up on each use (so the plugin does not pay for matplotlib, and a
rebuild under ``mkdocs serve`` reaches the reloaded modules).
"""

from __future__ import annotations

import importlib

__all__ = ["erratum", "figure_html", "formula", "from_tex", "new_figure", "svg", "tex_value"]

_WHERE = {
    "erratum": ("calcnotes.site.errata", "erratum"),
    "formula": ("calcnotes.site.cheatsheet", "formula"),
    "figure_html": ("calcnotes.site.figures", "figure_html"),
    "new_figure": ("calcnotes.site.figures", "new_figure"),
    "svg": ("calcnotes.site.figures", "svg"),
    "from_tex": ("calcnotes.site.tex", "from_tex"),
    "tex_value": ("calcnotes.site.tex", "from_tex"),
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'calcnotes.site' has no attribute {name!r}")
    module, attr = _WHERE[name]
    # Not cached here: the plugin reloads the chapter helpers before each build of
    # `mkdocs serve`, and a cached name would keep writing to the old registry.
    return getattr(importlib.import_module(module), attr)


def __dir__() -> list[str]:
    return sorted(__all__)
