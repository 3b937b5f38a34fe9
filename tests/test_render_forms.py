"""The 自评表 in HTML and Markdown: snapshots, table grids, the seed's own table, marks, escaping, CLI.

Snapshots live in tests/snapshots/ and cover a fixed list of inputs (new
examples do not change them).  To accept an intended change of output:

    PERFEVAL_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_render_forms.py tests/test_report.py
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, SNAP, assert_no_crash, check_snapshot, make_submission, result_of
from perfeval.cli import main
from perfeval.pipeline import evaluate, results
from perfeval.render import environment, form_view, render_forms
from perfeval.safety import safe_filename

SNAPSHOT_INPUTS = {
    "seed-corrected": EXAMPLES / "seed-corrected.yaml",
    "seed-as-published": EXAMPLES / "seed-as-published.yaml",
    "sichuan-roads": SNAP / "inputs" / "sichuan-roads.yaml",
}
SEED = str(EXAMPLES / "seed-corrected.yaml")
SEED_RAW = str(EXAMPLES / "seed-as-published.yaml")
SICHUAN = str(SNAPSHOT_INPUTS["sichuan-roads"])


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Cells of every <table>: [[{'tag','text','rowspan','colspan','cls','title'}, …] per <tr>] per table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[dict]]] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = {"tag": tag, "text": "", "rowspan": int(a.get("rowspan", 1)), "colspan": int(a.get("colspan", 1)),
                         "cls": a.get("class") or "", "title": a.get("title") or ""}
            self.tables[-1][-1].append(self.cell)
        elif tag in ("br", "small") and self.cell is not None:
            self.cell["text"] += "\n"

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def html_tables(text: str) -> list[list[list[dict]]]:
    p = _Tables()
    p.feed(text)
    for t in p.tables:
        for row in t:
            for c in row:
                c["text"] = re.sub(r"[ \t]+", " ", c["text"]).strip()
    return p.tables


def grid(rows: list[list[dict]]) -> list[list[dict]]:
    """Expand row/col spans into a full matrix; fails if the rows do not form a rectangle."""
    width = sum(c["colspan"] for c in rows[0])
    matrix: list[list[dict | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for c in row:
            while col < width and matrix[r][col] is not None:
                col += 1
            assert col + c["colspan"] <= width, f"第 {r + 1} 行超出 {width} 列：{[x['text'] for x in row]}"
            for dr in range(c["rowspan"]):
                for dc in range(c["colspan"]):
                    assert r + dr < len(rows), f"rowspan 超出表格：{c['text']}"
                    assert matrix[r + dr][col + dc] is None, f"单元格重叠：{c['text']}"
                    matrix[r + dr][col + dc] = c
            col += c["colspan"]
    for r, row in enumerate(matrix):
        assert all(x is not None for x in row), f"第 {r + 1} 行不满 {width} 列：{[x and x['text'] for x in row]}"
    return matrix  # type: ignore[return-value]


def row_starting(matrix, *texts: str) -> list[str]:
    """Distinct cell texts of the first row whose leading distinct cells are ``texts``."""
    for row in matrix:
        cells = []
        for c in row:
            if not cells or cells[-1] is not c:
                cells.append(c)
        vals = [c["text"] for c in cells]
        if vals[: len(texts)] == list(texts):
            return vals
    raise AssertionError(f"没有以 {texts} 开头的行")


def run(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert_no_crash(res)
    return res


# ---------------------------------------------------------------------------
# snapshots
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("name", sorted(SNAPSHOT_INPUTS))
def test_form_snapshot(name, fmt):
    check_snapshot(f"{name}.form.{fmt}", render_forms([result_of(SNAPSHOT_INPUTS[name])], fmt))


# ---------------------------------------------------------------------------
# table structure
# ---------------------------------------------------------------------------
def _with_claims(r: dict) -> dict:
    r = copy.deepcopy(r)
    r["indicators"][0]["claimed_score"] = 99.0
    r["execution"]["claimed_score"] = r["execution"]["score"]
    r["claimed_total"] = 95.0
    r["claimed_grade"] = "良"
    return r


@pytest.mark.parametrize("name", sorted(SNAPSHOT_INPUTS))
@pytest.mark.parametrize("claims", [False, True])
def test_form_table_is_a_full_rectangle(name, claims):
    r = result_of(SNAPSHOT_INPUTS[name])
    if claims:
        r = _with_claims(r)
    tables = html_tables(render_forms([r], "html"))
    assert len(tables) == 1
    m = grid(tables[0])
    n = len(m[0])
    layout = r["profile"]["layout"]
    has_claims = claims or form_view(r)["has_claims"]
    assert n == (9 if layout == "national" else 11) + (1 if has_claims else 0)


def test_national_form_cells_and_merges():
    tables = html_tables(render_forms([result_of(SEED)], "html"))
    m = grid(tables[0])
    assert row_starting(m, "项目名称") == ["项目名称", "送温暖帮扶专项经费"]
    assert row_starting(m, "主管部门") == ["主管部门", "攀枝花市西区总工会", "实施单位", "攀枝花市西区总工会"]
    assert row_starting(m, "项目资金（万元）", "")[2:] == ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
    assert row_starting(m, "项目资金（万元）", "年度资金总额")[2:] == ["3.00", "3.00", "3.00", "10.00", "100.00%", "10.00"]
    assert row_starting(m, "项目资金（万元）", "其中：本级财政资金")[2:] == ["3.00", "3.00", "3.00", "-", "100.00%", "-"]
    head = row_starting(m, "绩效指标", "一级指标")
    assert head[1:] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    # 一级 merged over its rows (产出指标 has three), 二级 per row here
    cells = [c for row in tables[0] for c in row]
    l1 = {c["text"]: c["rowspan"] for c in cells if c["text"] in ("产出指标", "效益指标", "满意度指标")}
    assert l1 == {"产出指标": 3, "效益指标": 1, "满意度指标": 1}
    assert row_starting(m, "总分") == ["总分", "100.00", "100.00", ""]
    assert row_starting(m, "等级") == ["等级", "优"]


def test_level2_cells_merge_over_their_rows(tmp_path):
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": f"指标{k}", "target": "≥1个", "actual": 1} for k in range(3)
    ] + [{"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "好", "actual": "好"},
         {"level1": "产出指标", "level2": "质量指标", "name": "质量", "target": "=100%", "actual": "100%"},
         {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%", "actual": "95%"}]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(make_submission(inds), allow_unicode=True), "utf-8")
    r = results(evaluate([str(path)]))[0]
    tables = html_tables(render_forms([r], "html"))
    grid(tables[0])
    cells = [c for row in tables[0] for c in row]
    # rows are grouped by 一级 then 二级 (first appearance), so 质量 joins the 产出 block
    assert [c["rowspan"] for c in cells if c["text"] == "产出指标"] == [4]
    assert [c["rowspan"] for c in cells if c["text"] == "数量指标"] == [3]
    names = [c["text"] for c in cells if c["text"].startswith("指标") or c["text"] in ("质量", "效益", "满意度")]
    assert names == ["指标0", "指标1", "指标2", "质量", "效益", "满意度"]


def test_sichuan_layout_separates_comparator_value_and_unit():
    text = render_forms([result_of(SICHUAN)], "html")
    assert "部门预算项目支出绩效自评表" in text
    m = grid(html_tables(text)[0])
    head = row_starting(m, "绩效指标（90分）", "一级指标")
    assert head[1:] == ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "自评得分", "未完成原因分析"]
    assert row_starting(m, "绩效指标（90分）", "产出指标", "数量指标", "养护里程")[4:9] == ["≥", "50", "公里", "52公里", "30.00"]
    assert row_starting(m, "绩效指标（90分）", "产出指标", "质量指标", "路面优良率")[4:7] == ["区间", "80-90", "%"]
    assert row_starting(m, "绩效指标（90分）", "产出指标", "时效指标", "养护工程完成时间")[4:7] == ["定性", "12月底前完成", ""]
    assert row_starting(m, "绩效指标（90分）", "效益指标", "生态效益指标", "沿线绿化补植")[4:] == ["/", "/", "", "/", "/", "/", "", ""]
    funds = row_starting(m, "预算执行情况（10分）", "")
    assert funds[2:] == ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "自评得分", "原因"]
    total = row_starting(m, "预算执行情况（10分）", "总额")
    assert total[2:9] == ["110.00", "130.00", "106.00", "81.54%", "10.00", "8.15 ⚠", "10.00\n自评偏高 1.85"]
    assert total[9] == "部分路段因汛期推迟施工，结余资金结转下年使用。"
    assert row_starting(m, "预算执行情况（10分）", "其中：财政资金")[2:8] == ["100.00", "120.00", "96.00", "80.00%", "/", "/"]
    assert row_starting(m, "合计")[:4] == ["合计", "100.00", "94.24 ⚠", "100.00\n自评偏高 5.76"]
    assert row_starting(m, "评价结论") == ["评价结论", "项目总体完成年度目标。"]


def test_profile_option_switches_layout():
    text = render_forms(results(evaluate([SEED], profile="sichuan")), "html")
    assert "部门预算项目支出绩效自评表" in text and "指标性质" in text


# ---------------------------------------------------------------------------
# the seed as proof: our form has the cells of the published 自评表
# ---------------------------------------------------------------------------
def seed_table() -> list[list[str]]:
    rows, row = [], []
    for line in (SNAP / "seed-appendix.txt").read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line == "":  # a line holding only a tab is an empty cell, not a row break
            if row:
                rows.append(row)
            row = []
        elif line.startswith("\t"):
            row.append(line[1:])
        elif row:
            row[-1] += line  # a cell continued on the next line
    if row:
        rows.append(row)
    return [[re.sub(r"\s+", "", c) for c in r] for r in rows]


def _seed_rows():
    t = seed_table()
    by_label = {r[1]: r for r in t if len(r) > 1}
    inds, level1 = [], ""
    for r in t:
        if len(r) == 7 and r[0] == "" and r[3] not in ("三级指标",):
            level1 = r[1] or level1
            inds.append({"level1": level1, "level2": r[2], "name": r[3], "target": r[4], "actual": r[5]})
    return t, by_label, inds


def _our_indicator_rows(m):
    out = []
    for row in m:
        cells = []
        for c in row:
            if not cells or cells[-1] is not c:
                cells.append(c)
        texts = [c["text"] for c in cells]
        if texts[0] == "绩效指标" and texts[1] != "一级指标":
            # the 一级/二级 cells are merged: the matrix repeats the merged cell, so read them positionally
            out.append({"level1": row[1]["text"], "level2": row[2]["text"], "name": row[3]["text"],
                        "target": row[4]["text"], "actual": row[5]["text"]})
    return out


SEED_LEVEL2_ALIASES = {"满意度指标": "服务对象满意度指标"}  # the seed prints the short 二级 name


@pytest.mark.parametrize("path", [SEED_RAW, SEED], ids=["as-published", "corrected"])
def test_seed_form_matches_the_published_table(path):
    t, by_label, seed_inds = _seed_rows()
    assert t[0] == ["项目支出绩效自评表"] and t[1] == ["（2024年度）"]
    text = render_forms([result_of(path)], "html")
    assert "<h1>项目支出绩效自评表</h1>" in text and "（2024年度）" in text
    m = grid(html_tables(text)[0])
    assert row_starting(m, "项目名称")[1] == t[2][1] == "送温暖帮扶专项经费"
    dept = row_starting(m, "主管部门")
    assert dept[1] == t[3][1] and dept[3] == t[4][1]
    # funds: 全年预算数 3, 实际完成数 3, 执行率 100% (total) / 100.00% (本级财政资金)
    seed_total = by_label["年度资金总额："]
    seed_src = by_label["本级财政资金"]
    ours_total = row_starting(m, "项目资金（万元）", "年度资金总额")
    ours_src = row_starting(m, "项目资金（万元）", "其中：本级财政资金")
    for seed_row, ours in ((seed_total, ours_total), (seed_src, ours_src)):
        assert float(ours[3]) == float(seed_row[2]) == 3  # 全年预算数
        assert float(ours[4]) == float(seed_row[3]) == 3  # 全年执行数 / 实际完成数
        assert float(ours[6].rstrip("%")) == float(seed_row[4].rstrip("%")) == 100
    assert ours_src[6] == seed_src[4] == "100.00%"
    # goal
    seed_goal = next(r for r in t if len(r) == 3 and r[0] == "" and r[1].startswith("通过送温暖"))
    goal = row_starting(m, "年度总体目标", seed_goal[1])
    assert goal[1:] == seed_goal[1:]
    # indicators, row by row
    ours = _our_indicator_rows(m)
    assert len(ours) == len(seed_inds) == 5
    corrected = path == SEED
    for o, s in zip(ours, seed_inds, strict=True):
        assert o["level1"] == s["level1"]
        assert o["level2"] == SEED_LEVEL2_ALIASES.get(s["level2"], s["level2"])
        if corrected and s["name"] == "按照工作计划":  # the documented correction: unit added, actual filled in
            assert o["name"].startswith(s["name"]) and o["target"] == s["target"] + "%" and o["actual"] == "100%"
            continue
        assert o["name"] == s["name"]
        assert o["target"] == s["target"]
        if not corrected:
            assert o["actual"] == s["actual"]


# ---------------------------------------------------------------------------
# claimed scores, unscorable rows
# ---------------------------------------------------------------------------
def _claims_submission(**over):
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥100人次", "actual": "80人次",
         "weight": 50, "claimed_score": 50},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "技能提升", "target": "明显提升", "actual": "达成预期指标",
         "weight": 30, "claimed_score": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度", "target": "≥90%", "actual": "95%",
         "weight": 10, "claimed_score": 8},
    ]
    return make_submission(inds, **{"claimed_total": 98, "claimed_grade": "优", **over})


def test_claimed_scores_that_differ_are_shown_and_marked(evaluate_one):
    r, _ = evaluate_one(_claims_submission())
    text = render_forms([r], "html")
    m = grid(html_tables(text)[0])
    row = row_starting(m, "绩效指标", "产出指标", "数量指标", "培训人次")
    assert row[4:9] == ["≥100人次", "80人次", "50.00", "40.00 ⚠", "50.00\n自评偏高 10.00"]
    cells = {c["text"]: c for r_ in html_tables(text)[0] for c in r_}
    assert "diff" in cells["40.00 ⚠"]["cls"] and "diff-high" in cells["40.00 ⚠"]["cls"]
    # the score cell's hover text: the difference, then how the score came about (issue #10)
    assert cells["40.00 ⚠"]["title"] == ("自评得分 50.00 与按规则计算的 40.00 不符，偏高 10.00 分\n"
                                          "正向指标：完成率 = 实际 80人次 ÷ 目标 100人次 = 80.00%，得分 = 分值 50.00 × 80.00% = 40.00")
    # equal claim: not marked; lower claim: marked as low
    eq = row_starting(m, "绩效指标", "效益指标", "社会效益指标", "技能提升")
    assert eq[7:9] == ["30.00", "30.00"]
    low = row_starting(m, "绩效指标", "满意度指标", "服务对象满意度指标", "学员满意度")
    assert low[7:9] == ["10.00 ⚠", "8.00\n自评偏低 2.00"]
    tot = row_starting(m, "总分")
    assert tot[1:4] == ["100.00", "90.00 ⚠", "98.00\n自评偏高 8.00"]
    assert row_starting(m, "等级") == ["等级", "优（自评：优）"]
    md = render_forms([r], "md")
    assert "| **40.00** ⚠ | **50.00** ⚠自评偏高 10.00 |" in md
    assert "| 30.00 | 30.00 |" in md


def test_claimed_grade_that_differs_is_marked(evaluate_one):
    r, _ = evaluate_one(_claims_submission(claimed_grade="优", claimed_total=98))
    r["grade"] = "良"  # the computed grade differs from the claimed one
    text = render_forms([r], "html")
    cell = next(c for row in html_tables(text)[0] for c in row if c["text"].startswith("良（自评"))
    assert "diff" in cell["cls"] and "不符" in cell["title"]
    assert "⚠不符" in render_forms([r], "md")


def test_no_claims_no_claim_column():
    text = render_forms([result_of(SEED)], "html")
    assert "自评得分" not in text and "⚠" not in text


def test_unscorable_rows_are_said_plainly():
    r = result_of(SEED_RAW)
    text = render_forms([r], "html")
    m = grid(html_tables(text)[0])
    row = row_starting(m, "绩效指标", "产出指标", "时效指标", "按照工作计划")
    assert row[4:8] == ["≥95", "已完成", "16.66", "0.00\n无法评分"]
    assert text.count('class="num unscorable"') == 2
    assert "复核意见" in text and "PE301" in text
    assert "0.00 ⚠无法评分" in render_forms([r], "md")
    assert "复核意见" not in render_forms([r], "html", show_review=False)


# ---------------------------------------------------------------------------
# escaping: user text is data, never markup and never a template
# ---------------------------------------------------------------------------
XSS = "<script>alert(1)</script>"


def _hostile(evaluate_one):
    inds = [
        {"level1": "产出指标", "level2": "数量指标", "name": f"指标{XSS}", "target": "≥5户", "actual": 3, "note": f"说明{XSS}&amp;"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "{{ 7*7 }}{% if true %}模板{% endif %}", "target": "好", "actual": "好"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度|竖线", "target": "≥90%", "actual": "95%"},
    ]
    sub = make_submission(inds, project={"name": f"项目{XSS}", "department": "部门\"'<b>", "year": 2024},
                          goal={"target": f"目标{XSS}", "actual": "完成"},
                          narrative={"problems": f"问题{XSS}"})
    r, _ = evaluate_one(sub)
    assert r["status"] == "scored"
    return r


def test_html_escapes_user_text(evaluate_one):
    r = _hostile(evaluate_one)
    text = render_forms([r], "html")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&amp;amp;" in text  # the literal "&amp;" the user typed is shown as such
    assert "部门&#34;&#39;&lt;b&gt;" in text
    cells = [c["text"] for row in html_tables(text)[0] for c in row]
    assert f"项目{XSS}" in cells and f"指标{XSS}" in cells and f"说明{XSS}&amp;" in cells


def test_user_text_is_never_evaluated_as_a_template(evaluate_one):
    r = _hostile(evaluate_one)
    for fmt in ("html", "md"):
        text = render_forms([r], fmt)
        assert "{{ 7*7 }}{% if true %}模板{% endif %}" in text.replace("\\*", "*")
        assert "49" not in text


def test_markdown_escapes_user_text(evaluate_one):
    r = _hostile(evaluate_one)
    md = render_forms([r], "md")
    assert "<script>" not in md
    assert "项目\\<script\\>alert(1)\\</script\\>" in md
    assert "满意度\\|竖线" in md  # a pipe cannot break the table


# ---------------------------------------------------------------------------
# templates: compiled once, user directory first, errors reported
# ---------------------------------------------------------------------------
def test_environment_is_cached_and_templates_compiled_once():
    env = environment()
    assert environment() is env
    assert env.get_template("form.html") is env.get_template("form.html")
    assert env.autoescape("form.html") and not env.autoescape("form.md")


def test_templates_dir_overrides_only_what_it_contains(tmp_path):
    (tmp_path / "form.css").write_text("/* 本单位样式 */ body { color: #123456; }\n", "utf-8")
    r = result_of(SEED)
    text = render_forms([r], "html", templates=tmp_path)
    assert "本单位样式" in text and "#123456" in text
    assert "项目支出绩效自评表" in text and "送温暖帮扶困难职工数" in text  # the rest is the packaged layout
    (tmp_path / "_form_national.md").write_text("自定义：{{ f.project.name|mdcell }} 总分 {{ f.totals.score }}\n", "utf-8")
    assert render_forms([r], "md", templates=tmp_path) == "自定义：送温暖帮扶专项经费 总分 100.00\n"
    assert "送温暖帮扶困难职工数" in render_forms([r], "md")  # the packaged template is untouched


def test_cli_bad_templates_are_usage_errors(tmp_path):
    (tmp_path / "form.html").write_text("{{ f.no_such_field }}{% for f in forms %}{{ f.no_such_field }}{% endfor %}", "utf-8")
    res = run("render", SEED, "--templates", tmp_path)
    assert res.exit_code == 2 and "PE700" in res.stderr and "不存在的变量" in res.stderr
    (tmp_path / "form.html").write_text("{% for f in forms %}", "utf-8")
    res = run("render", SEED, "--templates", tmp_path)
    assert res.exit_code == 2 and "PE700" in res.stderr and "语法错误" in res.stderr
    (tmp_path / "form.html").write_text("{{ forms|length // 0 }}", "utf-8")
    res = run("render", SEED, "--templates", tmp_path)
    assert res.exit_code == 2 and "PE700" in res.stderr and "ZeroDivisionError" in res.stderr
    res = run("render", SEED, "--templates", tmp_path / "missing")
    assert res.exit_code == 2 and "PE700" in res.stderr


def test_cli_templates_export_then_use(tmp_path):
    d = tmp_path / "tpl"
    res = run("templates", d)
    assert res.exit_code == 0 and (d / "form.html").is_file() and (d / "report.md").is_file()
    (d / "report.md").write_text("{% for r in reports %}报告：{{ r.title }}{% endfor %}\n", "utf-8")
    res = run("templates", d)  # no --force: the edited copy is kept
    assert "未覆盖" in res.output and (d / "report.md").read_text("utf-8").startswith("{% for r in reports %}报告")
    res = run("report", SEED, "--templates", d)
    assert res.exit_code == 0 and res.stdout == "报告：送温暖帮扶专项经费2024年度项目支出绩效自评报告\n"


# ---------------------------------------------------------------------------
# CLI: outputs, names, exit codes
# ---------------------------------------------------------------------------
def test_cli_render_html_to_stdout_prints_well():
    res = run("render", SEED, SICHUAN)
    assert res.exit_code == 0
    out = res.stdout
    assert out.startswith("<!DOCTYPE html>") and out.count('<section class="project"') == 2
    assert "@page { size: A4 landscape" in out and "section.project + section.project { break-before: page" in out
    assert "<link" not in out and "<script" not in out  # one self-contained file


def test_cli_binary_formats_need_out():
    res = run("render", SEED, "--format", "xlsx")
    assert res.exit_code == 2 and "PE702" in res.stderr and "--out" in res.stderr
    res = run("report", SEED, "--format", "docx")
    assert res.exit_code == 2 and "PE702" in res.stderr


COMPLETE = [  # one indicator per 一级 group: a submission with no review errors
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥100人次", "actual": "120人次"},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "技能提升", "target": "明显提升", "actual": "达成预期指标"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度", "target": "≥90%", "actual": "95%"},
]


def test_cli_out_dir_names_files_safely_and_uniquely(tmp_path, write):
    a = make_submission(COMPLETE, project={"name": "../../etc/同名项目", "year": 2023, "department": "部门"})
    p1, p2 = write(a), write(a)
    out = tmp_path / "out"
    res = run("render", p1, p2, SEED, "--format", "md", "--out", str(out) + "/")
    assert res.exit_code == 0, res.output + res.stderr
    names = sorted(p.name for p in out.iterdir())
    stem = "部门_" + safe_filename("../../etc/同名项目", max_len=60)
    assert names == sorted([f"{stem}_2023年度_自评表.md", f"{stem}_2023年度_自评表_2.md", "攀枝花市西区总工会_送温暖帮扶专项经费_2024年度_自评表.md"])
    assert all(p.parent == out for p in out.iterdir())
    assert "已写入" in res.output


def test_cli_out_file_and_rejected_inputs(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("perfeval: 1\nproject: [unclosed\n", "utf-8")
    target = tmp_path / "forms.html"
    res = run("render", broken, SEED, SICHUAN, "--out", target)
    assert res.exit_code == 1
    assert "PE101" in res.stderr and "PE703" in res.stderr and "未能评分，未生成自评表" in res.stderr
    text = target.read_text("utf-8")
    assert text.count('<section class="project"') == 2  # the other files are still rendered
    res = run("render", SEED, "--format", "xlsx", "--out", tmp_path / "one.xlsx")
    assert res.exit_code == 0 and (tmp_path / "one.xlsx").stat().st_size > 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_unwritable_out_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    res = run("render", SEED, "--format", "md", "--out", blocker / "sub" / "form.md")
    assert res.exit_code == 2 and "PE701" in res.stderr


def test_cli_errors_in_a_scored_file_exit_1_but_render():
    res = run("render", SEED_RAW, "--format", "md")
    assert res.exit_code == 1
    assert "送温暖帮扶专项经费" in res.stdout and "2 个错误" in res.stderr


def test_html_is_escaped_in_title(evaluate_one):
    r = _hostile(evaluate_one)
    head = render_forms([r], "html").split("</head>")[0]
    assert "<title>项目&lt;script&gt;" in head
    assert html.unescape(head.split("<title>")[1].split("</title>")[0]).startswith(f"项目{XSS}")
