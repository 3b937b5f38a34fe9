"""``perfeval init --kind department``: a department-wide submission to fill in, for a given profile."""

from __future__ import annotations

import yaml

from .profile import DeptProfile


def _y(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=200)


def scaffold_department(dp: DeptProfile, name: str | None = None, year: int | None = None, budget: float | None = None) -> str:
    head = [
        f"# 部门整体支出绩效自评（{dp.title}）。金额单位：万元。字段说明见 docs/format.md“部门整体支出”。",
        f"# 分值来源：{dp.raw.get('weights_source', 'perfeval-default')}（perfeval profiles 查看；perfeval 默认的分值在每份输出中注明）。",
        "# 年终填写全年执行数和各项数据后运行：perfeval score 本文件",
    ]
    b = budget if budget is not None else 0
    doc: dict = {
        "perfeval": 1, "kind": "department", "profile": dp.name,
        "department": {"name": name or "（部门名称）", "code": None, "year": year or 2025},
        "funds": {
            "unit": "万元",
            "total": {"initial": b, "budget": b, "executed": None},
            "by_nature": [{"name": "基本支出", "initial": None, "budget": None, "executed": None},
                          {"name": "项目支出", "initial": None, "budget": None, "executed": None}],
            "by_source": [{"name": "一般公共预算", "initial": None, "budget": None, "executed": None}],
            "personnel": {"budget": None, "executed": None},
            "public": {"budget": None, "executed": None},
            "carryover": {"begin": 0, "end": None},
            "note": None,
        },
        "goal": {"target": "（年度总体目标）", "actual": None},
        "tasks": [{"name": "（任务名称）", "content": "（主要内容）", "projects": ["（对应项目）"]}],
    }
    figures = {it.figure for it in dp.items}
    if figures & {"staff_control"}:
        doc["staff"] = {"authorized": None, "in_post": None, "temporary": None}
    if figures & {"three_public_change", "three_public_control"}:
        doc["three_public"] = {"budget": None, "actual": None, "last_budget": None, "last_actual": None}
    if "procurement_rate" in figures:
        doc["procurement"] = {"budget": None, "actual": None}
    if "fixed_asset_use" in figures:
        doc["assets"] = {"fixed_in_use": None, "fixed_total": None}
    if "key_spending_rate" in figures:
        doc["funds"]["key_projects"] = {"executed": None}
    if "target_coverage" in figures:
        doc["management"] = {"projects": None, "with_targets": None, "monitored": None, "self_evaluated": None}
    if figures & {"warnings_handled", "checkpoints_met"}:
        doc["monitoring"] = {"warnings": None, "handled": None, "checkpoints": []}
    if "violations" in figures:
        doc["violations"] = None
    fw = {}
    for it in dp.items:
        if it.input == "judgement":
            fw[it.name] = {"score": None, "note": None}
        elif it.input == "checks":
            fw[it.name] = {"checks": []}
        elif it.input == "cases":
            fw[it.name] = {"cases": None}
        elif it.input == "tier":
            fw[it.name] = {"tier": None}
    if fw:
        doc["framework"] = fw
    if dp.family == "target" or any(it.input == "own_indicators" for it in dp.items):
        doc["indicators"] = [
            {"level1": "产出指标", "level2": "数量指标", "name": "（三级指标）", "target": "≥（数量）（单位）", "actual": None},
            {"level1": "产出指标", "level2": "质量指标", "name": "（三级指标）", "target": "≥95%", "actual": None},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "（三级指标）", "target": "（定性目标）", "actual": None},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "（三级指标）", "target": "≥90%", "actual": None},
        ]
    if "project_score" in figures or "target_coverage" in figures:
        doc["projects"] = [{"path": "（项目自评文件.yaml）"}]
    doc["claimed_total"] = None
    doc["claimed_grade"] = None
    doc["narrative"] = {"basic": None, "analysis": None, "problems": None, "suggestions": None}
    return "\n".join(head) + "\n" + _y(doc)
