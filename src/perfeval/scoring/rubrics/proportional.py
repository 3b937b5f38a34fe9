"""``proportional``: 得分 = W × min(x / target, 1) (按完成比例计算得分，满分为止)."""

from __future__ import annotations

import numpy as np

from . import fmt_pct, rubric


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    t = float(p["target"])
    frac = x / t if t > 0 else np.ones_like(x)  # a zero target is met by any x
    return w * np.clip(frac, 0.0, 1.0)


def _describe(w: float, p: dict) -> str:
    return f"按完成比例计分：得分 = {w:g} × min(实际值 / {fmt_pct(float(p['target']))}, 1)，满分为止"


rubric("proportional", "按比例", {"target": 1.0}, "up")((_score, _describe))
