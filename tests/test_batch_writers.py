"""The summary workbook and CSV writers (issue 15): the fast writers give what the old ones gave.

* the workbook written by rustpy-xlsxwriter is read back and compared, cell by cell and format by
  format, with the workbook the previous xlsxwriter writer (kept in tests/xlsx_reference.py) writes
  from the same tables;
* the CSV writer (polars) gives the bytes Python's csv module gives;
* the workbook's bytes do not depend on the clock; every sheet is set up for printing (issue 10 §11).
"""

from __future__ import annotations

import csv
import io
import math
import zipfile

import openpyxl
import pytest
import yaml

import xlsx_reference
from conftest import EXAMPLES
from perfeval.batch import Options, run
from perfeval.batch import runner as R
from perfeval.batch import writers as W
from perfeval.batch.report import INT, MONEY, RATE, SCORE, TEXT, Table


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """The tables of a real batch: generated submissions, broken files and hostile text."""
    from test_batch import _generator

    d = tmp_path_factory.mktemp("wcorpus")
    _generator().generate(80, d / "gen", seed=21, bad=0.05)
    data = yaml.safe_load((EXAMPLES / "seed-corrected.yaml").read_text("utf-8"))
    data["project"]["name"] = "=HYPERLINK(\"http://x\")"
    data["project"]["department"] = "\x1b[31m红\x00字 , \"引号\"\r\n换行"
    (d / "evil.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (d / "bad.yaml").write_text("perfeval: 1\nproject: {name: x\n", "utf-8")
    seen = {}
    real = R._write

    def capture(b, picks, seed, staging, links=None):
        seen["args"] = (b, picks, seed)
        return real(b, picks, seed, staging, links)

    mp = pytest.MonkeyPatch()
    mp.setattr(R, "_write", capture)
    try:
        run([str(d)], Options(out=str(tmp_path_factory.mktemp("wout")), jobs=1, seed=4))
    finally:
        mp.undo()
    b, picks, seed = seen["args"]
    from perfeval.batch import report as rp

    grades = rp.grade_table(b)
    return [rp.summary_table(b), rp.department_table(b), rp.ranking_table(b), grades, rp.indicators_table(b),
            R.recheck_table(b, picks, seed), rp.issues_table(b)]


def _cell(c):
    v = c.value
    if v == "":
        v = None  # xlsxwriter stored empty text as an empty string cell; the new writer leaves it blank
    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type else None
    return v, c.number_format, bool(c.font.b), fill, c.border.left.style, c.border.top.style, bool(c.alignment.wrap_text), c.alignment.vertical


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0)  # xlsxwriter wrote 16 significant digits
    return a == b


def test_workbook_reads_back_like_the_xlsxwriter_workbook(tables, tmp_path):
    ref = xlsx_reference.Workbook(tmp_path / "ref.xlsx")
    new = W.Workbook(tmp_path / "new.xlsx")
    for t in tables:
        ws = ref.sheet(t)
        sh = new.sheet(t)
        if t.name == "等级分布":
            ref.grade_chart(ws, t)
            new.grade_chart(sh, t)
    ref.close()
    new.close()
    a = openpyxl.load_workbook(tmp_path / "ref.xlsx")
    b = openpyxl.load_workbook(tmp_path / "new.xlsx")
    assert a.sheetnames == b.sheetnames == [t.name for t in tables]
    assert (b.properties.title, b.properties.creator, b.properties.created) == (a.properties.title, a.properties.creator, a.properties.created)
    compared = 0
    for name in a.sheetnames:
        x, y = a[name], b[name]
        assert (x.max_row, x.max_column) == (y.max_row, y.max_column), name
        for rx, ry in zip(x.iter_rows(), y.iter_rows(), strict=True):
            for cx, cy in zip(rx, ry, strict=True):
                kx, ky = _cell(cx), _cell(cy)
                assert all(_same(p, q) for p, q in zip(kx, ky, strict=True)), (name, cx.coordinate, kx, ky)
                if cx.value not in (None, ""):
                    assert type(cx.value) is type(cy.value) or {type(cx.value), type(cy.value)} <= {int, float}, (name, cx.coordinate)
                compared += 1
        assert x.freeze_panes == y.freeze_panes == "A2"
        assert x.auto_filter.ref == y.auto_filter.ref
        for col, dim in x.column_dimensions.items():
            assert y.column_dimensions[col].width == pytest.approx(dim.width), (name, col)
        assert len(x._charts) == len(y._charts)
    assert compared > 5_000
    # the hostile text arrives as text, neutralised exactly as before
    summary = list(b["汇总"].iter_rows(values_only=True))
    names = [r[summary[0].index("项目名称")] for r in summary[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_csv_bytes_are_what_the_csv_module_writes(tables, tmp_path):
    for t in tables:
        W.write_csv(tmp_path / "new.csv", t)
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(t.headers)
        cols = [xlsx_reference.csv_column(list(c), k) for c, k in zip(t.columns, t.kinds, strict=True)]
        w.writerows(zip(*cols, strict=True))
        assert (tmp_path / "new.csv").read_bytes() == ("\ufeff" + buf.getvalue()).encode("utf-8"), t.name


@pytest.mark.parametrize("kind,values", [
    (MONEY, [0.005, -0.005, 1.005, 2.675, -2.675, 16.665, 1e12 + 0.125, None, 0.0, -0.0, 123456.785]),
    (SCORE, [99.995, 100.0, 0.004999, None]),
    (RATE, [0.96, 1.0115, 0.77150000001, -0.00005, None, 12.345678]),
    (INT, [0, -3, None, 10**12]),
    (TEXT, ["", None, "a,b", 'say "x"', "line\nbreak", "cr\rhere", "=1+1", "-5", "+3%", "＝全角", "\x07bell", " lead", 5]),
])
def test_csv_cells_match_the_csv_module_cell_by_cell(kind, values, tmp_path):
    t = Table("t", ["列", "序"], [kind, INT], [values, list(range(len(values)))], [10, 5])
    W.write_csv(tmp_path / "a.csv", t)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(t.headers)
    w.writerows(zip(xlsx_reference.csv_column(values, kind), [str(i) for i in range(len(values))], strict=True))
    assert (tmp_path / "a.csv").read_bytes() == ("\ufeff" + buf.getvalue()).encode("utf-8")


def test_workbook_bytes_do_not_depend_on_the_clock(tables, tmp_path, monkeypatch):
    def write(path):
        wb = W.Workbook(path)
        for t in tables[3:5]:
            wb.grade_chart(wb.sheet(t), t) if t.name == "等级分布" else wb.sheet(t)
        wb.close()

    write(tmp_path / "a.xlsx")
    import time as _time
    _time.sleep(1.1)  # rust_xlsxwriter stamps the current second into docProps/core.xml
    write(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.testzip() is None
        core = z.read("docProps/core.xml").decode()
        assert "2020-01-01T00:00:00Z" in core and "绩效自评批量复核汇总" in core


def test_every_sheet_is_set_up_for_printing(tables, tmp_path):
    wb = W.Workbook(tmp_path / "p.xlsx")
    for t in tables:
        wb.grade_chart(wb.sheet(t), t) if t.name == "等级分布" else wb.sheet(t)
    wb.close()
    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for ws in book:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and ps.paperSize in (9, "9"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert int(ps.fitToWidth if ps.fitToWidth is not None else 1) == 1, ws.title
        assert ws.print_title_rows in ("1:1", "$1:$1"), ws.title  # the header row on every printed page
        assert ws.freeze_panes == "A2", ws.title
        widths = [ws.column_dimensions[c].width for c in ws.column_dimensions]
        assert widths and all(w >= 6 for w in widths), ws.title
        if ws.title == "等级分布":
            assert int(ps.fitToHeight if ps.fitToHeight is not None else 1) == 1  # the chart sheet prints on one page
        else:
            assert int(ps.fitToHeight) == 0  # as many pages down as the rows need


def test_rows_beyond_excel_limit_are_cut_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(W, "EXCEL_MAX_ROWS", 6)
    t = Table("问题清单", ["文件", "行号"], [TEXT, INT], [[f"f{i}" for i in range(10)], list(range(10))], [20, 6])
    wb = W.Workbook(tmp_path / "c.xlsx")
    wb.sheet(t, "issues.csv")
    wb.close()
    rows = list(openpyxl.load_workbook(tmp_path / "c.xlsx")["问题清单"].iter_rows(values_only=True))
    assert len(rows) == 1 + 4 + 1
    assert rows[-1][0] == "（共 10 行，工作表只能容纳 4 行；完整内容见 issues.csv）" and rows[-1][1] is None


def test_rates_and_scores_are_typed_and_rounded_half_up(tmp_path):
    t = Table("汇总", ["执行率", "总分", "错误数"], [RATE, SCORE, INT], [[1.01155, None], [89.995, 0.125], [2, None]], [10, 9, 8])
    wb = W.Workbook(tmp_path / "r.xlsx")
    wb.sheet(t)
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["汇总"]
    assert ws["A2"].value == 1.0116 and ws["A2"].number_format == "0.00%"
    assert ws["B2"].value == 90.0 and ws["B3"].value == 0.13 and ws["B2"].number_format == "0.00"
    assert ws["C2"].value == 2 and ws["A3"].value is None and ws["C3"].value is None


def test_properties_pinned_the_same_way_when_the_whole_archive_is_rewritten(tables, tmp_path, monkeypatch):
    """The slow path (any other archive layout) gives a valid workbook with the same cells and the fixed date."""
    def write(path):
        wb = W.Workbook(path)
        for t in tables[3:5]:
            wb.grade_chart(wb.sheet(t), t) if t.name == "等级分布" else wb.sheet(t)
        wb.close()

    write(tmp_path / "fast.xlsx")
    monkeypatch.setattr(W, "TAIL_LIMIT", 0)
    write(tmp_path / "slow.xlsx")
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as a, zipfile.ZipFile(tmp_path / "slow.xlsx") as b:
        assert a.testzip() is None and b.testzip() is None
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert all(a.read(n) == b.read(n) for n in a.namelist())


def test_cut_sheet_without_a_csv_says_so_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(W, "EXCEL_MAX_ROWS", 4)
    t = Table("指标明细", ["源文件"], [TEXT], [[f"f{i}" for i in range(5)]], [20])
    wb = W.Workbook(tmp_path / "d.xlsx")
    wb.sheet(t)
    wb.close()
    rows = list(openpyxl.load_workbook(tmp_path / "d.xlsx")["指标明细"].iter_rows(values_only=True))
    assert rows[-1][0] == "（共 5 行，工作表只能容纳 2 行）"
