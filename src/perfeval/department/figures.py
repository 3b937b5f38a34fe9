"""Figures a framework scoresheet is computed from, one registered function each.

A figure reads the department's data (:class:`Facts`) and returns a :class:`Figure`: the value (a rate
as a fraction, or a count), the formula and the inputs it used (printed on the scoresheet and in the
JSON ``figure`` key), or why it is not applicable (0/0) or cannot be computed (missing data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from ..declare.structure import as_number

CHECKPOINTS = (("1–4月", 0.25), ("1–6月", 0.40), ("1–8月", 0.60), ("1–10月", 0.80))  # D13 序时进度
NATURE_BASIC, NATURE_PROJECT = "基本支出", "项目支出"


class Facts:
    """Read access to a department submission's numbers by key path."""

    def __init__(self, data: dict, rollup: dict | None = None, three_public_base: str = "budget"):
        self.data = data
        self.rollup = rollup or {}
        self.three_public_base = three_public_base

    def get(self, *path: Any) -> Any:
        node: Any = self.data
        for p in path:
            if isinstance(node, dict):
                node = node.get(p)
            else:
                return None
        return node

    def num(self, *path: Any) -> float | None:
        return as_number(self.get(*path))

    def nature(self, name: str, key: str = "executed") -> float | None:
        for row in self.get("funds", "by_nature") or []:
            if isinstance(row, dict) and str(row.get("name") or "").strip() == name:
                return as_number(row.get(key))
        return None

    @property
    def budget_base(self) -> tuple[float | None, str]:
        """(adjusted budget, its name): 全年预算数, else 年初预算数 (with a finding elsewhere)."""
        b = self.num("funds", "total", "budget")
        if b is not None:
            return b, "全年预算数"
        return self.num("funds", "total", "initial"), "年初预算数"


@dataclass
class Figure:
    value: float | None = None
    formula: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    not_applicable: str | None = None  # reason
    missing: list[str] = field(default_factory=list)
    note: str | None = None
    fallback: str | None = None  # code of an issue explaining a fallback (PE917, PE922)

    def to_dict(self) -> dict:
        v = self.value
        return {
            "value": None if v is None or not math.isfinite(v) else round(v, 6),
            "formula": self.formula, "inputs": self.inputs,
            "not_applicable": self.not_applicable, "missing": self.missing or None, "note": self.note,
        }


FIGURES: dict[str, tuple[str, Callable[[Facts], Figure]]] = {}


def figure(name: str, label: str):
    def deco(fn: Callable[[Facts], Figure]) -> Callable[[Facts], Figure]:
        FIGURES[name] = (label, fn)
        return fn

    return deco


def _ratio(num: float | None, den: float | None, formula: str, inputs: dict, missing_names: tuple[str, str],
           both_zero: str | None = None) -> Figure:
    f = Figure(formula=formula, inputs=inputs)
    miss = [n for n, v in zip(missing_names, (num, den), strict=False) if v is None]
    if miss:
        f.missing = miss
        return f
    if den == 0:
        if num == 0 and both_zero:
            f.not_applicable = both_zero
            return f
        f.value = math.inf if num > 0 else 0.0
        return f
    f.value = num / den
    return f


@figure("exec_rate", "预算执行率")
def exec_rate(x: Facts) -> Figure:
    base, base_name = x.budget_base
    ex = x.num("funds", "total", "executed")
    return _ratio(ex, base, f"全年执行数 / {base_name}", {"全年执行数": ex, base_name: base},
                  ("funds.total.executed", "funds.total.budget"), "预算数与执行数均为 0")


@figure("staff_control", "在职人员控制率")
def staff_control(x: Facts) -> Figure:
    n, a = x.num("staff", "in_post"), x.num("staff", "authorized")
    f = _ratio(n, a, "在职人数 / 编制数", {"在职人数": n, "编制数": a, "临聘人员（不计入）": x.num("staff", "temporary")},
               ("staff.in_post", "staff.authorized"), "编制数与在职人数均为 0")
    return f


@figure("three_public_change", "“三公”经费变动率")
def three_public_change(x: Facts) -> Figure:
    key, word = ("budget", "预算数") if x.three_public_base == "budget" else ("actual", "决算数")
    this, last = x.num("three_public", key), x.num("three_public", "last_" + key)
    f = Figure(formula=f"（本年“三公”经费{word} − 上年）/ 上年", inputs={f"本年{word}": this, f"上年{word}": last})
    if this is None or last is None:
        f.missing = [n for n, v in ((f"three_public.{key}", this), (f"three_public.last_{key}", last)) if v is None]
    elif last == 0:
        if this == 0:
            f.value, f.note = 0.0, "本年与上年均为 0"
        else:
            f.fallback = "PE922"
    else:
        f.value = (this - last) / last
    return f


@figure("three_public_control", "“三公”经费控制率")
def three_public_control(x: Facts) -> Figure:
    a, b = x.num("three_public", "actual"), x.num("three_public", "budget")
    return _ratio(a, b, "“三公”经费实际支出 / 预算数", {"实际支出": a, "预算数": b},
                  ("three_public.actual", "three_public.budget"), "“三公”经费预算与支出均为 0")


@figure("public_control", "公用经费控制率")
def public_control(x: Facts) -> Figure:
    a, b = x.num("funds", "public", "executed"), x.num("funds", "public", "budget")
    return _ratio(a, b, "公用经费实际支出 / 预算数", {"实际支出": a, "预算数": b},
                  ("funds.public.executed", "funds.public.budget"), "公用经费预算与支出均为 0")


@figure("key_spending_rate", "重点支出安排率")
def key_spending_rate(x: Facts) -> Figure:
    k, p = x.num("funds", "key_projects", "executed"), x.nature(NATURE_PROJECT)
    return _ratio(k, p, "重点项目支出 / 项目支出", {"重点项目支出": k, "项目支出": p},
                  ("funds.key_projects.executed", "funds.by_nature[项目支出].executed"), "没有项目支出")


@figure("budget_adjust_rate", "预算调整率")
def budget_adjust_rate(x: Facts) -> Figure:
    ini = x.num("funds", "total", "initial")
    adj = x.num("funds", "adjustment")
    if adj is None:
        b = x.num("funds", "total", "budget")
        adj = None if b is None or ini is None else b - ini
    f = _ratio(None if adj is None else abs(adj), ini, "|本年追加（调整）预算| / 年初预算数", {"追加调整": adj, "年初预算数": ini},
               ("funds.adjustment 或 funds.total.budget", "funds.total.initial"), "年初预算与调整均为 0")
    return f


@figure("carryover_rate", "结转结余率")
def carryover_rate(x: Facts) -> Figure:
    end = x.num("funds", "carryover", "end")
    base, base_name = x.budget_base
    return _ratio(end, base, f"年末结转结余 / {base_name}", {"年末结转结余": end, base_name: base},
                  ("funds.carryover.end", "funds.total.budget"), "预算数为 0")


@figure("carryover_vs_last", "结余与上年结转之比")
def carryover_vs_last(x: Facts) -> Figure:
    end, begin = x.num("funds", "carryover", "end"), x.num("funds", "carryover", "begin")
    f = _ratio(end, begin, "年末结转结余 / 年初结转结余（上年结转）", {"年末结转结余": end, "年初结转结余": begin},
               ("funds.carryover.end", "funds.carryover.begin"))
    if end == 0:
        f.value = 0.0
    return f


@figure("procurement_rate", "政府采购执行率")
def procurement_rate(x: Facts) -> Figure:
    a, b = x.num("procurement", "actual"), x.num("procurement", "budget")
    return _ratio(a, b, "政府采购实际金额 / 采购预算", {"实际采购": a, "采购预算": b},
                  ("procurement.actual", "procurement.budget"), "没有政府采购预算和支出")


@figure("fixed_asset_use", "固定资产利用率")
def fixed_asset_use(x: Facts) -> Figure:
    a, b = x.num("assets", "fixed_in_use"), x.num("assets", "fixed_total")
    return _ratio(a, b, "在用固定资产 / 全部固定资产", {"在用": a, "全部": b},
                  ("assets.fixed_in_use", "assets.fixed_total"), "没有固定资产")


@figure("target_coverage", "绩效目标编制覆盖率")
def target_coverage(x: Facts) -> Figure:
    n, w = x.num("management", "projects"), x.num("management", "with_targets")
    if n is None and x.rollup.get("items"):
        items = x.rollup["items"]
        n = float(len(items))
        w = float(sum(1 for p in items if p.get("has_targets")))
    f = _ratio(w, n, "编制绩效目标的项目数 / 项目数", {"有绩效目标的项目": w, "项目数": n},
               ("management.with_targets", "management.projects"), "部门没有项目")
    return f


@figure("project_score", "项目自评得分（按资金加权）")
def project_score(x: Facts) -> Figure:
    r = x.rollup
    f = Figure(formula="Σ(项目全年预算 × 项目总分) / Σ项目全年预算 / 100",
               inputs={"已评分项目数": r.get("n_scored"), "加权平均得分": r.get("fund_weighted_score"), "资金覆盖率": r.get("coverage")})
    if r.get("fund_weighted_score") is None:
        f.missing = ["projects（关联的项目自评文件或项目得分）"]
    else:
        f.value = r["fund_weighted_score"] / 100
    return f


@figure("warnings_handled", "监控预警及时处置率")
def warnings_handled(x: Facts) -> Figure:
    n, h = x.num("monitoring", "warnings"), x.num("monitoring", "handled")
    f = Figure(formula="10 个工作日内处置的预警 / 预警次数", inputs={"预警次数": n, "及时处置": h})
    if n is None:
        f.missing = ["monitoring.warnings"]
    elif n == 0:
        f.value, f.note = 1.0, "全年没有监控预警，视同全部及时处置"
    elif h is None:
        f.missing = ["monitoring.handled"]
    else:
        f.value = h / n
    return f


@figure("checkpoints_met", "序时进度达标率")
def checkpoints_met(x: Facts) -> Figure:
    cps = x.get("monitoring", "checkpoints")
    vals = [as_number(v) for v in cps] if isinstance(cps, list) else []
    if len(vals) == len(CHECKPOINTS) and all(v is not None for v in vals):
        vals = [v / 100 if v > 1.5 else v for v in vals]  # written as percentages
        met = sum(v >= need - 1e-9 for v, (_, need) in zip(vals, CHECKPOINTS, strict=False))
        return Figure(value=met / len(CHECKPOINTS), formula="达到序时进度的节点数 / 4（1–4月25%、1–6月40%、1–8月60%、1–10月80%）",
                      inputs={label: v for (label, _), v in zip(CHECKPOINTS, vals, strict=False)} | {"达标节点数": met})
    f = exec_rate(x)
    f.formula = "没有序时进度节点数据，按年末预算执行率计"
    f.fallback = "PE917"
    return f


@figure("violations", "违规问题数")
def violations(x: Facts) -> Figure:
    n = x.num("violations")
    f = Figure(formula="审计、财政检查发现的违规问题数", inputs={"问题数": n})
    if n is None:
        f.missing = ["violations"]
    else:
        f.value = n
    return f
