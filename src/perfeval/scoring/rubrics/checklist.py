"""``checklist``: 每满足一项得 ``points`` 分（默认 W / 项数），最高 W.

x is the number of items met (管理制度健全性: 办法已制定 / 合法合规完整 / 有效执行, 3 × 1).
"""

from __future__ import annotations

import numpy as np

from . import rubric


def _each(w: np.ndarray, p: dict) -> np.ndarray:
    n = len(p["items"])
    return np.full(np.shape(w), float(p["points"])) if p["points"] is not None else w / max(n, 1)


def _score(x: np.ndarray, w: np.ndarray, p: dict) -> np.ndarray:
    n = len(p["items"])
    return _each(w, p) * np.clip(np.floor(x + 1e-9), 0, n)


def _describe(w: float, p: dict) -> str:
    each = float(p["points"]) if p["points"] is not None else w / max(len(p["items"]), 1)
    return "；".join(f"{it} {each:g} 分" for it in p["items"]) + f"（满足一项得一项分，最高 {w:g} 分）"


rubric("checklist", "逐项核查", {"items": ..., "points": None}, "up")((_score, _describe))
