"""Data-first tests of the review findings: one case file per finding (tests/cases/review/<code>.yaml).

A case file names its finding (``code``), optionally a ``profile`` (a packaged name or a path under the repo)
and a ``base`` submission (default: examples/seed-corrected.yaml, which has no findings), and lists cases:
``set`` (key path → value, list items by index: ``indicators.0.actual``) and ``del`` (key paths) change the base;
``expect`` lists the findings of that code the case must give — no more, no fewer — each optionally checked for
its ``indicator``, ``line`` and a piece of its message (``says``).  Files are discovered, and every registered
finding must have one: adding a finding is one function plus one case file.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT
from perfeval.issues import CODES
from perfeval.pipeline import evaluate, results
from perfeval.review import FINDINGS

CASE_DIR = Path(__file__).parent / "cases" / "review"
CASE_FILES = sorted(CASE_DIR.glob("*.yaml"))


def _cases():
    for path in CASE_FILES:
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            yield pytest.param(path, spec, case, id=f"{path.stem}-{case['name']}")


def _step(key: str):
    return int(key) if key.isdigit() else key


def _apply(data: dict, case: dict) -> dict:
    data = copy.deepcopy(data)
    for dotted, value in (case.get("set") or {}).items():
        *head, last = [_step(k) for k in str(dotted).split(".")]
        node = data
        for k in head:
            node = node[k]
        node[last] = value
    for dotted in case.get("del") or []:
        *head, last = [_step(k) for k in str(dotted).split(".")]
        node = data
        for k in head:
            node = node[k]
        del node[last]
    return data


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case evaluated up front, one evaluate() call per profile (as a batch would)."""
    d = tmp_path_factory.mktemp("review-cases")
    by_profile: dict[str | None, list[tuple[str, str]]] = {}
    for k, param in enumerate(_cases()):
        path, spec, case = param.values
        base = ROOT / spec["base"] if spec.get("base") else EXAMPLES / "seed-corrected.yaml"
        data = _apply(yaml.safe_load(base.read_text("utf-8")), case)
        sub = d / f"case{k}.yaml"
        sub.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        profile = spec.get("profile")
        if profile and profile.endswith(".yaml"):
            profile = str(ROOT / profile)
        by_profile.setdefault(profile, []).append(((path.stem, case["name"]), str(sub)))
    out = {}
    for profile, items in by_profile.items():
        res = results(evaluate([p for _, p in items], profile=profile))
        out.update({pid: r for (pid, _), r in zip(items, res, strict=True)})
    return out


@pytest.mark.parametrize(("path", "spec", "case"), list(_cases()))
def test_review_case(path, spec, case, outcomes):
    r = outcomes[(path.stem, case["name"])]
    assert r["status"] == "scored", r["issues"]
    got = [i for i in r["issues"] if i["code"] == spec["code"]]
    want = case.get("expect") or []
    assert len(got) == len(want), (case["name"], got)
    for w in want:
        match = [g for g in got if all(
            (k == "says" and v in g["message"]) or (k != "says" and g.get(k) == v) for k, v in w.items())]
        assert match, (case["name"], w, got)
    assert all(g["severity"] == CODES[spec["code"]].severity for g in got)


def test_every_finding_has_a_case_file_and_every_case_file_a_finding():
    files = {p.stem for p in CASE_FILES}
    assert files == set(FINDINGS), (sorted(set(FINDINGS) - files), sorted(files - set(FINDINGS)))
    for path in CASE_FILES:
        spec = yaml.safe_load(path.read_text("utf-8"))
        assert spec["code"] == path.stem
        assert any(c.get("expect") for c in spec["cases"]) and any(not c.get("expect") for c in spec["cases"]), \
            f"{path.name}: needs a case that fires and one that does not"


def test_findings_are_merged_with_the_code_catalogue():
    for code, f in FINDINGS.items():
        assert f.code == code and f.severity == CODES[code].severity and f.title == CODES[code].title and f.hint
