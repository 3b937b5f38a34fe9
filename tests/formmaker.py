"""Make 自评表 office files (xlsx / docx / pdf) from a v1 submission, in the layouts departments use.

Used by the tests (every layout variation of docs/import.md) and by tools/make_example_forms.py
(examples/forms/).  The layout is built once as a :class:`Sheet` (rows of values plus merged
ranges) and written by xlsxwriter, python-docx or reportlab, so each variation exists in every
file type.  Nothing here is imported by perfeval itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfeval.notation import parse

OP_SYMBOL = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


@dataclass
class Sheet:
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (inclusive, 0-based)
    formulas: dict[tuple[int, int], tuple[str, Any]] = field(default_factory=dict)  # (r, c) -> (formula, cached)
    width: int = 9

    def add(self, values: list[Any]) -> int:
        self.rows.append(list(values) + [""] * (self.width - len(values)))
        return len(self.rows) - 1

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.merges.append((r0, c0, r1, c1))


@dataclass
class Layout:
    style: str = "national"  # "national" | "sichuan"
    title: bool = True
    year_in: str = "title"  # "title" | "cell"
    unit_line: bool = True
    header: dict[str, str] = field(default_factory=dict)  # overrides: key -> header text
    score_first: bool = False  # 得分 before 分值
    no_weight: bool = False  # no 分值 column at all
    no_score: bool = False  # no 得分 column
    levels: str = "merged"  # "merged" | "repeated" | "blank"
    numbers_as_text: bool = False
    thousands: bool = False  # numbers as text with thousands separators and every digit ("1,800,000", "207.4538")
    rate_as_text: bool = True
    footer: bool = True
    total_formula: bool = False  # 年度资金总额 as formulas with cached values
    error_cell: bool = False  # the total row's 执行率 is #DIV/0!
    empty_sources: tuple[str, ...] = ("上年结转资金", "其他资金")


def _num(v: Any, lay: Layout) -> Any:
    if v is None:
        return ""
    if lay.numbers_as_text and isinstance(v, (int, float)):
        return f"{v:,}" if lay.thousands else f"{v:g}"
    return v


def _rate(b: Any, e: Any, lay: Layout) -> Any:
    try:
        r = float(e) / float(b)
    except (TypeError, ValueError, ZeroDivisionError):
        return ""
    return f"{r * 100:.2f}%" if lay.rate_as_text else round(r, 4)


def build(sub: dict, lay: Layout | None = None, top: int = 0, left: int = 0) -> Sheet:
    """The form of ``sub`` as rows (``top`` blank rows and ``left`` blank columns before it)."""
    lay = lay or Layout()
    s = Sheet(width=left + (11 if lay.style == "sichuan" else 9))
    for _ in range(top):
        s.add([])
    pad = [""] * left
    p = sub["project"]
    year = p.get("year")
    W = s.width - left
    if lay.title:
        r = s.add(pad + ["项目支出绩效自评表"])
        s.merge(r, left, r, s.width - 1)
        if lay.year_in == "title":
            r = s.add(pad + [f"（{year}年度）"])
            s.merge(r, left, r, s.width - 1)
    unit = (sub.get("funds") or {}).get("unit", "万元")
    if lay.unit_line:
        s.add(pad + [""] * (W - 2) + [f"单位：{unit}"])
    if sub.get("profile") and sub["profile"] != "national-2020":
        from perfeval.profile import get_profile

        s.add(pad + [f"评分规则：{get_profile(sub['profile']).title}"])
    r = s.add(pad + ["项目名称", "", p["name"]])
    s.merge(r, left, r, left + 1)
    s.merge(r, left + 2, r, s.width - 1)
    if p.get("code"):
        r = s.add(pad + ["项目编码", "", p["code"]])
        s.merge(r, left, r, left + 1)
        s.merge(r, left + 2, r, s.width - 1)
    if lay.year_in == "cell":
        r = s.add(pad + ["年度", "", year])
        s.merge(r, left, r, left + 1)
    r = s.add(pad + ["主管部门", "", p["department"], "", "", "实施单位", p.get("implementer") or p["department"]])
    s.merge(r, left, r, left + 1)
    s.merge(r, left + 2, r, left + 4)
    s.merge(r, left + 6, r, s.width - 1)
    _funds(s, sub, lay, left)
    _goal(s, sub, lay, left)
    _indicators(s, sub, lay, left)
    if lay.footer:
        s.add([])
        s.add(pad + ["填报人：张三", "", "", "联系电话：0812-1234567", "", "", "填报日期：2025年1月10日"])
    return s


def _funds(s: Sheet, sub: dict, lay: Layout, left: int) -> None:
    pad = [""] * left
    f = sub["funds"]
    unit = f.get("unit", "万元")
    claimed = f.get("claimed_score")
    head = pad + [f"项目资金（{unit}）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    r0 = s.add(head)
    srcs = f["sources"]
    tot = {k: sum(float(x.get(k) or 0) for x in srcs) for k in ("initial", "budget", "executed")}
    printed = f.get("total") or {}
    vals = {k: printed.get(k, tot[k] if (k != "initial" or any("initial" in x for x in srcs)) else None) for k in tot}
    r = s.add(pad + ["", "年度资金总额", "", _num(vals["initial"], lay), _num(vals["budget"], lay), _num(vals["executed"], lay), 10,
                     _rate(vals["budget"], vals["executed"], lay), _num(claimed, lay)])
    s.merge(r, left + 1, r, left + 2)
    if lay.total_formula:
        cl = lambda c: chr(65 + c)
        n = len(srcs)
        for k, c in (("budget", left + 4), ("executed", left + 5)):
            s.formulas[(r, c)] = (f"=SUM({cl(c)}{r + 2}:{cl(c)}{r + 1 + n})", vals[k])
    if lay.error_cell:
        s.formulas[(r, left + 7)] = ("=1/0", "#DIV/0!")
    for k, src in enumerate(srcs):
        label = ("其中：" if k == 0 else "") + src["name"]
        rr = s.add(pad + ["", label, "", _num(src.get("initial"), lay), _num(src.get("budget"), lay), _num(src.get("executed"), lay), "—",
                          _rate(src.get("budget"), src.get("executed"), lay), "—"])
        s.merge(rr, left + 1, rr, left + 2)
    for name in lay.empty_sources:
        if any(x["name"] == name for x in srcs):
            continue
        rr = s.add(pad + ["", name, "", "", "", "", "—", "", "—"])
        s.merge(rr, left + 1, rr, left + 2)
    s.merge(r0, left, len(s.rows) - 1, left)


def _goal(s: Sheet, sub: dict, lay: Layout, left: int) -> None:
    g = sub.get("goal")
    if not g:
        return
    pad = [""] * left
    r0 = s.add(pad + ["年度总体目标", "预期目标", "", "", "", "实际完成情况"])
    s.merge(r0, left + 1, r0, left + 4)
    s.merge(r0, left + 5, r0, s.width - 1)
    r1 = s.add(pad + ["", g.get("target") or "", "", "", "", g.get("actual") or ""])
    s.merge(r1, left + 1, r1, left + 4)
    s.merge(r1, left + 5, r1, s.width - 1)
    s.merge(r0, left, r1, left)


def _split(target: Any) -> tuple[str, Any, str]:
    """Sichuan columns: (指标性质, 指标值, 度量单位)."""
    if isinstance(target, str) and target.strip() in ("/", "／"):
        return "", "/", ""
    r = parse(target)
    if r.numeric and r.op in OP_SYMBOL:
        unit = r.unit or ""
        v = r.value
        return OP_SYMBOL[r.op], int(v) if v == int(v) else v, unit
    return "定性", str(target), ""


def _indicators(s: Sheet, sub: dict, lay: Layout, left: int) -> None:
    pad = [""] * left
    H = {"target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分", "note": "偏差原因分析及改进措施"}
    if lay.style == "sichuan":
        H.update(target="指标值", actual="完成值", weight="权重", note="未完成原因分析")
    H.update(lay.header)
    tail = []
    if not lay.no_weight:
        tail.append("weight")
    if not lay.no_score:
        tail.insert(0 if lay.score_first else len(tail), "score")
    if lay.style == "sichuan":
        cols = ["一级指标", "二级指标", "三级指标", "指标性质", H["target"], "度量单位", H["actual"]] + [H[k] for k in tail] + [H["note"]]
    else:
        cols = ["一级指标", "二级指标", "三级指标", H["target"], H["actual"]] + [H[k] for k in tail] + [H["note"]]
    r0 = s.add(pad + ["绩效指标"] + cols)
    prev = (None, None)
    start1 = start2 = None
    for ind in sub["indicators"]:
        l1, l2 = ind["level1"], ind["level2"]
        show1 = l1 if (lay.levels == "repeated" or l1 != prev[0]) else ""
        show2 = l2 if (lay.levels == "repeated" or (l1, l2) != prev) else ""
        if lay.style == "sichuan":
            nat, val, unit = _split(ind.get("target") or "")
            mid = [ind["name"], nat, val, unit, _actual(ind)]
        else:
            mid = [ind["name"], ind.get("target") or "", _actual(ind)]
        vals = {"weight": _num(ind.get("weight"), lay), "score": _num(ind.get("claimed_score"), lay)}
        r = s.add(pad + ["", show1, show2] + mid + [vals[k] for k in tail] + [ind.get("note") or ""])
        if lay.levels == "merged":
            if l1 != prev[0]:
                start1 = r
            else:
                s.rows[r][left + 1] = s.rows[start1][left + 1]
                _extend(s, start1, left + 1, r)
            if (l1, l2) != prev:
                start2 = r
            else:
                s.rows[r][left + 2] = s.rows[start2][left + 2]
                _extend(s, start2, left + 2, r)
        prev = (l1, l2)
    last = len(s.rows) - 1
    s.merge(r0, left, last, left)
    wcol = left + 1 + len(cols) - 1 - len(tail) + (tail.index("weight") if "weight" in tail else 0)
    total = ["总分"] + [""] * (len(cols))
    r = s.add(pad + total)
    if "weight" in tail:
        s.rows[r][wcol] = 100
    if "score" in tail and sub.get("claimed_total") is not None:
        s.rows[r][left + 1 + len(cols) - 1 - len(tail) + tail.index("score")] = _num(sub["claimed_total"], lay)
    s.merge(r, left, r, left + 3)
    if sub.get("claimed_grade"):
        r = s.add(pad + ["等级", "", "", "", sub["claimed_grade"]])
        s.merge(r, left, r, left + 3)


def _extend(s: Sheet, start: int, col: int, r: int) -> None:
    for k, m in enumerate(s.merges):
        if m[0] == start and m[1] == col:
            s.merges[k] = (start, col, r, col)
            return
    s.merges.append((start, col, r, col))


def _actual(ind: dict) -> Any:
    a = ind.get("actual")
    return "" if a is None else a


# ---------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------
def write_xlsx(path: str, sheets: dict[str, list[Sheet]]) -> None:
    """One workbook; each worksheet holds one or more forms (stacked with two blank rows between)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    pct = wb.add_format({"num_format": "0.00%"})
    for name, forms in sheets.items():
        ws = wb.add_worksheet(name)
        off = 0
        for sh in forms:
            merged_cells = set()
            for r0, c0, r1, c1 in sh.merges:
                v = sh.rows[r0][c0]
                if (r0, c0) in sh.formulas:
                    continue
                ws.merge_range(off + r0, c0, off + r1, c1, None)
                _write(ws, off + r0, c0, v, pct)
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        merged_cells.add((r, c))
            for r, row in enumerate(sh.rows):
                for c, v in enumerate(row):
                    if (r, c) in sh.formulas:
                        f, cached = sh.formulas[(r, c)]
                        ws.write_formula(off + r, c, f.replace("{off}", ""), None, cached)
                    elif (r, c) not in merged_cells and v not in ("", None):
                        _write(ws, off + r, c, v, pct)
            off += len(sh.rows) + 2
    wb.close()


def _write(ws: Any, r: int, c: int, v: Any, pct: Any) -> None:
    if v is None or v == "":
        return
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(r, c, v)
    else:
        ws.write_string(r, c, str(v))


def write_docx(path: str, forms: list[Sheet], between: tuple[str, ...] = ("一、项目概况", "（正文略）")) -> None:
    """A Word report with each form as a table, report paragraphs before, between and after."""
    import docx

    d = docx.Document()
    d.add_paragraph("项目支出绩效自评报告")
    for k, sh in enumerate(forms):
        for t in between:
            d.add_paragraph(t)
        # the title rows go into paragraphs above the table, as departments do in Word
        body = [r for r in sh.rows if any(v not in ("", None) for v in r)]
        first = 0
        while first < len(sh.rows) and _is_title(sh.rows[first]):
            d.add_paragraph(str(next(v for v in sh.rows[first] if v not in ("", None))))
            first += 1
        rows = sh.rows[first:]
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for r0, c0, r1, c1 in sh.merges:
            if r0 < first:
                continue
            t.cell(r0 - first, c0).merge(t.cell(r1 - first, c1))
        done = set()
        for r0, c0, r1, c1 in sh.merges:
            if r0 >= first:
                t.cell(r0 - first, c0).text = _str(sh.rows[r0][c0])
                done |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if (r + first, c) not in done and v not in ("", None):
                    t.cell(r, c).text = _str(v)
        del body
    d.add_paragraph("二、绩效分析（正文略）")
    d.save(path)


def _is_title(row: list[Any]) -> bool:
    vals = [v for v in row if v not in ("", None)]
    return bool(vals) and len(set(map(str, vals))) == 1 and ("自评表" in str(vals[0]) or "年度" in str(vals[0]) or "单位：" in str(vals[0]))


def _str(v: Any) -> str:
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def write_pdf(path: str, sh: Sheet, before: tuple[str, ...] = ()) -> None:
    """A PDF with a text layer (reportlab, the built-in STSong-Light CID font); ``before``: report paragraphs above the form."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("t", fontName="STSong-Light", fontSize=12, leading=16)
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=7, leading=9)
    first = 0
    story = [Paragraph(t, style) for t in before]
    while first < len(sh.rows) and _is_title(sh.rows[first]):
        story.append(Paragraph(str(next(v for v in sh.rows[first] if v not in ("", None))), style))
        first += 1
    covered = set()
    for r0, c0, r1, c1 in sh.merges:
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
    data = []
    for r, row in enumerate(sh.rows[first:], first):
        data.append([Paragraph(_str(v), cell) if (r, c) not in covered and v not in ("", None) else "" for c, v in enumerate(row)])
    t = Table(data, colWidths=[760 / sh.width] * sh.width)
    st = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), "STSong-Light", 7)]
    for r0, c0, r1, c1 in sh.merges:
        if r0 >= first:
            st.append(("SPAN", (c0, r0 - first), (c1, r1 - first)))
    t.setStyle(TableStyle(st))
    story.append(t)
    SimpleDocTemplate(path, pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=30, bottomMargin=30).build(story)
