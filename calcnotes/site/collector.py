"""Python's garbage collector during a build: collect less often, and not at exit.

A build makes millions of short-lived objects (sympy's expressions above all),
and the cyclic collector's default thresholds run a young-generation pass every
700 net allocations, so it keeps walking objects that reference counting
frees anyway. Measured on a cold build of this site (two cores, cache off):
15.0 s and 24.9 s of CPU with the defaults; 13.8 s and 22.3 s with a first
threshold of 50,000 (and 20, 20 for the older generations), at the same peak
memory (417 MB against 420 MB); with the collector off, 13.4 s but 461 MB.
The thresholds go back to what they were when the build ends.
"""

from __future__ import annotations

import atexit
import gc

__all__ = ["BUILD_THRESHOLDS", "freeze_at_exit", "relax", "restore"]

BUILD_THRESHOLDS = (50_000, 20, 20)

_saved: tuple[int, int, int] | None = None
_freezing = False


def relax() -> None:
    """Collect less often until :func:`restore` (a second call keeps the first's saved thresholds)."""
    global _saved
    if _saved is None:
        _saved = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)


def restore() -> None:
    """The thresholds :func:`relax` replaced, back."""
    global _saved
    if _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None


def freeze_at_exit() -> None:
    """At exit, hand every object to the collector's permanent generation.

    The interpreter's last collection walks every object a build made (sympy's
    caches, the pages, the search index): about 1 s of a cold ``mkdocs build``
    (16.9 s -> 15.9 s measured). The exit handlers run before that collection,
    so this one costs nothing but the collection; objects are still freed by
    their reference counts.
    """
    global _freezing
    if not _freezing:
        atexit.register(gc.freeze)
        _freezing = True
