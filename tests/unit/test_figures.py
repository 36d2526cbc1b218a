"""calcnotes.site.figures: the same figure gives the same bytes, in this process and another."""

import subprocess
import sys

SCRIPT = """
import numpy as np
from calcnotes.site import figure_html, new_figure
fig, ax = new_figure()
x = np.linspace(-2, 2, 50)
ax.plot(x, x**2, label="f")
ax.plot(x, 2 * x - 1, "--", label="tangent")
ax.legend()
print(figure_html(fig, caption="A & B < C"))
"""


def _render() -> str:
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout


def test_svg_is_byte_identical_across_processes():
    first, second = _render(), _render()
    assert first == second
    assert "<svg" in first and "Date" not in first.split("</metadata>")[0].split("<metadata>")[-1]


def test_figure_html_escapes_caption():
    out = _render()
    assert "<figcaption>A &amp; B &lt; C</figcaption>" in out
    assert 'aria-label="A &amp; B &lt; C"' in out
