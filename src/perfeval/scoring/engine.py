"""The vectorised scoring engine: one pass over the whole batch.

Input: the three long frames from ``declare.rows`` (any number of projects).
Output: the same frames with weights resolved, completion and score per
indicator, execution rate and score, 一级 subtotals, total and grade per project.
The code path is the same for one project and for a hundred thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..notation import NA, TIERS
from ..numbers import round_half_up
from ..profile import LEVEL1_NAMES, Profile, ProfileError, get_profile
from .methods import EXECUTION_CURVES, METHODS, Ctx

_col = pl.col


@dataclass
class Scored:
    projects: pl.DataFrame
    funds: pl.DataFrame
    indicators: pl.DataFrame
    profiles: dict[str, Profile]


def profiles_for(names: list[str], override: str | None = None) -> dict[str, Profile]:
    """Profiles by name; raises ProfileError for an unknown one (the caller reports it)."""
    out = {}
    for n in names:
        out[n] = get_profile(override or n)
        if out[n].exec_curve not in EXECUTION_CURVES:
            raise ProfileError(f"执行率曲线“{out[n].exec_curve}”未注册；可用：{', '.join(EXECUTION_CURVES)}")
    return out


def prepare(indicators: pl.DataFrame, profiles: dict[str, Profile]) -> pl.DataFrame:
    """Add per-row profile facts: weight group, qualitative band, duplicate marker."""
    grp = pl.lit(None, dtype=pl.String)
    q_lo = pl.lit(None, dtype=pl.Float64)
    q_hi = pl.lit(None, dtype=pl.Float64)
    for name, p in profiles.items():
        is_p = _col("profile") == name
        for g in p.groups:
            grp = pl.when(is_p & _col("level1").is_in(list(g.levels))).then(pl.lit(g.name)).otherwise(grp)
        for t in TIERS:
            lo, hi = p.qual_bands[t]
            q_lo = pl.when(is_p & (_col("tier") == t)).then(lo).otherwise(q_lo)
            q_hi = pl.when(is_p & (_col("tier") == t)).then(hi).otherwise(q_hi)
    return indicators.with_columns(
        grp.alias("grp"),
        q_lo.alias("q_lo"),
        q_hi.alias("q_hi"),
        (_col("pos").first().over("sub", "level1", "level2", "name") + 1).alias("dup_of"),
    )


def _group_targets(ind: pl.DataFrame, profiles: dict[str, Profile]) -> pl.Expr:
    """Weight each row's group should carry, after moving an absent group's points."""
    target = pl.lit(0.0)
    for name, p in profiles.items():
        is_p = _col("profile") == name
        for g in p.groups:
            w = pl.lit(g.weight)
            for src, dst in p.missing_group_to.items():
                src_w = next((x.weight for x in p.groups if x.name == src), 0.0)
                if dst == g.name:
                    has_src = ((_col("grp") == src) & _col("applicable")).any().over("sub")
                    w = w + pl.when(has_src).then(0.0).otherwise(src_w)
            target = pl.when(is_p & (_col("grp") == g.name)).then(w).otherwise(target)
    return target


def resolve_weights(ind: pl.DataFrame, profiles: dict[str, Profile]) -> pl.DataFrame:
    """Fill missing weights (equal split, exact to the cent) and redistribute N/A rows' weights."""
    ind = ind.with_columns((_col("op") != NA).alias("applicable"))
    ind = ind.with_columns(
        (_col("applicable") & _col("weight").is_null()).alias("_miss"),
        _group_targets(ind, profiles).alias("_target"),
    )
    keys = ["sub", "grp"]
    ind = ind.with_columns(
        pl.when(_col("applicable")).then(_col("weight")).otherwise(0.0).fill_null(0.0).sum().over(keys).alias("_given"),
        _col("_miss").sum().over(keys).alias("_nmiss"),
        pl.when(~_col("applicable")).then(_col("weight")).otherwise(0.0).fill_null(0.0).sum().over(keys).alias("_naw"),
        (_col("_miss").cast(pl.Int32).cum_sum().over(keys) - 1).alias("_rank"),
    )
    cents = ((_col("_target") - _col("_given")) * 100).round(0).clip(0).cast(pl.Int64)
    nmiss = _col("_nmiss").cast(pl.Int64).clip(1)
    split = ((cents // nmiss) + (_col("_rank") < (cents % nmiss)).cast(pl.Int64)) / 100.0
    scale = (_col("_given") + _col("_naw")) / _col("_given")
    redistributing = [n for n, p in profiles.items() if p.not_applicable == "redistribute"]
    redistribute = (_col("_nmiss") == 0) & (_col("_naw") > 0) & (_col("_given") > 0) & _col("profile").is_in(redistributing)
    ind = ind.with_columns(
        pl.when(~_col("applicable")).then(0.0)
        .when(_col("_miss") & _col("grp").is_not_null()).then(split)
        .when(_col("_miss")).then(0.0)
        .when(redistribute).then((_col("weight") * scale).round(2))
        .otherwise(_col("weight"))
        .alias("weight_eff"),
        (_col("_miss") & _col("grp").is_not_null()).alias("weight_default"),
    )
    # exact cents after proportional redistribution: the residual goes to the largest row
    residual = (_col("_given") + _col("_naw") - _col("weight_eff").sum().over(keys)).round(2)
    first_big = _col("weight_eff").rank("ordinal", descending=True).over(keys) == 1
    ind = ind.with_columns(
        pl.when(redistribute & _col("applicable") & first_big).then((_col("weight_eff") + residual).round(2))
        .otherwise(_col("weight_eff")).alias("weight_eff")
    )
    return ind.drop("_miss", "_target", "_given", "_nmiss", "_naw", "_rank")


def score_indicators(ind: pl.DataFrame, profiles: dict[str, Profile]) -> pl.DataFrame:
    n = ind.height
    completion = np.full(n, np.nan)
    frac = np.zeros(n)
    op = ind["op"].to_numpy()
    prof = ind["profile"].to_numpy()
    a = ind["a"].to_numpy().astype(float)
    hi = ind["a_hi"].to_numpy().astype(float)
    b = ind["b"].to_numpy().astype(float)
    unit = ind["unit"].to_numpy()
    tier = ind["tier"].to_numpy()
    ratio = ind["ratio"].to_numpy().astype(float)
    # a row is scorable when its actual could be compared with its target
    usable = np.where(op == "qualitative", tier != None, ~np.isnan(b) & ~np.isnan(a))  # noqa: E711
    for pname, p in profiles.items():
        in_p = prof == pname
        for mop, fn in METHODS.items():
            m = in_p & (op == mop) & usable
            if not m.any():
                continue
            c, f = fn(Ctx(a[m], hi[m], b[m], unit[m], tier[m], ratio[m], p))
            completion[m] = c
            frac[m] = f
    weight = ind["weight_eff"].to_numpy().astype(float)
    decimals = {p.decimals for p in profiles.values()}
    d = decimals.pop() if len(decimals) == 1 else 2
    score = round_half_up(np.nan_to_num(weight) * frac, d)
    return ind.with_columns(
        pl.Series("completion", completion, dtype=pl.Float64).fill_nan(None),
        pl.Series("score", score, dtype=pl.Float64),
        pl.Series("scorable", usable & (op != NA), dtype=pl.Boolean),
    )


def score_projects(projects: pl.DataFrame, ind: pl.DataFrame, profiles: dict[str, Profile]) -> pl.DataFrame:
    budget = projects["budget"].to_numpy().astype(float)
    executed = projects["executed"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(budget > 0, executed / budget, np.nan)
    prof = projects["profile"].to_numpy()
    exec_w = np.zeros(len(projects))
    exec_frac = np.zeros(len(projects))
    for pname, p in profiles.items():
        m = prof == pname
        exec_w[m] = p.exec_weight
        exec_frac[m] = EXECUTION_CURVES[p.exec_curve](rate[m])
    exec_score = round_half_up(exec_w * exec_frac, 2)
    per_sub = (
        ind.group_by("sub")
        .agg(
            _col("score").sum().alias("ind_score"),
            _col("weight_eff").sum().alias("ind_weight"),
            *[
                pl.when(_col("level1") == l1).then(_col("score")).otherwise(0.0).sum().alias(f"sub_{l1}")
                for l1 in LEVEL1_NAMES
            ],
            *[
                pl.when(_col("level1") == l1).then(_col("weight_eff")).otherwise(0.0).sum().alias(f"w_{l1}")
                for l1 in LEVEL1_NAMES
            ],
            _col("claimed").sum().alias("claimed_ind_sum"),
            _col("claimed").is_not_null().sum().alias("n_claimed"),
            pl.len().alias("n_indicators"),
        )
    )
    out = projects.with_columns(
        pl.Series("exec_rate", rate, dtype=pl.Float64).fill_nan(None),
        pl.Series("exec_weight", exec_w, dtype=pl.Float64),
        pl.Series("exec_score", exec_score, dtype=pl.Float64),
    ).join(per_sub, on="sub", how="left")
    raw_total = _col("exec_score") + _col("ind_score").fill_null(0.0)
    # profiles with not_applicable: rescale bring the total back to a 100-point basis (S15)
    rescaling = [n for n, p in profiles.items() if p.not_applicable == "rescale"]
    basis = _col("exec_weight") + _col("ind_weight").fill_null(0.0)
    total = pl.when(_col("profile").is_in(rescaling) & (basis > 0) & ((basis - 100).abs() > 1e-9)).then(raw_total * 100 / basis).otherwise(raw_total)
    out = out.with_columns((total * 100).round(0).truediv(100).alias("total"))
    grade = pl.lit(None, dtype=pl.String)
    for pname, p in profiles.items():
        g = pl.lit(p.grades[-1][0])
        for gname, lo in reversed(p.grades[:-1]):
            g = pl.when(_col("total") >= lo - 1e-9).then(pl.lit(gname)).otherwise(g)
        grade = pl.when(_col("profile") == pname).then(g).otherwise(grade)
    return out.with_columns(grade.alias("grade"))


def score(projects: pl.DataFrame, funds: pl.DataFrame, indicators: pl.DataFrame, profiles: dict[str, Profile]) -> Scored:
    """Score a batch.  ``indicators`` must have been through :func:`prepare`."""
    ind = resolve_weights(indicators, profiles)
    ind = score_indicators(ind, profiles)
    proj = score_projects(projects, ind, profiles)
    return Scored(proj, funds, ind, profiles)
