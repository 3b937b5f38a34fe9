"""The 自评报告: snapshots, Word read-back, traceability of every figure, narrative passthrough.

Snapshots: see tests/test_render_forms.py (PERFEVAL_UPDATE_SNAPSHOTS=1 rewrites them).
"""

from __future__ import annotations

import copy
import html
import io
import re

import docx
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, SNAP, check_snapshot, make_submission, result_of
from perfeval.cli import main
from perfeval.notation import parse, unit_factor
from perfeval.numbers import fmt, pct
from perfeval.render import render_reports
from perfeval.render.context import UNFILLED

SNAPSHOT_INPUTS = {
    "seed-corrected": EXAMPLES / "seed-corrected.yaml",
    "seed-as-published": EXAMPLES / "seed-as-published.yaml",
    "sichuan-roads": SNAP / "inputs" / "sichuan-roads.yaml",
}
SEED = str(EXAMPLES / "seed-corrected.yaml")
SEED_RAW = str(EXAMPLES / "seed-as-published.yaml")
SICHUAN = str(SNAPSHOT_INPUTS["sichuan-roads"])
# every top-level example (the list grows; traceability must hold for all of them) plus our fixture
TRACE_INPUTS = sorted({str(p) for p in EXAMPLES.glob("*.yaml")} | {SICHUAN})




def docx_text(data: bytes) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    d = docx.Document(io.BytesIO(data))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paras, tables


def html_text(text: str) -> str:
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


# ---------------------------------------------------------------------------
# snapshots
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt_", ["md", "html"])
@pytest.mark.parametrize("name", sorted(SNAPSHOT_INPUTS))
def test_report_snapshot(name, fmt_):
    check_snapshot(f"{name}.report.{fmt_}", render_reports([result_of(SNAPSHOT_INPUTS[name])], fmt_))


# ---------------------------------------------------------------------------
# traceability: every figure in the report is a value computed from the result
# ---------------------------------------------------------------------------
def _strings(x) -> list[str]:
    if isinstance(x, str):
        return [x]
    if isinstance(x, dict):
        return [s for v in x.values() for s in _strings(v)]
    if isinstance(x, list):
        return [s for v in x for s in _strings(v)]
    return []


def traceable(r: dict) -> tuple[set[str], set[str], set[str]]:
    """(percentages, amounts, other 2-decimal numbers) the report may print, computed here independently."""
    ex = r["execution"]
    rates = [ex["rate"]] + [s["rate"] for s in ex["sources"]] + [i["completion"] for i in r["indicators"]]
    if ex["budget"]:
        rates += [s["budget"] / ex["budget"] for s in ex["sources"] if s["budget"] is not None]
    money = [ex["initial"], ex["budget"], ex["executed"]]
    money += [s[k] for s in ex["sources"] for k in ("initial", "budget", "executed")]
    if ex["budget"] is not None and ex["executed"] is not None:
        money.append(abs(ex["budget"] - ex["executed"]))
    if ex["budget"] is not None and ex["initial"] is not None:
        money.append(abs(ex["budget"] - ex["initial"]))
    scores = [ex["weight"], ex["score"], ex["claimed_score"], r["total"], r["claimed_total"], *r["subtotals"].values()]
    weight_by_l1: dict[str, float] = {}
    for i in r["indicators"]:
        scores += [i["weight"], i["score"], i["claimed_score"]]
        if i["weight"] is not None and i["kind"] != "na":
            weight_by_l1[i["level1"]] = weight_by_l1.get(i["level1"], 0.0) + i["weight"]
            if i["score"] is not None:
                scores.append(i["weight"] - i["score"])
        if i["claimed_score"] is not None and i["score"] is not None:
            scores.append(abs(i["claimed_score"] - i["score"]))
        t, a = parse(i["target"]), parse(i["actual"])  # gap between target and actual, in the target's unit
        if t.numeric and a.numeric and a.value is not None and t.value is not None:
            f = unit_factor(a.unit, i["unit"] or t.unit)
            if f is not None:
                money += [abs(a.value * f - t.value)] + ([abs(a.value * f - t.hi)] if t.hi is not None else [])
    scores += list(weight_by_l1.values()) + [(ex["weight"] or 0) + sum(weight_by_l1.values())]
    if r["claimed_total"] is not None:
        scores.append(abs(r["claimed_total"] - r["total"]))
    if ex["claimed_score"] is not None:
        scores.append(abs(ex["claimed_score"] - ex["score"]))
    data_text = " ".join(_strings(r))  # what the department typed and the issue messages are data too
    typed = set(re.findall(r"\d+\.\d{2}(?!\d)", data_text))
    pcts = {pct(x) for x in rates if x is not None} | {m + "%" for m in re.findall(r"(\d+\.\d{2})%", data_text)}
    amounts = {fmt(x) for x in money if x is not None} | typed
    numbers = {fmt(x) for x in scores + money if x is not None} | typed
    return pcts, amounts, numbers


def assert_traceable(text: str, r: dict) -> int:
    pcts, amounts, numbers = traceable(r)
    found = 0
    for m in re.finditer(r"(\d+\.\d{2})%", text):
        assert m.group(0) in pcts, f"百分比 {m.group(0)} 不是由数据计算的值：…{text[max(0, m.start() - 40): m.end() + 10]}…"
        found += 1
    for m in re.finditer(r"(\d+\.\d{2})\s*(万元|元)", text):
        assert m.group(1) in amounts, f"金额 {m.group(0)} 不是由数据计算的值：…{text[max(0, m.start() - 40): m.end() + 10]}…"
        found += 1
    for m in re.finditer(r"(?<![\d.])(\d+\.\d{2})(?![\d%])", text):
        assert m.group(1) in numbers, f"数值 {m.group(1)} 不是由数据计算的值：…{text[max(0, m.start() - 40): m.end() + 10]}…"
        found += 1
    return found


@pytest.mark.parametrize("path", TRACE_INPUTS, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_figure_in_the_report_is_computed(path):
    r = result_of(path)
    assert r["status"] == "scored", "every example must be scorable: a rejected one has no report to trace"
    md = render_reports([r], "md")
    assert assert_traceable(md.replace("\\", ""), r) > 5
    assert assert_traceable(html_text(render_reports([r], "html")), r) > 5
    paras, tables = docx_text(render_reports([r], "docx"))
    docx_all = "\n".join(t for _, t in paras) + "\n" + "\n".join(c for t in tables for row in t for c in row)
    assert assert_traceable(docx_all, r) > 5


def test_traceability_check_catches_a_typed_figure():
    r = result_of(SEED)
    md = render_reports([r], "md")
    with pytest.raises(AssertionError, match="98.98%"):
        assert_traceable(md + "\n一般公共预算财政拨款收入270.52万元，占98.98%。", r)
    with pytest.raises(AssertionError, match="270.52"):
        assert_traceable(md + "\n支出 270.52万元。", r)


def test_seed_report_figures_agree_with_the_data():
    r = result_of(SEED)
    md = render_reports([r], "md")
    assert "全年预算数 3.00万元，全年执行数 3.00万元，预算执行率 100.00%" in md
    assert "本级财政资金全年预算数 3.00万元，占全年预算数的 100.00%" in md
    assert "项目总分 100.00 分（满分 100.00 分），评价等级为“优”" in md
    assert "占c%" not in md and "98.98%" not in md


# ---------------------------------------------------------------------------
# sentences generated from results
# ---------------------------------------------------------------------------
def test_indicator_sentences_say_met_missed_over_unscorable_and_na():
    md = render_reports([result_of(SICHUAN)], "md")
    assert "“养护里程”：年度指标值 ≥50公里，实际完成值 52公里，完成率 104.00%，超额完成年度指标值，得 30.00 分（分值 30.00 分）。" in md
    assert ("“每公里养护成本”：年度指标值 ≤2万元，实际完成值 2.2万元，完成率 90.91%，未达到年度指标值，超出年度指标值 0.2万元，"
            "得 9.09 分（分值 10.00 分，扣 0.91 分）。计分依据：反向指标：完成率 = 目标 2万元 ÷ 实际 2.2万元 = 90.91%，"
            "得分 = 分值 10.00 × 90.91% = 9.09。单位自评得分 10.00 分，比按规则计算的得分高 0.91 分。") in md
    assert ("“群众出行条件”（定性指标）：年度指标值“明显改善”，实际完成情况“部分达成预期指标并具有一定效果”，评定为“部分达成”，"
            "得 7.00 分（分值 10.00 分，扣 3.00 分）。计分依据：定性指标：") in md
    assert "“沿线绿化补植”：标记为不适用，不参与评分。" in md
    assert "本项目共设置三级指标 7 项（产出指标 4 项、效益指标 2 项、满意度指标 1 项）；其中达到或超过年度指标值 4 项，部分达成 1 项，未达到年度指标值 1 项，不适用 1 项。" in md
    raw = render_reports([result_of(SEED_RAW)], "md")
    assert "“按照工作计划”：年度指标值 ≥95，实际完成值“已完成”无法与年度指标值比较，不能按规则评分，按 0 分计（分值 16.66 分）。" in raw
    assert "2 项指标的实际完成值无法与年度指标值比较，不能按规则评分：“按照工作计划”、“困难职工满意度”。" in raw


def test_shortfall_is_given_in_the_targets_unit(evaluate_one):
    r, _ = evaluate_one(make_submission([
        {"level1": "产出指标", "level2": "数量指标", "name": "受益人数", "target": "≥12000人", "actual": "11800人"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "入学率", "target": "=100%", "actual": "98%"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "92.5%"},
    ], budget=50, executed=40, funds={"note": "招标延期"}))
    md = render_reports([r], "md")
    assert "未达到年度指标值，比年度指标值少 200人，" in md
    assert "未达到年度指标值，与年度指标值相差 2 个百分点，" in md
    assert "未达到年度指标值，比年度指标值少 2.5 个百分点，" in md
    assert "尚有 10.00万元 未执行。" in md and "预算执行率为 80.00%，全年预算未全部执行。" in md
    assert "执行情况说明（单位填写）：招标延期" in md
    assert_traceable(md.replace("\\", ""), r)


def test_qualitative_met_below_full_marks_says_the_deduction(evaluate_one):
    r, _ = evaluate_one(make_submission([
        {"level1": "产出指标", "level2": "质量指标", "name": "验收", "target": "工程质量合格", "actual": "达成预期指标", "ratio": 0.9},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "明显", "actual": "达成预期指标"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%", "actual": "95%"},
    ]))
    md = render_reports([r], "md")
    assert "评定为“达成”，得 45.00 分（分值 50.00 分，扣 5.00 分）。" in md
    assert "评定为“达成”，得 30.00 分（分值 30.00 分）。" in md


def test_claimed_total_and_grade_in_the_conclusion():
    md = render_reports([result_of(SICHUAN)], "md")
    assert "单位自评总分 100.00 分，比按规则计算的总分高 5.76 分。" in md
    assert "单位自评等级为“优”，与按规则计算的等级一致。" in md
    assert "2 处自评得分与按规则计算的得分不符。" in md


# ---------------------------------------------------------------------------
# narrative: passed through when given, never invented when absent
# ---------------------------------------------------------------------------
NARRATIVE_KEYS = ("basic", "funds", "conclusion", "problems", "suggestions")


def test_narrative_text_is_passed_through():
    r = result_of(SICHUAN)
    for fmt_ in ("md", "html"):
        text = render_reports([r], fmt_)
        for k in NARRATIVE_KEYS:
            assert text.count(r["narrative"][k]) == 1, k
        assert UNFILLED not in text
    paras, _ = docx_text(render_reports([r], "docx"))
    body = "\n".join(t for _, t in paras)
    assert all(body.count(r["narrative"][k]) == 1 for k in NARRATIVE_KEYS) and UNFILLED not in body


def test_absent_narrative_is_marked_not_invented():
    r = result_of(SEED)
    assert r["narrative"]["problems"]  # the example carries the department's own text ...
    r["narrative"] = {}  # ... which is dropped here to see what an empty section looks like
    md = render_reports([r], "md")
    assert md.count(UNFILLED) == 5
    assert "项目基本情况说明：（单位未填写）" in md and "单位填写的问题：（单位未填写）" in md
    section5 = md.split("## 五、改进建议")[1]
    assert section5.strip() == UNFILLED
    partial = copy.deepcopy(r)
    partial["narrative"] = {"problems": "帮扶资金有限。"}
    md2 = render_reports([partial], "md")
    assert md2.count(UNFILLED) == 4 and "单位填写的问题：帮扶资金有限。" in md2


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------
def test_docx_headings_and_tables():
    paras, tables = docx_text(render_reports([result_of(SEED)], "docx"))
    heads = [(s, t) for s, t in paras if s == "Title" or s.startswith("Heading")]
    assert heads == [
        ("Title", "送温暖帮扶专项经费2024年度项目支出绩效自评报告"),
        ("Heading 1", "一、项目概况"), ("Heading 2", "（一）基本情况"), ("Heading 2", "（二）资金安排与使用情况"),
        ("Heading 1", "二、绩效目标及完成情况"), ("Heading 2", "（一）年度总体目标完成情况"), ("Heading 2", "（二）绩效指标完成情况"),
        ("Heading 1", "三、评价结论"), ("Heading 1", "四、存在的问题"), ("Heading 1", "五、改进建议"),
    ]
    funds, inds = tables
    assert funds[0] == ["", "年初预算数", "全年预算数", "全年执行数", "执行率"]
    assert funds[1] == ["年度资金总额（万元）", "3.00", "3.00", "3.00", "100.00%"]
    assert funds[2] == ["其中：本级财政资金", "3.00", "3.00", "3.00", "100.00%"]
    assert inds[0] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成率", "分值", "得分", "完成情况"]
    assert inds[1] == ["产出指标", "数量指标", "送温暖帮扶困难职工数", "≥5户", "5", "100.00%", "16.67", "16.67", "达到"]
    assert inds[3] == ["产出指标", "时效指标", "按照工作计划完成进度", "≥95%", "100%", "105.26%", "16.66", "16.66", "超额完成"]
    assert [row[2] for row in inds[1:]] == [i["name"] for i in result_of(SEED)["indicators"]]
    assert any("项目总分 100.00 分" in t for _, t in paras)


def test_docx_uses_an_east_asian_font_and_marks_differences():
    data = render_reports([result_of(SICHUAN)], "docx")
    d = docx.Document(io.BytesIO(data))
    rfonts = d.styles["Normal"].element.rPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts")
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    cell = next(c for row in d.tables[1].rows for c in row.cells if c.text == "9.09 ⚠")
    run = cell.paragraphs[0].runs[0]
    assert run.font.bold and str(run.font.color.rgb) == "B00020"


def test_docx_many_projects_and_control_characters():
    # the loader rejects control characters (PE201); a result dict from elsewhere must still give a valid .docx
    r = result_of(SEED)
    r["project"]["name"] = "测试项目"
    r["indicators"][0]["name"] = "指标\x07铃"
    r["narrative"] = {"basic": "第一行\n第二行\x0b"}
    data = render_reports([r, result_of(SEED)], "docx")
    paras, _ = docx_text(data)
    titles = [t for s, t in paras if s == "Title"]
    assert titles == ["测试项目2024年度项目支出绩效自评报告", "送温暖帮扶专项经费2024年度项目支出绩效自评报告"]
    assert any("“指标铃”" in t for _, t in paras)
    assert any(t == "项目基本情况说明：第一行\n第二行" for _, t in paras)


# ---------------------------------------------------------------------------
# HTML report, escaping, CLI
# ---------------------------------------------------------------------------
def test_html_report_is_escaped_and_prints_well(evaluate_one):
    xss = "<script>alert(1)</script>"
    r, _ = evaluate_one(make_submission(
        [{"level1": "产出指标", "level2": "数量指标", "name": f"指标{xss}", "target": "≥1个", "actual": 1, "note": xss}],
        project={"name": f"项目{xss}", "year": 2024, "department": "部门"}, narrative={"suggestions": xss}))
    text = render_reports([r, result_of(SEED)], "html")
    assert "<script" not in text.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count('<article class="report"') == 2
    assert "@page { size: A4 portrait" in text and "article.report + article.report { break-before: page" in text
    md = render_reports([r], "md")
    assert "<script>" not in md


def test_cli_report_formats(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["report", SEED])
    assert res.exit_code == 0 and res.stdout.startswith("# 送温暖帮扶专项经费2024年度项目支出绩效自评报告")
    res = runner.invoke(main, ["report", SEED, SICHUAN, "--format", "docx", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in tmp_path.iterdir())
    # file names carry the department and the code (issue #10): two departments' projects never share a name
    assert names == sorted(["某县交通运输局_51042124T000000005678-公路养护_农村公路日常养护_2023年度_自评报告.docx",
                            "攀枝花市西区总工会_送温暖帮扶专项经费_2024年度_自评报告.docx"])
    paras, _ = docx_text((tmp_path / "攀枝花市西区总工会_送温暖帮扶专项经费_2024年度_自评报告.docx").read_bytes())
    assert paras[0] == ("Title", "送温暖帮扶专项经费2024年度项目支出绩效自评报告")
    res = runner.invoke(main, ["report", SEED_RAW, "--format", "html", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 1 and (tmp_path / "r.html").read_text("utf-8").startswith("<!DOCTYPE html>")
