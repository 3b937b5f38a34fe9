"""Invariants of the engine, checked with hypothesis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from perfeval.notation import format_rule, parse, same_rule
from perfeval.numbers import round_half_up
from perfeval.profile import get_profile, packaged_profiles
from perfeval.scoring.methods import METHODS, Ctx

PROFILES = [get_profile(n) for n in packaged_profiles()]
LINEAR = get_profile(str(ROOT / "tests" / "cases" / "profiles" / "linear.yaml"))
pos = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=0, max_value=100, allow_nan=False)
OPS = [">=", ">", "<=", "<", "="]


def _score(op, a, b, w, profile, unit=None, hi=None, tier=None, ratio=np.nan):
    arr = lambda x: np.array([x], dtype=float)  # noqa: E731
    c, f = METHODS[op](Ctx(arr(a), arr(hi if hi is not None else np.nan), arr(b), np.array([unit], dtype=object),
                           np.array([tier], dtype=object), arr(ratio), profile))
    return c[0], round_half_up(w * f, 2)[0]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OPS), pos, pos, weights, st.sampled_from(PROFILES), st.sampled_from([None, "%", "万元"]))
def test_score_within_zero_and_weight(op, a, b, w, profile, unit):
    _, s = _score(op, a, b, w, profile, unit)
    assert 0 <= s <= round_half_up(w, 2) + 1e-9


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([">=", ">"]), pos, pos, pos, weights, st.sampled_from(PROFILES))
def test_positive_is_non_decreasing_in_actual(op, a, b1, b2, w, profile):
    lo, hi = sorted((b1, b2))
    assert _score(op, a, lo, w, profile)[1] <= _score(op, a, hi, w, profile)[1]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["<=", "<"]), pos, pos, pos, weights, st.sampled_from(PROFILES + [LINEAR]))
def test_reverse_is_non_increasing_in_actual(op, a, b1, b2, w, profile):
    lo, hi = sorted((b1, b2))
    assert _score(op, a, lo, w, profile)[1] >= _score(op, a, hi, w, profile)[1]


@settings(max_examples=200, deadline=None)
@given(pos, pos, st.floats(min_value=-1e6, max_value=1e7, allow_nan=False), weights, st.sampled_from(PROFILES))
def test_range_score_within_bounds(lo, width, b, w, profile):
    _, s = _score("range", lo, b, w, profile, hi=lo + width)
    assert 0 <= s <= round_half_up(w, 2) + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["达成", "部分达成", "未达成"]), weights, st.sampled_from(PROFILES))
def test_qualitative_default_inside_its_band(tier, w, profile):
    c, s = _score("qualitative", np.nan, np.nan, w, profile, tier=tier)
    lo, hi = profile.qual_bands[tier]
    assert lo - 1e-9 <= c <= hi + 1e-9
    assert 0 <= s <= round_half_up(w, 2) + 1e-9


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.sampled_from(PROFILES))
def test_grade_bands_partition_0_100(total, profile):
    names = [n for n, lo in profile.grades if total >= lo]
    # exactly one band holds the total: the highest whose lower bound it reaches
    assert profile.grade(total) == names[0]
    bands = sorted(profile.grades, key=lambda g: g[1])
    hits = [n for (n, lo), nxt in zip(bands, bands[1:] + [(None, float("inf"))], strict=True) if lo <= total < nxt[1]]
    assert len(hits) == 1 and hits[0] == profile.grade(total)


def test_grade_band_edges_are_half_open():
    p = get_profile("national-2020")
    assert [p.grade(x) for x in (100, 90, 89.99, 80, 79.99, 60, 59.99, 0)] == ["优", "优", "良", "良", "中", "中", "差", "差"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["≥", "≤", ">", "<", "=", ""]), st.decimals(min_value=0, max_value=10**6, places=2),
       st.sampled_from(["", "户", "%", "万元", "元", "人次", "台套", "元/人*月"]))
def test_printed_notation_parses_back(op, value, unit):
    r = parse(f"{op}{value}{unit}")
    assert r.numeric
    assert same_rule(parse(format_rule(r)), r)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=50))
def test_round_half_up_is_at_most_half_a_cent_away(xs):
    r = round_half_up(np.array(xs), 2)
    assert np.all(np.abs(r - np.array(xs)) <= 0.005 + 1e-9)


def test_round_half_up_ties():
    assert list(round_half_up(np.array([16.665, 0.125, 2.675, 1.005]), 2)) == [16.67, 0.13, 2.68, 1.01]


_LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标"), ("成本指标", "经济成本指标")]
_indicator = st.fixed_dictionaries({
    "lv": st.sampled_from(_LEVELS),
    "target": st.one_of(
        st.builds(lambda op, v, u: f"{op}{v}{u}", st.sampled_from(["≥", "≤", "=", ""]), st.integers(0, 500), st.sampled_from(["", "户", "万元"])),
        st.sampled_from(["工程质量合格", "/", "80-90", "±10"])),
    "actual": st.one_of(st.integers(0, 1000), st.sampled_from(["达成预期指标", "部分完成", "未完成", "/"])),
    "weight": st.one_of(st.none(), st.floats(0, 60, allow_nan=False).map(lambda x: round(x, 2))),
})


@settings(max_examples=40, deadline=None)
@given(st.lists(_indicator, min_size=1, max_size=8), st.sampled_from(["national-2020", "sichuan", "hubei"]),
       st.floats(0, 1e6, allow_nan=False), st.floats(0, 2e6, allow_nan=False))
def test_project_total_within_0_and_100(inds, profile, budget, executed):
    import tempfile

    import yaml

    from conftest import make_submission
    from perfeval.pipeline import evaluate, results

    rows = [{"level1": i["lv"][0], "level2": i["lv"][1], "name": f"i{k}", "target": i["target"], "actual": i["actual"],
             **({"weight": i["weight"]} if i["weight"] is not None else {})} for k, i in enumerate(inds)]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as fh:
        yaml.safe_dump(make_submission(rows, profile=profile, budget=budget, executed=executed), fh, allow_unicode=True)
    r = results(evaluate([fh.name]))[0]
    Path(fh.name).unlink()
    assert r["status"] == "scored"
    weights_ok = not any(i["code"] == "PE400" for i in r["issues"])
    for i in r["indicators"]:
        assert i["score"] is None or 0 <= i["score"] <= i["weight"] + 1e-9
    assert r["total"] >= 0
    if weights_ok:
        assert r["total"] <= 100 + 1e-9
