"""``deduct_per_step_under``: x ≥ target 得满分；每低于 ``step`` 扣 ``per_step`` 分，扣完为止.

预算完成率 in the Hunan-style tables (D5, D6): 100% full, −2 per 5% below.  Whole steps only
(the rules doc's default: D6 prints 99.27% at full marks), unless ``steps: prorata``.
"""

from __future__ import annotations

import numpy as np

from . import fmt_pct, rubric


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    steps = np.maximum(float(p["target"]) - x, 0.0) / float(p["step"])
    if p["steps"] == "whole":
        steps = np.floor(steps + 1e-9)
    return w - float(p["per_step"]) * steps


def _describe(w: float, p: dict) -> str:
    how = "整档计" if p["steps"] == "whole" else "按比例折算"
    return (f"≥{fmt_pct(float(p['target']))} 得 {w:g} 分；每低于 {fmt_pct(float(p['step']))} 扣 {float(p['per_step']):g} 分"
            f"（{how}），扣完为止")


rubric("deduct_per_step_under", "低于扣分", {"target": 1.0, "step": 0.05, "per_step": 2.0, "steps": "whole"}, "up")((_score, _describe))
