"""JSON Schema of the submission format, generated from ``structure.SPEC``.

Editors (VS Code's YAML extension, JetBrains) use it for completion and
checking: put ``# yaml-language-server: $schema=<path>/submission.schema.json``
on the first line of a submission.  ``perfeval schema`` prints it; the copy in
``schema/submission.schema.json`` is checked against this by a test.
"""

from __future__ import annotations

from typing import Any

from .. import methods
from .structure import SPEC

_DESCRIPTIONS = {
    "perfeval": "格式版本，固定为 1", "profile": "评分规则：national-2020（默认）、sichuan、hubei（规则文件只能用命令行 --profile 指定）",
    "project": "项目信息", "name": "名称", "code": "项目编码", "year": "年度", "department": "主管部门",
    "implementer": "实施单位（默认同主管部门）", "funds": "项目资金", "unit": "金额单位：万元（默认）或 元",
    "sources": "资金来源（其中行）", "initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数",
    "total": "年度资金总额（按表填写，用于核对）", "note": "说明（执行率偏低原因 / 偏差原因分析及改进措施）",
    "claimed_score": "单位自评得分", "goal": "年度总体目标", "target": "预期目标 / 年度指标值",
    "actual": "实际完成情况 / 实际完成值", "indicators": "绩效指标", "ref": "指标库编码",
    "level1": "一级指标", "level2": "二级指标", "weight": "分值", "ratio": "定性指标得分系数（0–1，须在档次区间内）",
    "definition": "计算口径", "claimed_total": "自评总分", "claimed_grade": "自评等级", "narrative": "自评报告文字",
}
_NUM = {"type": ["number", "string"], "pattern": r"^\s*[+-]?\d[\d,]*(\.\d+)?\s*$"}


def _node(tag: Any, key: str | None = None) -> dict:
    if isinstance(tag, dict):
        node = {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: _node(t, k) for k, (t, _) in tag.items()},
        }
        req = [k for k, (_, r) in tag.items() if r]
        if req:
            node["required"] = req
    elif isinstance(tag, list):
        node = {"type": "array", "items": _node(tag[0])}
    else:
        node = {
            "str": {"type": ["string", "number", "null"]},
            "int": {"type": ["integer", "string"]},
            "num": {"anyOf": [_NUM, {"type": "null"}]},
            "text": {"type": ["string", "number", "null"]},
            "target": {"anyOf": [
                {"type": ["string", "number", "null"]},
                {"type": "object", "required": ["value"], "additionalProperties": False,
                 "properties": {"op": {"enum": methods.ops(point=True)}, "value": {"type": "number"},
                                "hi": {"type": "number"}, "unit": {"type": "string"}}},
            ]},
            "any": {},
        }[tag]
    if key in _DESCRIPTIONS:
        node = {"description": _DESCRIPTIONS[key], **node}
    return node


def json_schema() -> dict:
    root = _node(SPEC)
    root["properties"]["perfeval"] = {"description": _DESCRIPTIONS["perfeval"], "const": 1}
    ind = root["properties"]["indicators"]
    ind["minItems"] = 1
    ind["items"]["anyOf"] = [{"required": ["ref"]}, {"required": ["level1", "level2", "name"]}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://perfeval.invalid/schema/submission-v1.json",
        "title": "perfeval 提交文件（项目支出绩效自评）v1",
        **root,
    }
