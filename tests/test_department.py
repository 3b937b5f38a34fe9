"""Department-wide self-evaluation (issue 16): format, rubric kinds, profiles, roll-up, findings, score JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.cli import main
from perfeval.declare.load import load_text
from perfeval.department import evaluate_departments, evaluate_loaded, get_dept_profile, packaged_dept_profiles
from perfeval.department.profile import dept_profile_from_dict
from perfeval.profile import ProfileError
from perfeval.scoring.rubrics import RUBRICS, apply, resolve
from perfeval.scoring.rubrics.not_applicable import settle

ROOT = Path(__file__).resolve().parents[1]
DEPT = ROOT / "examples" / "department"
SEED = DEPT / "seed-xiqu-union-2024.yaml"
CASES = ROOT / "tests" / "cases" / "rubrics"


def one(path) -> tuple[dict, list[str]]:
    [ev] = evaluate_departments([str(path)])
    return ev.record, [i.code for i in ev.issues]


def from_text(text: str, name: str = "dept.yaml"):
    return evaluate_loaded(load_text(text, str(DEPT / name)))


# --- rubric kinds -------------------------------------------------------------------------------
def test_every_rubric_kind_has_a_case_file():
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(RUBRICS)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_rubric_cases(path):
    spec = yaml.safe_load(path.read_text("utf-8"))
    for case in spec["cases"]:
        _, params = resolve({"kind": spec["kind"], **case["params"]})
        got = float(apply(spec["kind"], case["x"], case["weight"], params))
        assert got == pytest.approx(case["points"], abs=1e-9), (path.stem, case)


_PARAMS = {
    "proportional": {"target": 1.0}, "deduct_per_pp_over": {"limit": 1.0, "per_pp": 0.5},
    "deduct_per_step_under": {}, "bands": {"bands": [[0.9, None, 5], [0.8, 0.9, 4], [None, 0.8, 0]]},
    "checklist": {"items": ["a", "b", "c"]}, "deduct_per_case": {"per_case": 1}, "qualitative_3tier": {},
}


@pytest.mark.parametrize("kind", sorted(RUBRICS))
@settings(max_examples=200, deadline=None)
@given(x=st.one_of(st.floats(-5, 5), st.just(math.nan)), y=st.floats(-5, 5), w=st.floats(0.5, 60))
def test_rubric_within_weight_and_monotone(kind, x, y, w):
    _, params = resolve({"kind": kind, **_PARAMS[kind]})
    px = float(apply(kind, x, w, params))
    assert 0.0 <= px <= w + 1e-12
    if math.isnan(x):
        assert px == 0.0
        return
    py = float(apply(kind, y, w, params))
    lo, hi = (px, py) if x <= y else (py, px)
    if RUBRICS[kind].monotone == "up":
        assert lo <= hi + 1e-9
    elif RUBRICS[kind].monotone == "down":
        assert lo >= hi - 1e-9


def test_unknown_rubric_kind_and_parameters_are_refused():
    from perfeval.scoring.rubrics import RubricError

    with pytest.raises(RubricError, match="未注册"):
        resolve({"kind": "nope"})
    with pytest.raises(RubricError, match="缺少参数"):
        resolve({"kind": "deduct_per_case"})
    with pytest.raises(RubricError, match="没有参数"):
        resolve({"kind": "proportional", "cap": 2})


def test_not_applicable_rule_full_and_drop():
    w, pts, na = np.array([5.0, 5.0, 90.0]), np.array([0.0, 3.0, 80.0]), np.array([True, False, False])
    full, f1 = settle(w, pts, na, "full")
    assert list(full) == [5.0, 3.0, 80.0] and f1 == 1.0
    drop, f2 = settle(w, pts, na, "drop")
    assert list(drop) == [0.0, 3.0, 80.0] and f2 == pytest.approx(100 / 95)


# --- profiles -----------------------------------------------------------------------------------
def test_three_department_profiles_and_the_target_form_are_packaged():
    names = packaged_dept_profiles()
    assert {"dept-target", "dept-sichuan-framework", "dept-hunan-framework", "dept-sichuan-8item"} <= set(names)
    p = get_dept_profile("dept-sichuan-framework")
    by_l1: dict[str, float] = {}
    for it in p.items:
        by_l1[it.level1] = by_l1.get(it.level1, 0) + it.weight
    assert by_l1 == {"部门决策": 25, "综合管理": 30, "部门绩效情况": 45}
    assert get_dept_profile("dept-sichuan-8item").weights_source == "perfeval-default"


def test_profile_weights_must_add_to_100():
    d = yaml.safe_load((ROOT / "src/perfeval/profiles/department/dept-sichuan-8item.yaml").read_text("utf-8"))
    d["items"][0]["weight"] = 11
    with pytest.raises(ProfileError, match="应为 100"):
        dept_profile_from_dict(d)
    d["items"][0]["weight"] = 10
    d["items"][0]["figure"] = "no_such_figure"
    with pytest.raises(ProfileError, match="未注册"):
        dept_profile_from_dict(d)


def test_word_grades_use_the_same_cut_points():
    p = get_dept_profile("dept-sichuan-8item")
    assert p.grade(90) == ("优", "好") and p.grade(89.99) == ("良", "较好") and p.grade(60) == ("中", "一般") and p.grade(59.99) == ("差", "差")
    assert p.grade_of_word("好") == "优" and p.grade_of_word("良") == "良" and p.grade_of_word("很好") is None


# --- the seed's department (8-item profile) -------------------------------------------------------
def test_seed_department_scores_100_with_its_findings():
    r, codes = one(SEED)
    assert r["status"] == "scored" and r["kind"] == "department"
    assert r["total"] == 100.0 and r["grade"] == "优" and r["grade_word"] == "好"
    assert r["profile"]["weights_source"] == "perfeval-default"
    # the grade given without a score; 运转类 "无" with 公用经费 140.75; 人员类 reporting 270.52
    assert "PE909" in codes and "PE912" in codes and "PE913" in codes
    msgs = {i["code"]: [] for i in r["issues"]}
    for i in r["issues"]:
        msgs[i["code"]].append(i["message"])
    assert any("140.75" in m for m in msgs["PE912"])
    assert any("243.26" in m and "270.52" in m for m in msgs["PE905"])        # 基本支出 in §六
    assert any("270.52" in m and "273.52" in m for m in msgs["PE905"])        # 财政拨款收入
    shares = " ".join(msgs["PE906"])
    assert "98.90%" in shares and "1.10%" in shares and "“c%”" in shares
    assert "住房保障" not in shares  # 3.45% for an exact 3.456%: the list adds to 100.00% (尾差), as perfeval audit judges it
    assert "PE911" in codes                                                   # 政府性基金 income 3, spending 0
    assert "PE910" not in codes                                               # "好" is consistent with 100
    rows = {x["name"]: x for x in r["indicators"]}
    assert rows["“三公”经费控制率"]["not_applicable"] and rows["“三公”经费控制率"]["score"] == 5
    assert rows["预算执行率"]["figure"]["value"] == 1.0 and rows["预算执行率"]["figure"]["name"] == "exec_rate"
    assert r["rollup"]["fund_weighted_score"] == 100.0 and r["rollup"]["coverage"] == 1.0
    assert [p["status"] for p in r["projects"]] == ["scored"]


def test_score_json_contract_keys():
    res = CliRunner().invoke(main, ["score", str(SEED), "--format", "json"])
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.exit_code == 1  # PE904 (spending by fund type does not add up) is an error
    r = json.loads(res.output)
    for key in ("kind", "department", "profile", "execution", "indicators", "total", "grade", "claimed_total", "issues", "projects"):
        assert key in r
    assert r["kind"] == "department" and r["department"] == {"name": "攀枝花市西区总工会", "code": None, "year": 2024, "supervisor": None}
    for key in ("budget", "executed", "rate", "weight", "score", "claimed_score"):
        assert key in r["execution"]
    for row in r["indicators"]:
        for key in ("level1", "level2", "name", "target", "actual", "kind", "completion", "weight", "score", "claimed_score", "explain"):
            assert key in row


def test_score_mixes_departments_and_projects_in_input_order():
    res = CliRunner().invoke(main, ["score", str(ROOT / "examples/seed-corrected.yaml"), str(SEED), "--format", "json"])
    assert res.exit_code == 1
    a, b = json.loads(res.output)
    assert "project" in a and a["total"] == 100.0 and b["kind"] == "department"


# --- target-based (family A) and framework (family B) examples ------------------------------------
def test_target_based_example():
    r, codes = one(DEPT / "target-township-2021.yaml")
    assert r["profile"]["family"] == "target"
    ex = r["execution"]
    assert ex["base"] == "年初预算数" and ex["score"] == 10.0 and ex["weight"] == 10.0
    assert r["total"] == 98.18 and r["grade"] == "优"   # one N/A row dropped, total rescaled to 100
    assert {"PE902", "PE903", "PE406", "PE907", "PE925"} <= set(codes)
    assert "PE403" not in codes   # the project review's wording is replaced by PE903 with its base
    rows = {x["name"]: x for x in r["indicators"]}
    assert rows["政府采购执行率"]["score"] == 3.83 and rows["政府采购执行率"]["claimed_score"] == 5.0


def test_hunan_framework_example():
    r, codes = one(DEPT / "framework-forestry-hunan.yaml")
    rows = {x["name"]: x for x in r["indicators"]}
    assert rows["财政供养人员控制率"]["score"] == 3.75       # 102.5% → −0.5 × 2.5
    assert rows["“三公经费”变动率"]["score"] == 2.5           # +5% → −0.5 × 5
    assert rows["重点支出安排率"]["score"] == 4.0             # 87% in [80, 90)
    assert rows["预算调整率"]["score"] == 1.0                 # 12% in (10, 20]
    assert rows["资金结余"]["score"] == 0.0                   # balance above last year's carry-over
    assert rows["管理制度健全性"]["score"] == 2.0
    assert rows["基础信息完善性"]["score"] == 2.1
    assert rows["森林抚育面积"]["score"] == 9.5 and rows["森林抚育面积"]["basis"] == "indicator"
    assert r["total"] == 84.14 and r["grade"] == "良" and r["grade_word"] == "较好"
    assert codes.count("PE907") == 3 and "PE910" in codes


def test_sichuan_framework_example_takes_judgement_scores():
    r, codes = one(DEPT / "framework-sichuan-provincial.yaml")
    rows = {x["name"]: x for x in r["indicators"]}
    assert rows["相关性"]["basis"] == "judgement" and rows["相关性"]["score"] == 5
    assert sum(x["weight"] for x in r["indicators"]) == pytest.approx(100)
    assert r["total"] == 88.68 and "PE907" in codes and "PE910" in codes


@pytest.mark.parametrize("path", sorted(DEPT.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_totals_are_sums_and_within_100(path):
    r, _ = one(path)
    assert r["status"] == "scored"
    s = sum(x["score"] or 0 for x in r["indicators"]) + (r["execution"]["score"] or 0 if r["profile"]["family"] == "target" else 0)
    factor = r["na_factor"] or 1.0
    assert r["total"] == pytest.approx(min(s * factor, 100), abs=0.011)
    assert 0 <= r["total"] <= 100


# --- structure and findings from small files -------------------------------------------------------
BASE = """perfeval: 1
kind: department
profile: dept-sichuan-8item
department: {name: 测试局, year: 2024}
funds:
  total: {budget: 100, executed: 90}
  carryover: {end: 0}
"""


def test_unknown_key_and_bad_kind():
    ev = from_text(BASE + "funds_typo: 1\n")
    assert ev.record["status"] == "rejected"
    [i] = [i for i in ev.issues if i.code == "PE202"]
    assert i.line == 8
    ld = load_text(BASE.replace("kind: department", "kind: dept"), "x.yaml")
    from perfeval.declare.structure import check_structure

    assert [i.code for i in check_structure(ld)] == ["PE900"]


def test_unknown_department_profile_is_refused():
    ev = from_text(BASE.replace("dept-sichuan-8item", "national-2020"))
    assert ev.record["status"] == "rejected" and [i.code for i in ev.issues] == ["PE901"]


def test_missing_figures_score_zero_with_a_finding():
    ev = from_text(BASE)
    r = ev.record
    rows = {x["name"]: x for x in r["indicators"]}
    assert rows["预算执行率"]["score"] == 18.0
    assert rows["审计和财政检查发现的违规问题"]["score"] == 0.0
    missing = [i for i in ev.issues if i.code == "PE916"]
    assert any("violations" in i.message for i in missing)
    assert "PE924" in [i.code for i in ev.issues]   # 90% executed, no balance left


def test_claims_both_directions_and_totals_against_parts():
    text = BASE + """  by_nature:
    - {name: 基本支出, budget: 60, executed: 55}
    - {name: 项目支出, budget: 40, executed: 30}
  personnel: {executed: 30}
  public: {executed: 20}
violations: 1
framework:
  预算执行率: {claimed_score: 20}
  审计和财政检查发现的违规问题: {claimed_score: 0}
claimed_total: 95
"""
    ev = from_text(text)
    codes = [i.code for i in ev.issues]
    assert codes.count("PE904") == 2       # 55 + 30 ≠ 90; 30 + 20 ≠ 55
    assert "PE907" in codes and "PE908" in codes
    assert "PE909" not in codes


def test_linked_project_paths_are_confined():
    text = BASE + "projects:\n  - {path: /etc/passwd.yaml}\n  - {path: ../../../x.yaml}\n  - {path: nope.yaml}\n"
    ev = from_text(text)
    msgs = [i.message for i in ev.issues if i.code == "PE918"]
    assert len(msgs) == 3 and "相对路径" in msgs[0] and "超出" in msgs[1] and "不存在" in msgs[2]


def test_rollup_consistency_with_inline_projects():
    text = BASE + """  by_nature:
    - {name: 基本支出, budget: 60, executed: 60}
    - {name: 项目支出, budget: 40, executed: 30}
projects:
  - {name: 甲, budget: 10, executed: 10, total: 80}
  - {name: 乙, budget: 30, executed: 35, total: 100}
"""
    ev = from_text(text)
    ru = ev.record["rollup"]
    assert ru["fund_weighted_score"] == pytest.approx(95.0) and ru["simple_mean"] == pytest.approx(90.0)
    codes = [i.code for i in ev.issues]
    assert "PE919" in codes and "PE921" in codes


def test_validate_and_score_cli_on_a_broken_department_file(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(BASE + "staff: {authorized: many}\n", encoding="utf-8")
    for cmd in ("validate", "score"):
        res = CliRunner().invoke(main, [cmd, str(p)])
        assert res.exit_code == 1 and isinstance(res.exception, SystemExit)
        assert "PE201" in res.output


@pytest.mark.parametrize("path", sorted(DEPT.glob("*.yaml")), ids=lambda p: p.stem)
def test_department_examples_validate_against_schema(path):
    import jsonschema

    from perfeval.declare.schema import json_schema

    data = yaml.safe_load(path.read_text("utf-8"))
    jsonschema.validate(data, json_schema())
    data["department"]["nmae"] = data["department"].pop("name")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


@pytest.mark.parametrize("profile", ["dept-target", "dept-sichuan-8item", "dept-hunan-framework", "dept-sichuan-framework"])
def test_init_kind_department_scaffolds_a_file_that_only_lacks_the_year_end_figures(tmp_path, profile):
    out = tmp_path / "d.yaml"
    res = CliRunner().invoke(main, ["init", "--kind", "department", "--profile", profile, "--department", "测试局", "--year", "2024",
                                    "--budget", "100", "--out", str(out)])
    assert res.exit_code == 0, res.output
    ld = load_text(out.read_text("utf-8"), str(out))
    ev = evaluate_loaded(ld)
    assert [i.code for i in ev.issues if i.severity == "error"] == ["PE200"]   # funds.total.executed, filled at year end
    data = yaml.safe_load(out.read_text("utf-8"))
    data["funds"]["total"]["executed"] = 90
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [ev] = evaluate_departments([str(out)])
    assert ev.record["status"] == "scored" and 0 <= ev.record["total"] <= 100


def test_init_project_still_needs_a_sector():
    res = CliRunner().invoke(main, ["init"])
    assert res.exit_code == 2 and "--sector" in res.output


def test_batch_takes_department_files_beside_projects(tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(DEPT), str(ROOT / "examples" / "seed-corrected.yaml"), "--out", str(out), "--seed", "1"])
    assert isinstance(res.exception, SystemExit) and res.exit_code == 1   # the seed department has an error-level finding (PE904)
    assert "部门整体自评 4 份" in res.output
    wb = CalamineWorkbook.from_path(str(out / "summary.xlsx"))
    assert "部门整体" in wb.sheet_names and "部门整体复核问题" in wb.sheet_names
    rows = wb.get_sheet_by_name("部门整体").to_python()
    header, body = rows[0], rows[1:]
    assert len(body) == 4
    seed = next(r for r in body if str(r[0]).endswith("seed-xiqu-union-2024.yaml"))
    rec = dict(zip(header, seed, strict=False))
    assert rec["总分"] == 100 and rec["文字等级"] == "好" and rec["自评等级"] == "好" and "PE909" in rec["主要问题"]
    issues = wb.get_sheet_by_name("部门整体复核问题").to_python()
    assert any(r[4] == "PE912" and "140.75" in r[6] for r in issues[1:])
    summary = (out / "summary.csv").read_text("utf-8-sig").splitlines()
    assert len(summary) == 2 and "送温暖帮扶专项经费" in summary[1]          # the project file, and no department row
    assert (out / "department.csv").read_text("utf-8-sig").count("\n") == 5


def test_batch_of_department_files_only(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(DEPT / "framework-forestry-hunan.yaml"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "department.csv").exists() and (out / "summary.xlsx").exists()


_num = st.one_of(st.none(), st.floats(0, 5000, allow_nan=False))


@settings(max_examples=30, deadline=None)
@given(budget=st.floats(1, 5000), executed=_num, initial=_num, staff=st.tuples(_num, _num), tp=st.tuples(_num, _num, _num, _num),
       carry=st.tuples(_num, _num), proc=st.tuples(_num, _num), cases=st.integers(0, 9), tier=st.sampled_from(["达成", "部分达成", "未达成", "x"]),
       checks=st.lists(st.booleans(), max_size=4))
def test_framework_total_within_100_and_rows_within_weight(budget, executed, initial, staff, tp, carry, proc, cases, tier, checks):
    import copy

    data = yaml.safe_load((DEPT / "framework-forestry-hunan.yaml").read_text("utf-8"))
    d = copy.deepcopy(data)
    d["funds"]["total"] = {"initial": initial, "budget": budget, "executed": executed if executed is not None else 0}
    d["funds"].pop("adjustment")
    d["staff"] = {"authorized": staff[0], "in_post": staff[1]}
    d["three_public"] = {"budget": tp[0], "actual": tp[1], "last_budget": tp[2], "last_actual": tp[3]}
    d["funds"]["carryover"] = {"begin": carry[0], "end": carry[1]}
    d["procurement"] = {"budget": proc[0], "actual": proc[1]}
    d["framework"]["支付进度"] = {"cases": cases}
    d["framework"]["基础信息完善性"] = {"tier": tier}
    d["framework"]["管理制度健全性"] = {"checks": checks}
    ev = evaluate_loaded(load_text(yaml.safe_dump(d, allow_unicode=True), str(DEPT / "h.yaml")))
    r = ev.record
    assert r["status"] == "scored"
    assert 0 <= r["total"] <= 100
    for row in r["indicators"]:
        assert row["score"] is None or 0 <= row["score"] <= row["weight"] + 1e-9, row
    assert r["total"] == pytest.approx(sum(x["score"] or 0 for x in r["indicators"]), abs=0.011)
