"""Scoring: the score function of each comparison method, and execution-rate curves by name.

A method's score function takes numpy arrays for the rows that use it and
returns ``(completion, fraction)``: the completion rate shown on the form
(1.0 = 100%) and the share of the indicator's weight earned, in [0, 1].  The
methods themselves — one record per comparison kind with its notation, labels
and wording — are registered in :mod:`perfeval.methods`; :data:`METHODS` here is
the engine's view of them (op → score function).  The engine dispatches by the
``op`` column, one vectorised call per method and profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

import numpy as np

from ..methods import METHODS as _REGISTRY
from ..methods import Arrays, Ctx

__all__ = ["METHODS", "EXECUTION_CURVES", "Ctx", "Arrays", "curve"]


class _Scorers(Mapping):
    """op → score function, read live from :data:`perfeval.methods.METHODS`."""

    def __getitem__(self, op: str) -> Callable[[Ctx], Arrays]:
        return _REGISTRY[op].score

    def __iter__(self):
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


METHODS: Mapping[str, Callable[[Ctx], Arrays]] = _Scorers()
EXECUTION_CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {}


def curve(name: str):
    def deco(fn: Callable[[np.ndarray], np.ndarray]):
        EXECUTION_CURVES[name] = fn
        return fn

    return deco


@curve("proportional")
def proportional(rate: np.ndarray) -> np.ndarray:
    """执行率得分 = 分值 × min(执行率, 1)。"""
    return np.clip(np.nan_to_num(rate, nan=0.0), 0.0, 1.0)


# ---------------------------------------------------------------------------
# Explanations: each method says, in Chinese and with the row's own numbers, how its points came about
# ---------------------------------------------------------------------------
Explainer = Callable[[dict, Profile], str]
EXPLAIN: dict[str, Explainer] = {}


def explains(*ops: str):
    def deco(fn: Explainer) -> Explainer:
        for op in ops:
            EXPLAIN[op] = fn
        return fn

    return deco


def _n(x: float | None) -> str:
    """An input number as written: 120, 0.5, 12.345 (no padding zeros)."""
    if x is None:
        return "—"
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _f2(x: float | None) -> str:
    from ..numbers import fmt

    return fmt(x, 2)


def _pc(x: float | None) -> str:
    from ..numbers import pct

    return pct(x, 2)


def _u(r: dict) -> str:
    return r.get("unit") or ""


def _points(r: dict, frac_text: str) -> str:
    return f"得分 = 分值 {_f2(r['weight_eff'])} × {frac_text} = {_f2(r['score'])}"


@explains(">=", ">")
def explain_positive(r: dict, p: Profile) -> str:
    a, b = r["a"], r["b"]
    if a == 0:
        return f"正向指标：目标为 0，实际 {_n(b)}{_u(r)} ≥ 0 即满分，{_points(r, '100%')}"
    c = r["completion"]
    text = f"正向指标：完成率 = 实际 {_n(b)}{_u(r)} ÷ 目标 {_n(a)}{_u(r)} = {_pc(c)}，"
    if c is not None and c > 1:
        return text + f"超过 100% 按 100% 计，{_points(r, '100%')}"
    return text + _points(r, _pc(c))


@explains("<=", "<")
def explain_reverse(r: dict, p: Profile) -> str:
    a, b = r["a"], r["b"]
    if b <= a:
        return f"反向指标：实际 {_n(b)}{_u(r)} 不超过目标 {_n(a)}{_u(r)}，{_points(r, '100%')}"
    if p.reverse == "linear":
        frac = max(0.0, 1 - (b - a) / a) if a else 0.0
        return (f"反向指标（线性扣分）：实际 {_n(b)}{_u(r)} 超过目标 {_n(a)}{_u(r)}，"
                f"得分比例 = 1 − (实际 − 目标) ÷ 目标 = 1 − ({_n(b)} − {_n(a)}) ÷ {_n(a)} = {_pc(frac)}，{_points(r, _pc(frac))}")
    return (f"反向指标：完成率 = 目标 {_n(a)}{_u(r)} ÷ 实际 {_n(b)}{_u(r)} = {_pc(r['completion'])}，"
            f"{_points(r, _pc(r['completion']))}")


@explains("=")
def explain_equality(r: dict, p: Profile) -> str:
    a, b = r["a"], r["b"]
    if a in p.equality_ceiling and r.get("unit") == "%":
        c = r["completion"]
        text = f"等于上限值 {_n(a)}%，按正向计：完成率 = 实际 {_n(b)}% ÷ 目标 {_n(a)}% = {_pc(c)}，"
        return text + (f"超过 100% 按 100% 计，{_points(r, '100%')}" if c is not None and c > 1 else _points(r, _pc(c)))
    lo, hi = min(a, b), max(a, b)
    frac = lo / hi if hi else 1.0
    return (f"等于型指标：目标 {_n(a)}{_u(r)}，实际 {_n(b)}{_u(r)}，得分比例 = 较小值 ÷ 较大值 = {_n(lo)} ÷ {_n(hi)} = {_pc(frac)}，"
            f"{_points(r, _pc(frac))}")


@explains("range")
def explain_range(r: dict, p: Profile) -> str:
    lo, hi, b = r["a"], r["a_hi"], r["b"]
    band = f"[{_n(lo)}, {_n(hi)}]{_u(r)}"
    if lo <= b <= hi:
        return f"区间指标：实际 {_n(b)}{_u(r)} 在区间 {band} 内，{_points(r, '100%')}"
    if b < lo:
        return f"区间指标：实际 {_n(b)} 低于下限 {_n(lo)}{_u(r)}，得分比例 = 实际 ÷ 下限 = {_pc(r['completion'])}，{_points(r, _pc(r['completion']))}"
    return f"区间指标：实际 {_n(b)} 高于上限 {_n(hi)}{_u(r)}，得分比例 = 上限 ÷ 实际 = {_pc(r['completion'])}，{_points(r, _pc(r['completion']))}"


@explains("qualitative")
def explain_qualitative(r: dict, p: Profile) -> str:
    from ..dates import deadline_tier, parse_date

    tier = r["tier"]
    lo, hi = p.qual_bands[tier]
    frac = r["completion"]
    if deadline_tier(r.get("target"), r.get("actual")):
        t, a = parse_date(r["target"]), parse_date(r["actual"])
        when = "不晚于" if a <= t else "晚于"
        head = f"时效指标：完成日期 {a // 10000}年{a // 100 % 100}月{a % 100}日 {when}目标 {t // 10000}年{t // 100 % 100}月{t % 100}日，属“{tier}”档"
    else:
        head = f"定性指标：完成情况“{r.get('actual') or ''}”属“{tier}”档"
    band = f"（得分比例 {_n(lo)}–{_n(hi)}）"
    if r.get("ratio_from_claim"):
        how = f"按自评得分 {_f2(r['claimed'])} ÷ 分值 {_f2(r['weight_eff'])} 取比例，限于档次区间内为 {_n(frac)}"
    elif r.get("ratio") is not None:
        how = f"取填写的 ratio {_n(frac)}"
    else:
        how = f"取规则默认值 {_n(frac)}"
    return f"{head}{band}，{how}，{_points(r, _n(frac))}"


def explain_row(r: dict, p: Profile) -> str:
    """The explanation of one scored indicator row (engine columns), or why it has no score."""
    if r["op"] == "na":
        return "不适用（/）：不参与评分，其分值已按规则处理"
    if not r["scorable"]:
        return "无法评分（见该指标的错误提示），得 0 分"
    fn = EXPLAIN.get(r["op"])
    text = fn(r, p) if fn else f"得分 {_f2(r['score'])}"
    if r.get("b_read") == "fraction":
        text += f"（实际值 {r['actual']} 按比例读作 {_n(r['b'])}%）"
    elif r.get("b_read") == "percent":
        text += f"（实际值 {r['actual']} 按百分数读作 {r['actual']}%）"
    if r.get("weight_default"):
        text += "；分值未填写，按规则分配"
    return text


def explain_execution(rate: float | None, executed: float | None, budget: float | None, weight: float, score: float,
                      curve: str) -> str:
    if rate is None:
        return "无法计算预算执行率（全年预算数为 0），得 0 分"
    text = f"预算执行率 = 全年执行数 {_n(executed)} ÷ 全年预算数 {_n(budget)} = {_pc(rate)}，"
    if curve == "proportional":
        capped = "超过 100% 按 100% 计，" if rate > 1 else ""
        return text + f"{capped}得分 = 分值 {_f2(weight)} × {_pc(min(rate, 1.0))} = {_f2(score)}"
    return text + f"按“{curve}”曲线得分 {_f2(score)}"
