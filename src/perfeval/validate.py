"""Validate the long tables with pandera (polars backend), all problems at once.

Each rule is one named pandera check over the whole batch — types come from
the column dtypes, and every value rule is a polars expression that is true for
a good row.  ``lazy=True`` collects every failing row of every check in one
call; each failure becomes an :class:`~perfeval.issues.Issue` with the file,
the line of the offending field and a Chinese message.

Adding a rule is adding one :class:`Rule` to ``INDICATOR_RULES`` (or
``FUND_RULES``/``PROJECT_RULES``) and its code to ``issues.CODES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from . import methods
from .issues import Issue, make_issue
from .notation import EMPTY, NA, NUMERIC_OPS, QUAL
from .numbers import plain
from .profile import LEVEL1_NAMES

_col = pl.col
_NUMERIC = list(NUMERIC_OPS)
_POINT = methods.ops(point=True)
_SIGNED = methods.ops(signed=True)


@dataclass(frozen=True)
class Rule:
    """One validation rule: ``ok`` is a polars expression, true for a good row."""

    code: str
    ok: pl.Expr
    line: str  # column holding the line of the offending field
    params: Callable[[dict], dict]  # row -> message parameters


_fmt = plain  # a value as the user wrote it (numbers.plain: the one formatter for echoed values)


def _fraction_params(r: dict) -> dict:
    v = r["actual"]
    try:
        pct_text = _fmt(float(v) * 100) + "%"
    except (TypeError, ValueError):
        pct_text = f"{v}×100%"
    as_fraction, as_percent = f"比例 {v} = {pct_text}", f"百分数 {v}%"
    chosen, other = (as_fraction, as_percent) if r["b_read"] == "fraction" else (as_percent, as_fraction)
    return {"actual": v, "target": r["target"], "chosen": chosen, "other": other}


INDICATOR_RULES: list[Rule] = [
    Rule("PE300", _col("op") != EMPTY, "line", lambda r: {}),
    Rule(
        "PE304",
        ~(_col("op").is_in(_NUMERIC + [QUAL]) & (_col("b_op") == EMPTY)),
        "line",
        lambda r: {},
    ),
    Rule(
        "PE301",
        ~(_col("op").is_in(_NUMERIC) & (_col("b_op") == QUAL)),
        "l_actual",
        lambda r: {"actual": r["actual"], "target": r["target"]},
    ),
    Rule("PE302", _col("unit_ok"), "l_actual", lambda r: {"actual_unit": r["b_unit"], "unit": r["unit"] or "（无）"}),
    Rule(
        "PE303",
        ~((_col("op") == QUAL) & ~_col("b_op").is_in([EMPTY, NA]) & _col("tier").is_null()),
        "l_actual",
        lambda r: {"actual": r["actual"]},
    ),
    Rule(
        "PE306",
        ~((_col("unit") == "%") & (_col("a").fill_null(0).abs().clip(0) > 100) & _col("op").is_in(_POINT)),
        "l_target",
        lambda r: {"field": "年度指标值", "value": _fmt(r["a"])},
    ),
    Rule(
        "PE306",
        ~((_col("unit") == "%") & (_col("b").fill_null(0) > 100)),
        "l_actual",
        lambda r: {"field": "实际完成值", "value": _fmt(r["b"])},
    ),
    Rule(
        "PE307",
        ~(_col("op").is_in(_POINT) & (_col("a") < 0)),
        "l_target",
        lambda r: {"field": f"指标“{r['name']}”的年度指标值", "value": _fmt(r["a"])},
    ),
    Rule(
        "PE307",
        ~(~_col("op").is_in(_SIGNED) & (_col("b") < 0)),
        "l_actual",
        lambda r: {"field": f"指标“{r['name']}”的实际完成值", "value": _fmt(r["b"])},
    ),
    Rule("PE307", ~(_col("weight") < 0), "l_weight", lambda r: {"field": f"指标“{r['name']}”的分值", "value": _fmt(r["weight"])}),
    Rule("PE307", ~(_col("claimed") < 0), "l_claimed", lambda r: {"field": f"指标“{r['name']}”的自评得分", "value": _fmt(r["claimed"])}),
    Rule("PE308", ~(_col("weight") > 100), "l_weight", lambda r: {"value": _fmt(r["weight"])}),
    Rule(
        "PE305",
        ~(
            (_col("op") == QUAL)
            & _col("ratio").is_not_null()
            & _col("tier").is_not_null()
            & ((_col("ratio") < _col("q_lo") - 1e-9) | (_col("ratio") > _col("q_hi") + 1e-9))
        ),
        "l_ratio",
        lambda r: {"ratio": _fmt(r["ratio"]), "tier": r["tier"], "band": f"[{_fmt(r['q_lo'])}, {_fmt(r['q_hi'])}]"},
    ),
    Rule("PE311", _col("b_read").is_null(), "l_actual", lambda r: _fraction_params(r)),
    Rule("PE312", ~_col("weight_squeezed").fill_null(False), "line", lambda r: {
        "group": r["grp"], "group_weight": _fmt(r["grp_points"]),
        "action": (f"已按规则在组内重新分配，本指标按 {_fmt(r['weight_eff'])} 分计，其余指标的分值按比例缩减"
                   if r["weight_rebalanced"] else "按规则（missing_weight: zero）本指标分值为 0，不得分"),
    }),
    Rule("PE208", _col("level1").is_in(list(LEVEL1_NAMES)), "line", lambda r: {"value": r["level1"]}),
    Rule(
        # a row is a duplicate unless it is the first of its (submission, 一级, 二级, 三级) group;
        # ``dup_of`` (engine.prepare) is that first row's pos + 1, so no second group-by here —
        # the struct/window form of this rule cost ~1 s per million rows (issue #4)
        "PE209",
        _col("dup_of") == _col("pos") + 1,
        "line",
        lambda r: {"name": r["name"], "other": r["dup_of"]},
    ),
]

FUND_RULES: list[Rule] = [
    Rule("PE307", ~(_col("budget") < 0), "line", lambda r: {"field": f"资金来源“{r['name']}”的全年预算数", "value": _fmt(r["budget"])}),
    Rule("PE307", ~(_col("executed") < 0), "line", lambda r: {"field": f"资金来源“{r['name']}”的全年执行数", "value": _fmt(r["executed"])}),
    Rule("PE307", ~(_col("initial") < 0), "line", lambda r: {"field": f"资金来源“{r['name']}”的年初预算数", "value": _fmt(r["initial"])}),
]

PROJECT_RULES: list[Rule] = [
    Rule("PE309", ~((_col("budget") <= 0) & (_col("executed") >= 0)), "l_funds", lambda r: {}),
]


def _schema(rules: list[Rule], columns: dict) -> pa.DataFrameSchema:
    checks = [
        pa.Check(lambda data, e=rule.ok: data.lazyframe.select(e.fill_null(True)), name=f"{i}:{rule.code}")
        for i, rule in enumerate(rules)
    ]
    return pa.DataFrameSchema(
        {name: pa.Column(dtype, nullable=True) for name, dtype in columns.items()},
        checks=checks,
        strict=False,
    )


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _run(table: str, frame: pl.DataFrame, rules: list[Rule], columns: dict, files: list[str], indicator_col: str | None) -> list[Issue]:
    if frame.height == 0:
        return []
    schema = _SCHEMAS.get(table)
    if schema is None:
        schema = _SCHEMAS[table] = _schema(rules, columns)
    try:
        schema.validate(frame, lazy=True)
        return []
    except SchemaErrors as err:
        fc = err.failure_cases
    issues: list[Issue] = []
    checks = fc.filter(pl.col("schema_context") == "DataFrameSchema").select("check", "index").unique(maintain_order=True)
    for check, index in checks.iter_rows():
        rule = rules[int(str(check).split(":", 1)[0])]
        row = frame.row(int(index), named=True)
        indicator = row.get(indicator_col) if indicator_col else None
        params = rule.params(row)
        line = row.get(rule.line) or row.get("line")
        issues.append(make_issue(rule.code, file=files[row["sub"]], line=line, indicator=indicator, **params))
    for column, check, case in fc.filter(pl.col("schema_context") != "DataFrameSchema").select("column", "check", "failure_case").unique(maintain_order=True).iter_rows():
        # dtype problems cannot happen for frames built by declare.rows; keep them visible all the same
        issues.append(make_issue("PE201", field=str(column), expected=str(check), actual=str(case)))
    return issues


def validate_frames(
    projects: pl.DataFrame,
    funds: pl.DataFrame,
    indicators: pl.DataFrame,
    files: list[str],
) -> list[Issue]:
    """Every validation issue of the batch (indicators need ``q_lo``/``q_hi`` from the engine's prepare step)."""
    from .declare.rows import FUND_SCHEMA, INDICATOR_SCHEMA, PROJECT_SCHEMA

    out = _run("indicators", indicators, INDICATOR_RULES, {**INDICATOR_SCHEMA, "q_lo": pl.Float64, "q_hi": pl.Float64}, files, "name")
    out += _run("funds", funds, FUND_RULES, FUND_SCHEMA, files, None)
    out += _run("projects", projects, PROJECT_RULES, PROJECT_SCHEMA, files, None)
    return out


def declaration_subs(indicators: pl.DataFrame) -> set[int]:
    """Submissions without a single actual value: declarations (绩效目标申报表), not year-end self-evaluations."""
    if indicators.height == 0:
        return set()
    filled = indicators.group_by("sub").agg((_col("b_op") != EMPTY).fill_null(False).any().alias("_f"))
    return set(filled.filter(~_col("_f"))["sub"].to_list())


def year_end_issues(projects: pl.DataFrame, indicators: pl.DataFrame, files: list[str], issues: list[Issue]) -> list[Issue]:
    """Year-end checks, which apply once any actual is filled (``validate``).

    A declaration (no actual at all) gets one PE314 instead of a PE304 per row; a year-end file whose
    funds still show ``executed: 0`` against a budget gets PE313.
    """
    decl = declaration_subs(indicators)
    by_file = {files[s] for s in decl}
    n_rows = dict(indicators.group_by("sub").len().iter_rows()) if decl else {}
    out = [i for i in issues if not (i.code == "PE304" and i.file in by_file)]
    for sub in sorted(decl):
        out.append(make_issue("PE314", file=files[sub], line=None, count=n_rows.get(sub, 0)))
    rows = projects.filter((_col("budget") > 0) & (_col("executed") == 0) & ~_col("sub").is_in(list(decl)))
    for r in rows.iter_rows(named=True):
        out.append(make_issue("PE313", file=files[r["sub"]], line=r["l_funds"], indicator="预算执行率", budget=_fmt(r["budget"])))
    return out
