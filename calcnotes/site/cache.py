"""The execution cache: a page's results reused only while nothing they depend on changed.

Running a chapter's blocks is most of what a rebuild costs, and ``mkdocs serve``
rebuilds the whole site on every save. A page's execution results (the output
of each block, which holds its figures; the values its prose cites; the errata
it recorded) are stored after a clean run, keyed on everything they depend on:

* the page's own source;
* the source of every ``calcnotes`` module the page imported while it ran,
  recorded at run time: the plugin unloads ``calcnotes`` before a page runs, so
  what is loaded afterwards is exactly what the page (and what it imported) used;
* the site machinery (``calcnotes/site``), the lock files and the Python version.

Editing a module re-runs exactly the pages that loaded it; editing a page
re-runs that page. A page whose run failed is never stored. The lab notebook
runs in a kernel, where imports cannot be watched, so its key takes every
``calcnotes`` module. The cache is off unless asked for (``mkdocs serve`` asks
for it; ``CALCNOTES_CACHE=1`` asks for it in a build); CI and the hosted site
build with it off, so what is published is always computed fresh.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Entry", "ExecutionCache", "loaded_calcnotes_modules", "unload_calcnotes"]

_FORMAT = 2


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return "missing"


def _is_numerics(name: str) -> bool:
    """A calcnotes module that pages depend on (the site machinery is keyed separately)."""
    return (name == "calcnotes" or name.startswith("calcnotes.")) and not (
        name == "calcnotes.site" or name.startswith("calcnotes.site.")
    )


def unload_calcnotes() -> None:
    """Forget the numerics modules, so the next imports load (and so reveal) what a page uses."""
    for name in [n for n in sys.modules if _is_numerics(n)]:
        del sys.modules[name]


def loaded_calcnotes_modules() -> dict[str, str]:
    """``{module: sha256 of its source}`` for every numerics module loaded now."""
    found = {}
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if _is_numerics(name) and origin:
            found[name] = _file_digest(Path(origin))
    return dict(sorted(found.items()))


@dataclass
class Entry:
    """What a clean run of one page produced."""

    page_digest: str
    machinery: str
    modules: dict[str, str]
    outputs: list[list] = field(default_factory=list)  # [code digest, output, HTML or None] per block
    refs: list[str] = field(default_factory=list)           # the filled @{...} values, in order
    errata: list[dict] = field(default_factory=list)        # Erratum fields
    formulas: list[dict] = field(default_factory=list)      # cheat-sheet Formula fields
    notebook: dict | None = None                            # an executed lab notebook (nbformat JSON)


class ExecutionCache:
    """Entries on disk (one JSON file per page), valid only for the same dependencies.

    Parameters
    ----------
    directory : Path
        Where entries live (``.cache/calcnotes`` in the project).
    package_dir : Path
        The ``calcnotes`` package; its ``site`` folder and the lock files next
        to it make up the machinery key.
    """

    def __init__(self, directory: Path, package_dir: Path) -> None:
        self.directory = directory
        self.package_dir = package_dir
        self.machinery = self._machinery_key()
        self.hits: list[str] = []
        self.misses: list[str] = []

    def _machinery_key(self) -> str:
        root = self.package_dir.parent
        parts = [f"format {_FORMAT}", f"python {platform.python_version()} {sys.implementation.name}"]
        site = self.package_dir / "site"
        for path in sorted([*site.glob("*.py"), *site.glob("*.cjs")]):
            parts.append(f"{path.name} {_file_digest(path)}")
        for name in ("requirements.lock", "package-lock.json"):
            parts.append(f"{name} {_file_digest(root / name)}")
        return _digest("\n".join(parts).encode())

    def _path(self, src_uri: str) -> Path:
        return self.directory / (src_uri.replace("/", "__") + ".json")

    def lookup(self, src_uri: str, source: str) -> Entry | None:
        """The stored entry for this page, if every dependency is as it was."""
        try:
            data = json.loads(self._path(src_uri).read_text(encoding="utf-8"))
            entry = Entry(**data)
        except (OSError, ValueError, TypeError):
            self.misses.append(src_uri)
            return None
        fresh = (
            entry.page_digest == _digest(source.encode())
            and entry.machinery == self.machinery
            and all(self._module_digest(name) == digest for name, digest in entry.modules.items())
        )
        (self.hits if fresh else self.misses).append(src_uri)
        return entry if fresh else None

    def peek(self, src_uri: str, source: str) -> bool:
        """Whether a fresh entry exists for the page (without counting a hit or a miss)."""
        hits, misses = len(self.hits), len(self.misses)
        found = self.lookup(src_uri, source) is not None
        del self.hits[hits:], self.misses[misses:]
        return found

    def _module_digest(self, name: str) -> str:
        parts = name.split(".")[1:]
        base = self.package_dir.joinpath(*parts)
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        return _file_digest(path)

    def store(self, src_uri: str, source: str, entry: Entry) -> None:
        """Write the entry for this page (atomically: a crash leaves the old one or none)."""
        entry.page_digest = _digest(source.encode())
        entry.machinery = self.machinery
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(src_uri)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(entry)), encoding="utf-8")
        tmp.replace(path)

    def all_modules(self) -> dict[str, str]:
        """Every numerics module's digest, subpackages included (the lab notebook's key)."""
        found = {}
        for path in sorted(self.package_dir.rglob("*.py")):
            parts = path.relative_to(self.package_dir).with_suffix("").parts
            if parts[0] == "site":
                continue
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            found[".".join(("calcnotes", *parts))] = _file_digest(path)
        return found


def code_digest(code: str) -> str:
    """Digest of one block's code, to pair a replayed output with its block."""
    return _digest(code.encode())[:16]
