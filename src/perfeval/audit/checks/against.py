"""Against the submission: amounts, execution rate, indicator actuals, total and grade in the
text versus the form's data and perfeval's computed results."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..model import Doc, Finding, check, num, ratio_ok, rnd
from ..text import MONEY, norm_name

FUND_NAMES = {"全年预算数": "budget", "预算数": "budget", "调整后预算数": "budget", "年初预算数": "initial",
              "全年执行数": "executed", "执行数": "executed", "实际支出": "executed", "实际执行数": "executed"}
RATE_RE = re.compile(r"(?:预算)?执行率(?:为|是|达到|达)?\s*$")
TOTAL_RE = re.compile(r"(?:自评总分|评价总分|总得分|综合得分|总分)(?:为|是|达到|达|:)?\s*(\d+(?:\.\d+)?)\s*分?")
GRADE_RE = re.compile(r"(?:自评等级|评价等级|绩效等级|等级)(?:为|是|评定为|:)?\s*[“\"']?(优秀|良好|不合格|合格|优|良|中|差)")
GRADE_MAP = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中": "中", "合格": "中", "差": "差", "不合格": "差"}
TARGET_WORDS = re.compile(r"目标|指标值|计划|预期|预计|≥|≤|>|<|=|＝|不低于|不少于|不高于|不超过|以上|以下|设定|完成率|得分|分值|增长|增加|减少|下降|上年")
AFTER_TARGET = re.compile(r"^\s*(以上|以下|以内|及以上|及以下|左右|-|－|~|～|至)")


def _d(x) -> Decimal | None:
    if x is None:
        return None
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return None


@check("against")
def against(doc: Doc) -> list[Finding]:
    f = doc.facts
    if not f:
        return []
    out: list[Finding] = []
    unit = MONEY.get(f.get("unit") or "万元", Decimal(10000))
    for s in doc.sentences:
        for t in s.tokens:
            if t.nested or COMPARING.search(s.text):
                continue
            if t.kind == "money":
                key = FUND_NAMES.get(norm_name(t.name).removeprefix("项目").removeprefix("资金"))
                v = _d(f.get(key)) if key else None
                if v is None:
                    continue
                v = v * unit
                if abs(t.yuan - v) <= t.half:
                    continue
                exp = v / MONEY[t.unit]
                out.append(doc.finding("PE810", "against", s, t.value, rnd(exp, max(t.decimals, 2)), (t.start, t.end),
                                       what=norm_name(t.name), claimed=f"{num(t.value)}{t.unit}",
                                       expected=f"{num(rnd(exp, 2))}{t.unit}"))
            elif t.kind == "pct" and RATE_RE.search(s.text[max(0, t.start - 10):t.start]):
                b, e = _d(f.get("budget")), _d(f.get("executed"))
                if not b or e is None or not _about_total(s, t, b * unit, e * unit):
                    continue
                ok, _ = ratio_ok(t.value, t.decimals, e, Decimal(0), b, Decimal(0))
                expected = rnd(e / b * 100, max(t.decimals, 2))
                if not ok:
                    out.append(doc.finding("PE810", "against", s, t.value, expected, (t.start, t.end),
                                           what="预算执行率", claimed=f"{num(t.value)}%", expected=f"{expected}%"))
        out += _total_and_grade(doc, s, f)
        out += _indicators(doc, s, f)
    return out


def _about_total(s, t, budget, executed) -> bool:
    """Is the rate at ``t`` the project's (not one source's)? Its segment names no other amounts."""
    seg_start = max(s.text.rfind(c, 0, t.start) for c in "；;") + 1
    money = [u for u in s.tokens if seg_start <= u.start < t.start and u.kind == "money"]
    return all(abs(u.yuan - budget) <= u.half or abs(u.yuan - executed) <= u.half for u in money)


COMPARING = re.compile(r"按规则|按评分规则|计算的|复核|PE\d{3}")


def _total_and_grade(doc: Doc, s, f) -> list[Finding]:
    out = []
    if COMPARING.search(s.text):  # the text sets the claim beside the computed value: it is not a claim
        return out
    total = _d(f.get("total"))
    if total is not None:
        for m in TOTAL_RE.finditer(s.text):
            v = Decimal(m.group(1))
            dp = len(m.group(1).partition(".")[2])
            if v != rnd(total, dp) and v != total:
                out.append(doc.finding("PE811", "against", s, v, total, m.span(1),
                                       what="总分", claimed=f"{num(v)}", expected=f"{num(total)}"))
    grade = f.get("grade")
    if grade:
        for m in GRADE_RE.finditer(s.text):
            g = GRADE_MAP[m.group(1)]
            if g != grade:
                out.append(doc.finding("PE811", "against", s, m.group(1), grade, m.span(1),
                                       what="等级", claimed=m.group(1), expected=grade))
    return out


_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(\S*)\s*$")


def _indicators(doc: Doc, s, f) -> list[Finding]:
    out = []
    for ind in f.get("indicators") or ():
        name = ind.get("name") or ""
        if len(name) < 4 or name not in s.text:
            continue
        m = _NUM.match(str(ind.get("actual") if ind.get("actual") is not None else ""))
        if not m:
            continue
        value = Decimal(m.group(1))
        unit = m.group(2) or ind.get("unit") or ""
        at = s.text.index(name) + len(name)
        for t in s.tokens:
            if t.start < at or t.unit != unit:
                continue
            gap = s.text[at:t.start]
            if re.search(r"[，,；;。]", gap) and len(gap) > 12:
                break
            if TARGET_WORDS.search(gap) or AFTER_TARGET.match(s.text[t.end:]):
                break
            if t.value != value and t.value != rnd(value, t.decimals):
                out.append(doc.finding("PE812", "against", s, t.value, value, (t.start, t.end),
                                       indicator=name, claimed=f"{num(t.value)}{t.unit}", expected=f"{num(value)}{unit}"))
            break
    return out


def facts_from_result(r: dict) -> dict:
    """What a scored submission says (the result record of ``pipeline.results``)."""
    ex = r.get("execution") or {}
    return {"unit": ex.get("unit"), "budget": ex.get("budget"), "executed": ex.get("executed"),
            "initial": ex.get("initial"), "total": r.get("total"), "grade": r.get("grade"),
            "indicators": [{"name": i.get("name"), "actual": i.get("actual"), "unit": i.get("unit")}
                           for i in r.get("indicators") or ()]}


def facts_from_data(d: dict) -> dict:
    """What a submission's own data says, before scoring (used by batch on each narrative)."""
    funds = d.get("funds") if isinstance(d.get("funds"), dict) else {}
    total = funds.get("total") if isinstance(funds.get("total"), dict) else {}
    inds = d.get("indicators") if isinstance(d.get("indicators"), list) else []
    return {"unit": funds.get("unit") or "万元", "budget": total.get("budget"), "executed": total.get("executed"),
            "initial": total.get("initial"),
            "indicators": [{"name": i.get("name"), "actual": i.get("actual"), "unit": None}
                           for i in inds if isinstance(i, dict) and isinstance(i.get("name"), str)]}
