"""Office forms as real departments lay them out (issue 11 follow-up): what the first reader did not cope with.

Every fixture is a real file (xlsx by xlsxwriter, docx by python-docx, pdf by reportlab; tests/formmaker.py)
built in the test, mostly from the transcribed published forms in tests/fixtures/realforms.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from perfeval.pipeline import evaluate, results

sys.path.insert(0, str(Path(__file__).parent))

from formmaker import Sheet, write_docx, write_pdf, write_xlsx
from test_office import summary, twin
from test_realforms import FORMS, to_submission


def _write(kind: str, path: Path, sh: Sheet) -> None:
    if kind == "xlsx":
        write_xlsx(str(path), {"Sheet1": [sh]})
    elif kind == "docx":
        write_docx(str(path), [sh])
    else:
        write_pdf(str(path), sh)


def _hebei(form: dict) -> tuple[Sheet, dict]:
    """The Hebei layout of P04: 项目资金 header over two rows (预算数 → 年初预算数 / 全年预算数) and 自评得分 over
    单项指标得分 / 权重占比（%） / 单项指标折算得分; returns the sheet and the submission it should read as."""
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    f = form["funds"]
    s = Sheet(width=10)
    s.add([f"{form['region']}{form['year']}年度预算项目绩效自评表"] * 10)
    s.merge(0, 0, 0, 9)
    s.add(["单位：万元"])
    r = s.add(["项目名称", form["project"]] + [form["project"]] * 8)
    s.merge(r, 1, r, 9)
    r = s.add(["主管部门", form["department"], form["department"], form["department"], form["department"],
               "实施单位", form["implementer"], form["implementer"], form["implementer"], form["implementer"]])
    s.merge(r, 1, r, 4)
    s.merge(r, 6, r, 9)
    h = s.add(["项目资金（万元）", "预算数", "预算数", "全年执行数", "分值", "执行率", "得分"])
    s.add(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.merge(h, 0, h + 1, 0)
    s.merge(h, 1, h, 2)
    for c in (3, 4, 5, 6):
        s.merge(h, c, h + 1, c)
    s.add(["年度资金总额", f["annual_budget"], f["annual_budget"], f["executed"], 10, "100.00%", ""])
    for k, b in enumerate(f["breakdown"]):
        s.add([("其中：" if k == 0 else "") + b["name"], b["budget"], b["budget"], b["executed"]])
    h = s.add(["一级指标", "二级指标", "三级指标", "指标分值", "预期指标值（符号/单位）", "单项指标实际完成值",
               "单项指标完成情况", "自评得分", "自评得分", "自评得分"])
    s.add(["一级指标", "二级指标", "三级指标", "指标分值", "预期指标值（符号/单位）", "单项指标实际完成值",
           "单项指标完成情况", "单项指标得分", "权重占比（%）", "单项指标折算得分"])
    for c in range(7):
        s.merge(h, c, h + 1, c)
    s.merge(h, 7, h, 9)
    for i in form["indicators"]:
        if i.get("cut_off"):
            continue
        s.add([i["level1"], i["level2"], i["level3"], i["weight"], i["target"], i["actual"], i["completion"],
               i["score"], i["weight_share_pct"], i["weighted_score"]])
    return s, sub


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_multi_row_headers_are_read_as_paths(tmp_path, kind):
    """Hebei P04: 预算数 → 年初预算数 / 全年预算数, 自评得分 → 单项指标得分 (the claim) / 权重占比 / 折算得分 (known, not read)."""
    sh, sub = _hebei(json.loads((FORMS / "P04.json").read_text("utf-8")))
    out = tmp_path / f"hebei.{kind}"
    _write(kind, out, sh)
    ev = evaluate([str(out)])
    got = results(ev)
    assert len(got) == 1
    assert summary(got[0], pdf=kind == "pdf") == summary(twin(tmp_path, sub), pdf=kind == "pdf")
    assert [i["claimed_score"] for i in got[0]["indicators"]] == [25, 25, 30, 10]
    assert got[0]["execution"]["budget"] == 6.84
    assert not [i for i in ev.issues if i.code == "PE164"], [i.format() for i in ev.issues if i.code == "PE164"]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_merged_group_header_over_target_and_actual(tmp_path, kind):
    """A merged 绩效指标 over 年度指标值 | 实际完成值 and 分值 / 得分 merged down two rows (three header rows here)."""
    form = json.loads((FORMS / "S01.json").read_text("utf-8"))
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    s = Sheet(width=7)
    s.add([f"{form['year']}年度项目支出绩效自评表"] * 7)
    s.merge(0, 0, 0, 6)
    s.add(["项目名称", form["project"]] + [form["project"]] * 5)
    s.merge(1, 1, 1, 6)
    s.add(["主管部门", sub["project"]["department"], "", "实施单位", sub["project"].get("implementer") or ""])
    h = s.add(["项目资金（万元）", "全年预算数", "全年执行数", "执行率"])
    for src in sub["funds"]["sources"]:
        s.add(["年度资金总额" if len(sub["funds"]["sources"]) == 1 else src["name"], src["budget"], src["executed"]])
    h = s.add(["一级指标", "二级指标", "三级指标", "绩效指标", "绩效指标", "偏差原因分析", "偏差原因分析"])
    s.add(["一级指标", "二级指标", "三级指标", "指标值", "指标值", "偏差原因分析", "偏差原因分析"])
    s.add(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析", "偏差原因分析"])
    for c in (0, 1, 2):
        s.merge(h, c, h + 2, c)
    s.merge(h, 3, h, 4)
    s.merge(h + 1, 3, h + 1, 4)
    s.merge(h, 5, h + 2, 6)
    for i in sub["indicators"]:
        r = s.add([i["level1"], i["level2"], i["name"], i["target"], i.get("actual", ""), i.get("note", ""), i.get("note", "")])
        s.merge(r, 5, r, 6)
    out = tmp_path / f"s01.{kind}"
    _write(kind, out, s)
    ev = evaluate([str(out)])
    got = results(ev)
    assert [(i["name"], i["target"], i["actual"]) for i in got[0]["indicators"]] == \
        [(i["name"], i["target"], i.get("actual")) for i in sub["indicators"]]
    assert summary(got[0]) == summary(twin(tmp_path, sub))


# ---------------------------------------------------------------------------
# a form cut by a page break: Word tables split in two, PDF tables over two pages
# ---------------------------------------------------------------------------
ROOT = Path(__file__).parents[1]


def _split(sh: Sheet, at: int, repeat_header: bool) -> tuple[Sheet, Sheet]:
    """Rows before ``at`` and from ``at`` as two sheets (merges crossing the cut are cut too)."""
    a, b = Sheet(width=sh.width), Sheet(width=sh.width)
    a.rows, b.rows = sh.rows[:at], sh.rows[at:]
    hdr = next(i for i, r in enumerate(sh.rows) if "一级指标" in r)
    for r0, c0, r1, c1 in sh.merges:
        if r1 < at:
            a.merge(r0, c0, r1, c1)
        elif r0 >= at:
            b.merge(r0 - at, c0, r1 - at, c1)
        else:
            a.merge(r0, c0, at - 1, c1)
            b.merge(0, c0, r1 - at, c1)
    if repeat_header:
        b.rows.insert(0, list(sh.rows[hdr]))
        b.merges = [(r0 + 1, c0, r1 + 1, c1) for r0, c0, r1, c1 in b.merges]
    return a, b


@pytest.mark.parametrize("repeat_header", [False, True])
def test_word_form_split_into_two_tables_by_a_page_break(tmp_path, repeat_header):
    import docx
    from docx.enum.text import WD_BREAK

    from formmaker import Layout, build
    from test_office import load

    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    sh = build(sub, Layout())
    hdr = next(i for i, r in enumerate(sh.rows) if "一级指标" in r)
    a, b = _split(sh, hdr + 4, repeat_header)
    out = tmp_path / "split.docx"
    write_docx(str(out), [a, b], between=())
    d = docx.Document(str(out))
    p = d.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    d.tables[1]._tbl.addprevious(p._p)
    d.save(str(out))
    ev = evaluate([str(out)])
    got = results(ev)
    assert len(got) == 1, [r["status"] for r in got]
    assert summary(got[0]) == summary(twin(tmp_path, sub))
    # cells keep their own table's name: the first indicator is in 表1, the last one in 表2
    from perfeval.office import read_forms
    from perfeval.readers.office import CellLocator

    (doc,), refused = read_forms(str(out))
    assert not refused and doc.places == ("表1", "表2")
    inds = doc.loaded.data["indicators"]
    loc = CellLocator(str(out), doc.place, doc.places)
    first, last = (loc(doc.loaded.lines[id(inds[k])][0]) for k in (0, -1))
    assert (first.sheet, last.sheet) == ("表1", "表2")
    assert inds[-1]["name"] in b.rows[last.row - 1]  # the row number is the row of 表2


def test_pdf_form_over_two_pages(tmp_path):
    from formmaker import Layout, build
    from test_office import load

    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    sh = build(sub, Layout())
    out = tmp_path / "two-pages.pdf"
    write_pdf(str(out), sh, before=("一、项目概况",) + ("（正文略）",) * 24)
    import pdfplumber

    with pdfplumber.open(str(out)) as pdf:
        assert len(pdf.pages) == 2 and all(p.find_tables() for p in pdf.pages)
    got = results(evaluate([str(out)]))
    assert len(got) == 1, [r["status"] for r in got]
    assert summary(got[0], pdf=True) == summary(twin(tmp_path, sub), pdf=True)


# ---------------------------------------------------------------------------
# the real forms' variety, in awkward layouts: read as printed, reviewed like their YAML twin
# ---------------------------------------------------------------------------
REAL = sorted(FORMS.glob("*.json"))


def _wrap(v: object) -> object:
    """Text typed over two lines in the cell, as clerks do in narrow columns."""
    if not isinstance(v, str) or len(v) <= 3 or "\n" in v or " " in v[1:3] or v[1:3].isascii():
        return v  # (a break beside a space or inside a Latin word is not one a reader can undo)
    return v[:2] + "\n" + v[2:]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_forms_in_awkward_layouts_read_and_review_like_their_twins(tmp_path, path):
    """≧/═ comparators, bare numbers, 元/人*月, "/", blank cells, copied actuals, broken scores and totals, forms cut off
    before the total (tests/fixtures/realforms) — laid out off A1, numbers as text, 一级/二级 blank under the first row,
    level names, indicator names and values wrapped over two lines; findings (codes) must be those of the YAML twin."""
    from formmaker import Layout, build

    form = json.loads(path.read_text("utf-8"))
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    lay = Layout(no_score=all(i.get("claimed_score") is None for i in sub["indicators"]),
                 no_weight=all(i.get("weight") is None for i in sub["indicators"]), levels="blank", numbers_as_text=True,
                 thousands=True)
    if lay.no_score:
        sub.pop("claimed_total", None)
    sh = build(sub, lay, top=3, left=2)
    hdr = next(i for i, r in enumerate(sh.rows) if "一级指标" in r)
    cols = [j for j, v in enumerate(sh.rows[hdr]) if v in ("二级指标", "三级指标", "年度指标值", "实际完成值")]
    for r in sh.rows[hdr + 1:]:
        if r[cols[0]] or r[cols[1]]:
            for j in cols:
                r[j] = _wrap(r[j])
    out = tmp_path / f"{path.stem}.xlsx"
    write_xlsx(str(out), {"Sheet1": [sh]})
    ev = evaluate([str(out)])
    got = results(ev)[0]
    want = twin(tmp_path, sub)
    assert summary(got) == summary(want)
    office_only = {"PE163", "PE165"}
    assert sorted(i["code"] for i in got["issues"] if i["code"] not in office_only) == sorted(i["code"] for i in want["issues"])
    assert ("PE165" in [i["code"] for i in got["issues"]]) == lay.no_weight


def test_no_weight_column_is_a_warning_naming_the_header(tmp_path):
    from formmaker import Layout, build
    from test_office import load

    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    for i in sub["indicators"]:
        i.pop("weight", None)
    out = tmp_path / "noweight.xlsx"
    write_xlsx(str(out), {"自评表": [build(sub, Layout(no_weight=True))]})
    ev = evaluate([str(out)])
    assert summary(results(ev)[0]) == summary(twin(tmp_path, sub))
    (w,) = [i for i in ev.issues if i.code == "PE165"]
    assert w.sheet == "自评表" and w.format().startswith(f"{out}:自评表!") and f"{len(sub['indicators'])} 项指标" in w.message


def test_dates_in_time_indicators_read_as_the_date_shown(tmp_path):
    """A 时效 actual typed as a date: calamine gives a date (xlsx); xlrd a serial that is turned back into the date (xls)."""
    import datetime
    import shutil
    import subprocess

    import openpyxl

    from formmaker import Layout, build
    from test_office import load

    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    ind = next(i for i in sub["indicators"] if i["level2"] == "时效指标")
    ind["target"], ind["actual"] = "2024年12月31日前", "2024-11-30"
    src = tmp_path / "d.xlsx"
    write_xlsx(str(src), {"Sheet1": [build(sub, Layout())]})
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "2024-11-30")
    cell.value = datetime.datetime(2024, 11, 30)
    cell.number_format = "yyyy/m/d"
    wb.save(src)
    want = summary(twin(tmp_path, sub))
    assert summary(results(evaluate([str(src)]))[0]) == want
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .xls copy cannot be made here; the .xlsx case ran")
    subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    assert summary(results(evaluate([str(tmp_path / "d.xls")]))[0]) == want


def test_hidden_rows_and_columns_are_read_and_named(tmp_path):
    """What the user does not see is still in the file: an indicator in a hidden row is read (a form is never partly
    dropped) with a warning naming it (PE166); a hidden helper column's content stays listed (PE164)."""
    import openpyxl

    from formmaker import Layout, build
    from test_office import load

    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    out = tmp_path / "hidden.xlsx"
    write_xlsx(str(out), {"Sheet1": [build(sub, Layout())]})
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == sub["indicators"][1]["name"])
    ws.row_dimensions[row].hidden = True
    ws.cell(row, 12).value = "辅助计算"
    ws.column_dimensions["L"].hidden = True
    wb.save(out)
    ev = evaluate([str(out)])
    assert summary(results(ev)[0]) == summary(twin(tmp_path, sub))
    (h,) = [i for i in ev.issues if i.code == "PE166"]
    assert h.format().startswith(f"{out}:Sheet1!") and h.line == row and sub["indicators"][1]["name"] in h.message
    assert [i.format().split(" ")[0] for i in ev.issues if i.code == "PE164"] == [f"{out}:Sheet1!L{row}:"]
