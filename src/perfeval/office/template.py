"""A fillable 自评表 workbook (``perfeval init --format xlsx``): the form a clerk fills in Excel/WPS.

National layout, or the Sichuan layout (指标性质 / 指标值 / 度量单位) under a profile with the Sichuan
layout.  Indicators come from the submission ``perfeval init`` scaffolded (the indicator library);
drop-downs for 一级/二级 指标 and comparators, only input cells unlocked (the sheet is protected
without a password, so a clerk can unprotect it to add rows), a note on each column header saying
how to fill it.  The filled workbook is read back by the same recogniser (tests/test_office.py).
"""

from __future__ import annotations

import io
from typing import Any

from ..notation import parse

LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
          "服务对象满意度指标"]
NATURE = ["≥", "≤", "=", ">", "<", "定性"]
_OP = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
NOTES = {
    "一级指标": "从下拉列表选择：产出指标、效益指标、满意度指标、成本指标。",
    "二级指标": "从下拉列表选择，如数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标。",
    "年度指标值": "写比较符、数值和单位，如“≥100户”“=100%”“≤30万元”；定性目标写年底能判断的事实。",
    "指标性质": "从下拉列表选择 ≥ ≤ = 或 定性。",
    "指标值": "只写数值（定性指标写目标文字）。",
    "实际完成值": "年终填写实际数值（与目标同单位，不带≥≤符号）；定性指标写“达成预期指标”“部分达成预期指标并具有一定效果”或“未达成预期指标且效果较差”。",
    "分值": "各指标分值与预算执行率分值合计 100。",
    "得分": "单位自评得分；perfeval 按规则重新计算并与之核对。",
    "偏差原因分析及改进措施": "得分低于分值时必须填写。",
}


def _put(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    """Numbers as numbers; text always as text (``=100%`` must never become a formula)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    elif v in (None, ""):
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def build_template(sub: dict, sichuan: bool = False) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("自评表")
    F = {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "head": wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True, "bg_color": "#F2F2F2"}),
        "fixed": wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"}),
        "input": wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter", "locked": False, "bg_color": "#FFF9E5"}),
        "plain": wb.add_format({}),
    }
    p = sub.get("project") or {}
    cols = (["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
            if sichuan else ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    width = len(cols) + 1
    ws.merge_range(0, 0, 0, width - 1, "项目支出绩效自评表", F["title"])
    ws.merge_range(1, 0, 1, width - 1, f"（{p.get('year') or ''}年度）", F["plain"])
    prof = sub.get("profile")
    if prof:
        from ..profile import get_profile

        ws.write_string(2, 0, f"评分规则：{get_profile(prof).title}")
    r = 3
    for label, key in (("项目名称", "name"), ("主管部门", "department"), ("实施单位", "implementer")):
        ws.write_string(r, 0, label, F["head"])
        ws.merge_range(r, 1, r, width - 1, str(p.get(key) or ""), F["input"])
        r += 1
    funds = sub.get("funds") or {}
    unit = funds.get("unit") or "万元"
    head = [f"项目资金（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    for c, h in enumerate(head):
        ws.write(r, c, h, F["head"])
    r += 1
    ws.write_string(r, 1, "年度资金总额", F["fixed"])
    ws.write(r, 0, "", F["fixed"])
    sources = funds.get("sources") or [{"name": "本级财政资金"}]
    for c in (2, 3, 4):  # the printed total, checked against the 其中 rows (a formula would be cached as 0 until Excel recalculates)
        ws.write(r, c, "", F["input"])
    ws.write(r, 5, 10, F["fixed"])
    ws.write(r, 6, "", F["fixed"])
    ws.write(r, 7, "", F["input"])
    for k, s in enumerate(sources):
        r += 1
        ws.write(r, 0, "", F["fixed"])
        ws.write_string(r, 1, ("其中：" if k == 0 else "") + str(s.get("name") or ""), F["input"])
        for c, key in ((2, "initial"), (3, "budget"), (4, "executed")):
            v = s.get(key)
            _put(ws, r, c, v if key != "executed" else None, F["input"])
    r += 1
    goal = sub.get("goal") or {}
    ws.write_string(r, 0, "年度总体目标", F["head"])
    ws.write_string(r, 1, "预期目标", F["head"])
    ws.write_string(r, 4, "实际完成情况", F["head"])
    _put(ws, r + 1, 1, goal.get("target"), F["input"])
    _put(ws, r + 1, 4, goal.get("actual"), F["input"])
    r += 2
    hdr = r
    ws.write_string(r, 0, "绩效指标", F["head"])
    for c, h in enumerate(cols, 1):
        ws.write_string(r, c, h, F["head"])
        if h in NOTES:
            ws.write_comment(r, c, NOTES[h], {"x_scale": 2, "y_scale": 1.5})
    inds = sub.get("indicators") or []
    rows = max(len(inds), 1) + 5  # room for more indicators
    for k in range(rows):
        r += 1
        ind = inds[k] if k < len(inds) else {}
        ws.write(r, 0, "", F["fixed"])
        vals: dict[str, Any] = {"一级指标": ind.get("level1", ""), "二级指标": ind.get("level2", ""), "三级指标": ind.get("name", ""),
                                "分值": ind.get("weight", "")}
        t = ind.get("target")
        if sichuan:
            rule = parse(t) if t else None
            if rule is not None and rule.numeric and rule.op in _OP:
                vals.update({"指标性质": _OP[rule.op], "指标值": rule.value, "度量单位": rule.unit or ""})
            elif t:
                vals.update({"指标性质": "定性", "指标值": str(t)})
        else:
            vals["年度指标值"] = t or ""
        for c, h in enumerate(cols, 1):
            v = vals.get(h, "")
            _put(ws, r, c, v, F["input"])
    last = r
    ws.data_validation(hdr + 1, 1, last, 1, {"validate": "list", "source": LEVEL1})
    ws.data_validation(hdr + 1, 2, last, 2, {"validate": "list", "source": LEVEL2})
    if sichuan:
        ws.data_validation(hdr + 1, 4, last, 4, {"validate": "list", "source": NATURE})
    r += 1
    ws.write_string(r, 0, "总分", F["head"])
    ws.write(r, cols.index("得分") + 1, "", F["input"])
    r += 2
    ws.write_string(r, 0, "填报人：", F["plain"])
    ws.write(r, 1, "", F["input"])
    ws.set_column(0, 0, 10)
    ws.set_column(1, 2, 14)
    ws.set_column(3, width - 1, 16)
    ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True, "insert_rows": True})
    wb.close()
    return buf.getvalue()
