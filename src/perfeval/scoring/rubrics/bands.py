"""``bands``: x 落在哪一档得该档分数；档为半开区间 [下限, 上限).

``bands: [[lo, hi, points], …]`` with ``hi`` null for "and above".  重点支出安排率 (≥90% 5; [80,90) 4 …),
预算调整率 (0 → W; (0,10%] …; the table writes the upper bound inclusive, so a profile gives
``closed: right`` to make the bands (lo, hi]).  Points above W are capped at W; x in no band earns 0.
"""

from __future__ import annotations

import numpy as np

from . import fmt_pct, rubric


def _bounds(b: list) -> tuple[float, float, float]:
    lo = -np.inf if b[0] is None else float(b[0])
    hi = np.inf if b[1] is None else float(b[1])
    return lo, hi, float(b[2])


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    out = np.zeros(np.broadcast(x, w).shape)
    right = p["closed"] == "right"
    for b in p["bands"]:
        lo, hi, pts = _bounds(b)
        inside = ((x > lo) & (x <= hi)) if right else ((x >= lo) & (x < hi))
        if right and lo == hi:  # a point band such as "0 → full"
            inside = x == lo
        out = np.where(inside, pts, out)
    return np.minimum(out, w)


def _describe(w: float, p: dict) -> str:
    right = p["closed"] == "right"
    parts = []
    for b in p["bands"]:
        lo, hi, pts = _bounds(b)
        if lo == hi:
            parts.append(f"={fmt_pct(lo)} 得 {pts:g} 分")
        elif hi == np.inf:
            parts.append(f"{'>' if right else '≥'}{fmt_pct(lo)} 得 {pts:g} 分")
        elif lo == -np.inf:
            parts.append(f"{'≤' if right else '<'}{fmt_pct(hi)} 得 {pts:g} 分")
        else:
            parts.append(f"{'(' if right else '['}{fmt_pct(lo)}, {fmt_pct(hi)}{']' if right else ')'} 得 {pts:g} 分")
    return "；".join(parts) + f"（最高 {w:g} 分）"


rubric("bands", "分档", {"bands": ..., "closed": "left"}, "")((_score, _describe))
