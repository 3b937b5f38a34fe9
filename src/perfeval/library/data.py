"""Read the standard indicator library (分行业分领域绩效指标库) shipped as YAML.

The data lives in ``indicators/*.yaml`` at the repository root; wheels carry
it as ``perfeval/_indicators`` (hatch ``force-include``).  The files are
validated in CI by ``indicators/schema.json`` and ``tests/test_library_data.py``;
here they are only read, once per process, into immutable records.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..profile import COST_LEVEL1, LEVEL1_ORDER

FIELDS = ("code", "level1", "level2", "name", "unit", "comparator", "typical_target", "definition", "data_source", "core")
# Display and scaffold order of the categories (一级, then 二级).
LEVEL2_ORDER = (
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "服务对象满意度指标",
)
COST_LEVEL2 = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})


def is_cost(level1: str | None, level2: str | None) -> bool:
    """A 成本 indicator: 一级 成本指标 (财预〔2021〕101号), or a 成本 二级 under 产出指标 — the one predicate."""
    return level1 == COST_LEVEL1 or level2 in COST_LEVEL2


class LibraryError(RuntimeError):
    """The library files are missing or malformed (an installation problem, not bad input)."""


@dataclass(frozen=True)
class LibIndicator:
    """One standard indicator; the fields are those of ``indicators/schema.json``."""

    code: str
    sector: str
    level1: str
    level2: str
    name: str
    unit: str | None
    comparator: str
    typical_target: str
    definition: str
    data_source: str
    core: bool

    @property
    def qualitative(self) -> bool:
        return self.comparator == "qualitative"

    @property
    def is_cost(self) -> bool:
        return is_cost(self.level1, self.level2)

    def sort_key(self) -> tuple:
        return (_index(LEVEL1_ORDER, self.level1), _index(LEVEL2_ORDER, self.level2), self.code)


@dataclass(frozen=True)
class Sector:
    code: str
    title: str
    indicators: tuple[LibIndicator, ...]

    @property
    def core(self) -> tuple[LibIndicator, ...]:
        return tuple(i for i in self.indicators if i.core)


@dataclass(frozen=True)
class Library:
    sectors: dict[str, Sector]
    by_code: dict[str, LibIndicator]
    root: Path

    def get(self, code: object) -> LibIndicator:
        """The indicator with this code (case and surrounding spaces ignored); ``KeyError`` if unknown."""
        key = normalise_code(code)
        if key not in self.by_code:
            raise KeyError(str(code))
        return self.by_code[key]

    def sector(self, code: str) -> Sector:
        """A sector by code (``union``) or by its Chinese name: the title or a unique part of it (``工会``, ``教育``)."""
        key = str(code).strip().lower()
        if key in self.sectors:
            return self.sectors[key]
        name = str(code).strip().removesuffix("行业").removesuffix("类")
        hits = [s for s in self.sectors.values() if name and (name == s.title or name in s.title)]
        if len(hits) == 1:
            return hits[0]
        raise KeyError(str(code))

    def all(self) -> list[LibIndicator]:
        return [i for s in self.sectors.values() for i in s.indicators]


def _index(order: tuple[str, ...], value: str) -> int:
    return order.index(value) if value in order else len(order)


def normalise_code(code: object) -> str:
    return str(code).strip().upper()


def library_dir() -> Path:
    """Where the library files are: the packaged copy first, then the repository's ``indicators/``."""
    here = Path(__file__).resolve()
    for cand in (here.parents[1] / "_indicators", here.parents[3] / "indicators"):
        if cand.is_dir() and any(cand.glob("*.yaml")):
            return cand
    raise LibraryError("找不到指标库文件（perfeval/_indicators 或仓库根目录的 indicators/）；请重新安装 perfeval。")


def _read_sector(path: Path) -> Sector:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LibraryError(f"指标库文件 {path.name} 无法读取：{e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise LibraryError(f"指标库文件 {path.name} 格式错误：缺少 indicators 列表")
    sector = str(data.get("sector") or path.stem)
    items = []
    for raw in data["indicators"]:
        missing = [f for f in FIELDS if not isinstance(raw, dict) or f not in raw]
        if missing:
            raise LibraryError(f"指标库文件 {path.name} 中有指标缺少字段：{'、'.join(missing)}")
        items.append(LibIndicator(
            code=normalise_code(raw["code"]), sector=sector, level1=str(raw["level1"]), level2=str(raw["level2"]),
            name=str(raw["name"]), unit=None if raw["unit"] is None else str(raw["unit"]),
            comparator=str(raw["comparator"]), typical_target=str(raw["typical_target"]),
            definition=str(raw["definition"]).strip(), data_source=str(raw["data_source"]).strip(), core=bool(raw["core"]),
        ))
    return Sector(code=sector, title=str(data.get("title") or sector), indicators=tuple(items))


@lru_cache(maxsize=4)
def load_library(root: str | None = None) -> Library:
    """The whole library, read once per process (``root`` overrides the location, for tests)."""
    base = Path(root) if root else library_dir()
    sectors: dict[str, Sector] = {}
    by_code: dict[str, LibIndicator] = {}
    for path in sorted(base.glob("*.yaml")):
        s = _read_sector(path)
        sectors[s.code] = s
        for ind in s.indicators:
            if ind.code in by_code:
                raise LibraryError(f"指标库编码 {ind.code} 重复（{by_code[ind.code].sector} 与 {s.code}）")
            by_code[ind.code] = ind
    if not sectors:
        raise LibraryError(f"指标库目录 {base} 中没有行业文件")
    return Library(sectors=sectors, by_code=by_code, root=base)
