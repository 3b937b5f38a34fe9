"""The tables a bulk run publishes, built column-wise from the scored frames.

Each table is a :class:`Table` — headers, a kind per column (text, int, money,
score, rate) and the column values — which the writers turn into CSV text
(numbers half-up to 2 decimals, rates as percentages) and into typed Excel
cells.  Every ordering is fixed (input order, or a sort with the input order
as the last key), so the same inputs always give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np
import polars as pl

from .. import methods
from ..issues import CODES, ERROR, SEVERITY_ZH, WARNING, Issue, issue_order
from ..lint import _name_key as name_key
from ..profile import LEVEL1_NAMES
from ..scoring.engine import Scored
from ..status import STATUS_REJECTED, STATUS_SCORED, STATUS_ZH
from .worker import Entry

TEXT, INT, MONEY, SCORE, RATE = "text", "int", "money", "score", "rate"
_OP_ZH = {op: methods.label(op) for op in methods.ops(numeric=True)}  # 比较方式 of the numeric methods


@dataclass
class Table:
    name: str  # sheet name
    headers: list[str]
    kinds: list[str]
    columns: list[list[Any]]
    widths: list[float] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def rows(self):
        return zip(*self.columns, strict=True)


@dataclass
class Batch:
    """Everything the writers need, in batch order (``sub`` = position in ``entries``)."""

    entries: list[Entry]
    scored: Scored | None
    issues: list[tuple[int, Issue]]  # sorted by (sub, line, severity, code, message)
    summary: pl.DataFrame  # one row per submission, typed
    grade_names: list[str]

    @property
    def n(self) -> int:
        return len(self.entries)


def sort_key(item: tuple[int, Issue]) -> tuple:
    sub, i = item
    return (sub, *issue_order(i), i.indicator or "")


def _reject_reason(issues: list[Issue]) -> str:
    errs = [i for i in issues if i.severity == ERROR]
    if not errs:
        return ""
    head = "；".join(f"{i.code} {i.message}" for i in errs[:3])
    return head + (f"（共 {len(errs)} 项错误）" if len(errs) > 3 else "")


def _folder(file: str) -> str | None:
    """The folder a file sits in: the department of a rejected file that could not be read (issue #10 §13)."""
    name = PurePath(file).parent.name
    return name or None


def rejected_by_reason(b: Batch, first: int = 3) -> list[tuple[str, str, int, list[str]]]:
    """Rejected submissions grouped by their first error: (code, title, count, first file names)."""
    firsts: dict[int, str] = {}
    rejected = {k for k, e in enumerate(b.entries) if e.status == STATUS_REJECTED}
    for s, i in b.issues:  # sorted by submission, line, severity
        if s in rejected and s not in firsts and i.severity == ERROR:
            firsts[s] = i.code
    groups: dict[str, list[int]] = {}
    for s in sorted(rejected):
        groups.setdefault(firsts.get(s, ""), []).append(s)
    out = []
    for code, subs in sorted(groups.items(), key=lambda x: (-len(x[1]), x[0])):
        title = CODES[code].title if code in CODES else "未能评分"
        out.append((code, title, len(subs), [b.entries[s].file for s in subs[:first]]))
    return out


def build(entries: list[Entry], scored: Scored | None, issues: list[tuple[int, Issue]]) -> Batch:
    """Join entries, scores and issue counts into the typed summary frame."""
    n = len(entries)
    subs = np.fromiter((s for s, _ in issues), dtype=np.int64, count=len(issues))
    sev = np.fromiter((0 if i.severity == ERROR else 1 if i.severity == WARNING else 2 for _, i in issues), dtype=np.int8, count=len(issues))
    n_err = np.bincount(subs[sev == 0], minlength=n) if n else np.zeros(0, dtype=np.int64)
    n_warn = np.bincount(subs[sev == 1], minlength=n) if n else np.zeros(0, dtype=np.int64)
    inflated = np.zeros(n, dtype=bool)
    reasons = [""] * n
    rejected = {k for k, e in enumerate(entries) if e.status == STATUS_REJECTED}
    by_sub: dict[int, list[Issue]] = {}
    for s, i in issues:
        if i.code == "PE406":
            inflated[s] = True
        if s in rejected:
            by_sub.setdefault(s, []).append(i)
    for s in rejected:
        reasons[s] = _reject_reason(by_sub.get(s, [])) or "未能评分"
    base = pl.DataFrame(
        {
            "sub": pl.Series(range(n), dtype=pl.Int32),
            "源文件": [e.file for e in entries],
            "_line": pl.Series([e.line for e in entries], dtype=pl.Int32),
            "状态": [e.status for e in entries],
            "_name0": [e.info.get("name") for e in entries],
            "_code0": [e.info.get("code") for e in entries],
            "_dept0": [e.info.get("department") or (_folder(e.file) if e.status == STATUS_REJECTED else None) for e in entries],
            "_impl0": [e.info.get("implementer") for e in entries],
            "_year0": [e.info.get("year") for e in entries],
            "错误数": pl.Series(n_err, dtype=pl.Int64),
            "警告数": pl.Series(n_warn, dtype=pl.Int64),
            "_inflated406": pl.Series(inflated, dtype=pl.Boolean),
            "拒绝原因": reasons,
        }
    )
    grade_names: list[str] = []
    if scored is not None and scored.projects.height:
        for p in sorted(scored.profiles.values(), key=lambda p: p.name):
            for g, _ in p.grades:
                if g not in grade_names:
                    grade_names.append(g)
        P = scored.projects
        to_wan = pl.when(pl.col("money_unit") == "元").then(1e-4).otherwise(1.0)
        sel = [
            pl.col("sub"), pl.col("name"), pl.col("code"), pl.col("department"), pl.col("implementer"),
            pl.col("year"), pl.col("profile"),
            (pl.col("budget") * to_wan).alias("全年预算数（万元）"),
            (pl.col("executed") * to_wan).alias("全年执行数（万元）"),
            pl.col("exec_rate").alias("执行率"), pl.col("exec_score").alias("执行率得分"),
            *[
                pl.when(pl.col(f"w_{l1}").fill_null(0) > 0).then(pl.col(f"sub_{l1}")).otherwise(None).alias(f"{l1}得分")
                for l1 in LEVEL1_NAMES
            ],
            pl.col("total").alias("总分"), pl.col("grade").alias("等级"), pl.col("claimed_total").alias("自评总分"),
        ]
        base = base.join(P.select(sel), on="sub", how="left")
    else:
        base = base.with_columns(
            pl.lit(None, pl.String).alias(c) for c in ("name", "code", "department", "implementer", "profile", "等级")
        ).with_columns(
            pl.lit(None, pl.Int32).alias("year"),
            *[pl.lit(None, pl.Float64).alias(c) for c in ("全年预算数（万元）", "全年执行数（万元）", "执行率", "执行率得分",
                                                         *[f"{l1}得分" for l1 in LEVEL1_NAMES], "总分", "自评总分")],
        )
    base = base.with_columns(
        pl.coalesce(pl.col("name"), pl.col("_name0")).alias("项目名称"),
        pl.coalesce(pl.col("code"), pl.col("_code0")).alias("项目编码"),
        pl.coalesce(pl.col("department"), pl.col("_dept0")).alias("主管部门"),
        pl.coalesce(pl.col("implementer"), pl.col("_impl0"), pl.col("_dept0")).alias("实施单位"),
        pl.coalesce(pl.col("year").cast(pl.String), pl.col("_year0")).alias("年度"),
        pl.col("profile").alias("评分规则"),
        (pl.col("自评总分") - pl.col("总分")).alias("自评−复核差"),
    ).with_columns(
        (pl.col("_inflated406") | (pl.col("自评−复核差").fill_null(0) > 0.005)).alias("_inflated"),
    ).sort("sub")
    return Batch(entries, scored, issues, base, grade_names)


SUMMARY_COLUMNS: list[tuple[str, str, float]] = [
    ("源文件", TEXT, 36), ("主管部门", TEXT, 22), ("实施单位", TEXT, 22), ("项目名称", TEXT, 30), ("项目编码", TEXT, 16),
    ("年度", TEXT, 7), ("评分规则", TEXT, 14), ("全年预算数（万元）", MONEY, 14), ("全年执行数（万元）", MONEY, 14),
    ("执行率", RATE, 10), ("执行率得分", SCORE, 10),
    *[(f"{l1}得分", SCORE, 12) for l1 in LEVEL1_NAMES],
    ("总分", SCORE, 9), ("等级", TEXT, 6), ("自评总分", SCORE, 10), ("自评−复核差", SCORE, 12),
    ("错误数", INT, 8), ("警告数", INT, 8), ("状态", TEXT, 9), ("拒绝原因", TEXT, 60),
]


def _table(name: str, frame: pl.DataFrame, spec: list[tuple[str, str, float]]) -> Table:
    return Table(name, [h for h, _, _ in spec], [k for _, k, _ in spec], [frame[h] for h, _, _ in spec], [w for _, _, w in spec])


# added after 等级 when the results store (``batch --db``) holds last year of any project of the run
PREVIOUS_COLUMNS: list[tuple[str, str, float]] = [("上年总分", SCORE, 9), ("上年等级", TEXT, 8), ("变化", SCORE, 8), ("上年也有的问题", TEXT, 18)]


def summary_spec(summary: pl.DataFrame) -> list[tuple[str, str, float]]:
    if "上年总分" not in summary.columns:
        return SUMMARY_COLUMNS
    at = [h for h, _, _ in SUMMARY_COLUMNS].index("等级") + 1
    return SUMMARY_COLUMNS[:at] + PREVIOUS_COLUMNS + SUMMARY_COLUMNS[at:]


def status_column(col: str = "状态") -> pl.Expr:
    """The 状态 column as people read it (已评分 / 已拒绝 / 重复提交); the frame keeps the codes for filtering."""
    return pl.col(col).cast(pl.String).replace(STATUS_ZH)


def summary_table(b: Batch) -> Table:
    return _table("汇总", b.summary.with_columns(status_column()), summary_spec(b.summary))


def department_table(b: Batch) -> Table:
    s = b.summary.with_columns(pl.col("主管部门").fill_null("（未填写）"))
    scored = pl.col("状态") == STATUS_SCORED
    w = pl.col("全年预算数（万元）").fill_null(0)
    aggs = [
        pl.len().alias("项目数"),
        scored.sum().alias("已评分"),
        (~scored).sum().alias("被拒绝"),
        pl.col("总分").filter(scored).mean().alias("平均分"),
        pl.when((w * scored).sum() > 0).then((pl.col("总分").fill_null(0) * w * scored).sum() / (w * scored).sum()).otherwise(None).alias("资金加权平均分"),
        pl.col("全年预算数（万元）").filter(scored).sum().alias("全年预算数（万元）"),
        *[(pl.col("等级") == g).sum().alias(g) for g in b.grade_names],
        (pl.col("_inflated") & scored).sum().alias("自评偏高项目数"),
        pl.col("错误数").sum().alias("错误数"),
        pl.col("警告数").sum().alias("警告数"),
    ]
    d = s.group_by("主管部门").agg(aggs).sort(["平均分", "主管部门"], descending=[True, False], nulls_last=True)
    d = d.with_columns(pl.int_range(1, d.height + 1).alias("排名"))
    spec = [("排名", INT, 6), ("主管部门", TEXT, 24), ("项目数", INT, 8), ("已评分", INT, 8), ("被拒绝", INT, 8),
            ("平均分", SCORE, 9), ("资金加权平均分", SCORE, 14), ("全年预算数（万元）", MONEY, 16),
            *[(g, INT, 6) for g in b.grade_names], ("自评偏高项目数", INT, 14), ("错误数", INT, 8), ("警告数", INT, 8)]
    return _table("按部门", d, spec)


def ranking_table(b: Batch) -> Table:
    from ..numbers import round_half_up

    s = b.summary.filter(pl.col("状态") == STATUS_SCORED)
    s = s.with_columns(pl.Series("_t", round_half_up(s["总分"].fill_null(0).to_numpy(), 2)))
    s = s.sort(["_t", "sub"], descending=[True, False]).with_columns(
        pl.col("_t").rank("min", descending=True).cast(pl.Int64).alias("排名")
    )
    spec = [("排名", INT, 6), ("项目名称", TEXT, 30), ("项目编码", TEXT, 16), ("主管部门", TEXT, 22), ("实施单位", TEXT, 22),
            ("总分", SCORE, 9), ("等级", TEXT, 6), ("自评总分", SCORE, 10), ("自评−复核差", SCORE, 12), ("源文件", TEXT, 36)]
    return _table("排名", s, spec)


def grade_table(b: Batch) -> Table:
    counts = Counter(g for g in b.summary.filter(pl.col("状态") == STATUS_SCORED)["等级"].to_list() if g)
    names = b.grade_names or sorted(counts)
    return Table("等级分布", ["等级", "项目数"], [TEXT, INT], [list(names), [counts.get(g, 0) for g in names]], [10, 10])


ISSUE_COLUMNS = [("文件", TEXT, 36), ("行号", INT, 7), ("项目", TEXT, 30), ("指标", TEXT, 24), ("级别", TEXT, 6),
                 ("代码", TEXT, 8), ("说明", TEXT, 70), ("如何修改", TEXT, 50)]


def issues_table(b: Batch) -> Table:
    names = b.summary["项目名称"].to_list()
    codes = b.summary["项目编码"].to_list()
    cols: list[list[Any]] = [[] for _ in ISSUE_COLUMNS]
    for sub, i in b.issues:
        cols[0].append(f"{i.file}:{i.sheet}!{i.column or ''}{i.line or ''}" if i.sheet else i.file)  # office forms: the cell
        cols[1].append(i.line)
        cols[2].append(names[sub] or codes[sub])
        cols[3].append(i.indicator)
        cols[4].append(SEVERITY_ZH.get(i.severity, i.severity))
        cols[5].append(i.code)
        cols[6].append(i.message)
        cols[7].append(i.hint)
    return Table("问题清单", [h for h, _, _ in ISSUE_COLUMNS], [k for _, k, _ in ISSUE_COLUMNS], cols, [w for _, _, w in ISSUE_COLUMNS])


INDICATOR_SPEC = [
    ("指标库编码", TEXT, 16), ("三级指标", TEXT, 26), ("计量单位", TEXT, 8), ("比较方式", TEXT, 8), ("项目数", INT, 7),
    ("目标值个数", INT, 9), ("目标值最小", SCORE, 10), ("目标值中位数", SCORE, 12), ("目标值最大", SCORE, 10),
    ("完成率个数", INT, 9), ("完成率最小", RATE, 10), ("完成率中位数", RATE, 12), ("完成率最大", RATE, 10),
    ("目标偏松项目数", INT, 14), ("目标偏松项目", TEXT, 60),
]
LAX_BELOW, LAX_ABOVE = 0.5, 2.0  # a target under half the median (over twice, for ≤ targets) is far below peers


def indicators_table(b: Batch) -> Table:
    """Indicators used by ≥2 projects: spread of targets and completions (issue #5 §5).

    Rows are grouped by their library code (``ref``) when they have one, otherwise by the
    indicator's name normalised (full-width forms, spaces and punctuation ignored), and by
    unit and comparator in both cases.
    """
    empty = Table("指标对比", [h for h, _, _ in INDICATOR_SPEC], [k for _, k, _ in INDICATOR_SPEC], [[] for _ in INDICATOR_SPEC],
                  [w for _, _, w in INDICATOR_SPEC])
    if b.scored is None or b.scored.indicators.height == 0:
        return empty
    names = b.summary.select("sub", pl.col("项目名称").alias("_pname"), pl.col("源文件").alias("_file"))
    I = b.scored.indicators
    ref = pl.col("ref") if "ref" in I.columns else pl.lit(None, pl.String)
    I = I.filter(pl.col("op").is_in(list(_OP_ZH))).select("sub", "pos", ref.alias("ref"), "name", "unit", "op", "a", "target", "completion")
    if I.height == 0:
        return empty
    distinct = [n for n in I["name"].unique().to_list() if n is not None]
    I = I.with_columns(
        pl.coalesce(pl.col("ref"), pl.lit("\x00") + pl.col("name").replace_strict(distinct, [name_key(n) for n in distinct], default=None))
        .alias("_key")
    ).filter(pl.col("_key").is_not_null()).join(names, on="sub", how="left")
    keys = ["_key", "unit", "op"]
    med = pl.col("a").median().over(keys)
    lax = pl.when(pl.col("op").is_in(["<=", "<"])).then(pl.col("a") > med * LAX_ABOVE).otherwise(pl.col("a") < med * LAX_BELOW)
    I = I.with_columns(lax.fill_null(False).alias("_lax")).sort("sub", "pos")
    g = (
        I.group_by(keys)
        .agg(
            pl.col("ref").first().alias("指标库编码"),
            pl.col("name").mode().sort().first().alias("三级指标"),
            pl.col("sub").n_unique().alias("项目数"),
            pl.col("a").count().alias("目标值个数"), pl.col("a").min().alias("目标值最小"),
            pl.col("a").median().alias("目标值中位数"), pl.col("a").max().alias("目标值最大"),
            pl.col("completion").count().alias("完成率个数"), pl.col("completion").min().alias("完成率最小"),
            pl.col("completion").median().alias("完成率中位数"), pl.col("completion").max().alias("完成率最大"),
            pl.col("_lax").sum().alias("目标偏松项目数"),
            pl.format("{}（{}，目标 {}）", pl.col("_pname").fill_null(""), pl.col("_file"), pl.col("target").fill_null(""))
            .filter(pl.col("_lax")).head(3).alias("_ex"),
        )
        .filter(pl.col("项目数") >= 2)
        .with_columns(
            pl.col("_ex").list.join("；").alias("目标偏松项目"),
            pl.col("unit").fill_null("").alias("计量单位"),
            pl.col("op").replace_strict(_OP_ZH, default=pl.col("op")).alias("比较方式"),
        )
        .sort(["指标库编码", "_key", "计量单位", "比较方式"], nulls_last=True)
    )
    return _table("指标对比", g, INDICATOR_SPEC)


DETAIL_SPEC = [
    ("源文件", TEXT, 36), ("主管部门", TEXT, 22), ("项目名称", TEXT, 30), ("项目编码", TEXT, 16), ("一级指标", TEXT, 12),
    ("二级指标", TEXT, 16), ("三级指标", TEXT, 26), ("指标库编码", TEXT, 16), ("目标值", TEXT, 20), ("实际完成值", TEXT, 20),
    ("完成率", RATE, 10), ("分值", SCORE, 8), ("得分", SCORE, 8), ("自评得分", SCORE, 10), ("问题代码", TEXT, 24),
]


def detail_table(b: Batch) -> Table:
    """指标明细: one row per indicator of every scored project, with the codes of its findings."""
    empty = Table("指标明细", [h for h, _, _ in DETAIL_SPEC], [k for _, k, _ in DETAIL_SPEC], [[] for _ in DETAIL_SPEC],
                  [w for _, _, w in DETAIL_SPEC])
    if b.scored is None or b.scored.indicators.height == 0:
        return empty
    I = b.scored.indicators
    ref = pl.col("ref") if "ref" in I.columns else pl.lit(None, pl.String)
    I = I.select(
        "sub", "pos", pl.col("level1").alias("一级指标"), pl.col("level2").alias("二级指标"), pl.col("name").alias("三级指标"),
        ref.alias("指标库编码"), pl.col("target").alias("目标值"), pl.col("actual").alias("实际完成值"),
        pl.col("completion").alias("完成率"), pl.col("weight_eff").alias("分值"), pl.col("score").alias("得分"),
        pl.col("claimed").alias("自评得分"),
    )
    found = [(s, i.indicator, i.code) for s, i in b.issues if i.indicator]
    if found:
        subs, inds, codes = zip(*found, strict=True)
        F = (
            pl.DataFrame({"sub": pl.Series(subs, dtype=I["sub"].dtype), "三级指标": list(inds), "code": list(codes)})
            .group_by("sub", "三级指标").agg(pl.col("code").unique().sort().str.join("、").alias("问题代码"))
        )
        I = I.join(F, on=["sub", "三级指标"], how="left")
    else:
        I = I.with_columns(pl.lit(None, pl.String).alias("问题代码"))
    who = b.summary.select(pl.col("sub").cast(I["sub"].dtype), "源文件", "主管部门", "项目名称", "项目编码")
    I = I.join(who, on="sub", how="left").sort("sub", "pos")
    return _table("指标明细", I, DETAIL_SPEC)


def top_codes(b: Batch, limit: int = 8) -> list[tuple[str, str, int, int]]:
    """(code, title, findings, projects) for the most frequent codes."""
    n: Counter = Counter()
    subs: dict[str, set[int]] = {}
    for s, i in b.issues:
        n[i.code] += 1
        subs.setdefault(i.code, set()).add(s)
    return [(c, CODES[c].title if c in CODES else "", k, len(subs[c])) for c, k in sorted(n.items(), key=lambda x: (-x[1], x[0]))[:limit]]
