"""Department-wide submissions in a bulk review (``kind: department``).

They are few (one per department and year) and each may link its project files, so they are
recognised from the head of the file, taken out of the project work units and evaluated in the
parent process with :func:`perfeval.department.evaluate_departments`; the summary workbook gets a
部门整体 sheet (one row per department file) and a 部门整体复核问题 sheet, and the same two tables
are written as ``department.csv`` and ``department_issues.csv``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from ..audit.narrative import file_text_issues
from ..declare.load import Limits
from ..issues import ERROR, SEVERITY_ZH, WARNING
from ..readers import head
from ..status import STATUS_SCORED, status_zh
from .inputs import Unit
from .report import INT, MONEY, RATE, SCORE, TEXT, Table

# ``kind: department`` as a top-level key within the first 8 KB (docs/batch.md)
if TYPE_CHECKING:  # the department package pulls in pandera: imported only when a department file is met
    from ..department import DeptEvaluation

_KIND = re.compile(rb"(?m)^kind[ \t]*:[ \t]*['\"]?department['\"]?[ \t]*(?:#[^\r\n]*)?\r?$")


def is_department(unit: Unit) -> bool:
    return unit.kind == "yaml" and bool(_KIND.search(head(unit.path)))


def split_units(units: Iterable[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(project units, department units), each in input order."""
    projects: list[Unit] = []
    depts: list[Unit] = []
    for u in units:
        (depts if is_department(u) else projects).append(u)
    return projects, depts


def evaluate(units: list[Unit], profile: str | None, limits: Limits) -> list["DeptEvaluation"]:
    from ..department import evaluate_departments
    from ..department.profile import applies_to_department

    evs = evaluate_departments([u.path for u in units], profile if applies_to_department(profile) else None, limits)
    for u, ev in zip(units, evs, strict=False):
        ev.file = u.display
        ev.issues += file_text_issues(u.path, u.display, limits)  # the narrative's own numbers (perfeval audit)
    return evs


def money_wan(ex: dict, key: str) -> float | None:
    """An amount of the department's execution block in 万元 (the unit of every summary and of the store)."""
    v = ex.get(key)
    return None if v is None else v * (1.0 if (ex.get("unit") or "万元") == "万元" else 1e-4)


def department_table(evs: list["DeptEvaluation"]) -> Table:
    spec = [("文件", TEXT, 40), ("部门", TEXT, 24), ("年度", INT, 6), ("评分规则", TEXT, 22), ("分值来源", TEXT, 16),
            ("状态", TEXT, 8), ("总分", SCORE, 8), ("等级", TEXT, 6), ("文字等级", TEXT, 8), ("自评总分", SCORE, 9),
            ("自评等级", TEXT, 8), ("自评与复核之差", SCORE, 12), ("预算执行率", RATE, 10), ("全年预算数（万元）", MONEY, 16),
            ("全年执行数（万元）", MONEY, 16), ("关联项目数", INT, 10), ("项目资金加权平均分", SCORE, 16), ("错误数", INT, 8),
            ("警告数", INT, 8), ("主要问题", TEXT, 40)]
    cols: list[list] = [[] for _ in spec]
    for ev in evs:
        r = ev.record
        scored = r["status"] == STATUS_SCORED
        d = r.get("department") or {}
        ex = r.get("execution") or {}
        prof = r.get("profile") or {}
        total, claimed = r.get("total"), r.get("claimed_total")
        codes: dict[str, int] = {}
        for i in ev.issues:
            if i.severity in (ERROR, WARNING):
                codes[i.code] = codes.get(i.code, 0) + 1
        row = [
            ev.file, d.get("name"), d.get("year"), prof.get("title"), prof.get("weights_note"),
            status_zh(r["status"]), total, r.get("grade"), r.get("grade_word"), claimed, r.get("claimed_grade"),
            (claimed - total) if scored and claimed is not None and total is not None else None,
            ex.get("rate"), money_wan(ex, "budget"), money_wan(ex, "executed"),
            len(r.get("projects") or []) if scored else None, (r.get("rollup") or {}).get("fund_weighted_score"),
            sum(i.severity == ERROR for i in ev.issues), sum(i.severity == WARNING for i in ev.issues),
            "、".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(codes.items())[:8]),
        ]
        for c, v in zip(cols, row, strict=False):
            c.append(v)
    return Table("部门整体", [s[0] for s in spec], [s[1] for s in spec], cols, [s[2] for s in spec])


def department_issues_table(evs: list["DeptEvaluation"]) -> Table:
    spec = [("文件", TEXT, 40), ("部门", TEXT, 24), ("行", INT, 6), ("级别", TEXT, 6), ("代码", TEXT, 8), ("指标", TEXT, 24),
            ("问题", TEXT, 80), ("如何修改", TEXT, 60)]
    cols: list[list] = [[] for _ in spec]
    for ev in evs:
        name = (ev.record.get("department") or {}).get("name")
        for i in ev.issues:
            for c, v in zip(cols, [ev.file, name, i.line, SEVERITY_ZH.get(i.severity, i.severity), i.code, i.indicator, i.message, i.hint], strict=False):
                c.append(v)
    return Table("部门整体复核问题", [s[0] for s in spec], [s[1] for s in spec], cols, [s[2] for s in spec])
