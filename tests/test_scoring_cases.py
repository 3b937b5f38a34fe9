"""Data-first tests: one case file per scoring rule (tests/cases/scoring/*.yaml).

Each case gives a target, an actual and a weight, and the expected completion
and score.  All cases of a file are scored in one batch, as in production.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, make_submission
from perfeval.pipeline import evaluate, results

CASE_DIR = Path(__file__).parent / "cases" / "scoring"
CASE_FILES = sorted(CASE_DIR.glob("*.yaml"))


def _load(path):
    spec = yaml.safe_load(path.read_text("utf-8"))
    profile = spec["profile"]
    if profile.endswith(".yaml"):
        profile = str(ROOT / profile)
    return spec, profile


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file(case_file, write):
    spec, profile = _load(case_file)
    paths = []
    for i, case in enumerate(spec["cases"]):
        ind = {"level1": "产出指标", "level2": "数量指标", "name": f"case-{i}", "target": case["target"],
               "actual": case["actual"], "weight": case["weight"]}
        if "ratio" in case:
            ind["ratio"] = case["ratio"]
        paths.append(write(make_submission([ind], profile=profile)))
    ev = evaluate(paths, profile=profile)
    res = results(ev)
    for case, r, path in zip(spec["cases"], res, paths, strict=True):
        assert r["status"] == "scored", (case, r["issues"])
        errors = [i for i in r["issues"] if i["severity"] == "error" and i["code"] != "PE400"]
        assert not errors, (case, errors)
        ind = r["indicators"][0]
        assert ind["scorable"], case
        assert ind["completion"] == pytest.approx(case["completion"], abs=5e-6), case
        assert ind["score"] == pytest.approx(case["score"], abs=1e-9), case


def test_every_scoring_method_has_a_case_file():
    """Methods are discovered from the registry: a new method without a case file fails here."""
    from perfeval.methods import METHODS
    from perfeval.scoring.methods import METHODS as SCORERS

    covered = {yaml.safe_load(p.read_text("utf-8"))["rule"] for p in CASE_FILES}
    missing = sorted({m.rule for m in METHODS.values()} - covered)
    assert not missing, f"no case file in tests/cases/scoring/ for: {missing}"
    rules = {m.rule for m in METHODS.values()}
    unknown = {c for c in covered if c not in rules and not any(c.startswith(r + "（") for r in rules)}  # variants: 反向（线性）
    assert not unknown, f"case files name rules no method has: {unknown}"
    assert set(SCORERS) == set(METHODS) and all(callable(SCORERS[op]) for op in METHODS)
