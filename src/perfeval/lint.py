"""``perfeval lint``: review a declaration before the year starts (绩效目标审核).

A declaration is a submission whose actual values may still be empty.  Lint
reads it with the same loader, structure check, ``ref`` resolution and
validation as ``perfeval validate`` — minus everything about actual values —
and then asks the questions a finance bureau asks when it reviews 绩效目标:

* is every 一级 the profile expects there (产出, 效益, 满意度), with at least
  one 数量 and one 质量 or 时效 indicator, and a 成本 indicator where the
  profile's ``lint.require_cost`` asks for one?
* is the share of qualitative indicators within ``lint.max_qualitative_share``?
* can each target be checked at year end — no vague wording (效果明显,
  显著提升, 有所提高, 进一步…), no restating of the funds (资金使用合规,
  在预算范围内…), a unit on every number, the library's unit for a ``ref``?
* do the weights add up to 100 (resolved by the scoring engine), and is no
  indicator declared twice?

Every finding is an :class:`~perfeval.issues.Issue` with a PE6xx code whose
hint says how to fix it.  Each check is one function registered in
:data:`CHECKS`; adding a check is adding a function and its code.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .declare.load import DEFAULT_LIMITS, Limits, Loaded
from .declare.rows import Columns
from .issues import ERROR, Issue, make_issue, sort_issues
from .library import LibIndicator, is_cost, load_library
from .library.scaffold import PLACEHOLDER_MARK
from .notation import MONEY, NA, NUMERIC_OPS, QUAL, known_unit, unit_factor
from .numbers import fmt, pct
from .pipeline import documents, prepare_one
from .profile import LEVEL1_NAMES, LEVEL1_STANDARD, Profile, ProfileError, get_profile, packaged_profiles
from .scoring.engine import prepare, profiles_for, resolve_weights

STANDARD_LEVEL1 = LEVEL1_STANDARD
# Fields that belong to the year-end self-evaluation, not to the declaration.
ACTUAL_KEYS = ("actual", "claimed_score", "ratio")
# Validation codes that only concern actual values (lint ignores them).
ACTUAL_CODES = frozenset({"PE301", "PE302", "PE303", "PE304", "PE305"})

# ---------------------------------------------------------------------------
# Wording rules (applied to qualitative targets after NFKC normalisation)
# ---------------------------------------------------------------------------
VAGUE_WORDS = (
    "效果明显", "效果显著", "明显", "显著", "较好", "良好", "有所", "逐步", "进一步", "不断", "大幅", "积极",
    "稳步", "切实", "持续提升", "持续提高", "持续改善", "有效提升", "有效提高", "有效改善", "全面提升",
    "全面提高", "大力", "较高", "较大", "一定程度", "尽快", "力争",
)
VAGUE_WHOLE = frozenset({
    "是", "否", "好", "高", "优", "优秀", "较好", "良好", "完成", "已完成", "按时完成", "按期完成", "达标", "合格",
    "满意", "有效", "提高", "提升", "改善", "到位", "保障到位", "符合要求", "符合规定", "符合相关规定",
    "严格执行", "严格执行相关制度规定", "正常运转", "长期", "持续发挥", "效果好", "合规", "规范", "及时", "准确",
    "安全", "正常", "稳定", "完善", "健全", "较完善", "基本完成",
})
FUNDS_PATTERNS = tuple(re.compile(p) for p in (
    r"(在|控制在)[^，。；]{0,8}预算[^，。；]{0,6}(内|以内|之内)",
    r"(不超过?|不超出|未超出?|不突破|未突破)[^，。；]{0,6}预算",
    r"资金(使用|管理|支出|拨付)[^，。；]{0,4}(合规|规范|安全|合理|符合)",
    r"按(照)?(年度)?预算(执行|使用|支出|安排|拨付)",
    r"专款专用",
    r"资金(足额|按时|及时)?(拨付)?到位",
    r"(预算|资金)(执行|支付)(率)?(达到|达|完成|良好|到位|顺利)",
))
# A qualitative target is verifiable if it names a number, a deadline, an event
# that did or did not happen, or a document/state that exists or not.
VERIFIABLE = re.compile(
    r"\d|[一二三四五六七八九十两半]+(个|次|项|月|日|天|年|季度|工作日|周)"
    r"|(年底|年末|月底|月末|季末|年内|开学|汛|节)前|之前|以内|[日天月周]内|内(完成|公开|拨付|发放|办结|报送)"
    r"|每(年|季度|季|月|周|半年)|未(发生|出现|发现)|不发生|杜绝|无(重大|较大|一般)?[^，。；]{0,8}(事故|事件|缺陷|投诉|问题|差错)"
    r"|零(事故|投诉|差错)|验收|印发|出台|制定|建立|公示|公开|备案|报送|落实|明确|交付|发放到位|全覆盖"
)
PURPOSE = re.compile(r"^(通过|以|借助|依托)[^，。；]{1,40}[，,]?(使|让|促进|推动|提高|提升|增强|改善|确保|保障|感受)")


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", t).rstrip("。．.，,；;！! ")


def vague_word(target: str) -> str | None:
    t = _normalise(target)
    if t in VAGUE_WHOLE:
        return t
    return next((w for w in VAGUE_WORDS if w in t), None)


def restates_funds(target: str) -> bool:
    t = _normalise(target)
    return any(p.search(t) for p in FUNDS_PATTERNS)


def verifiable(target: str) -> bool:
    t = _normalise(target)
    return bool(VERIFIABLE.search(t)) and not PURPOSE.search(t)


# ---------------------------------------------------------------------------
# Profile ``lint:`` block
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LintConfig:
    require_level1: tuple[str, ...] = STANDARD_LEVEL1
    require_cost: bool = False
    max_qualitative_share: float = 0.5


def _raw_profile(p: Profile) -> dict:
    src = p.source or p.name
    if src in packaged_profiles():
        text = (resources.files("perfeval") / "profiles" / f"{src}.yaml").read_text("utf-8")
    else:
        text = Path(src).read_text("utf-8")
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=64)
def lint_config(profile: str | None) -> LintConfig:
    """The ``lint:`` block of a profile, with defaults for every key that is absent."""
    p = get_profile(profile)
    block = _raw_profile(p).get("lint") or {}
    if not isinstance(block, dict):
        raise ProfileError(f"评分规则“{p.name}”的 lint 应为键值映射")
    unknown = set(block) - {"require_level1", "require_cost", "max_qualitative_share"}
    if unknown:
        raise ProfileError(f"评分规则“{p.name}”的 lint 中有未知字段：{'、'.join(sorted(map(str, unknown)))}")
    scored = {lv for g in p.groups for lv in g.levels}
    levels = block.get("require_level1", [lv for lv in STANDARD_LEVEL1 if lv in scored])
    if not isinstance(levels, list) or any(lv not in LEVEL1_NAMES for lv in levels):
        raise ProfileError(f"评分规则“{p.name}”的 lint.require_level1 应为一级指标名称列表（{'、'.join(LEVEL1_NAMES)}）")
    cost = block.get("require_cost", False)
    if not isinstance(cost, bool):
        raise ProfileError(f"评分规则“{p.name}”的 lint.require_cost 应为 true 或 false")
    share = block.get("max_qualitative_share", 0.5)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise ProfileError(f"评分规则“{p.name}”的 lint.max_qualitative_share 应为 0 到 1 之间的数")
    return LintConfig(tuple(levels), cost, float(share))


# ---------------------------------------------------------------------------
# One declaration, as the checks see it
# ---------------------------------------------------------------------------
@dataclass
class Decl:
    file: str
    profile: Profile
    config: LintConfig
    rows: list[dict]  # indicator rows (declare.rows columns + grp, weight_eff), in order
    line: int | None  # line of the ``indicators`` key
    project: dict = field(default_factory=dict)  # the project row (declare.rows PROJECT_SCHEMA)

    @property
    def sectors(self) -> frozenset[str]:
        """Library sectors of the indicators this declaration references."""
        return frozenset(lib.sector for lib in map(_lib, self.rows) if lib is not None)

    def applicable(self) -> list[dict]:
        return [r for r in self.rows if r["op"] != NA]

    def issue(self, code: str, row: dict | None = None, line_col: str = "line", named: bool = True, **params) -> Issue:
        """An issue on ``row`` (its ``line_col`` line), or on the indicators list when ``row`` is None.

        ``named=False``: the row only locates the finding (a total), it is not about that indicator.
        """
        line = (row.get(line_col) or row.get("line")) if row else self.line
        return make_issue(code, file=self.file, line=line, indicator=row["name"] if row and named else None, **params)


Check = Callable[[Decl], list[Issue]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def _is_cost(r: dict) -> bool:
    return is_cost(r["level1"], r["level2"])


def _lib(r: dict) -> LibIndicator | None:
    if not r.get("ref"):
        return None
    try:
        return load_library().get(r["ref"])
    except KeyError:
        return None


def suggestion(r: dict, sectors: frozenset[str] = frozenset()) -> str:
    """A library indicator to model the target on: the ref'd one, else the closest name in the same 二级.

    ``sectors``: the sectors the declaration already draws on (plus ``common``); empty means all.
    """
    lib = _lib(r)
    if lib is not None:
        return f"；指标库典型值为“{lib.typical_target}”"
    cands = [i for i in load_library().all() if i.level2 == r["level2"] and not i.qualitative
             and (not sectors or i.sector in sectors or i.sector == "common")]
    if not cands:
        return ""

    def sim(i: LibIndicator) -> float:
        return difflib.SequenceMatcher(None, r["name"], i.name).ratio()

    close = [i for i in cands if sim(i) >= 0.3]
    if close:
        best = max(close, key=lambda i: (round(sim(i), 3), i.core, i.sector != "common"))
    else:  # nothing similar: a core indicator of the declaration's own sector, else a generic one
        pool = [i for i in cands if i.sector in sectors and i.sector != "common"] or \
            [i for i in cands if i.sector == "common"] or cands
        best = min(pool, key=lambda i: (not i.core, i.code))
    return f"；可参考指标库 {best.code}“{best.name}”（典型值 {best.typical_target}）"


@check
def check_groups(d: Decl) -> list[Issue]:
    present = {r["level1"] for r in d.applicable()}
    return [d.issue("PE600", group=lv, profile=d.profile.title) for lv in d.config.require_level1 if lv not in present]


@check
def check_output_kinds(d: Decl) -> list[Issue]:
    rows = d.applicable()
    out = []
    if not any(r["level2"] == "数量指标" for r in rows):
        out.append(d.issue("PE601"))
    if not any(r["level2"] in ("质量指标", "时效指标") for r in rows):
        out.append(d.issue("PE602"))
    if d.config.require_cost and not any(_is_cost(r) for r in rows):
        out.append(d.issue("PE603", profile=d.profile.title))
    return out


@check
def check_qualitative_share(d: Decl) -> list[Issue]:
    rows = d.applicable()
    n_qual = sum(r["op"] == QUAL for r in rows)
    if rows and n_qual / len(rows) > d.config.max_qualitative_share + 1e-9:
        return [d.issue("PE604", count=n_qual, total=len(rows), share=pct(n_qual / len(rows), 0),
                        limit=pct(d.config.max_qualitative_share, 0), profile=d.profile.title)]
    return []


@check
def check_targets(d: Decl) -> list[Issue]:
    out = []
    sectors = d.sectors
    for r in d.rows:
        target = r["target"] or ""
        if r["op"] == QUAL:
            word = vague_word(target)
            if word:
                out.append(d.issue("PE605", r, "l_target", target=target, word=word, suggest=suggestion(r, sectors)))
            elif restates_funds(target):
                out.append(d.issue("PE607", r, "l_target", target=target, suggest=suggestion(r, sectors)))
            elif not verifiable(target):
                out.append(d.issue("PE606", r, "l_target", target=target, suggest=suggestion(r, sectors)))
        elif r["op"] in NUMERIC_OPS and r["unit"] is None:
            v = fmt(r["a"], 2).rstrip("0").rstrip(".") if r["a"] is not None else ""
            out.append(d.issue("PE612", r, "l_target", target=target, value=v))
    return out


@check
def check_library(d: Decl) -> list[Issue]:
    out = []
    for r in d.rows:
        lib = _lib(r)
        if lib is None:
            continue
        if lib.unit and r["unit"] and r["op"] in NUMERIC_OPS and unit_factor(r["unit"], lib.unit) is None:
            out.append(d.issue("PE608", r, "l_target", ref=lib.code, unit=r["unit"], lib_unit=lib.unit,
                               example=lib.typical_target))
        same_cost = _is_cost(r) and lib.is_cost
        if not same_cost and (r["level1"], r["level2"]) != (lib.level1, lib.level2):
            out.append(d.issue("PE613", r, ref=lib.code, levels=f"{r['level1']}/{r['level2']}",
                               lib_levels=f"{lib.level1}/{lib.level2}"))
    return out


@check
def check_weights(d: Decl) -> list[Issue]:
    given = [r for r in d.rows if r["weight"] is not None]
    if not given:
        return []  # the engine fills every weight from the profile; nothing to add up
    out = []
    total = round(d.profile.exec_weight + sum(r["weight_eff"] or 0.0 for r in d.rows), 2)
    first = min(given, key=lambda r: r["line"] or 0)
    if abs(total - 100) > 0.005:
        out.append(d.issue("PE609", first, "l_weight", named=False, total=fmt(total), exec=fmt(d.profile.exec_weight)))
    present = {r["grp"] for r in d.applicable()}
    for g in d.profile.groups:
        rows = [r for r in d.rows if r["grp"] == g.name]
        if not any(r["weight"] is not None for r in rows):
            continue
        expected = g.weight + sum(
            next((x.weight for x in d.profile.groups if x.name == src), 0.0)
            for src, dst in d.profile.missing_group_to.items() if dst == g.name and src not in present
        )
        actual = round(sum(r["weight_eff"] or 0.0 for r in rows), 2)
        if abs(actual - expected) > 0.005:
            row = min((r for r in rows if r["weight"] is not None), key=lambda r: r["line"] or 0)
            out.append(d.issue("PE610", row, "l_weight", named=False, group=g.name, actual=fmt(actual), expected=fmt(expected),
                               profile=d.profile.title))
    return out


@check
def check_units(d: Decl) -> list[Issue]:
    """A unit the unit table does not know is accepted as numeric; lint says so (the clerk may have mistyped it)."""
    return [d.issue("PE614", r, "l_target", unit=r["unit"], value=fmt(r["a"], 2).rstrip("0").rstrip("."))
            for r in d.rows if r["op"] in NUMERIC_OPS and r["unit"] and not known_unit(r["unit"])]


PLACEHOLDER_TEXT = re.compile(r"^[（(]?\s*请填写")


@check
def check_template_fields(d: Decl) -> list[Issue]:
    """Fields ``perfeval init`` leaves for the clerk: placeholder names, an empty goal, the placeholder budget."""
    p = {"_lines": {}, **d.project}
    out = []
    for key, zh in (("name", "项目名称（project.name）"), ("department", "主管部门（project.department）")):
        v = p.get(key)
        if v is None or PLACEHOLDER_TEXT.match(str(v)):
            out.append(make_issue("PE615", file=d.file, line=p["_lines"].get(key) or p.get("line"), field=zh, value=v if v else "空"))
    if p.get("_goal_key") and not p.get("goal_target"):  # init writes ``goal: {target: null}`` for the clerk to fill
        out.append(make_issue("PE615", file=d.file, line=p["_lines"].get("goal_target") or p.get("line"), field="年度总体目标（goal.target）", value="空"))
    line = p.get("_placeholder_budget")
    if line:
        out.append(make_issue("PE617", file=d.file, line=line, budget=fmt(p.get("budget")).rstrip("0").rstrip(".")))
    return out


_RE_PLACEHOLDER_BUDGET = re.compile(r"^\s*(?:-\s*)?budget:\s*([0-9.]+)\s*#.*?" + PLACEHOLDER_MARK + r"\s*([0-9.]+)")


def placeholder_budget_line(path: str) -> int | None:
    """The line of a ``budget:`` that still holds ``perfeval init``'s placeholder (its comment names the value)."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if PLACEHOLDER_MARK not in text:
        return None
    for n, line in enumerate(text.splitlines(), 1):
        m = _RE_PLACEHOLDER_BUDGET.match(line)
        if m:
            try:
                if float(m[1]) == float(m[2]):
                    return n
            except ValueError:
                return None
    return None


@check
def check_cost_vs_budget(d: Decl) -> list[Issue]:
    """A total-cost target (money, ≤) above the project's whole budget is not a target anyone can mean."""
    p = d.project
    budget, unit = p.get("budget") or 0.0, p.get("money_unit") or "万元"
    if budget <= 0 or unit not in MONEY:
        return []
    out = []
    for r in d.rows:
        if _is_cost(r) and r["op"] in ("<=", "<", "=") and r["unit"] in MONEY and r["a"]:
            cost = r["a"] * MONEY[r["unit"]] / MONEY[unit]
            if cost > budget * 1.0 + 1e-9:
                out.append(d.issue("PE616", r, "l_target", target=r["target"], cost=f"{fmt(cost)}{unit}",
                                   budget=f"{fmt(budget)}{unit}", times=fmt(cost / budget, 1)))
    return out


def _name_key(name: str) -> str:
    return re.sub(r"[\s（）()“”\"'、，,。.:：]", "", _normalise(name or ""))


@check
def check_duplicates(d: Decl) -> list[Issue]:
    out = []
    seen_exact: set[tuple] = set()
    by_ref: dict[str, dict] = {}
    by_name: dict[str, dict] = {}
    for r in d.rows:
        exact = (r["level1"], r["level2"], r["name"])
        if exact in seen_exact:
            continue  # PE209 (validation) already reports an exact repeat
        seen_exact.add(exact)
        other, why = None, ""
        if r["ref"] and r["ref"] in by_ref:
            other, why = by_ref[r["ref"]], f"引用了同一个指标库编码 {r['ref']}"
        elif _name_key(r["name"]) in by_name:
            other, why = by_name[_name_key(r["name"])], "三级指标名称相同"
        if other is not None:
            out.append(d.issue("PE611", r, other_line=other["line"], other=other["name"], why=why))
            continue
        if r["ref"]:
            by_ref[r["ref"]] = r
        by_name.setdefault(_name_key(r["name"]), r)
    return out


# ---------------------------------------------------------------------------
# Running lint over files
# ---------------------------------------------------------------------------
@dataclass
class LintResult:
    files: list[str]
    status: list[str]  # "checked" | "rejected"
    issues: list[Issue]
    by_file: dict[str, list[Issue]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == ERROR for i in self.issues)

    def issues_of(self, file: str) -> list[Issue]:
        return self.by_file.get(file, [])


def strip_actuals(ld: Loaded) -> None:
    """Drop the year-end fields from a loaded submission (in place, so line numbers stay valid)."""
    data = ld.data
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        return
    for ind in data["indicators"]:
        if isinstance(ind, dict):
            for k in ACTUAL_KEYS:
                ind.pop(k, None)


def lint(paths: Iterable[str], profile: str | None = None, limits: Limits = DEFAULT_LIMITS) -> LintResult:
    """Lint declaration files; ``profile`` overrides the profile named in each file."""
    docs = documents(paths, limits)
    files = [d.key for d in docs]
    cols = Columns()
    status: list[str] = []
    issues: list[Issue] = []
    ind_line: dict[int, int | None] = {}
    goal_key: dict[int, bool] = {}
    budget_line: dict[int, int | None] = {}
    field_lines: dict[int, dict] = {}
    for sub, doc in enumerate(docs):
        ld = doc.loaded
        strip_actuals(ld)
        # a file that fails half-way (an unknown ref) must leave nothing behind, so build it apart
        one = Columns()
        ok = prepare_one(ld, sub, one, profile)
        if ok:
            cols.merge(one)
        status.append("checked" if ok else "rejected")
        issues.extend(doc.relocate(i) for i in ld.issues)
        issues.extend(doc.notes)
        if ok:
            ind_line[sub] = ld.line_of(("indicators",))
            goal_key[sub] = isinstance(ld.data, dict) and "goal" in ld.data
            field_lines[sub] = {k: ld.line_of(path) for k, path in (
                ("name", ("project", "name")), ("department", ("project", "department")), ("goal_target", ("goal", "target")))}
            budget_line[sub] = placeholder_budget_line(doc.file) if doc.file.endswith((".yaml", ".yml")) else None
    projects, funds, indicators = cols.frames()
    if projects.height:
        profiles = profiles_for(sorted(set(projects["profile"].to_list())))
        indicators = resolve_weights(prepare(indicators, profiles), profiles)
        from .validate import validate_frames  # pandera only when needed (``perfeval --help`` stays light)

        issues += [i for i in validate_frames(projects, funds, indicators, files) if i.code not in ACTUAL_CODES]
        rows_by_sub: dict[int, list[dict]] = {}
        for r in indicators.sort("sub", "pos").iter_rows(named=True):
            rows_by_sub.setdefault(r["sub"], []).append(r)
        for p in projects.iter_rows(named=True):
            sub = p["sub"]
            decl = Decl(files[sub], profiles[p["profile"]], lint_config(p["profile"]), rows_by_sub.get(sub, []), ind_line.get(sub), {**p, "_goal_key": goal_key.get(sub, False),
                                                                                                          "_placeholder_budget": budget_line.get(sub),
                                                                                                          "_lines": field_lines.get(sub, {})})
            for fn in CHECKS:
                issues += fn(decl)
    where = {d.key: d for d in docs}
    issues = sort_issues([where[i.file].relocate(i) if i.file in where else i for i in issues])
    by_file: dict[str, list[Issue]] = {}
    for i in issues:
        by_file.setdefault(i.file or "", []).append(i)
    return LintResult(files=files, status=status, issues=issues, by_file=by_file)
