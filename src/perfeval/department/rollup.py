"""Roll-up of a department's project self-evaluations (rules doc §4): information, never the total.

``projects:`` in a department file lists its projects by ``path`` (a project submission, scored with
the project pipeline) or as inline facts (``name``, ``code``, ``budget``, ``executed``, ``total``).
The fund-weighted mean project score Σ(全年预算ᵢ × 总分ᵢ) / Σ全年预算ᵢ is reported with its coverage
(money scored / the department's 项目支出, else its total); the 8-item profile feeds it into 目标实现.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..declare.structure import as_number
from ..pipeline import evaluate, results

SUFFIXES = (".yaml", ".yml")


def _link_problem(base: Path, raw: str) -> tuple[Path | None, str | None]:
    """A linked path: relative, YAML, inside the department file's folder or its parent (docs/security.md)."""
    p = Path(raw)
    if p.is_absolute():
        return None, "只能写相对于部门文件所在目录的相对路径"
    if p.suffix.lower() not in SUFFIXES:
        return None, "只能关联 .yaml/.yml 项目提交文件"
    root = base.parent.resolve()
    target = (base / p).resolve()
    if root != target and root not in target.parents:
        return None, "路径超出部门文件所在目录及其上一级目录"
    if not target.is_file():
        return None, "文件不存在"
    return target, None


def roll_up(ld: Loaded, limits: Limits = DEFAULT_LIMITS) -> tuple[dict, list[tuple[str, tuple, dict]]]:
    """(roll-up record, problems as (code, key path, params)) for ``ld.data['projects']``."""
    entries = ld.data.get("projects") or []
    base = Path(ld.file).resolve().parent
    items: list[dict[str, Any]] = []
    problems: list[tuple[str, tuple, dict]] = []
    to_score: list[tuple[int, Path, str]] = []
    for k, e in enumerate(entries):
        if not isinstance(e, dict):
            continue
        item: dict[str, Any] = {
            "name": e.get("name"), "code": None if e.get("code") is None else str(e.get("code")),
            "file": e.get("path"), "source": "file" if e.get("path") else "inline",
            "budget": as_number(e.get("budget")), "executed": as_number(e.get("executed")),
            "total": as_number(e.get("total")), "grade": None, "status": "given",
            "has_targets": bool(e.get("has_targets")) if e.get("has_targets") is not None else None,
        }
        items.append(item)
        if e.get("path"):
            target, why = _link_problem(base, str(e["path"]))
            if target is None:
                item["status"] = "missing"
                problems.append(("PE918", ("projects", k, "path"), {"project": e.get("name") or e["path"], "reason": why}))
            else:
                to_score.append((len(items) - 1, target, str(e["path"])))
        elif item["total"] is None:
            item["status"] = "unscored"
    if to_score:
        ev = evaluate([str(t) for _, t, _ in to_score], limits=limits)
        for (idx, _, shown), r in zip(to_score, results(ev), strict=False):
            item = items[idx]
            k = idx
            if r["status"] != "scored":
                item["status"] = "rejected"
                codes = sorted({i["code"] for i in r["issues"] if i["severity"] == "error"})
                problems.append(("PE918", ("projects", k, "path"), {"project": item["name"] or shown, "reason": "项目文件有错误 " + "、".join(codes)}))
                continue
            p, ex = r["project"], r["execution"]
            item.update({
                "name": item["name"] or p["name"], "code": item["code"] or p["code"], "status": "scored",
                "budget": ex["budget"], "executed": ex["executed"], "rate": ex["rate"], "total": r["total"], "grade": r["grade"],
                "has_targets": bool(r["indicators"]), "n_issues": len(r["issues"]),
            })
    for it in items:
        if it.get("rate") is None and it["budget"] and it["executed"] is not None:
            it["rate"] = it["executed"] / it["budget"]
    scored = [it for it in items if it["total"] is not None and it["budget"] is not None]
    money = sum(it["budget"] for it in scored)
    dept_project = None
    for row in ld.data.get("funds", {}).get("by_nature") or []:
        if isinstance(row, dict) and str(row.get("name") or "").strip() == "项目支出":
            dept_project = as_number(row.get("budget")) if as_number(row.get("budget")) is not None else as_number(row.get("executed"))
    base_money = dept_project if dept_project else as_number((ld.data.get("funds", {}).get("total") or {}).get("budget"))
    rec = {
        "items": items,
        "n": len(items),
        "n_scored": len(scored),
        "fund_weighted_score": (sum(it["budget"] * it["total"] for it in scored) / money) if money > 0 else
                               (sum(it["total"] for it in scored) / len(scored) if scored else None),
        "simple_mean": sum(it["total"] for it in scored) / len(scored) if scored else None,
        "scored_budget": money if scored else None,
        "coverage": (money / base_money) if scored and base_money else None,
        "coverage_base": "项目支出" if dept_project else "年度资金总额",
        "note": "按项目全年预算加权的项目自评得分，仅作信息，不计入部门总分（8 项规则的“目标实现”除外）",
    }
    return rec, problems
