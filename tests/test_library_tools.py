"""The indicator library at run time: loading, ``ref`` resolution, ``perfeval init`` and ``perfeval library``."""

from __future__ import annotations

import itertools
import json
import re

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_no_crash, make_submission
from perfeval.cli import main
from perfeval.library import (
    LibraryError,
    ScaffoldError,
    choose_indicators,
    library_dir,
    load_library,
    resolve_ref,
    scaffold,
    split_cents,
)
from perfeval.lint import lint
from perfeval.notation import parse
from perfeval.pipeline import evaluate, results
from perfeval.profile import get_profile, packaged_profiles

SECTORS = ["admin", "agri", "common", "education", "health", "social", "union"]


def run(*args):
    res = CliRunner().invoke(main, list(args))
    assert_no_crash(res)
    return res


# ---------------------------------------------------------------- loading


def test_library_loads_every_sector_once():
    lib = load_library()
    assert sorted(lib.sectors) == SECTORS
    assert len(lib.by_code) == sum(len(s.indicators) for s in lib.sectors.values()) == 129
    assert load_library() is lib  # cached
    assert library_dir().is_dir()


def test_get_is_case_insensitive_and_unknown_raises():
    lib = load_library()
    assert lib.get(" union-q-001 ").name == "送温暖帮扶困难职工户数"
    with pytest.raises(KeyError):
        lib.get("UNION-Q-999")
    with pytest.raises(KeyError):
        lib.sector("nope")


def test_broken_library_dir_is_reported(tmp_path):
    (tmp_path / "x.yaml").write_text("sector: x\nindicators:\n  - code: X-Q-001\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="缺少字段"):
        load_library(str(tmp_path))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LibraryError):
        load_library(str(empty))


# ---------------------------------------------------------------- resolve_ref


def test_ref_inherits_library_fields_and_keeps_target():
    raw = {"ref": "UNION-Q-001", "target": "≥5户", "weight": 20}
    out = resolve_ref(raw)
    assert out is not raw and raw == {"ref": "UNION-Q-001", "target": "≥5户", "weight": 20}
    assert (out["level1"], out["level2"], out["name"], out["unit"]) == ("产出指标", "数量指标", "送温暖帮扶困难职工户数", "户")
    assert out["definition"].startswith("年度内实际发放帮扶资金")
    assert out["target"] == "≥5户" and out["weight"] == 20


def test_ref_submission_fields_override_library():
    out = resolve_ref({"ref": "UNION-M-001", "name": "受助职工满意度", "level2": "服务对象满意度指标",
                       "definition": "自定口径", "target": "≥90%"})
    assert out["name"] == "受助职工满意度" and out["definition"] == "自定口径"
    assert out["level1"] == "满意度指标"


@pytest.mark.parametrize("target, expected", [
    (95, "≥95%"),                    # bare number: library comparator and unit
    (95.5, "≥95.5%"),
    ("95", "≥95%"),
    ("95%", "≥95%"),                 # number + unit, no comparator
    ("=95%", "=95%"),                # its own comparator is kept
    ("95%以上", "95%以上"),
    ("≤99%", "≤99%"),
    ("90-95%", "90-95%"),            # a range is kept
    ("满意度较高", "满意度较高"),     # qualitative kept as written
    ("/", "/"),
])
def test_ref_applies_library_comparator_only_where_none_written(target, expected):
    assert resolve_ref({"ref": "UNION-M-001", "target": target})["target"] == expected


def test_ref_comparator_for_other_ops_and_mappings():
    assert resolve_ref({"ref": "UNION-C-001", "target": 25})["target"] == "≤25万元"
    assert resolve_ref({"ref": "UNION-L-001", "target": 100})["target"] == "=100%"
    # the submission's own unit wins over the library's when it writes one
    assert resolve_ref({"ref": "UNION-Q-001", "unit": "人", "target": 5})["target"] == "≥5人"
    # a {value, unit} mapping without op gets the library comparator
    assert resolve_ref({"ref": "UNION-Q-001", "target": {"value": 5}})["target"] == {"value": 5, "op": "≥", "unit": "户"}
    assert resolve_ref({"ref": "UNION-Q-001", "target": {"op": "=", "value": 5}})["target"] == {"op": "=", "value": 5}
    # qualitative and range library indicators leave a bare number alone
    assert resolve_ref({"ref": "COMMON-T-003", "target": 12})["target"] == 12
    assert resolve_ref({"ref": "HEALTH-L-005", "target": "90%"})["target"] == "90%"


def test_ref_never_fills_the_target():
    out = resolve_ref({"ref": "UNION-Q-001"})
    assert "target" not in out


def test_unknown_ref_raises_keyerror():
    with pytest.raises(KeyError):
        resolve_ref({"ref": "NOPE-Q-001", "target": 1})


def test_ref_in_a_submission_scores_and_results_carry_the_code(evaluate_one):
    data = make_submission([
        {"ref": "union-q-001", "target": 5, "actual": 5},
        {"ref": "UNION-T-002", "target": "9月30日前发放到位", "actual": "达成预期指标"},
        {"ref": "UNION-S-001", "target": "20%", "actual": "25%"},
        {"ref": "UNION-M-001", "name": "受助职工满意度", "target": 95, "actual": "96%"},
    ])
    r, ev = evaluate_one(data)
    assert not ev.has_errors, [i.format() for i in ev.issues]
    assert r["total"] == 100.0
    rows = {i["ref"]: i for i in r["indicators"]}
    assert list(rows) == ["UNION-Q-001", "UNION-T-002", "UNION-S-001", "UNION-M-001"]
    assert rows["UNION-Q-001"]["name"] == "送温暖帮扶困难职工户数" and rows["UNION-Q-001"]["target"] == "≥5户"
    assert rows["UNION-Q-001"]["unit"] == "户" and rows["UNION-Q-001"]["level2"] == "数量指标"
    assert rows["UNION-M-001"]["name"] == "受助职工满意度" and rows["UNION-M-001"]["target"] == "≥95%"
    assert rows["UNION-S-001"]["kind"] == ">="
    assert ev.scored.indicators["ref"].to_list() == list(rows)


def test_unknown_ref_is_pe210_with_its_line(write):
    text = (
        "perfeval: 1\nproject: {name: 测试, year: 2024, department: 测试部门}\n"
        "funds:\n  sources:\n    - {name: 本级财政资金, budget: 1, executed: 1}\n"
        "indicators:\n"
        "  - ref: UNION-Q-001\n    target: 5\n    actual: 5\n"
        "  - ref: UNION-Q-999\n    target: 5\n    actual: 5\n"
    )
    ev = evaluate([write(text)])
    assert ev.status == ["rejected"]
    pe210 = [i for i in ev.issues if i.code == "PE210"]
    assert len(pe210) == 1 and pe210[0].line == 10 and "UNION-Q-999" in pe210[0].message


def test_unknown_ref_leaves_no_partial_project(write):
    data = make_submission([{"ref": "UNION-Q-001", "target": 5, "actual": 5}, {"ref": "UNION-Q-999", "target": 5, "actual": 5}])
    ev = evaluate([write(data)])
    assert results(ev)[0]["status"] == "rejected"


# ---------------------------------------------------------------- init


@pytest.mark.parametrize("total, n, parts", [
    (50, 3, [16.67, 16.67, 16.66]),
    (30, 1, [30.0]),
    (10, 4, [2.5, 2.5, 2.5, 2.5]),
    (90, 7, [12.86, 12.86, 12.86, 12.86, 12.86, 12.85, 12.85]),
])
def test_split_cents(total, n, parts):
    assert split_cents(total, n) == parts


@given(st.integers(0, 10000), st.integers(1, 40))
def test_split_cents_adds_up_exactly(cents, n):
    parts = split_cents(cents / 100, n)
    assert sum(round(p * 100) for p in parts) == cents
    assert max(parts) - min(parts) <= 0.0100001


def _coverage_ok(inds, require_cost=False):
    l2 = {i.level2 for i in inds}
    l1 = {i.level1 for i in inds}
    ok = "数量指标" in l2 and l2 & {"质量指标", "时效指标"} and {"产出指标", "效益指标", "满意度指标"} <= l1
    return ok and (not require_cost or any(i.is_cost for i in inds))


@pytest.mark.parametrize("sector", SECTORS)
def test_default_choice_is_core_plus_coverage(sector):
    lib = load_library()
    chosen, added = choose_indicators(sector, profile=get_profile("national-2020"))
    assert set(lib.sector(sector).core) <= set(chosen)
    assert set(added) == set(chosen) - set(lib.sector(sector).core)
    assert _coverage_ok(chosen)
    chosen, _ = choose_indicators(sector, profile=get_profile("sichuan"), require_cost=True)
    assert _coverage_ok(chosen, require_cost=True)


def test_pick_is_completed_to_full_coverage_and_deduplicated():
    chosen, added = choose_indicators("union", ["UNION-Q-002", "union-q-002", "COMMON-T-003"], get_profile("national-2020"))
    codes = [i.code for i in chosen]
    assert codes.count("UNION-Q-002") == 1 and "COMMON-T-003" in codes
    assert {i.level1 for i in added} == {"效益指标", "满意度指标"}
    assert all(i.sector == "union" and i.core for i in added)
    with pytest.raises(ScaffoldError, match="NOPE-Q-001"):
        choose_indicators("union", ["NOPE-Q-001"], get_profile("national-2020"))
    with pytest.raises(ScaffoldError, match="可用"):
        choose_indicators("culture", profile=get_profile("national-2020"))


def _fill_actuals(text: str) -> str:
    """The year-end file a clerk would write if every typical target were met exactly."""
    data = yaml.safe_load(text)
    for src in data["funds"]["sources"]:
        src["executed"] = src["budget"]
    for ind in data["indicators"]:
        r = parse(ind["target"])
        if r.op == "qualitative":
            ind["actual"] = "达成预期指标"
        elif r.op == "range":
            ind["actual"] = f"{(r.value + r.hi) / 2:g}{r.unit}"
        else:
            ind["actual"] = f"{r.value:g}{r.unit or ''}"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory):
    """init output for every sector under every packaged profile, written to disk."""
    from perfeval.lint import lint_config

    d = tmp_path_factory.mktemp("init")
    out = {}
    for sector, profile in itertools.product(SECTORS, packaged_profiles()):
        cfg = lint_config(profile)
        text, chosen, _ = scaffold(sector, get_profile(profile), name="测试项目", department="测试部门", year=2025,
                                   require_cost=cfg.require_cost, require_level1=cfg.require_level1)
        path = d / f"{sector}-{profile}.yaml"
        path.write_text(text, encoding="utf-8")
        out[(sector, profile)] = (path, text, chosen)
    return out


def test_init_output_lints_clean_except_the_fields_left_for_the_clerk(scaffolds):
    # an untouched template never passes (issue #10): the empty goal and the placeholder budget are named;
    # nothing else is wrong with it
    res = lint([str(p) for p, _, _ in scaffolds.values()])
    assert {(i.code, i.file) for i in res.issues} == {(c, str(p)) for p, _, _ in scaffolds.values() for c in ("PE615", "PE617")}
    assert set(res.status) == {"checked"}
    # once the clerk fills the goal and the approved budget, the same file is clean
    for p, _, _ in scaffolds.values():
        text = p.read_text("utf-8").replace("  target: null  # ← 年度总体目标", "  target: 完成年度帮扶任务  # ← 年度总体目标")
        text = re.sub(r"budget: [0-9.]+  # ← 占位数", "budget: 123  # ← 占位数", text)
        p.write_text(text, encoding="utf-8")
    res = lint([str(p) for p, _, _ in scaffolds.values()])
    assert [i for i in res.issues if i.code not in ("PE616",)] == [], [i.format() for i in res.issues]


def test_init_output_validates_as_a_declaration(scaffolds):
    ev = evaluate([str(p) for p, _, _ in scaffolds.values()], scoring=False)
    assert [i.code for i in ev.issues] == ["PE314"] * len(scaffolds)
    assert not ev.has_errors


def test_init_weights_add_up_to_100_like_the_engine(scaffolds, tmp_path):
    for (sector, profile), (path, text, chosen) in scaffolds.items():
        data = yaml.safe_load(text)
        prof = get_profile(profile)
        weights = [ind["weight"] for ind in data["indicators"]]
        assert round(prof.exec_weight * 100 + sum(round(w * 100) for w in weights)) == 100 * 100, (sector, profile)
        for ind in data["indicators"]:
            assert ind["ref"] and ind["actual"] is None
            assert ind["target"] == load_library().get(ind["ref"]).typical_target
        # the engine's own default split gives the same weights
        for ind in data["indicators"]:
            del ind["weight"]
        bare = tmp_path / f"{sector}-{profile}.yaml"
        bare.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        eng = evaluate([str(bare)], scoring=True)
        assert eng.scored.indicators.sort("pos")["weight_eff"].to_list() == weights, (sector, profile)


def test_init_output_scores_100_once_actuals_are_filled(scaffolds, tmp_path):
    paths = []
    for (sector, profile), (path, text, _) in scaffolds.items():
        filled = tmp_path / path.name
        filled.write_text(_fill_actuals(text), encoding="utf-8")
        paths.append(str(filled))
    ev = evaluate(paths)
    errors = [i.format() for i in ev.issues if i.severity == "error"]
    assert not errors, errors
    for r in results(ev):
        assert r["status"] == "scored" and r["total"] == 100.0 and r["grade"] == "优", r["file"]


def test_init_cli_stdout_and_out_file(tmp_path):
    res = run("init", "--sector", "union", "--name", "送温暖: 帮扶 #1", "--department", "某区总工会", "--year", "2025",
              "--budget", "3")
    assert res.exit_code == 0, res.output
    data = yaml.safe_load(res.stdout)
    assert data["project"] == {"name": "送温暖: 帮扶 #1", "code": None, "year": 2025, "department": "某区总工会", "implementer": None}
    assert data["funds"]["sources"][0]["budget"] == 3
    assert "# ← 典型值，改为本项目的年度指标值" in res.stdout and "# 计算口径：" in res.stdout
    out = tmp_path / "p.yaml"
    assert run("init", "--sector", "union", "--out", str(out)).exit_code == 0
    assert yaml.safe_load(out.read_text("utf-8"))["indicators"]
    res = run("init", "--sector", "union", "--out", str(out))
    assert res.exit_code == 2 and "已存在" in res.output
    assert run("init", "--sector", "union", "--out", str(out), "--force").exit_code == 0


def test_init_cli_pick_and_usage_errors():
    res = run("init", "--sector", "health", "--pick", "HEALTH-Q-002,HEALTH-L-002", "--pick", "HEALTH-T-002")
    assert res.exit_code == 0, res.output
    codes = [i["ref"] for i in yaml.safe_load(res.stdout)["indicators"]]
    assert {"HEALTH-Q-002", "HEALTH-L-002", "HEALTH-T-002"} <= set(codes)
    assert "补充了指标" in res.stderr
    for args in (["--sector", "culture"], ["--sector", "union", "--pick", "UNION-X-1"],
                 ["--sector", "union", "--profile", "nope"], ["--sector", "union", "--budget", "0"]):
        res = run("init", *args)
        assert res.exit_code == 2, args


def test_init_sichuan_includes_a_cost_indicator():
    res = run("init", "--sector", "education", "--profile", "sichuan")
    assert res.exit_code == 0
    data = yaml.safe_load(res.stdout)
    assert data["profile"] == "sichuan"
    assert any(load_library().get(i["ref"]).is_cost for i in data["indicators"])
    assert sum(i["weight"] for i in data["indicators"]) == pytest.approx(90)


# ---------------------------------------------------------------- perfeval library


def test_library_cli_table():
    res = run("library", "--sector", "union")
    assert res.exit_code == 0
    for text in ("UNION-Q-001", "送温暖帮扶困难职工户数", "≥100户", "★", "工会与困难职工帮扶"):
        assert text in res.output
    assert "EDUCATION-Q-001" not in res.output
    res = run("library")
    assert res.exit_code == 0 and "共 129 项指标" in res.output


def test_library_cli_json_and_unknown_sector():
    res = run("library", "--format", "json", "--sector", "admin")
    data = json.loads(res.output)
    assert data[0]["sector"] == "admin" and len(data[0]["indicators"]) == 17
    res = run("library", "--sector", "culture")
    assert res.exit_code == 2 and "union" in res.output
