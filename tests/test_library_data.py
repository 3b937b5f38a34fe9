"""Checks on the standard indicator library (indicators/*.yaml, 分行业分领域绩效指标库).

Two layers:

* indicators/schema.json (JSON Schema draft 2020-12) checks one sector file on its own:
  keys, types, code pattern, level1/level2 pairs, code letter vs level2, comparator vs
  unit and target notation.
* The ``problems_*`` helpers below check what one file cannot say about itself or what
  the schema states only loosely: file stem = sector, code prefix = sector, codes unique
  across the whole library, target unit = unit field, minimum coverage per sector.

Every rule is also exercised against a deliberately broken in-memory copy, so a rule
that silently stops working makes the suite fail.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator

LIB = Path(__file__).resolve().parents[1] / "indicators"
SCHEMA_PATH = LIB / "schema.json"

EXPECTED_SECTORS = {"common", "union", "education", "health", "social", "agri", "admin"}
MIN_INDICATORS, MAX_INDICATORS = 8, 20

LEVELS = {
    "产出指标": {"数量指标", "质量指标", "时效指标", "成本指标"},
    "效益指标": {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
    "满意度指标": {"服务对象满意度指标"},
    # 财预〔2021〕101号: 成本 as its own 一级
    "成本指标": {"经济成本指标", "社会成本指标", "生态环境成本指标"},
}
LETTER_LEVEL2 = {
    "Q": {"数量指标"},
    "L": {"质量指标"},
    "T": {"时效指标"},
    "C": {"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"},
    "E": {"经济效益指标"},
    "S": {"社会效益指标"},
    "G": {"生态效益指标"},
    "D": {"可持续影响指标"},
    "M": {"服务对象满意度指标"},
}
SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
NUM = r"[0-9]+(?:\.[0-9]+)?"
# Vague wording that cannot be checked at year end; the library must model good practice.
VAGUE = ("效果明显", "明显", "显著", "较好", "良好", "有所", "逐步", "进一步", "不断", "大幅", "积极")
VAGUE_WHOLE = {"是", "好", "高", "完成", "达标", "合格"}


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def sector_paths() -> list[Path]:
    return sorted(LIB.glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def library() -> dict[str, dict]:
    return {p.stem: load_yaml(p) for p in sector_paths()}


def schema_errors(validator: Draft202012Validator, data) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(data)
    ]


# ---------------------------------------------------------------- rule helpers
# Each returns a list of human-readable problems; empty list = OK.


def problems_sector(stem: str, data: dict) -> list[str]:
    out = []
    if data.get("sector") != stem:
        out.append(f"sector {data.get('sector')!r} != file stem {stem!r}")
    n = len(data.get("indicators") or [])
    if not MIN_INDICATORS <= n <= MAX_INDICATORS:
        out.append(f"{n} indicators, expected {MIN_INDICATORS}-{MAX_INDICATORS}")
    return out


def problems_levels(data: dict) -> list[str]:
    out = []
    for ind in data["indicators"]:
        l1, l2 = ind.get("level1"), ind.get("level2")
        if l1 not in LEVELS:
            out.append(f"{ind.get('code')}: unknown level1 {l1!r}")
        elif l2 not in LEVELS[l1]:
            out.append(f"{ind.get('code')}: level2 {l2!r} does not belong to level1 {l1!r}")
    return out


def problems_codes(data: dict) -> list[str]:
    out = []
    prefix = str(data.get("sector", "")).upper()
    for ind in data["indicators"]:
        code = str(ind.get("code"))
        m = re.fullmatch(r"([A-Z][A-Z0-9]*)-([QLTCESGDM])-([0-9]{3})", code)
        if not m:
            out.append(f"{code}: does not match <SECTOR>-<letter>-<3 digits>")
            continue
        if m.group(1) != prefix:
            out.append(f"{code}: prefix should be {prefix}")
        if ind.get("level2") not in LETTER_LEVEL2[m.group(2)]:
            out.append(f"{code}: letter {m.group(2)} does not fit level2 {ind.get('level2')!r}")
    return out


def problems_unique_codes(library: dict[str, dict]) -> list[str]:
    seen: dict[str, str] = {}
    out = []
    for stem, data in sorted(library.items()):
        for ind in data["indicators"]:
            code = ind.get("code")
            if code in seen:
                out.append(f"code {code} in {stem} already used in {seen[code]}")
            else:
                seen[code] = stem
    return out


def problems_unique_names(data: dict) -> list[str]:
    names = [ind.get("name") for ind in data["indicators"]]
    return [f"duplicate name {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]


def problems_coverage(data: dict) -> list[str]:
    inds = data["indicators"]
    pairs = {(i.get("level1"), i.get("level2")) for i in inds}
    out = []
    if ("产出指标", "数量指标") not in pairs:
        out.append("no 产出指标/数量指标 indicator")
    if not pairs & {("产出指标", "质量指标"), ("产出指标", "时效指标")}:
        out.append("no 产出指标/质量指标 or 时效指标 indicator")
    if not any(i.get("level1") == "效益指标" for i in inds):
        out.append("no 效益指标 indicator")
    if not any(i.get("level1") == "满意度指标" for i in inds):
        out.append("no 满意度指标 indicator")
    if not any(i.get("core") is True for i in inds):
        out.append("no core indicator")
    qual = sum(1 for i in inds if i.get("comparator") == "qualitative")
    if qual * 3 > len(inds):
        out.append(f"{qual}/{len(inds)} qualitative: the library should be mostly quantitative")
    return out


def problems_values(data: dict) -> list[str]:
    """Comparator, unit and typical_target must agree with each other."""
    out = []
    for ind in data["indicators"]:
        code, comp, unit = ind.get("code"), ind.get("comparator"), ind.get("unit")
        target = str(ind.get("typical_target", ""))
        level2 = ind.get("level2")
        if comp == "qualitative":
            if unit is not None:
                out.append(f"{code}: qualitative indicator must have unit null, got {unit!r}")
            if re.fullmatch(rf"[≥≤=<>]?{NUM}\S*", target) and not re.search(r"[前内后]", target):
                out.append(f"{code}: qualitative target {target!r} looks like a number")
            continue
        if not unit:
            out.append(f"{code}: quantitative indicator needs a unit")
            continue
        if comp == "range":
            m = re.fullmatch(rf"({NUM})-({NUM})(.+)", target)
            if not m:
                out.append(f"{code}: range target {target!r} is not 'a-b<unit>'")
                continue
            low, high, t_unit = float(m.group(1)), float(m.group(2)), m.group(3)
            if not low < high:
                out.append(f"{code}: range {target!r} has low >= high")
            values = [low, high]
        else:
            m = re.fullmatch(rf"{re.escape(SYMBOL[comp])}({NUM})(.+)", target)
            if not m:
                out.append(f"{code}: target {target!r} does not start with {SYMBOL[comp]} + number")
                continue
            values, t_unit = [float(m.group(1))], m.group(2)
        if t_unit != unit:
            out.append(f"{code}: target unit {t_unit!r} != unit field {unit!r}")
        if unit == "%" and any(v > 100 for v in values):
            out.append(f"{code}: percentage target above 100%")
        if unit == "%" and "÷" not in str(ind.get("definition", "")):
            out.append(f"{code}: a rate needs 分子 ÷ 分母 in its definition")
        if level2 == "服务对象满意度指标" and (unit != "%" or comp != ">="):
            out.append(f"{code}: satisfaction must be '>=' with unit %")
        if level2 in {"成本指标", "经济成本指标"} and (unit not in {"万元", "元"} or comp not in {"<=", "<"}):
            out.append(f"{code}: cost must be '<=' or '<' in 万元 or 元")
    return out


def problems_vague(data: dict) -> list[str]:
    out = []
    for ind in data["indicators"]:
        target = str(ind.get("typical_target", "")).strip()
        if target in VAGUE_WHOLE or any(w in target for w in VAGUE):
            out.append(f"{ind.get('code')}: vague target {target!r}")
    return out


ALL_FILE_RULES = (problems_levels, problems_codes, problems_unique_names,
                  problems_coverage, problems_values, problems_vague)


# ---------------------------------------------------------------- the real library


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_all_expected_sectors_present():
    stems = {p.stem for p in sector_paths()}
    missing = EXPECTED_SECTORS - stems
    assert not missing, f"missing sector files: {sorted(missing)}"


@pytest.mark.parametrize("path", sector_paths(), ids=lambda p: p.stem)
def test_sector_file_validates_against_schema(path, validator):
    errors = schema_errors(validator, load_yaml(path))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", sector_paths(), ids=lambda p: p.stem)
def test_sector_file_rules(path):
    data = load_yaml(path)
    problems = problems_sector(path.stem, data)
    for rule in ALL_FILE_RULES:
        problems += rule(data)
    assert not problems, "\n".join(problems)


def test_codes_unique_across_library(library):
    problems = problems_unique_codes(library)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the checks can fail

GOOD_STEM = "union"


@pytest.fixture()
def good(library) -> dict:
    """A fresh deep copy of a known-good sector file, to break in memory."""
    return copy.deepcopy(library[GOOD_STEM])


def _first(data: dict, **match) -> dict:
    for ind in data["indicators"]:
        if all(ind.get(k) == v for k, v in match.items()):
            return ind
    raise AssertionError(f"{GOOD_STEM}.yaml no longer has an indicator with {match}; "
                         "pick another row for this broken-copy test")


def _set(**fields):
    def mutate(d):
        d["indicators"][0].update(fields)
    return mutate


SCHEMA_BREAKS = {
    "missing key": lambda d: d["indicators"][0].pop("definition"),
    "extra key": _set(weight=10),
    "extra top-level key": lambda d: d.update(version=2),
    "bad comparator": _set(comparator="≥"),
    "level2 outside its level1": _set(level1="效益指标"),
    "unknown level1": _set(level1="过程指标"),
    "bad code pattern": _set(code="UNION-Q-1"),
    "code letter vs level2": _set(code="UNION-M-099"),
    "qualitative with unit": lambda d: _first(d, comparator="qualitative").update(unit="户"),
    "quantitative without unit": _set(unit=None),
    "unit outside vocabulary": _set(unit="百分比", typical_target="≥100百分比"),
    "target symbol vs comparator": _set(typical_target="≤100户"),
    "target without number": _set(typical_target="≥若干户"),
    "qualitative target is a number": lambda d: _first(d, comparator="qualitative").update(
        typical_target="100%"),
    "satisfaction not in %": lambda d: _first(d, level1="满意度指标").update(
        unit="人", typical_target="≥90人"),
    "cost with >=": lambda d: _first(d, level2="成本指标").update(
        comparator=">=", typical_target="≥30万元"),
    "core not boolean": _set(core="yes"),
    "too few indicators": lambda d: d.update(indicators=d["indicators"][:MIN_INDICATORS - 1]),
    "too many indicators": lambda d: d["indicators"].extend(
        copy.deepcopy(d["indicators"][: MAX_INDICATORS + 1 - len(d["indicators"])])),
}


def test_good_copy_is_clean(good, validator):
    assert schema_errors(validator, good) == []
    assert all(rule(good) == [] for rule in ALL_FILE_RULES)


@pytest.mark.parametrize("name", sorted(SCHEMA_BREAKS))
def test_schema_rejects_broken_copy(name, good, validator):
    SCHEMA_BREAKS[name](good)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good, validator.schema, cls=Draft202012Validator)


RULE_BREAKS = {
    "level2 outside its level1": (problems_levels, _set(level2="社会效益指标")),
    "code prefix not the sector": (problems_codes, _set(code="HEALTH-Q-001")),
    "code letter vs level2": (problems_codes, _set(code="UNION-L-001")),
    "duplicate name": (problems_unique_names, lambda d: d["indicators"][1].update(
        name=d["indicators"][0]["name"])),
    "no 满意度": (problems_coverage, lambda d: d.update(
        indicators=[i for i in d["indicators"] if i["level1"] != "满意度指标"])),
    "no 效益": (problems_coverage, lambda d: d.update(
        indicators=[i for i in d["indicators"] if i["level1"] != "效益指标"])),
    "no 数量": (problems_coverage, lambda d: d.update(
        indicators=[i for i in d["indicators"] if i["level2"] != "数量指标"])),
    "no 质量 or 时效": (problems_coverage, lambda d: d.update(
        indicators=[i for i in d["indicators"] if i["level2"] not in ("质量指标", "时效指标")])),
    "no core": (problems_coverage, lambda d: [i.update(core=False) for i in d["indicators"]]),
    "mostly qualitative": (problems_coverage, lambda d: [
        i.update(comparator="qualitative", unit=None, typical_target="按期完成")
        for i in d["indicators"][:10]]),
    "qualitative with unit": (problems_values, lambda d: _first(
        d, comparator="qualitative").update(unit="户")),
    "target unit vs unit field": (problems_values, _set(typical_target="≥100人")),
    "percentage above 100": (problems_values, lambda d: _first(d, unit="%", comparator=">=").update(
        typical_target="≥120%")),
    "rate without 分子÷分母": (problems_values, lambda d: _first(d, unit="%").update(
        definition="按实际情况统计的比例，以台账为准。")),
    "range low >= high": (problems_values, lambda d: d["indicators"][0].update(
        comparator="range", unit="%", typical_target="93-85%")),
    "vague target": (problems_vague, lambda d: _first(d, comparator="qualitative").update(
        typical_target="效果明显")),
}


@pytest.mark.parametrize("name", sorted(RULE_BREAKS))
def test_rule_catches_broken_copy(name, good):
    rule, mutate = RULE_BREAKS[name]
    assert rule(good) == [], "precondition: the good copy passes this rule"
    mutate(good)
    assert rule(good), f"rule {rule.__name__} did not catch: {name}"


def test_sector_stem_mismatch_caught(good):
    assert problems_sector(GOOD_STEM, good) == []
    assert problems_sector("education", good)


def test_duplicate_code_across_sectors_caught(library):
    broken = copy.deepcopy(library)
    assert problems_unique_codes(broken) == []
    broken["admin"]["indicators"][0]["code"] = broken["union"]["indicators"][0]["code"]
    assert problems_unique_codes(broken)
