"""Jurisdiction profiles: the scoring rules that vary, kept as data.

A profile is a YAML file (see ``docs/profiles.md``).  The packaged ones live
in ``perfeval/profiles/``; ``load_profile(path)`` reads a user's own file.
Nothing here knows about a particular province: adding one is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .layouts import DEFAULT_LAYOUT, LAYOUTS
from .notation import TIERS

DEFAULT_PROFILE = "national-2020"
# 一级指标: the one place their names are written (财预〔2020〕10号; 成本 as its own 一级 per 财预〔2021〕101号)
LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL1_STANDARD = LEVEL1_NAMES[:3]  # the three every declaration has (lint.require_level1 default)
LEVEL1_ORDER = ("产出指标", "成本指标", "效益指标", "满意度指标")  # display order (成本 right after 产出)
COST_LEVEL1 = "成本指标"
LEVEL1_ALIASES = {
    "产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标",
    "服务对象满意度指标": "满意度指标", "服务对象满意度": "满意度指标",
    "效果指标": "效益指标",  # 河北等地表样的写法
}


class ProfileError(ValueError):
    """A profile file that cannot be used; the message is in Chinese."""


@dataclass(frozen=True)
class Group:
    name: str
    levels: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    layout: str
    exec_weight: float
    exec_curve: str
    exec_reason_below: float | None
    groups: tuple[Group, ...]
    missing_group_to: dict[str, str]
    reverse: str
    equality_ceiling: tuple[float, ...]
    qual_bands: dict[str, tuple[float, float]]
    qual_default: dict[str, float]
    over_achievement: float | None
    grades: tuple[tuple[str, float], ...]  # (name, min) sorted by min descending
    decimals: int
    tolerance: float
    not_applicable: str = "redistribute"
    bare_fraction: str = "fraction"  # a bare 0.96 against "≥95%": fraction (96%) | percent (0.96%)
    weight_total: str = "rescale"  # weights not adding up to 100: rescale the total to 100 (折算) | refuse a grade
    missing_weight: str = "rebalance"  # a row without weight in a group whose weights are used up: rebalance | zero
    source: str = field(default="", compare=False)

    def group_of(self, level1: str) -> str | None:
        for g in self.groups:
            if level1 in g.levels:
                return g.name
        return None

    def grade(self, total: float) -> str:
        for name, lo in self.grades:
            if total >= lo - 1e-9:
                return name
        return self.grades[-1][0]

    @property
    def indicator_weight(self) -> float:
        return sum(g.weight for g in self.groups)


def _req(d: dict, key: str, where: str) -> Any:
    if key not in d:
        raise ProfileError(f"{where} 缺少字段“{key}”")
    return d[key]


def profile_from_dict(d: Any, source: str = "") -> Profile:
    if not isinstance(d, dict):
        raise ProfileError(f"评分规则文件 {source} 顶层应为映射")
    try:
        ex = _req(d, "execution", "profile")
        groups = tuple(
            Group(str(_req(g, "name", "groups[]")), tuple(_req(g, "levels", "groups[]")), float(_req(g, "weight", "groups[]")))
            for g in _req(d, "groups", "profile")
        )
        qual = _req(d, "qualitative", "profile")
        bands, defaults = {}, {}
        for tier in TIERS:
            t = _req(qual, tier, "qualitative")
            lo, hi = (float(x) for x in t["band"])
            dflt = float(t.get("default", hi))
            if not (0 <= lo <= dflt <= hi <= 1):
                raise ProfileError(f"qualitative.{tier}: 需满足 0 ≤ 下限 ≤ default ≤ 上限 ≤ 1")
            bands[tier], defaults[tier] = (lo, hi), dflt
        grades = tuple(sorted(((str(g["name"]), float(g["min"])) for g in _req(d, "grades", "profile")), key=lambda x: -x[1]))
        if not grades or grades[-1][1] != 0:
            raise ProfileError("grades 的最低一档下限必须为 0，以覆盖 [0, 100]")
        if str(d.get("not_applicable", "redistribute")) not in ("redistribute", "rescale"):
            raise ProfileError("not_applicable 只能是 redistribute 或 rescale")
        reverse = str(d.get("reverse", "ratio"))
        if reverse not in ("ratio", "linear"):
            raise ProfileError("reverse 只能是 ratio 或 linear")
        options = {}
        for key, allowed in (("bare_fraction", ("fraction", "percent")), ("weight_total", ("rescale", "refuse")),
                             ("missing_weight", ("rebalance", "zero"))):
            options[key] = str(d.get(key, allowed[0]))
            if options[key] not in allowed:
                raise ProfileError(f"{key} 只能是 {' 或 '.join(allowed)}")
        curve = str(ex.get("curve", "proportional"))  # checked against the registry by the engine
        layout = str(d.get("layout", DEFAULT_LAYOUT))
        if layout not in LAYOUTS:
            raise ProfileError(f"layout“{layout}”不是已登记的自评表版式；可用：{'、'.join(LAYOUTS)}")
        p = Profile(
            name=str(_req(d, "name", "profile")),
            title=str(d.get("title", d["name"])),
            layout=layout,
            exec_weight=float(_req(ex, "weight", "execution")),
            exec_curve=curve,
            exec_reason_below=None if ex.get("reason_below") is None else float(ex["reason_below"]),
            groups=groups,
            missing_group_to=dict(d.get("missing_group_to") or {}),
            reverse=reverse,
            equality_ceiling=tuple(float(x) for x in d.get("equality_ceiling") or ()),
            qual_bands=bands,
            qual_default=defaults,
            over_achievement=None if d.get("over_achievement") is None else float(d["over_achievement"]),
            grades=grades,
            decimals=int(d.get("decimals", 2)),
            tolerance=float(d.get("tolerance", 0.01)),
            not_applicable=str(d.get("not_applicable", "redistribute")),
            **options,
            source=source,
        )
    except ProfileError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise ProfileError(f"评分规则文件 {source or ''} 格式错误：{e}") from None
    total = p.exec_weight + p.indicator_weight
    if abs(total - 100) > 1e-9:
        raise ProfileError(f"评分规则“{p.name}”的执行率与一级指标分值合计为 {total:g}，应为 100")
    return p


@lru_cache(maxsize=1)
def packaged_profiles() -> tuple[str, ...]:
    """Names of the packaged profiles; the directory is listed once per process (issue 15: not once per file)."""
    root = resources.files("perfeval") / "profiles"
    return tuple(sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")))


@lru_cache(maxsize=64)
def get_profile(name_or_path: str | None) -> Profile:
    """A packaged profile by name, or a user's profile file by path."""
    name = name_or_path or DEFAULT_PROFILE
    found = read_profile_data(name, packaged_profiles(), ("profiles",))
    if found is None:
        raise ProfileError(f"评分规则（profile）“{name}”不存在；可用：{', '.join(packaged_profiles())}，或给出 .yaml 文件路径")
    return profile_from_dict(*found)


def read_profile_data(name: str, packaged: tuple[str, ...], folder: tuple[str, ...]) -> tuple[Any, str] | None:
    """(data, source) of a packaged profile file under ``perfeval/<folder>`` or of a user's .yaml file; None if neither."""
    if name in packaged:
        root = resources.files("perfeval")
        for part in folder:
            root = root / part
        return yaml.safe_load((root / f"{name}.yaml").read_text("utf-8")), name
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        try:
            return yaml.safe_load(path.read_text("utf-8")), str(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise ProfileError(f"无法读取评分规则文件 {path}：{e}") from None
    return None


def normalise_level1(value: str) -> str:
    v = (value or "").strip()
    return LEVEL1_ALIASES.get(v, v)
