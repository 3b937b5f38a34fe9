"""The not-applicable rule: what a row that does not apply (0/0, no 楼堂馆所 project …) is worth.

``full`` (family B default, D5 "no such project → full"): the row keeps its weight and earns it.
``drop`` (family A default, S15): the row leaves the sheet and the total is rescaled to 100 over
the weights that remain.  Profiles choose with ``not_applicable: full | drop``.
"""

from __future__ import annotations

import numpy as np

RULES = ("full", "drop")


def settle(weights: np.ndarray, points: np.ndarray, not_applicable: np.ndarray, rule: str) -> tuple[np.ndarray, float]:
    """Points per row after the rule, and the factor that brings the total back to 100 points.

    ``full``: N/A rows earn their weight; factor 1.  ``drop``: N/A rows earn nothing and the
    factor is Σ weights / Σ applicable weights (1 when nothing applies, so the total stays 0).
    """
    if rule not in RULES:
        raise ValueError(f"not_applicable 只能是 {' 或 '.join(RULES)}")
    w = np.asarray(weights, dtype=float)
    pts = np.asarray(points, dtype=float)
    na = np.asarray(not_applicable, dtype=bool)
    if rule == "full":
        return np.where(na, w, pts), 1.0
    kept = float(w[~na].sum())
    return np.where(na, 0.0, pts), (float(w.sum()) / kept if kept > 0 else 1.0)
