"""Writing the outputs: staged under temporary names, published by rename.


:class:`Staging` hands out temporary paths inside the output directory
(``.summary.csv.<pid>.tmp``) and renames them all into place only once every
output is complete (``os.replace`` is atomic on one file system).  If the run
fails or is interrupted, the temporary files are removed and the outputs of
the previous run — if any — are left as they were: nobody ever opens half a
summary.

CSV files are UTF-8 with a BOM (so that Excel detects the encoding) and CRLF
line ends, written by polars from columns formatted column-wise (numbers half-up
to 2 decimals with integer arithmetic on cents).  Workbooks are written from
polars frames by rustpy-xlsxwriter (a binding of rust_xlsxwriter, ≈ 15× faster
than xlsxwriter on the summary; see docs/performance.md), with a fixed creation
date so that their bytes do not depend on the clock.  Every text cell goes
through :func:`perfeval.safety.safe_cell`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import polars as pl

from ..chars import CONTROL
from ..numbers import round_half_up
from ..safety import safe_cell
from .report import INT, MONEY, RATE, SCORE, TEXT, Table

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
FIXED_DATE = _dt.datetime(2020, 1, 1)
TITLE = "绩效自评批量复核汇总"
TAIL_LIMIT = 4 << 20  # bytes of archive entries after the properties that may be rewritten in place


class Staging:
    """Temporary outputs in ``out`` that become real only on :meth:`commit`."""

    def __init__(self, out: str | os.PathLike):
        self.out = Path(out)
        self.tag = str(os.getpid())
        self.files: dict[str, Path] = {}
        self.dirs: dict[str, Path] = {}

    def path(self, name: str) -> Path:
        tmp = self.out / f".{name}.{self.tag}.tmp"
        self.files[name] = tmp
        return tmp

    def directory(self, name: str) -> Path:
        tmp = self.out / f".{name}.{self.tag}.tmp"
        self.dirs[name] = tmp  # registered before it exists: a signal right after mkdir still gets it removed
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        return tmp

    def commit(self) -> list[Path]:
        done = []
        for name, tmp in self.files.items():
            os.replace(tmp, self.out / name)
            done.append(self.out / name)
        for name, tmp in self.dirs.items():
            final = self.out / name
            old = self.out / f".{name}.{self.tag}.old"
            if final.exists():
                os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
            done.append(final)
        self.files.clear()
        self.dirs.clear()
        return done

    def discard(self) -> None:
        for tmp in self.files.values():
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        for tmp in self.dirs.values():
            shutil.rmtree(tmp, ignore_errors=True)
        self.files.clear()
        self.dirs.clear()


# ---------------------------------------------------------------------------
# Cell values (column-wise, through polars)
# ---------------------------------------------------------------------------
# a text cell that safe_cell may change: formula start or a control character; only those go through Python
_RISKY = rf"^[=+\-@\t\r＝＋－＠]|[{CONTROL}]"


def _series(col: Any, dtype: Any = None) -> pl.Series:
    if isinstance(col, pl.Series):
        return col
    if dtype is pl.String:
        return pl.Series([v if v is None or type(v) is str else str(v) for v in col], dtype=pl.String)
    return pl.Series(col, dtype=dtype, strict=False)


def text_series(col: Any, limit: int | None = None) -> pl.Series:
    """Text cells through :func:`perfeval.safety.safe_cell` (nulls stay null)."""
    s = _series(col, pl.String)
    if s.dtype != pl.String:
        s = s.cast(pl.String)
    risky = s.str.contains(_RISKY).fill_null(False)
    if risky.any():
        idx = risky.arg_true()
        s = s.scatter(idx, pl.Series([safe_cell(v) for v in s.gather(idx).to_list()], dtype=pl.String))
    if limit is not None:
        s = s.str.slice(0, limit)
    return s


def _floats(col: Any) -> np.ndarray:
    s = _series(col, pl.Float64)
    return s.cast(pl.Float64).fill_null(float("nan")).to_numpy()


def _numbers(col: Any, kind: str) -> pl.Series:
    """Half-up rounded numbers for a typed cell (rates as fractions: 0.01 % steps), null where empty."""
    a = _floats(col)
    if kind == RATE:
        r = np.round(round_half_up(a * 100, 2) / 100, 4)  # the double nearest the 4-decimal fraction
    else:
        r = round_half_up(a, 2)
    return pl.Series(r + 0.0, dtype=pl.Float64).fill_nan(None)  # + 0.0: no "-0.00"


def _fixed2(a: np.ndarray, suffix: str = "") -> pl.Series:
    """Numbers already rounded to 2 decimals as text "-12.30" — exact integer arithmetic on cents."""
    cents = pl.Series(np.rint(a * 100)).fill_nan(None).cast(pl.Int64)
    ab = cents.abs()
    return pl.select(
        pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
        + (ab // 100).cast(pl.String) + "." + (ab % 100).cast(pl.String).str.zfill(2) + suffix
    ).to_series()


def csv_column(col: Any, kind: str) -> pl.Series:
    """One column as CSV text: numbers half-up to 2 decimals, rates as percentages, "" where empty."""
    if kind == TEXT:
        s = text_series(col)
    elif kind == INT:
        s = _series(col, pl.Int64).cast(pl.Int64).cast(pl.String)
    elif kind == RATE:
        s = _fixed2(round_half_up(_floats(col) * 100, 2) + 0.0, "%")
    else:
        s = _fixed2(round_half_up(_floats(col), 2) + 0.0)
    return s.replace("", None)  # empty and missing cells are both written as nothing


def write_csv(path: Path, table: Table) -> None:
    """UTF-8 with BOM, CRLF, minimal quoting (what Python's csv module writes, byte for byte)."""
    if table.height == 0:  # polars would still need a schema; the header is all there is
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerow(table.headers)
        return
    frame = pl.DataFrame([csv_column(c, k).alias(h) for c, k, h in zip(table.columns, table.kinds, table.headers, strict=True)])
    frame.write_csv(path, include_bom=True, line_terminator="\r\n", quote_style="necessary")


# ---------------------------------------------------------------------------
# Workbook
# ---------------------------------------------------------------------------
def excel_column(col: Any, kind: str) -> pl.Series:
    if kind == TEXT:
        return text_series(col, EXCEL_MAX_CHARS)
    if kind == INT:
        return _series(col, pl.Int64).cast(pl.Int64)
    return _numbers(col, kind)


@dataclass
class Sheet:
    """A worksheet as the writer will lay it out (frames in, sheets out)."""

    name: str
    frame: pl.DataFrame
    kinds: list[str]
    widths: list[float]
    links: list[str] = field(default_factory=list)  # columns of links (file:///./forms/…), shown as the relative path
    chart: dict | None = None
    one_page: bool = False


def _core_xml(title: str, author: str, when: _dt.datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_escape(title)}</dc:title><dc:creator>{xml_escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{xml_escape(author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    ).encode()


def pin_properties(path: Path, title: str, author: str, when: _dt.datetime = FIXED_DATE) -> None:
    """Replace the workbook's document properties (rust_xlsxwriter stamps the current time).

    The writer puts ``docProps/core.xml`` after the sheets; only the small tail of the archive
    from there on (properties, drawings, charts) is rewritten and the sheets are not
    recompressed, so the workbook's bytes depend on its content alone.  Any other layout is
    rewritten entry by entry (slower, same result).
    """
    core = _core_xml(title, author, when)
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        k = names.index("docProps/core.xml")
        tail = infos[k:]
        blobs = {i.filename: (core if i.filename == "docProps/core.xml" else z.read(i)) for i in tail}
    if sum(i.file_size for i in tail) < TAIL_LIMIT and all(i.header_offset >= infos[k].header_offset for i in tail):
        zf = zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED)
        # zipfile appends at ``start_dir`` and writes the directory of ``filelist`` on close (CPython 3.8–3.13)
        if all(hasattr(zf, a) for a in ("start_dir", "filelist", "NameToInfo")):
            try:
                keep = infos[:k]
                zf.filelist = keep
                zf.NameToInfo = {i.filename: i for i in keep}
                zf.start_dir = tail[0].header_offset  # new entries (and the directory) overwrite the old tail
                for i in tail:
                    zf.writestr(_entry(i.filename), blobs[i.filename])
            finally:
                zf.close()
            return
        zf.close()
    tmp = path.with_name(path.name + ".pin")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for i in src.infolist():
            dst.writestr(_entry(i.filename), core if i.filename == "docProps/core.xml" else src.read(i))
    os.replace(tmp, path)


def _entry(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


class Workbook:
    """A summary workbook written by rustpy-xlsxwriter (rust_xlsxwriter) from polars frames.

    :meth:`sheet` and :meth:`grade_chart` only describe the sheets; :meth:`close` writes the
    whole file in one call into Rust.  Every sheet is printable: landscape A4, one page wide,
    header row repeated on every page, panes frozen under the header.
    """

    def __init__(self, path: Path, title: str = TITLE, author: str = "perfeval"):
        self.path = Path(path)
        self.title = title
        self.author = author
        self.sheets: list[Sheet] = []

    def sheet(self, table: Table, note_when_cut: str = "", links: list[str] | None = None) -> Sheet:
        n = table.height
        limit = EXCEL_MAX_ROWS - 2
        cut = n > limit
        cols = [c[:limit] if cut else c for c in table.columns]
        frame = pl.DataFrame([excel_column(c, k).alias(h) for c, k, h in zip(cols, table.kinds, table.headers, strict=True)]) if table.headers else pl.DataFrame()
        if cut and TEXT in table.kinds:
            j = table.kinds.index(TEXT)
            note = {h: None for h in frame.columns}
            where = f"；完整内容见 {note_when_cut}" if note_when_cut else ""
            note[frame.columns[j]] = f"（共 {n} 行，工作表只能容纳 {limit} 行{where}）"
            frame = pl.concat([frame, pl.DataFrame([note], schema=frame.schema)])
        sh = Sheet(table.name, frame, list(table.kinds), list(table.widths or [12] * len(table.kinds)), list(links or []))
        self.sheets.append(sh)
        return sh

    def grade_chart(self, sh: Sheet, table: Table) -> None:
        if not table.height:
            return
        sh.chart = {
            "type": "column", "series": [{"values": table.headers[1], "name": "项目数"}], "categories": table.headers[0],
            "title": "等级分布（已评分项目）", "x_axis": "等级", "y_axis": "项目数", "legend": False,
            "row": 1, "col": 3, "width": 624, "height": 346,
        }
        sh.one_page = True

    def close(self) -> None:
        from rustpy_xlsxwriter import FastExcel, Format

        header = Format().set_bold().set_text_wrap().set_align("vcenter").set_background_color("#DDEBF7").set_border("thin")
        fmt = {MONEY: "0.00", SCORE: "0.00", RATE: "0.00%", INT: "0"}
        fe = FastExcel(str(self.path)).freeze(row=1)
        for sh in self.sheets:
            setup: dict[str, Any] = {"landscape": True, "paper_size": 9, "repeat_rows": (0, 0),
                                     "fit_to_pages": (1, 1) if sh.one_page else (1, 0)}
            opts: dict[str, Any] = {
                "column_widths": sh.widths,
                "column_formats": [Format().set_num_format(fmt[k]) if k in fmt else None for k in sh.kinds],
                "header_format": header, "autofilter": bool(sh.frame.width), "page_setup": setup,
            }
            if sh.links:
                opts["url_columns"] = sh.links
            if sh.chart:
                opts["charts"] = [sh.chart]
            fe.sheet(sh.name, sh.frame, **opts)
        fe.save()
        pin_properties(self.path, self.title, self.author)
