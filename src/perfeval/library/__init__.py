"""The standard indicator library: data access, ``ref`` resolution and the declaration scaffold.

* :func:`load_library` reads ``indicators/*.yaml`` once per process;
* :func:`resolve_ref` is the ``ref: CODE`` hook used by the submission pipeline;
* :func:`scaffold` writes a new submission (``perfeval init``).

``perfeval.lint`` (``perfeval lint``) checks declarations against the library
and the profile.  See docs/library.md.
"""

from __future__ import annotations

from .data import (
    COST_LEVEL2,
    LEVEL1_ORDER,
    LEVEL2_ORDER,
    LibIndicator,
    Library,
    LibraryError,
    Sector,
    is_cost,
    library_dir,
    load_library,
    normalise_code,
)
from .resolve import apply_comparator, resolve_ref
from .scaffold import ScaffoldError, choose_indicators, scaffold, split_cents

__all__ = [
    "COST_LEVEL2", "is_cost", "LEVEL1_ORDER", "LEVEL2_ORDER", "LibIndicator", "Library", "LibraryError", "Sector",
    "library_dir", "load_library", "normalise_code", "apply_comparator", "resolve_ref",
    "ScaffoldError", "choose_indicators", "scaffold", "split_cents",
]
