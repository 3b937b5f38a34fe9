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
TARGET_WORDS = re.compile(r"目标|指标值|计划|预期|预计|≥|≤|>|<|=|＝|不低于|不少于|不高于|不超过|超过|超出|低于|高于|少于|多于|不足|以上|以下|设定|完成率|得分|分值|增长|增加|减少|下降|上年")
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
                if key and _qualified(s, t, f):
                    continue  # "基本支出经费预算270.52万元，实际支出270.52万元": a part's 实际支出, not the total's
                v = _d(f.get(key)) if key else None
                if v is None:
                    out += _named(doc, s, t, f, unit)
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


_OTHER_TIME = re.compile(r"上年|去年|上一年|以前年度|比上年|较上年|同比|增长|增加|减少|下降|年初|结转|结余|累计|计划|预计|拟")


def _named(doc: Doc, s, t, f: dict, unit: Decimal) -> list[Finding]:
    """A named amount of the data (资金来源, 基本支出 …) stated with a value none of its columns has."""
    named = f.get("named") or {}
    name = norm_name(t.name).removeprefix("其中").lstrip(":：")
    vals = named.get(name)
    if not vals or (f.get("year") and s.year and s.year != f["year"]) or _OTHER_TIME.search(s.text):
        return []
    values = [Decimal(v) * unit for v in vals]
    if any(abs(t.yuan - v) <= t.half for v in values):
        return []
    want = min(values, key=lambda v: abs(v - t.yuan)) / MONEY[t.unit]
    return [doc.finding("PE810", "against", s, t.value, rnd(want, max(t.decimals, 2)), (t.start, t.end),
                        what=name, claimed=f"{num(t.value)}{t.unit}", expected=f"{num(rnd(want, 2))}{t.unit}")]


_PART = re.compile(r"基本支出|项目支出|人员|公用|三公|其中|分别|来源|中央|省级|市级|县级|区级|本级|上级|转移支付|结转")


def _qualified(s, t, f: dict) -> bool:
    """Does the clause before a generic 预算数/实际支出 name a part (基本支出, a source …) rather than the total?"""
    seg = s.text[max(s.text.rfind(c, 0, t.start) for c in "；;。") + 1:t.start]
    if _PART.search(seg):
        return True
    return any(n in seg for n in (f.get("named") or {}))


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


def _n(x) -> Decimal | None:
    if isinstance(x, bool) or not isinstance(x, (int, float, str)):
        return None
    return _d(str(x).replace(",", "").strip())


def _rows_total(rows: list, key: str) -> Decimal | None:
    vals = [_n(r.get(key)) for r in rows if isinstance(r, dict)]
    return sum(vals, Decimal(0)) if vals and all(v is not None for v in vals) else None


#: department rows with a fixed name (``funds.personnel`` is 人员经费 …)
_DEPT_ROWS = {"personnel": "人员经费", "public": "公用经费", "key_projects": "重点项目支出"}


def named_amounts(d: dict) -> dict[str, list]:
    """Named amounts of the data (资金来源、基本支出/项目支出、人员经费 …) → [初始, 全年预算, 执行] in the funds unit."""
    funds = d.get("funds") if isinstance(d.get("funds"), dict) else {}
    out: dict[str, list] = {}

    def put(name, row) -> None:
        if not isinstance(name, str) or not isinstance(row, dict) or len(norm_name(name)) < 4:
            return
        vals = [str(v) for v in (_n(row.get(k)) for k in ("initial", "budget", "executed")) if v is not None]
        if vals:
            out.setdefault(norm_name(name), []).extend(vals)

    for key in ("sources", "by_nature", "by_source"):
        for row in funds.get(key) or ():
            if isinstance(row, dict):
                put(row.get("name"), row)
    for key, name in _DEPT_ROWS.items():
        put(name, funds.get(key))
    return out


def facts_from_data(d: dict) -> dict:
    """What a submission's own data says, before scoring (used by batch on each narrative).

    Without a printed ``funds.total`` the total is the sum of the sources (YAML projects list sources only).
    """
    funds = d.get("funds") if isinstance(d.get("funds"), dict) else {}
    total = funds.get("total") if isinstance(funds.get("total"), dict) else {}
    sources = funds.get("sources") if isinstance(funds.get("sources"), list) else []
    inds = d.get("indicators") if isinstance(d.get("indicators"), list) else []

    def tot(key):
        v = total.get(key)
        if v is None and not total and sources:
            s = _rows_total(sources, key)
            return None if s is None else num(s)
        return v

    p = d.get("department") if d.get("kind") == "department" else d.get("project")
    year = p.get("year") if isinstance(p, dict) else None
    return {"unit": funds.get("unit") or "万元", "budget": tot("budget"), "executed": tot("executed"),
            "initial": tot("initial"), "year": str(year) if year is not None else None, "named": named_amounts(d),
            "indicators": [{"name": i.get("name"), "actual": i.get("actual"), "unit": None}
                           for i in inds if isinstance(i, dict) and isinstance(i.get("name"), str)]}
