"""Shared helpers: build submissions in memory and evaluate them."""

from __future__ import annotations

import copy
import difflib
import os
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SNAP = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("PERFEVAL_UPDATE_SNAPSHOTS") == "1"


@lru_cache(maxsize=None)
def _results(path: str) -> tuple:
    from perfeval.pipeline import evaluate, results

    return tuple(results(evaluate([path])))


def result_of(path) -> dict:
    """The result record of one file (a deep copy: tests may not share mutations)."""
    return copy.deepcopy(_results(str(path))[0])


def check_snapshot(name: str, text: str) -> None:
    """Compare rendered text with tests/snapshots/NAME; PERFEVAL_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAP / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"缺少快照 {path}；确认输出无误后用 PERFEVAL_UPDATE_SNAPSHOTS=1 运行测试生成"
    expected = path.read_text("utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "snapshot", "rendered", n=2))
        pytest.fail(f"{name} 与快照不一致（有意修改时用 PERFEVAL_UPDATE_SNAPSHOTS=1 更新）：\n{diff[:4000]}")


def make_submission(indicators, profile="national-2020", budget=100.0, executed=100.0, **extra):
    d = {
        "perfeval": 1,
        "profile": profile,
        "project": {"name": "测试项目", "year": 2024, "department": "测试部门"},
        "funds": {"unit": "万元", "sources": [{"name": "本级财政资金", "budget": budget, "executed": executed}]},
        "indicators": indicators,
    }
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(d.get(k), dict):
            d[k].update(v)
        else:
            d[k] = v
    return d


@pytest.fixture
def write(tmp_path):
    """write(data_or_text, name) -> path of a YAML file in tmp_path."""
    counter = iter(range(10**6))

    def _write(data, name=None):
        path = tmp_path / (name or f"s{next(counter)}.yaml")
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def evaluate_one(write):
    from perfeval.pipeline import evaluate, results

    def _run(data, profile=None):
        path = write(data)
        ev = evaluate([path], profile=profile)
        return results(ev)[0], ev

    return _run


def assert_no_crash(res) -> None:
    """A CLI run under click's CliRunner ended without an escaping exception or an internal error (exit 3).

    CliRunner catches exceptions into ``res.exception`` (they never reach ``res.output``), so looking for
    "Traceback" in the output cannot fail; this can.
    """
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code != 3, res.output[-2000:]
