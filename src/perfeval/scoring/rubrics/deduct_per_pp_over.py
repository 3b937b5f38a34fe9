"""``deduct_per_pp_over``: x ≤ limit 得满分；每超过 1 个百分点扣 ``per_pp`` 分，扣完为止.

Used by 在职人员控制率 (limit 100%, −0.5 of 5), "三公"经费变动率 (limit 0, −W/10), "三公"经费控制率
(limit 100%, −1 of 6), 资金结余率 (limit 0, −1 per pp).  ``steps: prorata`` (default, perfeval's
choice) deducts for fractions of a point; ``steps: whole`` deducts per whole point begun.
"""

from __future__ import annotations

import numpy as np

from . import fmt_pct, rubric


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    over_pp = np.maximum(x - float(p["limit"]), 0.0) * 100
    if p["steps"] == "whole":
        over_pp = np.ceil(over_pp - 1e-9)
    return w - float(p["per_pp"]) * over_pp


def _describe(w: float, p: dict) -> str:
    step = "（不足 1 个百分点按 1 个计）" if p["steps"] == "whole" else "（按超出比例折算）"
    return f"≤{fmt_pct(float(p['limit']))} 得 {w:g} 分；每超过 1 个百分点扣 {float(p['per_pp']):g} 分{step}，扣完为止"


rubric("deduct_per_pp_over", "超出扣分", {"limit": ..., "per_pp": ..., "steps": "prorata"}, "down")((_score, _describe))
