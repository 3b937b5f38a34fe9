"""The input-reader registry: one way a path becomes submissions, for every command (issue 9 §4, issue 10 §7)."""

from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from perfeval.batch import Options, UsageError, run
from perfeval.cli import main
from perfeval.issues import Location, make_issue
from perfeval.pipeline import evaluate, results
from perfeval.readers import READERS, Document, Reader, read_path, reader_for, register, scan

TABLE = EXAMPLES / "tables" / "2024自评导出.csv"


def cli(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


@pytest.mark.parametrize(("loc", "text"), [
    (Location("a.yaml", None, 12), "a.yaml:12"),
    (Location("自评表.xlsx", "Sheet1", 14, "F"), "自评表.xlsx:Sheet1!F14"),
    (Location("t.csv", None, 7), "t.csv:7"),
    (Location("x.xlsx", "资金", 9), "x.xlsx:资金!9"),
    (Location("x.yaml"), "x.yaml"),
])
def test_location_text(loc, text):
    assert str(loc) == text


def test_issue_records_carry_their_location():
    i = make_issue("PE301", file="自评表.xlsx", line=14, sheet="Sheet1", column="F", indicator="x", actual="a", target="≥1")
    assert str(i.location) == "自评表.xlsx:Sheet1!F14"
    assert i.to_dict()["sheet"] == "Sheet1" and i.to_dict()["column"] == "F"
    assert i.format().startswith("自评表.xlsx:Sheet1!F14: 错误 PE301")
    plain = make_issue("PE107", file="a.yaml", line=3)
    assert "sheet" not in plain.to_dict() and str(plain.location) == "a.yaml:3"  # JSON unchanged for text files


def test_readers_are_chosen_by_extension_then_content(tmp_path):
    assert reader_for(EXAMPLES / "seed-corrected.yaml").name == "yaml"
    assert reader_for(TABLE).name == "table"
    exported = tmp_path / "导出.txt"  # a CSV saved under another extension: recognised by its header row
    shutil.copyfile(TABLE, exported)
    assert reader_for(exported).name == "table"
    y = tmp_path / "申报"
    shutil.copyfile(EXAMPLES / "seed-corrected.yaml", y)
    assert reader_for(y).name == "yaml"
    other = tmp_path / "notes.md"
    other.write_text("# 说明\n", "utf-8")
    assert reader_for(other, explicit=False) is None
    assert reader_for(other).name == "yaml"  # given explicitly: read (and reported) rather than dropped


def _workbook(path, rows, title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_second_reader_for_xlsx_is_told_apart_by_sniffing(tmp_path):
    """The hook office-form readers use: same extension, decided by content."""
    long = _workbook(tmp_path / "long.xlsx", [["项目名称", "一级指标", "二级指标", "三级指标", "年度指标值"], ["p", "产出指标", "数量指标", "人数", "≥1人"]])
    form = _workbook(tmp_path / "form.xlsx", [["项目支出绩效自评表"], ["（2024年度）"], ["项目名称", "x"]])
    assert READERS["table"].sniff(long.read_bytes()[:8192], str(long))
    assert not READERS["table"].sniff(form.read_bytes()[:8192], str(form))

    def is_form(head: bytes, path: str) -> bool:
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            first = next(wb.worksheets[0].iter_rows(values_only=True), ())
            return bool(first) and "自评表" in str(first[0] or "")
        finally:
            wb.close()

    register(Reader("test-form", (".xlsx",), is_form, lambda *a, **k: [], priority=6))  # asked before the office reader (5)
    try:
        assert reader_for(long).name == "table" and reader_for(form).name == "test-form"
    finally:
        del READERS["test-form"]
    assert reader_for(form).name == "office"  # the real office-form reader (issue 11) takes what the table reader does not


def test_a_table_gives_one_document_per_project_with_locations():
    docs = read_path(TABLE)
    assert [d.key for d in docs] == [f"{TABLE}\x001", f"{TABLE}\x002"]
    assert all(isinstance(d, Document) and d.file == str(TABLE) for d in docs)
    assert str(docs[0].location(("indicators", 1, "actual"))) == f"{TABLE}:3"
    funds = str(TABLE).replace(".csv", ".funds.csv")
    assert str(docs[0].location(("funds", "sources", 0, "budget"))) == f"{funds}:2"


def test_score_validate_render_report_accept_a_long_table(tmp_path):
    res = cli("score", TABLE, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [r["status"] for r in data] == ["scored", "scored"]
    assert {r["file"] for r in data} == {str(TABLE)}
    assert all(i["file"] in (str(TABLE), str(TABLE).replace(".csv", ".funds.csv")) for r in data for i in r["issues"])
    assert cli("validate", TABLE).exit_code == 0
    out = cli("render", TABLE, "--format", "html")
    assert out.exit_code == 0 and out.output.count("项目支出绩效自评表") >= 2
    assert cli("report", TABLE, "--format", "md").exit_code == 0
    table_text = cli("score", TABLE).output
    assert f"{TABLE}:7: 警告 PE406" in table_text


def test_evaluate_keeps_each_project_of_a_table_apart():
    ev = evaluate([str(TABLE), str(EXAMPLES / "seed-corrected.yaml")])
    recs = results(ev)
    assert [r["file"] for r in recs] == [str(TABLE), str(TABLE), str(EXAMPLES / "seed-corrected.yaml")]
    assert [r["project"]["code"] for r in recs[:2]] != [None, None]
    # each project lists its own issues only
    assert {i["line"] for i in recs[1]["issues"] if i["file"] == str(TABLE)} <= set(range(7, 11))


def test_batch_over_a_folder_with_only_a_table(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(TABLE, src / TABLE.name)
    shutil.copyfile(str(TABLE).replace(".csv", ".funds.csv"), src / (TABLE.stem + ".funds.csv"))
    (src / "说明.docx.txt").write_text("随便写点什么", "utf-8")
    (src / "~$自评表.xlsx").write_bytes(b"lock")
    (src / "孤立.funds.csv").write_text("项目编码,资金来源\n", "utf-8")
    res = run([str(src)], Options(out=str(tmp_path / "out"), jobs=1))
    assert (res.inputs, res.projects, res.scored) == (1, 2, 2)
    skipped = {s.path.rsplit("/", 1)[1]: s.reason for s in res.skipped}
    assert set(skipped) == {"说明.docx.txt", "~$自评表.xlsx", "孤立.funds.csv"}
    assert "Office 临时文件" in skipped["~$自评表.xlsx"] and "没有对应的指标表" in skipped["孤立.funds.csv"]
    with open(tmp_path / "out" / "skipped.csv", encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert sorted(r["文件"] for r in listed) == sorted(s.path for s in res.skipped) and all(r["原因"] for r in listed)
    # a second run without skipped files leaves no stale list behind
    for name in skipped:
        (src / name).unlink()
    res = run([str(src)], Options(out=str(tmp_path / "out"), jobs=1))
    assert res.skipped == [] and not (tmp_path / "out" / "skipped.csv").exists()


def test_batch_cli_lists_skipped_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(EXAMPLES / "seed-corrected.yaml", src / "a.yaml")
    (src / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    res = cli("batch", src, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert "已跳过 1 个文件" in res.output and "photo.png" in res.output


def test_a_folder_with_nothing_readable_says_why(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    with pytest.raises(UsageError, match="(?s)没有找到可读取的提交文件.*a.png"):
        run([str(tmp_path)], Options(out=str(tmp_path / "out"), jobs=1))


def test_scan_sorts_and_leaves_hidden_entries_out(tmp_path):
    for name in ("b.yaml", "a.yml", ".hidden.yaml"):
        shutil.copyfile(EXAMPLES / "seed-corrected.yaml", tmp_path / name)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("perfeval: 1\n", "utf-8")
    found, skipped = scan(str(tmp_path))
    assert [p.rsplit("/", 1)[1] for _, p in found] == ["a.yml", "b.yaml"] and skipped == []
