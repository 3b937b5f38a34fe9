"""Department-wide submissions in the CLI: routing by ``kind`` and the terminal table.

``split_kinds`` reads each input once through the reader registry: ``kind: department`` documents
are evaluated here, every other document goes on to the project pipeline unchanged, and the callers
put the results back in input order.
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..declare.department import kind_of
from ..declare.load import Limits
from ..department import DeptEvaluation, evaluate_loaded
from ..numbers import fmt, pct
from ..pipeline import documents
from ..readers import Document
from .app import console


def split_kinds(files: list[str], limits: Limits, profile: str | None = None) -> tuple[list[Document], dict[int, DeptEvaluation], list[Document]]:
    """(every document in input order, {index: department evaluation}, the other documents in order)."""
    docs = documents(files, limits)
    depts: dict[int, DeptEvaluation] = {}
    others: list[Document] = []
    for k, d in enumerate(docs):
        if d.loaded.data is not None and kind_of(d.loaded.data) == "department":
            ev = evaluate_loaded(d.loaded, profile, limits)
            ev.issues = [d.relocate(i) for i in ev.issues]
            depts[k] = ev
        else:
            others.append(d)
    return docs, depts, others


def dept_profile_for(profile: str | None) -> str | None:
    """A ``--profile`` meant for projects does not apply to department files (they name their own)."""
    from ..department.profile import applies_to_department

    return profile if applies_to_department(profile) else None


def print_department(r: dict) -> None:
    con = console()
    d, ex, prof = r["department"], r["execution"], r["profile"]
    con.print(f"\n[bold]部门整体支出绩效自评（{d['year']}年度）[/]  评分规则：{escape(prof['title'])}")
    con.print(escape(f"部门：{d['name']}    分值来源：{prof['weights_note']}"))
    t = Table(title=f"年度部门整体支出预算执行情况（{ex['unit']}）")
    for h in ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "自评得分"):
        t.add_column(h, justify="right" if h else "left")
    t.add_row("年度资金总额", fmt(ex["initial"]), fmt(ex["budget"]), fmt(ex["executed"]), fmt(ex["weight"]), pct(ex["rate"]),
              fmt(ex["score"]), fmt(ex["claimed_score"]))
    for label, key in (("按支出性质", "by_nature"), ("按资金性质", "by_source")):
        for k, s in enumerate(ex[key]):
            t.add_row(escape(("  其中：" if k == 0 else "        ") + str(s["name"] or "") + (f"（{label}）" if k == 0 else "")),
                      fmt(s["initial"]), fmt(s["budget"]), fmt(s["executed"]), "-", pct(s["rate"]), "-", fmt(s["claimed_score"]))
    con.print(t)
    t = Table(title="评分表" if prof["family"] == "framework" else "年度绩效指标")
    for h in ("一级指标", "二级指标", "三级指标", "计算 / 实际完成值", "分值", "得分", "自评得分"):
        t.add_column(h, justify="right" if h in ("分值", "得分", "自评得分") else "left", overflow="fold")
    prev = (None, None)
    for i in r["indicators"]:
        l1 = i["level1"] if i["level1"] != prev[0] else ""
        l2 = i["level2"] if (i["level1"], i["level2"]) != prev else ""
        prev = (i["level1"], i["level2"])
        actual = i["actual"] or ""
        if i.get("target"):
            actual = f"{i['target']} → {actual}"
        score = "不适用" if i["score"] is None and i["not_applicable"] else fmt(i["score"])
        claimed = fmt(i["claimed_score"])
        if i["claimed_score"] is not None and i["score"] is not None and abs(i["claimed_score"] - i["score"]) > 0.005:
            claimed = f"[bold red]{claimed}[/]"
        t.add_row(escape(l1), escape(l2), escape(i["name"]), escape(actual), fmt(i["weight"]), score, claimed)
    con.print(t)
    ru = r["rollup"]
    if r["projects"]:
        con.print(escape(f"关联项目 {ru['n']} 个，已评分 {ru['n_scored']} 个；按资金加权的项目自评得分 {fmt(ru['fund_weighted_score'])}"
                         f"（资金覆盖 {pct(ru['coverage'])}，仅作信息）"))
    claimed = ""
    if r["claimed_total"] is not None or r["claimed_grade"]:
        claimed = f"    （自评总分 {fmt(r['claimed_total']) or '—'}，自评等级 {r['claimed_grade'] or '—'}）"
    con.print(f"总分 [bold]{fmt(r['total'])}[/]  等级 [bold]{r['grade']}（{r['grade_word']}）[/]" + escape(claimed))
