"""Structure of a department-wide submission (``kind: department``, 部门整体支出绩效自评).

The same checker as projects (``structure._check_map``: missing keys, wrong types, misspelt keys with
their line) over :data:`DEPT_SPEC`.  ``framework`` is keyed by the 三级指标 names of the profile, so
its entries are checked one by one against :data:`FRAMEWORK_ENTRY`.  The JSON Schema for
department files is generated from the same spec (``declare/schema.py``).
"""

from __future__ import annotations

from typing import Any

from .load import Loaded
from .structure import SPEC, YEAR_RANGE, _check_map, _check_value, _dotted, as_number, show

KINDS = ("project", "department")
_ROW = {"initial": ("num", False), "budget": ("num", False), "executed": ("num", False)}
_NAMED_ROW = {"name": ("str", True), **_ROW, "claimed_score": ("num", False)}
FRAMEWORK_ENTRY: dict[str, Any] = {
    "score": ("num", False),          # the assessor's score (judgement rows) or the claimed score
    "claimed_score": ("num", False),  # the department's own score for a computed row
    "checks": (["any"], False),       # checklist: one yes/no per item, in the profile's order
    "cases": ("num", False),          # deduct_per_case: number of cases found
    "tier": ("str", False),           # qualitative_3tier: 达成 / 部分达成 / 未达成
    "value": ("num", False),          # a figure given directly (rate as a fraction or a percentage)
    "not_applicable": ("any", False), # true: the row does not apply (reason in note)
    "note": ("str", False),
}
DEPT_SPEC: dict[str, Any] = {
    "perfeval": ("int", True),
    "kind": ("str", True),
    "profile": ("str", False),
    "department": ({
        "name": ("str", True),
        "code": ("text", False),
        "year": ("int", True),
        "supervisor": ("str", False),  # 主管部门
        "contact": ("str", False),
    }, True),
    "funds": ({
        "unit": ("str", False),
        "total": (_ROW, True),                    # 年度资金总额: 年初预算数 / 全年预算数 / 全年执行数
        "by_nature": ([_NAMED_ROW], False),       # 基本支出 / 项目支出 (informational sub-rows)
        "by_source": ([_NAMED_ROW], False),       # 一般公共预算 / 政府性基金预算 / … (informational)
        "personnel": (_ROW, False),               # 人员经费
        "public": (_ROW, False),                  # 公用经费
        "key_projects": (_ROW, False),            # 重点项目支出
        "adjustment": ("num", False),             # 本年追加（调整）预算；默认 全年预算 − 年初预算
        "carryover": ({"begin": ("num", False), "end": ("num", False)}, False),  # 年初 / 年末结转结余
        "note": ("str", False),
        "claimed_score": ("num", False),
    }, True),
    "staff": ({
        "authorized": ("num", False),  # 编制数
        "in_post": ("num", False),     # 在职人数（编制内）
        "temporary": ("num", False),   # 临聘人员
        "retired": ("num", False),
    }, False),
    "three_public": ({
        "budget": ("num", False), "actual": ("num", False),
        "last_budget": ("num", False), "last_actual": ("num", False),
    }, False),
    "procurement": ({"budget": ("num", False), "actual": ("num", False)}, False),
    "assets": ({"fixed_in_use": ("num", False), "fixed_total": ("num", False)}, False),  # 在用 / 全部固定资产
    "management": ({
        "projects": ("num", False),          # 项目个数
        "with_targets": ("num", False),      # 编制了绩效目标的项目
        "monitored": ("num", False),         # 开展绩效监控的项目
        "self_evaluated": ("num", False),    # 开展绩效自评的项目
        "department_target": ("any", False), # 有部门整体绩效目标
    }, False),
    "monitoring": ({
        "warnings": ("num", False),          # 监控预警次数
        "handled": ("num", False),           # 10 个工作日内处置的预警
        "checkpoints": (["num"], False),     # 1–4月、1–6月、1–8月、1–10月 累计执行率
    }, False),
    "violations": ("num", False),            # 审计、财政检查发现的违规问题数
    "final_accounts": ({
        "figures": ([{"item": ("str", True), "value": ("num", True), "where": ("str", False)}], False),
        "shares": ([{
            "item": ("str", True), "value": ("num", False), "base": ("text", False),
            "printed": ("text", True), "where": ("str", False),
        }], False),
        "by_source": ([{"name": ("str", True), "income": ("num", False), "spending": ("num", False)}], False),
    }, False),
    "tasks": ([{"name": ("str", True), "content": ("str", False), "projects": (["str"], False)}], False),
    "goal": ({"target": ("str", False), "actual": ("str", False)}, False),
    "classes": ([{"name": ("str", True), "analysis": ("str", False), "amount": ("num", False)}], False),
    "indicators": (SPEC["indicators"][0], False),  # the same rows as projects
    "framework": ("any", False),
    "projects": ([{
        "path": ("str", False), "code": ("text", False), "name": ("str", False),
        "budget": ("num", False), "executed": ("num", False), "total": ("num", False),
        "has_targets": ("any", False),
    }], False),
    "claimed_total": ("num", False),
    "claimed_grade": ("str", False),
    "narrative": ({
        "basic": ("str", False), "funds": ("str", False), "analysis": ("str", False),
        "conclusion": ("str", False), "problems": ("str", False), "suggestions": ("str", False),
    }, False),
}


def kind_of(data: Any) -> str:
    """``department`` or ``project`` (the default); anything else is returned as written."""
    if not isinstance(data, dict) or data.get("kind") is None:
        return "project"
    return str(data.get("kind"))


def check_department_structure(ld: Loaded) -> list:
    out: list = []
    data = ld.data
    version = data.get("perfeval")
    if version is not None and version != 1:
        out.append(ld.issue("PE203", ("perfeval",), version=show(version)))
    _check_map(ld, DEPT_SPEC, data, (), out)
    dept = data.get("department")
    if isinstance(dept, dict) and as_number(dept.get("year")) is not None:
        y = as_number(dept.get("year"))
        if not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
            out.append(ld.issue("PE201", ("department", "year"), field="department.year",
                                expected=f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份", actual=show(dept.get("year"))))
    funds = data.get("funds")
    if isinstance(funds, dict) and funds.get("unit") not in (None, "万元", "元"):
        out.append(ld.issue("PE201", ("funds", "unit"), field="funds.unit", expected="“万元”或“元”", actual=show(funds.get("unit"))))
    if isinstance(funds, dict) and isinstance(funds.get("total"), dict) and as_number(funds["total"].get("executed")) is None \
            and funds["total"].get("executed") is None:
        out.append(ld.issue("PE200", ("funds", "total"), field="funds.total.executed"))
    fw = data.get("framework")
    if fw is not None:
        if not isinstance(fw, dict):
            out.append(ld.issue("PE201", ("framework",), field="framework", expected="键值映射（三级指标名称 → 评分依据）", actual=type(fw).__name__))
        else:
            for key, entry in fw.items():
                path = ("framework", key)
                if not isinstance(entry, dict):
                    out.append(ld.issue("PE201", path, field=_dotted(path), expected="键值映射", actual="文本或数字"))
                    continue
                _check_value(ld, FRAMEWORK_ENTRY, entry, path, out)
    return out
