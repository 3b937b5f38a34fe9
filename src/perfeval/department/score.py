"""Score one department-wide submission: family A (target-based form) or family B (framework scoresheet).

Family A runs the department's indicators through the project engine (``declare.rows`` →
``validate`` → ``scoring.engine`` → ``review``) with the profile's project rules: execution 10 + the
indicators 90.  Family B walks the profile's items: a computed figure scored by its rubric kind, an
assessor's input (checks, cases, tier) scored by its rubric, a judgement row taken from the file, or
the department's own indicators scored by the project engine within the row's weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..declare.load import Loaded
from ..declare.rows import Columns, add_submission
from ..declare.structure import as_number
from ..issues import Issue, make_issue, sort_issues
from ..numbers import dec, fmt, pct
from ..pipeline import Evaluation, default_resolver, results
from ..review import review
from ..scoring.engine import prepare, resolve_weights, score
from ..scoring.rubrics import RUBRICS, apply
from ..scoring.rubrics.not_applicable import settle
from ..scoring.rubrics.qualitative_3tier import TIER_VALUE
from ..validate import validate_frames
from .figures import FIGURES, Facts, Figure
from .profile import DeptProfile

EXEC_NAME = "预算执行率"
# project-review findings that concern the project form as a whole, not the department's own rows
_FORM_LEVEL = {"PE400", "PE403", "PE408", "PE409", "PE411", "PE412"}


def r2(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    d = dec(x, 2)
    return None if d is None else float(d)


@dataclass
class Scoring:
    rows: list[dict]
    total: float
    execution: dict
    issues: list[Issue] = field(default_factory=list)
    na_factor: float = 1.0


def own_indicators(ld: Loaded, dp: DeptProfile, exec_w: float, ind_w: float, with_exec_claim: bool) -> tuple[dict | None, list[Issue]]:
    """The department's ``indicators`` scored by the project engine; (project-shaped record, issues)."""
    d = ld.data
    funds = d.get("funds") or {}
    total = funds.get("total") or {}
    base, _ = Facts(d).budget_base
    dept = d.get("department") or {}
    view = {
        "perfeval": 1, "profile": dp.name,
        "project": {"name": dept.get("name"), "code": dept.get("code"), "year": dept.get("year"), "department": dept.get("name")},
        "funds": {"unit": funds.get("unit"), "note": funds.get("note"),
                  "sources": [{"name": "年度资金总额", "initial": total.get("initial"), "budget": base, "executed": total.get("executed")}],
                  "claimed_score": funds.get("claimed_score") if with_exec_claim else None},
        "goal": d.get("goal"), "indicators": [x for x in d.get("indicators") or [] if isinstance(x, dict)],
    }
    vld = Loaded(file=ld.file, data=view, lines=ld.lines)
    issues: list[Issue] = []
    resolver = default_resolver()
    resolved: dict[int, dict] = {}
    for k, raw in enumerate(view["indicators"]):
        if raw.get("ref"):
            try:
                if resolver is None:
                    raise KeyError(raw["ref"])
                resolved[id(raw)] = resolver(raw)
            except KeyError:
                issues.append(ld.issue("PE210", ("indicators", k), ref=raw.get("ref")))
    if issues:
        return None, issues
    cols = Columns()
    add_submission(vld, 0, cols, lambda raw: resolved.get(id(raw), raw))
    projects, fund_rows, ind = cols.frames()
    profiles = {dp.name: dp.project_rules(exec_w, ind_w)}
    ind = resolve_weights(prepare(ind, profiles), profiles)
    issues += validate_frames(projects, fund_rows, ind, [ld.file])
    scored = score(projects, fund_rows, ind, profiles)
    issues += review(scored, [ld.file])
    ev = Evaluation(files=[ld.file], status=["scored"], issues=sort_issues(issues), scored=scored,
                    by_file={ld.file: sort_issues(issues)})
    return results(ev)[0], issues


def _ind_rows(rec: dict, level1: str | None = None, level2: str | None = None) -> list[dict]:
    out = []
    for i in rec["indicators"]:
        expl = (f"完成率 {pct(i['completion'])}，得分 = 分值 × 完成率系数（项目评分方法：{i['kind']}）"
                if i["scorable"] else ("不适用" if i["kind"] == "na" else "无法评分（见问题列表）"))
        out.append({
            "level1": level1 or i["level1"], "level2": level2 or i["level2"], "name": i["name"],
            "indicator_level1": i["level1"], "indicator_level2": i["level2"],
            "target": i["target"], "actual": i["actual"], "kind": i["kind"], "unit": i["unit"],
            "completion": i["completion"], "weight": i["weight"], "score": i["score"], "claimed_score": i["claimed_score"],
            "basis": "indicator", "explain": expl, "not_applicable": i["kind"] == "na", "line": i["line"], "note": i["note"],
        })
    return out


def _execution(facts: Facts, weight: float | None, score_: float | None, claimed: float | None, unit: str) -> dict:
    base, base_name = facts.budget_base
    ex = facts.num("funds", "total", "executed")
    rate = ex / base if base and ex is not None else None

    def rows(key: str) -> list[dict]:
        out = []
        for row in facts.get("funds", key) or []:
            if not isinstance(row, dict):
                continue
            b = as_number(row.get("budget")) if as_number(row.get("budget")) is not None else as_number(row.get("initial"))
            e = as_number(row.get("executed"))
            out.append({"name": row.get("name"), "initial": as_number(row.get("initial")), "budget": as_number(row.get("budget")),
                        "executed": e, "rate": (e / b) if b and e is not None else None,
                        "claimed_score": as_number(row.get("claimed_score"))})
        return out

    return {
        "unit": unit, "initial": facts.num("funds", "total", "initial"), "budget": base, "base": base_name, "executed": ex,
        "rate": None if rate is None else round(rate, 6), "weight": weight, "score": score_, "claimed_score": claimed,
        "by_nature": rows("by_nature"), "by_source": rows("by_source"),
        "note": "其中行（按支出性质、资金性质）只作信息，不计分",
    }


def score_target(ld: Loaded, dp: DeptProfile, facts: Facts) -> Scoring:
    rec, issues = own_indicators(ld, dp, dp.exec_weight, dp.indicator_weight, with_exec_claim=True)
    # execution above the budget is reported with its base by the department review (PE903); the group
    # weight check counts not-applicable rows' weights too (they are dropped and the total rescaled)
    given = [as_number(x.get("weight")) for x in ld.data.get("indicators") or [] if isinstance(x, dict)]
    full = all(w is not None for w in given) and abs(sum(given) - dp.indicator_weight) <= dp.tolerance
    issues = [i for i in issues if i.code != "PE403" and not (i.code == "PE401" and full)]
    unit = (ld.data.get("funds") or {}).get("unit") or "万元"
    if rec is None:
        return Scoring([], 0.0, _execution(facts, dp.exec_weight, None, None, unit), issues)
    ex = rec["execution"]
    execution = _execution(facts, ex["weight"], ex["score"], ex["claimed_score"], unit)
    execution["explain"] = f"得分 = {dp.exec_weight:g} × min(执行率, 1)，执行率 = 全年执行数 / {execution['base']}"
    rows = _ind_rows(rec)
    factor = 1.0
    if dp.not_applicable == "drop" and any(r["not_applicable"] for r in rows):
        basis = (ex["weight"] or 0.0) + sum(r["weight"] or 0.0 for r in rows if not r["not_applicable"])
        factor = 100.0 / basis if basis > 0 else 1.0  # the engine's rescale, reported for the form
    return Scoring(rows, float(rec["total"] or 0.0), execution, issues, factor)


COUNT_FIGURES = {"violations"}


def _fig_explain(fig: Figure, rubric_text: str, is_count: bool) -> str:
    if fig.not_applicable:
        return f"{fig.formula}：不适用（{fig.not_applicable}）"
    if fig.value is None:
        return f"{fig.formula}：缺少数据"
    v = "∞（分母为 0）" if math.isinf(fig.value) else (fmt(fig.value, 0) if is_count else pct(fig.value))
    return f"{fig.formula} = {v}" + (f"（{fig.note}）" if fig.note else "") + f"；{rubric_text}"


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip() in ("是", "√", "✓", "有", "已", "满足", "yes", "true", "1", "Y", "y")
    return bool(v)


def score_framework(ld: Loaded, dp: DeptProfile, facts: Facts) -> Scoring:
    fw = ld.data.get("framework") if isinstance(ld.data.get("framework"), dict) else {}
    unit = (ld.data.get("funds") or {}).get("unit") or "万元"
    rows: list[dict] = []
    issues: list[Issue] = []
    exec_w = exec_s = exec_claim = None
    for it in dp.items:
        entry = fw.get(it.name) if isinstance(fw.get(it.name), dict) else {}
        path = ("framework", it.name) if it.name in fw else ()
        row: dict[str, Any] = {
            "level1": it.level1, "level2": it.level2, "name": it.name, "target": None, "actual": None,
            "kind": it.rubric or it.input, "completion": None, "weight": it.weight, "score": 0.0,
            "claimed_score": as_number(entry.get("claimed_score")), "basis": None, "explain": "",
            "not_applicable": False, "figure": None, "rubric": None, "note": entry.get("note") or it.note or None,
            "line": ld.line_of(path) if path else None,
        }
        if it.rubric:
            row["rubric"] = {"kind": it.rubric, "title": RUBRICS[it.rubric].title, "text": RUBRICS[it.rubric].describe(it.weight, it.params)}
        declared_na = entry.get("not_applicable") is not None and _truthy(entry.get("not_applicable"))
        if it.input == "own_indicators":
            if not [x for x in ld.data.get("indicators") or [] if isinstance(x, dict)]:
                row.update(basis="own_indicators", explain="部门没有填写自己的绩效指标（indicators）")
                issues.append(ld.issue("PE916", ("indicators",), indicator=it.name, missing="indicators（部门绩效指标）"))
                rows.append(row)
                continue
            rec, own_issues = own_indicators(ld, dp, 100 - it.weight, it.weight, with_exec_claim=False)
            issues += [i for i in own_issues if i.code not in _FORM_LEVEL and i.indicator != EXEC_NAME]
            if rec is not None:
                rows += _ind_rows(rec, it.level1, it.level2)
            continue
        if declared_na:
            row.update(basis="declared", not_applicable=True, explain=f"提交文件声明不适用：{entry.get('note') or '未说明原因'}")
            rows.append(row)
            continue
        if it.input == "judgement":
            s = as_number(entry.get("score"))
            row["basis"] = "judgement"
            if s is None:
                issues.append(ld.issue("PE915", path or ("framework",), indicator=it.name))
                row["explain"] = "评价人判断的指标，未给出得分"
            else:
                if s > it.weight + 1e-9:
                    issues.append(ld.issue("PE920", path + ("score",), indicator=it.name, score=fmt(s), weight=fmt(it.weight)))
                row["score"] = float(min(max(s, 0.0), it.weight))
                row["explain"] = "评价人判断打分" + (f"：{entry.get('note')}" if entry.get("note") else "（未写依据）")
            rows.append(row)
            continue
        x, fig = None, None
        if it.input == "checks":
            checks = entry.get("checks")
            items = it.params.get("items") or []
            if isinstance(checks, list):
                x = float(sum(_truthy(c) for c in checks[: len(items)]))
                row["actual"] = f"满足 {x:g}/{len(items)} 项"
                row["explain"] = "；".join(f"{name}：{'是' if k < len(checks) and _truthy(checks[k]) else '否'}" for k, name in enumerate(items))
            row["basis"] = "assessor_input"
        elif it.input == "cases":
            x = as_number(entry.get("cases"))
            row["basis"] = "assessor_input"
            if x is not None:
                row["actual"] = f"{x:g} 例"
                row["explain"] = f"发现 {x:g} 例"
        elif it.input == "tier":
            t = str(entry.get("tier") or "").strip()
            x = TIER_VALUE.get(t)
            row["basis"] = "assessor_input"
            if x is not None:
                row["actual"] = t
                row["explain"] = f"评价人判定：{t}"
        else:
            label, fn = FIGURES[it.figure]
            fig = fn(facts)
            given = as_number(entry.get("value"))
            if given is not None and fig.value is None and not fig.not_applicable:
                fig.value = given / 100 if given > 1.5 and it.figure not in COUNT_FIGURES else given
                fig.note = "数值取自提交文件 framework 中的 value（无法由数据计算）"
            row["basis"] = "computed"
            row["figure"] = {"name": it.figure, "label": label, **fig.to_dict()}
            row["explain"] = _fig_explain(fig, row["rubric"]["text"] if row["rubric"] else "", it.figure in COUNT_FIGURES)
            if fig.fallback == "PE917":
                issues.append(ld.issue("PE917", ("monitoring",), indicator=it.name, rate=pct(fig.value)))
            if fig.fallback == "PE922":
                issues.append(ld.issue("PE922", ("three_public",), this=fmt(facts.num("three_public", "budget" if dp.three_public_base == "budget" else "actual"))))
            if fig.not_applicable:
                row["not_applicable"] = True
                row["actual"] = "不适用"
            elif fig.value is not None:
                x = fig.value
                row["actual"] = ("∞" if math.isinf(x) else (fmt(x, 0) + " 例" if it.figure in COUNT_FIGURES else pct(x)))
                row["completion"] = None if math.isinf(x) else round(x, 6)
            if it.figure == "exec_rate":
                exec_w, exec_claim = it.weight, row["claimed_score"]
        if row["not_applicable"]:
            rows.append(row)
            continue
        if x is None:
            if fig is None or not fig.fallback:
                missing = "、".join(fig.missing) if fig is not None and fig.missing else f"framework 中“{it.name}”的 {it.input}"
                issues.append(ld.issue("PE916", path or ("framework",), indicator=it.name, missing=missing))
            rows.append(row)
            continue
        row["score"] = float(apply(it.rubric, x, it.weight, it.params))
        rows.append(row)
    w = np.array([r["weight"] or 0.0 for r in rows])
    pts = np.array([r["score"] or 0.0 for r in rows])
    na = np.array([bool(r["not_applicable"]) for r in rows])
    pts, factor = settle(w, pts, na, dp.not_applicable)
    rule = "按规则得满分" if dp.not_applicable == "full" else "不计入，总分按其余分值折算为百分制"
    for r, p in zip(rows, pts, strict=False):
        if r["not_applicable"]:
            r["score"] = float(p) if dp.not_applicable == "full" else None
            reason = (r.get("figure") or {}).get("not_applicable") or "提交文件声明"
            issues.append(make_issue("PE914", file=ld.file, line=r["line"], indicator=r["name"], reason=reason, rule=rule, weight=fmt(r["weight"])))
        elif r["score"] is not None:
            r["score"] = r2(r["score"])
    for r in rows:
        if r["name"] in [it.name for it in dp.items if it.figure == "exec_rate"]:
            exec_s = r["score"]
    total = float(sum(r["score"] or 0.0 for r in rows)) * factor
    execution = _execution(facts, exec_w, exec_s, exec_claim, unit)
    return Scoring(rows, min(total, 100.0), execution, issues, factor)


SCORERS: dict[str, Callable[[Loaded, DeptProfile, Facts], Scoring]] = {"target": score_target, "framework": score_framework}
