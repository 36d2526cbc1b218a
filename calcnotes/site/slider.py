"""An interactive figure with no server and no CDN: a slider over frames drawn at build time.

Each frame is a matplotlib figure made (and checked) by the chapter's own
code when the site builds; :func:`slider_html` puts all of them in one
``<figure>``, shows the first, and ``docs/assets/slider.js`` (a few lines of
local JavaScript) shows the frame the slider points at. It works in both
palettes (the frames are ordinary site figures), with instant navigation, and
with the keyboard (a native range input, labelled).

Examples
--------
>>> from calcnotes.site.figures import new_figure
>>> frames = []
>>> for rate in (0.1, 0.9):
...     fig, ax = new_figure()
...     _ = ax.plot([0, 1], [0, rate])
...     frames.append((f"rate {rate}", fig))
>>> page = slider_html("rate", frames, caption="Two rates.", label="Learning rate")
>>> page.count('class="cn-frame"'), 'type="range"' in page, 'max="1"' in page
(2, True, True)
"""

from __future__ import annotations

import html

from calcnotes.site.figures import svg

__all__ = ["slider_html"]


def slider_html(name: str, frames: list[tuple[str, object]], *, caption: str, label: str, start: int = 0) -> str:
    """A ``<figure>`` holding every frame, a labelled range input and a live caption.

    Parameters
    ----------
    name : str
        An id for the figure, unique on its page (letters, digits, hyphens).
    frames : list of (str, matplotlib.figure.Figure)
        Each frame's label (shown beside the slider) and its figure, in slider order.
    caption, label : str
        The figure's caption, and the slider's accessible name.
    start : int
        The frame shown first.
    """
    if not frames:
        raise ValueError("slider_html needs at least one frame")
    if not 0 <= start < len(frames):
        raise ValueError(f"start must be a frame index in [0, {len(frames) - 1}], not {start}")
    ident = f"cn-slider-{name}"
    parts = [
        f'<figure class="cn-figure cn-slider" id="{ident}" aria-label="{html.escape(caption, quote=True)}">',
        f'<div class="cn-slider-controls"><label for="{ident}-input">{html.escape(label)}</label> '
        f'<input id="{ident}-input" type="range" min="0" max="{len(frames) - 1}" step="1" value="{start}" '
        f'aria-valuetext="{html.escape(frames[start][0], quote=True)}"> '
        f'<output for="{ident}-input" aria-live="polite">{html.escape(frames[start][0])}</output></div>',
    ]
    for k, (frame_label, fig) in enumerate(frames):
        hidden = "" if k == start else " hidden"
        parts.append(f'<div class="cn-frame" data-label="{html.escape(frame_label, quote=True)}"{hidden}>'
                     f"{svg(fig)}</div>")
    parts.append(f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return "\n".join(parts)
