"""``perfeval history``: a project's results over the years, from the results store."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape
from rich.table import Table

from ..numbers import dec, fmt, pct
from ..status import status_code, status_zh
from ..store import StoreError, open_store
from .app import EXIT_OK, EXIT_USAGE, console, main


def _r(x: float | None) -> float | None:
    v = dec(x, 2) if x is not None else None
    return None if v is None else float(v)


def records(frame, departments=None) -> list[dict]:
    """One JSON record per project-year and per department-year (``kind``), oldest first (docs/store.md)."""
    out = []
    for r in frame.iter_rows(named=True):
        out.append({
            "kind": "project", "code": r["code"], "name": r["name"], "department": r["department"], "year": r["year"],
            "status": status_code(r["status"]), "status_zh": status_zh(r["status"]),
            "total": _r(r["total"]), "grade": r["grade"], "claimed_total": _r(r["claimed_total"]),
            "execution_rate": None if r["exec_rate"] is None else round(float(r["exec_rate"]), 6),
            "findings": {"error": r["errors"], "warning": r["warnings"], "info": r["infos"]},
            "source_file": r["source_file"],
        })
    for r in (departments.iter_rows(named=True) if departments is not None and departments.height else ()):
        out.append({
            "kind": "department", "code": r["code"], "name": None, "department": r["name"], "year": r["year"],
            "status": status_code(r["status"]), "status_zh": status_zh(r["status"]),
            "total": _r(r["total"]), "grade": r["grade"], "grade_word": r["grade_word"], "claimed_total": _r(r["claimed_total"]),
            "execution_rate": None if r["exec_rate"] is None else round(float(r["exec_rate"]), 6),
            "findings": {"error": r["errors"], "warning": r["warnings"], "info": r["infos"]},
            "source_file": r["source_file"],
        })
    # by year; within a year the department-wide record first, then its projects as the store orders them
    order = {id(r): k for k, r in enumerate(out)}
    return sorted(out, key=lambda r: (r["year"] or 0, r["kind"] != "department", order[id(r)]))


@main.command()
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="结果库（perfeval batch --db 写出的 DuckDB 文件）")
@click.option("--code", default=None, help="项目编码（精确匹配）")
@click.option("--department", default=None,
              help="主管部门（精确匹配；该部门任一年度的项目都列出全部年度，部门更名不影响；并列出该部门的部门整体自评）")
@click.option("--name", default=None, help="项目名称（包含此文字即匹配）")
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True, help="输出格式")
def history(db, code, department, name, fmt_):
    """历年结果：每个项目每个年度一条记录（总分、等级、自评总分、执行率、问题数），按年度从早到晚。

    部门整体自评（kind: department）每个部门每个年度一条，项目名称一栏写“（部门整体）”；用 --department 或 --code（单位编码）查询。

    结果库不存在时报错（PE714），不会创建文件。退出码：0 成功（包括没有匹配的记录）；2 结果库不存在或无法打开。
    """
    try:
        store = open_store(db)
        try:
            frame = store.history(code=code, department=department, name=name)
            depts = store.department_history(code=code, name=department) if name is None else None
        finally:
            store.close()
    except StoreError as e:
        console(stderr=True).print(f"[bold red]错误 {e.code}[/] {escape(str(e))}")
        sys.exit(EXIT_USAGE)
    recs = records(frame, depts)
    if fmt_ == "json":
        click.echo(json.dumps(recs, ensure_ascii=False, indent=2))
        sys.exit(EXIT_OK)
    con = console()
    if not recs:
        con.print("没有找到匹配的记录。")
        sys.exit(EXIT_OK)
    t = Table(title=f"历年结果（{len(recs)} 条）", title_justify="left")
    for h in ("年度", "项目编码", "项目名称", "主管部门", "状态", "总分", "等级", "自评总分", "执行率", "错误", "警告", "提示"):
        t.add_column(h, justify="right" if h in ("年度", "总分", "自评总分", "执行率", "错误", "警告", "提示") else "left", overflow="fold")
    for r in recs:
        f = r["findings"]
        whole = r["kind"] == "department"
        grade = f"{r['grade']}（{r['grade_word']}）" if whole and r["grade"] and r.get("grade_word") else r["grade"] or ""
        t.add_row(str(r["year"]), escape(r["code"] or ""), "（部门整体）" if whole else escape(r["name"] or ""), escape(r["department"] or ""),
                  escape(r["status_zh"] or ""), fmt(r["total"]), escape(grade), fmt(r["claimed_total"]),
                  pct(r["execution_rate"]), str(f["error"]), str(f["warning"]), str(f["info"]))
    con.print(t)
    sys.exit(EXIT_OK)


def with_history(ev, db: str) -> dict[int, dict]:
    """``score/render --db``: add PE710/PE711/PE719 from the store to ``ev``; returns last year per scored input.

    The store is opened read-only; a missing file is PE714 (exit 2, nothing created).
    """
    import dataclasses

    from ..issues import make_issue, sort_issues
    from ..store.yoy import compare, issues_frame, keyed_projects, previous_records

    n = len(ev.files)
    own = [list(ev.issues_of(sub)) for sub in range(n)]
    try:
        store = open_store(db)
        try:
            found = issues_frame([(sub, i) for sub in range(n) for i in own[sub]])
            keyed = keyed_projects(ev.scored)
            comp = compare(store, keyed, ev.scored, found, ev.files)
            prev = previous_records(ev.scored, keyed, comp)
        finally:
            store.close()
    except StoreError as e:
        console(stderr=True).print(f"[bold red]错误 {e.code}[/] {escape(str(e))}")
        sys.exit(EXIT_USAGE)
    extra = list(comp.issues)
    totals = dict(zip(ev.scored.projects["sub"].to_list(), ev.scored.projects["total"].to_list(), strict=True)) if prev else {}
    for sub, p in prev.items():
        change = p["change"]
        extra.append((sub, make_issue(
            "PE719", year=p["year"], prev_total=fmt(p["total"], empty="—"), prev_grade=p["grade"] or "—",
            total=fmt(totals.get(sub), empty="—"), change="—" if change is None else ("+" if change > 0 else "") + fmt(change),
        )))
    for sub, i in extra:  # on the file as the user knows it (the source of that submission)
        own[sub].append(dataclasses.replace(i, file=ev.source(sub)))
    own = [sort_issues(x) for x in own]
    if ev.by_sub is not None:
        ev.by_sub = own
    ev.issues = sort_issues([i for x in own for i in x])
    ev.by_file = {}
    for sub, x in enumerate(own):  # by_file is keyed by the submission key (Evaluation.files)
        ev.by_file.setdefault(ev.files[sub], []).extend(x)
    return prev
