"""Writing the outputs: staged under temporary names, published by rename.

:class:`Staging` hands out temporary paths inside the output directory
(``.summary.csv.<pid>.tmp``) and renames them all into place only once every
output is complete (``os.replace`` is atomic on one file system).  If the run
fails or is interrupted, the temporary files are removed and the outputs of
the previous run — if any — are left as they were: nobody ever opens half a
summary.

CSV files are UTF-8 with a BOM (so that Excel detects the encoding) and CRLF
line ends; workbooks are written with xlsxwriter in constant-memory mode, with
a fixed creation date so that their content does not depend on the clock.
Every text cell goes through :func:`perfeval.safety.safe_cell`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..numbers import round_half_up
from ..safety import safe_cell
from .report import INT, MONEY, RATE, SCORE, TEXT, Table

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
FIXED_DATE = _dt.datetime(2020, 1, 1)


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
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        self.dirs[name] = tmp
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
# Cell values
# ---------------------------------------------------------------------------
def _floats(col: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in col], dtype=float)


def _numbers(col: list[Any], kind: str) -> list[float | None]:
    """Half-up rounded numbers for a typed cell (rates as fractions rounded to 0.01 %)."""
    a = _floats(col)
    r = round_half_up(a * 100, 2) / 100 if kind == RATE else round_half_up(a, 2)
    r = r + 0.0  # no "-0.00"
    return [None if x != x else float(x) for x in r.tolist()]


def csv_column(col: list[Any], kind: str) -> list[str]:
    if kind == TEXT:
        return ["" if v is None else safe_cell(str(v)) for v in col]
    if kind == INT:
        return ["" if v is None else str(int(v)) for v in col]
    a = _floats(col)
    if kind == RATE:
        r = round_half_up(a * 100, 2) + 0.0
        return ["" if x != x else f"{x:.2f}%" for x in r.tolist()]
    r = round_half_up(a, 2) + 0.0
    return ["" if x != x else f"{x:.2f}" for x in r.tolist()]


BLOCK = 50_000  # rows converted at a time: bounds the memory of text cells for large batches


def write_csv(path: Path, table: Table) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(table.headers)
        for start in range(0, table.height, BLOCK):
            cols = [csv_column(c[start:start + BLOCK], k) for c, k in zip(table.columns, table.kinds)]
            w.writerows(zip(*cols))


# ---------------------------------------------------------------------------
# Workbook
# ---------------------------------------------------------------------------
def _cells(col: list[Any], kind: str) -> list[Any]:
    if kind == TEXT:
        return [None if v is None else safe_cell(str(v))[:EXCEL_MAX_CHARS] for v in col]
    if kind == INT:
        return [None if v is None else int(v) for v in col]
    return _numbers(col, kind)


class Workbook:
    """A summary workbook: typed sheets, a header style, and a native chart."""

    def __init__(self, path: Path):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.wb.set_properties({"title": "绩效自评批量复核汇总", "author": "perfeval", "created": FIXED_DATE})
        self.fmt_header = self.wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7", "border": 1})
        self.fmt = {
            MONEY: self.wb.add_format({"num_format": "0.00"}),
            SCORE: self.wb.add_format({"num_format": "0.00"}),
            RATE: self.wb.add_format({"num_format": "0.00%"}),
            INT: self.wb.add_format({"num_format": "0"}),
            TEXT: None,
        }

    def sheet(self, table: Table, note_when_cut: str = "") -> Any:
        ws = self.wb.add_worksheet(table.name)
        for c, (kind, width) in enumerate(zip(table.kinds, table.widths or [12] * len(table.kinds))):
            ws.set_column(c, c, width, self.fmt[kind])
        ws.write_row(0, 0, table.headers, self.fmt_header)
        ws.freeze_panes(1, 0)
        n = table.height
        limit = EXCEL_MAX_ROWS - 2
        cut = n > limit
        n_rows = limit if cut else n
        writers: list[Callable] = [ws.write_string if k == TEXT else ws.write_number for k in table.kinds]
        fmts = [self.fmt[k] for k in table.kinds]
        for start in range(0, n_rows, BLOCK):
            stop = min(start + BLOCK, n_rows)
            cols = [_cells(col[start:stop], kind) for col, kind in zip(table.columns, table.kinds)]
            for r, row in enumerate(zip(*cols), start=start + 1):
                for c, v in enumerate(row):
                    if v is not None:
                        writers[c](r, c, v, fmts[c])
        if cut:
            ws.write_string(n_rows + 1, 0, f"（共 {n} 行，工作表只能容纳 {n_rows} 行；完整内容见 {note_when_cut}）")
        if table.headers:
            ws.autofilter(0, 0, max(n_rows, 1), len(table.headers) - 1)
        return ws

    def grade_chart(self, ws: Any, table: Table) -> None:
        n = table.height
        if not n:
            return
        chart = self.wb.add_chart({"type": "column"})
        chart.add_series({
            "name": "项目数",
            "categories": [table.name, 1, 0, n, 0],
            "values": [table.name, 1, 1, n, 1],
            "data_labels": {"value": True},
        })
        chart.set_title({"name": "等级分布（已评分项目）"})
        chart.set_x_axis({"name": "等级"})
        chart.set_y_axis({"name": "项目数", "major_gridlines": {"visible": True}})
        chart.set_legend({"none": True})
        ws.insert_chart(1, 3, chart, {"x_scale": 1.3, "y_scale": 1.2})

    def close(self) -> None:
        self.wb.close()
