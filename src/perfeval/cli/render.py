"""``perfeval render`` (自评表), ``perfeval report`` (自评报告) and ``perfeval templates``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..declare.load import Limits
from ..issues import ERROR, make_issue, os_error_zh
from ..pipeline import evaluate_documents, results
from ..render import FORM_FORMATS, REPORT_FORMATS, MixedKinds, TemplateProblem, formats, render_document
from ..render.output import KIND_WORD, is_directory_target, plan_directory, write_atomic
from ..render.templating import PACKAGED_DIR, environment
from .app import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, console, main
from .core import check_profile, limits_options, print_issues, profile_option


def _fail(code: str, exit_code: int, **params) -> None:
    i = make_issue(code, **params)
    console(stderr=True).print(f"[bold red]错误 {i.code}[/] {i.message}\n    [dim]如何修改：{i.hint}[/]")
    sys.exit(exit_code)


def _render_one_doc(kind: str, fmt: str, res: list[dict], templates: str | None, review: bool) -> str | bytes:
    return render_document(kind, res, fmt, templates, show_review=review)


def _run(kind: str, files, fmt: str, out: str | None, templates: str | None, profile: str | None,
         max_bytes: int, max_aliases: int, review: bool, overwrite: bool = False, db: str | None = None) -> None:
    from .department import dept_profile_for, split_kinds

    if dept_profile_for(profile) is None:
        check_profile(profile)
    spec = formats.get(kind, fmt)
    if out is None and spec.binary:
        _fail("PE702", EXIT_USAGE, format=fmt)
    if templates is not None:
        try:
            environment(templates)
        except TemplateProblem as e:
            _fail("PE700", EXIT_USAGE, reason=str(e))
    limits = Limits(max_bytes=max_bytes, max_aliases=max_aliases)
    docs, depts, others = split_kinds(list(files), limits, dept_profile_for(profile))
    ev = evaluate_documents(others, profile=profile)
    if db is not None:  # last year's total, recurring findings and lowered targets join the review (PE719, PE711, PE710)
        from .history import with_history

        with_history(ev, db)
    project_res = iter(results(ev))
    res, own, n_proj = [], [], 0
    for k in range(len(docs)):  # department-wide and project results back in input order
        if k in depts:
            res.append(depts[k].record)
            own.append(depts[k].issues)
        else:
            res.append(next(project_res))
            own.append(ev.issues_of(n_proj))
            n_proj += 1
    err = console(stderr=True)
    word = KIND_WORD[kind]
    scored = []
    for sub, r in enumerate(res):
        if r["status"] != "scored":
            print_issues(own[sub], stderr=True)
            i = make_issue("PE703", file=r["file"], kind=word)
            err.print(f"[bold red]{r['file']}：错误 {i.code}[/] {i.message}")
            continue
        scored.append(r)
        n_err = sum(i["severity"] == ERROR for i in r["issues"])
        n_other = len(r["issues"]) - n_err
        if n_err or n_other:
            err.print(f"{r['file']}：复核发现 {n_err} 个错误、{n_other} 个警告/提示"
                      f"（已列入{word}；逐条查看：perfeval score {r['file']}）")
    kept: list[Path] = []
    if scored:
        try:
            if out is None:
                text = _render_one_doc(kind, fmt, scored, templates, review)
                click.echo(text, nl=False)
            elif is_directory_target(out):
                d = Path(out)
                d.mkdir(parents=True, exist_ok=True)
                for path, r in plan_directory(scored, d, spec.extension, kind):
                    if path.exists() and not overwrite:  # never replace a file silently (PE704)
                        kept.append(path)
                        continue
                    write_atomic(path, _render_one_doc(kind, fmt, [r], templates, review))
                    console().print(f"已写入 {path}")
            else:
                path = Path(out)
                if path.exists() and not overwrite:
                    kept.append(path)
                else:
                    write_atomic(path, _render_one_doc(kind, fmt, scored, templates, review))
                    console().print(f"已写入 {path}（{len(scored)} 个项目）")
        except TemplateProblem as e:
            _fail("PE700", EXIT_USAGE, reason=str(e))
        except MixedKinds:
            _fail("PE928", EXIT_USAGE)
        except OSError as e:
            _fail("PE701", EXIT_USAGE, path=getattr(e, "filename", None) or out, reason=os_error_zh(e))
    for path in kept:
        i = make_issue("PE704", path=str(path))
        err.print(f"[bold red]错误 {i.code}[/] {i.message}\n    [dim]如何修改：{i.hint}[/]")
    failed = ev.has_errors or any(d.has_errors for d in depts.values())
    sys.exit(EXIT_PROBLEMS if failed or len(scored) < len(res) or kept else EXIT_OK)


_OUT_HELP = ("输出位置：目录（已存在、以 / 结尾或没有扩展名）则每个项目一个文件，"
             "文件名为“主管部门_项目编码_项目名称_年度_{kind}”；文件路径则所有项目写入同一文件。"
             "已有同名文件时不覆盖（PE704），除非加 --overwrite。省略时 HTML/Markdown 输出到终端")


def _common(fn):
    fn = click.option("--overwrite", is_flag=True, help="覆盖已存在的输出文件（默认不覆盖，报 PE704）")(fn)
    fn = click.option("--templates", "templates", default=None, metavar="DIR",
                      help="自定义模板目录：其中的模板优先于内置模板（先用 perfeval templates DIR 导出）")(fn)
    return fn


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt_", type=click.Choice(FORM_FORMATS), default="html", show_default=True, help="输出格式")
@click.option("--out", "-o", "out", default=None, metavar="PATH|DIR", help=_OUT_HELP.format(kind="自评表"))
@_common
@profile_option
@limits_options
@click.option("--review/--no-review", default=False, show_default=True,
              help="在表后附复核意见（perfeval 按规则生成）；默认不附，自评表为一页 A4")
@click.option("--db", "db", default=None, type=click.Path(dir_okay=False),
              help="结果库（perfeval batch --db 写出的文件）：复核意见中加入与上年对比（PE719）、连续出现的问题、目标低于上年实际")
def render(files, fmt_, out, overwrite, templates, profile, max_bytes, max_aliases, review, db):
    """生成项目支出绩效自评表（全国通用或四川版式，按评分规则的 layout）。

    自评得分与按规则计算的得分不符时，表中同时列出并标红。

    退出码：0 正常；1 有文件被拒绝或存在错误（其余文件照常出表）；2 用法错误。
    """
    _run("form", files, fmt_, out, templates, profile, max_bytes, max_aliases, review, overwrite, db)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt_", type=click.Choice(REPORT_FORMATS), default="md", show_default=True, help="输出格式")
@click.option("--out", "-o", "out", default=None, metavar="PATH|DIR", help=_OUT_HELP.format(kind="自评报告"))
@_common
@profile_option
@limits_options
def report(files, fmt_, out, overwrite, templates, profile, max_bytes, max_aliases):
    """生成项目支出绩效自评报告（项目概况、目标完成情况、评价结论、存在的问题、改进建议）。

    报告中的金额、比率和得分全部由数据计算；只有单位才能写的文字取自提交文件的 narrative 部分，
    未填写时注明“（单位未填写）”。

    退出码：0 正常；1 有文件被拒绝或存在错误（其余文件照常生成）；2 用法错误。
    """
    _run("report", files, fmt_, out, templates, profile, max_bytes, max_aliases, True, overwrite)


@main.command("templates")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="覆盖目录中已有的同名模板")
def templates_cmd(directory, force):
    """把内置模板导出到 DIR，修改后用 --templates DIR 出表。"""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for src in sorted(PACKAGED_DIR.iterdir()):
        if not src.is_file():
            continue
        dst = d / src.name
        if dst.exists() and not force:
            kept.append(dst.name)
            continue
        shutil.copyfile(src, dst)
        written.append(dst.name)
    con = console()
    con.print(f"已导出 {len(written)} 个模板到 {d}" + (f"；{len(kept)} 个已存在未覆盖（加 --force 覆盖）：{'、'.join(kept)}" if kept else ""))
    sys.exit(EXIT_OK)
