"""Office 自评表 files (.xlsx / .xls / .docx / .pdf) read by the form recogniser (issue 11).

Fixtures are real files made in code (tests/formmaker.py: xlsxwriter, python-docx, reportlab) from
the YAML examples and from the transcribed real forms, in every layout variation docs/import.md
lists; the refusals use real files (a LibreOffice .doc, an msoffcrypto-encrypted .xlsx, an
image-only PDF, a zip that inflates past the limit, a sheet with a cell at XFD1048576).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval.cli import main
from perfeval.declare.load import Limits
from perfeval.pipeline import evaluate, results

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tools"))

from conftest import assert_no_crash
from formmaker import Layout, build, write_docx, write_pdf, write_xlsx
from make_example_forms import TWINS
from test_realforms import FORMS, to_submission

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
OFFICE = Path(__file__).parent / "fixtures" / "office"


def summary(r: dict, pdf: bool = False) -> tuple:
    """What "scores the same" means: status, totals, grade, every indicator's score and claim, the project.

    ``pdf``: a PDF keeps no spaces where a line wrapped, so free-text notes are compared without spaces.
    """
    if r["status"] != "scored":
        return (r["status"],)
    if pdf:
        r = {**r, "indicators": [{**i, "note": (i["note"] or "").replace(" ", "") or None} for i in r["indicators"]]}
    ex = r["execution"]
    return (r["status"], r["total"], r["grade"], r["claimed_total"], r["claimed_grade"], r["project"],
            (ex["budget"], ex["executed"], ex["score"], ex["claimed_score"]),
            [(i["level1"], i["level2"], i["name"], i["target"], i["actual"], i["weight"], i["score"], i["claimed_score"], i["note"])
             for i in r["indicators"]])


def load(p: Path) -> dict:
    d = yaml.safe_load(p.read_text("utf-8"))
    for ind in d["indicators"]:
        ind.pop("ratio", None)  # the form has no 得分系数 column
    d.pop("narrative", None)
    return d


def score_file(path: Path | str, profile: str | None = None) -> list[dict]:
    return results(evaluate([str(path)], profile=profile))


def twin(tmp_path: Path, sub: dict) -> dict:
    p = tmp_path / "twin.yaml"
    p.write_text(yaml.safe_dump(sub, allow_unicode=True, sort_keys=False), "utf-8")
    return score_file(p)[0]


# ---------------------------------------------------------------------------
# examples/forms: each scores like its YAML twin
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(TWINS))
def test_example_forms_score_like_their_yaml_twins(name):
    got = score_file(ROOT / "examples" / "forms" / name)
    ref = results(evaluate([str(ROOT / t) for t in TWINS[name]]))
    assert len(got) == len(ref)
    for g, r in zip(got, ref, strict=True):
        assert g["status"] == "scored", g["issues"]
        assert summary(g) == summary(r)


def test_score_cli_prints_the_same_table_as_the_yaml_twin():
    runner = CliRunner()
    a = runner.invoke(main, ["score", str(ROOT / "examples/forms/national-clinic-equipment.xlsx")])
    b = runner.invoke(main, ["score", str(ROOT / "examples/national-clinic-equipment.yaml")])
    assert a.exception is None and b.exception is None
    assert a.exit_code == b.exit_code == 0
    table = lambda out: out[: out.index("总分 97.30")]
    assert table(a.output) == table(b.output)
    assert "national-clinic-equipment.xlsx:自评表!" in a.output  # issues name the sheet and cell


# ---------------------------------------------------------------------------
# every example in every file type, and the layout variations
# ---------------------------------------------------------------------------
# every example as .xlsx; .docx and .pdf (slower to write) for the national and the Sichuan layout
ROUND_TRIPS = [(e, "xlsx") for e in EXAMPLES] + [(e, x) for e in EXAMPLES if e.stem in ("national-clinic-equipment", "sichuan-school-meals")
                                                 for x in ("docx", "pdf")]


@pytest.mark.parametrize(("example", "ext"), ROUND_TRIPS, ids=lambda p: getattr(p, "stem", p))
def test_examples_round_trip_through_office_files(tmp_path, example, ext):
    sub = load(example)
    lay = Layout(style="sichuan" if sub.get("profile") == "sichuan" else "national")
    sh = build(sub, lay, top=2, left=1)
    out = tmp_path / f"form.{ext}"
    {"xlsx": lambda: write_xlsx(str(out), {"Sheet1": [sh]}), "docx": lambda: write_docx(str(out), [sh]),
     "pdf": lambda: write_pdf(str(out), sh)}[ext]()
    assert summary(score_file(out)[0], ext == "pdf") == summary(twin(tmp_path, sub), ext == "pdf")


VARIATIONS = {
    "offset_and_title": (Layout(), 5, 3),
    "year_in_a_cell": (Layout(year_in="cell", title=False), 0, 0),
    "score_before_weight": (Layout(score_first=True), 0, 0),
    "no_weight_column": (Layout(no_weight=True), 0, 0),
    "levels_repeated": (Layout(levels="repeated"), 0, 0),
    "levels_blank": (Layout(levels="blank"), 0, 0),
    "numbers_as_text": (Layout(numbers_as_text=True, rate_as_text=True), 1, 0),
    "rate_as_number": (Layout(rate_as_text=False), 0, 0),
    "synonyms": (Layout(header={"target": "年度目标值", "actual": "全年实际值", "note": "偏差原因分析"}), 0, 0),
    "synonyms2": (Layout(header={"target": "指标值", "actual": "实际值", "weight": "权重"}), 0, 0),
    "no_footer_no_unit": (Layout(footer=False, unit_line=False), 0, 0),
    "total_as_formulas": (Layout(total_formula=True), 0, 0),
}


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_layout_variations_read_the_same(tmp_path, variation):
    lay, top, left = VARIATIONS[variation]
    sub = load(ROOT / "examples/national-clinic-equipment.yaml")
    if lay.no_weight:
        for ind in sub["indicators"]:
            ind.pop("weight", None)
    out = tmp_path / "v.xlsx"
    write_xlsx(str(out), {"表1": [build(sub, lay, top=top, left=left)]})
    assert summary(score_file(out)[0]) == summary(twin(tmp_path, sub))


def test_formula_error_value_is_empty_with_a_warning_naming_the_cell(tmp_path):
    sub = load(ROOT / "examples/seed-corrected.yaml")
    out = tmp_path / "err.xlsx"
    write_xlsx(str(out), {"Sheet1": [build(sub, Layout(error_cell=True, total_formula=True))]})
    ev = evaluate([str(out)])
    assert results(ev)[0]["status"] == "scored"
    warn = [i for i in ev.issues if i.code == "PE161"]
    assert len(warn) == 1 and "#DIV/0!" in warn[0].message
    assert warn[0].sheet == "Sheet1" and warn[0].column and warn[0].format().startswith(f"{out}:Sheet1!")


def test_several_forms_per_sheet_and_per_workbook(tmp_path):
    a, b, c = (load(ROOT / f"examples/{n}.yaml") for n in ("seed-corrected", "national-clinic-equipment", "hubei-rural-water"))
    out = tmp_path / "many.xlsx"
    write_xlsx(str(out), {"第一页": [build(a, Layout()), build(b, Layout(levels="repeated"))], "第二页": [build(c, Layout())]})
    got = score_file(out)
    assert [r["file"] for r in got] == [str(out)] * 3
    assert [summary(r) for r in got] == [summary(twin(tmp_path, s)) for s in (a, b, c)]


def test_docx_with_two_forms_between_paragraphs(tmp_path):
    a, b = load(ROOT / "examples/seed-corrected.yaml"), load(ROOT / "examples/national-clinic-equipment.yaml")
    out = tmp_path / "报告.docx"
    write_docx(str(out), [build(a), build(b, Layout(levels="blank"))])
    ev = evaluate([str(out)])
    got = results(ev)
    assert [summary(r) for r in got] == [summary(twin(tmp_path, s)) for s in (a, b)]
    second = [i for i in ev.by_sub[1]] if getattr(ev, "by_sub", None) else []
    assert second and all(i.file == str(out) and i.sheet == "表2" for i in second if i.line), second


def test_xls_example_reads_like_the_xlsx():
    a = score_file(ROOT / "examples/forms/national-clinic-equipment.xls")
    b = score_file(ROOT / "examples/forms/national-clinic-equipment.xlsx")
    assert summary(a[0]) == summary(b[0])


# ---------------------------------------------------------------------------
# real published forms (tests/fixtures/realforms) laid out as forms
# ---------------------------------------------------------------------------
REAL = sorted(FORMS.glob("*.json"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_forms_read_back_as_printed(tmp_path, path):
    form = json.loads(path.read_text("utf-8"))
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    lay = Layout(no_score=all(i.get("claimed_score") is None for i in sub["indicators"]),
                 no_weight=all(i.get("weight") is None for i in sub["indicators"]), levels="merged")
    if lay.no_score:
        sub.pop("claimed_total", None)  # a form without a 得分 column has no 总分 cell to print it in
    out = tmp_path / f"{path.stem}.xlsx"
    write_xlsx(str(out), {"Sheet1": [build(sub, lay, top=1)]})
    assert summary(score_file(out)[0]) == summary(twin(tmp_path, sub))


# ---------------------------------------------------------------------------
# property: anything perfeval renders as xlsx reads back and scores identically
# ---------------------------------------------------------------------------
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(EXAMPLES), st.lists(st.integers(0, 1000), min_size=1, max_size=4))
def test_rendered_xlsx_reads_back_and_scores_identically(tmp_path_factory, example, actuals):
    tmp = tmp_path_factory.mktemp("rt")
    sub = load(example)
    for k, a in enumerate(actuals):  # vary the actual values of the first numeric indicators
        ind = sub["indicators"][k % len(sub["indicators"])]
        if isinstance(ind.get("target"), str) and any(ch.isdigit() for ch in ind["target"]) and "%" not in ind["target"]:
            ind["actual"] = a
    y = tmp / "s.yaml"
    y.write_text(yaml.safe_dump(sub, allow_unicode=True, sort_keys=False), "utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["render", str(y), "--format", "xlsx", "--out", str(tmp / "out") + "/"])
    assert res.exit_code in (0, 1) and (res.exception is None or isinstance(res.exception, SystemExit)), res.output
    (rendered,) = list((tmp / "out").glob("*.xlsx"))
    ref = score_file(y)[0]
    got = score_file(rendered)[0]
    assert (got["status"], got.get("total"), got.get("grade")) == (ref["status"], ref.get("total"), ref.get("grade"))
    if ref["status"] == "scored":
        assert [i["score"] for i in got["indicators"]] == [i["score"] for i in ref["indicators"]]


# ---------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------
def _codes(path: Path | str, limits: Limits | None = None) -> list[str]:
    ev = evaluate([str(path)], limits=limits or Limits())
    assert ev.status == ["rejected"]
    return [i.code for i in ev.issues]


def test_legacy_doc_is_refused_with_save_as_docx():
    ev = evaluate([str(OFFICE / "legacy.doc")])
    assert [i.code for i in ev.issues] == ["PE150"] and "另存为 .docx" in ev.issues[0].format()


def test_encrypted_workbook_is_refused():
    assert _codes(OFFICE / "encrypted.xlsx") == ["PE154"]


def test_scanned_pdf_is_refused(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    img = tmp_path / "scan.png"
    from PIL import Image

    Image.new("L", (200, 100), 200).save(img)
    pdf = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.drawImage(str(img), 50, 500, 400, 200)
    c.showPage()
    c.save()
    ev = evaluate([str(pdf)])
    assert [i.code for i in ev.issues] == ["PE151"] and "扫描件无法读取文字" in ev.issues[0].message


def test_workbook_without_a_form_is_refused(tmp_path):
    out = tmp_path / "note.xlsx"
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out))
    wb.add_worksheet().write(0, 0, "会议纪要")
    wb.close()
    assert _codes(out) == ["PE152"]


def test_corrupt_and_lying_files_are_refused(tmp_path):
    good = tmp_path / "good.xlsx"
    write_xlsx(str(good), {"Sheet1": [build(load(ROOT / "examples/seed-corrected.yaml"))]})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:1500])
    assert _codes(cut) == ["PE155"]
    docx_as_xlsx = tmp_path / "really-a-docx.xlsx"
    write_docx(str(tmp_path / "r.docx"), [build(load(ROOT / "examples/seed-corrected.yaml"))])
    docx_as_xlsx.write_bytes((tmp_path / "r.docx").read_bytes())
    assert _codes(docx_as_xlsx) == ["PE157"]
    xlsx_as_yaml = tmp_path / "form.yaml"
    xlsx_as_yaml.write_bytes(good.read_bytes())
    assert _codes(xlsx_as_yaml) == ["PE157"]
    yaml_as_xlsx = tmp_path / "project.xlsx"
    yaml_as_xlsx.write_text((ROOT / "examples/seed-corrected.yaml").read_text("utf-8"), "utf-8")
    assert _codes(yaml_as_xlsx) == ["PE157"]


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    good = tmp_path / "good.xlsx"
    write_xlsx(str(good), {"Sheet1": [build(load(ROOT / "examples/seed-corrected.yaml"))]})
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))  # 30 MB of zeros, ~30 KB compressed
    assert bomb.stat().st_size < 200_000
    assert _codes(bomb, Limits(max_bytes=1024 * 1024)) == ["PE156"]


def test_huge_sheet_dimension_is_refused_before_loading(tmp_path):
    import xlsxwriter

    out = tmp_path / "huge.xlsx"
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet()
    ws.write(0, 0, "一级指标")
    ws.write(1048575, 16383, "x")  # XFD1048576: a dense reader would allocate 17 billion cells
    wb.close()
    ev = evaluate([str(out)])
    assert [i.code for i in ev.issues] == ["PE158"]


def test_file_size_limit_applies(tmp_path):
    assert _codes(ROOT / "examples/forms/two-projects-report.docx", Limits(max_bytes=1000)) == ["PE102"]


def test_refusals_exit_1_without_traceback():
    res = CliRunner().invoke(main, ["score", str(OFFICE / "legacy.doc")])
    assert_no_crash(res)
    assert res.exit_code == 1 and "PE150" in res.output


# ---------------------------------------------------------------------------
# long tables stay long tables; batch mixes kinds
# ---------------------------------------------------------------------------
def test_long_table_workbook_is_told_apart(tmp_path):
    import xlsxwriter

    out = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet("指标")
    head = ["项目名称", "主管部门", "年度", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"]
    ws.write_row(0, 0, head)
    ws.write_row(1, 0, ["送温暖帮扶专项经费", "某区总工会", 2024, "产出指标", "数量指标", "帮扶户数", "≥5户", "5户", 50])
    ws.write_row(2, 0, ["送温暖帮扶专项经费", "某区总工会", 2024, "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 40])
    f = wb.add_worksheet("资金")
    f.write_row(0, 0, ["项目名称", "资金来源", "全年预算数", "全年执行数"])
    f.write_row(1, 0, ["送温暖帮扶专项经费", "本级财政资金", 3, 3])
    wb.close()
    assert [r["status"] for r in score_file(out)] == ["scored"]  # read by the long-table reader, not as a form
    res = CliRunner().invoke(main, ["batch", str(out), "--out", str(tmp_path / "b")])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    summary_csv = (tmp_path / "b" / "summary.csv").read_text("utf-8-sig")
    assert "送温暖帮扶专项经费" in summary_csv and "已评分" in summary_csv and "scored" not in summary_csv


def test_batch_over_a_folder_mixing_yaml_and_forms(tmp_path):
    import shutil

    d = tmp_path / "in"
    d.mkdir()
    for name in TWINS:
        shutil.copy(ROOT / "examples/forms" / name, d / name)
    shutil.copy(ROOT / "examples/seed-corrected.yaml", d / "seed.yaml")
    shutil.copy(OFFICE / "legacy.doc", d / "旧表.doc")
    res = CliRunner().invoke(main, ["batch", str(d), "--out", str(tmp_path / "b")])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    import csv

    rows = list(csv.DictReader((tmp_path / "b" / "summary.csv").open(encoding="utf-8-sig")))
    # 5 form files holding 6 forms, 1 YAML, 1 refused .doc: every input accounted for
    assert len(rows) == 8
    issues = (tmp_path / "b" / "issues.csv").read_text("utf-8-sig")
    assert "PE150" in issues and "national-clinic-equipment.xlsx:自评表!" in issues


# ---------------------------------------------------------------------------
# perfeval import
# ---------------------------------------------------------------------------
def test_import_writes_yaml_that_scores_like_the_original(tmp_path):
    forms = [ROOT / "examples/forms" / n for n in sorted(TWINS)]
    res = CliRunner().invoke(main, ["import", *map(str, forms), "--out", str(tmp_path / "y")])
    assert res.exit_code == 0, res.output
    written = sorted((tmp_path / "y").glob("*.yaml"))
    assert len(written) == 6  # five files, the Word report holds two forms
    for y in written:
        head = y.read_text("utf-8").splitlines()[:2]
        assert head[0].startswith("# 由 perfeval import 从 ") and head[1].startswith("# 源文件：")
    by_name = {}
    for f in forms:
        for r in score_file(f):
            by_name.setdefault(r["project"]["name"], []).append(summary(r))
    for y in written:
        r = score_file(y)[0]
        assert summary(r) in by_name[r["project"]["name"]]


def test_import_refusal_exits_1(tmp_path):
    res = CliRunner().invoke(main, ["import", str(OFFICE / "legacy.doc"), "--out", str(tmp_path / "y")])
    assert res.exit_code == 1 and "PE150" in res.output and res.exception is None or isinstance(res.exception, SystemExit)


@pytest.mark.parametrize("profile", ["national-2020", "sichuan"])
def test_init_xlsx_template_filled_in_reads_back(tmp_path, profile):
    import openpyxl

    tpl = tmp_path / "自评表.xlsx"
    res = CliRunner().invoke(main, ["init", "--sector", "union", "--name", "送温暖帮扶专项经费", "--department", "某区总工会",
                                    "--profile", profile, "--format", "xlsx", "--out", str(tpl)])
    assert res.exit_code == 0 and res.exception is None, res.output
    wb = openpyxl.load_workbook(tpl)
    ws = wb["自评表"]
    assert ws.protection.sheet and ws.data_validations.dataValidation  # protected, with drop-downs
    head = next(r for r in ws.iter_rows() if any(c.value == "一级指标" for c in r))
    col = {c.value: c.column for c in head}
    actual = col["实际完成值"]
    n = 0
    for row in ws.iter_rows(min_row=head[0].row + 1):
        if row[col["三级指标"] - 1].value:
            target = row[col["年度指标值" if "年度指标值" in col else "指标值"] - 1].value
            assert not row[actual - 1].protection.locked
            row[actual - 1].value = "达成预期指标" if not any(ch.isdigit() for ch in str(target)) else str(target).lstrip("≥≤=<>")
            n += 1
    fund = next(r for r in ws.iter_rows() if r[1].value and str(r[1].value).startswith("其中："))
    fund[4].value = fund[3].value  # 全年执行数 = 全年预算数
    wb.save(tpl)
    (r,) = score_file(tpl)
    assert r["status"] == "scored", r["issues"]
    assert len(r["indicators"]) == n and r["profile"]["name"] == profile
