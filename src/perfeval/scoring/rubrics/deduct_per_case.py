"""``deduct_per_case``: 每发现一例扣 ``per_case`` 分，扣完为止.

x is a count: 资金使用合规性 conditions not met (−1 each, of 3), late 专项 allocations (−0.5 of 3),
audit or inspection findings (违规记录, −2.5 of 5).
"""

from __future__ import annotations

import numpy as np

from . import rubric


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    return w - float(p["per_case"]) * np.maximum(np.floor(x + 1e-9), 0)


def _describe(w: float, p: dict) -> str:
    return f"无问题得 {w:g} 分；每发现一例扣 {float(p['per_case']):g} 分，扣完为止"


rubric("deduct_per_case", "按例扣分", {"per_case": ...}, "down")((_score, _describe))
