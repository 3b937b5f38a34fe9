"""``ref: CODE`` in a submission: inherit a library indicator's fields.

The contract (docs/library.md §8), used by ``perfeval.pipeline.prepare_one``:

* ``level1``, ``level2``, ``name``, ``unit`` and ``definition`` come from the
  library unless the submission writes them;
* ``target`` always comes from the submission (it is the project's own
  annual value; ``typical_target`` never replaces it).  A target written as a
  bare number, or a number with a unit but no comparator (``95``, ``"95%"``),
  takes the library's comparator — ``95`` for a ``">="`` indicator in ``%``
  becomes ``"≥95%"``.  A target with its own comparator (``"=95%"``,
  ``"95%以上"``), a range, or a qualitative target is kept as written;
* an unknown code raises ``KeyError`` (the pipeline reports PE210 with the line).
"""

from __future__ import annotations

from typing import Any

from ..notation import EQ, GE, GT, LE, LT, OP_SYMBOL, parse
from .data import load_library

INHERITED = ("level1", "level2", "name", "unit", "definition")
_POINT_OPS = (GE, GT, LE, LT, EQ)


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else format(v, ".10g")


def apply_comparator(target: Any, comparator: str, unit: str | None) -> Any:
    """The submission's target with the library comparator applied where none was written."""
    if comparator not in _POINT_OPS or target is None or isinstance(target, bool):
        return target
    if isinstance(target, dict):
        if target.get("op") is None and target.get("hi") is None:
            out = dict(target)
            out["op"] = OP_SYMBOL[comparator]
            if not out.get("unit") and unit:
                out["unit"] = unit
            return out
        return target
    if not isinstance(target, (str, int, float)):
        return target
    rule = parse(target)
    if rule.op != EQ or rule.comparator_written or rule.value is None:
        return target
    return f"{OP_SYMBOL[comparator]}{_num(rule.value)}{rule.unit or unit or ''}"


def resolve_ref(raw: dict) -> dict:
    """A new indicator mapping with the library's fields filled in (see module docstring)."""
    lib = load_library().get(raw.get("ref"))  # KeyError for an unknown code
    out = dict(raw)
    out["ref"] = lib.code
    for key in INHERITED:
        if out.get(key) is None:
            out[key] = getattr(lib, key)
    out.setdefault("comparator", lib.comparator)
    if "target" in raw:
        unit = raw.get("unit") if raw.get("unit") is not None else lib.unit
        out["target"] = apply_comparator(raw["target"], lib.comparator, unit)
    return out
