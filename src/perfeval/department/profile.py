"""Department-wide profiles (data files in ``perfeval/profiles/department/``).

Two families (``docs/profiles.md``, rules doc §1): ``target`` — execution rate + the department's own
indicators, scored by the project methods; ``framework`` — a scoresheet of common indicators, each
computed from the department's figures and scored by a rubric kind, or judged by the assessor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..profile import LEVEL1_NAMES, Profile, ProfileError, profile_from_dict, read_profile_data
from ..scoring.rubrics import RubricError, resolve
from ..scoring.rubrics.not_applicable import RULES as NA_RULES

FAMILIES = ("target", "framework")
INPUTS = ("judgement", "checks", "cases", "tier", "own_indicators")
WEIGHT_SOURCES = {"published": "分值出自已公布的表样", "perfeval-default": "分值为 perfeval 默认值（未见公布的分值）",
                  "partial": "部分分值出自公布的表样，其余为 perfeval 推定"}
_QUAL = {"达成": {"band": [0.8, 1.0], "default": 1.0}, "部分达成": {"band": [0.6, 0.8], "default": 0.7},
         "未达成": {"band": [0.0, 0.6], "default": 0.3}}


@dataclass(frozen=True)
class Item:
    level1: str
    level2: str
    name: str
    weight: float
    figure: str | None
    input: str | None
    rubric: str | None
    params: dict
    note: str


@dataclass(frozen=True)
class DeptProfile:
    name: str
    title: str
    family: str
    weights_source: str
    sources: str
    not_applicable: str
    three_public_base: str
    grades: tuple[tuple[str, str, float], ...]  # (grade, word, min) by min descending
    tolerance: float
    items: tuple[Item, ...]
    exec_weight: float
    exec_base: str
    indicator_weight: float
    raw: dict

    def grade(self, total: float) -> tuple[str, str]:
        for name, word, lo in self.grades:
            if total >= lo - 1e-9:
                return name, word
        return self.grades[-1][0], self.grades[-1][1]

    def grade_of_word(self, text: str) -> str | None:
        """``好`` → ``优``; a letter grade maps to itself; anything else → None."""
        t = (text or "").strip()
        for name, word, _ in self.grades:
            if t in (name, word):
                return name
        return None

    @property
    def bands_text(self) -> str:
        out, hi = [], None
        for name, word, lo in self.grades:
            label = name + (f"/{word}" if word and word != name else "")
            out.append(f"{label} {lo:g}–{hi:g}" if hi is not None else f"{label} ≥{lo:g}")
            hi = lo
        return "，".join(out)

    def project_rules(self, exec_weight: float, indicator_weight: float) -> Profile:
        """The project-method rules used for the department's own indicators (family A, or a framework's own rows)."""
        d = self.raw
        return profile_from_dict({
            "name": self.name, "title": self.title, "layout": "national",
            "execution": {"weight": exec_weight, "curve": "proportional"},
            "groups": [{"name": "部门绩效指标", "levels": list(LEVEL1_NAMES), "weight": indicator_weight}],
            "reverse": d.get("reverse", "ratio"), "equality_ceiling": [100],
            "qualitative": d.get("qualitative") or _QUAL, "over_achievement": d.get("over_achievement", 1.2),
            "grades": [{"name": n, "min": lo} for n, _, lo in self.grades],
            "not_applicable": "rescale" if self.not_applicable == "drop" else "redistribute",
            "tolerance": self.tolerance,
        }, source=self.name)


def _item(d: Any, k: int, figures: set[str]) -> Item:
    where = f"items[{k}]"
    if not isinstance(d, dict):
        raise ProfileError(f"{where} 应为映射")
    for key in ("level1", "level2", "name", "weight"):
        if key not in d:
            raise ProfileError(f"{where} 缺少字段“{key}”")
    figure, inp = d.get("figure"), d.get("input")
    if (figure is None) == (inp is None):
        raise ProfileError(f"{where}（{d['name']}）应给出 figure（由数据计算）或 input（{'/'.join(INPUTS)}）之一")
    if figure is not None and figure not in figures:
        raise ProfileError(f"{where} 的 figure“{figure}”未注册；可用：{'、'.join(sorted(figures))}")
    if inp is not None and inp not in INPUTS:
        raise ProfileError(f"{where} 的 input 只能是 {'、'.join(INPUTS)}")
    kind, params = None, {}
    if figure is not None or inp in ("checks", "cases", "tier"):
        try:
            r, params = resolve(d.get("rubric"), f"{where}（{d['name']}）")
        except RubricError as e:
            raise ProfileError(str(e)) from None
        kind = r.kind
    w = float(d["weight"])
    if not 0 < w <= 100:
        raise ProfileError(f"{where} 的分值 {w:g} 应在 (0, 100] 内")
    return Item(str(d["level1"]), str(d["level2"]), str(d["name"]), w, figure, inp, kind, params, str(d.get("note") or ""))


def dept_profile_from_dict(d: Any, source: str = "") -> DeptProfile:
    from .figures import FIGURES

    if not isinstance(d, dict):
        raise ProfileError(f"部门整体评分规则 {source} 顶层应为映射")
    try:
        family = str(d.get("family"))
        if family not in FAMILIES:
            raise ProfileError(f"family 只能是 {' 或 '.join(FAMILIES)}")
        na = str(d.get("not_applicable", "full" if family == "framework" else "drop"))
        if na not in NA_RULES:
            raise ProfileError(f"not_applicable 只能是 {' 或 '.join(NA_RULES)}")
        ws = str(d.get("weights_source", "perfeval-default"))
        if ws not in WEIGHT_SOURCES:
            raise ProfileError(f"weights_source 只能是 {'、'.join(WEIGHT_SOURCES)}")
        grades = tuple(sorted(((str(g["name"]), str(g.get("word") or g["name"]), float(g["min"])) for g in d["grades"]), key=lambda x: -x[2]))
        if not grades or grades[-1][2] != 0:
            raise ProfileError("grades 的最低一档下限必须为 0")
        items = tuple(_item(x, k, set(FIGURES)) for k, x in enumerate(d.get("items") or []))
        ex = d.get("execution") or {}
        p = DeptProfile(
            name=str(d["name"]), title=str(d.get("title", d["name"])), family=family, weights_source=ws,
            sources=str(d.get("sources") or ""), not_applicable=na,
            three_public_base=str(d.get("three_public_base", "budget")), grades=grades,
            tolerance=float(d.get("tolerance", 0.01)), items=items,
            exec_weight=float(ex.get("weight", 0)), exec_base=str(ex.get("base", "budget")),
            indicator_weight=float(d.get("indicator_weight", 0)), raw=d,
        )
    except ProfileError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise ProfileError(f"部门整体评分规则 {source} 格式错误：{e}") from None
    if p.three_public_base not in ("budget", "actual"):
        raise ProfileError("three_public_base 只能是 budget 或 actual")
    if family == "target":
        total = p.exec_weight + p.indicator_weight
        p.project_rules(p.exec_weight, p.indicator_weight)  # the project part must itself be valid
    else:
        if not items:
            raise ProfileError(f"框架式规则“{p.name}”没有 items")
        total = sum(i.weight for i in items)
        if sum(i.input == "own_indicators" for i in items) > 1:
            raise ProfileError("只能有一行 input: own_indicators")
    if abs(total - 100) > 1e-9:
        raise ProfileError(f"部门整体评分规则“{p.name}”的分值合计为 {total:g}，应为 100")
    return p


def packaged_dept_profiles() -> list[str]:
    root = resources.files("perfeval") / "profiles" / "department"
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


DEFAULT_DEPT_PROFILE = "dept-target"


def applies_to_department(profile: str | None) -> bool:
    """Whether a ``--profile`` given for a run is a department profile (a project profile leaves department files alone)."""
    return profile is not None and (profile in packaged_dept_profiles() or profile.endswith((".yaml", ".yml")) and _is_dept_file(profile))


def _is_dept_file(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            d = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(d, dict) and d.get("family") in FAMILIES


@lru_cache(maxsize=32)
def get_dept_profile(name: str | None) -> DeptProfile:
    """A packaged department profile by name, or a profile file by path (command line only)."""

    name = name or DEFAULT_DEPT_PROFILE
    found = read_profile_data(name, packaged_dept_profiles(), ("profiles", "department"))
    if found is not None:
        data, source = found
        return dept_profile_from_dict(data, source=source)
    raise ProfileError(f"部门整体评分规则“{name}”不存在；可用：{'、'.join(packaged_dept_profiles())}，或给出 .yaml 文件路径")
