"""Department-wide forms and reports (issue 16): render and report in every format, real files read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.department import evaluate_departments
from perfeval.render import render_forms, render_reports

ROOT = Path(__file__).resolve().parents[1]
DEPT = ROOT / "examples" / "department"
SEED = DEPT / "seed-xiqu-union-2024.yaml"


def rec(path) -> dict:
    [ev] = evaluate_departments([str(path)])
    return ev.record


def test_scoresheet_markdown_shows_rubrics_figures_and_weights_source():
    md = render_forms([rec(SEED)], "md")
    assert "## 部门整体支出绩效评价评分表（2024年度）" in md
    assert "分值为 perfeval 默认值" in md
    assert "全年执行数 / 全年预算数 = 100.00%" in md and "按完成比例计分" in md
    assert "**等级：优（好）（自评：好）**" in md
    assert "PE912" in md and "140.75" in md          # review section
    assert "送温暖帮扶专项经费" in md and "100.00" in md   # roll-up table


def test_target_form_html_marks_claims_that_differ():
    html = render_forms([rec(DEPT / "target-township-2021.yaml")], "html")
    assert html.startswith("<!DOCTYPE html>") and "部门整体支出绩效自评表" in html
    assert "政府采购执行率" in html and "diff-up" in html and "年初预算数" in html
    assert "<script" not in html


def test_xlsx_form_reads_back_with_numbers():
    from python_calamine import CalamineWorkbook

    data = render_forms([rec(DEPT / "framework-forestry-hunan.yaml"), rec(SEED)], "xlsx")
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert wb.sheet_names == ["某市林业局", "攀枝花市西区总工会"]
    rows = wb.get_sheet_by_name("某市林业局").to_python()
    flat = {r[2]: r for r in rows if len(r) > 6 and isinstance(r[2], str)}
    assert flat["财政供养人员控制率"][5] == 5 and flat["财政供养人员控制率"][6] == 3.75
    total = next(r for r in rows if r[0] == "总分")
    assert total[6] == pytest.approx(84.14)


def test_report_markdown_has_the_seed_sections_and_computed_numbers():
    md = render_reports([rec(SEED)], "md")
    for head in ("一、部门（单位）基本情况", "二、部门资金收支情况", "三、部门预算绩效分析", "四、评价结论", "五、存在的问题", "六、改进建议"):
        assert head in md
    assert "基本支出 270.52万元，占支出合计的 98.90%" in md   # computed, not the published 98.98%
    assert "总分 100.00 分，等级“优”（好）" in md and "单位未给出自评分数" in md
    assert "运转类（140.75万元）：无" in md


def test_report_docx_is_a_real_word_file():
    from docx import Document

    data = render_reports([rec(SEED)], "docx")
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "攀枝花市西区总工会2024年度部门整体绩效自评报告" in text and "六、改进建议" in text
    assert len(doc.tables) == 1 and doc.tables[0].rows[1].cells[1].text == "绩效目标编制覆盖率"


def test_render_and_report_cli_write_one_file_per_submission(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["render", str(SEED), str(ROOT / "examples" / "seed-corrected.yaml"), "--format", "xlsx", "--out", str(out) + "/"])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)   # the seed department has an error-level finding
    names = sorted(p.name for p in out.iterdir())
    assert names == ["攀枝花市西区总工会_2024年度_自评表.xlsx", "攀枝花市西区总工会_送温暖帮扶专项经费_2024年度_自评表.xlsx"]
    res = CliRunner().invoke(main, ["report", str(DEPT / "framework-forestry-hunan.yaml"), "--format", "docx", "--out", str(tmp_path / "r.docx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.docx").stat().st_size > 5000


def test_mixed_kinds_in_one_output_file_are_refused(tmp_path):
    res = CliRunner().invoke(main, ["render", str(SEED), str(ROOT / "examples" / "seed-corrected.yaml"), "--format", "md", "--out", str(tmp_path / "x.md")])
    assert res.exit_code == 2 and "PE928" in res.output
    assert not (tmp_path / "x.md").exists()
