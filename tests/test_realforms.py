"""Real published forms (tests/fixtures/realforms, copied from shared/realforms).

Each form is converted to a submission as printed — the department's scores
become claimed scores — and scored by the rules.  The test checks that nothing
crashes and that the review finds what a finance bureau should see.  The rules
are not tuned to reproduce published scores that break them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfeval.declare.structure import as_number
from perfeval.pipeline import evaluate, results

FORMS = Path(__file__).parent / "fixtures" / "realforms"
PROFILE_BY_REGION = {"湖北": "hubei"}


def to_submission(form: dict) -> dict:
    funds = form["funds"]
    sources = [
        {"name": b["name"], "budget": as_number(b.get("budget")) or 0, "executed": as_number(b.get("executed")) or 0}
        for b in funds.get("breakdown") or [] if as_number(b.get("budget")) is not None
    ] or [{"name": "财政资金", "budget": as_number(funds.get("annual_budget")) or 0, "executed": as_number(funds.get("executed")) or 0}]
    profile = next((p for k, p in PROFILE_BY_REGION.items() if k in (form.get("region") or "")), "national-2020")
    indicators = []
    for i in form["indicators"]:
        if i.get("cut_off") or i["level1"] == "预算执行率":
            continue
        level2 = i["level2"].split("/")[0]
        level1 = "满意度指标" if "满意度" in level2 else i["level1"]
        indicators.append({
            "level1": level1, "level2": level2, "name": i["level3"] or "", "target": i["target"], "actual": i["actual"],
            "weight": i.get("weight") if i.get("weight") is not None else i.get("weight_inferred"),
            "claimed_score": i.get("score"), "note": i.get("deviation_note"),
        })
    sub = {
        "perfeval": 1, "profile": profile,
        "project": {"name": form["project"], "year": form["year"], "department": form.get("department") or "（未填写）",
                    "implementer": form.get("implementer")},
        "funds": {"unit": funds.get("unit") or "万元", "sources": sources,
                  "claimed_score": as_number(funds.get("score_published"))},
        "indicators": indicators,
    }
    if as_number(funds.get("annual_budget")) is not None and funds.get("breakdown"):
        sub["funds"]["total"] = {"budget": as_number(funds["annual_budget"]), "executed": as_number(funds.get("executed"))}
    if form.get("total_visible", True) and form.get("total_score_published") is not None:
        sub["claimed_total"] = form["total_score_published"]
    return sub


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    import yaml

    d = tmp_path_factory.mktemp("realforms")
    paths = []
    for f in sorted(FORMS.glob("*.json")):
        p = d / (f.stem + ".yaml")
        p.write_text(yaml.safe_dump(to_submission(json.loads(f.read_text("utf-8"))), allow_unicode=True, sort_keys=False), "utf-8")
        paths.append(str(p))
    return {Path(r["file"]).stem: r for r in results(evaluate(paths))}


def _codes(r, indicator=None):
    return [i["code"] for i in r["issues"] if indicator is None or i["indicator"] == indicator]


def test_every_form_is_accounted_for(scored):
    assert set(scored) == {f.stem for f in FORMS.glob("*.json")}
    for name, r in scored.items():
        assert r["status"] == "scored", (name, r["issues"])
        assert 0 <= r["total"] <= 100
        for ind in r["indicators"]:
            assert ind["score"] is None or 0 <= ind["score"] <= ind["weight"] + 1e-9


def test_p01_deadline_met_early_and_execution_claim(scored):
    r = scored["P01"]
    t = next(i for i in r["indicators"] if i["name"] == "项目完工时限")
    assert t["tier"] == "达成" and t["score"] == 15
    assert r["execution"]["score"] == 9.78  # published 9: understated
    assert "PE407" in _codes(r, "预算执行率")


def test_s02_missed_deadline_copied_actuals_and_overachievement(scored):
    r = scored["S02"]
    t = next(i for i in r["indicators"] if i["name"] == "项目完成时间")
    assert t["tier"] == "未达成"
    assert "PE410" in _codes(r, "项目年末完成率")  # actual "≥95%" copied from the target
    assert "PE405" in _codes(r, "购置仪器设备(不计低值小零件和定制产品)")  # 42 against 31


def test_p07_total_row_printed_as_zero(scored):
    r = scored["P07"]
    assert r["execution"]["rate"] == 1.0
    cost = next(i for i in r["indicators"] if i["name"] == "项目总成本")
    assert cost["kind"] == "<=" and cost["score"] == 10


def test_005_blank_cells_and_not_applicable_row(scored):
    r = scored["005"]
    names = [i["name"] for i in r["indicators"]]
    assert "完成中型灌区节水改造项目数量" in names  # "指标1:" numbering stripped
    assert _codes(r).count("PE300") == 6  # six rows with no target at all
    na = [i for i in r["indicators"] if i["kind"] == "na"]
    assert len(na) == 1


def test_p05_judgemental_scores_are_flagged_both_ways(scored):
    r = scored["P05"]
    assert "PE406" in _codes(r) and "PE407" in _codes(r)
    early = next(i for i in r["indicators"] if i["name"] == "早孕建册数")
    assert early["score"] == 1.15 and early["claimed_score"] == 1.0


def test_s01_zero_targets_and_unusable_actual(scored):
    r = scored["S01"]
    zero = next(i for i in r["indicators"] if i["name"] == "县级储备粮库存粮食明显变质比例")
    assert zero["completion"] == 1.0 and zero["score"] == zero["weight"]
    assert "PE301" in _codes(r, "政策性挂账利息补贴保障率")  # actual "无" against 100%


def test_004_hubei_ocr_form(scored):
    r = scored["004"]
    assert r["profile"]["name"] == "hubei" and r["execution"]["score"] == 20
    assert "PE410" in _codes(r, "退捕渔民抽样调查满意度")
