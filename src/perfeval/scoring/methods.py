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
from ..methods.explain import explain_generic
from ..profile import Profile

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


# ---------------------------------------------------------------------------
# Explanations: each Method record carries its own (``Method.explain``, perfeval.methods.explain); the row and
# execution sentences are put together here
# ---------------------------------------------------------------------------
def _n(x: float | None) -> str:
    s = f"{x:.6f}".rstrip("0").rstrip(".") if x is not None else "—"
    return "0" if s in ("-0", "") else s


def _f2(x: float | None) -> str:
    from ..numbers import fmt

    return fmt(x, 2)


def _pc(x: float | None) -> str:
    from ..numbers import pct

    return pct(x, 2)


def explain_row(r: dict, p: Profile) -> str:
    """The explanation of one scored indicator row (engine columns), or why it has no score."""
    if r["op"] == "na":
        return "不适用（/）：不参与评分，其分值已按规则处理"
    if not r["scorable"]:
        return "无法评分（见该指标的错误提示），得 0 分"
    m = _REGISTRY.get(r["op"])
    fn = (m.explain if m is not None else None) or explain_generic
    text = fn(r, p)
    if r.get("b_read") == "fraction":
        text += f"（实际值 {r['actual']} 按比例读作 {_n(r['b'])}%）"
    elif r.get("b_read") == "percent":
        text += f"（实际值 {r['actual']} 按百分数读作 {r['actual']}%）"
    if r.get("weight_default"):
        text += "；分值未填写，按规则分配"
    return text


def explain_execution(rate: float | None, executed: float | None, budget: float | None, weight: float, score: float,
                      curve: str) -> str:
    if rate is None:
        return "无法计算预算执行率（全年预算数为 0），得 0 分"
    text = f"预算执行率 = 全年执行数 {_n(executed)} ÷ 全年预算数 {_n(budget)} = {_pc(rate)}，"
    if curve == "proportional":
        capped = "超过 100% 按 100% 计，" if rate > 1 else ""
        return text + f"{capped}得分 = 分值 {_f2(weight)} × {_pc(min(rate, 1.0))} = {_f2(score)}"
    return text + f"按“{curve}”曲线得分 {_f2(score)}"
