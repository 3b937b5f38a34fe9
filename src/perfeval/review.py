"""Review (复核) findings: where the submission departs from the rules.

Each finding is one registered unit (:class:`Finding`): its code — whose
severity, Chinese title, message and how-to-fix are its entry in
:data:`perfeval.issues.CODES` (docs/errors.md) — and its check, one vectorised
filter over the scored frames, so a batch of a hundred thousand projects costs
one pass per finding.  Only the rows that fail become Python objects (issues).
Each finding has a case file ``tests/cases/review/<code>.yaml`` (submission in,
findings out), run by ``tests/test_review_cases.py``.

Add a finding: an entry in ``issues.CODES`` (in your code range), a function
here decorated with ``@finding("PE4xx")``, and the case file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import polars as pl

from . import methods
from .issues import CODES, Code, Issue, make_issue
from .notation import NUMERIC_OPS
from .numbers import fmt as _fmt
from .numbers import pct as _pct
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
        r = _Row(zip(keys, next(data), strict=True)) if i else _Row()
        r._cols, r._i = cols, i
        p = params(r)
        ind = p.pop("_indicator", r.get(indicator) if indicator else None)
        out.append(make_issue(code, file=files[r["sub"]], line=r.get(line) or r.get("line"), indicator=ind, **p))
        if i == 0:  # the columns this finding reads, prefetched for the other rows
            keys = list(r)
            data = zip(*(cols.values(k)[1:] for k in keys), strict=True) if keys else iter(lambda: (), None)
    return out


@dataclass
class Review:
    """What every check reads: the scored frames, the submission keys, the claim tolerance per profile."""

    s: Scored
    files: list[str]

    def __post_init__(self) -> None:
        self.P, self.I = self.s.projects, self.s.indicators
        tol = {name: p.tolerance for name, p in self.s.profiles.items()}
        expr = pl.lit(0.01)
        for name, t in tol.items():
            expr = pl.when(_col("profile") == name).then(t).otherwise(expr)
        self.tol = expr
        self._claimed: pl.DataFrame | None = None
        self._exec: pl.DataFrame | None = None

    def emit(self, frame: pl.DataFrame, cond: pl.Expr, code: str, params: Callable[[dict], dict], line: str = "line",
             indicator: str | None = "name") -> list[Issue]:
        return _emit(frame, cond, self.files, code, params, line, indicator)

    @property
    def claimed_rows(self) -> pl.DataFrame:
        """Indicators with a claimed score, and ``_d`` = claimed − computed (rounded to cents)."""
        if self._claimed is None:
            diff = (_col("claimed") - _col("score")).round(2)
            self._claimed = self.I.filter(_col("claimed").is_not_null()).with_columns(diff.alias("_d"))
        return self._claimed

    @property
    def exec_claims(self) -> pl.DataFrame:
        """Projects with a claimed execution score, and ``_d`` = claimed − computed."""
        if self._exec is None:
            self._exec = self.P.filter(_col("exec_claimed").is_not_null()).with_columns(
                (_col("exec_claimed") - _col("exec_score")).round(2).alias("_d"))
        return self._exec


@dataclass(frozen=True)
class Finding:
    """One review rule: its code (catalogue entry in ``issues.CODES``) and its check."""

    code: str
    check: Callable[[Review], list[Issue]]

    @property
    def spec(self) -> Code:
        return CODES[self.code]

    @property
    def severity(self) -> str:
        return self.spec.severity

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def hint(self) -> str:
        return self.spec.hint


FINDINGS: dict[str, Finding] = {}


def finding(code: str):
    """Register the decorated check as the finding ``code`` (which must be in ``issues.CODES``)."""

    def deco(fn: Callable[[Review], list[Issue]]) -> Callable[[Review], list[Issue]]:
        if code not in CODES:
            raise ValueError(f"finding {code}: no entry in issues.CODES")
        if code in FINDINGS:
            raise ValueError(f"finding {code} registered twice")
        FINDINGS[code] = Finding(code, fn)
        return fn

    return deco


def review(s: Scored, files: list[str], only: set[str] | None = None) -> list[Issue]:
    """All findings (or those in ``only``) for the scored submissions."""
    r = Review(s, files)
    out: list[Issue] = []
    for f in FINDINGS.values():
        if only is None or f.code in only:
            out += f.check(r)
    return out


# ---------------------------------------------------------------------------
# The findings
# ---------------------------------------------------------------------------
@finding("PE400")
def weights_add_up(r: Review) -> list[Issue]:
    """Weights as used (given, or filled in by the profile's defaults) must add up to 100."""
    s, P, I = r.s, r.P, r.I
    rescaling = [n for n, p in s.profiles.items() if p.not_applicable == "rescale"]
    P2 = P.with_columns((_col("exec_weight") + _col("ind_weight").fill_null(0)).round(2).alias("_wsum"))
    na_w = I.group_by("sub").agg(pl.when(~_col("applicable")).then(_col("weight")).otherwise(0.0).fill_null(0.0).sum().alias("_naw"))
    P2 = P2.join(na_w, on="sub", how="left").with_columns(
        pl.when(_col("profile").is_in(rescaling)).then(_col("_wsum") + _col("_naw")).otherwise(_col("_wsum")).round(2).alias("_wsum"))
    return r.emit(P2, (_col("_wsum") - 100).abs() > 0.005, "PE400", lambda x: {"total": fmt(x["_wsum"])}, indicator=None)


@finding("PE416")
def total_rescaled(r: Review) -> list[Issue]:
    """A total on another basis than 100, rescaled to 100 (折算) as the profile's ``weight_total: rescale`` says."""
    return r.emit(r.P, _col("rescaled"), "PE416",
                  lambda x: {"basis": fmt(x["weight_basis"]), "raw": fmt(x["raw_total"]), "total": fmt(x["total"])}, indicator=None)


@finding("PE417")
def grade_refused(r: Review) -> list[Issue]:
    """Weights not adding up to 100 under ``weight_total: refuse``: no total, no grade."""
    return r.emit(r.P, _col("grade_refused"), "PE417",
                  lambda x: {"basis": fmt(x["weight_basis"]), "profile": r.s.profiles[x["profile"]].title}, indicator=None)


@finding("PE401")
def group_weights(r: Review) -> list[Issue]:
    """一级 subtotals against the profile (warning; 10号 says "原则上")."""
    out: list[Issue] = []
    for pname, p in r.s.profiles.items():
        for g in p.groups:
            sub = (
                r.I.filter((_col("profile") == pname) & (_col("grp") == g.name))
                .group_by("sub").agg(_col("weight_eff").sum().round(2).alias("_w"), _col("weight_default").all().alias("_dflt"), _col("line").min())
            )
            out += r.emit(sub.with_columns(pl.lit(g.weight).alias("_exp")), ~_col("_dflt") & ((_col("_w") - g.weight).abs() > 0.005), "PE401",
                          lambda x, g=g, p=p: {"group": g.name, "actual": fmt(x["_w"]), "expected": fmt(g.weight), "profile": p.title}, indicator=None)
    return out


@finding("PE415")
def missing_group(r: Review) -> list[Issue]:
    """A 一级 group the profile weights is missing and its weight went to another group."""
    out: list[Issue] = []
    for pname, p in r.s.profiles.items():
        for src, dst in p.missing_group_to.items():
            has = r.I.filter(_col("profile") == pname).group_by("sub").agg(
                ((_col("grp") == src) & _col("applicable")).any().alias("_has"), _col("weight_default").any().alias("_dflt"), _col("line").min())
            src_w = next((x.weight for x in p.groups if x.name == src), 0.0)
            out += r.emit(has, ~_col("_has") & _col("_dflt"), "PE415",
                          lambda x, src=src, dst=dst, w=src_w: {"group": src, "weight": fmt(w), "target": dst}, indicator=None)
    return out


@finding("PE402")
def funds_total(r: Review) -> list[Issue]:
    """Funds: the printed total against the sum of the sources."""
    out: list[Issue] = []
    for field, zh in (("budget", "全年预算数"), ("executed", "全年执行数"), ("initial", "年初预算数")):
        out += r.emit(r.P, _col(f"total_{field}").is_not_null() & ((_col(f"total_{field}") - _col(field).fill_null(0)).abs() > 0.005),
                      "PE402", lambda x, f=field, zh=zh: {"field": zh, "printed": fmt(x[f"total_{f}"]), "computed": fmt(x[f])},
                      line="l_total", indicator=None)
    return out


@finding("PE403")
def execution_over_budget(r: Review) -> list[Issue]:
    return r.emit(r.P, _col("exec_rate") > 1 + 1e-9, "PE403",
                  lambda x: {"executed": fmt(x["executed"]), "budget": fmt(x["budget"]), "rate": pct(x["exec_rate"]), "_indicator": EXEC_NAME},
                  line="l_funds", indicator=None)


@finding("PE411")
def low_execution_unexplained(r: Review) -> list[Issue]:
    out: list[Issue] = []
    for pname, p in r.s.profiles.items():
        if p.exec_reason_below is not None:
            out += r.emit(r.P, (_col("profile") == pname) & (_col("exec_rate") < p.exec_reason_below - 1e-12) & _col("fund_note").is_null(),
                          "PE411", lambda x, p=p: {"rate": pct(x["exec_rate"]), "threshold": pct(p.exec_reason_below, 0), "_indicator": EXEC_NAME},
                          line="l_funds", indicator=None)
    return out


@finding("PE404")
def shortfall_unexplained(r: Review) -> list[Issue]:
    """Indicators: a shortfall without an explanation."""
    return r.emit(r.I, _col("scorable") & (_col("score") < _col("weight_eff") - 0.005) & _col("note").is_null(), "PE404",
                  lambda x: {"score": fmt(x["score"]), "weight": fmt(x["weight_eff"])})


@finding("PE405")
def over_achievement(r: Review) -> list[Issue]:
    """Over-achievement on the methods where more than 100% is possible (正向, ceiling-free '=')."""
    out: list[Issue] = []
    for pname, p in r.s.profiles.items():
        if p.over_achievement is None:
            continue
        cond = (_col("profile") == pname) & _col("op").is_in(methods.ops(over=True)) & (_col("a") > 0) & (_col("b") >= _col("a") * p.over_achievement - 1e-9)
        if p.equality_ceiling:
            cond = cond & ~((_col("op") == "=") & _col("a").is_in(list(p.equality_ceiling)) & (_col("unit") == "%"))
        out += r.emit(r.I, cond, "PE405",
                      lambda x, p=p: {"actual": x["actual"], "target": x["target"], "ratio": pct(x["b"] / x["a"], 0), "threshold": pct(p.over_achievement, 0)},
                      line="l_actual")
    return out


@finding("PE410")
def actual_copies_target(r: Review) -> list[Issue]:
    """An actual written in a target's notation ("≥266米" as the actual)."""
    return r.emit(r.I, _col("op").is_in(list(NUMERIC_OPS)) & _col("b_op").is_in(methods.ops(directional=True)), "PE410",
                  lambda x: {"actual": x["actual"]}, line="l_actual")


@finding("PE414")
def weight_on_not_applicable(r: Review) -> list[Issue]:
    return r.emit(r.I, ~_col("applicable") & _col("weight").is_not_null() & (_col("weight") > 0), "PE414",
                  lambda x: {"weight": fmt(x["weight"])})


@finding("PE413")
def claim_above_weight(r: Review) -> list[Issue]:
    return r.emit(r.claimed_rows, _col("claimed") > _col("weight_eff") + 0.005, "PE413",
                  lambda x: {"claimed": fmt(x["claimed"]), "weight": fmt(x["weight_eff"])}, line="l_claimed")


@finding("PE406")
def claim_inflated(r: Review) -> list[Issue]:
    out = r.emit(r.claimed_rows, _col("scorable") & (_col("_d") > r.tol), "PE406",
                 lambda x: {"claimed": fmt(x["claimed"]), "computed": fmt(x["score"]), "diff": fmt(x["_d"])}, line="l_claimed")
    out += r.emit(r.exec_claims, _col("_d") > r.tol, "PE406",
                  lambda x: {"claimed": fmt(x["exec_claimed"]), "computed": fmt(x["exec_score"]), "diff": fmt(x["_d"]), "_indicator": EXEC_NAME},
                  line="l_exec_claimed", indicator=None)
    return out


@finding("PE407")
def claim_understated(r: Review) -> list[Issue]:
    out = r.emit(r.claimed_rows, _col("scorable") & (_col("_d") < -r.tol), "PE407",
                 lambda x: {"claimed": fmt(x["claimed"]), "computed": fmt(x["score"]), "diff": fmt(-x["_d"])}, line="l_claimed")
    out += r.emit(r.exec_claims, _col("_d") < -r.tol, "PE407",
                  lambda x: {"claimed": fmt(x["exec_claimed"]), "computed": fmt(x["exec_score"]), "diff": fmt(-x["_d"]), "_indicator": EXEC_NAME},
                  line="l_exec_claimed", indicator=None)
    return out


@finding("PE408")
def claimed_total_not_sum(r: Review) -> list[Issue]:
    ct = r.P.filter(_col("claimed_total").is_not_null())
    claimed_sum = (_col("claimed_ind_sum").fill_null(0) + _col("exec_claimed").fill_null(0)).round(2)
    all_claimed = (_col("n_claimed") == _col("n_indicators")) & _col("exec_claimed").is_not_null()
    return r.emit(ct.with_columns(claimed_sum.alias("_s")), all_claimed & ((_col("claimed_total") - _col("_s")).abs() > 0.005), "PE408",
                  lambda x: {"claimed_total": fmt(x["claimed_total"]), "claimed_sum": fmt(x["_s"])}, line="l_claimed_total", indicator=None)


@finding("PE412")
def claimed_total_differs(r: Review) -> list[Issue]:
    ct = r.P.filter(_col("claimed_total").is_not_null())
    return r.emit(ct.with_columns((_col("claimed_total") - _col("total")).round(2).alias("_d")), _col("_d").abs() > r.tol, "PE412",
                  lambda x: {"claimed_total": fmt(x["claimed_total"]), "total": fmt(x["total"]), "diff": fmt(x["_d"])},
                  line="l_claimed_total", indicator=None)


@finding("PE409")
def claimed_grade_wrong(r: Review) -> list[Issue]:
    grade_rows = r.P.filter(_col("claimed_grade").is_not_null() & _col("claimed_total").is_not_null())
    if not grade_rows.height:
        return []
    expected = [r.s.profiles[p].grade(t) for p, t in zip(grade_rows["profile"], grade_rows["claimed_total"], strict=True)]
    grade_rows = grade_rows.with_columns(pl.Series("_exp", expected, dtype=pl.String))
    return r.emit(grade_rows, _col("claimed_grade") != _col("_exp"), "PE409",
                  lambda x: {"claimed_grade": x["claimed_grade"], "claimed_total": fmt(x["claimed_total"]), "expected": x["_exp"]},
                  line="l_claimed_grade", indicator=None)
