"""``perfeval init``: a new submission built from library indicators.

The scaffold is a declaration (绩效目标申报): every indicator references the
library (``ref``), carries the library's typical target as a placeholder, has
no actual value yet, and has the profile's default weight — the same
cent-exact equal split the scoring engine would make (50 over 3 →
16.67 + 16.67 + 16.66), so the weights add up to exactly 100 with the
execution rate.  Chinese comments tell the clerk what to fill in.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Callable, Iterable

import yaml

from ..notation import MONEY, parse
from ..numbers import fmt
from ..profile import LEVEL1_STANDARD, Profile
from .data import LibIndicator, Library, load_library, normalise_code

FALLBACK_SECTOR = "common"
PLACEHOLDER_MARK = "占位数"
DEFAULT_BUDGET = 10.0  # 万元; a placeholder when neither --budget nor a 万元 cost target is known


class ScaffoldError(ValueError):
    """Bad arguments for the scaffold; the message is in Chinese."""


@dataclass(frozen=True)
class Need:
    label: str
    ok: Callable[[LibIndicator], bool]


def _needs(profile: Profile, require_cost: bool, require_level1: Iterable[str]) -> list[Need]:
    needs = [
        Need("数量指标", lambda i: i.level2 == "数量指标"),
        Need("质量指标或时效指标", lambda i: i.level2 in ("质量指标", "时效指标")),
    ]
    for l1 in require_level1:
        needs.append(Need(l1, lambda i, l1=l1: i.level1 == l1))
    for g in profile.groups:  # every group the profile weights must hold at least one indicator
        needs.append(Need(g.name, lambda i, g=g: i.level1 in g.levels))
    if require_cost:
        needs.append(Need("成本指标", lambda i: i.is_cost))
    return needs


def _preference(i: LibIndicator) -> tuple:
    # core first, then quantitative, then library order
    return (not i.core, i.qualitative, i.sort_key())


def choose_indicators(
    sector: str,
    picks: Iterable[str] = (),
    profile: Profile | None = None,
    require_cost: bool = False,
    require_level1: Iterable[str] = LEVEL1_STANDARD,
    library: Library | None = None,
) -> tuple[list[LibIndicator], list[LibIndicator]]:
    """(chosen indicators in form order, those added only to complete the coverage).

    Without ``picks`` the sector's core indicators are the base.  Coverage —
    one 数量, one 质量 or 时效, each required 一级, each profile group and, if
    asked, one 成本 indicator — is completed from the sector, then from
    ``common``.
    """
    lib = library or load_library()
    try:
        sec = lib.sector(sector)
    except KeyError:
        raise ScaffoldError(f"指标库中没有行业“{sector}”；可用：{'、'.join(lib.sectors)}") from None
    chosen: list[LibIndicator] = []
    if picks:
        unknown = []
        for code in picks:
            try:
                ind = lib.get(code)
            except KeyError:
                unknown.append(str(code))
                continue
            if ind not in chosen:
                chosen.append(ind)
        if unknown:
            raise ScaffoldError(f"指标库中没有编码为“{'、'.join(unknown)}”的指标（PE210）；用 perfeval library 查看可用编码")
    else:
        chosen = list(sec.core)
    added: list[LibIndicator] = []
    needs = _needs(profile, require_cost, require_level1) if profile else _needs_default(require_cost, require_level1)
    pools = [sorted(sec.indicators, key=_preference)]
    if sec.code != FALLBACK_SECTOR and FALLBACK_SECTOR in lib.sectors:
        pools.append(sorted(lib.sectors[FALLBACK_SECTOR].indicators, key=_preference))
    for need in needs:
        if any(need.ok(i) for i in chosen):
            continue
        cand = next((i for pool in pools for i in pool if need.ok(i) and i not in chosen), None)
        if cand is None:
            raise ScaffoldError(f"指标库中找不到可用的“{need.label}”，无法生成完整的申报表")
        chosen.append(cand)
        added.append(cand)
    chosen.sort(key=lambda i: i.sort_key())
    return chosen, added


def _needs_default(require_cost: bool, require_level1: Iterable[str]) -> list[Need]:
    from ..profile import get_profile

    return _needs(get_profile(None), require_cost, require_level1)


def split_cents(total: float, n: int) -> list[float]:
    """``total`` split into ``n`` parts exact to the cent, the first parts taking the odd cents."""
    if n <= 0:
        return []
    cents = int(round(total * 100))
    base, rem = divmod(cents, n)
    return [(base + (1 if k < rem else 0)) / 100 for k in range(n)]


def default_weights(indicators: list[LibIndicator], profile: Profile) -> list[float]:
    """The engine's default weights for these indicators, in order."""
    groups = [profile.group_of(i.level1) for i in indicators]
    for i, g in zip(indicators, groups, strict=True):
        if g is None:
            raise ScaffoldError(f"评分规则“{profile.name}”没有给“{i.level1}”分值，不能使用指标 {i.code}")
    present = set(groups)
    target = {g.name: g.weight for g in profile.groups}
    for src, dst in profile.missing_group_to.items():
        if src not in present and dst in target and src in target:
            target[dst] += target[src]
    for g in profile.groups:
        if g.name not in present:
            raise ScaffoldError(f"没有属于“{g.name}”的指标，其 {g.weight:g} 分无处分配")
    shares = {name: iter(split_cents(target[name], groups.count(name))) for name in present}
    return [next(shares[g]) for g in groups]


# ---------------------------------------------------------------------------
# YAML text
# ---------------------------------------------------------------------------
def _scalar(v: object) -> str:
    """A YAML scalar that reads back as ``v`` (quoted only where plain style would misread it)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return fmt(v, 2).rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
    s = str(v)
    try:
        plain_ok = yaml.safe_load(f"k: {s}") == {"k": s} and "#" not in s and "\n" not in s
    except yaml.YAMLError:
        plain_ok = False
    return s if plain_ok else json.dumps(s, ensure_ascii=False)


def _comment_text(s: str) -> str:
    return " ".join(str(s).split())


def _budget_placeholder(indicators: list[LibIndicator]) -> float:
    best = None
    for i in indicators:
        if i.level2 == "成本指标" or i.level2 == "经济成本指标":
            r = parse(i.typical_target)
            if r.numeric and r.value is not None and r.unit in MONEY:
                v = r.value * MONEY[r.unit] / MONEY["万元"]
                best = v if best is None else max(best, v)
    return best if best else DEFAULT_BUDGET


def _actual_hint(i: LibIndicator) -> str:
    if i.qualitative:
        return "年终填写：达成预期指标 / 部分达成预期指标并具有一定效果 / 未达成预期指标且效果较差"
    return f"年终自评时填写实际完成值（数字，单位：{i.unit}），不要带≥≤等符号"


def scaffold(
    sector: str,
    profile: Profile,
    picks: Iterable[str] = (),
    name: str | None = None,
    department: str | None = None,
    year: int | None = None,
    budget: float | None = None,
    require_cost: bool = False,
    require_level1: Iterable[str] = LEVEL1_STANDARD,
    library: Library | None = None,
) -> tuple[str, list[LibIndicator], list[LibIndicator]]:
    """(YAML text of a new submission, chosen indicators, indicators added for coverage)."""
    lib = library or load_library()
    picks = [normalise_code(p) for p in picks]
    chosen, added = choose_indicators(sector, picks, profile, require_cost, require_level1, lib)
    weights = default_weights(chosen, profile)
    sec = lib.sector(sector)
    year = year or _dt.date.today().year + 1
    if budget is None:  # a placeholder: its comment names it, so lint can tell it was never replaced (PE617)
        budget = _budget_placeholder(chosen)
        budget_note = f"← {PLACEHOLDER_MARK} {_scalar(float(budget))}（取自指标库成本典型值），改为批复的全年预算数（调整后）"
    else:
        budget_note = "← 全年预算数（调整后），改为批复数"
    ind_total = sum(g.weight for g in profile.groups)
    L: list[str] = [
        f"# {year} 年度项目支出绩效目标申报表（perfeval init 生成）",
        f"# 行业：{sec.title}（{sec.code}）；评分规则：{profile.title}（{profile.name}）",
        "# 填写说明：",
        "#   1. 带“←”的行请改为本项目的实际情况。",
        "#   2. 年度指标值（target）目前是指标库的典型值，只是量级参考：请按批复预算和实施方案改为本项目自己的目标值，",
        "#      保留比较符号和计量单位（如“≥100户”“=100%”“≤30万元”）；定性目标要写成年底能判断是否达成的事实。",
        "#   3. 实际完成值（actual）和全年执行数（executed）在年终自评时填写，申报时保持 null 和 0。",
        f"#   4. 分值（weight）已按评分规则默认分配：预算执行率 {profile.exec_weight:g} 分 + 指标 {ind_total:g} 分 = 100 分；"
        "调整时保持合计为 100。",
        "#   5. 可增删指标：perfeval library --sector " + sec.code + " 查看本行业指标库；引用库中指标只需写 ref、target 和 weight。",
        "#   6. 填好后运行 perfeval lint <本文件> 检查申报质量；年终填好实际值后运行 perfeval score <本文件> 评分。",
        "perfeval: 1",
        f"profile: {_scalar(profile.name if not profile.source or profile.source == profile.name else profile.source)}",
        "project:",
        f"  name: {_scalar(name or '（请填写项目名称）')}  # ← 项目名称",
        "  code: null  # 项目编码（预算管理一体化系统中的编码），可不填",
        f"  year: {int(year)}  # 预算年度",
        f"  department: {_scalar(department or '（请填写主管部门）')}  # ← 主管部门",
        "  implementer: null  # 实施单位；不填则与主管部门相同",
        "funds:",
        "  unit: 万元  # 金额单位：万元 或 元",
        "  sources:  # 资金来源（其中），有多个来源时逐行列出",
        "    - name: 本级财政资金  # ← 资金来源名称",
        f"      initial: {_scalar(float(budget))}  # ← 年初预算数",
        f"      budget: {_scalar(float(budget))}  # {budget_note}",
        "      executed: 0  # 年终自评时填写全年执行数",
        "  note: null  # 执行率偏低时说明原因（年终自评时填写）",
        "goal:",
        "  target: null  # ← 年度总体目标：写明本年度要完成什么、达到什么效果",
        "  actual: null  # 年终自评时填写实际完成情况",
        "indicators:",
    ]
    group_of = [profile.group_of(i.level1) for i in chosen]
    last_group = None
    for ind, w, g in zip(chosen, weights, group_of, strict=True):
        if g != last_group:
            n = group_of.count(g)
            total = round(sum(x for x, gg in zip(weights, group_of, strict=True) if gg == g), 2)
            L.append(f"  # —— {g}：{n} 项，共 {_scalar(total)} 分 ——")
            last_group = g
        unit_note = f"单位：{ind.unit}" if ind.unit else "定性指标，写成可核验的事实"
        L += [
            f"  - ref: {ind.code}  # 指标库编码：名称、计量单位和计算口径以指标库为准",
            f"    level1: {_scalar(ind.level1)}",
            f"    level2: {_scalar(ind.level2)}",
            f"    name: {_scalar(ind.name)}",
            f"    target: {json.dumps(ind.typical_target, ensure_ascii=False)}  # ← 典型值，改为本项目的年度指标值（{unit_note}）",
            f"    actual: null  # {_actual_hint(ind)}",
            f"    weight: {_scalar(w)}",
            f"    # 计算口径：{_comment_text(ind.definition)}",
            f"    # 数据来源：{_comment_text(ind.data_source)}",
        ]
    return "\n".join(L) + "\n", chosen, added
