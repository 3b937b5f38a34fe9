"""Office form files (.xlsx / .xls / .docx / .pdf) read as submissions.

``read_forms(path)`` → one :class:`FormDoc` per 自评表 found, each holding a
:class:`~perfeval.declare.load.Loaded` whose data is exactly the format-v1
dict a YAML file would give.  Its "line numbers" are cell coordinates encoded
as ``row * 1000 + column`` (:func:`decode`); the reader registered in
:mod:`perfeval.readers.office` turns them into the cell the user sees
(``自评表.xlsx:Sheet1!F14``, ``报告.docx:表2!C5``).

File → grids: :mod:`.grids`; grids → forms: :mod:`.recognise`; docs/import.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..issues import Issue, make_issue
from ..profile import get_profile, packaged_profiles
from .grids import OFFICE_SUFFIXES, Grid, OfficeError, cell_name, col_letter, read_grids
from .recognise import Form, indicator_header_rows, is_long_table, norm, recognise, submission

__all__ = ["CELL_BASE", "OFFICE_SUFFIXES", "FormDoc", "decode", "forms_in_grids", "is_office_path", "lying_extension", "read_forms"]

#: encoded line = row * CELL_BASE + column (1-based); below CELL_BASE a line means "no cell"
CELL_BASE = 1000
#: a form continued in a later Word/PDF table: line = part * PART_BASE + row * CELL_BASE + column
PART_BASE = 100_000_000


@dataclass
class FormDoc:
    key: str  # unique name in a run: the file, or "file#k" when a file holds several forms
    file: str  # the file as the user named it
    place: str  # sheet / table
    excel: bool
    loaded: Loaded
    places: tuple[str, ...] = ()  # a form continued over several tables: each part's table ("表1", "表2")


@dataclass
class JoinedGrid(Grid):
    """Word/PDF tables of one form split by a page break, read as one grid; cells keep their own table's name."""

    parts: tuple[tuple[int, str, int], ...] = ()  # (first row index in ``rows``, place, row0) of each table

    def part(self, i: int) -> tuple[int, int, str, int]:
        k = max(n for n, (start, _, _) in enumerate(self.parts) if start <= i)
        start, place, row0 = self.parts[k]
        return k, start, place, row0

    def where(self, i: int, j: int) -> str:
        _, start, place, row0 = self.part(i)
        return cell_name(place, self.excel, row0 + i - start, j + 1)


def is_office_path(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(OFFICE_SUFFIXES)


def encode(g: Grid, at: tuple[int, int] | None) -> int | None:
    if at is None:
        return None
    i, j = at
    if isinstance(g, JoinedGrid) and g.parts:
        k, start, _, row0 = g.part(i)
        return k * PART_BASE + (row0 + i - start) * CELL_BASE + (j + 1)
    return (g.row0 + i) * CELL_BASE + (j + 1)


def decode(pos: int | None) -> tuple[int | None, str | None]:
    """(row, column letter) of an encoded cell position; ``(None, None)`` when it names no cell."""
    if pos is None or pos < CELL_BASE:
        return None, None
    row, col = divmod(pos % PART_BASE, CELL_BASE)
    return row, col_letter(col)


def part_of(pos: int | None) -> int:
    """Which table of a form continued over several tables an encoded position is in (0: the first)."""
    return 0 if pos is None else pos // PART_BASE


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _width(g: Grid) -> int:
    return max((len(r) for r in g.rows), default=0)


def _has_label(g: Grid, word: str) -> bool:
    return any(isinstance(v, str) and norm(v) == word for r in g.rows for v in r)


def _continues(prev: Grid, g: Grid) -> bool:
    """Is Word/PDF table ``g`` the rest of the form begun in ``prev``, cut by a page break?

    Only tables (never worksheets), with no text between them (a page number at most), and either
    ``prev`` holds a form's indicator header and ``g`` has none of its own (or only a repeated one on its first
    row, on a table of the same width), or ``prev`` is the top of a form (项目名称 …) without indicators and
    ``g`` carries on with no 项目名称 of its own.
    """
    if prev.excel or g.excel or any(_CJK.search(t) for t in g.context):
        return False
    heads = indicator_header_rows(g)
    if indicator_header_rows(prev):
        if not heads:
            return not _has_label(g, "项目名称")
        first = next((i for i, r in enumerate(g.rows) if any(v not in (None, "") for v in r)), 0)
        return heads[0][0] == first and _width(prev) == _width(g)
    return _has_label(prev, "项目名称") and not _has_label(g, "项目名称")


def join_continued(grids: list[Grid]) -> list[Grid]:
    """Word tables split by a page break and PDF tables over two pages joined back into one grid per form."""
    out: list[Grid] = []
    for g in grids:
        if out and _continues(out[-1], g):
            prev = out[-1]
            parts = prev.parts if isinstance(prev, JoinedGrid) and prev.parts else ((0, prev.place, prev.row0),)
            off = len(prev.rows)
            out[-1] = JoinedGrid(prev.place, prev.excel, prev.rows + g.rows, prev.row0, list(prev.context),
                                 {**prev.errors, **{(i + off, j): v for (i, j), v in g.errors.items()}},
                                 prev.percent | {(i + off, j) for i, j in g.percent},
                                 parts=parts + ((off, g.place, g.row0),))
        else:
            out.append(g)
    return out


def _profile_from(g: Grid, form: Form) -> str | None:
    """A form may say which rules it follows ("评分规则：四川省（510000_0013zp）", as perfeval prints)."""
    import re

    titles = {}
    for name in packaged_profiles():
        try:
            titles[name] = get_profile(name).title
        except Exception:  # noqa: BLE001, S112 - a broken packaged profile is reported elsewhere
            continue
    for i in range(form.first_row, form.header_row):
        for v in g.rows[i]:
            if isinstance(v, str) and "评分规则" in v:
                m = re.search(r"评分规则\s*[:：]\s*(.+)$", v.strip())
                if not m:
                    continue
                said = m.group(1).strip()
                for name, title in titles.items():
                    if said == name or said == title:
                        return name
    return None


def _lines(form: Form, data: dict) -> dict[int, tuple[int, dict[Any, int]]]:
    """``Loaded.lines`` for a form: every mapping's own cell and its keys' cells (encoded)."""
    g = form.grid
    c = form.cells
    lines: dict[int, tuple[int, dict[Any, int]]] = {}
    head = encode(g, (form.header_row, form.header_cols.get("level1", 0)))
    top = encode(g, (form.first_row, 0))

    def put(node: Any, path: tuple, own: int | None) -> None:
        if not isinstance(node, dict):
            return
        keys = {}
        for k in node:
            at = c.get(path + (k,))
            keys[k] = encode(g, at) if at else own
        lines[id(node)] = (own or top or 1, keys)

    proj = data.get("project") or {}
    p_first = min((encode(g, v) for k, v in c.items() if k[0] == "project"), default=top)
    put(proj, ("project",), p_first)
    funds = data.get("funds") or {}
    f_line = encode(g, c.get(("funds",))) or p_first
    put(funds, ("funds",), f_line)
    for n, src in enumerate(funds.get("sources") or []):
        put(src, ("funds", "sources", n), encode(g, c.get(("funds", "sources", n))) or f_line)
    if isinstance(funds.get("total"), dict):
        put(funds["total"], ("funds", "total"), encode(g, c.get(("funds", "total"))) or f_line)
    if isinstance(data.get("goal"), dict):
        put(data["goal"], ("goal",), encode(g, c.get(("goal", "target"))) or f_line)
    if isinstance(data.get("narrative"), dict):
        put(data["narrative"], ("narrative",), None)
    for n, ind in enumerate(data.get("indicators") or []):
        put(ind, ("indicators", n), encode(g, c.get(("indicators", n))) or head)
    keys = {"perfeval": top, "project": p_first, "funds": f_line, "indicators": head}
    for k in ("goal", "claimed_total", "claimed_grade", "narrative", "profile"):
        if k in data:
            at = c.get((k,)) or c.get((k, "target"))
            keys[k] = encode(g, at) if at else top
    lines[id(data)] = (top or 1, keys)
    return lines


def forms_in_grids(grids: list[Grid], file: str) -> tuple[list[tuple[Grid, Form, dict]], bool]:
    """(grid, form, v1 data) of every form, and whether a long table was seen instead."""
    found = []
    long_table = False
    for g in join_continued(grids):
        forms = recognise(g)
        if not forms and is_long_table(g):
            long_table = True
        for f in forms:
            data = submission(f)
            prof = _profile_from(g, f)
            if prof:
                data = {"perfeval": 1, "profile": prof, **{k: v for k, v in data.items() if k != "perfeval"}}
            found.append((g, f, data))
    return found, long_table


def lying_extension(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS, display: str | None = None) -> Issue | None:
    """PE157 for a non-office name (``.yaml``, ``.csv``) whose content is an Excel/Word/PDF file, else ``None``."""
    from .grids import KIND_ZH, OLE_MAGIC, PDF_MAGIC, ZIP_MAGIC, content_kind

    try:
        with open(path, "rb") as fh:
            if not fh.read(8).startswith((ZIP_MAGIC, OLE_MAGIC, PDF_MAGIC)) or os.path.getsize(path) > limits.max_bytes:
                return None
            fh.seek(0)
            kind = content_kind(fh.read(limits.max_bytes + 1), limits)
    except OSError:
        return None
    if kind not in ("xlsx", "xls", "docx", "pdf", "doc", "encrypted"):
        return None
    ext = os.path.splitext(str(path))[1] or "（无扩展名）"
    return make_issue("PE157", file=display or str(path), ext=ext, actual=KIND_ZH[kind])


def read_forms(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS, display: str | None = None) -> tuple[list[FormDoc], list[Issue]]:
    """Every form in an office file, or (``[]``, the issues saying why there is none)."""
    file = display or str(path)
    try:
        kind, grids = read_grids(str(path), limits)
    except OfficeError as e:
        return [], [make_issue(e.code, file=file, **e.params)]
    found, long_table = forms_in_grids(grids, file)
    if not found:
        code = "PE153" if long_table else ("PE151" if kind == "pdf" and not any(g.rows for g in grids) else "PE152")
        return [], [make_issue(code, file=file, kind=kind)]
    docs = []
    for k, (g, f, data) in enumerate(found, 1):
        key = file if len(found) == 1 else f"{file}#{k}"
        ld = Loaded(file=key, data=data, lines=_lines(f, data))
        for code, at, params in f.notes:
            ld.issues.append(make_issue(code, file=key, line=encode(g, at), **params))
        places = tuple(p for _, p, _ in g.parts) if isinstance(g, JoinedGrid) else ()
        docs.append(FormDoc(key, file, g.place, g.excel, ld, places))
    return docs, []
