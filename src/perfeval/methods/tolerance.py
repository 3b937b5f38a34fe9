"""区间（含容差）: a target value with a tolerance, written ``100±5台`` or ``95%±2%``.

The example of issue 9: a whole comparison method in one module (grammar,
printer, labels, score function, wording) plus one case file
(``tests/cases/scoring/tolerance.yaml``).

Rule: A±d means the interval [A−d, A+d].  Inside it the indicator earns full
marks; below it the share is B/(A−d), above it (A+d)/B — the same as 区间, so a
tolerance target and the interval it stands for score alike.  The completion
shown on the form is B/A (how close the actual came to the value aimed at).
"""

from __future__ import annotations

import re

import numpy as np

from ..notation import UNIT_PATTERN, Rule, canon_unit, finite, num_text
from . import Arrays, Ctx, Method, div, register

OP = "tolerance"
_RE = re.compile(rf"^(?P<v>[+-]?\d+(?:\.\d+)?)(?P<u1>{UNIT_PATTERN})?±(?P<d>\d+(?:\.\d+)?)(?P<u2>{UNIT_PATTERN})?$")


def grammar(t: str, raw: str) -> Rule | None:
    """``A±d`` with at most one unit, or the same unit twice (``95%±2%``); d > 0."""
    m = _RE.match(t)
    if not m:
        return None
    v, d = float(m["v"]), float(m["d"])
    u1, u2 = canon_unit(m["u1"]), canon_unit(m["u2"])
    if not (finite(v) and finite(d)) or d <= 0 or (u1 and u2 and u1 != u2):
        return None
    return Rule(OP, v, d, u1 or u2, raw)


def format_rule(rule: Rule) -> str:
    unit = rule.unit or ""
    return f"{num_text(rule.value)}{unit}±{num_text(rule.hi)}{unit}"


def score(c: Ctx) -> Arrays:
    """区间（含容差）：A±d 即 [A−d, A+d]，区间内满分；低于下限按 B/(A−d)，高于上限按 (A+d)/B；完成率 = B/A。"""
    lo, hi, b = c.a - c.hi, c.a + c.hi, c.b
    below = np.where(lo > 0, div(b, lo, 0.0), 0.0)
    above = np.where(hi > 0, div(hi, b, 0.0), 0.0)
    frac = np.where(b < lo, below, np.where(b > hi, above, 1.0))
    frac = np.clip(np.nan_to_num(frac, nan=0.0), 0.0, 1.0)
    completion = div(b, c.a, 1.0)
    return completion, frac


def deviation(t: Rule, b: float) -> float:
    lo, hi = t.value - t.hi, t.value + t.hi
    return lo - b if b < lo else (b - hi if b > hi else 0.0)


def explain(r: dict, p) -> str:
    """区间（含容差）：在目标 ± 容差内满分，否则按偏离计。"""
    from .explain import _n, _pc, _points, _u

    lo, hi = r["a"] - r["a_hi"], r["a"] + r["a_hi"]  # A±d
    where = f"在 [{_n(lo)}, {_n(hi)}]{_u(r)} 内" if lo <= r["b"] <= hi else f"超出 [{_n(lo)}, {_n(hi)}]{_u(r)}"
    return (f"区间（含容差）：目标 {r.get('target') or ''}，实际 {_n(r['b'])}{_u(r)} {where}，"
            f"完成率 {_pc(r['completion'])}，{_points(r, _pc(r['score'] / r['weight_eff'] if r.get('weight_eff') else 0.0))}")


register(Method(OP, "区间（含容差）", "区间（含容差）", score, grammar=grammar, format=format_rule, deviation=deviation,
                gap_words="偏离年度指标值容差范围", midpoint=lambda r: r.value, doc=score.__doc__ or "", explain=explain))
