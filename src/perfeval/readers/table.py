"""Long tables (CSV/TSV/XLSX, one row per indicator; docs/format.md 长表格式): one file, many submissions.

Reading is :mod:`perfeval.declare.tables`; this module only registers it and turns
its result into documents.  ``sniff`` recognises a long table by its header row
(at least three known column titles, one of them 三级指标), so a workbook that is
an office form (another reader's business) is told apart from an exported table.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded, decode
from ..declare.tables import (
    _MAIN_ALIASES,
    FUNDS_LINE,
    FUNDS_SUFFIX,
    MAIN_SHEETS,
    TABLE_SUFFIXES,
    _norm_header,
    read_table,
)
from ..issues import Location
from . import Document, Locator, Reader, register

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class TableLocator(Locator):
    """Rows of the funds table are recorded as ``FUNDS_LINE + row`` (see declare/tables.py)."""

    funds_file: str | None = None

    def __call__(self, pos: int | None) -> Location:
        if pos is not None and pos >= FUNDS_LINE:
            return Location(self.funds_file or self.file, None, pos - FUNDS_LINE)
        return Location(self.file, None, pos)


def looks_like_header(cells: list) -> bool:
    keys = {_MAIN_ALIASES.get(_norm_header(c)[0]) for c in cells if c is not None}
    keys.discard(None)
    return "name" in keys and len(keys) >= 3


def _text_head(head: bytes) -> str | None:
    for cut in range(4):  # the head may end inside a multi-byte character
        text, _w, err = decode(head[: len(head) - cut] if cut else head)
        if not err:
            return text
    return None


def sniff(head: bytes, path: str) -> bool:
    if head.startswith(b"PK\x03\x04"):
        return _sniff_xlsx(path)
    text = _text_head(head)
    if not text:
        return False
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delim = max((",", "\t", ";"), key=first.count)
    try:
        cells = next(csv.reader(io.StringIO(first), delimiter=delim))
    except (csv.Error, StopIteration):
        return False
    return looks_like_header(cells)


def _sniff_xlsx(path: str) -> bool:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(wb.sheetnames)
        main = next((n for n in names if n.strip().lower() in MAIN_SHEETS), names[0] if names else None)
        if main is None:
            return False
        for k, row in enumerate(wb[main].iter_rows(values_only=True)):
            if any(c is not None and str(c).strip() for c in row):
                return looks_like_header(list(row))  # the first non-empty row is the header
            if k >= 20:
                break
        return False
    finally:
        wb.close()


def companion(path: str) -> bool:
    """``x.funds.csv`` next to ``x.csv`` is read with it, not on its own."""
    if not path.lower().endswith(FUNDS_SUFFIX):
        return False
    main = path[: -len(FUNDS_SUFFIX)]
    return any(os.path.isfile(main + ext) for ext in (".csv", ".CSV", ".tsv", ".TSV"))


def skip(path: str) -> str | None:
    if path.lower().endswith(FUNDS_SUFFIX) and not companion(path):
        stem = Path(path).name[: -len(FUNDS_SUFFIX)]
        return f"资金表没有对应的指标表（应有同目录下的 {stem}.csv）"
    return None


def read(path: str, limits: Limits = DEFAULT_LIMITS, display: str | None = None, funds: str | None = None,
         funds_display: str | None = None, **_: object) -> list[Document]:
    file = display or str(path)
    tr = read_table(path, file, funds, funds_display)
    if not tr.submissions:  # unreadable: one rejected document; the issues already name their file
        return [Document(Loaded(file=file), key=file, file=file, notes=list(tr.issues))]
    docs = []
    for j, ts in enumerate(tr.submissions):
        docs.append(Document(ts.loaded, key=f"{file}\x00{j + 1}", file=file, locator=TableLocator(file, ts.funds_file),
                             line=ts.line, funds_file=ts.funds_file, orphan=ts.orphan))
    docs[0].notes.extend(tr.issues)  # about the table as a whole (unknown columns): listed once
    return docs


READER = register(Reader("table", TABLE_SUFFIXES, sniff, read, priority=10, title="长表（CSV/Excel）", many=True,
                         skip=skip, companion=companion))
