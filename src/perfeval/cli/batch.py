"""``perfeval batch``: bulk review of many submissions and tables into one summary."""

from __future__ import annotations

import sys

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..batch import Interrupted, Options, UsageError, run
from ..batch import runner as _runner
from ..declare.load import Limits
from .app import EXIT_USAGE, console, main
from .core import limits_options, profile_option


class _Bar(_runner.Progress):
    """A rich progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self.p = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console(stderr=True), transient=True,
        )
        self.task = None
        self.started = False

    def start(self, total: int) -> None:
        self.p.start()
        self.started = True
        self.task = self.p.add_task("读取与检查", total=total)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.p.advance(self.task, n)

    def stage(self, text: str) -> None:
        if self.task is not None:
            self.p.update(self.task, description=text)

    def finish(self) -> None:
        if self.started:
            self.p.stop()
            self.started = False


def _summary(res: _runner.Result, out: str) -> None:
    con = console()
    con.print(f"\n[bold]批量复核完成[/]：输入 {res.inputs} 个文件/表格，共 {res.projects} 个项目；"
              f"[green]已评分 {res.scored}[/]，[red]已拒绝 {res.rejected}[/]"
              + (f"，其中 {res.with_errors} 个已评分项目仍有错误" if res.with_errors else "")
              + (f"；[yellow]重复提交 {res.duplicates} 份[/]（与另一份项目编码、年度相同，不计入汇总，见 PE418）" if res.duplicates else "")
              + "。")
    if res.departments:
        con.print(f"部门整体自评 {res.departments} 份：已拒绝 {res.departments_rejected}"
                  + (f"，{res.departments_with_errors} 份已评分但仍有错误" if res.departments_with_errors else "")
                  + "（见 summary.xlsx 的“部门整体”“部门整体复核问题”表，department.csv、department_issues.csv）")
    if res.grades:
        total = sum(res.grades.values()) or 1
        con.print("等级分布：" + "  ".join(f"{g} {n}（{n * 100 / total:.1f}%）" for g, n in res.grades.items()))
    if res.top:
        t = Table(title="主要问题（按出现次数）", title_justify="left")
        for h in ("代码", "名称", "条数", "涉及项目"):
            t.add_column(h, justify="right" if h in ("条数", "涉及项目") else "left")
        for code, title, n, projects in res.top:
            t.add_row(code, title, str(n), str(projects))
        con.print(t)
    if res.rejected_reasons:
        con.print("[bold]被拒绝的文件（按原因）[/]：")
        for code, title, n, files in res.rejected_reasons:
            more = f" 等 {n} 个" if n > len(files) else ""
            con.print(f"  {code or '—'} {title}：{n} 个文件 —— " + "、".join(files) + more, soft_wrap=True, markup=False)
    con.print(f"复核抽样：{res.picks} 个项目（随机种子 {res.seed}，用 --seed {res.seed} 可重现）")
    if res.forms:
        con.print(f"自评表：{res.forms} 份，位于 {out}/forms/")
    if res.skipped:
        con.print(f"[yellow]已跳过 {len(res.skipped)} 个文件[/]（不是可读取的提交文件，清单见 skipped.csv）：")
        for s in res.skipped[:10]:
            con.print(escape(f"  {s.path}：{s.reason}"))
        if len(res.skipped) > 10:
            con.print(f"  ……另有 {len(res.skipped) - 10} 个")
    if res.stored:
        st = res.stored
        con.print(f"结果库：保存 {st['stored']} 个项目（其中替换已有记录 {st['replaced']} 个）"
                  + (f"，{st['not_stored']} 个未保存（无法识别项目或本批重复，见 PE712/PE713 或拒绝原因）" if st["not_stored"] else "")
                  + (f"；{st['previous']} 个项目有上年结果，见汇总表“上年总分”“变化”列" if st["previous"] else "；结果库中没有这些项目的上年结果")
                  + (f"；部门整体自评 {st['departments']} 份（其中替换已有记录 {st['departments_replaced']} 份）" if st.get("departments") else "")
                  + (f"，{st['departments_not_stored']} 份部门整体自评未保存（无法读取部门名称和年度，或本批重复）" if st.get("departments_not_stored") else ""))
    con.print("输出：" + "、".join(str(p) for p in res.outputs))


def _timings(res: _runner.Result) -> None:
    """``--timings``: each phase's seconds, and the parse floor they are compared with."""
    t = Table(title="各阶段用时（秒）", title_justify="left")
    for h in ("阶段", "用时", "× 解析下限"):
        t.add_column(h, justify="left" if h == "阶段" else "right")
    floor = res.timings.get("floor")
    for key, label in _runner.PHASES:
        if key in res.timings:
            v = res.timings[key]
            t.add_row(label, f"{v:.2f}", f"{v / floor:.2f}" if floor else "—")
    console(stderr=True).print(t)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--out", "-o", "out", required=True, type=click.Path(file_okay=False), help="输出目录（不存在则创建）")
@profile_option
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="并行进程数  [默认：CPU 核数]")
@click.option("--forms", type=click.Choice(_runner.FORM_CHOICES), default="none", show_default=True,
              help="为每个已评分项目生成一份自评表，放在 forms/ 下")
@click.option("--sample", type=click.IntRange(0), default=None, help="复核抽样项目数  [默认：10%，至少 1 个]")
@click.option("--seed", type=click.IntRange(0), default=None, help="抽样随机种子（同一批次、同一种子，抽样结果相同）")
@click.option("--funds", "funds", multiple=True, type=click.Path(dir_okay=False),
              help="CSV 长表的资金表（指标表旁没有 <名称>.funds.csv 时使用）")
@click.option("--progress/--no-progress", "show_progress", default=None, help="显示进度条  [默认：终端中显示]")
@click.option("--timings", is_flag=True, default=False,
              help="在标准错误输出各阶段用时，以及同样文件仅做 YAML 解析（CSafeLoader，同样进程数）的用时作为下限")
@click.option("--db", "db", default=None, type=click.Path(dir_okay=False),
              help="结果库（DuckDB 文件，不存在则创建）：与上年对比，并保存本次结果（同一项目同一年度重跑时替换）")
@click.option("--prefer", "prefer", multiple=True, type=click.Path(dir_okay=False),
              help="同一项目编码、同一年度提交了两份时保留这一份（可重复）；默认保留修改时间较晚的一份")
@limits_options
def batch(inputs, out, profile, jobs, forms, sample, seed, funds, show_progress, timings, db, prefer, max_bytes, max_aliases):
    """批量复核：一次评分成千上万份自评（YAML 文件、目录、CSV/Excel 长表）。

    在 OUT 目录写出 summary.csv / summary.xlsx（逐项目汇总、按部门、排名、等级分布图、指标对比、问题清单、复核抽样）、
    issues.csv 和 recheck.csv。

    退出码：0 全部评分且无错误；1 有文件被拒绝或存在错误；2 用法错误；130/143 被中断。
    """
    opts = Options(out=out, profile=profile, jobs=jobs, forms=forms, sample=sample, seed=seed, funds=tuple(funds),
                   limits=Limits(max_bytes=max_bytes, max_aliases=max_aliases), floor=timings, db=db, prefer=tuple(prefer))
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    try:
        res = run(list(inputs), opts, _Bar() if show_progress else None)
    except UsageError as e:
        console(stderr=True).print(f"[bold red]用法错误[/] {e}")
        sys.exit(EXIT_USAGE)
    except Interrupted as e:
        if e.published:
            console(stderr=True).print(f"{e}：结果已全部写出（信号在写出完成时到达）。")
        else:
            console(stderr=True).print(f"{e}：未写出任何结果，已删除临时文件。")
        sys.exit(e.code)
    _summary(res, out)
    if timings:
        _timings(res)
    sys.exit(res.exit_code)
