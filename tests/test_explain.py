"""Issue #10 item 14: every indicator result explains its points — the rule with its numbers, in Chinese."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, make_submission
from perfeval.cli import main
from perfeval.methods import METHODS
from perfeval.pipeline import evaluate, results


def _ind(target, actual, weight, **kw):
    return {"level1": "产出指标", "level2": "数量指标", "name": kw.pop("name", "x"), "target": target, "actual": actual,
            "weight": weight, **kw}


CASES = [
    # target, actual, weight, profile, fragments the explanation must contain
    ("≥120公里", "108公里", 15, "national-2020", ["正向指标", "108公里 ÷ 目标 120公里 = 90.00%", "15.00 × 90.00% = 13.50"]),
    ("≥95%", "97%", 10, "national-2020", ["超过 100% 按 100% 计", "= 10.00"]),
    ("≤4.5万元", "5万元", 10, "national-2020", ["反向指标", "4.5万元 ÷ 实际 5万元 = 90.00%", "= 9.00"]),
    ("≤4.5万元", "4万元", 10, "national-2020", ["不超过目标", "= 10.00"]),
    ("=100%", "90%", 5, "national-2020", ["按正向计", "90% ÷ 目标 100% = 90.00%", "5.00 × 90.00% = 4.50"]),
    ("=5元", "4元", 10, "national-2020", ["等于型", "4 ÷ 5 = 80.00%", "= 8.00"]),
    ("80-90%", "85%", 10, "national-2020", ["区间", "[80, 90]%", "= 10.00"]),
    ("80-90%", "72%", 10, "national-2020", ["低于下限", "= 9.00"]),
    ("道路安全通行", "部分达成预期指标并具有一定效果", 10, "national-2020", ["定性指标", "“部分达成”档", "0.6–0.8", "默认值 0.7", "= 7.00"]),
    ("2024年6月30日前完成", "2024年7月15日", 10, "national-2020", ["时效", "晚于", "未达成", "= 3.00"]),
    ("100±5台", "103台", 10, "national-2020", ["区间（含容差）", "[95, 105]台 内", "= 10.00"]),
]


@pytest.mark.parametrize("target,actual,weight,profile,fragments", CASES)
def test_explanation_carries_the_rule_and_its_numbers(write, target, actual, weight, profile, fragments):
    r = results(evaluate([write(make_submission([_ind(target, actual, weight)], profile=profile))]))[0]
    text = r["indicators"][0]["explain"]
    for f in fragments:
        assert f in text, (f, text)
    assert f"{r['indicators'][0]['score']:.2f}" in text  # the printed score is the one explained


def test_linear_reverse_and_claims_and_execution(write, tmp_path):
    data = yaml.safe_load((resources.files("perfeval") / "profiles" / "national-2020.yaml").read_text("utf-8"))
    data.update(name="linear", reverse="linear")
    prof = tmp_path / "linear.yaml"
    prof.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = results(evaluate([write(make_submission([_ind("≤10天", "12天", 10)], budget=200, executed=150))], profile=str(prof)))[0]
    assert "线性" in r["indicators"][0]["explain"] and "= 8.00" in r["indicators"][0]["explain"]
    assert r["execution"]["explain"] == "预算执行率 = 全年执行数 150 ÷ 全年预算数 200 = 75.00%，得分 = 分值 10.00 × 75.00% = 7.50"
    q = _ind("帮扶到位", "部分达成预期指标并具有一定效果", 10, claimed_score=8)
    r = results(evaluate([write(make_submission([q], profile="hubei"))]))[0]
    assert "自评得分 8.00" in r["indicators"][0]["explain"] and "= 8.00" in r["indicators"][0]["explain"]


def test_every_registered_method_explains_itself():
    # the explanation lives on the Method record, next to its score function
    assert all(m.explain is not None for m in METHODS.values()), [op for op, m in METHODS.items() if m.explain is None]


def test_score_explain_prints_every_line():
    res = CliRunner().invoke(main, ["score", "--explain", str(EXAMPLES / "hubei-rural-water.yaml")])
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "计分依据" in res.output and "108 ÷ 目标 120公里" in res.output.replace("108公里", "108")
    assert "预算执行率 = 全年执行数" in res.output


def test_html_form_shows_it_on_hover_and_report_uses_it(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["render", str(EXAMPLES / "hubei-rural-water.yaml"), "--format", "html", "--out", str(out) + "/"])
    assert res.exit_code in (0, 1), res.output
    html = next(out.glob("*.html")).read_text("utf-8")
    assert re.search(r'title="[^"]*正向指标：完成率 = 实际 108公里 ÷ 目标 120公里 = 90.00%[^"]*"', html)  # hover text of the score cell
    res = CliRunner().invoke(main, ["report", str(EXAMPLES / "hubei-rural-water.yaml"), "--format", "md", "--out", str(tmp_path / "r.md")])
    assert res.exit_code in (0, 1), res.output
    assert "计分依据：正向指标：完成率 = 实际 108公里 ÷ 目标 120公里 = 90.00%" in (tmp_path / "r.md").read_text("utf-8")
