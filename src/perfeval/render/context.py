"""View-models: plain, pre-formatted data built from one result record.

Renderers never compute anything themselves: every number they show comes
from here, and everything here comes from :func:`perfeval.pipeline.results`.
A :class:`Num` carries the number (for spreadsheets) and its display text (for
HTML, Markdown and Word), so the same value is never formatted twice in two
different ways.

User text is passed through :func:`clean` (control characters removed) and is
otherwise untouched: escaping is the template's job (autoescape for HTML, the
``md`` filters for Markdown).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .. import methods
from ..chars import XML_UNSAFE_RE
from ..issues import SEVERITY_ZH
from ..layouts import DEFAULT_LAYOUT, LAYOUTS, get_layout
from ..notation import EMPTY, NA, NUMERIC_OPS, parse, unit_factor
from ..numbers import fmt, pct

MONEY, RATE, SCORE, PLAIN = "money", "rate", "score", "plain"
UNFILLED = "（单位未填写）"
DIFF_MARK = "⚠"

_CONTROL = XML_UNSAFE_RE


def clean(v: Any) -> str:
    """User text for display: ``None`` → ``""``; control characters removed."""
    if v is None:
        return ""
    return _CONTROL.sub("", str(v)).strip()


@dataclass(frozen=True)
class Num:
    """A number and the exact text shown for it (``str(n)`` is the text)."""

    value: float | None
    kind: str = SCORE
    text: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def present(self) -> bool:
        return self.value is not None


def num(value: float | None, kind: str = SCORE, empty: str = "") -> Num:
    if value is None or (isinstance(value, float) and value != value):
        return Num(None, kind, empty)
    if kind == RATE:
        return Num(float(value), kind, pct(value))
    if kind == PLAIN:
        return Num(float(value), kind, num_text(value))
    return Num(float(value), kind, fmt(value, 2))


def num_text(v: float) -> str:
    """A value as a person writes it: ``5``, ``95``, ``2.5`` (no float noise, no exponent)."""
    s = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def points(v: float | None) -> str:
    """Points in a heading: ``10`` or ``22.5``."""
    return "" if v is None else num_text(round(float(v), 2))


def same(a: float | None, b: float | None) -> bool:
    """Equal as displayed (2 decimals, half-up)."""
    return fmt(a) == fmt(b)


def diff_of(claimed: float | None, computed: float | None) -> dict | None:
    """How a claimed score departs from the computed one, or ``None`` if it does not."""
    if claimed is None or computed is None or same(claimed, computed):
        return None
    d = float(claimed) - float(computed)
    direction = "high" if d > 0 else "low"
    amount = fmt(abs(d))
    word = "偏高" if d > 0 else "偏低"
    return {
        "direction": direction,
        "amount": num(abs(d)),
        "label": f"自评{word} {amount}",
        "title": f"自评得分 {fmt(claimed)} 与按规则计算的 {fmt(computed)} 不符，{word} {amount} 分",
    }


# ---------------------------------------------------------------------------
# indicator status: the facts sentences and cell marks are built from
# ---------------------------------------------------------------------------
MET, OVER, MISSED, PARTIAL, UNSCORABLE, NOT_APPLICABLE = "met", "over", "missed", "partial", "unscorable", "na"
STATUS_ZH = {
    MET: "达到", OVER: "超额完成", MISSED: "未达到", PARTIAL: "部分达成", UNSCORABLE: "无法评分", NOT_APPLICABLE: "不适用",
}


def indicator_status(ind: dict) -> str:
    kind = ind.get("kind")
    if kind == NA:
        return NOT_APPLICABLE
    if not ind.get("scorable"):
        return UNSCORABLE
    if kind == "qualitative":
        return {"达成": MET, "部分达成": PARTIAL}.get(ind.get("tier") or "", MISSED)
    full = ind.get("score") is not None and ind.get("weight") is not None and float(ind["score"]) >= float(ind["weight"]) - 0.005
    if not full:
        return MISSED
    c = ind.get("completion")
    m = methods.get(kind)
    if c is not None and m is not None and m.point and c > 1.0 + 1e-9:
        return OVER
    return MET


def gap(ind: dict) -> tuple[float, str] | None:
    """How far the actual value is from the target, in the target's unit (``None`` if not comparable)."""
    kind = ind.get("kind")
    if kind not in NUMERIC_OPS:
        return None
    t = parse(ind.get("target"))
    a = parse(ind.get("actual"))
    m = methods.get(kind)
    if m is None or m.deviation is None or not t.numeric or not a.numeric or not methods.get(a.op).point \
            or t.value is None or a.value is None:
        return None
    unit = ind.get("unit") or t.unit
    f = unit_factor(a.unit, unit)
    if f is None:
        return None
    d = m.deviation(t, a.value * f)
    return round(abs(d), 6), unit or ""


def gap_text(amount: float, unit: str) -> str:
    if unit == "%":
        return f"{num_text(amount)} 个百分点"
    return f"{num_text(amount)}{unit}"


# ---------------------------------------------------------------------------
# the form (项目支出绩效自评表)
# ---------------------------------------------------------------------------
TITLES = {name: lay.title for name, lay in LAYOUTS.items()}  # kept for templates and callers; see perfeval.layouts
QUALITATIVE_NATURE = "定性"


def _sichuan_target(ind: dict) -> dict:
    """Comparator, value and unit as three cells (Sichuan 510000_0013zp)."""
    kind = ind.get("kind")
    target = clean(ind.get("target"))
    m = methods.get(kind)
    if m is not None and m.numeric:
        t = parse(ind.get("target"))
        if t.value is not None:
            unit = ind.get("unit") or t.unit or ""
            if not m.point:  # the notation without its unit (80-90, ±10, 100±5); the unit has its own cell
                hi = t.hi if t.hi is not None else t.value
                value = m.format(dataclasses.replace(t, hi=hi, unit=None)) if m.format else t.text
                return {"nature": m.label, "value": value, "value_num": None, "unit": unit}
            return {"nature": m.symbol, "value": num_text(t.value), "value_num": float(t.value), "unit": unit}
    if kind == NA:
        return {"nature": "/", "value": target or "/", "value_num": None, "unit": ""}
    if kind == EMPTY or not target:
        return {"nature": "", "value": "", "value_num": None, "unit": ""}
    return {"nature": QUALITATIVE_NATURE, "value": target, "value_num": None, "unit": ""}


def _spans(keys: list[tuple]) -> list[int]:
    """Row spans for runs of equal keys: the first row of a run gets its length, the others 0."""
    spans = [0] * len(keys)
    i = 0
    while i < len(keys):
        j = i
        while j < len(keys) and keys[j] == keys[i]:
            j += 1
        spans[i] = j - i
        i = j
    return spans


def _grouped(indicators: list[dict]) -> list[dict]:
    """Indicators grouped by 一级 then 二级 (first appearance order), rows otherwise as submitted."""
    order1: dict[str, int] = {}
    order2: dict[tuple[str, str], int] = {}
    for i in indicators:
        order1.setdefault(i["level1"], len(order1))
        order2.setdefault((i["level1"], i["level2"]), len(order2))
    return sorted(indicators, key=lambda i: (order1[i["level1"]], order2[(i["level1"], i["level2"])]))


def _issue_view(i: dict) -> dict:
    return {
        "code": i.get("code") or "",
        "severity": i.get("severity") or "",
        "severity_zh": SEVERITY_ZH.get(i.get("severity") or "", i.get("severity") or ""),
        "message": clean(i.get("message")),
        "line": i.get("line"),
        "indicator": clean(i.get("indicator")),
        "hint": clean(i.get("hint")),
    }


def _indicator_view(ind: dict, layout: str) -> dict:
    status = indicator_status(ind)
    na = status == NOT_APPLICABLE
    score = ind.get("score")
    weight = ind.get("weight")
    g = gap(ind) if status == MISSED else None
    view = {
        "level1": clean(ind.get("level1")),
        "level2": clean(ind.get("level2")),
        "name": clean(ind.get("name")),
        "target": clean(ind.get("target")),
        "actual": clean(ind.get("actual")),
        "kind": ind.get("kind"),
        "qualitative": ind.get("kind") == "qualitative",
        "tier": ind.get("tier") or "",
        "unit": clean(ind.get("unit")),
        "status": status,
        "status_zh": STATUS_ZH[status],
        "na": na,
        "scorable": bool(ind.get("scorable")),
        "weight": num(None, SCORE, "/") if na else num(weight),
        "score": num(None, SCORE, "/") if na else num(score),
        "claimed": num(ind.get("claimed_score")),
        "diff": diff_of(ind.get("claimed_score"), None if na else score),
        "completion": num(ind.get("completion"), RATE),
        "deduction": num(None) if na or score is None or weight is None else num(max(float(weight) - float(score), 0.0)),
        "gap": None if g is None else {"amount": g[0], "unit": g[1], "text": gap_text(*g)},
        "note": clean(ind.get("note")),
        "line": ind.get("line"),
        "explain": clean(ind.get("explain")),
    }
    if get_layout(layout).target_cells:
        view.update(_sichuan_target(ind))
    return view


def form_view(r: dict) -> dict:
    """Everything the 自评表 shows for one scored result record."""
    layout = (r.get("profile") or {}).get("layout") or DEFAULT_LAYOUT
    if layout not in LAYOUTS:  # a record from elsewhere; a profile with an unknown layout never loads
        layout = DEFAULT_LAYOUT
    lay = get_layout(layout)
    p, ex = r["project"], r["execution"]
    exec_diff = diff_of(ex.get("claimed_score"), ex.get("score"))
    total_row = {
        "label": lay.total_label,
        "initial": num(ex.get("initial"), MONEY),
        "budget": num(ex.get("budget"), MONEY),
        "executed": num(ex.get("executed"), MONEY),
        "rate": num(ex.get("rate"), RATE),
        "weight": num(ex.get("weight")),
        "score": num(ex.get("score")),
        "claimed": num(ex.get("claimed_score")),
        "diff": exec_diff,
        "total": True,
        "explain": clean(ex.get("explain")),
    }
    dash = lay.source_dash
    sources = [
        {
            "label": clean(s.get("name")),
            "initial": num(s.get("initial"), MONEY),
            "budget": num(s.get("budget"), MONEY),
            "executed": num(s.get("executed"), MONEY),
            "rate": num(s.get("rate"), RATE),
            "weight": num(None, SCORE, dash),
            "score": num(None, SCORE, dash),
            "claimed": num(None),
            "diff": None,
            "total": False,
        }
        for s in ex.get("sources") or []
    ]
    inds = [_indicator_view(i, layout) for i in _grouped(r.get("indicators") or [])]
    for row, span in zip(inds, _spans([(i["level1"],) for i in inds]), strict=True):
        row["l1_span"] = span
    for row, span in zip(inds, _spans([(i["level1"], i["level2"]) for i in inds]), strict=True):
        row["l2_span"] = span
    ind_weight = sum(float(i["weight"].value) for i in inds if i["weight"].value is not None)
    weight_total = float(ex.get("weight") or 0.0) + ind_weight
    claimed_any = (
        ex.get("claimed_score") is not None
        or r.get("claimed_total") is not None
        or any(i.get("claimed_score") is not None for i in r.get("indicators") or [])
    )
    grade, claimed_grade = r.get("grade") or "", clean(r.get("claimed_grade"))
    basis = fmt(r.get("weight_basis"))
    if r.get("grade_refused"):  # weights not adding up to 100 under weight_total: refuse (PE417)
        grade = f"不予定级（分值合计 {basis}，不等于 100）"
    elif r.get("rescaled"):  # PE416: the total is on a 100-point basis, said on the form itself
        grade = f"{grade}（总分按百分制折算：{fmt(r.get('raw_total'))} ÷ {basis} × 100）"
    narrative = {k: clean(v) for k, v in (r.get("narrative") or {}).items()}
    return {
        "layout": layout,
        "title": lay.title,
        "year": p.get("year"),
        "file": r.get("file") or "",
        "profile": {k: clean(v) for k, v in (r.get("profile") or {}).items()},
        "project": {k: clean(p.get(k)) for k in ("name", "code", "department", "implementer")},
        "unit": clean(ex.get("unit")) or "万元",
        "funds": {"total": total_row, "sources": sources, "note": clean(ex.get("note"))},
        "exec": total_row,
        "goal": {"target": clean((r.get("goal") or {}).get("target")), "actual": clean((r.get("goal") or {}).get("actual"))},
        "indicators": inds,
        "indicator_weight": num(ind_weight),
        "indicator_points": points(ind_weight),
        "exec_points": points(ex.get("weight")),
        "totals": {
            "weight": num(weight_total),
            "score": num(r.get("total")),
            "claimed": num(r.get("claimed_total")),
            "diff": diff_of(r.get("claimed_total"), r.get("total")),
            "grade": grade,
            "claimed_grade": claimed_grade,
            "grade_diff": bool(claimed_grade) and claimed_grade != (r.get("grade") or ""),
            "rescaled": bool(r.get("rescaled")),
        },
        "has_claims": claimed_any,
        "narrative": {k: narrative.get(k, "") for k in ("basic", "funds", "conclusion", "problems", "suggestions")},
        "issues": [_issue_view(i) for i in r.get("issues") or []],
        "marks": {"diff": DIFF_MARK},
    }
