"""Scoring methods, registered by operator; execution-rate curves, by name.

A method takes numpy arrays for the rows that use it and returns
``(completion, fraction)``: the completion rate shown on the form (1.0 = 100%)
and the share of the indicator's weight earned, in [0, 1].  Adding a method
is adding a function with ``@method("op")``; the engine dispatches by the
``op`` column, one vectorised call per method and profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..profile import Profile

Arrays = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Ctx:
    """Per-call inputs: target ``a`` (and ``hi`` for ranges), actual ``b``, units, profile."""

    a: np.ndarray
    hi: np.ndarray
    b: np.ndarray
    unit: np.ndarray  # object array of unit strings / None
    tier: np.ndarray  # object array of tier names / None
    ratio: np.ndarray
    profile: Profile


METHODS: dict[str, Callable[[Ctx], Arrays]] = {}
EXECUTION_CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {}


def method(*ops: str):
    def deco(fn: Callable[[Ctx], Arrays]) -> Callable[[Ctx], Arrays]:
        for op in ops:
            METHODS[op] = fn
        return fn

    return deco


def curve(name: str):
    def deco(fn: Callable[[np.ndarray], np.ndarray]):
        EXECUTION_CURVES[name] = fn
        return fn

    return deco


def _div(n: np.ndarray, d: np.ndarray, when_zero: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = n / d
    return np.where(d == 0, when_zero, out)


@method(">=", ">")
def positive(c: Ctx) -> Arrays:
    """正向指标：完成率 = B/A，得分 = 分值 × min(B/A, 1)。目标为 0 时，B ≥ 0 即满分。"""
    completion = _div(c.b, c.a, 1.0)
    return completion, np.clip(completion, 0.0, 1.0)


@method("<=", "<")
def reverse(c: Ctx) -> Arrays:
    """反向指标：完成率 = A/B（B = 0 为满分）；得分 ratio 规则 = 分值 × min(A/B, 1)，
    linear 规则 = 分值 × (1 − (B − A)/A)，B ≥ 2A 得 0。"""
    completion = np.where(c.b <= c.a, np.maximum(_div(c.a, c.b, 1.0), 1.0), _div(c.a, c.b, 1.0))
    if c.profile.reverse == "linear":
        frac = np.where(c.b <= c.a, 1.0, 1.0 - _div(c.b - c.a, c.a, np.inf))
    else:
        frac = completion
    return completion, np.clip(np.nan_to_num(frac, nan=0.0, neginf=0.0), 0.0, 1.0)


@method("=")
def equality(c: Ctx) -> Arrays:
    """等于：目标为上限值（如 100%）时按正向计；否则得分 = 分值 × min(A,B)/max(A,B)。"""
    ceiling = np.isin(c.a, np.asarray(c.profile.equality_ceiling, dtype=float)) & (c.unit == "%")
    lo, hi = np.minimum(c.a, c.b), np.maximum(c.a, c.b)
    sym = _div(lo, hi, 1.0)
    pos = _div(c.b, c.a, 1.0)
    completion = np.where(ceiling, pos, _div(c.b, c.a, 1.0))
    frac = np.where(ceiling, np.clip(pos, 0, 1), np.clip(sym, 0, 1))
    return completion, frac


@method("range")
def in_range(c: Ctx) -> Arrays:
    """区间：落在 [下限, 上限] 内满分；低于下限按 B/下限，高于上限按 上限/B。"""
    lo, hi, b = c.a, c.hi, c.b
    below = np.where(lo > 0, _div(b, lo, 0.0), np.where(lo < 0, _div(lo, b, 0.0), 0.0))
    above = np.where(hi > 0, _div(hi, b, 0.0), 0.0)
    frac = np.where(b < lo, below, np.where(b > hi, above, 1.0))
    frac = np.clip(np.nan_to_num(frac, nan=0.0), 0.0, 1.0)
    return frac, frac


@method("qualitative")
def qualitative(c: Ctx) -> Arrays:
    """定性指标：按“达成/部分达成/未达成”三档，在规则给定的区间内取值；
    指标给出 ratio 时取该值，否则取规则的默认值。"""
    p = c.profile
    default = np.array([p.qual_default.get(t, np.nan) if t else np.nan for t in c.tier], dtype=float)
    frac = np.where(np.isnan(c.ratio), default, c.ratio)
    frac = np.clip(np.nan_to_num(frac, nan=0.0), 0.0, 1.0)
    return frac, frac


@curve("proportional")
def proportional(rate: np.ndarray) -> np.ndarray:
    """执行率得分 = 分值 × min(执行率, 1)。"""
    return np.clip(np.nan_to_num(rate, nan=0.0), 0.0, 1.0)
