"""The 自评表 as an Excel workbook, read back with openpyxl: cells, merges, number formats, print setup."""

from __future__ import annotations

import copy
import io
from functools import lru_cache

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, make_submission
from perfeval.cli import main
from perfeval.pipeline import evaluate, results
from perfeval.render import render_forms
from perfeval.render.xlsx import sheet_name

SEED = str(EXAMPLES / "seed-corrected.yaml")
SEED_RAW = str(EXAMPLES / "seed-as-published.yaml")
SICHUAN = str(ROOT / "tests" / "snapshots" / "inputs" / "sichuan-roads.yaml")


@lru_cache(maxsize=None)
def _result(path: str) -> dict:
    return results(evaluate([path]))[0]


def workbook(*rs: dict, **kw) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_forms(list(rs), "xlsx", **kw)))


def find(ws, text):
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"没有值为 {text!r} 的单元格")


def row_values(ws, r: int) -> list:
    """Values of row r, skipping empty cells (merged-away cells read as None)."""
    return [c.value for c in ws[r] if c.value is not None]


def merged(ws) -> set[str]:
    return {str(m) for m in ws.merged_cells.ranges}


def test_seed_workbook_cells_and_merges():
    wb = workbook(copy.deepcopy(_result(SEED)))
    assert wb.sheetnames == ["送温暖帮扶专项经费"]
    ws = wb.active
    assert ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value == "（2024年度）"
    assert {"A1:I1", "A2:I2"} <= merged(ws)  # title across the 9 columns
    name = find(ws, "项目名称")
    assert ws.cell(name.row, 3).value == "送温暖帮扶专项经费"
    assert f"A{name.row}:B{name.row}" in merged(ws) and f"C{name.row}:I{name.row}" in merged(ws)
    dept = find(ws, "主管部门")
    assert row_values(ws, dept.row) == ["主管部门", "攀枝花市西区总工会", "实施单位", "攀枝花市西区总工会"]

    total = find(ws, "年度资金总额")
    vals = row_values(ws, total.row)
    assert vals == ["年度资金总额", 3, 3, 3, 10, 1, 10]
    cells = [ws.cell(total.row, c) for c in range(4, 10)]
    assert all(isinstance(c.value, (int, float)) for c in cells)  # numbers, not text
    assert [c.number_format for c in cells] == ["0.00", "0.00", "0.00", "0.00", "0.00%", "0.00"]
    src = find(ws, "其中：本级财政资金")
    assert row_values(ws, src.row) == ["其中：本级财政资金", 3, 3, 3, "-", 1, "-"]
    block = find(ws, "项目资金（万元）")
    assert f"A{block.row}:A{src.row}" in merged(ws)  # the block label spans header, total and source rows

    head = find(ws, "一级指标")
    assert row_values(ws, head.row) == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    first = head.row + 1
    assert f"B{first}:B{first + 2}" in merged(ws)  # 产出指标 merged over its three rows
    assert ws.cell(first, 2).value == "产出指标"
    assert row_values(ws, first)[1:] == ["数量指标", "送温暖帮扶困难职工数", "≥5户", "5", 16.67, 16.67]
    assert ws.cell(first, 7).number_format == "0.00" and ws.cell(first, 8).number_format == "0.00"
    assert sum(ws.cell(r, 7).value for r in range(first, first + 5)) == pytest.approx(90)
    tot = find(ws, "总分")
    assert row_values(ws, tot.row) == ["总分", 100, 100]
    assert f"A{tot.row}:F{tot.row}" in merged(ws)
    grade = find(ws, "等级")
    assert row_values(ws, grade.row) == ["等级", "优"]


def test_workbook_prints_on_a4_landscape_one_page_wide_with_borders_and_wrap():
    ws = workbook(copy.deepcopy(_result(SEED))).active
    ps = ws.page_setup
    assert ps.orientation == "landscape" and str(ps.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ps.fitToWidth in (None, 1) and ps.fitToHeight in (None, 1)  # one page (issue #10)
    goal = find(ws, "通过送温暖、送清凉、金秋助学、困难职工帮扶、生活补助、医疗救助等让困难职工家庭感受到组织的温暖。")
    assert goal.alignment.wrap_text and goal.border.left.style == "thin"
    assert ws.row_dimensions[goal.row].height > 15  # a long merged text gets a taller row
    num = find(ws, "年度资金总额")
    assert ws.cell(num.row, 5).border.top.style == "thin"
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["D"] >= 20 and widths["A"] < 8  # 三级指标 wide, the vertical block label narrow


def test_sichuan_workbook_has_separate_columns_and_numbers():
    ws = workbook(copy.deepcopy(_result(SICHUAN))).active
    assert ws["A1"].value == "部门预算项目支出绩效自评表"
    head = find(ws, "指标性质")
    assert row_values(ws, head.row)[1:] == ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "自评得分", "未完成原因分析"]
    row = find(ws, "养护里程").row
    assert [ws.cell(row, c).value for c in range(5, 10)] == ["≥", 50, "公里", "52公里", 30]
    assert isinstance(ws.cell(row, 6).value, (int, float))
    assert find(ws, "预算执行情况（10分）").value and find(ws, "绩效指标（90分）").value
    total = find(ws, "总额").row
    assert [ws.cell(total, c).value for c in range(4, 11)] == [110, 130, 106, pytest.approx(106 / 130), 10, 8.15, 10]
    assert ws.cell(total, 7).number_format == "0.00%"
    assert ws.cell(total, 11).value == "部分路段因汛期推迟施工，结余资金结转下年使用。"
    na = find(ws, "沿线绿化补植").row
    assert [ws.cell(na, c).value for c in (5, 9, 10)] == ["/", "/", "/"]
    assert find(ws, "评价结论").row < find(ws, "改进措施").row


def test_claimed_scores_are_highlighted_with_a_comment(evaluate_one):
    sub = make_submission([
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥100人次", "actual": "80人次", "weight": 90,
         "claimed_score": 90, "note": "=HYPERLINK(\"http://x\")"},
        {"level1": "产出指标", "level2": "成本指标", "name": "人均成本", "target": "=5元", "actual": "5元", "weight": 0},
    ], profile="sichuan", claimed_total=100)
    r, _ = evaluate_one(sub)
    ws = workbook(r).active
    row = find(ws, "培训人次").row
    ind_head = find(ws, "未完成原因分析").row
    cols = {ws.cell(ind_head, c).value: c for c in range(1, ws.max_column + 1)}
    score, claimed = ws.cell(row, cols["得分"]), ws.cell(row, cols["自评得分"])
    assert score.value == 72 and claimed.value == 90
    for c in (score, claimed):
        assert c.fill.fgColor.rgb.endswith("FFE0E0") and c.font.b
        assert c.comment is not None and "不符" in c.comment.text
    plain = ws.cell(find(ws, "人均成本").row, cols["得分"])
    assert plain.comment is None
    # user text that looks like a formula stays text
    note = ws.cell(row, cols["未完成原因分析"])
    assert note.data_type == "s" and note.value == '=HYPERLINK("http://x")'  # a string cell, verbatim (no apostrophe, issue #10)
    # our own comparator cell is not touched by the formula guard
    assert ws.cell(find(ws, "人均成本").row, cols["指标性质"]).value == "="


def test_unscorable_scores_are_numbers_with_a_note():
    ws = workbook(copy.deepcopy(_result(SEED_RAW))).active
    row = find(ws, "按照工作计划").row
    c = ws.cell(row, 8)
    assert c.value == 0 and c.number_format == "0.00" and c.fill.fgColor.rgb.endswith("FFF3CD")
    assert "无法评分" in c.comment.text or "不能按规则评分" in c.comment.text
    assert find(ws, "复核意见（perfeval 按规则生成，不属于自评表）")
    assert not any(v == "复核意见（perfeval 按规则生成，不属于自评表）" for row_ in
                   workbook(copy.deepcopy(_result(SEED_RAW)), show_review=False).active.iter_rows(values_only=True) for v in row_)


def test_many_projects_in_one_file_get_one_sheet_each(tmp_path):
    out = tmp_path / "all.xlsx"
    res = CliRunner().invoke(main, ["render", SEED, SEED_RAW, SICHUAN, "--format", "xlsx", "--out", str(out)])
    assert res.exit_code == 1  # seed-as-published has errors; all three are still rendered
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["送温暖帮扶专项经费", "送温暖帮扶专项经费(2)", "农村公路日常养护"]


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    names = [sheet_name(n, used) for n in ["a/b:c*d?[e]", "x" * 40, "x" * 40, "History", "", "'引号'"]]
    assert names[0] == "a_b_c_d__e_"
    assert len(names[1]) == 31 and names[2].endswith("(2)") and len(names[2]) <= 31
    assert names[3] == "History_" and names[4] == "自评表" and names[5] == "引号"
    assert len({n.lower() for n in names}) == len(names)
