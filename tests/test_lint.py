"""``perfeval lint`` (绩效目标审核): one fixture per problem in tests/fixtures/lint/, plus the seed's own form."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, assert_no_crash, make_submission
from perfeval.cli import main
from perfeval.issues import CODES, ERROR
from perfeval.library import load_library
from perfeval.lint import CHECKS, LintConfig, lint, lint_config, restates_funds, vague_word, verifiable
from perfeval.profile import ProfileError

LINT = Path(__file__).parent / "fixtures" / "lint"

# fixture -> the exact findings (code, line) lint must report, and nothing else
EXPECTED = {
    "clean.yaml": [],
    "missing-level1.yaml": [("PE600", 12)],
    "no-quantity.yaml": [("PE601", 12)],
    "no-quality-or-timeliness.yaml": [("PE602", 12)],
    "no-cost.yaml": [("PE603", 12)],
    "too-qualitative.yaml": [("PE604", 12)],
    "vague-target.yaml": [("PE605", 22)],
    "unverifiable-target.yaml": [("PE606", 18)],
    "funds-restated.yaml": [("PE607", 22)],
    "unit-vs-library.yaml": [("PE608", 14)],
    "weights-not-100.yaml": [("PE609", 14), ("PE610", 14)],
    "group-weights.yaml": [("PE610", 14), ("PE610", 23)],
    "duplicate.yaml": [("PE611", 15)],
    "number-without-unit.yaml": [("PE612", 20)],
    "levels-vs-library.yaml": [("PE613", 19)],
    "unknown-unit.yaml": [("PE614", 18)],
    "template-unfilled.yaml": [("PE615", 5), ("PE615", 13)],
    "cost-above-budget.yaml": [("PE616", 18)],
    "placeholder-budget.yaml": [("PE617", 13)],
}


def run(*args):
    res = CliRunner().invoke(main, list(args))
    assert_no_crash(res)
    return res


def test_every_fixture_is_listed_and_every_lint_code_has_a_fixture():
    assert {p.name for p in LINT.glob("*.yaml")} == set(EXPECTED)
    lint_codes = {c for c in CODES if c.startswith("PE6")}
    assert lint_codes == {code for found in EXPECTED.values() for code, _ in found}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_finding(name):
    res = lint([str(LINT / name)])
    assert [(i.code, i.line) for i in res.issues] == EXPECTED[name], [i.format() for i in res.issues]
    for i in res.issues:
        assert i.file.endswith(name) and CODES[i.code].hint
        assert i.message and "{" not in i.message  # every template parameter was supplied


def test_fixture_comment_names_its_code():
    for name, found in EXPECTED.items():
        first = (LINT / name).read_text("utf-8").splitlines()[0]
        for code, _ in found:
            assert code in (LINT / name).read_text("utf-8"), name
        assert first.startswith("# "), name


def test_seed_weaknesses_are_found():
    res = lint([str(EXAMPLES / "seed-as-published.yaml")])
    found = {(i.code, i.indicator) for i in res.issues}
    assert found == {
        ("PE606", "完成送温暖帮扶工作"),        # qualitative 质量 target: no verifiable criterion
        ("PE606", "让困难职工感受组织温暖"),    # qualitative 效益 target: same
        ("PE612", "按照工作计划"),              # 时效 target "≥95" without a unit
    }
    assert res.has_errors
    by_code = {i.code: i for i in res.issues}
    assert by_code["PE612"].line == 33 and "≥95" in by_code["PE612"].message
    assert "可参考指标库" in by_code["PE606"].message  # says what to write instead


def test_lint_ignores_actual_values():
    # seed-corrected has actuals; the raw seed's unscorable actuals ("已完成" against ≥95%) are not lint's business
    res = lint([str(EXAMPLES / "seed-corrected.yaml")])
    assert {i.code for i in res.issues} == {"PE606"}
    assert not res.has_errors


def test_exact_duplicates_are_pe209_not_reported_twice(write):
    ind = {"ref": "UNION-Q-001", "target": "≥5户"}
    data = make_submission([ind, dict(ind), {"ref": "UNION-L-001", "target": "=100%"},
                            {"ref": "UNION-S-001", "target": "≥20%"}, {"ref": "UNION-M-001", "target": "≥95%"}])
    res = lint([write(data)])
    assert [i.code for i in res.issues] == ["PE209"]


def test_same_name_under_another_level_is_a_duplicate(write):
    data = make_submission([
        {"level1": "产出指标", "level2": "数量指标", "name": "帮扶户数", "target": "≥5户"},
        {"level1": "产出指标", "level2": "质量指标", "name": "帮扶 户数", "target": "≥5户"},
        {"ref": "UNION-S-001", "target": "≥20%"}, {"ref": "UNION-M-001", "target": "≥95%"},
    ])
    res = lint([write(data)])
    assert [(i.code, i.indicator) for i in res.issues] == [("PE611", "帮扶 户数")]
    assert "三级指标名称相同" in res.issues[0].message


def test_unknown_ref_and_broken_files_are_rejected_with_their_issues(write, tmp_path):
    bad_ref = write(make_submission([{"ref": "UNION-Q-999", "target": 5}]))
    broken = write("perfeval: 1\nproject: [unclosed\n")
    res = lint([bad_ref, broken, str(tmp_path / "missing.yaml")])
    assert res.status == ["rejected"] * 3
    assert {i.code for i in res.issues} == {"PE210", "PE101", "PE100"}


def test_weights_partly_given_are_resolved_by_the_engine(write):
    inds = [{"ref": "UNION-Q-001", "target": "≥5户", "weight": 60}, {"ref": "UNION-L-001", "target": "=100%"},
            {"ref": "UNION-S-001", "target": "≥20%"}, {"ref": "UNION-M-001", "target": "≥95%"}]
    res = lint([write(make_submission(inds))])
    # 60 given in 产出 (50): the other 产出 row gets 0, the total becomes 110 — and the 0 is said (PE312)
    assert sorted((i.code, i.severity) for i in res.issues) == [("PE312", "warning"), ("PE609", "error"), ("PE610", "warning")]
    assert "110.00" in next(i for i in res.issues if i.code == "PE609").message


def test_hubei_and_profile_override(write):
    path = str(LINT / "no-cost.yaml")  # names sichuan, which asks for a cost indicator
    assert [i.code for i in lint([path]).issues] == ["PE603"]
    assert lint([path], profile="hubei").issues == []
    assert lint([path], profile="national-2020").issues == []


# ---------------------------------------------------------------- wording rules


@pytest.mark.parametrize("target", ["效果明显", "显著提升", "有所提高", "进一步提高服务水平", "稳步推进", "是", "好", "高",
                                    "合格", "达标", "完成", "服务质量良好", "群众满意度大幅提升", "符合相关规定",
                                    "合规", "及时"])
def test_vague_wording(target):
    assert vague_word(target)


@pytest.mark.parametrize("target", ["资金执行在预算范围内", "资金使用合规", "按预算执行", "按照预算使用", "专款专用",
                                    "资金足额到位", "不超预算", "控制在年度预算以内", "预算执行率达到要求"])
def test_funds_restated(target):
    assert restates_funds(target)


@pytest.mark.parametrize("target", ["通过送温暖帮扶困难职工，使困难职工感受到组织的温暖", "困难职工生活得到保障",
                                    "提升职工幸福感", "以帮扶促发展，提升职工获得感"])
def test_unverifiable(target):
    assert not verifiable(target)


def test_library_qualitative_targets_pass_the_wording_rules():
    qual = [i for i in load_library().all() if i.qualitative]
    assert len(qual) >= 10
    for i in qual:
        t = i.typical_target
        assert not vague_word(t) and not restates_funds(t) and verifiable(t), (i.code, t)


def test_library_vague_list_is_covered():
    # the words the library's own data test forbids are vague for lint too
    from test_library_data import VAGUE, VAGUE_WHOLE

    for w in VAGUE:
        assert vague_word(f"服务{w}"), w
    for w in VAGUE_WHOLE:
        assert vague_word(w), w


# ---------------------------------------------------------------- profile lint block


def test_lint_config_of_packaged_profiles():
    assert lint_config("national-2020") == LintConfig(("产出指标", "效益指标", "满意度指标"), False, 0.5)
    assert lint_config("sichuan").require_cost is True
    assert lint_config("hubei").require_level1 == ("产出指标", "效益指标", "满意度指标")


def _profile_file(tmp_path, lint_block=None, name="p"):
    data = yaml.safe_load((ROOT / "src" / "perfeval" / "profiles" / "national-2020.yaml").read_text("utf-8"))
    data.pop("lint", None)
    data["name"] = name
    if lint_block is not None:
        data["lint"] = lint_block
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_lint_block_defaults_and_errors(tmp_path):
    assert lint_config(_profile_file(tmp_path, name="nolint")) == LintConfig()
    strict = _profile_file(tmp_path, {"max_qualitative_share": 0.1, "require_cost": True}, name="strict")
    assert lint_config(strict) == LintConfig(require_cost=True, max_qualitative_share=0.1)
    for i, bad in enumerate(({"require_cost": "yes"}, {"max_qualitative_share": 2}, {"require_level1": ["产出"]},
                             {"typo": 1}, [1])):
        with pytest.raises(ProfileError):
            lint_config(_profile_file(tmp_path, bad, name=f"bad{i}"))


def test_stricter_profile_finds_more(tmp_path):
    strict = _profile_file(tmp_path, {"max_qualitative_share": 0.1, "require_cost": True}, name="strict2")
    codes = [i.code for i in lint([str(LINT / "clean.yaml")], profile=strict).issues]
    assert codes == ["PE603", "PE604"]


# ---------------------------------------------------------------- command line


def test_cli_exit_codes(tmp_path):
    assert run("lint", str(LINT / "clean.yaml")).exit_code == 0
    res = run("lint", str(EXAMPLES / "seed-as-published.yaml"))
    assert res.exit_code == 1 and "PE612" in res.output and "如何修改" in res.output and "未通过" in res.output
    warn_only = str(LINT / "too-qualitative.yaml")
    assert run("lint", warn_only).exit_code == 0
    assert run("lint", warn_only, "--strict").exit_code == 1
    assert run("lint").exit_code == 2
    res = run("lint", str(LINT / "clean.yaml"), "--profile", "no-such")
    assert res.exit_code == 2 and "PE204" in res.output
    bad = _profile_file(tmp_path, {"require_cost": "yes"}, name="badcli")
    assert run("lint", str(LINT / "clean.yaml"), "--profile", bad).exit_code == 2


def test_cli_json():
    res = run("lint", "--format", "json", *(str(LINT / n) for n in ("clean.yaml", "duplicate.yaml")))
    data = json.loads(res.output)
    assert res.exit_code == 1
    assert [(d["code"], d["line"], d["severity"]) for d in data] == [("PE611", 15, ERROR)]
    assert data[0]["hint"] and data[0]["file"].endswith("duplicate.yaml")


def test_checks_are_registered_once():
    assert len(CHECKS) == len(set(CHECKS)) >= 7


def test_errors_doc_lists_lint_codes():
    doc = (ROOT / "docs" / "errors.md").read_text("utf-8")
    section = doc.split("## PE6xx 申报审核（lint）", 1)[1]
    for code in (c for c in CODES if c.startswith("PE6")):
        assert re.search(rf"^\| {code} \| {CODES[code].severity} \| {re.escape(CODES[code].title)} \|", section, re.M), code


def test_weight_totals_are_not_attributed_to_one_indicator():
    res = lint([str(LINT / "weights-not-100.yaml")])
    assert [(i.code, i.indicator) for i in res.issues] == [("PE609", None), ("PE610", None)]
    assert "105.00" in res.issues[0].message


def test_real_published_forms(tmp_path):
    """Lint reads the real forms without failing and finds their known weaknesses."""
    from test_realforms import FORMS, to_submission

    paths = []
    for p in sorted(FORMS.glob("*.json")):
        out = tmp_path / f"{p.stem}.yaml"
        out.write_text(yaml.safe_dump(to_submission(json.loads(p.read_text("utf-8"))), allow_unicode=True), encoding="utf-8")
        paths.append(str(out))
    res = lint(paths)
    assert "PE502" not in {i.code for i in res.issues}
    found = {(i.file.rsplit("/", 1)[-1], i.code, i.indicator) for i in res.issues}
    assert ("P07.yaml", "PE605", "对保障村(社区)两委机构正常运行的影响程度") in found  # "效果明显"
    assert ("004.yaml", "PE612", "补贴渔船数") in found                             # "6" with no unit
    assert ("P05.yaml", "PE600", None) in found                                    # no 效益, no 满意度
