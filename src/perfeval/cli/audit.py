"""``perfeval audit``: check the numbers in report text (数字勾稽核对)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.markup import escape

from ..audit import EXTENSIONS, Audit, audit_file, facts_from_result
from ..issues import ERROR
from ..pipeline import evaluate, results
from .app import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, console, main
from .core import print_issues

WALK_EXT = EXTENSIONS - {".yaml", ".yml"}  # in a folder: report texts, not submissions


def expand(paths: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                out += [os.path.join(root, f) for f in sorted(files) if Path(f).suffix.lower() in WALK_EXT]
        else:
            out.append(p)
    return out


def _one(args: tuple[str, dict | None]) -> Audit:
    path, facts = args
    return audit_file(path, facts)


def run(files: list[str], facts: dict | None, jobs: int) -> list[Audit]:
    work = [(f, facts) for f in files]
    if jobs <= 1 or len(files) < 8:
        return [_one(w) for w in work]
    import multiprocessing as mp

    with mp.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs) as pool:
        return pool.map(_one, work, chunksize=max(1, len(work) // (jobs * 8)))


def as_json(a: Audit) -> dict:
    problems = [dict(i.to_dict(), kind="file") for i in a.issues]
    return {"file": a.file, "findings": problems + [f.to_dict() for f in a.findings]}


def print_text(audits: list[Audit]) -> None:
    out = console()
    n_err = n_files = 0
    for a in audits:
        if a.issues:
            print_issues(a.issues)
        for f in a.findings:
            where = f"{f.file}:{f.line}" + (f"（第 {f.sentence.page} 页）" if f.sentence.page else "")
            sev = "错误" if f.severity == ERROR else "警告"
            out.print(f"[bold]{escape(where)}[/]: [red]{sev} {f.code}[/] {escape(f.message)}")
            out.print(f"    {escape(f.marked())}", soft_wrap=True)
            n_err += f.severity == ERROR
        n_files += bool(a.findings)
    total = sum(len(a.findings) for a in audits)
    if total:
        out.print(f"核对 {len(audits)} 个文件：{n_files} 个文件发现 {total} 处问题（其中错误 {n_err} 处）。")
    else:
        out.print(f"核对 {len(audits)} 个文件：未发现数字错误。")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--against", "against", type=click.Path(dir_okay=False), default=None,
              help="与该提交文件（.yaml）的数据和评分结果核对金额、执行率、指标完成值、总分和等级")
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True, help="并行进程数")
def audit(files, against, fmt_, jobs):
    """核对报告文字中的数字：占比、合计、增减幅度、执行率、前后一致、未填写的占位符。

    FILE 可以是 .txt/.md（UTF-8 或 GB18030）、.docx、带文字层的 .pdf、提交文件（核对其 narrative），
    或包含这些文件的目录。发现错误时退出码为 1。
    """
    facts = None
    if against:
        ev = evaluate([against])
        r = results(ev)[0]
        if r["status"] != "scored":
            print_issues(ev.issues, stderr=True)
            console(stderr=True).print(f"[bold red]{escape(against)}：提交文件未能评分，无法据以核对（--against）。[/]")
            sys.exit(EXIT_USAGE)
        facts = facts_from_result(r)
    paths = expand(files)
    if not paths:
        console(stderr=True).print("[bold red]没有可核对的文件[/]（目录中没有 .txt、.md、.docx、.pdf 文件）。")
        sys.exit(EXIT_USAGE)
    audits = run(paths, facts, jobs)
    if fmt_ == "json":
        data = [as_json(a) for a in audits]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        print_text(audits)
    bad = any(f.severity == ERROR for a in audits for f in a.findings) or any(i.severity == ERROR for a in audits for i in a.issues)
    sys.exit(EXIT_PROBLEMS if bad else EXIT_OK)
