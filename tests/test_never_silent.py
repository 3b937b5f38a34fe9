"""Issue #10: the slips that used to change a score without a word (items 1–5 and 8).

Each test states the slip, then checks the score is right or a warning/error names the cell.
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from click.testing import CliRunner

from conftest import make_submission
from perfeval.cli import main
from perfeval.lint import lint
from perfeval.notation import EQ, GE, QUAL, known_unit, parse, unit_factor
from perfeval.pipeline import evaluate, results


def _profile(tmp_path, base="national-2020", **changes) -> str:
    data = yaml.safe_load((resources.files("perfeval") / "profiles" / f"{base}.yaml").read_text("utf-8"))
    data.update(changes)
    data["name"] = f"{base}-test"
    path = tmp_path / f"{base}-test.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _one(write, indicators, profile=None, scoring=True, **extra):
    path = write(make_submission(indicators, **extra))
    ev = evaluate([path], profile=profile, scoring=scoring)
    return ev, results(ev)[0] if scoring else None


# --- item 1: any number followed by a unit word is numeric ---------------------------------------
@pytest.mark.parametrize("text,op,value,unit", [
    ("≥50厘米", GE, 50, "厘米"), ("≥60平方公里", GE, 60, "平方公里"), ("≥50万株", GE, 50, "万株"),
    ("≥5家次", GE, 5, "家次"), ("≥5（户）", GE, 5, "户"), ("≥12cm", GE, 12, "cm"), ("不少于8个社区", GE, 8, "个社区"),
    ("3000立方厘米", EQ, 3000, "立方厘米"), ("≥2.5万羽", GE, 2.5, "万羽"),
])
def test_any_unit_word_after_a_number_is_numeric(text, op, value, unit):
    r = parse(text)
    assert (r.op, r.value, r.unit) == (op, value, unit)


@pytest.mark.parametrize("text", ["12月底前完成", "3天内完成", "100%完成", "完成2次培训", "2023年12月", "在项目计划完成时间内完成"])
def test_deadlines_and_prose_stay_qualitative(text):
    assert parse(text).op == QUAL


def test_wan_and_yi_prefixes_scale_when_the_base_unit_matches():
    assert unit_factor("万株", "株") == 1e4 and unit_factor("株", "万株") == 1e-4
    assert unit_factor("亿立方米", "万立方米") == 1e4
    assert unit_factor("厘米", "米") is None  # another unit, not a prefix: not convertible
    assert known_unit("万株") and known_unit("家次") and not known_unit("平方公里")


def test_unknown_units_are_scored_as_numbers(write):
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": "植树", "target": "≥50万株", "actual": "40万株", "weight": 20},
        {"level1": "产出指标", "level2": "数量指标", "name": "苗木", "target": "≥50万株", "actual": "450000株", "weight": 10},
        {"level1": "产出指标", "level2": "数量指标", "name": "面积", "target": "≥60平方公里", "actual": "≥60平方公里", "weight": 10},
        {"level1": "产出指标", "level2": "质量指标", "name": "深度", "target": "≥50厘米", "actual": "45毫米", "weight": 10},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "服务", "target": "≥5家次", "actual": 4, "weight": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "95%", "weight": 10},
    ]
    ev, r = _one(write, inds)
    by = {i["name"]: i for i in r["indicators"]}
    assert by["植树"]["score"] == 16.0 and by["植树"]["kind"] == ">="
    assert by["苗木"]["score"] == 9.0
    codes = {(i["code"], i["indicator"]) for i in r["issues"]}
    assert ("PE410", "面积") in codes  # an actual copied from the target is flagged, not scored as words
    assert ("PE302", "深度") in codes and not by["深度"]["scorable"]  # a different unknown unit is an error
    assert by["服务"]["score"] == 24.0


def test_lint_says_a_unit_is_not_in_the_table(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "植树", "target": "≥50厘米"}]
    res = lint([write(make_submission(inds))])
    assert ("PE614", "植树") in {(i.code, i.indicator) for i in res.issues}


# --- item 2: a bare fraction against a percent target -----------------------------------------------
def _sat(actual):
    return [{"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": actual}]


def test_fraction_against_percent_is_read_as_fraction_and_said(write):
    ev = evaluate([write(make_submission(_sat(0.96)))], scoring=False)
    w = [i for i in ev.issues if i.code == "PE311"]
    assert len(w) == 1 and w[0].severity == "warning" and w[0].indicator == "满意度" and w[0].line
    assert "96%" in w[0].message and "0.96%" in w[0].message  # both readings named
    r = results(evaluate([write(make_submission(_sat(0.96)))]))[0]
    assert r["indicators"][0]["score"] == 10.0 and r["grade"] == "优"


def test_fraction_reading_is_a_profile_and_cli_option(write, tmp_path):
    path = write(make_submission(_sat(0.96)))
    prof = _profile(tmp_path, bare_fraction="percent")
    r = results(evaluate([path], profile=prof))[0]
    assert r["indicators"][0]["score"] == pytest.approx(0.1)  # 0.96% of 95%
    assert any(i["code"] == "PE311" for i in r["issues"])
    res = CliRunner().invoke(main, ["score", path, "--format", "json", "--bare-fraction", "percent"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    import json
    assert json.loads(res.output)["indicators"][0]["score"] == pytest.approx(0.1)


def test_no_warning_when_unambiguous(write):
    for actual in ("96%", 96, 0):
        ev = evaluate([write(make_submission(_sat(actual)))], scoring=False)
        assert not any(i.code == "PE311" for i in ev.issues), actual


# --- item 3: weights that do not add up -----------------------------------------------------------
def _over_110():
    return [
        {"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5, "weight": 60},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "≥5户", "actual": 5, "weight": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "96%", "weight": 10},
    ]


def test_total_above_100_is_rescaled_and_pe400_kept(write):
    ev, r = _one(write, _over_110())
    assert r["total"] <= 100 and r["rescaled"] and r["raw_total"] == 110.0 and r["weight_basis"] == 110.0
    codes = {i["code"]: i for i in r["issues"]}
    assert codes["PE400"]["severity"] == "error"
    assert "折算" in codes["PE416"]["message"] and "110.00" in codes["PE416"]["message"]


def test_refuse_policy_gives_no_grade(write, tmp_path):
    ev, r = _one(write, _over_110(), profile=_profile(tmp_path, weight_total="refuse"))
    assert r["grade"] is None and r["total"] is None and r["grade_refused"]
    assert {"PE400", "PE417"} <= {i["code"] for i in r["issues"]}


def test_total_never_printed_above_100_in_the_terminal(write):
    path = write(make_submission(_over_110()))
    res = CliRunner().invoke(main, ["score", path])
    assert res.exit_code == 1 and "110.00 优" not in res.output and "折算" in res.output


# --- item 4: an indicator without weight among weighted ones -------------------------------------
def _squeezed():
    return [
        {"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5, "weight": 25},
        {"level1": "产出指标", "level2": "数量指标", "name": "人次", "target": "≥5人次", "actual": 5, "weight": 25},
        {"level1": "产出指标", "level2": "质量指标", "name": "新增行", "target": "=100%", "actual": "100%"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "≥5户", "actual": 5, "weight": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "96%", "weight": 10},
    ]


def test_weightless_row_is_rebalanced_and_warned(write):
    path = write(make_submission(_squeezed()))
    ev = evaluate([path], scoring=False)
    assert [(i.code, i.indicator) for i in ev.issues if i.code == "PE312"] == [("PE312", "新增行")]
    r = results(evaluate([path]))[0]
    by = {i["name"]: i for i in r["indicators"]}
    assert by["新增行"]["weight"] > 0 and by["新增行"]["score"] > 0
    assert round(sum(i["weight"] for i in r["indicators"]), 2) == 90.0
    assert r["total"] == 100.0
    assert ("PE312", "新增行") in {(i.code, i.indicator) for i in lint([path]).issues}


def test_zero_policy_keeps_zero_but_warns(write, tmp_path):
    path = write(make_submission(_squeezed()))
    ev = evaluate([path], profile=_profile(tmp_path, missing_weight="zero"))
    r = results(ev)[0]
    assert {i["name"]: i["weight"] for i in r["indicators"]}["新增行"] == 0
    assert any(i.code == "PE312" and "0" in i.message for i in ev.issues)


# --- item 5: understated claims and in-band qualitative claims ----------------------------------
def test_understated_claim_is_a_warning(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5, "weight": 50, "claimed_score": 40}]
    ev, r = _one(write, inds)
    assert [(i["code"], i["severity"]) for i in r["issues"] if i["code"] == "PE407"] == [("PE407", "warning")]


def test_in_band_qualitative_claim_is_not_inflated(write):
    def ind(claim):
        return [{"level1": "效益指标", "level2": "社会效益指标", "name": "效果", "target": "帮扶到位",
                 "actual": "部分达成预期指标并具有一定效果", "weight": 10, "claimed_score": claim}]
    # Hubei 部分达成 band 0.5–0.8: 8 of 10 is within the band
    ev, r = _one(write, ind(8), profile="hubei")
    assert not {"PE406", "PE407"} & {i["code"] for i in r["issues"]}
    assert r["indicators"][0]["score"] == 8.0
    ev, r = _one(write, ind(9), profile="hubei")  # above the band: compared with its upper edge
    w = [i for i in r["issues"] if i["code"] == "PE406"]
    assert len(w) == 1 and "8.00" in w[0]["message"] and "1.00" in w[0]["message"]
    ev, r = _one(write, ind(3), profile="hubei")  # below the band
    assert [i["code"] for i in r["issues"] if i["code"] in ("PE406", "PE407")] == ["PE407"]


# --- item 8: untouched templates and year-end checks ----------------------------------------------
def test_execution_left_at_zero_is_a_warning(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5}]
    path = write(make_submission(inds, executed=0))
    for scoring in (False, True):
        ev = evaluate([path], scoring=scoring)
        assert [i.code for i in ev.issues if i.code == "PE313"] == ["PE313"]


def test_declaration_validates_as_a_declaration(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": f"户数{k}", "target": "≥5户"} for k in range(4)]
    path = write(make_submission(inds, executed=0))
    ev = evaluate([path], scoring=False)
    assert [i.code for i in ev.issues] == ["PE314"] and not ev.has_errors
    res = CliRunner().invoke(main, ["validate", path])
    assert res.exit_code == 0, res.output


def test_fresh_init_output_does_not_pass_lint(tmp_path):
    out = tmp_path / "new.yaml"
    res = CliRunner().invoke(main, ["init", "--sector", "union", "--out", str(out)])
    assert res.exit_code == 0, res.output
    found = {i.code for i in lint([str(out)]).issues}
    assert {"PE615", "PE617"} <= found
    res = CliRunner().invoke(main, ["init", "--sector", "union", "--budget", "3", "--name", "x", "--department", "y",
                                    "--out", str(tmp_path / "b.yaml")])
    assert "PE616" in {i.code for i in lint([str(tmp_path / "b.yaml")]).issues}


# --- item 6: the same project and year submitted twice in a batch ---------------------------------
def test_duplicate_submissions_are_reported_and_counted_once(tmp_path):
    import os

    import polars as pl

    src = tmp_path / "in"
    src.mkdir()
    full = [
        {"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "≥5户", "actual": 5},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "96%"},
    ]
    first = make_submission(full, project={"code": "51-0001", "department": "某局"}, executed=50)
    fixed = make_submission(full, project={"code": "51-0001", "department": "某局"}, executed=100)
    other = make_submission(full, project={"code": "51-0002", "department": "某局"}, executed=100)
    for name, data in (("原版.yaml", first), ("更正版.yaml", fixed), ("另一项目.yaml", other)):
        (src / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    os.utime(src / "原版.yaml", (1_700_000_000, 1_700_000_000))
    os.utime(src / "更正版.yaml", (1_700_100_000, 1_700_100_000))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--no-progress", "-j", "1"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "重复提交 1 份" in res.output
    summary = pl.read_csv(out / "summary.csv")
    status = dict(zip([os.path.basename(f) for f in summary[summary.columns[0]].to_list()], summary["状态"].to_list(), strict=True))
    assert status["原版.yaml"] == "重复提交" and status["更正版.yaml"] == "已评分"
    issues = pl.read_csv(out / "issues.csv")
    assert "PE418" in issues["代码"].to_list()
    # --prefer keeps the named file instead
    out2 = tmp_path / "out2"
    CliRunner().invoke(main, ["batch", str(src), "-o", str(out2), "--no-progress", "-j", "1", "--prefer", str(src / "原版.yaml")])
    summary = pl.read_csv(out2 / "summary.csv")
    status = dict(zip([os.path.basename(f) for f in summary[summary.columns[0]].to_list()], summary["状态"].to_list(), strict=True))
    assert status["原版.yaml"] == "已评分" and status["更正版.yaml"] == "重复提交"
