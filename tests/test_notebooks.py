"""Every chapter's notebook, as the build wrote it, runs in a Jupyter kernel and passes.

The notebooks (``calcnotes.site.notebooks``) hold each chapter's blocks, its
checks included. They run one after another in ONE kernel (a kernel start per
notebook would cost more than the code), each after ``%reset -f`` so none sees
another's names; a failing cell is reported with its chapter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.relative_to(ROOT / "docs").with_suffix("").as_posix()
                  for part in ("calculus", "models") for p in (ROOT / "docs" / part).glob("*.md"))

pytestmark = pytest.mark.build


def test_every_chapter_has_a_notebook_linked_from_its_page(built_site: Path):
    for chapter in CHAPTERS:
        folder = built_site / chapter
        name = Path(chapter).name + ".ipynb"
        assert (folder / name).is_file(), f"{chapter}: no {name}"
        assert f'href="{name}" download' in (folder / "index.html").read_text(encoding="utf-8")


def test_every_chapter_notebook_runs_in_a_kernel(built_site: Path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    combined = nbformat.v4.new_notebook()
    owner: list[str] = []
    for chapter in CHAPTERS:
        nb = nbformat.read(built_site / chapter / (Path(chapter).name + ".ipynb"), as_version=4)
        nbformat.validate(nb)  # the build writes cells without validating each one
        start = nbformat.v4.new_code_cell(f"%reset -f\nimport os\nos.chdir({str(ROOT)!r})")
        combined.cells += [start, *nb.cells]
        owner += [chapter] * (1 + len(nb.cells))
    client = NotebookClient(combined, timeout=600, allow_errors=False, kernel_name="python3")
    try:
        client.execute()
    except CellExecutionError as error:
        failed = next(k for k, cell in enumerate(combined.cells) if cell.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in cell.get("outputs", [])))
        pytest.fail(f"the notebook of {owner[failed]} fails:\n{str(error)[-1500:]}")
    assert sum(c.cell_type == "code" for c in combined.cells) > 2 * len(CHAPTERS)
