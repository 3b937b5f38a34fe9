"""Review (复核) findings: where the submission departs from the rules.

Each finding is one vectorised filter over the scored frames, so a batch of a
hundred thousand projects costs one pass per finding.  Only the rows that fail
become Python objects (issues).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import polars as pl

from .issues import Issue, make_issue
from . import methods
from .notation import NUMERIC_OPS
from .numbers import fmt as _fmt, pct as _pct
from .scoring.engine import Scored

_col = pl.col
EXEC_NAME = "预算执行率"


# A batch formats the same few hundred scores and weights hundreds of thousands of times; the
# exact Decimal formatting is kept, memoised per value (±0 and NaN bypass the cache: they compare
# equal to, or unequal to, values that format differently).  Issue #4.
@lru_cache(maxsize=1 << 16)
def _fmt_cached(x: float, decimals: int) -> str:
    return _fmt(x, decimals)


@lru_cache(maxsize=1 << 14)
def _pct_cached(x: float, decimals: int) -> str:
    return _pct(x, decimals)


def fmt(x: Any, decimals: int = 2) -> str:
    if not isinstance(x, (int, float)) or x != x or x == 0:
        return _fmt(x, decimals)
    return _fmt_cached(x, decimals)


def pct(x: Any, decimals: int = 2) -> str:
    if not isinstance(x, (int, float)) or x != x or x == 0:
        return _pct(x, decimals)
    return _pct_cached(x, decimals)


class _Columns:
    """The failing rows of one finding; a column becomes Python values only when a message reads it."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame
        self.names = set(frame.columns)
        self._cache: dict[str, list] = {}

    def values(self, key: str) -> list:
        v = self._cache.get(key)
        if v is None:
            v = self._cache[key] = self.frame[key].to_list()
        return v


class _Row(dict):
    """A row as a dict holding the columns read so far; any other column is fetched on first use."""

    __slots__ = ("_cols", "_i")

    def __missing__(self, key: str) -> Any:
        v = self._cols.values(key)[self._i]  # KeyError for an unknown column, as a plain row dict
        self[key] = v
        return v

    def get(self, key: str, default: Any = None) -> Any:
        if key in self or key in self._cols.names:
            return self[key]
        return default


def _emit(frame: pl.DataFrame, cond: pl.Expr, files: list[str], code: str, params: Callable[[dict], dict], line: str = "line", indicator: str | None = "name") -> list[Issue]:
    rows = frame.filter(cond)
    cols = _Columns(rows)
    out = []
    keys: list[str] = []
    data: Any = ()
    for i in range(rows.height):
        r = _Row(zip(keys, next(data))) if i else _Row()
        r._cols, r._i = cols, i
        p = params(r)
        ind = p.pop("_indicator", r.get(indicator) if indicator else None)
        out.append(make_issue(code, file=files[r["sub"]], line=r.get(line) or r.get("line"), indicator=ind, **p))
        if i == 0:  # the columns this finding reads, prefetched for the other rows
            keys = list(r)
            data = zip(*(cols.values(k)[1:] for k in keys)) if keys else iter(lambda: (), None)
    return out


def review(s: Scored, files: list[str]) -> list[Issue]:
    P, I = s.projects, s.indicators
    tol = {name: p.tolerance for name, p in s.profiles.items()}
    tol_expr = pl.lit(0.01)
    for name, t in tol.items():
        tol_expr = pl.when(_col("profile") == name).then(t).otherwise(tol_expr)
    out: list[Issue] = []

    # weights as used (given, or filled in by the profile's defaults) must add up to 100
    rescaling = [n for n, p in s.profiles.items() if p.not_applicable == "rescale"]
    P2 = P.with_columns((_col("exec_weight") + _col("ind_weight").fill_null(0)).round(2).alias("_wsum"))
    na_w = I.group_by("sub").agg(pl.when(~_col("applicable")).then(_col("weight")).otherwise(0.0).fill_null(0.0).sum().alias("_naw"))
    P2 = P2.join(na_w, on="sub", how="left").with_columns(
        pl.when(_col("profile").is_in(rescaling)).then(_col("_wsum") + _col("_naw")).otherwise(_col("_wsum")).round(2).alias("_wsum"))
    out += _emit(P2, (_col("_wsum") - 100).abs() > 0.005, files, "PE400",
                 lambda r: {"total": fmt(r["_wsum"])}, indicator=None)

    # 一级 subtotals against the profile (warning; 10号 says "原则上")
    for pname, p in s.profiles.items():
        for g in p.groups:
            sub = (
                I.filter((_col("profile") == pname) & (_col("grp") == g.name))
                .group_by("sub").agg(_col("weight_eff").sum().round(2).alias("_w"), _col("weight_default").all().alias("_dflt"), _col("line").min())
            )
            out += _emit(sub.with_columns(pl.lit(g.weight).alias("_exp")), ~_col("_dflt") & ((_col("_w") - g.weight).abs() > 0.005), files, "PE401",
                         lambda r, g=g, p=p: {"group": g.name, "actual": fmt(r["_w"]), "expected": fmt(g.weight), "profile": p.name}, indicator=None)
        for src, dst in p.missing_group_to.items():
            has = I.filter(_col("profile") == pname).group_by("sub").agg(
                ((_col("grp") == src) & _col("applicable")).any().alias("_has"), _col("weight_default").any().alias("_dflt"), _col("line").min())
            src_w = next((x.weight for x in p.groups if x.name == src), 0.0)
            out += _emit(has, ~_col("_has") & _col("_dflt"), files, "PE415",
                         lambda r, src=src, dst=dst, w=src_w: {"group": src, "weight": fmt(w), "target": dst}, indicator=None)

    # funds: printed total against the sum of the sources
    for field, zh in (("budget", "全年预算数"), ("executed", "全年执行数"), ("initial", "年初预算数")):
        out += _emit(P, _col(f"total_{field}").is_not_null() & ((_col(f"total_{field}") - _col(field).fill_null(0)).abs() > 0.005),
                     files, "PE402", lambda r, f=field, zh=zh: {"field": zh, "printed": fmt(r[f"total_{f}"]), "computed": fmt(r[f])},
                     line="l_total", indicator=None)
    out += _emit(P, _col("exec_rate") > 1 + 1e-9, files, "PE403",
                 lambda r: {"executed": fmt(r["executed"]), "budget": fmt(r["budget"]), "rate": pct(r["exec_rate"]), "_indicator": EXEC_NAME},
                 line="l_funds", indicator=None)
    for pname, p in s.profiles.items():
        if p.exec_reason_below is not None:
            out += _emit(P, (_col("profile") == pname) & (_col("exec_rate") < p.exec_reason_below - 1e-12) & _col("fund_note").is_null(),
                         files, "PE411", lambda r, p=p: {"rate": pct(r["exec_rate"]), "threshold": pct(p.exec_reason_below, 0), "_indicator": EXEC_NAME},
                         line="l_funds", indicator=None)

    # indicators: shortfall without an explanation
    out += _emit(I, _col("scorable") & (_col("score") < _col("weight_eff") - 0.005) & _col("note").is_null(), files, "PE404",
                 lambda r: {"score": fmt(r["score"]), "weight": fmt(r["weight_eff"])})
    # over-achievement on 正向 (and ceiling-free '=') indicators
    for pname, p in s.profiles.items():
        if p.over_achievement is None:
            continue
        cond = (_col("profile") == pname) & _col("op").is_in(methods.ops(over=True)) & (_col("a") > 0) & (_col("b") >= _col("a") * p.over_achievement - 1e-9)
        if p.equality_ceiling:
            cond = cond & ~((_col("op") == "=") & _col("a").is_in(list(p.equality_ceiling)) & (_col("unit") == "%"))
        out += _emit(I, cond, files, "PE405",
                     lambda r, p=p: {"actual": r["actual"], "target": r["target"], "ratio": pct(r["b"] / r["a"], 0), "threshold": pct(p.over_achievement, 0)},
                     line="l_actual")
    # actual copied from the target's notation ("≥266米" as the actual)
    out += _emit(I, _col("op").is_in(list(NUMERIC_OPS)) & _col("b_op").is_in(methods.ops(directional=True)), files, "PE410",
                 lambda r: {"actual": r["actual"]}, line="l_actual")
    # N/A rows
    out += _emit(I, ~_col("applicable") & _col("weight").is_not_null() & (_col("weight") > 0), files, "PE414",
                 lambda r: {"weight": fmt(r["weight"])})

    # claims: per indicator, execution, total and grade
    diff = (_col("claimed") - _col("score")).round(2)
    claimed_rows = I.filter(_col("claimed").is_not_null()).with_columns(diff.alias("_d"))
    out += _emit(claimed_rows, _col("claimed") > _col("weight_eff") + 0.005, files, "PE413",
                 lambda r: {"claimed": fmt(r["claimed"]), "weight": fmt(r["weight_eff"])}, line="l_claimed")
    out += _emit(claimed_rows, _col("scorable") & (_col("_d") > tol_expr), files, "PE406",
                 lambda r: {"claimed": fmt(r["claimed"]), "computed": fmt(r["score"]), "diff": fmt(r["_d"])}, line="l_claimed")
    out += _emit(claimed_rows, _col("scorable") & (_col("_d") < -tol_expr), files, "PE407",
                 lambda r: {"claimed": fmt(r["claimed"]), "computed": fmt(r["score"]), "diff": fmt(-r["_d"])}, line="l_claimed")
    ex = P.filter(_col("exec_claimed").is_not_null()).with_columns((_col("exec_claimed") - _col("exec_score")).round(2).alias("_d"))
    out += _emit(ex, _col("_d") > tol_expr, files, "PE406",
                 lambda r: {"claimed": fmt(r["exec_claimed"]), "computed": fmt(r["exec_score"]), "diff": fmt(r["_d"]), "_indicator": EXEC_NAME},
                 line="l_exec_claimed", indicator=None)
    out += _emit(ex, _col("_d") < -tol_expr, files, "PE407",
                 lambda r: {"claimed": fmt(r["exec_claimed"]), "computed": fmt(r["exec_score"]), "diff": fmt(-r["_d"]), "_indicator": EXEC_NAME},
                 line="l_exec_claimed", indicator=None)
    ct = P.filter(_col("claimed_total").is_not_null())
    claimed_sum = (_col("claimed_ind_sum").fill_null(0) + _col("exec_claimed").fill_null(0)).round(2)
    all_claimed = (_col("n_claimed") == _col("n_indicators")) & _col("exec_claimed").is_not_null()
    out += _emit(ct.with_columns(claimed_sum.alias("_s")), all_claimed & ((_col("claimed_total") - _col("_s")).abs() > 0.005), files, "PE408",
                 lambda r: {"claimed_total": fmt(r["claimed_total"]), "claimed_sum": fmt(r["_s"])}, line="l_claimed_total", indicator=None)
    out += _emit(ct.with_columns((_col("claimed_total") - _col("total")).round(2).alias("_d")), _col("_d").abs() > tol_expr, files, "PE412",
                 lambda r: {"claimed_total": fmt(r["claimed_total"]), "total": fmt(r["total"]), "diff": fmt(r["_d"])}, line="l_claimed_total", indicator=None)
    grade_rows = P.filter(_col("claimed_grade").is_not_null() & _col("claimed_total").is_not_null())
    if grade_rows.height:
        expected = [s.profiles[p].grade(t) for p, t in zip(grade_rows["profile"], grade_rows["claimed_total"])]
        grade_rows = grade_rows.with_columns(pl.Series("_exp", expected, dtype=pl.String))
        out += _emit(grade_rows, _col("claimed_grade") != _col("_exp"), files, "PE409",
                     lambda r: {"claimed_grade": r["claimed_grade"], "claimed_total": fmt(r["claimed_total"]), "expected": r["_exp"]},
                     line="l_claimed_grade", indicator=None)
    return out
