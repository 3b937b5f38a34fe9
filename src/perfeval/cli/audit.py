"""``perfeval audit``: check the numbers in report text (数字勾稽核对)."""

from __future__ import annotations

import json
import os
import sys

import click
from rich.markup import escape

from ..audit import KIND_ZH, Audit, Candidate, audit_path, candidates
from ..audit.readers import accepted, walk
from ..declare.load import Limits
from ..issues import ERROR, Issue, make_issue
from .app import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, console, main
from .core import limits_options, print_issues


def expand(paths: tuple[str, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """(files to audit, files skipped with the reason): folders are walked, subfolders included."""
    out: list[str] = []
    skipped: list[tuple[str, str]] = []
    for p in paths:
        if os.path.isdir(p):
            files, skip = walk(p)
            out += files
            skipped += skip
        else:
            out.append(p)  # named explicitly: audited (or refused with the reason), never skipped
    return out, skipped


Work = tuple[str, dict | None, list[Candidate] | None, str | None, str | None, Limits]


def _one(w: Work) -> list[Audit]:
    path, facts, cands, project, against, limits = w
    try:
        return audit_path(path, None, limits, facts, cands, project, against, score=True)
    except Exception as e:  # noqa: BLE001 - a bug costs this file, never the others
        return [Audit(path, issues=[make_issue("PE502", file=path, reason=f"{type(e).__name__}: {e}")], readable=False)]


def run(files: list[str], jobs: int, limits: Limits = Limits(), facts: dict | None = None,
        cands: list[Candidate] | None = None, project: str | None = None, against: str | None = None) -> list[Audit]:
    work: list[Work] = [(f, facts, cands, project, against, limits) for f in files]
    if jobs <= 1 or len(files) < 8:
        return [a for w in work for a in _one(w)]
    import multiprocessing as mp

    with mp.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs) as pool:
        parts = pool.map(_one, work, chunksize=max(1, len(work) // (jobs * 8)))
    return [a for p in parts for a in p]


def _no_text(a: Audit) -> list[Issue]:
    if a.kind == "report" or a.sentences or a.issues:
        return []
    what = KIND_ZH.get(a.kind, "提交文件") + (f"“{a.project['name']}”" if a.project.get("name") else "")
    return [make_issue("PE846", file=a.file, what=what)]


def as_json(a: Audit) -> dict:
    problems = [dict(i.to_dict(), kind="file") for i in a.issues + _no_text(a)]
    d: dict = {"file": a.file}
    if a.kind != "report":
        d["kind"] = a.kind
    if a.project:
        d["project"] = a.project
    if a.against:
        d["against"] = a.against
    d["findings"] = problems + [f.to_dict() for f in a.findings]
    return d


def _where(f) -> str:
    loc = f.extra.get("location") or f"{f.file}:{f.line}"
    return loc + (f"（第 {f.sentence.page} 页）" if f.sentence.page else "")


def print_text(audits: list[Audit], skipped: list[tuple[str, str]]) -> None:
    out = console()
    n_err = n_files = 0
    for a in audits:
        head = []
        if a.project.get("name") and a.kind != "report":
            head.append(f"{KIND_ZH.get(a.kind, '')}“{a.project['name']}”")
        if a.against and (a.kind == "report" or a.findings):
            head.append(a.against)
        if head and (a.findings or (a.against or "").startswith("文中有")):
            out.print(f"[dim]{escape(a.file)}：{escape('；'.join(head))}[/]")
        problems = a.issues + _no_text(a)
        if problems:
            print_issues(problems)
        for f in a.findings:
            sev = "错误" if f.severity == ERROR else "警告"
            out.print(f"[bold]{escape(_where(f))}[/]: [red]{sev} {f.code}[/] {escape(f.message)}")
            out.print(f"    {escape(f.marked())}", soft_wrap=True)
            n_err += f.severity == ERROR
        n_files += bool(a.findings)
    for path, why in skipped:
        out.print(f"{escape(path)}: [cyan]跳过 PE847[/] {escape(why)}")
    total = sum(len(a.findings) for a in audits)
    files = len({a.file for a in audits})
    docs = f"（{len(audits)} 份文档）" if len(audits) != files else ""
    unread = len({a.file for a in audits if not a.readable})
    unmatched = sum(any(i.code == "PE848" for i in a.issues) for a in audits)
    tail = (f"；{unread} 个文件无法读取（见上）" if unread else "") + (
        f"；{unmatched} 份文档未能确定与 --against 的哪个项目核对（PE848）" if unmatched else "") + (f"；跳过 {len(skipped)} 个文件" if skipped else "")
    if total:
        out.print(f"核对 {files} 个文件{docs}：{n_files} 份文档发现 {total} 处问题（其中错误 {n_err} 处）{tail}。")
    elif unread == files:
        out.print(f"{files} 个文件均未能读取（原因见上）" + (f"；跳过 {len(skipped)} 个文件" if skipped else "") + "。")
    else:
        out.print(f"核对 {files} 个文件{docs}：未发现数字错误{tail}。")


def _skipped_json(skipped: list[tuple[str, str]]) -> list[dict]:
    """A skipped file is an entry like the others: ``{file, skipped: reason, code: PE847, findings: []}``."""
    return [{"file": p, "skipped": why, "code": "PE847", "findings": []} for p, why in skipped]


def _emit_json(data: list[dict]) -> None:
    click.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--against", "against", type=click.Path(dir_okay=False), default=None,
              help="与该提交文件（YAML、长表、自评表 .xlsx/.xls/.docx/.pdf）的数据和评分结果核对金额、执行率、指标完成值、总分和等级")
@click.option("--project", "project", default=None, metavar="CODE",
              help="--against 的文件有多个项目时，与哪个项目核对（项目编码或项目名称）；默认取报告中写出的项目")
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True, help="并行进程数")
@limits_options
def audit(files, against, project, fmt_, jobs, max_bytes, max_aliases):
    """核对报告文字中的数字：占比、合计、增减幅度、执行率、前后一致、未填写的占位符，以及与提交数据是否一致。

    FILE 可以是报告文字（.txt/.md、.docx、带文字层的 .pdf）、提交文件（YAML、长表 .csv/.xlsx、
    自评表 .xlsx/.xls/.docx/.pdf：核对其中的文字与其自身数据），或包含这些文件的目录（含子目录；
    其他文件列为“跳过”并说明原因）。发现错误时退出码为 1。
    """
    limits = Limits(max_bytes=max_bytes, max_aliases=max_aliases)
    cands = None
    if project and not against:
        console(stderr=True).print("[bold red]--project 只能与 --against 一起使用。[/]")
        sys.exit(EXIT_USAGE)
    if against:
        cands, problems = candidates(against, limits)
        scored = [c for c in cands if c.facts.get("total") is not None]
        if not scored:
            print_issues(problems, stderr=True)
            console(stderr=True).print(f"[bold red]{escape(against)}：提交文件未能读取或未能评分，无法据以核对（--against）。"
                                       f"用 perfeval validate {escape(against)} 查看原因。[/]")
            sys.exit(EXIT_USAGE)
        if len(scored) < len(cands):
            console(stderr=True).print(f"[yellow]{escape(against)}：{len(cands) - len(scored)} 个项目未能评分，不参与核对"
                                       f"（perfeval validate 查看原因）。[/]")
        cands = scored
        if project and not any(project in (c.code, c.name) for c in cands):
            print_issues([make_issue("PE849", file=against, project=project,
                                     available="；".join(f"{c.code or '（无编码）'} {c.name}" for c in cands[:8]))], stderr=True)
            sys.exit(EXIT_USAGE)
    paths, skipped = expand(files)
    if not paths:
        if fmt_ == "json":
            _emit_json(_skipped_json(skipped))
        else:
            for path, why in skipped:
                console().print(f"{escape(path)}: [cyan]跳过 PE847[/] {escape(why)}")
        console(stderr=True).print(f"[bold red]没有可核对的文件[/]（可核对 {escape(accepted())}）。")
        sys.exit(EXIT_USAGE)
    audits = run(paths, jobs, limits, None, cands, project, against)
    if fmt_ == "json":
        _emit_json([as_json(a) for a in audits] + _skipped_json(skipped))
    else:
        print_text(audits, skipped)
    bad = any(f.severity == ERROR for a in audits for f in a.findings) or any(i.severity == ERROR for a in audits for i in a.issues)
    sys.exit(EXIT_PROBLEMS if bad else EXIT_OK)
