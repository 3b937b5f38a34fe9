"""Safety of what perfeval reads and what it publishes.

* ``safe_cell``: spreadsheet formula injection (= + - @ tab CR, full-width too) is
  neutralised; genuine numbers are kept.
* ``safe_filename``: no path separators, no "..", no Windows reserved names (whatever
  the extension), no control or invisible characters, bounded length, never empty.
* YAML is loaded safely only: python tags are an error (PE101) and never run — in
  submissions and in profile files.
* Rendered pages escape user text (``<script>`` in every text field) and never treat
  it as a template; XLSX output has no formula cells.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_no_crash, make_submission
from perfeval.cli import main
from perfeval.declare.load import Limits, load_text
from perfeval.safety import safe_cell, safe_filename

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def run(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert_no_crash(res)
    return res


# ---------------------------------------------------------------------------
# safe_cell
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    "=1+1", '=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3", "-", "+",
    "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1+1", "＠SUM(A1)", "-1\n=2+3", "+12 =A1",
])
def test_safe_cell_neutralises_formula_starts(value):
    out = safe_cell(value)
    assert out == "'" + value


@pytest.mark.parametrize("value", ["-3.5", "+12", "50%", "-0.5%", "1e5", "-1e5", ".5", "-.5", "100", "0", "98.98%", "-12.00"])
def test_safe_cell_keeps_genuine_numbers(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["送温暖帮扶专项经费", "a=b", "达成预期指标", " =1+1 只在开头才算", "", None, 3, -3.5, 0.0, True])
def test_safe_cell_leaves_ordinary_values_alone(value):
    assert safe_cell(value) == value


def test_safe_cell_writes_control_characters_visibly():
    assert safe_cell("送温暖\x1b[2J帮\x00扶") == "送温暖\\u001b[2J帮\\u0000扶"
    assert safe_cell("a\tb\r\nc") == "a\tb\r\nc"  # tab and line breaks are ordinary cell content
    assert safe_cell("\x1b=1+1") == "\\u001b=1+1"


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_safe_cell_property(value):
    out = safe_cell(value)
    shown = _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    assert out in (shown, "'" + shown)
    assert not _CONTROLS.search(out)
    if out == shown and shown.startswith(FORMULA_STARTS):
        float(shown.strip().rstrip("%"))  # only a genuine number may keep a formula start


# ---------------------------------------------------------------------------
# safe_filename
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("送温暖帮扶专项经费", "送温暖帮扶专项经费"),
    ("a/b\\c", "a_b_c"),
    ("../../etc/passwd", "___etc_passwd"),
    ("..", "project"),
    ("...", "project"),
    ("", "project"),
    (None, "project"),
    ("   ", "project"),
    ("CON", "CON_project"),
    ("con", "con_project"),
    ("CON.txt", "CON_project.txt"),
    ("nul ", "nul_project"),
    ("COM¹", "COM1_project"),  # NFKC: Windows treats superscript digits as reserved too
    ("LPT9.tar.gz", "LPT9_project.tar.gz"),
    ("项目\x00名\x1b称", "项目_名_称"),
    ("报告\u202eslx.exe", "报告_slx.exe"),  # a bidi override would display as "报告exe.xls"
    ('a:b*c?d"e<f>g|h', "a_b_c_d_e_f_g_h"),
    ("名称. ", "名称"),
    ("ＣＯＮ", "CON_project"),  # full-width letters normalise to the reserved name
    ("-rf 项目", "_rf 项目"),  # not an option to shell tools
    (".hidden", "hidden"),
])
def test_safe_filename_examples(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_bounds_long_names():
    assert safe_filename("a" * 500) == "a" * 80
    long_cjk = safe_filename("长" * 500)
    assert len(long_cjk) <= 80 and len(long_cjk.encode("utf-8")) <= 240
    assert len(safe_filename("项目" * 100, max_len=60)) == 60


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(st.sampled_from(list("./\\ CONUL1.:\u202e\x00长")), max_size=20)),
       st.integers(8, 120))
def test_safe_filename_property(name, max_len):
    s = safe_filename(name, max_len=max_len)
    assert s and len(s) <= max_len and len(s.encode("utf-8")) <= max_len * 3
    assert not re.search(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]', s)
    assert ".." not in s and s not in (".", "..")
    assert not s.endswith((" ", ".")) and not s.startswith((" ", ".", "-"))
    assert s.partition(".")[0].rstrip().upper() not in RESERVED
    assert not any(unicodedata.category(c) in ("Cf", "Cs") for c in s)


# ---------------------------------------------------------------------------
# YAML is loaded safely only
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("tag", [
    '!!python/object/apply:os.system ["touch {p}"]',
    '!!python/object/new:os.system ["touch {p}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{p}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    '!!python/object:builtins.object {{}}',
])
def test_python_tags_are_errors_and_never_run(tmp_path, tag):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"perfeval: 1\nproject:\n  name: {tag.format(p=marker)}\n", encoding="utf-8")
    for cmd in ("validate", "score"):
        res = run(cmd, path)
        assert res.exit_code == 1
        assert f"{path}:3: 错误 PE101" in res.output
    assert not marker.exists()


def test_python_tags_in_a_profile_file_are_refused(tmp_path, write):
    marker = tmp_path / "pwned"
    prof = tmp_path / "evil-profile.yaml"
    prof.write_text(f'name: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    sub = write(make_submission([{"level1": "产出指标", "level2": "数量指标", "name": "x", "target": "≥1户", "actual": 1}]))
    res = run("score", sub, "--profile", prof)
    assert res.exit_code == 2 and "PE204" in res.output
    assert not marker.exists()


def test_duplicate_keys_are_an_error_not_a_silent_overwrite():
    ld = load_text("perfeval: 1\nproject: {name: a}\nproject: {name: b}\n", "dup.yaml")
    assert [(i.code, i.line) for i in ld.issues] == [("PE105", 3)]
    assert "第 2 行和第 3 行" in ld.issues[0].message and "project" in ld.issues[0].message


def test_limits_are_configurable():
    text = "perfeval: 1\na: &a [1, 2]\nb: [*a, *a, *a]\n"
    assert not any(i.code == "PE106" for i in load_text(text, "x.yaml").issues)
    assert [i.code for i in load_text(text, "x.yaml", Limits(max_aliases=2)).issues] == ["PE106"]
    nested = "perfeval: 1\na: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n"  # 2 + 2 × (1 + 2) = 8 as expanded
    assert [i.code for i in load_text(nested, "x.yaml", Limits(max_aliases=7)).issues] == ["PE106"]
    assert not load_text(nested, "x.yaml", Limits(max_aliases=8)).issues


# ---------------------------------------------------------------------------
# Rendered output: escaping, no template evaluation, no formula cells
# ---------------------------------------------------------------------------
X = "<script>alert(1)</script>"
TEMPLATE = "{{ 1234*1000 }}{% for i in range(3) %}T{% endfor %}"


def _hostile(profile: str = "national-2020") -> dict:
    """<script> in every text field of a submission (and template syntax in the project code)."""
    return {
        "perfeval": 1,
        "profile": profile,
        "project": {"name": f"P{X}", "code": f"C{TEMPLATE}", "year": 2024, "department": f"D{X}", "implementer": f"I{X}"},
        "funds": {"unit": "万元", "sources": [{"name": f"S{X}", "initial": 3, "budget": 3, "executed": 2}], "note": f"N{X}"},
        "goal": {"target": f"GT{X}", "actual": f"GA{X}"},
        "indicators": [
            {"level1": "产出指标", "level2": f"L2{X}", "name": f"IN{X}", "target": "≥5户", "actual": 4, "note": f"NOTE{X}",
             "definition": f"DEF{X}"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": f"Q{X}", "target": f"T{X}", "actual": f"A{X}"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": f"{TEMPLATE}", "target": "≥90%", "actual": "95%"},
        ],
        "claimed_grade": f"G{X}",
        "narrative": {k: f"{k}{X}" for k in ("basic", "funds", "conclusion", "problems", "suggestions")},
    }


ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize("profile", ["national-2020", "sichuan"])
def test_html_form_escapes_every_text_field(write, profile):
    res = run("render", write(_hostile(profile)), "--format", "html")
    out = res.stdout
    assert "<script" not in out.lower() and "alert(1)</" not in out
    for marker in ("P", "D", "I", "S", "GT", "GA", "L2", "IN", "Q", "T", "A"):
        assert f"{marker}{ESCAPED}" in out, marker
    assert TEMPLATE in out and "1234000" not in out and "TTT" not in out


def test_html_report_escapes_every_text_field(write):
    res = run("report", write(_hostile()), "--format", "html")
    out = res.stdout
    assert "<script" not in out.lower()
    for marker in ("P", "D", "I", "S", "N", "GT", "GA", "L2", "IN", "NOTE", "Q", "basic", "funds", "conclusion", "problems", "suggestions"):
        assert f"{marker}{ESCAPED}" in out, marker
    assert "1234000" not in out and "TTT" not in out


@pytest.mark.parametrize("command", ["render", "report"])
def test_markdown_output_has_no_raw_html(write, command):
    out = run(command, write(_hostile()), "--format", "md").stdout
    assert "<script>" not in out and "\\<script\\>" in out
    assert "1234000" not in out and "TTT" not in out


def test_xlsx_form_has_no_formula_cells(write, tmp_path):
    from openpyxl import load_workbook

    doc = _hostile()
    doc["project"]["name"] = '=HYPERLINK("http://evil.example","点击")'
    doc["project"]["department"] = "+cmd|' /C calc'!A0"
    doc["indicators"][0]["name"] = "@SUM(1+1)"
    doc["indicators"][1]["name"] = "-2+3"
    target = tmp_path / "form.xlsx"
    res = run("render", write(doc), "--format", "xlsx", "--out", target)
    assert res.exit_code in (0, 1) and target.exists()
    wb = load_workbook(target)
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.append(cell.value)
                    assert cell.data_type == "s"  # a string cell: shown as written, never evaluated
    # the user's text is kept verbatim as text (no apostrophe printed on the form, issue #10); CSV keeps the guard
    assert '=HYPERLINK("http://evil.example","点击")' in seen and "@SUM(1+1)" in seen
    with zipfile.ZipFile(target) as z:  # and no formula element anywhere in the sheets' XML
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_docx_report_keeps_user_text_as_text(write, tmp_path):
    import docx

    target = tmp_path / "report.docx"
    run("report", write(_hostile()), "--format", "docx", "--out", target)
    d = docx.Document(str(target))
    text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    assert f"P{X}" in text and f"basic{X}" in text  # shown literally, as text
    assert "1234000" not in text and "TTT" not in text


# ---------------------------------------------------------------------------
# perfeval batch: CSV / XLSX cells and forms
# ---------------------------------------------------------------------------
def test_batch_outputs_neutralise_formulas_control_characters_and_markup(tmp_path, write):
    import csv
    import shutil

    from openpyxl import load_workbook

    from conftest import ROOT

    src = tmp_path / "in"
    src.mkdir()
    for name in ("formula_in_names", "control_chars_name", "nul_escape_name", "html_in_names", "markup_in_name"):
        shutil.copy(ROOT / "tests" / "badinput" / "files" / f"{name}.yaml", src)
    doc = _hostile()
    doc["project"]["name"] = "=1+1"
    doc["indicators"][0]["name"] = "@SUM(A1:A9)"  # its shortfall puts the name into an issue message too
    doc["indicators"][1]["name"] = "-2+3"
    (src / "hostile.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--forms", "html", "--no-progress", "-j", "1"])
    assert_no_crash(res)
    assert res.exit_code == 1, res.output[-3000:]
    cells = []
    for name in ("summary.csv", "issues.csv", "recheck.csv"):
        with open(out / name, encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    assert "'=1+1" in cells and any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'+cmd") for c in cells)
    for c in cells:
        assert not _CONTROLS.search(c), repr(c)
        if len(c) > 1 and c.startswith(FORMULA_STARTS):
            float(c.strip().rstrip("%"))
    wb = load_workbook(out / "summary.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not _CONTROLS.search(cell.value)
                    if len(cell.value) > 1 and cell.value.startswith(FORMULA_STARTS):
                        float(cell.value.strip().rstrip("%"))
    forms = list((out / "forms").iterdir())
    assert forms and all(f.parent == out / "forms" for f in forms)
    for f in forms:
        text = f.read_text("utf-8")
        assert "<script" not in text.lower() and "<img" not in text.lower()  # shown as &lt;script&gt;, never as tags
