"""perfeval audit reads what users have: office forms, Word reports with the form as 附表, long tables,
--against any readable submission, refusals of odd inputs, folders where every file is accounted for.

Every file is a real one built here (xlsxwriter / python-docx / reportlab via tests/formmaker.py) or committed
(tests/fixtures/office: a real .doc and an encrypted .xlsx)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, assert_no_crash
from formmaker import build, write_docx, write_pdf, write_xlsx
from perfeval.audit import audit_path, read_all
from perfeval.cli import main

OFFICE = Path(__file__).parent / "fixtures" / "office"
CLINIC = EXAMPLES / "national-clinic-equipment.yaml"  # 全年预算 240 万元、执行 235.23 万元 → 98.01%
PROSE = ("一、项目基本情况",
         "乡镇卫生院基本医疗设备购置项目由某县卫生健康局组织实施，为全县 12 所乡镇卫生院配置 DR、彩超等基本医疗设备，"
         "项目全年预算数240万元，全年执行数235.23万元。项目预算执行率100%。",
         "二、绩效目标完成情况（详见附表）")


def invoke(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert_no_crash(res)
    return res


def clinic(note: str | None = "项目预算执行率100%，设备全部到位。") -> dict:
    sub = yaml.safe_load(CLINIC.read_text("utf-8"))
    sub = copy.deepcopy(sub)
    sub["funds"]["unit"] = "万元"
    for s in sub["funds"]["sources"]:
        for k in ("initial", "budget", "executed"):
            if k in s:
                s[k] = s[k] / 10000
    sub["funds"]["total"] = {"budget": 240, "executed": 235.23}
    if note is not None:
        sub["indicators"][0]["note"] = note
    return sub


def rows(audits) -> list[tuple]:
    return [(f.code, f.extra.get("location"), f.to_dict()["claimed"], f.to_dict()["expected"]) for a in audits for f in a.findings]


# --- office forms -------------------------------------------------------------------------------
def test_form_cell_text_against_its_own_funds(tmp_path):
    p = tmp_path / "自评表.xlsx"
    sheet = build(clinic())
    write_xlsx(str(p), {"Sheet1": [sheet]})
    r, c = next((r, c) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if v == "项目预算执行率100%，设备全部到位。")
    got = rows(audit_path(str(p)))
    assert got == [("PE810", f"{p}:Sheet1!{chr(65 + c)}{r + 1}", 100, 98.01)]  # the 偏差原因 cell, not a line number
    res = invoke("audit", p, "--format", "json")
    f = json.loads(res.output)["findings"][0]
    assert res.exit_code == 1 and f["sheet"] == "Sheet1" and f["column"] and f["line"] < 100 and f["kind"] == "against"
    res = invoke("audit", p)
    assert "自评表.xlsx:Sheet1!" in res.output and "执行率【100%】" in res.output


def test_form_without_contradiction_is_clean_and_goal_text_is_read(tmp_path):
    sub = clinic("执行率98.01%。")
    sub["goal"]["actual"] = "12 所卫生院设备全部到位，全年执行数235.23万元。"
    p = tmp_path / "ok.xlsx"
    write_xlsx(str(p), {"表一": [build(sub)]})
    a = audit_path(str(p))
    assert [x.findings for x in a] == [[]] and a[0].sentences >= 2 and a[0].kind == "office"
    sub["goal"]["actual"] = "12 所卫生院设备全部到位，全年执行数225.23万元。"
    write_xlsx(str(p), {"表一": [build(sub)]})
    assert [(c, e) for c, _, _, e in rows(audit_path(str(p)))] == [("PE810", 235.23)]


def test_pdf_form_is_a_submission(tmp_path):
    p = tmp_path / "form.pdf"
    write_pdf(str(p), build(clinic()))
    a = audit_path(str(p))
    assert [x.kind for x in a] == ["office"]
    assert [(c, cl, e) for c, _, cl, e in rows(a)] == [("PE810", 100, 98.01)]
    assert "第1页" in rows(a)[0][1]


# --- Word report with the form as 附表 -----------------------------------------------------------------
def test_word_report_with_embedded_form(tmp_path):
    p = tmp_path / "自评报告.docx"
    write_docx(str(p), [build(clinic(None))], between=PROSE)
    a = audit_path(str(p))
    assert [x.kind for x in a] == ["report", "office"] and "与文中附表核对" in (a[0].against or "")
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a[0].findings] == [("PE810", 100, 98.01)]
    assert a[1].findings == [] and a[1].sentences == 2  # the form's 实际完成情况 and 偏差原因 cells: right
    res = invoke("audit", p)
    assert res.exit_code == 1 and "与文中附表核对" in res.output and "执行率【100%】" in res.output
    # the form's own 偏差原因 cell says 100% too: a second document, located by the Word table's cell
    write_docx(str(p), [build(clinic())], between=PROSE)
    a = audit_path(str(p))
    assert [x.kind for x in a] == ["report", "office"] and a[1].project["name"] == "乡镇卫生院基本医疗设备购置"
    assert [(f.code, f.to_dict()["claimed"]) for f in a[1].findings] == [("PE810", 100)]
    assert a[1].findings[0].extra["location"].startswith(f"{p}:表1!")
    assert [f.code for f in a[0].findings] == ["PE810"]  # the table row in the report text: no second finding there


def test_word_report_with_two_forms_uses_the_one_named(tmp_path):
    other = clinic(None)
    other["project"]["name"] = "村卫生室标准化建设"
    other["funds"]["total"] = {"budget": 100, "executed": 100}
    for s in other["funds"]["sources"]:
        s["budget"] = s["executed"] = 50
        s.pop("initial", None)
    p = tmp_path / "两个项目.docx"
    write_docx(str(p), [build(clinic(None)), build(other)], between=PROSE)
    a = audit_path(str(p))
    assert "乡镇卫生院基本医疗设备购置" in a[0].against and [f.to_dict()["expected"] for f in a[0].findings] == [98.01] * 2
    unnamed = tuple(t.replace("乡镇卫生院基本医疗设备购置", "本").replace("乡镇卫生院", "") for t in PROSE)
    write_docx(str(p), [build(clinic(None)), build(other)], between=unnamed)
    a = audit_path(str(p))
    assert a[0].findings == [] and a[0].against.startswith("文中有 2 张附表")
    assert "未与附表核对" in invoke("audit", p).output


def test_word_file_that_is_only_forms_is_read_as_forms():
    a = audit_path(str(EXAMPLES / "forms" / "two-projects-report.docx"))
    assert [x.kind for x in a] == ["office", "office"] and all(not x.findings and not x.issues for x in a)


# --- long tables ------------------------------------------------------------------------------------
TABLE = ("项目编码,项目名称,主管部门,年度,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,偏差原因分析及改进措施\n"
         "P001,困难职工帮扶资金,某区总工会,2024,产出指标,数量指标,帮扶户数,≥120户,126户,50,帮扶困难职工126户，占计划的105%。\n"
         ",,,,效益指标,社会效益指标,帮扶对象满意度,≥90%,95%,50,\n"
         "P002,职工技能培训补助,某区总工会,2024,产出指标,数量指标,培训人次,≥500人次,520人次,50,培训500人次，其中：线上300人次，线下220人次。\n"
         ",,,,效益指标,社会效益指标,学员满意度,≥90%,93%,50,\n")
FUNDS = ("项目编码,资金来源,全年预算数,全年执行数\n"
         "P001,财政拨款,100,98\n"
         "P002,财政拨款,50,50\n")


def table(tmp_path: Path) -> Path:
    p = tmp_path / "导出.csv"
    p.write_text(TABLE, "utf-8")
    (tmp_path / "导出.funds.csv").write_text(FUNDS, "utf-8")
    return p


def test_long_table_each_project_its_own_document(tmp_path):
    p = table(tmp_path)
    a = audit_path(str(p))
    assert [x.project.get("code") for x in a] == ["P001", "P002"] and [x.kind for x in a] == ["table", "table"]
    assert a[0].findings == []
    assert [(f.code, f.extra["location"], f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a[1].findings] == [
        ("PE801", f"{p}:4", 500, 520)]
    res = invoke("audit", p, "--format", "json")
    data = json.loads(res.output)
    assert [d["project"]["code"] for d in data] == ["P001", "P002"] and data[1]["findings"][0]["line"] == 4


# --- --against any readable submission ----------------------------------------------------------------
def test_against_an_xlsx_form(tmp_path):
    form = tmp_path / "自评表.xlsx"
    write_xlsx(str(form), {"Sheet1": [build(clinic(None))]})
    rep = tmp_path / "报告.txt"
    rep.write_text("项目全年预算数240万元，全年执行数235.23万元。预算执行率100%。\n", "utf-8")
    res = invoke("audit", rep, "--against", form, "--format", "json")
    data = json.loads(res.output)
    assert res.exit_code == 1 and [(f["code"], f["claimed"], f["expected"]) for f in data["findings"]] == [("PE810", 100, 98.01)]
    assert "自评表.xlsx" in data["against"]


def test_against_a_table_picks_the_project_named_in_the_report(tmp_path):
    p = table(tmp_path)
    rep = tmp_path / "r.txt"
    rep.write_text("职工技能培训补助项目全年预算数50万元，全年执行数45万元。\n", "utf-8")
    data = json.loads(invoke("audit", rep, "--against", p, "--format", "json").output)
    assert "职工技能培训补助" in data["against"] and [(f["code"], f["expected"]) for f in data["findings"]] == [("PE810", 50)]
    rep.write_text("项目全年预算数50万元，全年执行数45万元。\n", "utf-8")
    res = invoke("audit", rep, "--against", p, "--format", "json")
    data = json.loads(res.output)
    assert res.exit_code == 1 and [f["code"] for f in data["findings"]] == ["PE848"] and "--project" in data["findings"][0]["hint"]
    out = invoke("audit", rep, "--against", p).output
    assert "1 份文档未能确定与 --against 的哪个项目核对（PE848）" in out and "无法读取" not in out
    data = json.loads(invoke("audit", rep, "--against", p, "--project", "P001", "--format", "json").output)
    assert [(f["code"], f["claimed"], f["expected"]) for f in data["findings"]] == [("PE810", 50, 100), ("PE810", 45, 98)]
    res = invoke("audit", rep, "--against", p, "--project", "P404")
    assert res.exit_code == 2 and "PE849" in res.output and "P001" in res.output
    res = invoke("audit", rep, "--project", "P001")
    assert res.exit_code == 2 and "--against" in res.output


# --- refusals: never a traceback, always the reason and how to fix it --------------------------------
def _scanned_pdf(path: Path) -> None:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    img = path.with_suffix(".png.tmp")
    Image.new("L", (200, 100), 200).save(img, format="PNG")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(img), 50, 500, 400, 200)
    c.showPage()
    c.save()
    img.unlink()


def _encrypted_pdf(tmp_path: Path) -> bytes:
    from reportlab.pdfgen import canvas

    p = tmp_path / "enc.pdf.tmp"
    c = canvas.Canvas(str(p), encrypt="secret")
    c.drawString(40, 800, "2024 123")
    c.save()
    return p.read_bytes()


def _docx_bytes(tmp_path: Path) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("本年收入合计3万元。")
    p = tmp_path / "w.docx.tmp"
    d.save(p)
    raw = p.read_bytes()
    p.unlink()
    return raw


@pytest.mark.parametrize("name,make,code,words", [
    ("旧报告.doc", lambda t: (OFFICE / "legacy.doc").read_bytes(), "PE844", "另存为 .docx"),
    ("报告.wps", lambda t: (OFFICE / "legacy.doc").read_bytes(), "PE844", "另存为 .docx"),
    ("报告.docx", lambda t: (OFFICE / "legacy.doc").read_bytes(), "PE844", "另存为 .docx"),
    ("表.et", lambda t: b"\xd0\xcf\x11\xe0", "PE844", "另存为 .xlsx"),
    ("加密.xlsx", lambda t: (OFFICE / "encrypted.xlsx").read_bytes(), "PE154", "密码"),
    ("加密.docx", lambda t: (OFFICE / "encrypted.xlsx").read_bytes(), "PE154", "密码"),
    ("坏.docx", lambda t: b"PK\x03\x04broken", "PE155", "损坏"),
    ("坏.pdf", lambda t: b"%PDF-1.4\nnot really", "PE840", "无法读取"),
    ("加密.pdf", lambda t: _encrypted_pdf(t), "PE154", "密码"),
    ("说明.txt", _docx_bytes, "PE157", "Word"),
    ("报告.pdf", _docx_bytes, "PE157", "Word"),
    ("笔记.xls", lambda t: b"just text, not a workbook", "PE155", "损坏"),
])
def test_refusals(tmp_path, name, make, code, words):
    p = tmp_path / name
    p.write_bytes(make(tmp_path))
    res = invoke("audit", p)
    assert res.exit_code == 1 and code in res.output and words in res.output, res.output  # no crash: invoke() checks


def test_scanned_pdf_and_workbook_without_form(tmp_path):
    scan = tmp_path / "扫描件.pdf"
    _scanned_pdf(scan)
    res = invoke("audit", scan)
    assert "PE842" in res.output
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "说明.xlsx"))
    wb.add_worksheet("Sheet1").write(0, 0, "本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.98%。")
    wb.close()
    res = invoke("audit", tmp_path / "说明.xlsx")
    assert res.exit_code == 1 and "PE845" in res.output and ".docx 或 .txt" in res.output


def test_too_large_uses_max_bytes(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("本年收入合计3万元。\n" * 50, "utf-8")
    res = invoke("audit", p, "--max-bytes", 100)
    assert res.exit_code == 1 and "PE102" in res.output and "--max-bytes" in res.output
    assert invoke("audit", p).exit_code == 0


# --- folders: every file accounted for ----------------------------------------------------------------
def test_folder_with_mixed_files(tmp_path):
    root = tmp_path / "收件"
    (root / "二级" / "三级").mkdir(parents=True)
    (root / "报告.txt").write_text("本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.98%；其他收入3万元，占1.10%。\n", "utf-8")
    write_xlsx(str(root / "二级" / "自评表.xlsx"), {"Sheet1": [build(clinic())]})
    (root / "二级" / "~$自评表.xlsx").write_bytes(b"\x00lock")
    (root / "二级" / "三级" / "导出.csv").write_text(TABLE, "utf-8")
    (root / "二级" / "三级" / "导出.funds.csv").write_text(FUNDS, "utf-8")
    (root / "报告.expected.json").write_text("{}", "utf-8")
    (root / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (root / "旧.doc").write_bytes((OFFICE / "legacy.doc").read_bytes())
    (root / "压缩包.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (root / ".DS_Store").write_bytes(b"\x00")
    (root / "坏.docx").write_bytes(b"nope")
    res = invoke("audit", root, "--format", "json", "--jobs", "2")
    data = json.loads(res.output)
    every = {str(p) for p in root.rglob("*") if p.is_file()}
    seen = [d["file"] for d in data]
    assert set(seen) == every, every ^ set(seen)
    assert sorted(d["file"] for d in data if "skipped" in d) == sorted(
        str(root / n) for n in ("二级/~$自评表.xlsx", "二级/三级/导出.funds.csv", "报告.expected.json", "照片.jpg", "压缩包.zip", ".DS_Store"))
    assert all(d["code"] == "PE847" and d["skipped"] for d in data if "skipped" in d)
    codes = {Path(d["file"]).name: [f["code"] for f in d["findings"]] for d in data if "skipped" not in d}
    assert codes["报告.txt"] == ["PE800"] and codes["自评表.xlsx"] == ["PE810"] and codes["旧.doc"] == ["PE844"]
    assert codes["坏.docx"] == ["PE155"]
    res = invoke("audit", root)
    assert res.exit_code == 1 and "跳过 PE847" in res.output and "Office 临时文件" in res.output and "跳过 6 个文件" in res.output


# --- batch: office forms and long tables audited in the worker ------------------------------------------
def test_batch_lists_form_and_table_text_findings(tmp_path):
    import csv
    import io

    src = tmp_path / "in"
    src.mkdir()
    sheet = build(clinic())
    write_xlsx(str(src / "自评表.xlsx"), {"Sheet1": [sheet]})
    table(src)
    res = invoke("batch", src, "--out", tmp_path / "out", "--jobs", "1")
    assert res.exit_code in (0, 1), res.output
    raw = (tmp_path / "out" / "issues.csv").read_bytes().decode("utf-8-sig")
    got = [r for r in csv.DictReader(io.StringIO(raw)) if r["代码"].startswith("PE8")]
    r, c = next((r, c) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if v == "项目预算执行率100%，设备全部到位。")
    where = {(Path(x["文件"].split(":")[0]).name, x["代码"]) for x in got}
    assert where == {("自评表.xlsx", "PE810"), ("导出.csv", "PE801")}
    form_row = next(x for x in got if x["代码"] == "PE810")
    assert form_row["文件"].endswith(f"Sheet1!{chr(65 + c)}{r + 1}") or form_row["行号"] == str(r + 1), form_row
    assert "执行率【100%】" in form_row["说明"]


# --- department-wide submissions (kind: department) ---------------------------------------------------
def test_department_narrative_against_its_own_data(tmp_path):
    text = (EXAMPLES / "department" / "seed-xiqu-union-2024.yaml").read_text("utf-8")
    text = text.replace("total: {initial: 273.52, budget: 273.52, executed: 273.52}",
                        "total: {initial: 273.52, budget: 273.52, executed: 268.05}")
    assert text.rstrip().splitlines()[-1].startswith("  suggestions:")  # narrative is the last section
    text = text.rstrip() + "\n  funds: 2024年度部门预算执行率为100%，基本支出243.26万元，人员经费129.77万元，公用经费140.75万元。\n"
    p = tmp_path / "部门.yaml"
    p.write_text(text, "utf-8")
    a = audit_path(str(p))
    assert [x.kind for x in a] == ["department"]
    got = [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a[0].findings]
    assert got == [("PE810", 100, 98), ("PE810", 243.26, 270.52)]
    line = a[0].findings[0].line
    assert "执行率为100%" in text.splitlines()[line - 1]
    assert [f.findings for f in audit_path(str(EXAMPLES / "department" / "seed-xiqu-union-2024.yaml"))] == [[]]
    # the same file in a batch: the findings are in 部门整体复核问题 (department_issues.csv) with the YAML line
    import csv
    import io

    src = tmp_path / "in"
    src.mkdir()
    (src / "部门.yaml").write_text(text, "utf-8")
    res = invoke("batch", src, "--out", tmp_path / "out", "--jobs", "1")
    assert res.exit_code in (0, 1), res.output
    raw = (tmp_path / "out" / "department_issues.csv").read_bytes().decode("utf-8-sig")
    got = [(r["代码"], r["行"]) for r in csv.DictReader(io.StringIO(raw)) if r["代码"].startswith("PE8")]
    assert got == [("PE810", str(line)), ("PE810", str(line))]


@pytest.mark.parametrize("before_total", [False, True], ids=["after-total", "before-total"])
def test_form_footer_text_rows_are_kept_and_audited(tmp_path, before_total):
    """Hubei-style rows under the indicators (偏差大或目标未完成原因分析 / 改进措施及结果应用方案) are read, not dropped."""
    from formmaker import Layout

    sheet = build(clinic(None), Layout(footer=False))
    rows_ = [["偏差大或目标未完成原因分析", "", "项目预算执行率100%，个别设备延迟到货。"], ["改进措施及结果应用方案：加强采购计划管理。"]]
    at = len(sheet.rows)
    if before_total:  # directly under the indicators, above 总分
        at = next(r for r, row in enumerate(sheet.rows) if row[0] == "总分")
    for k, r in enumerate(rows_):
        sheet.rows.insert(at + k, r + [""] * (sheet.width - len(r)))
    sheet.merges = [(a + (2 if a >= at else 0), b, c + (2 if c >= at else 0), d) for a, b, c, d in sheet.merges]
    p = tmp_path / "湖北.xlsx"
    write_xlsx(str(p), {"Sheet1": [sheet]})
    from perfeval.readers import read_path

    data = read_path(str(p))[0].loaded.data
    assert data["narrative"] == {"problems": "项目预算执行率100%，个别设备延迟到货。", "suggestions": "加强采购计划管理。"}
    assert len(data["indicators"]) == 8
    got = rows(audit_path(str(p)))
    assert got == [("PE810", f"{p}:Sheet1!C{at + 1}", 100, 98.01)]


def test_pdf_report_with_embedded_form(tmp_path):
    """A PDF 自评报告: prose, then the form; checked against the form, the form's rows are not prose."""
    p = tmp_path / "自评报告.pdf"
    write_pdf(str(p), build(clinic(None)), before=PROSE)
    a = audit_path(str(p))
    assert a[0].kind == "report" and "与文中附表核对" in a[0].against
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"], f.sentence.page) for f in a[0].findings] == [("PE810", 100, 98.01, 1)]
    table_rows = [ln for ln in read_all(str(p))[0].lines if ln.table]
    assert any("三级指标" in ln.text for ln in table_rows) and not any("执行率100%" in ln.text for ln in table_rows)


def test_et_that_is_a_biff_workbook_is_read(tmp_path):
    p = tmp_path / "自评表.et"
    p.write_bytes((EXAMPLES / "forms" / "national-clinic-equipment.xls").read_bytes())
    a = audit_path(str(p))
    assert [(x.kind, x.issues) for x in a] == [("office", [])] and a[0].project["name"] == "乡镇卫生院基本医疗设备购置"
