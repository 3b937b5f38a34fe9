"""Command-line interface: ``perfeval validate|score|…``.

Each command lives in its own module and registers itself on :data:`main`.
Exit codes: 0 clean, 1 problems found in the input, 2 usage error.
No command prints a traceback for bad input.
"""

from __future__ import annotations

import sys

from . import core  # noqa: F401,E402  validate / score / profiles
from .app import main  # noqa: F401  (the group every command registers on)

for _mod in ("render", "batch", "library", "audit", "history", "serve", "importer"):  # optional command modules
    try:
        __import__(f"{__name__}.{_mod}")
    except ModuleNotFoundError as e:  # a module not written yet; any other import error is a bug
        if e.name != f"{__name__}.{_mod}":
            raise


def run() -> None:  # pragma: no cover - thin wrapper used by tests through main
    sys.exit(main())
