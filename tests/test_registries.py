"""The registries of issue 9: methods, output formats (and findings and layouts in their own tests).

The range-with-tolerance method (``src/perfeval/methods/tolerance.py``) is the worked example: it lives in
one module plus one case file, and every place that shows or checks a comparison picks it up from the registry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import make_submission
from perfeval import methods
from perfeval.notation import NUMERIC_OPS, OP_SYMBOL, format_rule, parse
from perfeval.pipeline import evaluate, results
from perfeval.render import FORM_FORMATS, REPORT_FORMATS, formats, render_document, render_forms, render_reports
from perfeval.render.context import form_view

ROOT = Path(__file__).resolve().parents[1]
TOL = {"level1": "产出指标", "level2": "数量指标", "name": "设备台数", "target": "100±5台", "actual": "110台", "weight": 20,
       "note": "采购计划调整"}


def _others():
    return [
        {"level1": "效益指标", "level2": "社会效益指标", "name": "覆盖率", "target": "≥90%", "actual": "95%", "weight": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%", "actual": "92%", "weight": 40},
    ]


def test_every_operator_is_one_registered_method():
    assert list(NUMERIC_OPS) == methods.ops(numeric=True)
    assert dict(OP_SYMBOL) == {m.op: m.symbol for m in methods.METHODS.values() if m.symbol}
    for m in methods.METHODS.values():
        assert m.rule and m.label and callable(m.score)
        assert (m.symbol is not None) == m.point


@pytest.mark.parametrize("text", ["100±5台", "95%±2%", "0.5±0.1吨", "≥5户", "80-90%", "±10%", "≤90万元"])
def test_the_canonical_notation_parses_back(text):
    r = parse(text)
    back = parse(format_rule(r))
    assert (back.op, back.value, back.hi, back.unit) == (r.op, r.value, r.hi, r.unit)


@pytest.mark.parametrize("text", ["100±0台", "100台±5吨", "±5"])
def test_what_is_not_a_tolerance(text):
    assert parse(text).op != "tolerance"


def test_the_library_schema_lists_every_method():
    schema = json.loads((ROOT / "indicators" / "schema.json").read_text("utf-8"))
    enum = schema["$defs"]["indicator"]["properties"]["comparator"]["enum"] if "$defs" in schema else None
    if enum is None:  # the enum's place in the schema
        enum = next(v["enum"] for k, v in _walk(schema) if k == "comparator" and isinstance(v, dict) and "enum" in v)
    assert enum == list(methods.METHODS)


def _walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_tolerance_is_scored_shown_and_worded_everywhere(write):
    path = write(make_submission([TOL] + _others()))
    ev = evaluate([path])
    [r] = results(ev)
    assert r["status"] == "scored", r["issues"]
    ind = r["indicators"][0]
    assert ind["kind"] == "tolerance" and ind["score"] == pytest.approx(20 * 105 / 110, abs=0.005)
    assert ind["completion"] == pytest.approx(1.1)
    view = form_view(r)
    row = next(i for i in view["indicators"] if i["name"] == "设备台数")
    assert row["status"] == "missed"  # outside the tolerance: not 超额完成
    md = render_reports([r], "md")
    assert "偏离年度指标值容差范围 5台" in md
    sichuan = results(evaluate([path], profile="sichuan"))[0]
    html = render_forms([sichuan], "html")
    assert "区间（含容差）" in html and "100±5" in html


def test_batch_and_library_tables_use_the_method_labels():
    from perfeval.batch.report import _OP_ZH

    assert _OP_ZH["tolerance"] == "区间（含容差）" and _OP_ZH[">="] == "≥" and "qualitative" not in _OP_ZH
    assert methods.label("qualitative") == "定性" and methods.label("unknown") == "unknown"


def test_output_formats_come_from_one_registry(write):
    assert FORM_FORMATS == ("html", "md", "xlsx") and REPORT_FORMATS == ("md", "html", "docx")
    assert formats.get("form", "xlsx").binary and not formats.get("report", "md").binary
    with pytest.raises(ValueError):
        formats.get("form", "pdf")
    r = results(evaluate([write(make_submission([TOL] + _others()))]))
    fmt = formats.OutputFormat("form", "txt-test", ".txt", False, lambda views, **_: "|".join(v["project"]["name"] for v in views))
    formats.register(fmt)
    try:
        assert render_document("form", r, "txt-test") == "测试项目"
        with pytest.raises(ValueError):
            formats.register(fmt)
    finally:
        del formats.FORMATS[("form", "txt-test")]


def test_an_unknown_layout_is_a_profile_error(tmp_path):
    from perfeval.layouts import LAYOUTS
    from perfeval.profile import ProfileError, get_profile

    text = (ROOT / "src" / "perfeval" / "profiles" / "national-2020.yaml").read_text("utf-8")
    bad = tmp_path / "hebei.yaml"
    bad.write_text(text.replace("layout: national", "layout: hebie").replace("name: national-2020", "name: hebie-test"), "utf-8")
    with pytest.raises(ProfileError, match="hebie"):
        get_profile(str(bad))
    assert {get_profile(n).layout for n in ("national-2020", "sichuan", "hubei")} <= set(LAYOUTS)


def test_every_layout_has_its_templates_and_grid():
    from perfeval.layouts import LAYOUTS
    from perfeval.render.xlsx import GRIDS

    templates = ROOT / "src" / "perfeval" / "templates"
    for name, lay in LAYOUTS.items():
        assert (templates / f"_form_{name}.html").is_file() and (templates / f"_form_{name}.md").is_file()
        assert lay.grid_name in GRIDS
