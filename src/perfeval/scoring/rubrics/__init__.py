"""Rubric kinds for framework scoresheets (部门整体支出绩效评价指标体系), one registered module each.

A rubric turns a computed figure ``x`` (a rate as a fraction, a count, a share of checklist items …)
and the row's weight ``W`` into points in ``[0, W]``.  Each kind is one module in this package that
registers itself with :func:`rubric`; profiles name the kind and its parameters as data::

    rubric: {kind: deduct_per_pp_over, limit: 1.0, per_pp: 0.5}

Every function is vectorised over numpy arrays (a scalar works too) and must keep its result within
``[0, W]`` (floors at 0, caps at W, no bonus); ``tests/test_department.py`` checks this with hypothesis.
``describe`` gives the 评分标准 text printed on the scoresheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


class RubricError(ValueError):
    """A rubric spec in a profile that cannot be used (message in Chinese)."""


@dataclass(frozen=True)
class Rubric:
    kind: str
    title: str  # Chinese name of the kind
    score: Callable[[np.ndarray, np.ndarray, dict], np.ndarray]
    describe: Callable[[float, dict], str]
    params: dict[str, Any]  # parameter name -> default (``...`` = required)
    monotone: str  # "up" (more x, more points), "down", or "" (no order)


RUBRICS: dict[str, Rubric] = {}


def rubric(kind: str, title: str, params: dict[str, Any], monotone: str):
    def deco(pair: tuple[Callable, Callable]) -> tuple[Callable, Callable]:
        fn, describe = pair
        RUBRICS[kind] = Rubric(kind, title, fn, describe, params, monotone)
        return pair

    return deco


def resolve(spec: dict, where: str = "") -> tuple[Rubric, dict]:
    """The rubric and its full parameters for a profile's ``rubric:`` mapping."""
    if not isinstance(spec, dict) or "kind" not in spec:
        raise RubricError(f"{where} 的 rubric 应为含 kind 的映射")
    kind = str(spec["kind"])
    if kind not in RUBRICS:
        raise RubricError(f"{where} 的评分方式“{kind}”未注册；可用：{'、'.join(sorted(RUBRICS))}")
    r = RUBRICS[kind]
    params = {}
    for k, default in r.params.items():
        if k in spec:
            params[k] = spec[k]
        elif default is ...:
            raise RubricError(f"{where} 的评分方式 {kind} 缺少参数“{k}”")
        else:
            params[k] = default
    unknown = set(spec) - set(r.params) - {"kind"}
    if unknown:
        raise RubricError(f"{where} 的评分方式 {kind} 没有参数：{'、'.join(sorted(map(str, unknown)))}")
    return r, params


def apply(kind: str, x: Any, weight: Any, params: dict) -> np.ndarray:
    """Points for ``x`` under a registered kind, clipped to [0, W] and NaN-safe (unknown x earns 0)."""
    r = RUBRICS[kind]
    xs = np.asarray(x, dtype=float)
    w = np.asarray(weight, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pts = r.score(xs, w, params)
    pts = np.where(np.isnan(xs), 0.0, pts)
    return np.clip(np.nan_to_num(pts, nan=0.0, posinf=0.0, neginf=0.0), 0.0, w)


def fmt_num(v: float) -> str:
    return f"{v:g}"


def fmt_pct(v: float) -> str:
    return f"{v * 100:g}%"


# the kinds register on import (one module each)
from . import bands, checklist, deduct_per_case, deduct_per_pp_over, deduct_per_step_under, not_applicable, proportional, qualitative_3tier  # noqa: E402,F401

__all__ = ["RUBRICS", "Rubric", "RubricError", "apply", "resolve", "rubric"]
