"""Turn loaded submissions into columns of three long tables.

* ``projects``: one row per submission (file, project fields, fund sums, claims);
* ``funds``: one row per 资金来源 (其中 row);
* ``indicators``: one row per 三级指标, with the target and actual parsed into
  numbers, units and operators.

Columns are appended to plain lists (cheap, picklable, so a worker process can
build a chunk and send it back) and become one polars frame per table for the
whole batch.  Nothing here judges the values: that is ``validate``'s job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import polars as pl

from .. import methods as _methods
from ..dates import deadline_tier
from ..notation import EMPTY, NA, QUAL, Rule, format_rule, parse, qualitative_tier, unit_factor
from ..profile import DEFAULT_PROFILE, ProfileError, get_profile, normalise_level1
from .load import Loaded
from .structure import as_number

PROJECT_SCHEMA: dict[str, Any] = {
    "sub": pl.Int32, "file": pl.String, "profile": pl.String, "name": pl.String, "code": pl.String,
    "year": pl.Int32, "department": pl.String, "implementer": pl.String, "money_unit": pl.String,
    "initial": pl.Float64, "budget": pl.Float64, "executed": pl.Float64,
    "total_initial": pl.Float64, "total_budget": pl.Float64, "total_executed": pl.Float64,
    "fund_note": pl.String, "exec_claimed": pl.Float64, "claimed_total": pl.Float64, "claimed_grade": pl.String,
    "goal_target": pl.String, "goal_actual": pl.String, "narrative": pl.String,
    "line": pl.Int32, "l_funds": pl.Int32, "l_exec_claimed": pl.Int32, "l_claimed_total": pl.Int32,
    "l_claimed_grade": pl.Int32, "l_total": pl.Int32,
}
FUND_SCHEMA: dict[str, Any] = {
    "sub": pl.Int32, "pos": pl.Int32, "name": pl.String, "initial": pl.Float64, "budget": pl.Float64,
    "executed": pl.Float64, "line": pl.Int32,
}
INDICATOR_SCHEMA: dict[str, Any] = {
    "sub": pl.Int32, "pos": pl.Int32, "line": pl.Int32, "l_target": pl.Int32, "l_actual": pl.Int32,
    "l_weight": pl.Int32, "l_claimed": pl.Int32, "l_ratio": pl.Int32,
    "profile": pl.String, "ref": pl.String, "level1": pl.String, "level2": pl.String, "name": pl.String,
    "target": pl.String, "actual": pl.String, "op": pl.String, "a": pl.Float64, "a_hi": pl.Float64,
    "unit": pl.String, "b": pl.Float64, "b_op": pl.String, "b_unit": pl.String, "unit_ok": pl.Boolean,
    "tier": pl.String, "ratio": pl.Float64, "weight": pl.Float64, "claimed": pl.Float64, "note": pl.String,
    "b_read": pl.String,
}


@dataclass
class Columns:
    """Column lists for the three tables; ``merge`` appends another chunk."""

    projects: dict[str, list] = field(default_factory=lambda: {k: [] for k in PROJECT_SCHEMA})
    funds: dict[str, list] = field(default_factory=lambda: {k: [] for k in FUND_SCHEMA})
    indicators: dict[str, list] = field(default_factory=lambda: {k: [] for k in INDICATOR_SCHEMA})

    def merge(self, other: "Columns") -> None:
        for mine, theirs in ((self.projects, other.projects), (self.funds, other.funds), (self.indicators, other.indicators)):
            for k, v in theirs.items():
                mine[k].extend(v)

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        return (
            pl.DataFrame(self.projects, schema=PROJECT_SCHEMA),
            pl.DataFrame(self.funds, schema=FUND_SCHEMA),
            pl.DataFrame(self.indicators, schema=INDICATOR_SCHEMA),
        )


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    s = str(v).strip()
    return s or None


def _target_rule(v: Any, unit: str | None) -> Rule:
    """A target written as text, a number, or a mapping ``{op, value, unit}``."""
    if isinstance(v, dict):
        op = str(v.get("op", "=")).strip()
        val, hi = as_number(v.get("value")), as_number(v.get("hi"))
        u = v.get("unit") or unit
        if val is None:
            return Rule(QUAL, text=str(v.get("value")))
        if hi is not None:
            return parse(f"{val:g}-{hi:g}{u or ''}")
        r = parse(f"{op}{val:g}{u or ''}")
        return r
    r = parse(v)
    if unit and r.numeric and r.unit is None:
        r = Rule(r.op, r.value, r.hi, parse(f"1{unit}").unit or unit, r.text)
    return r


_PLACEHOLDER = re.compile(r"^(?:指标\s*\d+\s*[:：]\s*)")
_BLANK_NAMES = {"", "……", "…", "...", "/", "／", "—", "-"}


def _clean_name(name: str | None) -> str:
    """Strip the template's "指标1:" numbering; placeholder names become empty."""
    n = _PLACEHOLDER.sub("", name or "").strip()
    return "" if n in _BLANK_NAMES else n


def _line(ld: Loaded, node: dict, key: str) -> int | None:
    info = ld.lines.get(id(node))
    if info is None:
        return None
    return info[1].get(key)


def bare_fraction_policy(profile: str, override: str | None = None) -> str:
    """How a bare number ≤ 1 against a percent target is read: ``fraction`` (0.96 = 96%) or ``percent``."""
    if override:
        return override
    try:
        return get_profile(profile).bare_fraction
    except ProfileError:
        return "fraction"


def _ambiguous_fraction(t: Rule, b: Rule) -> bool:
    """A bare number in (0, 1] against a percent target above 1%: 0.96 may be 96% or 0.96%."""
    if t.unit != "%" or b.unit is not None or b.op != "=" or b.value is None or not 0 < b.value <= 1:
        return False
    top = t.hi if t.op == "range" else t.value
    return top is not None and top > 1


def add_submission(
    ld: Loaded,
    sub: int,
    cols: Columns,
    resolve_ref: Callable[[dict], dict] | None = None,
    bare_fraction: str | None = None,
) -> None:
    """Append one structurally valid submission to ``cols``.

    ``bare_fraction`` overrides the profile's reading of a bare number ≤ 1 against a percent target.
    """
    d = ld.data
    project = d.get("project") or {}
    funds = d.get("funds") or {}
    goal = d.get("goal") or {}
    profile = d.get("profile") or DEFAULT_PROFILE
    P = cols.projects
    sources = funds.get("sources") or []
    sums = {"initial": 0.0, "budget": 0.0, "executed": 0.0}
    any_initial = False
    F = cols.funds
    for i, src in enumerate(sources):
        vals = {k: as_number(src.get(k)) for k in sums}
        any_initial |= vals["initial"] is not None
        for k in sums:
            sums[k] += vals[k] or 0.0
        F["sub"].append(sub)
        F["pos"].append(i)
        F["name"].append(_text(src.get("name")))
        F["initial"].append(vals["initial"])
        F["budget"].append(vals["budget"])
        F["executed"].append(vals["executed"])
        F["line"].append(ld.lines.get(id(src), (None,))[0])
    total = funds.get("total") or {}
    P["sub"].append(sub)
    P["file"].append(ld.file)
    P["profile"].append(str(profile))
    P["name"].append(_text(project.get("name")))
    P["code"].append(_text(project.get("code")))
    P["year"].append(int(as_number(project.get("year")) or 0) or None)
    P["department"].append(_text(project.get("department")))
    P["implementer"].append(_text(project.get("implementer")) or _text(project.get("department")))
    P["money_unit"].append(funds.get("unit") or "万元")
    P["initial"].append(sums["initial"] if any_initial else None)
    P["budget"].append(sums["budget"])
    P["executed"].append(sums["executed"])
    P["total_initial"].append(as_number(total.get("initial")))
    P["total_budget"].append(as_number(total.get("budget")))
    P["total_executed"].append(as_number(total.get("executed")))
    P["fund_note"].append(_text(funds.get("note")))
    P["exec_claimed"].append(as_number(funds.get("claimed_score")))
    P["claimed_total"].append(as_number(d.get("claimed_total")))
    P["claimed_grade"].append(_text(d.get("claimed_grade")))
    P["goal_target"].append(_text(goal.get("target")))
    P["goal_actual"].append(_text(goal.get("actual")))
    narrative = d.get("narrative")
    P["narrative"].append(json.dumps(narrative, ensure_ascii=False) if narrative else None)
    P["line"].append(_line(ld, d, "project") or 1)
    P["l_funds"].append(_line(ld, d, "funds"))
    P["l_exec_claimed"].append(_line(ld, funds, "claimed_score"))
    P["l_claimed_total"].append(_line(ld, d, "claimed_total"))
    P["l_claimed_grade"].append(_line(ld, d, "claimed_grade"))
    P["l_total"].append(_line(ld, funds, "total"))

    I = cols.indicators
    fraction_policy = bare_fraction_policy(str(profile), bare_fraction)
    for i, raw in enumerate(d.get("indicators") or []):
        ind = resolve_ref(raw) if (resolve_ref and raw.get("ref")) else raw
        unit = _text(ind.get("unit"))
        name = _clean_name(_text(ind.get("name")))
        t = _target_rule(ind.get("target"), unit)
        if not name and t.op in (EMPTY, NA):  # an empty template row ("指标1:", "……"): not an indicator
            t = Rule(NA, text="/")
        actual_raw = ind.get("actual")
        b = parse(actual_raw) if not isinstance(actual_raw, dict) else _target_rule(actual_raw, None)
        b_val, unit_ok, tier, b_read = None, True, None, None
        if t.op == NA or b.op == NA:
            op = NA
        else:
            op = t.op
        if t.numeric and b.numeric:
            factor = unit_factor(b.unit, t.unit)
            if factor is None:
                unit_ok = False
            else:
                mid = _methods.get(b.op).midpoint if _methods.get(b.op) else None
                b_val = (mid(b) if mid is not None else b.value) * factor
                if _ambiguous_fraction(t, b):
                    b_read = fraction_policy
                    if fraction_policy == "fraction":
                        b_val = b.value * 100
        elif t.op == QUAL and b.op not in (EMPTY, NA):
            tier = deadline_tier(t.text, b.text) or qualitative_tier(b.text or format_rule(b), t.text)
        I["sub"].append(sub)
        I["pos"].append(i)
        I["line"].append(ld.lines.get(id(raw), (None,))[0])
        I["l_target"].append(_line(ld, raw, "target"))
        I["l_actual"].append(_line(ld, raw, "actual"))
        I["l_weight"].append(_line(ld, raw, "weight"))
        I["l_claimed"].append(_line(ld, raw, "claimed_score"))
        I["l_ratio"].append(_line(ld, raw, "ratio"))
        I["profile"].append(str(profile))
        I["ref"].append(_text(ind.get("ref")))
        I["level1"].append(normalise_level1(_text(ind.get("level1")) or ""))
        I["level2"].append(_text(ind.get("level2")) or "")
        I["name"].append(name)
        I["target"].append(t.text if t.op not in (EMPTY,) else None)
        I["actual"].append(b.text if b.op != EMPTY else None)
        I["op"].append(op)
        I["a"].append(t.value)
        I["a_hi"].append(t.hi)
        I["unit"].append(t.unit)
        I["b"].append(b_val)
        I["b_op"].append(b.op)
        I["b_unit"].append(b.unit)
        I["unit_ok"].append(unit_ok)
        I["tier"].append(tier)
        I["ratio"].append(as_number(ind.get("ratio")))
        I["weight"].append(as_number(ind.get("weight")))
        I["claimed"].append(as_number(ind.get("claimed_score")))
        I["note"].append(_text(ind.get("note")))
        I["b_read"].append(b_read)
