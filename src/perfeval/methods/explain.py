"""How each method's points came about, in Chinese with the row's own numbers (``Method.explain``; issue #10).

Each function takes one scored indicator row (the engine's columns: ``a``, ``a_hi``, ``b``, ``unit``, ``completion``,
``weight_eff``, ``score``, ``tier``, ``ratio`` …) and the profile, and returns one sentence such as
"正向指标：完成率 = 实际 108公里 ÷ 目标 120公里 = 90.00%，得分 = 分值 15.00 × 90.00% = 13.50".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..profile import Profile

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


def explain_positive(r: dict, p: "Profile") -> str:
    a, b = r["a"], r["b"]
    if a == 0:
        return f"正向指标：目标为 0，实际 {_n(b)}{_u(r)} ≥ 0 即满分，{_points(r, '100%')}"
    c = r["completion"]
    text = f"正向指标：完成率 = 实际 {_n(b)}{_u(r)} ÷ 目标 {_n(a)}{_u(r)} = {_pc(c)}，"
    if c is not None and c > 1:
        return text + f"超过 100% 按 100% 计，{_points(r, '100%')}"
    return text + _points(r, _pc(c))


def explain_reverse(r: dict, p: "Profile") -> str:
    a, b = r["a"], r["b"]
    if b <= a:
        return f"反向指标：实际 {_n(b)}{_u(r)} 不超过目标 {_n(a)}{_u(r)}，{_points(r, '100%')}"
    if p.reverse == "linear":
        frac = max(0.0, 1 - (b - a) / a) if a else 0.0
        return (f"反向指标（线性扣分）：实际 {_n(b)}{_u(r)} 超过目标 {_n(a)}{_u(r)}，"
                f"得分比例 = 1 − (实际 − 目标) ÷ 目标 = 1 − ({_n(b)} − {_n(a)}) ÷ {_n(a)} = {_pc(frac)}，{_points(r, _pc(frac))}")
    return (f"反向指标：完成率 = 目标 {_n(a)}{_u(r)} ÷ 实际 {_n(b)}{_u(r)} = {_pc(r['completion'])}，"
            f"{_points(r, _pc(r['completion']))}")


def explain_equality(r: dict, p: "Profile") -> str:
    a, b = r["a"], r["b"]
    if a in p.equality_ceiling and r.get("unit") == "%":
        c = r["completion"]
        text = f"等于上限值 {_n(a)}%，按正向计：完成率 = 实际 {_n(b)}% ÷ 目标 {_n(a)}% = {_pc(c)}，"
        return text + (f"超过 100% 按 100% 计，{_points(r, '100%')}" if c is not None and c > 1 else _points(r, _pc(c)))
    lo, hi = min(a, b), max(a, b)
    frac = lo / hi if hi else 1.0
    return (f"等于型指标：目标 {_n(a)}{_u(r)}，实际 {_n(b)}{_u(r)}，得分比例 = 较小值 ÷ 较大值 = {_n(lo)} ÷ {_n(hi)} = {_pc(frac)}，"
            f"{_points(r, _pc(frac))}")


def explain_range(r: dict, p: "Profile") -> str:
    lo, hi, b = r["a"], r["a_hi"], r["b"]
    band = f"[{_n(lo)}, {_n(hi)}]{_u(r)}"
    if lo <= b <= hi:
        return f"区间指标：实际 {_n(b)}{_u(r)} 在区间 {band} 内，{_points(r, '100%')}"
    if b < lo:
        return f"区间指标：实际 {_n(b)} 低于下限 {_n(lo)}{_u(r)}，得分比例 = 实际 ÷ 下限 = {_pc(r['completion'])}，{_points(r, _pc(r['completion']))}"
    return f"区间指标：实际 {_n(b)} 高于上限 {_n(hi)}{_u(r)}，得分比例 = 上限 ÷ 实际 = {_pc(r['completion'])}，{_points(r, _pc(r['completion']))}"


def explain_qualitative(r: dict, p: "Profile") -> str:
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




def explain_generic(r: dict, p: "Profile") -> str:
    """For a method without its own sentence: the completion and the points, with the numbers."""
    from . import get

    m = get(r["op"])
    frac = r["score"] / r["weight_eff"] if r.get("weight_eff") else 0.0
    return (f"{m.rule if m else r['op']}：目标 {r.get('target') or ''}，实际 {r.get('actual') or ''}，"
            f"完成率 {_pc(r['completion'])}，{_points(r, _pc(frac))}")
