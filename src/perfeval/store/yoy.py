"""Year over year: last year's score, recurring findings, targets below last year's actual.

Plain polars on frames the store returns (:class:`.duck.Prior`); no SQL here.

A project is identified across years by its key (:func:`key_expr`):
``code:<项目编码>`` when it has a code — so a department renamed between years
keeps its history — and ``name:<主管部门>\\x1f<项目名称>`` when it has none.
"上年" is exactly the year before (year − 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

from ..issues import CODES, ERROR, WARNING, Issue, Where, make_issues
from ..scoring.engine import Scored
from .duck import Prior, Store

KEY_SEP = "\x1f"
OWN_CODES = ("PE711", "PE712", "PE713")  # the store's own notices never "recur"
EPS = 1e-9

Place = Callable[[int, "int | None"], Where]  # (submission, line) → (file, line, sheet, column) the user knows


def _by_files(files: list[str]) -> Place:
    return lambda sub, line: (files[sub], line, None, None)


def _clean(col: str) -> pl.Expr:
    c = pl.col(col).cast(pl.String).str.strip_chars()
    return pl.when(c == "").then(None).otherwise(c)


def key_expr(code: str = "code", department: str = "department", name: str = "name") -> pl.Expr:
    """The project key: by code, else by department and name, else null (the project cannot be stored)."""
    c, d, n = _clean(code), _clean(department), _clean(name)
    return (
        pl.when(c.is_not_null()).then(pl.lit("code:") + c)
        .when(d.is_not_null() & n.is_not_null()).then(pl.lit("name:") + d + pl.lit(KEY_SEP) + n)
        .otherwise(None)
        .alias("project_key")
    )


def year_expr(col: str = "year") -> pl.Expr:
    """A year as Int32 (text such as "2024" included); anything else is null."""
    y = pl.col(col).cast(pl.String).str.strip_chars().cast(pl.Int32, strict=False)
    return pl.when((y >= 1900) & (y <= 2999)).then(y).otherwise(None).alias("year")


def previous_columns(cur: pl.DataFrame, prior: Prior) -> pl.DataFrame:
    """``cur`` (sub, project_key, year, total) → sub, 上年总分, 上年等级, 变化 (null where there is no last year)."""
    prev = prior.projects.select(
        "project_key", (pl.col("year") + 1).cast(pl.Int32).alias("year"),
        pl.col("total").alias("上年总分"), pl.col("grade").alias("上年等级"),
    ).unique(subset=["project_key", "year"], keep="first")
    out = cur.select("sub", "project_key", pl.col("year").cast(pl.Int32), "total").join(
        prev, on=["project_key", "year"], how="left"
    )
    change = ((pl.col("total") - pl.col("上年总分")) * 100).round(0) / 100
    return out.select("sub", "上年总分", "上年等级", change.alias("变化"))


_UP = (">=", ">")
_DOWN = ("<=", "<")


def target_below_last_actual(cur: pl.DataFrame, prior: Prior, place: Place) -> list[tuple[int, Issue]]:
    """PE710 for each indicator whose target is below its own last year's actual (above it, for ≤ indicators).

    ``cur``: sub, project_key, year, level1, name, unit, op, a (target value), target (text), line.
    The indicator is matched within the project by 一级指标, 三级指标 name and unit.
    """
    if cur.height == 0 or prior.indicators.height == 0:
        return []
    prev = prior.indicators.select(
        "project_key", (pl.col("year") + 1).cast(pl.Int32).alias("year"), "level1", "name", "unit",
        pl.col("kind").alias("_pkind"), pl.col("actual_value").alias("_pb"), pl.col("actual").alias("_pactual"),
    ).unique(subset=["project_key", "year", "level1", "name", "unit"], keep="first", maintain_order=True)
    c = cur.filter(pl.col("op").is_in(_UP + _DOWN) & pl.col("a").is_not_null() & pl.col("project_key").is_not_null())
    j = c.join(prev, on=["project_key", "year", "level1", "name", "unit"], how="inner", nulls_equal=True)
    up = pl.col("op").is_in(_UP) & pl.col("_pkind").is_in(_UP) & (pl.col("a") < pl.col("_pb") - EPS)
    down = pl.col("op").is_in(_DOWN) & pl.col("_pkind").is_in(_DOWN) & (pl.col("a") > pl.col("_pb") + EPS)
    hits = j.filter(up | down).sort("sub", "line").select(
        "sub", "line", "name", pl.col("target").fill_null(""), (pl.col("year") - 1).alias("year"),
        pl.col("_pactual").fill_null("").alias("actual"),
        pl.when(pl.col("op").is_in(_UP)).then(pl.lit("低于")).otherwise(pl.lit("高于（反向指标）")).alias("relation"),
    ).to_dict(as_series=False)
    subs = hits["sub"]
    issues = make_issues("PE710", [place(s, ln) for s, ln in zip(subs, hits["line"], strict=True)], hits["name"],
                         target=hits["target"], year=hits["year"], actual=hits["actual"], relation=hits["relation"])
    return list(zip(subs, issues, strict=True))


def recurring(cur: pl.DataFrame, prior: Prior, place: Place) -> tuple[list[tuple[int, Issue]], pl.DataFrame]:
    """PE711 once per project and code found this year and last year.

    ``cur``: sub, project_key, year, code, severity, line — this run's findings.  Returns the new
    issues and the (project_key, year, code) triples that recur (to mark them in the store).
    """
    empty = pl.DataFrame(schema={"project_key": pl.String, "year": pl.Int32, "code": pl.String})
    if cur.height == 0 or prior.findings.height == 0:
        return [], empty
    prev = prior.findings.select("project_key", (pl.col("year") + 1).cast(pl.Int32).alias("year"), "code").unique()
    c = cur.filter(pl.col("severity").is_in([ERROR, WARNING]) & ~pl.col("code").is_in(list(OWN_CODES)))
    j = (
        c.join(prev, on=["project_key", "year", "code"], how="inner")
        .group_by("sub", "project_key", "year", "code")
        .agg(pl.col("line").min())
        .sort("sub", "code")
    )
    titles = {c: s.title for c, s in CODES.items()}
    cols = j.select("sub", "line", "code", (pl.col("year") - 1).alias("year")).to_dict(as_series=False)
    subs = cols["sub"]
    made = make_issues("PE711", [place(s, ln) for s, ln in zip(subs, cols["line"], strict=True)],
                       finding=cols["code"], title=[titles.get(c, "") for c in cols["code"]], year=cols["year"])
    return list(zip(subs, made, strict=True)), j.select("project_key", "year", "code")


@dataclass
class Comparison:
    prior: Prior
    issues: list[tuple[int, Issue]]  # PE710, PE711 (on the evaluation's own file names)
    recurring: pl.DataFrame  # project_key, year, code


def compare(store: Store, keyed: pl.DataFrame, scored: Scored | None, found: pl.DataFrame, files: list[str],
            place: Place | None = None) -> Comparison:
    """Last year for the projects in ``keyed`` (sub, project_key, year — identifiable ones only) and what follows from it.

    ``found``: this run's findings as sub, code, severity, line.  New issues are placed with ``place``
    (default: on ``files[sub]`` at the line).
    """
    place = place or _by_files(files)
    prior = store.prior(keyed.select("project_key", "year"))
    issues: list[tuple[int, Issue]] = []
    if scored is not None and scored.indicators.height and prior.indicators.height:
        cur = scored.indicators.select(
            pl.col("sub").cast(pl.Int32), "level1", "name", "unit", "op", "a", "target", pl.coalesce("l_target", "line").alias("line")
        ).join(keyed.select(pl.col("sub").cast(pl.Int32), "project_key", "year"), on="sub", how="inner")
        issues += target_below_last_actual(cur, prior, place)
    rec = pl.DataFrame(schema={"project_key": pl.String, "year": pl.Int32, "code": pl.String})
    if prior.findings.height and found.height:
        f = found.with_columns(pl.col("sub").cast(pl.Int32)).join(
            keyed.select(pl.col("sub").cast(pl.Int32), "project_key", "year"), on="sub", how="inner")
        more, rec = recurring(f, prior, place)
        issues += more
    return Comparison(prior, issues, rec)


def keyed_projects(scored: Scored | None) -> pl.DataFrame:
    """sub, project_key, year of the scored projects that can be identified across years."""
    if scored is None or scored.projects.height == 0:
        return pl.DataFrame(schema={"sub": pl.Int32, "project_key": pl.String, "year": pl.Int32})
    return (
        scored.projects.select(pl.col("sub").cast(pl.Int32), key_expr(), year_expr())
        .filter(pl.col("project_key").is_not_null() & pl.col("year").is_not_null())
    )


def issues_frame(pairs: list[tuple[int, Issue]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sub": pl.Series([s for s, _ in pairs], dtype=pl.Int32),
            "code": pl.Series([i.code for _, i in pairs], dtype=pl.String),
            "severity": pl.Series([i.severity for _, i in pairs], dtype=pl.String),
            "line": pl.Series([i.line for _, i in pairs], dtype=pl.Int32),
        }
    )


def previous_records(scored: Scored | None, keyed: pl.DataFrame, comp: Comparison) -> dict[int, dict]:
    """Per scored project with a last year in the store: {year, total, grade, change, recurring} (for score/render --db)."""
    if scored is None or not keyed.height or not comp.prior.projects.height:
        return {}
    cur = keyed.join(scored.projects.select(pl.col("sub").cast(pl.Int32), "total"), on="sub", how="left")
    prev = previous_columns(cur, comp.prior).filter(pl.col("上年总分").is_not_null() | pl.col("上年等级").is_not_null())
    codes: dict[tuple[str, int], list[str]] = {}
    for r in comp.recurring.iter_rows(named=True):
        codes.setdefault((r["project_key"], r["year"]), []).append(r["code"])
    years = dict(zip(keyed["sub"].to_list(), zip(keyed["project_key"].to_list(), keyed["year"].to_list(), strict=True), strict=True))
    out = {}
    for r in prev.iter_rows(named=True):
        key, year = years[r["sub"]]
        out[r["sub"]] = {"year": year - 1, "total": r["上年总分"], "grade": r["上年等级"], "change": r["变化"],
                         "recurring": sorted(set(codes.get((key, year), [])))}
    return out
