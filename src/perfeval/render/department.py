"""The 部门整体支出绩效自评表 / 评分表 and the 部门整体绩效自评报告 (kind: department).

View-models built from a department result record (:mod:`perfeval.department.evaluate`); the
templates ``department_form.{html,md}`` and ``department_report.{html,md}`` draw them, and
``xlsx_bytes`` / ``docx_bytes`` write the Excel sheet and the Word report.  Every number shown is
taken from the record (computed by perfeval); only the narrative comes from the submission.
"""

from __future__ import annotations

import io
from typing import Any

from ..issues import SEVERITY_ZH
from ..numbers import fmt, pct
from ..status import STATUS_ZH
from . import formats
from .context import MONEY, RATE, SCORE, UNFILLED, Num, clean, num
from .formats import OutputFormat

TITLES = {"target": "部门整体支出绩效自评表", "framework": "部门整体支出绩效评价评分表"}
BASIS_ZH = {"computed": "由数据计算", "judgement": "评价人判断", "assessor_input": "评价人核查", "indicator": "部门绩效指标",
            "own_indicators": "部门绩效指标", "declared": "声明不适用"}


def _diff(score: float | None, claimed: float | None) -> dict | None:
    if score is None or claimed is None or abs(score - claimed) <= 0.005:
        return None
    up = claimed > score
    return {"direction": "up" if up else "down", "label": "偏高" if up else "偏低",
            "title": f"自评 {fmt(claimed)}，按规则 {fmt(score)}（{'高' if up else '低'} {fmt(abs(claimed - score))} 分）"}


def _spans(rows: list[dict]) -> None:
    """Row spans for merged 一级 / 二级 cells (0 = covered by the row above)."""
    for k, r in enumerate(rows):
        r["l1_span"] = r["l2_span"] = 0
        if k == 0 or rows[k - 1]["level1"] != r["level1"]:
            r["l1_span"] = sum(1 for _ in _run(rows, k, ("level1",)))
        if k == 0 or (rows[k - 1]["level1"], rows[k - 1]["level2"]) != (r["level1"], r["level2"]):
            r["l2_span"] = sum(1 for _ in _run(rows, k, ("level1", "level2")))


def _run(rows: list[dict], k: int, keys: tuple[str, ...]):
    first = tuple(rows[k][x] for x in keys)
    for r in rows[k:]:
        if tuple(r[x] for x in keys) != first:
            return
        yield r


def form_view(r: dict) -> dict[str, Any]:
    d, ex, prof = r["department"], r["execution"], r["profile"]
    family = prof["family"]
    fund_rows = []
    for group, key in (("按支出性质", "by_nature"), ("按资金性质", "by_source")):
        for k, s in enumerate(ex.get(key) or []):
            fund_rows.append({"group": group if k == 0 else "", "label": clean(s["name"]), "initial": num(s["initial"], MONEY),
                              "budget": num(s["budget"], MONEY), "executed": num(s["executed"], MONEY), "rate": num(s["rate"], RATE),
                              "claimed": num(s.get("claimed_score"))})
    rows = []
    for i in r["indicators"]:
        score = i["score"]
        rows.append({
            "level1": clean(i["level1"]), "level2": clean(i["level2"]), "name": clean(i["name"]),
            "target": clean(i.get("target")), "actual": clean(i.get("actual")),
            "rubric": clean((i.get("rubric") or {}).get("text")), "explain": clean(i.get("explain")),
            "basis": BASIS_ZH.get(i.get("basis") or "", ""), "weight": num(i["weight"]),
            "score": num(score, SCORE, "不适用" if i.get("not_applicable") else ""), "claimed": num(i.get("claimed_score")),
            "diff": _diff(score, i.get("claimed_score")), "note": clean(i.get("note")), "na": bool(i.get("not_applicable")),
        })
    _spans(rows)
    claims = any(x["claimed"].present for x in rows) or ex.get("claimed_score") is not None or r.get("claimed_total") is not None
    total_weight = sum(i["weight"] or 0 for i in r["indicators"]) + ((ex.get("weight") or 0) if family == "target" else 0)
    ru = r.get("rollup") or {}
    return {
        "kind": "department", "family": family, "title": TITLES[family], "year": d.get("year"),
        "department": {"name": clean(d.get("name")), "code": clean(d.get("code")), "supervisor": clean(d.get("supervisor"))},
        "profile": {k: clean(prof.get(k)) for k in ("title", "weights_source", "weights_note", "sources", "not_applicable")},
        "unit": clean(ex.get("unit")) or "万元", "has_claims": claims,
        "funds": {"total": {"label": "年度资金总额", "initial": num(ex.get("initial"), MONEY),
                            # the base of the rate is 年初预算数 when no 全年预算数 was given: that cell stays empty
                            "budget": num(ex.get("budget"), MONEY) if ex.get("base") == "全年预算数" else Num(None, MONEY, ""),
                            "executed": num(ex.get("executed"), MONEY), "rate": num(ex.get("rate"), RATE),
                            "weight": num(ex.get("weight")) if family == "target" else Num(None, SCORE, ""),
                            "score": num(ex.get("score")) if family == "target" else Num(None, SCORE, ""),
                            "claimed": num(ex.get("claimed_score")), "base": clean(ex.get("base")),
                            "diff": _diff(ex.get("score"), ex.get("claimed_score")) if family == "target" else None},
                  "rows": fund_rows},
        "goal": {"target": clean((r.get("goal") or {}).get("target")), "actual": clean((r.get("goal") or {}).get("actual"))},
        "tasks": [{"name": clean(t.get("name")), "content": clean(t.get("content")), "projects": "、".join(clean(p) for p in t.get("projects") or [])}
                  for t in r.get("tasks") or []],
        "rows": rows,
        "totals": {"weight": num(total_weight), "score": num(r["total"]), "claimed": num(r.get("claimed_total")),
                   "diff": _diff(r["total"], r.get("claimed_total")), "grade": f"{r['grade']}（{r['grade_word']}）",
                   "claimed_grade": clean(r.get("claimed_grade")),
                   "grade_diff": bool(r.get("claimed_grade")) and r.get("claimed_grade") not in (r["grade"], r["grade_word"]),
                   "na_factor": r.get("na_factor")},
        "projects": [{"name": clean(p.get("name") or p.get("file")), "code": clean(p.get("code")), "budget": num(p.get("budget"), MONEY),
                      "executed": num(p.get("executed"), MONEY), "rate": num(p.get("rate"), RATE), "total": num(p.get("total")),
                      "grade": clean(p.get("grade")), "status": {**STATUS_ZH, "given": "提交文件给出",
                                                                  "missing": "未找到", "unscored": "无得分"}.get(p.get("status"), "")}
                     for p in r.get("projects") or []],
        "rollup": {"weighted": num(ru.get("fund_weighted_score")), "mean": num(ru.get("simple_mean")), "coverage": num(ru.get("coverage"), RATE),
                   "base": clean(ru.get("coverage_base")), "n": ru.get("n") or 0, "n_scored": ru.get("n_scored") or 0},
        "issues": [{"severity": i["severity"], "severity_zh": SEVERITY_ZH.get(i["severity"], i["severity"]), "code": i["code"],
                    "line": i.get("line"), "message": clean(i["message"]), "hint": clean(i.get("hint"))} for i in r.get("issues") or []],
    }


def _share(part: float | None, whole: float | None) -> str:
    return pct(part / whole) if part is not None and whole else "—"


def report_view(r: dict) -> dict[str, Any]:
    """Sections like the seed's report: 基本情况, 资金收支, 绩效分析 (by class), 结论, 问题, 建议."""
    f = form_view(r)
    ex, fig = r["execution"], r.get("figures") or {}
    unit = f["unit"]
    n = r.get("narrative") or {}
    total = ex.get("executed")
    funds = [f"{clean(ex.get('base')) or '全年预算数'} {fmt(ex.get('budget'))}{unit}，全年执行数 {fmt(total)}{unit}，预算执行率 {pct(ex.get('rate')) or '—'}。"]
    for key, label in (("basic", "基本支出"), ("project", "项目支出")):
        if fig.get(key) is not None:
            funds.append(f"{label} {fmt(fig[key])}{unit}，占支出合计的 {_share(fig[key], total)}。")
    if fig.get("personnel") is not None or fig.get("public") is not None:
        funds.append(f"基本支出中人员经费 {fmt(fig.get('personnel'))}{unit}，公用经费 {fmt(fig.get('public'))}{unit}。")
    for s in ex.get("by_source") or []:
        funds.append(f"{clean(s['name'])}：预算 {fmt(s['budget'] if s['budget'] is not None else s['initial'])}{unit}，"
                     f"执行 {fmt(s['executed'])}{unit}（执行率 {pct(s['rate']) or '—'}）。")
    end = fig.get("carryover_end")
    if end is not None:
        funds.append("年末没有结转结余资金。" if end == 0 else f"年末结转结余 {fmt(end)}{unit}。")
    tp = fig.get("three_public") or {}
    if tp.get("actual") is not None:
        funds.append(f"“三公”经费支出 {fmt(tp['actual'])}{unit}（预算 {fmt(tp.get('budget'))}{unit}）。")
    classes = []
    amounts = {"人员类": fig.get("personnel"), "运转类": fig.get("public"), "特定目标类": fig.get("project")}
    for c in r.get("classes") or []:
        name = clean(c.get("name"))
        classes.append({"name": name, "amount": fmt(amounts.get(name)) if amounts.get(name) is not None else "",
                        "analysis": clean(c.get("analysis")) or UNFILLED})
    scored_rows = [x for x in f["rows"] if not x["na"]]
    short = [x for x in scored_rows if x["score"].present and x["weight"].present and x["score"].value + 0.005 < x["weight"].value]
    conclusion = (f"按{f['profile']['title']}评分，总分 {f['totals']['score']} 分，等级“{r['grade']}”（{r['grade_word']}）。"
                  + (f"单位自评总分 {fmt(r['claimed_total'])} 分。" if r.get("claimed_total") is not None else "单位未给出自评分数。")
                  + (f"单位自评等级“{clean(r['claimed_grade'])}”。" if r.get("claimed_grade") else ""))
    return {
        **f,
        "report_title": f"{f['department']['name']}{f['year']}年度部门整体绩效自评报告",
        "narrative": {k: clean(n.get(k)) or UNFILLED for k in ("basic", "funds", "analysis", "conclusion", "problems", "suggestions")},
        "funds_text": funds, "classes": classes,
        "short": [{"name": x["name"], "weight": x["weight"], "score": x["score"], "explain": x["explain"]} for x in short],
        "conclusion": conclusion,
        "findings": [i for i in f["issues"] if i["severity"] in ("error", "warning")],
    }


# ---------------------------------------------------------------------------
# Excel and Word
# ---------------------------------------------------------------------------
def xlsx_bytes(views: list[dict]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": "部门整体支出绩效自评", "author": "perfeval"})
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True, "valign": "vcenter", "align": "center"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    money = wb.add_format({"border": 1, "num_format": "0.00", "valign": "vcenter"})
    rate = wb.add_format({"border": 1, "num_format": "0.00%", "valign": "vcenter"})
    diff = wb.add_format({"border": 1, "num_format": "0.00", "font_color": "#C00000", "bold": True, "valign": "vcenter"})
    used: set[str] = set()
    for v in views:
        base = (v["department"]["name"] or "部门")[:24]
        name, k = base, 2
        while name.lower() in used:
            name = f"{base[:24]}_{k}"
            k += 1
        used.add(name.lower())
        ws = wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_column(0, 1, 14)
        ws.set_column(2, 2, 26)
        ws.set_column(3, 3, 40)
        ws.set_column(4, 4, 40)
        ws.set_column(5, 8, 11)
        ws.merge_range(0, 0, 0, 8, f"{v['title']}（{v['year']}年度）", title)
        ws.write(1, 0, "部门（单位）名称", head)
        ws.merge_range(1, 1, 1, 4, v["department"]["name"], cell)
        ws.write(1, 5, "评分规则", head)
        ws.merge_range(1, 6, 1, 8, f"{v['profile']['title']}（{v['profile']['weights_note']}）", cell)
        row = 3
        for c, h in enumerate(["年度部门整体支出预算执行情况", f"金额单位：{v['unit']}", "", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分"]):
            ws.write(row, c, h, head)
        row += 1
        t = v["funds"]["total"]

        def nums(r_: int, items: list[tuple[Num, Any]]) -> None:
            for c, (n, fm) in enumerate(items, start=3):
                if n.present:
                    ws.write_number(r_, c, n.value, fm)
                else:
                    ws.write(r_, c, n.text, cell)

        ws.merge_range(row, 0, row, 2, "年度资金总额", cell)
        nums(row, [(t["initial"], money), (t["budget"], money), (t["executed"], money), (t["rate"], rate), (t["weight"], money), (t["score"], money)])
        row += 1
        for s in v["funds"]["rows"]:
            ws.write(row, 0, s["group"], cell)
            ws.merge_range(row, 1, row, 2, s["label"], cell)
            nums(row, [(s["initial"], money), (s["budget"], money), (s["executed"], money), (s["rate"], rate)])
            ws.write(row, 7, "—", cell)
            ws.write(row, 8, "—", cell)
            row += 1
        row += 1
        heads = ["一级指标", "二级指标", "三级指标", "评分标准 / 年度指标值", "计算依据 / 实际完成值", "分值", "得分", "自评得分", "说明"]
        for c, h in enumerate(heads):
            ws.write(row, c, h, head)
        row += 1
        for x in v["rows"]:
            ws.write(row, 0, x["level1"], cell)
            ws.write(row, 1, x["level2"], cell)
            ws.write(row, 2, x["name"], cell)
            ws.write(row, 3, x["rubric"] or x["target"], cell)
            ws.write(row, 4, x["explain"] if v["family"] == "framework" else x["actual"], cell)
            for c, n in ((5, x["weight"]), (6, x["score"]), (7, x["claimed"])):
                fm = diff if (c == 7 and x["diff"]) else money
                ws.write_number(row, c, n.value, fm) if n.present else ws.write(row, c, n.text, cell)
            ws.write(row, 8, x["note"], cell)
            row += 1
        tt = v["totals"]
        ws.merge_range(row, 0, row, 4, "总分", head)
        ws.write_number(row, 5, tt["weight"].value or 0, money)
        ws.write_number(row, 6, tt["score"].value or 0, money)
        ws.write_number(row, 7, tt["claimed"].value, diff if tt["diff"] else money) if tt["claimed"].present else ws.write(row, 7, "", cell)
        ws.write(row, 8, "", cell)
        row += 1
        ws.merge_range(row, 0, row, 4, "等级", head)
        ws.merge_range(row, 5, row, 8, tt["grade"] + (f"（自评：{tt['claimed_grade']}）" if tt["claimed_grade"] else ""), cell)
        row += 2
        if v["issues"]:
            ws.merge_range(row, 0, row, 8, "复核意见（perfeval 按规则生成，不属于自评表）", head)
            row += 1
            for i in v["issues"]:
                ws.merge_range(row, 0, row, 8, f"{i['severity_zh']} {i['code']}{'（第 %s 行）' % i['line'] if i['line'] else ''}：{i['message']}", cell)
                row += 1
    wb.close()
    return buf.getvalue()


def docx_bytes(views: list[dict]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    for k, v in enumerate(views):
        if k:
            doc.add_page_break()
        doc.add_heading(v["report_title"], level=1)
        doc.add_heading("一、部门（单位）基本情况", level=2)
        doc.add_paragraph(v["narrative"]["basic"])
        if v["tasks"]:
            doc.add_paragraph("年度主要任务：" + "；".join(f"{t['name']}（{t['content']}；对应项目：{t['projects'] or '—'}）" for t in v["tasks"]))
        if v["goal"]["target"]:
            doc.add_paragraph(f"部门整体支出绩效目标：{v['goal']['target']}")
        doc.add_heading("二、部门资金收支情况", level=2)
        for line in v["funds_text"]:
            doc.add_paragraph(line)
        doc.add_heading("三、部门预算绩效分析", level=2)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for c, h in enumerate(["二级指标", "三级指标", "计算依据 / 实际完成值", "分值", "得分"]):
            table.rows[0].cells[c].text = h
        for x in v["rows"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = x["level2"], x["name"]
            cells[2].text = x["explain"] if v["family"] == "framework" else f"{x['target']} → {x['actual']}"
            cells[3].text, cells[4].text = str(x["weight"]), str(x["score"])
        for c in v["classes"]:
            doc.add_paragraph(f"{c['name']}（{c['amount'] or '—'}{v['unit'] if c['amount'] else ''}）：{c['analysis']}")
        if v["narrative"]["analysis"] != UNFILLED:
            doc.add_paragraph(v["narrative"]["analysis"])
        doc.add_heading("四、评价结论", level=2)
        doc.add_paragraph(v["conclusion"])
        for s in v["short"]:
            doc.add_paragraph(f"失分：{s['name']}（分值 {s['weight']}，得分 {s['score']}）：{s['explain']}", style="List Bullet")
        doc.add_heading("五、存在的问题", level=2)
        doc.add_paragraph(v["narrative"]["problems"])
        for i in v["findings"]:
            doc.add_paragraph(f"{i['code']} {i['message']}", style="List Bullet")
        doc.add_heading("六、改进建议", level=2)
        doc.add_paragraph(v["narrative"]["suggestions"])
        doc.add_paragraph(f"评分规则：{v['profile']['title']}；{v['profile']['weights_note']}。本报告中的金额、比率和得分由 perfeval 按提交数据计算。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Registration in the output-format registry (same format names as the project documents)
# ---------------------------------------------------------------------------
def _template(name: str, var: str):
    def build(views: list[dict], templates: Any = None, show_review: bool = True, **_: Any) -> str:
        from .templating import render_template

        extra = {"show_review": show_review} if var == "forms" else {}
        return render_template(name, templates, **{var: views}, **extra)

    return build


formats.register(OutputFormat("department-form", "html", ".html", False, _template("department_form.html", "forms"), "网页（可打印）"))
formats.register(OutputFormat("department-form", "md", ".md", False, _template("department_form.md", "forms"), "Markdown"))
formats.register(OutputFormat("department-form", "xlsx", ".xlsx", True, lambda views, **_: xlsx_bytes(views), "Excel 工作簿"))
formats.register(OutputFormat("department-report", "md", ".md", False, _template("department_report.md", "reports"), "Markdown"))
formats.register(OutputFormat("department-report", "html", ".html", False, _template("department_report.html", "reports"), "网页"))
formats.register(OutputFormat("department-report", "docx", ".docx", True, lambda views, **_: docx_bytes(views), "Word 文档"))
