"""``qualitative_3tier``: 达成 / 部分达成 / 未达成 三档，得分 = W × 该档系数.

x is the tier as a number: 2 = 达成, 1 = 部分达成, 0 = 未达成 (see :data:`TIER_VALUE`).  The
coefficients default to the project rules' qualitative defaults (1.0 / 0.7 / 0.3).
"""

from __future__ import annotations

import numpy as np

from . import rubric

TIER_VALUE = {"达成": 2.0, "部分达成": 1.0, "未达成": 0.0}


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    c = p["coefficients"]
    k = np.clip(np.floor(x + 1e-9), 0, 2)
    coef = np.where(k >= 2, float(c[0]), np.where(k >= 1, float(c[1]), float(c[2])))
    return w * coef


def _describe(w: float, p: dict) -> str:
    c = p["coefficients"]
    return f"达成 {w * float(c[0]):g} 分；部分达成 {w * float(c[1]):g} 分；未达成 {w * float(c[2]):g} 分"


rubric("qualitative_3tier", "定性三档", {"coefficients": [1.0, 0.7, 0.3]}, "up")((_score, _describe))
