"""Build hook: let mkdocstrings find the griffe extension in this folder by name.

mkdocstrings resolves an extension given as a file path against the directory
of the config file, which is a temporary one for the throw-away sites of
``scripts/sitebuild.py``. Named as a module (``griffe_rst_math``), it is found
wherever the config lives, once this folder is on ``sys.path``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)


def on_config(config):
    if _HERE not in sys.path:
        sys.path.insert(0, _HERE)
    return config
