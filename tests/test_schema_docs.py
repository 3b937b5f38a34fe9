"""The JSON Schema for editors and the error-code reference stay true."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from conftest import EXAMPLES, ROOT
from perfeval.declare.schema import json_schema
from perfeval.issues import CODES


def test_shipped_schema_is_current():
    shipped = json.loads((ROOT / "schema" / "submission.schema.json").read_text("utf-8"))
    assert shipped == json_schema(), "regenerate with: perfeval schema > schema/submission.schema.json"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_validate_against_schema(example):
    jsonschema.validate(yaml.safe_load(example.read_text("utf-8")), json_schema())


def test_schema_rejects_a_misspelt_key():
    data = yaml.safe_load((EXAMPLES / "seed-corrected.yaml").read_text("utf-8"))
    data["project"]["departmnt"] = data["project"].pop("department")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "errors.md").read_text("utf-8")
    documented = set(re.findall(r"^\| (PE\d{3}) \|", doc, re.M))
    assert set(CODES) <= documented, sorted(set(CODES) - documented)
    for code in CODES.values():
        assert code.title in doc
