"""The build gate: the full site builds strictly, and each known trap fails it.

Each trap gets a tiny throw-away site built with the project's real
configuration and hooks (scripts/sitebuild.py), and ``-q``, which hides
markdown-exec's warnings from strict mode.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "docs" / "hooks"))
sys.path.insert(0, str(ROOT / "tests"))
from calcnotes.site.fences import find_exec_blocks  # noqa: E402
from exec_guard import _third_party_requests  # noqa: E402
from sitebuild import build, build_in_process, copy_pages, site_config  # noqa: E402

pytestmark = pytest.mark.build


def build_tiny(tmp_path: Path, pages: dict[str, str]):
    """Build, as with ``-q``, a site of ``pages`` (path -> Markdown) plus the Errata page.

    Returns (succeeded, log, docs_dir).
    """
    docs = tmp_path / "docs"
    copy_pages([], docs)
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    config = site_config(docs, tmp_path / "site", [*pages, "errata.md"])
    ok, output = build_in_process(config, tmp_path / "work", quiet=True)
    return ok, output, docs


# ------------------------------------------------------------ the real site


def test_config_defends_against_known_traps():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["strict"] is True
    assert config["theme"]["font"] is False  # no Google Fonts
    plugins = {next(iter(p)) if isinstance(p, dict) else p: (p[next(iter(p))] if isinstance(p, dict) else {}) for p in config["plugins"]}
    assert plugins["markdown-exec"]["languages"] == ["python"]  # no pyodide CDN
    assert plugins["mkdocs-jupyter"]["allow_errors"] is False
    assert plugins["mkdocs-jupyter"]["execute"] is True


def test_site_has_every_page(built_site: Path):
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT / "docs").with_suffix("")
        target = built_site / ("index.html" if rel.name == "index" else rel / "index.html")
        if str(rel).startswith("hooks"):
            continue
        assert target.is_file(), f"{page} was not built"


def test_site_math_is_rendered_and_clean(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    with_math = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page
        assert 'class="arithmatex"' not in text, f"unrendered TeX in {page}"
        assert "katex-error" not in text, page
        with_math += 'class="katex' in text
    assert with_math >= 3
    assert (built_site / "assets/katex/katex.min.css").is_file()
    assert list((built_site / "assets/katex/fonts").glob("*.woff2"))


def test_site_makes_no_third_party_request(built_site: Path, tmp_path: Path):
    assert _third_party_requests(built_site) == []
    # The scan can fail: a copied page with a CDN script is caught.
    page = tmp_path / "index.html"
    page.write_text('<html><script src="https://cdn.example.com/x.js"></script></html>')
    assert _third_party_requests(tmp_path) == ["index.html: <script> loads https://cdn.example.com/x.js"]


def test_errata_page_links_every_erratum(built_site: Path):
    listed = re.findall(r'href="([^"#]+)#(erratum-[^"]+)"', (built_site / "errata/index.html").read_text())
    shown = {
        (page.parent.relative_to(built_site).as_posix(), anchor)
        for page in built_site.rglob("index.html")
        for anchor in re.findall(r'id="(erratum-[^"]+)"', page.read_text())
    }
    resolved = {((built_site / "errata" / href).resolve().relative_to(built_site.resolve()).as_posix(), anchor) for href, anchor in listed}
    assert resolved == shown
    assert len(shown) >= 1  # the notes have errata; a site with none means the mechanism broke


def test_figures_identical_across_builds(built_site: Path, monkeypatch, capsys):
    """The chapter's figures, regenerated in this process, equal the built site's byte for byte."""
    from test_docs import run_blocks

    page = ROOT / "docs/calculus/derivatives.md"
    blocks = find_exec_blocks(page.read_text(), "docs/calculus/derivatives.md")
    monkeypatch.chdir(ROOT)
    run_blocks([b for b in blocks if b.session == "derivatives"], "calculus/derivatives.md")
    again = re.findall(r"<svg.*?</svg>", capsys.readouterr().out, re.S)
    built = re.findall(r"<svg.*?</svg>", (built_site / "calculus/derivatives/index.html").read_text(), re.S)
    figures = [s for s in built if 'id="figure_1"' in s]
    assert figures, "the Derivatives chapter should have at least one figure"
    assert [s for s in again if 'id="figure_1"' in s] == figures


# ------------------------------------------------------------ traps


def test_failing_block_fails_quiet_build_with_file_and_line(tmp_path: Path):
    ok, output, docs = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" session="trap"
        x = 2
        assert x == 3, "x should be 3"
        ```
        '''})
    assert not ok
    assert f"{(docs / 'page.md').resolve()}:5" in output
    assert "AssertionError: x should be 3" in output


def test_rendered_traceback_fails_build(tmp_path: Path):
    ok, output, _ = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" result="text"
        print("Traceback (most recent call last):")
        ```
        '''})
    assert not ok
    assert "traceback" in output.lower()


def test_invalid_tex_fails_build(tmp_path: Path):
    ok, output, _ = build_tiny(tmp_path, {"page.md": "# Page\n\nBroken $\\frac{1}{$ math.\n"})
    assert not ok
    assert "invalid TeX" in output and "page.md" in output


@pytest.mark.parametrize("link", ["[x](missing.md)", "[x](other.md#no-such-anchor)"])
def test_broken_link_or_anchor_fails_build(tmp_path: Path, link: str):
    ok, output, _ = build_tiny(tmp_path, {"page.md": f"# Page\n\n{link}\n", "other.md": "# Other\n"})
    assert not ok
    assert "page.md" in output


def test_notebook_cell_error_fails_build(tmp_path: Path):
    ok, output, _ = build_tiny(tmp_path, {"lab/trap.py": '''\
        # %% [markdown]
        # # Trap

        # %%
        assert 1 == 2, "notebook cell error"
        '''})
    assert not ok
    assert "notebook cell error" in output


def test_wrong_erratum_fails_build(tmp_path: Path):
    ok, output, docs = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" session="trap"
        from calcnotes.site import erratum
        print(erratum("not-wrong", where="seed", quantity="q", notes=4.0, correct=4.0,
                      computed=2.0 ** 2, reason="the notes are right"))
        ```
        '''})
    assert not ok
    assert "this is not an erratum" in output


def test_computed_values_fill_prose_and_formulas(tmp_path: Path):
    ok, output, docs = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" session="p"
        import sympy as sp
        x = sp.Symbol("x")
        slope = 2 * 3.0
        points = "the points $(1, 2)$ and $(2, 5)$"
        ```

        The slope is @{slope:.3f}; $\\frac{d}{dx} x^3 = @{sp.diff(x**3, x):latex}$; @{points}.

        ```text
        @{slope} stays in a fence
        ```
        '''})
    assert ok, output
    html = (tmp_path / "site/page/index.html").read_text()
    assert "The slope is 6.000;" in html
    assert 'x-tex">\\frac{d}{dx} x^3 = 3 x^{2}</annotation>' in html
    assert "@{slope} stays in a fence" in html
    assert "$(1, 2)$" not in html and 'x-tex">(1, 2)</annotation>' in html  # math inside a value


def test_broken_computed_value_fails_build_with_line(tmp_path: Path):
    ok, output, docs = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" session="p"
        slope = 6.0
        ```

        The slope is @{slop:.3f}.
        '''})
    assert not ok
    assert f"{(docs / 'page.md').resolve()}:7: @{{slop:.3f}} failed: NameError" in output


def test_malformed_computed_value_fails_build(tmp_path: Path):
    ok, output, docs = build_tiny(tmp_path, {"page.md": '''\
        # Page

        ```python exec="on" session="p"
        values = {"x": 1}
        ```

        Value @{values["x"]} is fine, @{f({1: 2})} is not.
        '''})
    assert not ok
    assert f"{(docs / 'page.md').resolve()}:7: an @{{...}} reference could not be read" in output


def test_prose_names_link_to_the_api_reference(tmp_path: Path):
    ok, output, _ = build_tiny(tmp_path, {
        "page.md": "# Page\n\nUse `central_difference`; `not_a_calcnotes_name` stays plain.\n\n"
                   "```python\ncentral_difference  # code blocks are left alone\n```\n",
        "api/derivatives.md": "# API\n\n::: calcnotes.differences\n",
    })
    assert ok, output
    html = (tmp_path / "site/page/index.html").read_text()
    assert 'href="../api/derivatives/#calcnotes.differences.central_difference"><code>central_difference</code>' in html
    assert "<code>not_a_calcnotes_name</code>" in html


# ------------------------------------------------------------ a corrupted chapter


def _corrupt_an_assert(path: Path) -> int:
    """Change the first numeric literal of the first ``assert`` in an executed block; return its line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for block in find_exec_blocks("".join(lines), str(path)):
        for k, code_line in enumerate(block.code.splitlines(), start=1):
            match = re.search(r"(?<![\w.])(\d+\.?\d*)(?![\w.])", code_line) if code_line.lstrip().startswith("assert") else None
            if match:
                number = match.group(1)
                corrupted = str(float(number) + 1.5)
                line_no = block.line + k
                lines[line_no - 1] = lines[line_no - 1].replace(number, corrupted, 1)
                path.write_text("".join(lines), encoding="utf-8")
                return line_no
    raise AssertionError(f"{path} has no assert with a numeric literal to corrupt")


def test_corrupted_value_fails_build_and_pytest(tmp_path: Path):
    page = "calculus/derivatives.md"
    docs = tmp_path / "docs"
    copy_pages([page], docs)
    line = _corrupt_an_assert(docs / page)
    result = build(site_config(docs, tmp_path / "site", [page, "errata.md"], strict_links=False), tmp_path / "w", "-q")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{(docs / page).resolve()}:{line}" in output

    # The same corrupted page under the pytest runner of tests/test_docs.py.
    from test_docs import run_blocks

    blocks = find_exec_blocks((docs / page).read_text(), str(docs / page))
    with pytest.raises(AssertionError):
        run_blocks([b for b in blocks if b.session == blocks[0].session], page)
