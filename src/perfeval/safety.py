"""Making user text safe where it is published or opened by other programs.

* :func:`safe_cell` — a CSV/XLSX cell that starts with ``= + - @`` (or a tab /
  carriage return) is prefixed with ``'`` so that Excel and WPS show it as text
  instead of evaluating a formula; genuine numbers are left alone; control
  characters (NUL, ESC …) are written visibly as ``\\u001b``.
* :func:`safe_filename` — a file name derived from a project name: no path
  separators, no ``..``, no leading ``.`` or ``-``, no control or invisible
  characters, no Windows reserved names (whatever the extension), bounded length.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .chars import C0_ALL, C1, CONTROL_RE, DEL

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(rf'[{C0_ALL}{DEL}{C1}<>:"/\\|?*]')
_CONTROL = CONTROL_RE


def safe_cell(value: Any) -> Any:
    """Value for a spreadsheet cell; text that a spreadsheet would evaluate is neutralised.

    Control characters other than tab and line breaks (NUL, ESC …, which truncate CSV
    readers or drive terminals that print the file) are written as visible ``\\u001b``.
    """
    if not isinstance(value, str) or not value:
        return value
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def safe_text(value: Any) -> Any:
    """Text for a cell written as a string cell (xlsxwriter ``write_string``): never evaluated, so no formula guard.

    "=100%" stays "=100%" (an apostrophe would be printed on the form); control characters are made visible as in
    :func:`safe_cell`.  CSV output, which a spreadsheet does evaluate, keeps :func:`safe_cell`.
    """
    if not isinstance(value, str) or not value:
        return value
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    return value


def safe_filename(name: str, max_len: int = 80, fallback: str = "project") -> str:
    """A portable file-name stem from free text (keeps Chinese characters)."""
    s = unicodedata.normalize("NFKC", str(name or ""))
    s = _BAD_CHARS.sub("_", s)
    # invisible format characters (bidi overrides that reverse "slx.exe", zero-width joiners) and lone surrogates
    s = "".join("_" if unicodedata.category(c) in ("Cf", "Cs") else c for c in s)
    s = re.sub(r"\s+", " ", s).strip(" .")
    s = s.replace("..", "_")
    if s.startswith("-"):  # "-rf_2024年度.html" would be read as options by shell tools
        s = "_" + s[1:]
    if len(s.encode("utf-8")) > max_len * 3:
        s = s.encode("utf-8")[: max_len * 3].decode("utf-8", "ignore")
    s = s[:max_len].rstrip(" .")
    if not s:
        return fallback
    head, dot, tail = s.partition(".")
    if head.rstrip().upper() in _RESERVED:  # "CON", "con.txt", "COM1.tar.gz": reserved whatever the extension
        s = (head.rstrip() + "_" + fallback + dot + tail)[:max_len].rstrip(" .")
    return s
