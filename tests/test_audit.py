"""perfeval audit: the narratives' case files, each check kind (flag / must not flag), readers, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, assert_no_crash, result_of
from perfeval.audit import CHECKS, audit_file, audit_text, facts_from_result
from perfeval.cli import main

NARR = EXAMPLES / "narratives"
SEED = NARR / "seed-xiqu-union-2024.txt"
CASES = sorted(NARR.glob("*.expected.json"))


def _rows(findings) -> list[dict]:
    return [{k: f.to_dict()[k] for k in ("line", "kind", "code", "claimed", "expected")} for f in findings]


def _kinds(text: str, facts=None) -> list[tuple[str, object, object]]:
    return [(f.kind, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in audit_text(text, "t.txt", facts)]


def invoke(*args):
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


# --- the examples: exactly the expected findings, nothing else --------------------------
def test_every_narrative_has_a_case_file():
    texts = sorted(p for p in NARR.iterdir() if p.suffix in (".txt", ".md", ".docx", ".pdf"))
    assert len(texts) >= 3
    assert {p.name.split(".")[0] for p in CASES} == {p.stem for p in texts}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_narrative_case(case: Path):
    spec = json.loads(case.read_text("utf-8"))
    facts = facts_from_result(result_of(NARR / spec["against"])) if spec.get("against") else None
    a = audit_file(str(NARR / spec["file"]), facts)
    assert not a.issues
    assert _rows(a.findings) == spec["findings"]


def test_seed_errors_named_in_the_issue():
    """The four errors the issue names, on their lines, with claimed and expected values."""
    rows = _rows(audit_file(str(SEED)).findings)
    assert {"line": 21, "kind": "share", "code": "PE800", "claimed": 98.98, "expected": 98.9} in rows
    assert {"line": 21, "kind": "share", "code": "PE800", "claimed": 1.02, "expected": 1.1} in rows
    assert {"line": 21, "kind": "placeholder", "code": "PE805", "claimed": "占c%", "expected": None} in rows
    assert {"line": 53, "kind": "sum", "code": "PE801", "claimed": 243.26, "expected": 270.52} in rows
    # the correct claims around them are not flagged: 85.44% / 6.59% / 4.52% / 3.45% (尾差), 11.07% of 246.26, 12.14%
    assert not [r for r in rows if r["line"] in (19, 29, 36, 86, 144, 147)]


def test_seed_is_the_shared_seed():
    shared = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_2979b81a862d526d.txt"
    if shared.exists():  # the seed travels with the repo as examples/narratives/seed-xiqu-union-2024.txt
        assert shared.read_bytes() == SEED.read_bytes()


# --- one module per check kind, each registered -----------------------------------------
def test_registered_kinds():
    assert set(CHECKS) == {"share", "sum", "change", "rate", "quantity", "placeholder", "against", "points", "table"}


SHARE_BAD = [
    ("本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.98%；其他收入3万元，占1.10%。", [("share", 98.98, 98.9)]),
    ("本年收入合计273.52万元。\n2024年度财政拨款支出270.52万元，占本年收入合计的97.90%。", [("share", 97.9, 98.9)]),
    ("支出合计1,000.00万元，其中：基本支出600万元，占60%；项目支出400万元，占45%。", [("share", 45, 40)]),
    ("收入合计100万元，其中：A收入3,000元，占3.00%；B收入99.7万元，占99.70%。", [("share", 3, 0.3)]),
]
SHARE_OK = [
    # rounding half-up, and the value from rounded intermediates
    "本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.90%；其他收入3万元，占1.10%。",
    "本年收入合计3万元，其中：A收入1万元，占33.33%；B收入2万元，占66.67%。",
    "本年收入合计3万元，其中：A收入1万元，占33.3%；B收入2万元，占66.7%。",
    # 0万元 占0%, and 0 of 0
    "本年收入合计10万元，其中：A收入10万元，占100%；B收入0万元，占0%。",
    "政府采购支出总额0万元，其中：货物0万元，占0%；服务0万元，占0%。",
    # a percentage of a different whole (not named anywhere) is skipped
    "本年支出合计100万元，其中：教育支出40万元，占全市教育支出的5.12%；其他支出60万元，占60%。",
    # balancing adjustment (尾差): shares listed to add to exactly 100%
    "支出270.52万元，其中：A支出231.12万元，占85.44%；B支出17.83万元，占6.59%；C支出12.22万元，占4.52%；D支出9.35万元，占3.45%。",
    # a share with no whole at all is skipped, not guessed
    "项目支出3万元，占1.02%。",
    # thousands separators
    "本年收入合计19,044.27万元，其中：财政拨款收入18,226.51万元，占95.71%；其他收入817.76万元，占4.29%。",
]


@pytest.mark.parametrize("text,want", SHARE_BAD)
def test_share_flagged(text, want):
    assert [k for k in _kinds(text) if k[0] == "share"] == want


@pytest.mark.parametrize("text", SHARE_OK)
def test_share_not_flagged(text):
    assert _kinds(text) == []


SUM_BAD = [
    ("基本支出243.26万元，其中：人员经费129.77万元，公用经费140.75万元。", [("sum", 243.26, 270.52)]),
    ("基本支出243.26万元，其中：\n人员经费129.77万元，主要包括工资。\n公用经费140.75万元，主要包括办公费。\n七、其他", [("sum", 243.26, 270.52)]),
    ("基本支出280.52万元。\n其中：人员经费129.77万元，公用经费140.75万元。", [("sum", 280.52, 270.52)]),
    ("共有车辆12辆，其中：领导用车1辆、其他用车10辆。", [("sum", 12, 11)]),
    ("在职人员4名、退休人员3名，共8名。", [("sum", 8, 7)]),
]
SUM_OK = [
    "总帮扶资金27.10万元，其中区财政3万元，省市区工会资金24.10万元。",
    # a partial list (其中 names only some parts) is not a sum
    "基本支出经费预算270.52万元，实际支出270.52万元，其中人员支出129.77万元。",
    "项目资金100万元，其中：设备购置40万元，培训20万元。",
    # rounding: three parts each rounded to the cent may miss the whole by a cent
    "支出合计10.01万元，其中：A 3.34万元，B 3.34万元，C 3.34万元。",
    # amounts in 元 beside 万元
    "支出合计1.5万元，其中：A支出5,000元，B支出1万元。",
    # a whole stated after its parts
    "现有在职人员4名，事业编制人员2名、临聘人员2名，共8名工作人员。",
    # the total covers the last parts only
    "单位编制10名，现有在职人员4名、临聘人员2名，共6名。",
    # a change is no whole
    "支出100万元，较上年增加10万元，其中：A 60万元，B 40万元。",
    # the part's own 其中 is an aside, not a part
    "支出合计100万元，其中：基本支出80万元（其中人员经费60万元），项目支出20万元。",
]


@pytest.mark.parametrize("text,want", SUM_BAD)
def test_sum_flagged(text, want):
    assert [k for k in _kinds(text) if k[0] == "sum"] == want


@pytest.mark.parametrize("text", SUM_OK)
def test_sum_not_flagged(text):
    assert _kinds(text) == []


CHANGE_BAD = [
    ("2024年度支出270.52万元，占本年支出合计的98.90%。与2023年度相比，支出增加27.26万元，增长11.07%。", [("change", 11.07, 11.21)]),
    ("机关运行经费支出140.75万元，比2023年减少19.45万元，降低13.82%。", [("change", 13.82, 12.14)]),
    ("2024年全年执行数1,323.45万元，较上年增加150.00万元，增长11.33%。", [("change", 11.33, 12.78)]),
]
CHANGE_OK = [
    "2024年度收、支总计均为273.52万元。与2023年度相比，收、支总计各增加27.26万元，增加11.07%。",
    "机关运行经费支出140.75万元，比2023年减少19.45万元，降低12.14%。",
    # a typo in the connecting words: either reading
    "机关运行经费支出2,615.42万元，比2023年减增加135.80万元，增长5.48%。",
    "“三公”经费支出38.60万元。“三公”经费支出比上年减少4.20万元，下降9.81%。",
    "完成危桥改造12座，较上年增加3座，增长33.33%。",
    # no current figure anywhere: skipped
    "与上年相比，支出增加27.26万元，增长11.07%。",
    # from nothing
    "项目支出5万元，较上年增加5万元，增长100%。",
]


@pytest.mark.parametrize("text,want", CHANGE_BAD)
def test_change_flagged(text, want):
    assert [k for k in _kinds(text) if k[0] == "change"] == want


@pytest.mark.parametrize("text", CHANGE_OK)
def test_change_not_flagged(text):
    assert _kinds(text) == []


def test_rate():
    assert _kinds("项目支出预算数6,500.00万元，执行数6,354.55万元，执行率97.67%。") == [("rate", 97.67, 97.76)]
    assert _kinds("全年预算数3万元，全年执行数2.94万元，执行率98%。") == []
    assert _kinds("全年预算数3万元，全年执行数2.94万元，执行率98.00%。") == []
    assert _kinds("支出决算为209.66万元，完成预算100%。") == []  # no budget figure: skipped
    assert _kinds("“三公”经费预算0万元，执行数0万元，执行率0%。") == []


def test_quantity():
    text = "一、收入\n本年收入合计19,044.27万元。\n二、其他\n全年本年收入合计19,004.27万元。\n本年收入合计19,044.27万元。"
    assert _kinds(text) == [("quantity", 19004.27, 19044.27)]
    # the same amount in 元; another year; a project's section; a qualified name: all fine
    assert _kinds("本年支出合计19,200.15万元。\n按元计，本年支出合计192,001,500元。") == []
    assert _kinds("2024年基本支出100万元。\n2023年基本支出90万元。\n2024年基本支出100万元。") == []
    assert _kinds("一、部门\n财政拨款支出270.52万元。\n二、特定目标类项目绩效分析\n财政拨款支出3万元。") == []
    assert _kinds("基本支出270.52万元。\n一般公共预算财政拨款基本支出243.26万元。") == []


@pytest.mark.parametrize("text,mark", [
    ("国有资本经营预算财政拨款收入0万元，占c%。", "占c%"), ("其他收入1万元，占%。", "占%"),
    ("项目资金XX万元。", "XX"), ("由××负责。", "××"), ("预算（）万元。", "()万元"), ("共___万元。", "___万元"),
])
def test_placeholder(text, mark):
    assert _kinds(text) == [("placeholder", mark, None)]


def test_placeholder_not_flagged():
    assert _kinds("公务用车0辆，占0%。X光机1台。Excel 表格。3×4 米。") == []


def test_against_submission():
    facts = facts_from_result(result_of(EXAMPLES / "national-clinic-equipment.yaml"))
    got = _kinds("项目预算执行率100%。\n全年预算数240万元，全年执行数235.23万元。\n自评总分98分，评价等级为良。", facts)
    assert got == [("against", 100, 98.01), ("against", 98, 97.3), ("against", "良", "优")]
    assert _kinds("项目预算执行率98.01%，自评总分97.3分，评价等级为优。", facts) == []
    assert _kinds("执行率98%。总分97分。", facts) == []  # rounded to the printed decimals


# --- readers and the command ---------------------------------------------------------------
def test_cli_seed_text_and_exit_code():
    res = invoke("audit", str(SEED))
    assert res.exit_code == 1
    assert "seed-xiqu-union-2024.txt:21: 错误 PE800" in res.output
    assert "占【98.98%】" in res.output and "【占c%】" in res.output
    assert "基本支出【243.26万元】" in res.output


def test_cli_json_one_object_or_array(tmp_path):
    res = invoke("audit", str(SEED), "--format", "json")
    data = json.loads(res.output)
    assert data["file"] == str(SEED) and len(data["findings"]) == 12
    f = data["findings"][0]
    assert {"line", "code", "kind", "claimed", "expected", "sentence", "severity", "message"} <= set(f)
    clean = tmp_path / "ok.txt"
    clean.write_text("本年收入合计3万元，其中：A收入1万元，占33.33%；B收入2万元，占66.67%。", "utf-8")
    res = invoke("audit", str(SEED), str(clean), "--format", "json")
    data = json.loads(res.output)
    assert isinstance(data, list) and [len(d["findings"]) for d in data] == [12, 0]
    res = invoke("audit", str(clean))
    assert res.exit_code == 0 and "未发现" in res.output


def test_gb18030(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.98%；其他收入3万元，占1.10%。\n".encode("gb18030"))
    assert _rows(audit_file(str(p)).findings) == [{"line": 1, "kind": "share", "code": "PE800", "claimed": 98.98, "expected": 98.9}]


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2024年度部门决算说明")
    d.add_paragraph("本年收入合计273.52万元，其中：财政拨款收入270.52万元，占98.98%；其他收入3万元，占1.10%。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "项目", "金额"
    t.cell(1, 0).text, t.cell(1, 1).text = "合计", "XX万元"
    d.add_paragraph("基本支出243.26万元，其中：人员经费129.77万元，公用经费140.75万元。")
    p = tmp_path / "r.docx"
    d.save(p)
    rows = _rows(audit_file(str(p)).findings)
    assert [(r["line"], r["code"]) for r in rows] == [(2, "PE800"), (4, "PE805"), (5, "PE801")]


def test_pdf_text_layer(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "r.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)
    c.setFont("STSong-Light", 10)
    c.drawString(40, 800, "2024年度部门决算说明")
    c.showPage()
    c.setFont("STSong-Light", 10)
    c.drawString(40, 800, "基本支出243.26万元，其中：人员经费129.77万元，公用经费140.75万元。")
    c.save()
    a = audit_file(str(p))
    assert [(f.code, f.line, f.sentence.page) for f in a.findings] == [("PE801", 2, 2)]


def test_submission_narrative(tmp_path):
    text = (EXAMPLES / "seed-corrected.yaml").read_text("utf-8")
    text = text.replace("省市区工会资金24.10万元", "省市区工会资金25.10万元")
    p = tmp_path / "s.yaml"
    p.write_text(text, "utf-8")
    a = audit_file(str(p))
    assert [(f.code, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in a.findings] == [("PE801", 27.1, 28.1)]
    line = a.findings[0].line
    assert "27.10万元" in text.splitlines()[line - 1]
    assert audit_file(str(EXAMPLES / "seed-corrected.yaml")).findings == []


@pytest.mark.parametrize("name,content,code", [
    ("missing.txt", None, "PE840"), ("x.xlsx", b"PK", "PE155"), ("bad.docx", b"not a zip", "PE155"),
    ("bin.txt", b"\x00\x01\xff\xfe\x00", "PE841"),
])
def test_bad_files(tmp_path, name, content, code):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    res = invoke("audit", str(p))
    assert_no_crash(res)
    assert res.exit_code == 1 and code in res.output


def test_cli_against(tmp_path):
    res = invoke("audit", str(NARR / "hubei-rural-water-report.txt"), "--against", str(EXAMPLES / "hubei-rural-water.yaml"))
    assert res.exit_code == 1 and "PE811" in res.output and "92.08" in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("perfeval: 1\n", "utf-8")
    res = invoke("audit", str(SEED), "--against", str(bad))
    assert res.exit_code == 2 and "未能评分" in res.output


def test_directory_and_jobs(tmp_path):
    for i in range(10):
        (tmp_path / f"r{i}.txt").write_bytes(SEED.read_bytes())
    res = invoke("audit", str(tmp_path), "--jobs", "2", "--format", "json")
    data = json.loads(res.output)
    assert len(data) == 10 and all(len(d["findings"]) == 12 for d in data)


# --- the rest of perfeval ----------------------------------------------------------------
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_generated_reports_pass_audit(example, tmp_path):
    """perfeval report never writes a number that fails audit (markdown and .docx)."""
    res = invoke("report", str(example), "--format", "md", "--out", str(tmp_path / "r.md"))
    assert res.exit_code in (0, 1), res.output
    res = invoke("report", str(example), "--format", "docx", "--out", str(tmp_path / "r.docx"))
    assert res.exit_code in (0, 1), res.output
    facts = facts_from_result(result_of(example))
    for name in ("r.md", "r.docx"):
        a = audit_file(str(tmp_path / name), facts)
        assert not a.issues
        assert [f.to_dict() for f in a.findings] == []
        assert len(a.findings) == 0 and (tmp_path / name).stat().st_size > 500


def test_batch_lists_narrative_findings(tmp_path):
    import csv
    import io

    src = tmp_path / "in"
    src.mkdir()
    text = (EXAMPLES / "seed-corrected.yaml").read_text("utf-8")
    (src / "ok.yaml").write_text(text, "utf-8")
    (src / "bad.yaml").write_text(text.replace("省市区工会资金24.10万元", "省市区工会资金25.10万元"), "utf-8")
    res = invoke("batch", str(src), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert res.exit_code in (0, 1), res.output
    raw = (tmp_path / "out" / "issues.csv").read_bytes().decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(raw)) if r["代码"].startswith("PE8")]
    assert [(Path(r["文件"]).name, r["代码"]) for r in rows] == [("bad.yaml", "PE801")]
    assert "总帮扶资金27.10万元" in text.splitlines()[int(rows[0]["行号"]) - 1]
    assert "总帮扶资金【27.10万元】" in rows[0]["说明"] and "28.10万元" in rows[0]["说明"]
