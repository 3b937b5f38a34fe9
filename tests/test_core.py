"""Engine behaviour: the seed, weights, execution, grades and review findings."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, make_submission
from perfeval.pipeline import evaluate, results


def codes(r):
    return [i["code"] for i in r["issues"]]


def ind(name, level1="产出指标", level2="数量指标", target="≥5户", actual=5, **kw):
    return {"level1": level1, "level2": level2, "name": name, "target": target, "actual": actual, **kw}


def full_set(**over):
    """A national-2020 indicator set with explicit weights adding up to 90."""
    rows = [
        ind("数量", weight=20), ind("质量", level2="质量指标", target="≥95%", actual="96%", weight=15),
        ind("时效", level2="时效指标", target="=100%", actual="100%", weight=15),
        ind("效益", level1="效益指标", level2="社会效益指标", target="效果明显", actual="达成预期指标", weight=30),
        ind("满意度", level1="满意度指标", level2="服务对象满意度指标", target="≥90%", actual="95%", weight=10),
    ]
    for r in rows:
        r.update(over.get(r["name"], {}))
    return rows


# --- the seed --------------------------------------------------------------------------
def test_seed_corrected_scores_100_excellent():
    r = results(evaluate([str(EXAMPLES / "seed-corrected.yaml")]))[0]
    assert r["total"] == 100.0 and r["grade"] == "优"
    assert [i["weight"] for i in r["indicators"]] == [16.67, 16.67, 16.66, 30.0, 10.0]
    assert r["execution"]["rate"] == 1.0 and r["execution"]["score"] == 10.0
    assert not [i for i in r["issues"] if i["severity"] == "error"]


def test_seed_as_published_reports_exactly_its_unusable_cells():
    ev = evaluate([str(EXAMPLES / "seed-as-published.yaml")], scoring=False)
    errors = [i for i in ev.issues if i.severity == "error"]
    assert [(i.code, i.indicator) for i in errors] == [("PE301", "按照工作计划"), ("PE301", "困难职工满意度")]
    assert all(i.line and i.file.endswith("seed-as-published.yaml") for i in errors)
    assert "已完成" in errors[0].message and "≥95" in errors[0].message
    assert "满意度95%以上" in errors[1].message
    assert len(ev.issues) == 2


# --- weights --------------------------------------------------------------------------
def test_default_weights_split_exactly_to_the_cent(evaluate_one):
    r, _ = evaluate_one(make_submission([ind("a"), ind("b"), ind("c"),
                                         ind("e", "效益指标", "社会效益指标"),
                                         ind("s", "满意度指标", "服务对象满意度指标", "≥90%", "95%")]))
    assert [i["weight"] for i in r["indicators"]] == [16.67, 16.67, 16.66, 30.0, 10.0]
    assert sum(i["weight"] for i in r["indicators"]) + r["execution"]["weight"] == pytest.approx(100)
    assert r["total"] == 100.0


def test_partial_weights_fill_the_remainder_of_the_group(evaluate_one):
    r, _ = evaluate_one(make_submission([ind("a", weight=20), ind("b"), ind("c"),
                                         ind("e", "效益指标", "社会效益指标"),
                                         ind("s", "满意度指标", "服务对象满意度指标", "≥90%", "95%")]))
    assert [i["weight"] for i in r["indicators"]][:3] == [20.0, 15.0, 15.0]


def test_missing_satisfaction_points_move_to_benefit(evaluate_one):
    r, _ = evaluate_one(make_submission([ind("a"), ind("e", "效益指标", "社会效益指标")]))
    assert [i["weight"] for i in r["indicators"]] == [50.0, 40.0]
    assert "PE415" in codes(r)


def test_not_applicable_row_is_dropped_and_weights_rescaled(evaluate_one):
    rows = full_set()
    rows.insert(1, ind("不适用", target="/", actual="/", weight=10))
    rows[0]["weight"] = 10  # 产出: 10 + (10 N/A) + 15 + 15 = 50
    r, _ = evaluate_one(make_submission(rows))
    w = {i["name"]: i["weight"] for i in r["indicators"]}
    assert w["不适用"] == 0
    assert w["数量"] + w["质量"] + w["时效"] == pytest.approx(50)
    assert w["数量"] == 12.5 and w["质量"] == 18.75 and w["时效"] == 18.75
    assert r["total"] == 100.0
    assert "PE414" in codes(r) and "PE400" not in codes(r)


def test_sichuan_spreads_90_over_all_indicators(evaluate_one):
    rows = [ind(f"i{k}") for k in range(4)]
    r, _ = evaluate_one(make_submission(rows, profile="sichuan"))
    assert [i["weight"] for i in r["indicators"]] == [22.5] * 4


def test_hubei_execution_weighs_20(evaluate_one):
    r, _ = evaluate_one(make_submission([ind("a"), ind("e", "效益指标", "社会效益指标")], profile="hubei", executed=90))
    assert r["execution"]["weight"] == 20 and r["execution"]["score"] == 18.0
    assert [i["weight"] for i in r["indicators"]] == [40.0, 40.0]


# --- execution, totals, grades --------------------------------------------------------
@pytest.mark.parametrize("executed,score", [(100, 10.0), (86.2, 8.62), (97.8, 9.78), (0, 0.0), (120, 10.0)])
def test_execution_score_is_proportional_and_capped(evaluate_one, executed, score):
    r, _ = evaluate_one(make_submission(full_set(), executed=executed))
    assert r["execution"]["score"] == score
    assert r["execution"]["rate"] == pytest.approx(executed / 100)
    assert ("PE403" in codes(r)) == (executed > 100)


def test_total_is_the_sum_of_shown_scores(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 3}, 质量={"actual": "91%"}), executed=97.77))
    shown = r["execution"]["score"] + sum(i["score"] for i in r["indicators"])
    assert r["total"] == pytest.approx(round(shown, 2), abs=1e-9)


@pytest.mark.parametrize("executed,actual,total,grade", [(100, 5, 100.0, "优"), (0, 5, 90.0, "优"), (0, 4.9, 89.6, "良")])
def test_grade_follows_the_total(evaluate_one, executed, actual, total, grade):
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": actual, "note": "x"}), executed=executed))
    assert (r["total"], r["grade"]) == (total, grade)


def test_budget_zero_is_an_error(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(), budget=0, executed=0))
    assert "PE309" in codes(r)


def test_sichuan_requires_reason_below_90_percent(evaluate_one):
    r, _ = evaluate_one(make_submission([ind("a")], profile="sichuan", executed=85))
    assert "PE411" in codes(r)
    r, _ = evaluate_one(make_submission([ind("a")], profile="sichuan", executed=85, funds={"note": "项目延期"}))
    assert "PE411" not in codes(r)


# --- review findings ------------------------------------------------------------------
def test_weights_not_adding_up(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"weight": 25})))
    assert "PE400" in codes(r)
    assert "PE401" in codes(r)  # 产出 55 instead of 50


def test_funds_total_must_equal_sources(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(), funds={"total": {"budget": 0, "executed": 0}}))
    assert codes(r).count("PE402") == 2


def test_shortfall_without_note(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 4})))
    assert "PE404" in codes(r)
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 4, "note": "两户迁出本辖区"})))
    assert "PE404" not in codes(r)


def test_over_achievement_flag(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 6})))
    assert "PE405" in codes(r)
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 5})))
    assert "PE405" not in codes(r)


def test_claimed_scores_inflated_and_understated(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"actual": 4, "claimed_score": 20, "note": "x"},
                                                 质量={"claimed_score": 10})))
    msgs = {i["code"]: i for i in r["issues"]}
    assert "PE406" in msgs and "16.00" in msgs["PE406"]["message"] and "4.00" in msgs["PE406"]["message"]
    assert "PE407" in msgs and "5.00" in msgs["PE407"]["message"]


def test_claimed_total_and_grade(evaluate_one):
    rows = full_set()
    for row in rows:
        row["claimed_score"] = row["weight"]
    r, _ = evaluate_one(make_submission(rows, funds={"claimed_score": 10}, claimed_total=95, claimed_grade="良"))
    c = codes(r)
    assert "PE408" in c  # 95 != 100
    assert "PE409" in c  # 95 is 优, not 良
    assert "PE412" in c  # 95 != computed 100


def test_claimed_score_above_weight(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"claimed_score": 25})))
    assert "PE413" in codes(r)


def test_actual_copied_from_target(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(数量={"target": "≥266米", "actual": "≥266米"})))
    assert "PE410" in codes(r)
    assert r["indicators"][0]["score"] == 20.0


# --- validation -----------------------------------------------------------------------
@pytest.mark.parametrize("change,code", [
    ({"actual": "已完成"}, "PE301"),
    ({"actual": "5个"}, "PE302"),
    ({"actual": None}, "PE304"),
    ({"target": "≥120%", "actual": "100%"}, "PE306"),
    ({"target": "≥90%", "actual": "101%"}, "PE306"),
    ({"target": "≥-5户"}, "PE307"),
    ({"weight": -1}, "PE307"),
    ({"weight": 120}, "PE308"),
    ({"level1": "过程指标"}, "PE208"),
])
def test_value_errors_name_file_line_and_indicator(evaluate_one, change, code):
    r, ev = evaluate_one(make_submission(full_set(数量=change)))
    found = [i for i in ev.issues if i.code == code]
    assert found, [i.code for i in ev.issues]
    assert found[0].line and found[0].file and found[0].indicator == "数量"


def test_unknown_qualitative_wording(evaluate_one):
    r, ev = evaluate_one(make_submission(full_set(效益={"actual": "差不多吧"})))
    assert "PE303" in codes(r)
    assert r["indicators"][3]["scorable"] is False and r["indicators"][3]["score"] == 0


def test_ratio_outside_its_band(evaluate_one):
    r, _ = evaluate_one(make_submission(full_set(效益={"actual": "部分完成", "ratio": 0.9})))
    assert "PE305" in codes(r)


def test_duplicate_indicator(evaluate_one):
    rows = full_set()
    rows.append(dict(rows[0], weight=0))
    r, _ = evaluate_one(make_submission(rows))
    assert "PE209" in codes(r)


def test_structure_errors_have_lines(write):
    text = "perfeval: 1\nproject:\n  name: x\n  year: 2024\n  departmnt: 部门\nfunds:\n  sources: []\nindicators: []\n"
    ev = evaluate([write(text)])
    got = {(i.code, i.line) for i in ev.issues}
    assert ("PE202", 5) in got  # misspelt key, with a suggestion
    assert any(c == "PE200" for c, _ in got)  # department missing
    assert ("PE205", 8) in got and ("PE206", 7) in got
    assert ev.status == ["rejected"]
    assert "department" in next(i.message for i in ev.issues if i.code == "PE202")


def test_duplicate_yaml_key_is_an_error(write):
    text = "perfeval: 1\nperfeval: 1\n"
    ev = evaluate([write(text)])
    assert ("PE105", 2) in {(i.code, i.line) for i in ev.issues}


def test_profile_override_and_user_profile_file(write, tmp_path):
    from perfeval.profile import ProfileError, get_profile

    path = write(make_submission(full_set()))
    r = results(evaluate([path], profile="hubei"))[0]
    assert r["profile"]["name"] == "hubei" and r["execution"]["weight"] == 20
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nexecution: {weight: 10}\ngroups: [{name: a, levels: [产出指标], weight: 50}]\n", "utf-8")
    with pytest.raises(ProfileError):
        get_profile(str(bad))


def test_not_applicable_rescale_profile(evaluate_one):
    from conftest import ROOT

    rows = full_set(数量={"weight": 10})
    rows.insert(1, ind("不适用", target="/", actual="/", weight=10))
    rows[2]["actual"] = "0%"  # 质量 scores 0 of 15
    r, _ = evaluate_one(make_submission(rows), profile=str(ROOT / "tests/cases/profiles/rescale.yaml"))
    w = {i["name"]: i["weight"] for i in r["indicators"]}
    assert w["数量"] == 10 and w["不适用"] == 0  # weights are not redistributed
    # 10 exec + 10 + 0 + 15 + 30 + 10 = 75 of 90 applicable points -> 83.33 on a 100-point basis
    assert r["total"] == 83.33


def test_submission_cannot_choose_a_profile_file(write, tmp_path):
    """Only --profile may load a rules file: an untrusted submission must not pick its own rules."""
    from conftest import ROOT

    lenient = str(ROOT / "tests" / "cases" / "profiles" / "linear.yaml")
    ev = evaluate([write(make_submission(full_set(), profile=lenient))])
    assert ev.status == ["rejected"]
    assert [i.code for i in ev.issues] == ["PE204"] and ev.issues[0].line == 2
    assert results(evaluate([write(make_submission(full_set()))], profile=lenient))[0]["status"] == "scored"
