"""Figures for the site: matplotlib rendered to inline SVG, byte-identical across builds.

Matplotlib's SVG output differs between runs unless two things are fixed: the
salt of the ids it hashes (``svg.hashsalt``) and the ``Date`` metadata it
stamps. :func:`svg` fixes both, so a rebuilt page changes only when its
figure really does.

Examples
--------
>>> import numpy as np
>>> fig, ax = new_figure()
>>> _ = ax.plot(np.arange(3), np.arange(3) ** 2)
>>> text = svg(fig)
>>> text.startswith("<svg") and text == svg(fig)
True
"""

from __future__ import annotations

import html
import io

import matplotlib

matplotlib.use("Agg")  # no display at build time, and no GUI backend to pick up

import matplotlib.pyplot as plt

__all__ = ["new_figure", "svg", "figure_html"]

# Fixed style: readable on a white page; the site's CSS inverts figures for the
# dark palette, so plain dark-on-transparent is the right choice for both.
_STYLE = {
    "svg.hashsalt": "calcnotes",
    "svg.fonttype": "none",  # keep text as text: smaller, crisp, selectable
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.transparent": True,
}


def new_figure(
    width: float = 6.0, height: float = 3.6, **subplots_kw
) -> tuple[plt.Figure, plt.Axes]:
    """Return ``(fig, ax)`` in the site's style.

    Parameters
    ----------
    width, height : float
        Size in inches (6 x 3.6 fits the text column).
    **subplots_kw
        Passed to :func:`matplotlib.pyplot.subplots` (e.g. ``ncols=2`` or
        ``subplot_kw={"projection": "3d"}``).
    """
    with matplotlib.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(width, height), **subplots_kw)
    return fig, ax


def svg(fig: plt.Figure, *, close: bool = True) -> str:
    """Return the figure as an SVG string, identical for identical figures.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render.
    close : bool
        Close the figure afterwards, so a long build does not accumulate them.

    Returns
    -------
    str
        The ``<svg ...>...</svg>`` element, without the XML prolog, ready to
        inline in HTML.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    if close:
        plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def figure_html(fig: plt.Figure, caption: str, *, alt: str | None = None) -> str:
    """Return a ``<figure>`` with the inline SVG and a caption.

    The figure is named by its ``<figcaption>`` (HTML's own figure semantics);
    the SVG inside is one image (``role="img"``: a screen reader does not read
    out its tick labels one by one) labelled with ``alt``, or the caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render (closed afterwards).
    caption : str
        Caption text (plain text; HTML-escaped here).
    alt : str, optional
        Accessible description of the image; defaults to the caption.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> out = figure_html(fig, caption="A line")
    >>> out.startswith('<figure class="cn-figure">') and '<svg role="img" aria-label="A line"' in out
    True
    """
    label = html.escape(alt or caption, quote=True)
    image = svg(fig)
    image = f'<svg role="img" aria-label="{label}"' + image[len("<svg") :]
    return (
        f'<figure class="cn-figure">\n'
        f"{image}\n<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
    )
