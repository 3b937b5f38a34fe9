"""Issue #10 items 9, 10, 12, 16: printed outputs a finance office can hand out, names that never collide silently,
and the smaller rough edges (Chinese sector names, pip-only install, the terminal table)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, make_submission
from perfeval.cli import main

TYPICAL = ["hubei-rural-water.yaml", "national-clinic-equipment.yaml", "seed-corrected.yaml", "sichuan-school-meals.yaml"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- item 9: the Excel form ----------------------------------------------------------------------
def _xlsx(tmp_path, *files, review=False):
    out = tmp_path / "form.xlsx"
    res = run("render", *files, "--format", "xlsx", "--out", out, *(["--review"] if review else []))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert out.exists(), res.output
    return openpyxl.load_workbook(out)


def test_xlsx_has_no_apostrophe_and_is_one_page(tmp_path):
    wb = _xlsx(tmp_path, EXAMPLES / "hubei-rural-water.yaml")
    ws = wb.worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=100%" in texts and not any(t.startswith("'") for t in texts)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    ps = ws.page_setup  # OOXML default for fitToWidth/fitToHeight is 1 (openpyxl reads it as None); the old form wrote 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth in (None, 1) and ps.fitToHeight in (None, 1)
    assert not any("复核意见" in t for t in texts)  # off by default in the form


def test_xlsx_review_block_only_with_review(tmp_path):
    ws = _xlsx(tmp_path, EXAMPLES / "hubei-rural-water.yaml", review=True).worksheets[0]
    assert any(isinstance(c.value, str) and "复核意见" in c.value for row in ws.iter_rows() for c in row)


def test_xlsx_block_labels_are_horizontal_and_fully_visible(tmp_path):
    for name in TYPICAL:
        ws = _xlsx(tmp_path, EXAMPLES / name).worksheets[0]
        width = ws.column_dimensions["A"].width
        chars_per_line = max(int((width - 1.5) // 2), 1)
        for rng in ws.merged_cells.ranges:
            cell = ws.cell(rng.min_row, rng.min_col)
            if rng.min_col != 1 or rng.max_col != 1 or not isinstance(cell.value, str):
                continue
            assert not cell.alignment.textRotation, (name, cell.value)
            lines = -(-len(cell.value) // chars_per_line)
            height = sum((ws.row_dimensions[r].height or 15) for r in range(rng.min_row, rng.max_row + 1))
            assert height >= lines * 13, (name, cell.value, height, lines)


def test_csv_keeps_the_formula_guard():
    from perfeval.safety import safe_cell, safe_text

    assert safe_cell("=100%") == "'=100%" and safe_text("=100%") == "=100%"
    assert safe_text("a\x1bb") == "a\\u001bb"


# --- item 10: the HTML form prints on one A4 landscape page ---------------------------------------
def _pdf_pages(html: Path, tmp_path: Path) -> tuple[int, float, float]:
    pdf = tmp_path / (html.stem + ".pdf")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'chrome-profile'}",
           "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    subprocess.run(cmd, check=True, timeout=180, capture_output=True, env={**os.environ, "HOME": str(tmp_path)})
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(pdf) as doc:
        return len(doc.pages), float(doc.pages[0].width), float(doc.pages[0].height)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is installed by .ci/run (apt-get chromium) when missing")
@pytest.mark.parametrize("name", TYPICAL)
def test_html_form_prints_on_one_a4_landscape_page(tmp_path, name):
    html = tmp_path / (Path(name).stem + ".html")
    res = run("render", EXAMPLES / name, "--format", "html", "--out", html)
    assert html.exists(), res.output
    pages, w, h = _pdf_pages(html, tmp_path)
    assert pages == 1
    assert w > h and abs(w - 841.9) < 2 and abs(h - 595.3) < 2  # A4 landscape in points


def test_print_css_keeps_the_indicator_block_together():
    css = (ROOT / "src" / "perfeval" / "templates" / "form.css").read_text("utf-8")
    assert "size: A4 landscape" in css and "tbody.indicators" in css and "break-inside: avoid" in css


# --- item 12: output names never collide silently --------------------------------------------------
def _two_departments(write):
    a = make_submission([{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5}])
    b = make_submission([{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5}],
                        project={"department": "另一个局", "code": "51-0001"})
    return write(a), write(b)


def test_file_names_carry_department_and_code(write, tmp_path):
    a, b = _two_departments(write)
    out = tmp_path / "forms"
    res = run("render", a, b, "--format", "html", "--out", f"{out}/")
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "PE704" not in res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["另一个局_51-0001_测试项目_2024年度_自评表.html", "测试部门_测试项目_2024年度_自评表.html"]


def test_existing_file_is_not_replaced_without_overwrite(write, tmp_path):
    a, _ = _two_departments(write)
    target = tmp_path / "form.html"
    target.write_text("keep me", encoding="utf-8")
    res = run("render", a, "--format", "html", "--out", target)
    assert res.exit_code == 1 and "PE704" in res.output and target.read_text("utf-8") == "keep me"
    d = tmp_path / "dir"
    assert "PE704" not in run("render", a, "--format", "html", "--out", f"{d}/").output
    res = run("render", a, "--format", "html", "--out", f"{d}/")
    assert res.exit_code == 1 and "PE704" in res.output
    res = run("render", a, "--format", "html", "--out", target, "--overwrite")
    assert "PE704" not in res.output and "keep me" not in target.read_text("utf-8")


def test_make_demo_and_readme_examples_write_to_different_places():
    make = (ROOT / "Makefile").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    demo_outs = {line.split("--out ")[1].split()[0] for line in make.splitlines() if "--out " in line and "perfeval" in line}
    readme_outs = {line.split("--out ")[1].split()[0] for line in readme.splitlines() if "--out " in line and "perfeval" in line}
    assert demo_outs == {"out/demo/"} and not demo_outs & readme_outs


# --- item 16: smaller ------------------------------------------------------------------------------
@pytest.mark.parametrize("sector", ["工会", "工会与困难职工帮扶", "教育", "卫生健康", "农业农村与水利"])
def test_init_accepts_chinese_sector_names(sector):
    res = run("init", "--sector", sector, "--name", "x", "--department", "y")
    assert res.exit_code == 0, res.output
    assert "perfeval: 1" in res.output


def test_library_doc_has_no_machine_path():
    assert "/work/" not in (ROOT / "docs" / "library.md").read_text("utf-8")


def test_readme_says_how_to_install_with_pip_alone():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "pip install ." in readme and "python -m perfeval" in readme
    res = subprocess.run([os.sys.executable, "-m", "perfeval", "--help"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=60)
    assert res.returncode == 0 and "perfeval" in res.stdout


def test_terminal_table_hides_claimed_column_when_nothing_claimed(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5}]
    res = run("score", write(make_submission(inds)))
    assert "自评得分" not in res.output
    inds[0]["claimed_score"] = 80
    assert "自评得分" in run("score", write(make_submission(inds))).output


def test_word_report_table_has_set_column_widths(tmp_path):
    import docx

    out = tmp_path / "r.docx"
    res = run("report", EXAMPLES / "hubei-rural-water.yaml", "--format", "docx", "--out", out)
    assert out.exists(), res.output
    doc = docx.Document(str(out))
    assert doc.tables
    from docx.shared import Cm

    for t in doc.tables:
        widths = [c.width for c in t.columns]
        assert all(w for w in widths), widths  # every column has a width (none left to Word's autofit)
        assert abs(sum(widths) - Cm(16)) < Cm(0.1)  # together the text width of the page
        assert min(widths) >= Cm(0.6)  # no column squeezed to a character
