"""Scoring: the score function of each comparison method, and execution-rate curves by name.

A method's score function takes numpy arrays for the rows that use it and
returns ``(completion, fraction)``: the completion rate shown on the form
(1.0 = 100%) and the share of the indicator's weight earned, in [0, 1].  The
methods themselves — one record per comparison kind with its notation, labels
and wording — are registered in :mod:`perfeval.methods`; :data:`METHODS` here is
the engine's view of them (op → score function).  The engine dispatches by the
``op`` column, one vectorised call per method and profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

import numpy as np

from ..methods import METHODS as _REGISTRY
from ..methods import Arrays, Ctx

__all__ = ["METHODS", "EXECUTION_CURVES", "Ctx", "Arrays", "curve"]


class _Scorers(Mapping):
    """op → score function, read live from :data:`perfeval.methods.METHODS`."""

    def __getitem__(self, op: str) -> Callable[[Ctx], Arrays]:
        return _REGISTRY[op].score

    def __iter__(self):
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


METHODS: Mapping[str, Callable[[Ctx], Arrays]] = _Scorers()
EXECUTION_CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {}


def curve(name: str):
    def deco(fn: Callable[[np.ndarray], np.ndarray]):
        EXECUTION_CURVES[name] = fn
        return fn

    return deco


@curve("proportional")
def proportional(rate: np.ndarray) -> np.ndarray:
    """执行率得分 = 分值 × min(执行率, 1)。"""
    return np.clip(np.nan_to_num(rate, nan=0.0), 0.0, 1.0)
