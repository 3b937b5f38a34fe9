"""Choosing projects for re-check (复核抽样) by risk, reproducibly.

Every scored project gets a risk score: a base of 1 (so that any project can be
drawn and a clean record is no guarantee of escaping re-check) plus a weight
for each kind of risk found by review:

=====================  ==========================================  ======
risk                   evidence                                    weight
=====================  ==========================================  ======
自评得分偏高            PE406, or PE412 with the claim above the       4
                       computed total
数据不一致              PE402 (total ≠ sources), PE400 (weights ≠ 100)  3
存在错误                any error-level issue                          3
扣分未说明原因          PE404                                          2
=====================  ==========================================  ======

``n`` projects are drawn without replacement with probability proportional to
the score (``numpy.random.Generator(PCG64(seed)).choice(..., p=...)``), so the
same batch and seed always give the same picks, in the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..issues import ERROR, Issue

RISKS: tuple[tuple[str, str, float], ...] = (
    ("inflated", "自评得分偏高", 4.0),
    ("inconsistent", "数据不一致", 3.0),
    ("errors", "存在错误", 3.0),
    ("unexplained", "扣分未说明原因", 2.0),
)
BASE = 1.0


@dataclass
class Pick:
    order: int  # 1-based draw order
    sub: int
    risk: float
    reason: str


def default_size(n_projects: int) -> int:
    """10% of the batch, at least 1."""
    return max(1, math.ceil(n_projects * 0.10))


def risk_profile(issues_by_sub: dict[int, list[Issue]], claimed_above: set[int]) -> dict[int, dict[str, list[str]]]:
    """Per project: risk kind → codes (with repetitions) that show it."""
    out: dict[int, dict[str, list[str]]] = {}
    for sub, issues in issues_by_sub.items():
        kinds: dict[str, list[str]] = {}
        for i in issues:
            if i.code == "PE406" or (i.code == "PE412" and sub in claimed_above):
                kinds.setdefault("inflated", []).append(i.code)
            if i.code in ("PE402", "PE400"):
                kinds.setdefault("inconsistent", []).append(i.code)
            if i.severity == ERROR:
                kinds.setdefault("errors", []).append(i.code)
            if i.code == "PE404":
                kinds.setdefault("unexplained", []).append(i.code)
        if kinds:
            out[sub] = kinds
    return out


def _codes(codes: list[str]) -> str:
    counts: dict[str, int] = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    return "，".join(c if n == 1 else f"{c}×{n}" for c, n in sorted(counts.items()))


def reason(kinds: dict[str, list[str]]) -> str:
    parts = [f"{zh}（{_codes(kinds[k])}）" for k, zh, _ in RISKS if k in kinds]
    return "；".join(parts) if parts else "无风险标记（随机抽取）"


def score(kinds: dict[str, list[str]]) -> float:
    return BASE + sum(w for k, _, w in RISKS if k in kinds)


def draw(eligible: list[int], profiles: dict[int, dict[str, list[str]]], n: int, seed: int) -> list[Pick]:
    """``n`` of ``eligible`` (project numbers, in batch order) drawn by risk with ``seed``."""
    n = min(n, len(eligible))
    if n <= 0:
        return []
    risks = np.array([score(profiles.get(s, {})) for s in eligible], dtype=float)
    rng = np.random.Generator(np.random.PCG64(seed))
    idx = rng.choice(len(eligible), size=n, replace=False, p=risks / risks.sum())
    return [Pick(k + 1, eligible[i], float(risks[i]), reason(profiles.get(eligible[i], {}))) for k, i in enumerate(idx)]
