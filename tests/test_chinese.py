"""Issue #10 item 15: Chinese everywhere a user reads — click's own messages, OS errors, YAML syntax errors
(with the likely cause on the right line), profile names by their Chinese titles."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import make_submission
from perfeval.cli import main
from perfeval.pipeline import evaluate


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_click_usage_errors_and_help_are_chinese():
    res = run("score")
    assert res.exit_code == 2 and "缺少参数" in res.output and "用法：" in res.output and "Missing" not in res.output
    res = run("score", "x.yaml", "--format", "foo")
    assert res.exit_code == 2 and "不是可选值" in res.output and "is not one of" not in res.output
    res = run("nosuch")
    assert res.exit_code == 2 and "没有命令" in res.output
    res = run("validate", "--help")
    assert "显示本帮助并退出" in res.output and "Show this message" not in res.output and "选项" in res.output


def test_os_errors_are_chinese(tmp_path):
    ev = evaluate([str(tmp_path / "没有这个文件.yaml")])
    assert [i.code for i in ev.issues] == ["PE100"] and "文件或目录不存在" in ev.issues[0].message
    assert "No such file" not in ev.issues[0].message


def test_yaml_full_width_colon_is_named_on_its_own_line(write):
    path = write("perfeval: 1\nproject：\n  name: x\n  year: 2024\n")
    (i,) = evaluate([path]).issues
    assert i.code == "PE101" and i.line == 2 and "全角冒号" in i.message
    path = write("perfeval: 1\nproject:\n  name： 测试\n  year: 2024\n")
    (i,) = evaluate([path]).issues
    assert i.line == 3 and "全角冒号" in i.message


def test_yaml_tab_indentation_is_named(write):
    path = write("perfeval: 1\nproject:\n\tname: x\n")
    (i,) = evaluate([path]).issues
    assert i.code == "PE101" and i.line == 3 and "Tab" in i.message


def test_other_yaml_errors_are_translated(write):
    (i,) = evaluate([write('perfeval: 1\nproject:\n  name: "abc\n')]).issues
    assert "引号没有闭合" in i.message and "while scanning" not in i.message
    (i,) = evaluate([write("perfeval: 1\nproject:\n  name: a: b\n")]).issues
    assert "mapping values" not in i.message and "冒号" in i.message


def test_profile_named_by_its_chinese_title(write):
    inds = [{"level1": "产出指标", "level2": "数量指标", "name": "户数", "target": "≥5户", "actual": 5, "weight": 60},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "效益", "target": "≥5户", "actual": 5, "weight": 20},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥95%", "actual": "96%", "weight": 10}]
    ev = evaluate([write(make_submission(inds))])
    pe401 = [i for i in ev.issues if i.code == "PE401"]
    assert pe401 and all("全国通用" in i.message and "national-2020" not in i.message for i in pe401)


def test_status_values_are_chinese_wherever_a_person_reads_them(tmp_path):
    """Issue 10 §15: summary.csv, summary.xlsx (汇总, 部门整体) say 已评分/已拒绝/重复提交; the codes stay internal."""
    import csv
    import shutil

    from openpyxl import load_workbook

    from conftest import EXAMPLES, assert_no_crash

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(EXAMPLES / "seed-corrected.yaml", src / "a.yaml")
    shutil.copy(EXAMPLES / "hubei-rural-water.yaml", src / "b.yaml")
    shutil.copy(EXAMPLES / "hubei-rural-water.yaml", src / "b-更正版.yaml")  # same code and year: one is a 重复提交
    (src / "bad.yaml").write_text("project: [\n", "utf-8")
    shutil.copy(EXAMPLES / "department" / "target-township-2021.yaml", src / "dept.yaml")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--no-progress", "-j", "1", "--seed", "1"])
    assert_no_crash(res)
    with open(out / "summary.csv", encoding="utf-8-sig") as fh:
        status = sorted(r["状态"] for r in csv.DictReader(fh))
    assert status == ["已拒绝", "已评分", "已评分", "重复提交"], status
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    for sheet in ("汇总", "部门整体"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        k = rows[0].index("状态")
        values = {r[k] for r in rows[1:]}
        assert values and values <= {"已评分", "已拒绝", "重复提交"}, (sheet, values)
    text = (out / "summary.csv").read_text("utf-8-sig") + (out / "department.csv").read_text("utf-8-sig")
    assert not {"scored", "rejected", "duplicate"} & set(text.replace(",", " ").split())
    assert "已评分 2" in res.output and "已拒绝 1" in res.output and "重复提交 1 份" in res.output


def test_status_words_have_one_home():
    """The Chinese status words are mapped from their codes in perfeval.status only."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "perfeval"
    pattern = re.compile(r"""["'](?:scored|rejected|duplicate)["']\s*:\s*["'](?:已评分|已拒绝|重复提交|未能评分)""")
    copies = [str(p.relative_to(src)) for p in src.rglob("*.py") if p.name != "status.py" and pattern.search(p.read_text("utf-8"))]
    assert copies == [], copies
