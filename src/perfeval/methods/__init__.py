"""Comparison methods (比较方式): one :class:`Method` record per kind of target.

A method is everything perfeval knows about one way of writing and scoring a
target — ``≥5户`` (正向), ``≤90万元`` (反向), ``80-90%`` (区间), qualitative text
(定性) …: the operator stored in frames and JSON (``op`` / ``kind``), the
notation it is written in (grammar hook and canonical printer), its Chinese
labels, the vectorised score function, how the distance to the target is worded,
and the flags the checks read (numeric, point, reverse, over-achievement …).

Every place that used to switch on the operator reads this registry: the
notation parser and printer, the rows builder, validation, review (PE405,
PE410), the form and report views, the batch and library tables, the library
resolver and the case-file test.  Adding a method is one module in this package
calling :func:`register` plus one case file in ``tests/cases/scoring/`` (see
``tolerance.py`` and docs/architecture.md).

The registry sits in the base layer (next to :mod:`perfeval.notation`) because
the notation grammar needs it; the scoring engine (:mod:`perfeval.scoring`)
reads ``Method.score``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..notation import Rule
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
    profile: "Profile"


@dataclass(frozen=True)
class Method:
    """One comparison kind.  Only ``op``, ``rule``, ``label`` and ``score`` are required."""

    op: str  # stored in frames (``op``) and JSON (``kind``)
    rule: str  # Chinese name of the scoring rule (正向, 反向, 区间 …); the case file's ``rule``
    label: str  # Chinese label in tables (比较方式 column): ≥, 区间, 定性 …
    score: Callable[[Ctx], Arrays]  # (completion, share of the weight earned in [0, 1]), vectorised
    symbol: str | None = None  # comparator printed before the value (≥ > ≤ < =), for point methods
    numeric: bool = True  # the target is a number (the actual must be one, in a comparable unit)
    point: bool = False  # the target is one value with a comparator (≥5, ≤90, =100%)
    directional: bool = False  # the comparator says "at least"/"at most" (an actual written so copies the target: PE410)
    reverse: bool = False  # lower is better
    over: bool = False  # completion above 100% is over-achievement (PE405; 超额完成 on the form)
    signed: bool = False  # negative actual values are normal (a deviation such as ±10%)
    grammar: Callable[[str, str], "Rule | None"] | None = None  # (normalised text, raw text) -> Rule, tried first
    format: Callable[["Rule"], str] | None = None  # canonical notation of a rule of this method
    deviation: Callable[["Rule", float], float] | None = None  # distance of actual ``b`` from the target, ≥ 0
    gap_words: str = "与年度指标值相差"  # report: "{words} {amount}"
    midpoint: Callable[["Rule"], float] | None = None  # one value for an *actual* written in this notation
    doc: str = ""  # the rule in words (docs, explain)
    explain: Callable[[dict, "Profile"], str] | None = None  # one scored row → how its points came about, with its numbers


METHODS: dict[str, Method] = {}


def register(*methods: Method) -> None:
    for m in methods:
        if m.op in METHODS:
            raise ValueError(f"method {m.op!r} registered twice")
        METHODS[m.op] = m


def get(op: str | None) -> Method | None:
    return METHODS.get(op) if op is not None else None


def ops(**flags: bool) -> list[str]:
    """Operators of the methods whose flags match (``ops(numeric=True)``), in registration order."""
    return [m.op for m in METHODS.values() if all(getattr(m, k) == v for k, v in flags.items())]


def label(op: str | None) -> str:
    m = get(op)
    return m.label if m else (op or "")


def div(n: np.ndarray, d: np.ndarray, when_zero: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = n / d
    return np.where(d == 0, when_zero, out)


_BUILTIN = ("builtin", "tolerance")
for _m in _BUILTIN:
    __import__(f"{__name__}.{_m}")

__all__ = ["Method", "METHODS", "Ctx", "Arrays", "register", "get", "ops", "label", "div"]
