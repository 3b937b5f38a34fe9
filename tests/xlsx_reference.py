"""The summary workbook as it was written before issue 15 (xlsxwriter, cell by cell): the reference
that tests/test_batch_writers.py reads back and compares with the rustpy-xlsxwriter workbook."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from perfeval.batch.report import INT, MONEY, RATE, SCORE, TEXT, Table
from perfeval.numbers import round_half_up
from perfeval.safety import safe_cell

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
FIXED_DATE = _dt.datetime(2020, 1, 1)
BLOCK = 50_000


def _floats(col: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in col], dtype=float)


def _numbers(col: list[Any], kind: str) -> list[float | None]:
    """Half-up rounded numbers for a typed cell (rates as fractions rounded to 0.01 %)."""
    a = _floats(col)
    r = round_half_up(a * 100, 2) / 100 if kind == RATE else round_half_up(a, 2)
    r = r + 0.0  # no "-0.00"
    return [None if np.isnan(x) else float(x) for x in r.tolist()]


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
        for c, (kind, width) in enumerate(zip(table.kinds, table.widths or [12] * len(table.kinds), strict=True)):
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
            cols = [_cells(col[start:stop], kind) for col, kind in zip(table.columns, table.kinds, strict=True)]
            for r, row in enumerate(zip(*cols, strict=True), start=start + 1):
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


def csv_column(col: list[Any], kind: str) -> list[str]:
    """How the csv-module writer turned a column into text (the reference for the polars writer)."""
    if kind == TEXT:
        return ["" if v is None else safe_cell(str(v)) for v in col]
    if kind == INT:
        return ["" if v is None else str(int(v)) for v in col]
    a = _floats(col)
    if kind == RATE:
        r = round_half_up(a * 100, 2) + 0.0
        return ["" if np.isnan(x) else f"{x:.2f}%" for x in r.tolist()]
    r = round_half_up(a, 2) + 0.0
    return ["" if np.isnan(x) else f"{x:.2f}" for x in r.tolist()]
