"""The 自评表 as an Excel workbook (xlsxwriter, in memory).

One worksheet per project.  The layout is laid out as a list of cells
(row, column, spans, value, style) and then written: merged ranges for spans,
thin borders, wrapped Chinese text, numbers stored as numbers (``0.00`` for
money and scores, ``0.00%`` for rates), column widths fitted to the content,
row heights estimated for wrapped text (Excel does not grow merged rows by
itself), A4 landscape, fitted to one page; block labels horizontal and wrapped, their rows tall enough.

xlsxwriter was chosen by measurement (performance-baselines.md: ~300
workbooks/s with ``in_memory=True`` against 73/s for openpyxl).  User text is
written with ``write_string`` — a string cell, never interpreted as a formula — after
:func:`perfeval.safety.safe_text` (control characters made visible); no apostrophe is
put before "=100%", which would be printed on the form (issue #10).  CSV keeps the
formula guard (``safe_cell``).
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter

from ..chars import C0_ALL
from ..layouts import get_layout
from ..safety import safe_text
from .context import MONEY, PLAIN, RATE, Num

FONT = "宋体"
FONT_SIZE = 10.5
LINE_PT = 14.5  # row height per wrapped line at FONT_SIZE


@dataclass
class Cell:
    r: int
    c: int
    value: Any  # str | Num | float | None
    style: str = "text"
    rs: int = 1
    cs: int = 1
    comment: str | None = None


@dataclass
class Grid:
    ncols: int
    widths: list[tuple[float, float]]  # (min, max) width per column, in character units
    cells: list[Cell] = field(default_factory=list)
    row: int = 0
    bordered_from: int = 0
    bordered_to: int = 0

    def add(self, c: int, value: Any, style: str = "text", rs: int = 1, cs: int = 1, comment: str | None = None, r: int | None = None) -> None:
        self.cells.append(Cell(self.row if r is None else r, c, value, style, rs, cs, comment))

    def span_to_end(self, c: int) -> int:
        return self.ncols - c


_STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
    "subtitle": {"font_size": 12, "align": "center", "valign": "vcenter"},
    "meta": {"font_size": 9, "align": "left", "valign": "vcenter"},
    "meta_right": {"font_size": 9, "align": "right", "valign": "vcenter"},
    "label": {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True, "bg_color": "#F2F2F2"},
    "block": {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True, "bg_color": "#F2F2F2"},
    "head": {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True, "bg_color": "#F2F2F2"},
    "text": {"align": "left", "valign": "vcenter", "border": 1, "text_wrap": True},
    "center": {"align": "center", "valign": "vcenter", "border": 1, "text_wrap": True},
    "bold_text": {"bold": True, "align": "left", "valign": "vcenter", "border": 1, "text_wrap": True},
    "money": {"num_format": "0.00", "align": "right", "valign": "vcenter", "border": 1},
    "score": {"num_format": "0.00", "align": "right", "valign": "vcenter", "border": 1},
    "rate": {"num_format": "0.00%", "align": "right", "valign": "vcenter", "border": 1},
    "plain": {"num_format": "General", "align": "right", "valign": "vcenter", "border": 1},
    "score_total": {"num_format": "0.00", "align": "right", "valign": "vcenter", "border": 1, "bold": True},
    "score_diff": {"num_format": "0.00", "align": "right", "valign": "vcenter", "border": 1, "bold": True,
                   "font_color": "#B00020", "bg_color": "#FFE0E0"},
    "text_diff": {"align": "center", "valign": "vcenter", "border": 1, "text_wrap": True, "bold": True,
                  "font_color": "#B00020", "bg_color": "#FFE0E0"},
    "score_unscorable": {"num_format": "0.00", "align": "right", "valign": "vcenter", "border": 1, "bg_color": "#FFF3CD"},
    "note": {"font_size": 9, "align": "left", "valign": "top", "text_wrap": True},
    "note_error": {"font_size": 9, "align": "left", "valign": "top", "text_wrap": True, "font_color": "#B00020"},
}
_NUM_STYLE = {MONEY: "money", RATE: "rate", PLAIN: "plain"}


def display_width(s: str) -> int:
    """Width in Excel character units: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _text_of(v: Any) -> str:
    if v is None:
        return ""
    return str(v)


# ---------------------------------------------------------------------------
# layouts
# ---------------------------------------------------------------------------
def _score(g: Grid, c: int, n: Num, diff: dict | None = None, status: str = "", total: bool = False) -> None:
    if diff:
        g.add(c, n, "score_diff", comment=diff["title"])
    elif status == "unscorable":
        g.add(c, n, "score_unscorable", comment="实际完成值无法与年度指标值比较，不能按规则评分，按 0 分计")
    else:
        g.add(c, n, "score_total" if total else "score")


def _claimed(g: Grid, c: int, n: Num, diff: dict | None) -> None:
    if diff:
        g.add(c, n, "score_diff", comment=f"{diff['label']}：{diff['title']}")
    else:
        g.add(c, n, "score")


def _header(g: Grid, f: dict) -> None:
    n = g.ncols
    g.add(0, f["title"], "title", cs=n)
    g.row += 1
    g.add(0, f"（{f['year']}年度）", "subtitle", cs=n)
    g.row += 1
    half = n // 2
    g.add(0, f"评分规则：{f['profile'].get('title', '')}", "meta", cs=half)
    g.add(half, f"金额单位：{f['unit']}", "meta_right", cs=n - half)
    g.row += 1
    g.bordered_from = g.row


def _project_rows(g: Grid, f: dict, impl_label_cs: int) -> None:
    n = g.ncols
    p = f["project"]
    g.add(0, "项目名称", "label", cs=2)
    g.add(2, p["name"], "text", cs=n - 2)
    g.row += 1
    g.add(0, "主管部门", "label", cs=2)
    g.add(2, p["department"], "text", cs=3)
    g.add(5, "实施单位", "label", cs=impl_label_cs)
    g.add(5 + impl_label_cs, p["implementer"], "text", cs=n - 5 - impl_label_cs)
    g.row += 1


def _indicator_rows(g: Grid, f: dict, cols: list[str], claims: bool) -> None:
    """Rows of the indicator block; ``cols`` lists the columns after 三级指标 up to 分值/权重."""
    for i in f["indicators"]:
        if i["l1_span"]:
            g.add(1, i["level1"], "center", rs=i["l1_span"])
        if i["l2_span"]:
            g.add(2, i["level2"], "center", rs=i["l2_span"])
        g.add(3, i["name"], "text")
        c = 4
        for key in cols:
            if key == "value":
                g.add(c, Num(i["value_num"], PLAIN, i["value"]) if i["value_num"] is not None else i["value"],
                      "plain" if i["value_num"] is not None else "text")
            elif key in ("nature", "unit"):
                g.add(c, i[key], "center")
            else:
                g.add(c, i[key], "text")
            c += 1
        g.add(c, i["weight"], "center" if i["na"] else "score")
        _score(g, c + 1, i["score"], i["diff"], i["status"])
        c += 2
        if claims:
            _claimed(g, c, i["claimed"], i["diff"])
            c += 1
        g.add(c, i["note"], "text")
        g.row += 1


def _totals(g: Grid, f: dict, label: str, label_cs: int, claims: bool) -> None:
    t = f["totals"]
    n = g.ncols
    g.add(0, label, "label", cs=label_cs)
    g.add(label_cs, t["weight"], "score_total")
    _score(g, label_cs + 1, t["score"], t["diff"], total=True)
    c = label_cs + 2
    if claims:
        _claimed(g, c, t["claimed"], t["diff"])
        c += 1
    g.add(c, "", "text", cs=n - c)
    g.row += 1
    g.add(0, "等级", "label", cs=label_cs)
    grade = t["grade"] + (f"（自评：{t['claimed_grade']}）" if t["claimed_grade"] else "")
    comment = f"自评等级“{t['claimed_grade']}”与按规则计算的等级“{t['grade']}”不符" if t["grade_diff"] else None
    g.add(label_cs, grade, "text_diff" if t["grade_diff"] else "bold_text", cs=n - label_cs, comment=comment)
    g.row += 1


def _review(g: Grid, f: dict, show_review: bool) -> None:
    g.bordered_to = g.row
    n = g.ncols
    if f["has_claims"]:
        g.add(0, "⚠ 红色标记：单位自评得分与按规则计算的得分不符（“得分”为按规则计算，“自评得分”为单位填报）。", "note", cs=n)
        g.row += 1
    if not (show_review and f["issues"]):
        return
    g.row += 1
    g.add(0, "复核意见（perfeval 按规则生成，不属于自评表）", "note", cs=n)
    g.row += 1
    for i in f["issues"]:
        where = f"（第 {i['line']} 行）" if i["line"] else ""
        hint = f"（如何修改：{i['hint']}）" if i["hint"] else ""
        g.add(0, f"{i['severity_zh']} {i['code']}{where}：{i['message']}{hint}", "note_error" if i["severity"] == "error" else "note", cs=n)
        g.row += 1


def national_grid(f: dict, show_review: bool = True) -> Grid:
    x = 1 if f["has_claims"] else 0
    n = 9 + x
    widths = [(7, 7), (9, 12), (10, 14), (14, 26), (12, 24), (10, 18), (8, 10), (8, 10)] + ([(9, 11)] if x else []) + [(14, 30)]
    g = Grid(n, widths)
    _header(g, f)
    _project_rows(g, f, 1)
    # funds
    srcs = f["funds"]["sources"]
    g.add(0, f"项目资金（{f['unit']}）", "block", rs=2 + len(srcs))
    g.add(1, "", "head", cs=2)
    for k, h in enumerate(["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"] + (["自评得分"] if x else [])):
        g.add(3 + k, h, "head")
    g.row += 1
    for k, row in enumerate([f["funds"]["total"], *srcs]):
        label = row["label"] if row["total"] else ("其中：" if k == 1 else "　　　") + row["label"]
        g.add(1, label, "bold_text" if row["total"] else "text", cs=2)
        g.add(3, row["initial"], "money")
        g.add(4, row["budget"], "money")
        g.add(5, row["executed"], "money")
        g.add(6, row["weight"], "score" if row["total"] else "center")
        g.add(7, row["rate"], "rate")
        if row["total"]:
            _score(g, 8, row["score"], row["diff"])
            if x:
                _claimed(g, 9, row["claimed"], row["diff"])
        else:
            g.add(8, row["score"], "center")
            if x:
                g.add(9, "", "text")
        g.row += 1
    # goal
    g.add(0, "年度总体目标", "block", rs=2)
    g.add(1, "预期目标", "head", cs=4)
    g.add(5, "实际完成情况", "head", cs=n - 5)
    g.row += 1
    g.add(1, f["goal"]["target"], "text", cs=4)
    g.add(5, f["goal"]["actual"], "text", cs=n - 5)
    g.row += 1
    # indicators
    g.add(0, "绩效指标", "block", rs=1 + len(f["indicators"]))
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"] + (["自评得分"] if x else []) + ["偏差原因分析及改进措施"]
    for k, h in enumerate(heads):
        g.add(1 + k, h, "head")
    g.row += 1
    _indicator_rows(g, f, ["target", "actual"], bool(x))
    _totals(g, f, "总分", 6, bool(x))
    _review(g, f, show_review)
    return g


def sichuan_grid(f: dict, show_review: bool = True) -> Grid:
    x = 1 if f["has_claims"] else 0
    n = 11 + x
    widths = [(7, 7), (9, 12), (9, 14), (14, 26), (7, 9), (8, 16), (7, 9), (9, 18), (7, 10), (8, 10)] + ([(9, 11)] if x else []) + [(14, 30)]
    g = Grid(n, widths)
    _header(g, f)
    _project_rows(g, f, 2)
    g.add(0, "项目基本情况", "block", rs=2)
    g.add(1, "项目年度目标", "head", cs=5)
    g.add(6, "年度目标完成情况", "head", cs=n - 6)
    g.row += 1
    g.add(1, f["goal"]["target"], "text", cs=5)
    g.add(6, f["goal"]["actual"], "text", cs=n - 6)
    g.row += 1
    srcs = f["funds"]["sources"]
    g.add(0, f"预算执行情况（{f['exec_points']}分）", "block", rs=2 + len(srcs))
    g.add(1, "", "head", cs=2)
    for k, h in enumerate(["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"] + (["自评得分"] if x else [])):
        g.add(3 + k, h, "head")
    g.add(9 + x, "原因", "head", cs=n - 9 - x)
    g.row += 1
    for k, row in enumerate([f["funds"]["total"], *srcs]):
        label = row["label"] if row["total"] else ("其中：" if k == 1 else "　　　") + row["label"]
        g.add(1, label, "bold_text" if row["total"] else "text", cs=2)
        g.add(3, row["initial"], "money")
        g.add(4, row["budget"], "money")
        g.add(5, row["executed"], "money")
        g.add(6, row["rate"], "rate")
        g.add(7, row["weight"], "score" if row["total"] else "center")
        if row["total"]:
            _score(g, 8, row["score"], row["diff"])
            if x:
                _claimed(g, 9, row["claimed"], row["diff"])
            g.add(9 + x, f["funds"]["note"], "text", rs=1 + len(srcs), cs=n - 9 - x)
        else:
            g.add(8, row["score"], "center")
            if x:
                g.add(9, "", "text")
        g.row += 1
    g.add(0, f"绩效指标（{f['indicator_points']}分）", "block", rs=1 + len(f["indicators"]))
    heads = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分"] + (["自评得分"] if x else []) + ["未完成原因分析"]
    for k, h in enumerate(heads):
        g.add(1 + k, h, "head")
    g.row += 1
    _indicator_rows(g, f, ["nature", "value", "unit", "actual"], bool(x))
    _totals(g, f, "合计", 8, bool(x))
    for label, key in (("评价结论", "conclusion"), ("存在问题", "problems"), ("改进措施", "suggestions")):
        g.add(0, label, "label", cs=2)
        g.add(2, f["narrative"][key], "text", cs=n - 2)
        g.row += 1
    _review(g, f, show_review)
    return g


GRIDS = {"national": national_grid, "sichuan": sichuan_grid}  # by Layout.grid_name (perfeval.layouts)


def grid_for(f: dict, show_review: bool = True) -> Grid:
    return GRIDS[get_layout(f["layout"]).grid_name](f, show_review)


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
def _fit_widths(g: Grid) -> list[float]:
    need = [lo for lo, _ in g.widths]
    for cell in g.cells:
        if cell.cs != 1 or cell.style in ("title", "subtitle", "meta", "meta_right", "note", "note_error", "block"):
            continue
        w = max((display_width(x) for x in _text_of(cell.value).split("\n")), default=0) + 2
        lo, hi = g.widths[cell.c]
        need[cell.c] = min(max(need[cell.c], w), hi)
    return need


def _row_heights(g: Grid, widths: list[float]) -> dict[int, float]:
    lines: dict[int, int] = {}
    spanning: list[Cell] = []
    for cell in g.cells:
        text = _text_of(cell.value)
        if not text:
            continue
        avail = max(sum(widths[cell.c: cell.c + cell.cs]) - 1.5, 2)
        n = sum(max(1, math.ceil(display_width(part) / avail)) for part in text.split("\n"))
        if cell.rs > 1:
            spanning.append(Cell(cell.r, cell.c, n, rs=cell.rs))
        else:
            lines[cell.r] = max(lines.get(cell.r, 1), n)
    heights = {r: n * LINE_PT + 4 for r, n in lines.items()}
    for s in spanning:  # a merged block that needs more room than its rows give: grow its last row
        have = sum(heights.get(r, LINE_PT + 4) for r in range(s.r, s.r + s.rs))
        want = s.value * LINE_PT + 4
        if want > have:
            last = s.r + s.rs - 1
            heights[last] = heights.get(last, LINE_PT + 4) + (want - have)
    return heights


_SHEET_BAD = re.compile(rf"[\[\]:*?/\\{C0_ALL}]")


def sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name or "").strip("'").strip() or "自评表"
    if base.lower() == "history":
        base += "_"
    base = base[:31]
    cand, k = base, 2
    while cand.lower() in used:
        suffix = f"({k})"
        cand = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(cand.lower())
    return cand


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def __getitem__(self, style: str):
        f = self.cache.get(style)
        if f is None:
            props = {"font_name": FONT, "font_size": FONT_SIZE, **_STYLES[style]}
            f = self.cache[style] = self.wb.add_format(props)
        return f


_OWN_TOKENS = frozenset({"=", "-", "/"})


def _write_value(ws, r: int, c: int, value: Any, fmt) -> None:
    if isinstance(value, Num):
        if value.value is not None:
            ws.write_number(r, c, value.value, fmt)
        elif value.text:
            ws.write_string(r, c, value.text, fmt)
        else:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, float(value), fmt)
    elif value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif value in _OWN_TOKENS:  # our own comparator/placeholder cells, not user text
        ws.write_string(r, c, value, fmt)
    else:
        ws.write_string(r, c, safe_text(str(value)), fmt)  # a string cell is never evaluated: no apostrophe


def write_sheet(wb: xlsxwriter.Workbook, fmts: _Formats, f: dict, name: str, show_review: bool = True) -> None:
    g = grid_for(f, show_review)
    ws = wb.add_worksheet(name)
    widths = _fit_widths(g)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    heights = _row_heights(g, widths)
    heights[0] = 26
    for r, h in heights.items():
        ws.set_row(r, h)
    for cell in g.cells:
        fmt = fmts[cell.style]
        if cell.rs > 1 or cell.cs > 1:
            ws.merge_range(cell.r, cell.c, cell.r + cell.rs - 1, cell.c + cell.cs - 1, "", fmt)
        _write_value(ws, cell.r, cell.c, cell.value, fmt)
        if cell.comment:
            ws.write_comment(cell.r, cell.c, cell.comment, {"x_scale": 2, "y_scale": 1.2, "font_name": FONT})
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 1)  # the form is one A4 page (issue #10); the 复核意见 block is only added with --review
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.print_area(0, 0, max(g.row - 1, 0), g.ncols - 1)
    ws.hide_gridlines(2)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_workbook(forms: list[dict], target: str | os.PathLike | io.BytesIO, show_review: bool = True) -> None:
    """Write one workbook with one sheet per form view to a path or a binary stream."""
    wb = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target), {"in_memory": True})
    wb.set_properties({"title": "项目支出绩效自评表", "comments": "由 perfeval 按规则生成"})
    fmts = _Formats(wb)
    used: set[str] = set()
    for f in forms:
        write_sheet(wb, fmts, f, sheet_name(f["project"]["name"], used), show_review)
    wb.close()


def workbook_bytes(forms: list[dict], show_review: bool = True) -> bytes:
    buf = io.BytesIO()
    write_workbook(forms, buf, show_review)
    return buf.getvalue()
