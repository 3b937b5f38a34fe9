"""``perfeval validate``, ``perfeval score`` and ``perfeval profiles``."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape
from rich.table import Table

from ..declare.load import Limits
from ..issues import ERROR, SEVERITY_ZH, Issue
from ..numbers import fmt, pct
from ..pipeline import evaluate_documents, results
from ..profile import ProfileError, get_profile, packaged_profiles
from .app import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, console, main

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def limits_options(fn):
    fn = click.option("--max-bytes", type=click.IntRange(1), default=Limits.max_bytes, show_default=True, help="单个文件大小上限（字节）")(fn)
    fn = click.option("--max-aliases", type=click.IntRange(0), default=Limits.max_aliases, show_default=True, help="YAML 别名数量上限")(fn)
    return fn


def profile_option(fn):
    return click.option("--profile", "-p", "profile", default=None, metavar="NAME|PATH",
                        help="评分规则：内置名称（national-2020、sichuan、hubei）或规则文件路径；默认取文件中的 profile")(fn)


def bare_fraction_option(fn):
    return click.option("--bare-fraction", type=click.Choice(["fraction", "percent"]), default=None,
                        help="百分数目标的实际值只写了 ≤1 的数字（如 0.96）时：fraction 按比例（96%），percent 按百分数（0.96%）；默认取评分规则的 bare_fraction")(fn)


def check_profile(profile: str | None) -> None:
    if profile is None:
        return
    try:
        get_profile(profile)
    except ProfileError as e:
        console(stderr=True).print(f"[bold red]错误 PE204[/] {e}")
        sys.exit(EXIT_USAGE)


def print_issues(issues: list[Issue], stderr: bool = False) -> None:
    con = console(stderr)
    for i in issues:
        loc = str(i.location) if i.line or i.sheet or i.column else (i.file or "")
        ind = escape(f"[{i.indicator}] ") if i.indicator else ""
        con.print(f"{escape(loc)}: [{_SEV_STYLE.get(i.severity, '')}]{SEVERITY_ZH[i.severity]} {i.code}[/] {ind}{escape(i.message)}")
        if i.hint:
            con.print(f"    [dim]如何修改：{escape(i.hint)}[/]")


def emit_issues(issues: list[Issue], fmt_: str, what: str, verdict: str = "") -> None:
    """Issues as JSON, or as lines followed by a one-line count ("{what}：n 个错误，m 个警告/提示。")."""
    if fmt_ == "json":
        click.echo(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
        return
    print_issues(issues)
    n_err = sum(i.severity == ERROR for i in issues)
    console().print(escape(f"{what}：{n_err} 个错误，{len(issues) - n_err} 个警告/提示。{verdict}"))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@profile_option
@limits_options
@bare_fraction_option
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式")
def validate(files, profile, max_bytes, max_aliases, bare_fraction, fmt_):
    """校验提交文件：结构、类型、取值、单位是否可比（不评分）。

    退出码：0 无错误；1 发现错误；2 用法错误。
    """
    from .department import dept_profile_for, split_kinds

    limits = Limits(max_bytes=max_bytes, max_aliases=max_aliases)
    _, depts, others = split_kinds(list(files), limits, dept_profile_for(profile))
    if others or not depts:
        check_profile(profile)
    ev = evaluate_documents(others, profile=profile, scoring=False, bare_fraction=bare_fraction)
    issues = ev.issues + [i for d in depts.values() for i in d.issues]
    emit_issues(issues, fmt_, f"共检查 {len(files)} 个文件")
    sys.exit(EXIT_PROBLEMS if ev.has_errors or any(d.has_errors for d in depts.values()) else EXIT_OK)


def total_text(r: dict) -> str:
    """总分 and 等级 as printed: a rescaled total says 折算, a refused grade says so (never a grade above 100)."""
    if r.get("grade_refused"):
        return f"总分 不予计算（分值合计 {fmt(r['weight_basis'])}，不等于 100）  等级 不予定级"
    text = f"总分 {fmt(r['total'])}  等级 {r['grade']}"
    if r.get("rescaled"):
        text += f"    （分值合计 {fmt(r['weight_basis'])}，按百分制折算：{fmt(r['raw_total'])} ÷ {fmt(r['weight_basis'])} × 100）"
    return text


def _explain(r: dict) -> None:
    con = console()
    con.print("\n[bold]计分依据[/]")
    con.print(escape(f"  预算执行率：{r['execution']['explain']}"))
    for i in r["indicators"]:
        con.print(escape(f"  {i['name']}：{i['explain']}"))
    con.print(escape(f"  {total_text(r)}"))


def _table(r: dict) -> None:
    con = console()
    p, ex = r["project"], r["execution"]
    claims = ex["claimed_score"] is not None or r["claimed_total"] is not None or any(i["claimed_score"] is not None for i in r["indicators"])
    con.print(f"\n[bold]项目支出绩效自评表（{p['year']}年度）[/]  评分规则：{escape(r['profile']['title'])}")
    con.print(escape(f"项目名称：{p['name']}    主管部门：{p['department']}    实施单位：{p['implementer']}"))
    t = Table(title=f"项目资金（{ex['unit']}）", show_lines=False)
    for h in ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分") + (("自评得分",) if claims else ()):
        t.add_column(h, justify="right" if h else "left")
    t.add_row("年度资金总额", fmt(ex["initial"]), fmt(ex["budget"]), fmt(ex["executed"]), fmt(ex["weight"]), pct(ex["rate"]),
              fmt(ex["score"]), *((fmt(ex["claimed_score"]),) if claims else ()))
    for k, s in enumerate(ex["sources"]):
        t.add_row(escape(("  其中：" if k == 0 else "        ") + (s["name"] or "")), fmt(s["initial"]), fmt(s["budget"]), fmt(s["executed"]), "-",
                  pct(s["rate"]), "-", *(("",) if claims else ()))
    con.print(t)
    t = Table(title="绩效指标")
    for h in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成率", "分值", "得分") + (("自评得分",) if claims else ()):
        t.add_column(h, justify="right" if h in ("完成率", "分值", "得分", "自评得分") else "left", overflow="fold")
    prev = (None, None)
    for i in r["indicators"]:
        l1 = i["level1"] if i["level1"] != prev[0] else ""
        l2 = i["level2"] if (i["level1"], i["level2"]) != prev else ""
        prev = (i["level1"], i["level2"])
        claimed = fmt(i["claimed_score"])
        if i["claimed_score"] is not None and i["score"] is not None and abs(i["claimed_score"] - i["score"]) > 0.005:
            claimed = f"[bold red]{claimed}[/]"
        t.add_row(escape(l1), escape(l2), escape(i["name"]), escape(i["target"] or ""), escape(i["actual"] or ""), pct(i["completion"]),
                  fmt(i["weight"]) if i["kind"] != "na" else "/", fmt(i["score"]) if i["scorable"] else "[red]无法评分[/]",
                  *((claimed,) if claims else ()))
    label = "总分（折算）" if r.get("rescaled") else "总分"
    t.add_row(label, "", "", "", "", "", fmt(r["weight_basis"] if r.get("weight_basis") is not None else 100), f"[bold]{fmt(r['total'])}[/]",
              *((fmt(r["claimed_total"]),) if claims else ()))
    con.print(t)
    con.print(escape(total_text(r)) + escape(f"    （自评总分 {fmt(r['claimed_total'])}，自评等级 {r['claimed_grade'] or '—'}）" if r["claimed_total"] is not None else ""))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@profile_option
@limits_options
@bare_fraction_option
@click.option("--explain", is_flag=True, help="逐项写出得分的计算过程（规则和数字）")
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True, help="输出格式")
@click.option("--db", "db", default=None, type=click.Path(dir_okay=False),
              help="结果库（perfeval batch --db 写出的文件）：与上年对比（上年总分、变化、连续出现的问题、目标低于上年实际）")
def score(files, profile, max_bytes, max_aliases, bare_fraction, explain, fmt_, db):
    """按规则评分并复核：执行率、完成率、得分、总分、等级，以及与自评得分的差异。

    退出码：0 无错误；1 有文件被拒绝或存在错误；2 用法错误。
    """
    from .department import dept_profile_for, print_department, split_kinds

    limits = Limits(max_bytes=max_bytes, max_aliases=max_aliases)
    docs, depts, others = split_kinds(list(files), limits, dept_profile_for(profile))
    if others or not depts:
        check_profile(profile)
    ev = evaluate_documents(others, profile=profile, bare_fraction=bare_fraction)
    prev: dict[int, dict] = {}
    if db is not None:
        from .history import with_history

        prev = with_history(ev, db)
    project_res = iter(results(ev))
    proj_sub: dict[int, int] = {}
    for k in range(len(docs)):
        if k not in depts:
            proj_sub[k] = len(proj_sub)
    res = [depts[k].record if k in depts else next(project_res) for k in range(len(docs))]
    if db is not None:
        for k, sub in proj_sub.items():
            if res[k]["status"] == "scored":
                res[k]["previous"] = prev.get(sub)  # null: the store has no record of the year before
    if fmt_ == "json":
        click.echo(json.dumps(res if len(res) > 1 else res[0], ensure_ascii=False, indent=2))
    else:
        for k, r in enumerate(res):
            if r["status"] == "scored":
                if k in depts:
                    print_department(r)
                else:
                    _table(r)
                    if explain:
                        _explain(r)
            else:
                console().print(f"\n[bold red]{escape(r['file'])}：未能评分（已拒绝）[/]")
            print_issues(depts[k].issues if k in depts else ev.issues_of(proj_sub[k]))
    failed = ev.has_errors or any(d.has_errors for d in depts.values())
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@main.command()
def profiles():
    """列出内置评分规则。"""
    t = Table(title="内置评分规则（profile）")
    for h in ("名称", "说明", "执行率", "一级指标分值", "等级"):
        t.add_column(h)
    for name in packaged_profiles():
        p = get_profile(name)
        t.add_row(name, p.title, f"{p.exec_weight:g}", "；".join(f"{g.name} {g.weight:g}" for g in p.groups),
                  " ".join(f"{n}≥{lo:g}" for n, lo in p.grades))
    console().print(t)
    from ..department import get_dept_profile, packaged_dept_profiles

    t = Table(title="部门整体规则（kind: department）")
    for h in ("名称", "说明", "类型", "一级指标分值", "分值来源"):
        t.add_column(h)
    for name in packaged_dept_profiles():
        d = get_dept_profile(name)
        if d.family == "target":
            parts = f"执行率 {d.exec_weight:g}；绩效指标 {d.indicator_weight:g}"
        else:
            l1: dict[str, float] = {}
            for it in d.items:
                l1[it.level1] = l1.get(it.level1, 0) + it.weight
            parts = "；".join(f"{k} {v:g}" for k, v in l1.items())
        t.add_row(name, d.title, "目标式" if d.family == "target" else "评分表", parts, d.weights_source)
    console().print(t)


@main.command()
def schema():
    """输出提交文件的 JSON Schema（供编辑器自动补全和检查）。"""
    from ..declare.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
