"""perfeval audit against the document's own 决算 tables (issue 12): extraction (.docx, .pdf), totals vs rows, text vs cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_tables_docs import EXAMPLE_PLANTS, EXAMPLE_TEXT, build, build_pdf
from perfeval.audit import audit_file
from perfeval.audit.readers import read


def _table_rows(a) -> list[tuple]:
    return [(f.code, f.line, f.to_dict()["claimed"], f.to_dict()["expected"], f.extra.get("table"), f.extra.get("row"),
             f.extra.get("column")) for f in a.findings]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("t") / "good.docx")


# --- extraction --------------------------------------------------------------------------
def test_docx_tables_are_read_with_title_unit_kind_and_blocks(good):
    src = read(str(good))
    assert not src.issues
    got = [(t.no, t.kind, t.unit, len(t.blocks)) for t in src.tables]
    assert got == [(1, "收入支出决算总表", "万元", 2), (2, "收入决算表", "万元", 1), (3, "支出决算表", "万元", 1),
                   (4, "一般公共预算财政拨款支出决算表", "元", 1), (5, "基本支出决算表", "万元", 2),
                   (6, "三公经费支出决算表", "万元", 1), (7, "国有资本经营预算财政拨款支出决算表", "万元", 1)]
    t2 = src.tables[1]
    # three merged header rows: 类/款/项 under 功能分类科目编码 under 项目; the 栏次 row is dropped
    assert [c.role for c in t2.columns[:5]] == ["code", "code", "code", "label", "num"]
    assert t2.columns[1].path == ["项目", "功能分类科目编码", "款"]
    assert t2.rows[0].cells[0] == "合计" and t2.code(t2.rows[2], t2.blocks[0]) == "20129"
    # 元 with thousands separators; blank cells are 0
    t4 = src.tables[3]
    assert str(t4.rows[0].values[2].value) == "2705200.00"
    assert src.tables[2].rows[1].values[7].value == 0
    # the 三公 table: three header rows, 预算数/决算数 groups
    assert src.tables[5].col_name(8) == "决算数/公务用车购置及运行维护费/小计"
    # the 空表 note under the table
    assert src.tables[6].note.startswith("注：本单位2024年度没有国有资本经营") and src.tables[6].empty
    # each row knows its paragraph number (table rows counted as paragraphs, as the text lines are)
    lines = {ln.no: ln.text for ln in src.lines}
    r = src.tables[0].rows[-1]
    assert lines[r.sentence.line].startswith("总计\t12\t273.52")


# --- a correct document: nothing -----------------------------------------------------------
def test_correct_document_has_no_findings(good):
    assert audit_file(str(good)).findings == []


# --- planted errors --------------------------------------------------------------------------
def test_example_plants_are_found_with_table_row_and_column(tmp_path):
    a = audit_file(str(build(tmp_path / "bad.docx", EXAMPLE_PLANTS, text=EXAMPLE_TEXT)))
    assert _table_rows(a) == [
        ("PE824", 15, 27.62, 27.26, "表4（一般公共预算财政拨款支出决算表）", 3, "本年支出/项目支出"),
        ("PE820", 38, 237.52, 273.52, "表1（收入支出决算总表）", 15, "支出/金额"),
        ("PE821", 79, 17.83, 18.1, "表3（支出决算表）", 10, "本年支出合计"),
        ("PE822", 81, 12.85, 12.58, "表3（支出决算表）", 12, "本年支出合计"),
        ("PE822", 135, 4.4, 4.2, "表6（“三公”经费财政拨款支出决算表）", 4, "决算数/合计"),
    ]
    f = a.findings[1]
    assert "表1（收入支出决算总表） 第15行 “支出/金额”列" in f.message
    assert "【237.52】" in f.marked()
    # the text's amount in 万元 against a cell in 元
    assert "272,600.00元（应写作 27.26万元）" in a.findings[0].message and "【27.62万元】" in a.findings[0].marked()


@pytest.mark.parametrize("plant,want", [
    # the 合计 row off: one finding on its cell (the row identity marks the same cell)
    ({"支出表.合计": "273.25"}, [("PE820", 73, 273.25, 273.52)]),
    # 本年收入合计 off: wrong against the lines above it, and 总计 is then wrong against it
    ({"总表.本年收入合计": "273.62"}, [("PE820", 35, 273.62, 273.52), ("PE820", 38, 273.52, 273.62)]),
    # a 类 row (302) off: against its 款 rows, and the block's 公用经费合计 against the 类 rows
    ({"基本.302": "113.94"}, [("PE821", 122, 113.94, 113.49), ("PE820", 128, 113.49, 113.94)]),
])
def test_planted_totals(tmp_path, plant, want):
    a = audit_file(str(build(tmp_path / "p.docx", plant)))
    assert [(f.code, f.line, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == want


def test_rounding_of_printed_cells_is_not_an_error(tmp_path):
    # 3.34 + 3.33 + 3.33 = 10.00, but the true parts may add up to anything below 10.015: a printed 10.01 is possible
    rows = [["合计", "", "10.01", "3.34", "3.33", "3.33"]]
    head = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "经营支出"]]
    assert _doc(tmp_path, ["支出决算表", "单位：万元"], head, rows).findings == []
    # 10.02 is not: the parts are below 10.015 whatever their third decimal
    rows = [["合计", "", "10.02", "3.34", "3.33", "3.33"]]
    a = _doc(tmp_path, ["支出决算表", "单位：万元"], head, rows)
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE822", 10.02, 10)]
    # a blank cell is an exact 0 and adds no tolerance: 5.01 against 5.00 + blank is wrong
    rows = [["合计", "", "5.01", "5.00", "", ""]]
    a = _doc(tmp_path, ["支出决算表", "单位：万元"], head, rows)
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE822", 5.01, 5)]


# --- conservative: structures we cannot establish are not checked ----------------------------
def _doc(tmp_path, caption, header, rows, merges=()):
    import docx

    from audit_tables_docs import _table
    d = docx.Document()
    d.add_paragraph("2024年度部门决算")
    _table(d, caption, header, list(merges), rows)
    p = tmp_path / "x.docx"
    d.save(str(p))
    return audit_file(str(p))


def test_total_not_checked_when_a_class_is_missing(tmp_path):
    # the 合计 covers a 类 (208) whose row is not in the table — only its 项 is: no 合计 check
    rows = [["合计", "", "30.00"], ["201", "一般公共服务支出", "20.00"], ["2080501", "行政单位离退休", "5.00"]]
    a = _doc(tmp_path, ["支出决算表", "单位：万元"], [["科目编码", "科目名称", "本年支出合计"]], rows)
    assert a.findings == []


def test_flat_total_not_checked_with_unnumbered_lines(tmp_path):
    rows = [["一、财政拨款收入", "10.00"], ["另有说明的收入", "5.00"], ["二、其他收入", "1.00"], ["本年收入合计", "16.00"]]
    assert _doc(tmp_path, ["收入支出决算总表", "单位：万元"], [["项目", "金额"]], rows).findings == []
    rows = [["一、财政拨款收入", "10.00"], ["二、其他收入", "1.00"], ["本年收入合计", "12.00"]]
    a = _doc(tmp_path, ["收入支出决算总表", "单位：万元"], [["项目", "金额"]], rows)
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE820", 12, 11)]


def test_columns_not_in_a_known_decomposition_are_not_summed(tmp_path):
    # 合计 beside columns that are not its parts (预算数, 决算数): no column identity
    rows = [["合计", "", "10.00", "12.00", "9.00"]]
    a = _doc(tmp_path, ["支出决算表", "单位：万元"], [["科目编码", "科目名称", "合计", "预算数", "决算数"]], rows)
    assert a.findings == []


def test_a_table_without_a_unit_is_still_checked_for_its_own_totals(tmp_path):
    rows = [["合计", "", "10.00", "6.00", "3.00"]]
    a = _doc(tmp_path, ["支出决算表"], [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]], rows)
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE822", 10, 9)]


# --- text vs cells ----------------------------------------------------------------------------
@pytest.mark.parametrize("old,new,want", [
    # each named amount against its cell (万元 text, 万元 and 元 tables)
    ("2024年度收、支总计均为273.52万元", "2024年度收、支总计均为273.55万元", ("收入总计", 273.55, 273.52)),
    ("人员经费129.77万元", "人员经费129.70万元", ("人员经费", 129.7, 129.77)),
    ("公务用车购置及运行维护费2.80万元", "公务用车购置及运行维护费2.08万元", ("公务用车购置及运行维护费", 2.08, 2.8)),
    ("卫生健康支出12.22万元", "卫生健康支出12.02万元", ("卫生健康支出", 12.02, 12.22)),
    ("事业收入0万元", "事业收入1.00万元", ("事业收入", 1, 0)),
])
def test_text_amount_against_its_cell(tmp_path, old, new, want):
    a = audit_file(str(build(tmp_path / "t.docx", text={old: new})))
    got = [(f.extra["column"], f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings if f.code == "PE824"]
    assert len(got) == 1 and got[0][1:] == want[1:], got
    assert any(want[0] in f.message for f in a.findings if f.code == "PE824")


@pytest.mark.parametrize("sentence", [
    "2023年度本年支出合计246.26万元。",  # another year
    "与上年相比，基本支出增加12.00万元，上年基本支出231.26万元。",  # the previous year
    "2024年度本年支出合计约273万元。",  # an approximate figure
    "本年支出合计270万元左右。",
    "（三）项目支出情况\n本年支出合计30.00万元。",  # a project section speaks of the project's money
])
def test_text_not_compared(tmp_path, sentence):
    a = audit_file(str(build(tmp_path / "n.docx", text={"三、支出决算情况说明": "三、支出决算情况说明\n" + sentence})))
    assert [f for f in a.findings if f.code == "PE824"] == []


def test_rounded_text_amount_is_accepted_and_ambiguous_names_skipped(tmp_path):
    # 231万元 is 231.12 printed without decimals; 基本支出 in a 财政拨款 section is not the all-funds cell
    add = "三、支出决算情况说明\n一般公共服务支出约231万元。\n财政拨款支出中，基本支出240.00万元。"
    a = audit_file(str(build(tmp_path / "r.docx", text={"三、支出决算情况说明": add})))
    assert [f for f in a.findings if f.code == "PE824"] == []


def test_disagreeing_tables_make_a_name_ambiguous(tmp_path):
    # 201 is 240.00 in the all-funds 支出决算表 and 231.12 in the 一般公共预算 05 表 (other funds spent too):
    # "一般公共服务支出" in the text could mean either — never compared; a wrong cell is no reference either
    import docx

    from audit_tables_docs import _table

    def doc(text: str, plant05: str = "231.12") -> list:
        d = docx.Document()
        d.add_paragraph("2024年度部门决算")
        d.add_paragraph(text)
        head = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]]
        _table(d, ["支出决算表", "单位：万元"], head, [], [["合计", "", "240.00", "240.00", ""], ["201", "一般公共服务支出", "240.00", "240.00", ""]])
        head = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        _table(d, ["一般公共预算财政拨款支出决算表", "单位：万元"], head, [],
               [["合计", "", "231.12", "231.12", ""], ["201", "一般公共服务支出", plant05, "231.12", ""]])
        p = tmp_path / "a.docx"
        d.save(str(p))
        return [(f.code, f.to_dict()["claimed"]) for f in audit_file(str(p)).findings]

    assert doc("一般公共服务支出250.00万元。") == []
    assert doc("一般公共预算财政拨款支出231.12万元。") == []
    assert doc("一般公共预算财政拨款支出213.12万元。") == [("PE824", 213.12)]
    # 05 表's 合计 right, its 201 row wrong (PE820 on 合计 against the 类, PE822 on the row): the text is not judged by it
    assert doc("一般公共预算财政拨款支出231.12万元。", plant05="231.21") == [("PE820", 231.12), ("PE822", 231.21)]


# --- PDF: ruled tables, one broken across two pages ---------------------------------------------
@pytest.mark.parametrize("repeat_header", [True, False])
def test_pdf_table_across_pages_correct_document(tmp_path, repeat_header):
    p = build_pdf(tmp_path / "ok.pdf", repeat_header=repeat_header)
    src = read(str(p))
    assert not src.issues
    assert [(t.kind, t.unit, t.parts, len(t.rows)) for t in src.tables] == [
        ("支出决算表", "万元", 2, 21), ("一般公共预算财政拨款支出决算表", "元", 1, 18),
        ("国有资本经营预算财政拨款支出决算表", "万元", 1, 0)]
    assert src.tables[2].note.startswith("注：本单位2024年度没有")
    # the text lines inside the tables are table rows, not prose (no headings, no sentences from them)
    assert [ln.table for ln in src.lines if ln.text.startswith("项目")] == [True] * (3 + repeat_header)
    assert audit_file(str(p)).findings == []


def test_pdf_planted_errors_name_page_table_row_and_column(tmp_path):
    p = build_pdf(tmp_path / "bad.pdf", {"支出表.2101103": "5.84", "05.合计": "2,750,200.00"},
                  text={"住房保障支出9.35万元": "住房保障支出9.53万元"})
    a = audit_file(str(p))
    got = [(f.code, f.line, f.sentence.page, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings]
    assert got == [("PE824", 7, 1, 9.53, 9.35),  # text vs the 05 表 (in 元)
                   ("PE821", 26, 2, 12.22, 12.58),  # 款 21011 on page 2, its 项 rows on page 3
                   ("PE822", 32, 3, 5.84, 5.48),
                   ("PE820", 44, 3, 2750200, 2705200)]
    assert a.findings[1].message.startswith("第2页 表1（支出决算表） 第14行 “本年支出合计”列")
    # the text's 270.52 is not compared with the wrong 合计 cell of the 05 表
    assert not [f for f in a.findings if f.line == 5]


def test_three_public_table_down_the_page(tmp_path):
    # "三公" 经费 laid out one part per row; the caption is the nearest title above (not the sentence before it)
    import docx

    from audit_tables_docs import _table
    d = docx.Document()
    d.add_paragraph("2024年度部门决算")
    d.add_paragraph("2024年“三公”经费财政拨款支出决算为4.20万元，公务用车运行费2.80万元，公务接待费1.50万元。")
    _table(d, ["“三公”经费财政拨款支出决算表", "单位：万元"], [["项目", "预算数", "决算数"]], [],
           [["合计", "5.00", "4.20"], ["1.因公出国（境）费", "0", "0"], ["2.公务用车购置及运行维护费", "3.00", "2.80"],
            ["（1）公务用车购置费", "0", "0"], ["（2）公务用车运行费", "3.00", "2.80"], ["3.公务接待费", "2.00", "1.40"]])
    p = tmp_path / "v.docx"
    d.save(str(p))
    a = audit_file(str(p))
    assert [(f.code, f.to_dict()["claimed"], f.extra["column"], f.extra["row"]) for f in a.findings] == [("PE824", 1.5, "决算数", 7)]
    assert "表1（“三公”经费财政拨款支出决算表）" in a.findings[0].message


def test_code_in_the_name_cell_dashes_and_thousand_yuan(tmp_path):
    # "201 一般公共服务支出" in one cell, "-" for 0, amounts in 千元 against text in 万元
    rows = [["合计", "2,311.20", "2,038.60", "272.60"],
            ["201 一般公共服务支出", "2,311.20", "2,038.60", "272.60"],
            ["20129 群众团体事务", "2,311.20", "2,038.60", "272.60"],
            ["2012901 行政运行", "2,096.60", "1,824.00", "272.60"],
            ["2012950 事业运行", "214.60", "214.60", "-"]]
    head = [["科目名称", "本年支出合计", "基本支出", "项目支出"]]
    a = _doc(tmp_path, ["支出决算表", "金额单位：千元"], head, rows)
    assert a.findings == []
    rows[4][1] = "241.60"
    a = _doc(tmp_path, ["支出决算表", "金额单位：千元"], head, rows)
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [
        ("PE821", 2311.2, 2338.2), ("PE822", 241.6, 214.6)]


def test_caption_in_a_small_table_of_its_own(tmp_path):
    # "编制单位：… | 金额单位：元" in a borderless one-row table above the real one: the unit is still found
    import docx

    from audit_tables_docs import _table

    def doc(text: str) -> Path:
        d = docx.Document()
        d.add_paragraph("2024年度部门决算")
        d.add_paragraph(text)
        d.add_paragraph("支出决算表")
        _table(d, [], [["编制单位：某区文化馆", "金额单位：元"]], [], [])
        _table(d, [], [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]], [],
               [["合计", "", "273,500.00", "243,500.00", "30,000.00"]])
        p = tmp_path / "c.docx"
        d.save(str(p))
        return p

    p = doc("2024年度本年支出合计27.35万元。")
    assert [(t.kind, t.unit) for t in read(str(p)).tables] == [("支出决算表", "元")]
    assert audit_file(str(p)).findings == []
    a = audit_file(str(doc("2024年度本年支出合计27.53万元。")))
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE824", 27.53, 27.35)]
