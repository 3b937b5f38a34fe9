"""Making user text safe where it is published or opened by other programs.

* :func:`safe_cell` — a CSV/XLSX cell that starts with ``= + - @`` (or a tab /
  carriage return) is prefixed with ``'`` so that Excel and WPS show it as text
  instead of evaluating a formula; genuine numbers are left alone.
* :func:`safe_filename` — a file name derived from a project name: no path
  separators, no ``..``, no control characters, no Windows reserved names,
  bounded length.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_cell(value: Any) -> Any:
    """Value for a spreadsheet cell; text that a spreadsheet would evaluate is neutralised."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def safe_filename(name: str, max_len: int = 80, fallback: str = "project") -> str:
    """A portable file-name stem from free text (keeps Chinese characters)."""
    s = unicodedata.normalize("NFKC", str(name or ""))
    s = _BAD_CHARS.sub("_", s)
    s = re.sub(r"\s+", " ", s).strip(" .")
    s = s.replace("..", "_")
    if not s or s.upper().split(".")[0] in _RESERVED:
        s = (s + "_" if s else "") + fallback
    if len(s.encode("utf-8")) > max_len * 3:
        s = s.encode("utf-8")[: max_len * 3].decode("utf-8", "ignore")
    return s[:max_len].rstrip(" .") or fallback
