"""The command line: exit codes, JSON contract, Chinese messages, no tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, assert_no_crash
from perfeval.cli import main

SEED = str(EXAMPLES / "seed-corrected.yaml")
SEED_RAW = str(EXAMPLES / "seed-as-published.yaml")


def run(*args):
    res = CliRunner().invoke(main, list(args))
    assert_no_crash(res)
    return res


def test_score_prints_total_and_grade():
    res = run("score", SEED)
    assert res.exit_code == 0
    assert "总分 100.00" in res.output and "等级 优" in res.output
    assert "送温暖帮扶困难职工数" in res.output


def test_score_json_contract():
    res = run("score", SEED, "--format", "json")
    r = json.loads(res.output)
    for key in ("project", "profile", "execution", "indicators", "total", "grade", "claimed_total", "issues"):
        assert key in r
    for key in ("budget", "executed", "rate", "weight", "score", "claimed_score"):
        assert key in r["execution"]
    for key in ("level1", "level2", "name", "target", "actual", "kind", "completion", "weight", "score", "claimed_score"):
        assert key in r["indicators"][0]
    assert r["total"] == 100.0 and r["grade"] == "优" and r["execution"]["rate"] == 1.0


def test_validate_exit_codes():
    assert run("validate", SEED).exit_code == 0
    res = run("validate", SEED_RAW)
    assert res.exit_code == 1
    assert res.output.count("PE301") == 2 and "seed-as-published.yaml:" in res.output


def test_usage_errors_exit_2():
    assert run("validate").exit_code == 2
    assert run("score", SEED, "--format", "xml").exit_code == 2
    res = run("score", SEED, "--profile", "no-such-profile")
    assert res.exit_code == 2 and "PE204" in res.output


def test_missing_and_broken_files_are_reported_not_raised(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("perfeval: 1\nproject: [unclosed\n", encoding="utf-8")
    res = run("score", str(tmp_path / "nope.yaml"), str(broken), SEED)
    assert res.exit_code == 1
    assert "PE100" in res.output and "PE101" in res.output and "broken.yaml:" in res.output
    assert "总分 100.00" in res.output  # the good file is still scored


def test_profiles_lists_packaged_profiles():
    res = run("profiles")
    assert res.exit_code == 0
    for name in ("national-2020", "sichuan", "hubei"):
        assert name in res.output


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_scores_without_crashing(example):
    res = run("score", str(EXAMPLES / example), "--format", "json")
    assert res.exit_code in (0, 1)
    r = json.loads(res.output)
    assert r["status"] == "scored"
    assert 0 <= r["total"] <= 100
