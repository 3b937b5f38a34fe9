"""Department-wide self-evaluation (部门整体支出绩效自评): ``kind: department`` submissions.

    from perfeval.department import evaluate_departments
    [ev] = evaluate_departments(["examples/department/西区总工会-2024.yaml"])
    ev.record["total"], ev.record["grade_word"], [i.code for i in ev.issues]

Layers: ``declare.department`` (structure), ``scoring.rubrics`` (rubric kinds), this package
(profiles, figures, roll-up, scoring, findings, result records); renderers read the records.
"""

from __future__ import annotations

from .evaluate import DeptEvaluation, evaluate_departments, evaluate_loaded
from .profile import DEFAULT_DEPT_PROFILE, DeptProfile, get_dept_profile, packaged_dept_profiles

__all__ = ["DEFAULT_DEPT_PROFILE", "DeptEvaluation", "DeptProfile", "evaluate_departments", "evaluate_loaded",
           "get_dept_profile", "packaged_dept_profiles"]
