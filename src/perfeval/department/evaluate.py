"""Evaluate department-wide submissions: check → roll up projects → score → review → result record.

The record keeps the project JSON contract's keys (``execution``, ``indicators``, ``total``, ``grade``,
``claimed_total``, ``issues``) and adds ``kind: "department"``, ``department``, ``projects`` and
``rollup``; framework rows carry the ``figure`` they were computed from and their ``rubric``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..declare.department import check_department_structure
from ..declare.load import DEFAULT_LIMITS, Limits, Loaded, load_path
from ..declare.structure import as_number
from ..issues import ERROR, Issue, make_issue, sort_issues
from ..numbers import dec
from ..profile import ProfileError
from .figures import Facts
from .findings import Ctx, run_findings
from .profile import DEFAULT_DEPT_PROFILE, WEIGHT_SOURCES, get_dept_profile, packaged_dept_profiles
from .rollup import roll_up
from .score import SCORERS, r2


@dataclass
class DeptEvaluation:
    file: str
    record: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == ERROR for i in self.issues)


def _reject(ld: Loaded) -> DeptEvaluation:
    issues = sort_issues(ld.issues)
    return DeptEvaluation(ld.file, {"file": ld.file, "status": "rejected", "kind": "department", "issues": [i.to_dict() for i in issues]}, issues)


def evaluate_loaded(ld: Loaded, profile: str | None = None, limits: Limits = DEFAULT_LIMITS) -> DeptEvaluation:
    """One loaded department file (``ld.data`` is a mapping with ``kind: department``)."""
    if ld.data is None:
        return _reject(ld)
    ld.issues.extend(check_department_structure(ld))
    name = str(profile or ld.data.get("profile") or DEFAULT_DEPT_PROFILE)
    available = "、".join(packaged_dept_profiles())
    dp = None
    if not profile and name not in packaged_dept_profiles():
        ld.issues.append(ld.issue("PE901", ("profile",), profile=name, available=available))
    else:
        try:
            dp = get_dept_profile(name)
        except ProfileError:
            ld.issues.append(ld.issue("PE901", ("profile",), profile=name, available=available))
    if dp is not None and dp.family == "target" and not ld.data.get("indicators"):
        ld.issues.append(ld.issue("PE205", ("indicators",)))
    if not ld.ok or dp is None:
        return _reject(ld)
    try:
        return _score(ld, dp, limits)
    except Exception as e:  # noqa: BLE001 - a bug must cost one file, never the batch
        ld.issues.append(make_issue("PE502", file=ld.file, reason=f"{type(e).__name__}: {e}"))
        return _reject(ld)


def _score(ld: Loaded, dp, limits: Limits) -> DeptEvaluation:
    rollup, problems = roll_up(ld, limits)
    issues = list(ld.issues)
    issues += [ld.issue(code, path, **params) for code, path, params in problems]
    facts = Facts(ld.data, rollup, dp.three_public_base)
    sc = SCORERS[dp.family](ld, dp, facts)
    issues += sc.issues
    total = float(dec(min(sc.total, 100.0), 2))
    grade, word = dp.grade(total)
    issues += run_findings(Ctx(ld, dp, facts, sc, rollup, total, grade))
    issues = sort_issues(list(dict.fromkeys(issues)))
    d = ld.data
    dept = d.get("department") or {}
    ct = as_number(d.get("claimed_total"))
    rec = {
        "file": ld.file, "status": "scored", "kind": "department",
        "department": {"name": dept.get("name"), "code": None if dept.get("code") is None else str(dept.get("code")),
                       "year": int(as_number(dept.get("year")) or 0) or None, "supervisor": dept.get("supervisor")},
        "profile": {"name": dp.name, "title": dp.title, "family": dp.family, "layout": "department-" + dp.family,
                    "weights_source": dp.weights_source, "weights_note": WEIGHT_SOURCES[dp.weights_source],
                    "not_applicable": dp.not_applicable, "sources": dp.sources},
        "execution": sc.execution,
        "goal": {"target": (d.get("goal") or {}).get("target"), "actual": (d.get("goal") or {}).get("actual")},
        "tasks": [t for t in d.get("tasks") or [] if isinstance(t, dict)],
        "classes": [c for c in d.get("classes") or [] if isinstance(c, dict)],
        "indicators": sc.rows,
        "total": total,
        "na_factor": round(sc.na_factor, 6) if sc.na_factor != 1.0 else None,
        "grade": grade,
        "grade_word": word,
        "claimed_total": r2(ct) if ct is not None else None,
        "claimed_grade": None if d.get("claimed_grade") is None else str(d.get("claimed_grade")),
        "projects": rollup["items"],
        "rollup": {k: v for k, v in rollup.items() if k != "items"},
        "figures": _figures(d, facts),
        "narrative": d.get("narrative") or {},
        "issues": [i.to_dict() for i in issues],
    }
    return DeptEvaluation(ld.file, rec, issues)


def _figures(d: dict, facts: Facts) -> dict[str, Any]:
    """The department's reported figures as numbers (for the report and the batch sheet)."""
    def n(*p: Any) -> float | None:
        return facts.num(*p)

    return {
        "unit": (d.get("funds") or {}).get("unit") or "万元",
        "basic": facts.nature("基本支出"), "project": facts.nature("项目支出"),
        "personnel": n("funds", "personnel", "executed"), "public": n("funds", "public", "executed"),
        "carryover_begin": n("funds", "carryover", "begin"), "carryover_end": n("funds", "carryover", "end"),
        "three_public": {k: n("three_public", k) for k in ("budget", "actual", "last_budget", "last_actual")},
        "procurement": {k: n("procurement", k) for k in ("budget", "actual")},
        "staff": {k: n("staff", k) for k in ("authorized", "in_post", "temporary", "retired")},
        "management": {k: n("management", k) for k in ("projects", "with_targets", "monitored", "self_evaluated")},
    }


def evaluate_departments(paths: Iterable[str], profile: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[DeptEvaluation]:
    return [evaluate_loaded(load_path(p, limits), profile, limits) for p in paths]
