"""Long-format tables (CSV / XLSX) as input: encodings, columns, funds table, row numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLES
from perfeval.batch import Options, UsageError, expand, run
from perfeval.declare.tables import read_table
from perfeval.pipeline import evaluate, results

HEADER = "项目编码,项目名称,主管部门,实施单位,年度,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施"
# the seed form (examples/seed-corrected.yaml) as a table: project fields on the first row only
SEED_ROWS = [
    "P001,送温暖帮扶专项经费,攀枝花市西区总工会,攀枝花市西区总工会,2024,产出指标,数量指标,送温暖帮扶困难职工数,≥5户,5,,,",
    ",,,,,产出指标,质量指标,完成送温暖帮扶工作,通过送温暖帮扶困难职工，使困难职工感受到组织的温暖,达成预期指标,,,",
    ",,,,,产出指标,时效指标,按照工作计划完成进度,≥95%,100%,,,",
    ",,,,,效益指标,社会效益指标,让困难职工感受组织温暖,通过送温暖帮扶困难职工，使困难职工感受到组织的温暖。,达成预期指标,,,",
    ",,,,,满意度指标,服务对象满意度指标,困难职工满意度,满意度95%以上,95%,,,",
]
SECOND = [
    "P002,职工培训项目,某区总工会,某区总工会,2024,产出指标,数量指标,培训人次,≥100人次,80人次,50,50,",
    "P002,职工培训项目,某区总工会,某区总工会,2024,效益指标,社会效益指标,知晓率,≥90%,95%,30,30,",
    "P002,职工培训项目,某区总工会,某区总工会,2024,满意度指标,服务对象满意度指标,满意度,≥90%,92%,10,10,",
]
FUNDS = "项目编码,资金来源,年初预算数（万元）,全年预算数（万元）,全年执行数（万元）,执行率自评得分\nP001,本级财政资金,3,3,3,10\nP002,本级财政资金,10,10,9,10\n"


def write_table(d: Path, name: str, rows: list[str], funds: str | None = FUNDS, encoding: str = "utf-8", header: str = HEADER) -> Path:
    p = d / name
    p.write_bytes(("\n".join([header] + rows) + "\n").encode(encoding))
    if funds is not None:
        (d / (p.stem + ".funds.csv")).write_bytes(funds.encode(encoding))
    return p


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def batch(tmp_path: Path, *inputs, **opts) -> tuple[list[dict], list[dict], object]:
    out = tmp_path / "out"
    res = run([str(i) for i in inputs], Options(out=str(out), jobs=1, seed=1, **opts))
    return read_csv(out / "summary.csv"), read_csv(out / "issues.csv"), res


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    t = write_table(tmp_path, "t.csv", SEED_ROWS + SECOND, encoding=encoding)
    rows, issues, res = batch(tmp_path, t)
    assert [r["项目名称"] for r in rows] == ["送温暖帮扶专项经费", "职工培训项目"]
    assert [r["状态"] for r in rows] == ["已评分", "已评分"]
    assert rows[0]["主管部门"] == "攀枝花市西区总工会" and rows[0]["总分"] == "100.00"
    assert all(r["源文件"] == str(t) for r in rows)


def test_table_project_scores_exactly_like_the_yaml_file(tmp_path):
    t = write_table(tmp_path, "t.csv", SEED_ROWS, funds="项目编码,资金来源,年初预算数,全年预算数,全年执行数\nP001,本级财政资金,3,3,3\n")
    tr = read_table(t)
    assert len(tr.submissions) == 1 and tr.readable
    from perfeval.declare.rows import Columns
    from perfeval.pipeline import evaluate_columns, prepare_one

    ld = tr.submissions[0].loaded
    cols = Columns()
    assert prepare_one(ld, 0, cols)
    ev = evaluate_columns(["t"], ["scored"], cols, ld.issues)
    got = results(ev)[0]
    want = results(evaluate([str(EXAMPLES / "seed-corrected.yaml")]))[0]
    assert got["total"] == want["total"] and got["grade"] == want["grade"] and got["subtotals"] == want["subtotals"]
    assert [(i["name"], i["score"], i["completion"]) for i in got["indicators"]] == \
        [(i["name"], i["score"], i["completion"]) for i in want["indicators"]]
    assert [i["line"] for i in got["indicators"]] == [2, 3, 4, 5, 6]  # CSV rows (header = row 1)


def test_issue_rows_point_at_the_table_and_the_funds_table(tmp_path):
    t = write_table(tmp_path, "t.csv", SEED_ROWS + SECOND, encoding="gbk")
    rows, issues, _ = batch(tmp_path, t)
    by_code = {(i["代码"], i["指标"]): i for i in issues}
    shortfall = by_code[("PE404", "培训人次")]
    assert shortfall["文件"] == str(t) and shortfall["行号"] == "7" and shortfall["项目"] == "职工培训项目"
    inflated_exec = by_code[("PE406", "预算执行率")]  # claimed 10 in the funds table, 9.00 by the rules
    assert inflated_exec["文件"] == str(tmp_path / "t.funds.csv") and inflated_exec["行号"] == "3"


def test_missing_columns_reject_the_table_once(tmp_path):
    t = write_table(tmp_path, "t.csv", ["P1,项目,2024,x"], header="项目编码,项目名称,年度,无关列")
    rows, issues, res = batch(tmp_path, t)
    assert len(rows) == 1 and rows[0]["状态"] == "已拒绝" and rows[0]["源文件"] == str(t)
    assert rows[0]["拒绝原因"].startswith("PE500") and "主管部门" in rows[0]["拒绝原因"] and "年度指标值" in rows[0]["拒绝原因"]
    assert res.exit_code == 1


def test_unreadable_and_empty_tables_are_rejected(tmp_path):
    (tmp_path / "bin.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 20)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip file")
    rows, issues, _ = batch(tmp_path, tmp_path / "bin.csv", tmp_path / "empty.csv", tmp_path / "fake.xlsx")
    assert [r["状态"] for r in rows] == ["已拒绝"] * 3
    # the CSVs cannot be read as tables; the .xlsx is not a long table, so the office-form reader says its content
    # is not a workbook (issue 11)
    assert [r["拒绝原因"][:5] for r in rows] == ["PE501", "PE501", "PE155"]


def test_unknown_columns_are_a_warning_listed_once(tmp_path):
    header = HEADER + ",序号,备用"
    t = write_table(tmp_path, "t.csv", [r + ",1,x" for r in SEED_ROWS + SECOND], header=header)
    rows, issues, _ = batch(tmp_path, t)
    warn = [i for i in issues if i["代码"] == "PE504"]
    assert len(warn) == 1 and "序号" in warn[0]["说明"] and warn[0]["行号"] == "1" and warn[0]["级别"] == "警告"
    assert [r["状态"] for r in rows] == ["已评分", "已评分"]


def test_inconsistent_project_fields_are_an_error(tmp_path):
    rows_ = list(SECOND)
    rows_[2] = rows_[2].replace("某区总工会,某区总工会", "另一个部门,某区总工会", 1)
    t = write_table(tmp_path, "t.csv", rows_)
    rows, issues, _ = batch(tmp_path, t)
    assert rows[0]["状态"] == "已拒绝"
    e = next(i for i in issues if i["代码"] == "PE505")
    assert e["行号"] == "4" and "另一个部门" in e["说明"] and "第 2 行" in e["说明"]


def test_funds_without_indicators_and_projects_without_funds(tmp_path):
    funds = FUNDS + "P999,本级财政资金,1,1,1,\n"
    t = write_table(tmp_path, "t.csv", SECOND + ["P003,无资金项目,某局,某局,2024,产出指标,数量指标,人数,≥1人,1人,,,"], funds=funds)
    rows, issues, _ = batch(tmp_path, t)
    by_code = {r["项目编码"]: r for r in rows}
    assert set(by_code) == {"P001", "P002", "P003", "P999"}  # P001 and P999: funds rows without indicators
    assert by_code["P003"]["拒绝原因"].startswith("PE503")
    assert "PE206" not in by_code["P003"]["拒绝原因"]
    assert by_code["P999"]["拒绝原因"].startswith("PE506")
    orphan = next(i for i in issues if i["代码"] == "PE506" and i["项目"] == "P999")
    assert orphan["文件"] == str(tmp_path / "t.funds.csv") and orphan["行号"] == "4"


def test_missing_funds_table_names_the_expected_file(tmp_path):
    t = write_table(tmp_path, "t.csv", SECOND, funds=None)
    rows, _, _ = batch(tmp_path, t)
    assert rows[0]["状态"] == "已拒绝" and "t.funds.csv" in rows[0]["拒绝原因"]


def test_explicit_funds_table(tmp_path):
    t = write_table(tmp_path, "t.csv", SECOND, funds=None)
    (tmp_path / "资金.csv").write_text(FUNDS, "utf-8")
    rows, _, _ = batch(tmp_path, t, funds=(str(tmp_path / "资金.csv"),))
    assert rows[0]["状态"] == "已评分" and rows[0]["全年执行数（万元）"] == "9.00"
    assert [u.kind for u in expand([str(t), str(tmp_path / "资金.csv")])] == ["table", "table"]  # only *.funds.csv is a funds table
    (tmp_path / "a.funds.csv").write_text(FUNDS, "utf-8")
    (tmp_path / "b.funds.csv").write_text(FUNDS, "utf-8")
    with pytest.raises(UsageError):
        expand([str(t), str(tmp_path / "a.funds.csv"), str(tmp_path / "b.funds.csv")])


def test_project_rows_without_code_are_grouped_by_name_and_money_in_yuan(tmp_path):
    header = "项目名称,主管部门,年度,三级指标,一级指标,二级指标,年度指标值,实际完成值"
    body = ["甲项目,某局,2024,人数,产出指标,数量指标,≥10人,10人", "乙项目,某局,2024,人数,产出指标,数量指标,≥10人,5人",
            "甲项目,某局,2024,满意度,满意度指标,服务对象满意度指标,≥90%,95%"]
    funds = "项目名称,资金来源,全年预算数（元）,全年执行数（元）\n甲项目,本级财政资金,50000,50000\n乙项目,本级财政资金,20000,10000\n"
    t = write_table(tmp_path, "t.csv", body, funds=funds, header=header)
    rows, issues, _ = batch(tmp_path, t)
    assert [r["项目名称"] for r in rows] == ["甲项目", "乙项目"]
    assert rows[0]["全年预算数（万元）"] == "5.00" and rows[1]["执行率"] == "50.00%"
    assert all(r["状态"] == "已评分" for r in rows)


def test_english_headers_and_multiline_cells_keep_excel_row_numbers(tmp_path):
    header = "code,project,department,year,level1,level2,name,target,actual,note"
    body = ['C1,项目,部门,2024,产出指标,数量指标,人数,≥10人,8人,"原因：\n经费晚到"',
            "C1,项目,部门,2024,产出指标,质量指标,合格率,≥90%,80%,",
            "C1,项目,部门,2024,满意度指标,服务对象满意度指标,满意度,≥90%,95%,"]
    t = write_table(tmp_path, "t.csv", body, funds="code,source,budget,executed\nC1,本级财政资金,1,1\n", header=header)
    rows, issues, _ = batch(tmp_path, t)
    assert rows[0]["状态"] == "已评分"
    e = next(i for i in issues if i["代码"] == "PE404")
    assert e["指标"] == "合格率" and e["行号"] == "3"  # the second data record, whatever its physical line


def test_xlsx_with_funds_sheet_and_percent_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["项目编码", "项目名称", "主管部门", "年度", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"])
    ws.append(["X1", "测试项目", "某局", 2024, "产出指标", "数量指标", "人数", "≥100人", 120, 50])
    ws.append([None, None, None, None, "效益指标", "社会效益指标", "覆盖率", "≥90%", 0.8, 30])
    ws["I3"].number_format = "0%"
    ws.append([None, None, None, None, "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "93%", 10])
    f = wb.create_sheet("资金")
    f.append(["项目编码", "资金来源", "全年预算数", "全年执行数", "执行率自评得分"])
    f.append(["X1", "本级财政资金", 100, 95.5, 10])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    rows, issues, _ = batch(tmp_path, path)
    assert rows[0]["状态"] == "已评分" and rows[0]["执行率"] == "95.50%"
    e = next(i for i in issues if i["代码"] == "PE404")
    assert e["指标"] == "覆盖率" and e["行号"] == "3" and e["文件"] == str(path)
    ind = read_table(path).submissions[0].loaded.data["indicators"]
    assert [i["actual"] for i in ind] == [120, "80%", "93%"]  # a cell shown as 80% is read as 80%, not 0.8
    exec_claim = next(i for i in issues if i["代码"] == "PE406")
    assert exec_claim["文件"] == f"{path}[资金]" and exec_claim["行号"] == "2"


def test_xlsx_without_funds_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编码", "项目名称", "主管部门", "年度", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"])
    ws.append(["X1", "测试项目", "某局", 2024, "产出指标", "数量指标", "人数", "≥100人", 120])
    wb.save(tmp_path / "one.xlsx")
    rows, _, _ = batch(tmp_path, tmp_path / "one.xlsx")
    assert rows[0]["状态"] == "已拒绝" and "资金工作表" in rows[0]["拒绝原因"]


def test_tables_and_yaml_files_in_one_batch_are_each_counted_once(tmp_path):
    t = write_table(tmp_path, "t.csv", SEED_ROWS + SECOND)
    rows, _, res = batch(tmp_path, t, EXAMPLES / "seed-corrected.yaml", t, tmp_path / "t.funds.csv")
    assert len(rows) == 3 == res.projects and res.inputs == 2
    assert [r["源文件"] for r in rows] == [str(t), str(t), str(EXAMPLES / "seed-corrected.yaml")]


def test_rows_without_code_join_the_coded_project_of_the_same_name(tmp_path):
    body = [SECOND[0], SECOND[1].replace("P002,", ",", 1), SECOND[2].replace("P002,", ",", 1)]
    t = write_table(tmp_path, "t.csv", body, funds="项目编码,资金来源,全年预算数,全年执行数\nP002,本级财政资金,10,9\n")
    rows, _, _ = batch(tmp_path, t)
    assert len(rows) == 1 and rows[0]["项目编码"] == "P002" and rows[0]["状态"] == "已评分"


def test_bundled_example_table_scores_both_projects(tmp_path):
    """examples/tables: a 预算管理一体化-style export with merged-cell blanks and a sibling funds table."""
    from click.testing import CliRunner

    from conftest import EXAMPLES
    from perfeval.cli import main

    res = CliRunner().invoke(main, ["batch", str(EXAMPLES / "tables" / "2024自评导出.csv"), "--out", str(tmp_path), "--seed", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    import csv

    with open(tmp_path / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["项目名称"], r["总分"], r["等级"], r["自评−复核差"]) for r in rows] == [
        ("困难职工帮扶资金", "100.00", "优", "0.00"),
        ("职工技能培训补助", "90.84", "优", "7.16"),
    ]
    with open(tmp_path / "issues.csv", encoding="utf-8-sig", newline="") as fh:
        issues = list(csv.DictReader(fh))
    inflated = [i for i in issues if i["代码"] == "PE406" and i["指标"] == "培训职工人次"]
    assert inflated and inflated[0]["行号"] == "7" and inflated[0]["文件"].endswith("2024自评导出.csv")
