"""One source per fact (issue 9 §6): each fact is written in one place, and the tree is checked for copies."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import make_submission
from perfeval.issues import Issue, issue_order, sort_issues
from perfeval.numbers import fmt, plain
from perfeval.pipeline import evaluate, results

SRC = Path(__file__).resolve().parents[1] / "src" / "perfeval"


def _sources():
    for p in sorted(SRC.rglob("*.py")):
        yield p, p.read_text("utf-8")


def test_control_character_classes_are_written_once():
    copies = [str(p.relative_to(SRC)) for p, text in _sources() if p.name != "chars.py" and re.search(r"\\x0[0e]-\\x(?:08|1f)", text)]
    assert copies == [], f"control-character classes outside chars.py: {copies}"


def test_level1_names_are_written_once():
    pattern = re.compile(r'\(\s*"产出指标",\s*"(?:效益|成本)指标"')
    copies = [str(p.relative_to(SRC)) for p, text in _sources() if p.name != "profile.py" and pattern.search(text)]
    assert copies == [], f"lists of 一级 names outside profile.py: {copies}"


def test_one_cost_predicate():
    copies = [str(p.relative_to(SRC)) for p, text in _sources() if re.search(r'level1"?\]?\s*==\s*"成本指标"', text)]
    assert copies == [], copies


def test_numbers_in_messages_never_use_thousands_separators(write):
    rows = [{"level1": "产出指标", "level2": "数量指标", "name": "甲", "target": "≥5户", "actual": "5户", "weight": 1234.5}]
    [r] = results(evaluate([write(make_submission(rows))]))
    msgs = [i["message"] for i in r["issues"] if i["code"] in ("PE308", "PE400")]
    assert any("1234.5" in m for m in msgs) and not any("1,234" in m for m in msgs), msgs
    assert plain(1234.5) == "1234.5" and fmt(1234.5) == "1234.50" and plain(120) == "120"


def test_one_issue_order():
    a = Issue("PE404", "b", "warning", "f.yaml", 3)
    b = Issue("PE301", "a", "error", "f.yaml", 3)
    c = Issue("PE100", "z", "error", "f.yaml", 1)
    assert sort_issues([a, b, c]) == [c, b, a]
    from perfeval.batch.report import sort_key

    assert [i for _, i in sorted([(0, a), (0, b), (0, c)], key=sort_key)] == [c, b, a]
    assert issue_order(b) < issue_order(a)
