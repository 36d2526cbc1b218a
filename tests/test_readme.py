"""The README's example runs as printed (it is the first code a reader copies)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md should show a Python example"
    for code in blocks:
        exec(compile(code, str(README), "exec"), {})


def test_readme_gives_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
