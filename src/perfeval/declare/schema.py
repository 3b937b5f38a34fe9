"""JSON Schema of the submission format, generated from ``structure.SPEC``.

Editors (VS Code's YAML extension, JetBrains) use it for completion and
checking: put ``# yaml-language-server: $schema=<path>/submission.schema.json``
on the first line of a submission.  ``perfeval schema`` prints it; the copy in
``schema/submission.schema.json`` is checked against this by a test.
"""

from __future__ import annotations

from typing import Any

from .. import methods
from .department import DEPT_SPEC, FRAMEWORK_ENTRY
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
    "kind": "提交类型：project（项目支出，默认）或 department（部门整体支出）",
    "by_nature": "其中：按支出性质（基本支出 / 项目支出），只作信息", "by_source": "其中：按资金性质（一般公共预算 / 政府性基金预算 …），只作信息",
    "personnel": "人员经费", "public": "公用经费", "key_projects": "重点项目支出", "adjustment": "本年追加（调整）预算",
    "carryover": "结转结余：begin 年初，end 年末", "staff": "人员：编制数、在职人数、临聘、退休",
    "three_public": "“三公”经费：本年与上年的预算数、决算数", "procurement": "政府采购：预算与实际", "assets": "固定资产：在用与全部",
    "management": "绩效管理：项目数、编制绩效目标、开展监控、开展自评的项目数", "monitoring": "绩效监控：预警、及时处置、序时进度节点",
    "violations": "审计、财政检查发现的违规问题数", "final_accounts": "决算报表与说明中印出的数字（用于核对）",
    "tasks": "年度主要任务（任务名称、主要内容、对应项目）", "classes": "按项目类别（人员类 / 运转类 / 特定目标类）的分析",
    "framework": "框架式评分表各行的评分依据（键为三级指标名称）", "projects": "部门的项目（项目自评文件路径，或项目得分）",
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


def _project_schema() -> dict:
    root = _node(SPEC)
    root["properties"]["perfeval"] = {"description": _DESCRIPTIONS["perfeval"], "const": 1}
    root["properties"]["kind"] = {"description": _DESCRIPTIONS["kind"], "const": "project"}
    ind = root["properties"]["indicators"]
    ind["minItems"] = 1
    ind["items"]["anyOf"] = [{"required": ["ref"]}, {"required": ["level1", "level2", "name"]}]
    return root


def _department_schema() -> dict:
    root = _node(DEPT_SPEC)
    root["properties"]["perfeval"] = {"description": _DESCRIPTIONS["perfeval"], "const": 1}
    root["properties"]["kind"] = {"description": _DESCRIPTIONS["kind"], "const": "department"}
    root["properties"]["framework"] = {"description": _DESCRIPTIONS["framework"], "type": "object",
                                       "additionalProperties": _node(FRAMEWORK_ENTRY)}
    root["properties"]["indicators"]["items"]["anyOf"] = [{"required": ["ref"]}, {"required": ["level1", "level2", "name"]}]
    return root


def json_schema() -> dict:
    """Projects (the default kind) and department-wide submissions (``kind: department``), chosen by ``kind``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://perfeval.invalid/schema/submission-v1.json",
        "title": "perfeval 提交文件 v1（项目支出绩效自评；kind: department 为部门整体支出绩效自评）",
        "if": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "department"}}},
        "then": _department_schema(),
        "else": _project_schema(),
    }
