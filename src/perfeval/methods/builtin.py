"""The published rules (财预〔2020〕10号): 正向, 反向, 等于, 区间, 定性."""

from __future__ import annotations

import numpy as np

from ..notation import Rule, num_text
from . import Arrays, Ctx, Method, div, register


def _point_format(symbol: str):
    def fmt(rule: Rule) -> str:
        return f"{symbol}{num_text(rule.value)}{rule.unit or ''}"

    return fmt


def positive(c: Ctx) -> Arrays:
    """正向指标：完成率 = B/A，得分 = 分值 × min(B/A, 1)。目标为 0 时，B ≥ 0 即满分。"""
    completion = div(c.b, c.a, 1.0)
    return completion, np.clip(completion, 0.0, 1.0)


def reverse(c: Ctx) -> Arrays:
    """反向指标：完成率 = A/B（B = 0 为满分）；得分 ratio 规则 = 分值 × min(A/B, 1)，
    linear 规则 = 分值 × (1 − (B − A)/A)，B ≥ 2A 得 0。"""
    completion = np.where(c.b <= c.a, np.maximum(div(c.a, c.b, 1.0), 1.0), div(c.a, c.b, 1.0))
    if c.profile.reverse == "linear":
        frac = np.where(c.b <= c.a, 1.0, 1.0 - div(c.b - c.a, c.a, np.inf))
    else:
        frac = completion
    return completion, np.clip(np.nan_to_num(frac, nan=0.0, neginf=0.0), 0.0, 1.0)


def equality(c: Ctx) -> Arrays:
    """等于：目标为上限值（如 100%）时按正向计；否则得分 = 分值 × min(A,B)/max(A,B)。"""
    ceiling = np.isin(c.a, np.asarray(c.profile.equality_ceiling, dtype=float)) & (c.unit == "%")
    lo, hi = np.minimum(c.a, c.b), np.maximum(c.a, c.b)
    sym = div(lo, hi, 1.0)
    pos = div(c.b, c.a, 1.0)
    completion = np.where(ceiling, pos, div(c.b, c.a, 1.0))
    frac = np.where(ceiling, np.clip(pos, 0, 1), np.clip(sym, 0, 1))
    return completion, frac


def in_range(c: Ctx) -> Arrays:
    """区间：落在 [下限, 上限] 内满分；低于下限按 B/下限，高于上限按 上限/B。"""
    lo, hi, b = c.a, c.hi, c.b
    below = np.where(lo > 0, div(b, lo, 0.0), np.where(lo < 0, div(lo, b, 0.0), 0.0))
    above = np.where(hi > 0, div(hi, b, 0.0), 0.0)
    frac = np.where(b < lo, below, np.where(b > hi, above, 1.0))
    frac = np.clip(np.nan_to_num(frac, nan=0.0), 0.0, 1.0)
    return frac, frac


def qualitative(c: Ctx) -> Arrays:
    """定性指标：按“达成/部分达成/未达成”三档，在规则给定的区间内取值；
    指标给出 ratio 时取该值，否则取规则的默认值。"""
    p = c.profile
    default = np.array([p.qual_default.get(t, np.nan) if t else np.nan for t in c.tier], dtype=float)
    frac = np.where(np.isnan(c.ratio), default, c.ratio)
    frac = np.clip(np.nan_to_num(frac, nan=0.0), 0.0, 1.0)
    return frac, frac


def _range_format(rule: Rule) -> str:
    unit = rule.unit or ""
    if rule.value is not None and rule.hi is not None and rule.value == -rule.hi and rule.hi > 0:
        return f"±{num_text(rule.hi)}{unit}"
    return f"{num_text(rule.value)}{unit}-{num_text(rule.hi)}{unit}"


def _range_deviation(t: Rule, b: float) -> float:
    lo, hi = t.value, t.hi if t.hi is not None else t.value
    return lo - b if b < lo else (b - hi if b > hi else 0.0)


_SHORT = "比年度指标值少"
_OVER = "超出年度指标值"
from .explain import explain_equality, explain_positive, explain_qualitative, explain_range, explain_reverse  # noqa: E402

register(
    Method(">=", "正向", "≥", positive, symbol="≥", point=True, directional=True, over=True, format=_point_format("≥"),
           deviation=lambda t, b: t.value - b, gap_words=_SHORT, doc=positive.__doc__ or "", explain=explain_positive),
    Method(">", "正向", ">", positive, symbol=">", point=True, directional=True, over=True, format=_point_format(">"),
           deviation=lambda t, b: t.value - b, gap_words=_SHORT, doc=positive.__doc__ or "", explain=explain_positive),
    Method("<=", "反向", "≤", reverse, symbol="≤", point=True, directional=True, reverse=True, format=_point_format("≤"),
           deviation=lambda t, b: b - t.value, gap_words=_OVER, doc=reverse.__doc__ or "", explain=explain_reverse),
    Method("<", "反向", "<", reverse, symbol="<", point=True, directional=True, reverse=True, format=_point_format("<"),
           deviation=lambda t, b: b - t.value, gap_words=_OVER, doc=reverse.__doc__ or "", explain=explain_reverse),
    Method("=", "等于", "=", equality, symbol="=", point=True, over=True, format=_point_format("="),
           deviation=lambda t, b: abs(b - t.value), doc=equality.__doc__ or "", explain=explain_equality),
    Method("range", "区间", "区间", in_range, signed=True, format=_range_format, deviation=_range_deviation,
           gap_words="偏离年度指标值区间", midpoint=lambda r: (r.value + r.hi) / 2, doc=in_range.__doc__ or "", explain=explain_range),
    Method("qualitative", "定性", "定性", qualitative, numeric=False, doc=qualitative.__doc__ or "", explain=explain_qualitative),
)
