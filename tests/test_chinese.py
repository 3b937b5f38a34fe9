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
