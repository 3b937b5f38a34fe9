"""``perfeval library``, ``perfeval init`` and ``perfeval lint``: the indicator library and declarations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from .. import methods
from ..declare.load import Limits
from ..issues import ERROR, os_error_zh
from ..library import LibraryError, ScaffoldError, load_library, scaffold
from ..lint import lint, lint_config
from ..profile import DEFAULT_PROFILE, ProfileError, get_profile
from .app import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, console, main
from .core import check_profile, emit_issues, limits_options, profile_option


def _usage_error(message: str) -> None:
    console(stderr=True).print(f"[bold red]错误[/] {message}", markup=True, highlight=False)
    sys.exit(EXIT_USAGE)


def _library():
    try:
        return load_library()
    except LibraryError as e:
        _usage_error(str(e))


@main.command("library")
@click.option("--sector", "-s", default=None, metavar="SECTOR", help="只列出一个行业（如 union、education）")
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True, help="输出格式")
def library_cmd(sector, fmt_):
    """列出标准绩效指标库（分行业分领域绩效指标库）。

    每条指标的编码可在提交文件中用 ref 引用；perfeval init 用它们生成申报表。
    """
    lib = _library()
    if sector is not None:
        try:
            sectors = [lib.sector(sector)]
        except KeyError:
            _usage_error(f"指标库中没有行业“{sector}”；可用：{'、'.join(lib.sectors)}")
    else:
        sectors = list(lib.sectors.values())
    if fmt_ == "json":
        click.echo(json.dumps([
            {"sector": s.code, "title": s.title, "indicators": [
                {k: getattr(i, k) for k in ("code", "level1", "level2", "name", "unit", "comparator", "typical_target",
                                            "definition", "data_source", "core")} for i in s.indicators]}
            for s in sectors], ensure_ascii=False, indent=2))
        sys.exit(EXIT_OK)
    con = console()
    for s in sectors:
        t = Table(title=f"{s.title}（{s.code}）：{len(s.indicators)} 项指标，核心指标 {len(s.core)} 项")
        for h in ("编码", "一级指标", "二级指标", "三级指标", "单位", "比较", "典型目标值", "核心"):
            t.add_column(h, overflow="fold", no_wrap=h == "编码")
        for i in sorted(s.indicators, key=lambda i: i.sort_key()):
            t.add_row(i.code, i.level1, i.level2, i.name, i.unit or "—", methods.label(i.comparator),
                      i.typical_target, "★" if i.core else "")
        con.print(t)
    con.print(f"共 {sum(len(s.indicators) for s in sectors)} 项指标。在提交文件中写 ref: <编码> 引用；"
              "perfeval init --sector <行业> 生成申报表。")
    sys.exit(EXIT_OK)


@main.command("init")
@click.option("--kind", "kind", type=click.Choice(["project", "department"]), default="project", show_default=True,
              help="project：项目支出绩效目标申报表；department：部门整体支出绩效自评（--profile 取部门整体规则，默认 dept-target）")
@click.option("--sector", "-s", default=None, metavar="SECTOR", help="行业（perfeval library 查看），如 union；--kind project 时必填")
@click.option("--pick", "picks", multiple=True, metavar="CODE",
              help="选用的指标库编码，可重复或用逗号分隔；不给时选用本行业的核心指标")
@click.option("--name", default=None, help="项目名称")
@click.option("--department", default=None, help="主管部门")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="预算年度（默认明年）")
@click.option("--budget", type=click.FloatRange(min=0, min_open=True), default=None, help="全年预算数（万元）")
@click.option("--profile", "-p", "profile", default=None, metavar="NAME|PATH", help=f"评分规则（项目默认 {DEFAULT_PROFILE}）")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default=None, help="写入文件（默认输出到标准输出）")
@click.option("--force", is_flag=True, help="覆盖已存在的 --out 文件")
@click.option("--format", "fmt_", type=click.Choice(["yaml", "xlsx"]), default="yaml", show_default=True,
              help="yaml：提交文件；xlsx：可填写的自评表工作簿（四川规则下为四川版式，需 --out）")
def init_cmd(kind, sector, picks, name, department, year, budget, profile, out, force, fmt_):
    """生成一份绩效目标申报表（提交文件 YAML），指标取自指标库。

    默认选用行业的核心指标，并补足数量、质量或时效、效益、满意度（以及规则要求的成本）指标；
    分值按评分规则默认分配，合计 100；实际完成值留空，年终自评时填写。

    \b
    例：perfeval init --sector union --name 送温暖帮扶专项经费 --department 某区总工会 > project.yaml
        perfeval init --kind department --profile dept-sichuan-8item --department 某区总工会 > dept.yaml
    """
    if kind == "department":
        _init_department(profile, department or name, year, budget, out, force)
        return
    if sector is None:
        _usage_error("--kind project 需要 --sector（perfeval library 查看可用行业）")
    profile = profile or DEFAULT_PROFILE
    check_profile(profile)
    try:
        prof = get_profile(profile)
        cfg = lint_config(profile)
    except ProfileError as e:
        _usage_error(f"PE204 {e}")
    codes = [c.strip() for p in picks for c in p.replace("，", ",").split(",") if c.strip()]
    _library()
    try:
        text, chosen, added = scaffold(sector, prof, codes, name=name, department=department, year=year, budget=budget,
                                       require_cost=cfg.require_cost, require_level1=cfg.require_level1)
    except ScaffoldError as e:
        _usage_error(str(e))
    err = console(stderr=True)
    if codes and added:
        err.print("为满足申报要求，补充了指标：" + "、".join(f"{i.code} {i.name}" for i in added), highlight=False)
    if fmt_ == "xlsx":
        if out is None:
            _usage_error("--format xlsx 需要用 --out 指定工作簿文件名，如 --out 自评表.xlsx")
        import yaml

        from ..office.template import build_template

        text = build_template(yaml.safe_load(text), sichuan=prof.layout == "sichuan")
    if out is None:
        click.echo(text, nl=False)
        sys.exit(EXIT_OK)
    path = Path(out)
    if path.exists() and not force:
        _usage_error(f"文件 {out} 已存在；用 --force 覆盖，或换一个文件名")
    try:
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        _usage_error(f"无法写入 {out}：{os_error_zh(e)}")
    err.print(f"已生成 {out}：{len(chosen)} 项指标。填写后运行 perfeval lint {out} 检查。", highlight=False)
    sys.exit(EXIT_OK)


def _init_department(profile, name, year, budget, out, force):
    from ..department import DEFAULT_DEPT_PROFILE, get_dept_profile
    from ..department.scaffold import scaffold_department

    try:
        dp = get_dept_profile(profile or DEFAULT_DEPT_PROFILE)
    except ProfileError as e:
        _usage_error(f"PE901 {e}")
    text = scaffold_department(dp, name=name, year=year, budget=budget)
    if out is None:
        click.echo(text, nl=False)
        sys.exit(EXIT_OK)
    path = Path(out)
    if path.exists() and not force:
        _usage_error(f"文件 {out} 已存在；用 --force 覆盖，或换一个文件名")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        _usage_error(f"无法写入 {out}：{e.strerror or e}")
    console(stderr=True).print(f"已生成 {out}（部门整体，{dp.title}）。填写后运行 perfeval score {out}。", highlight=False)
    sys.exit(EXIT_OK)


@main.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@profile_option
@limits_options
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式")
@click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）")
def lint_cmd(files, profile, max_bytes, max_aliases, fmt_, strict):
    """审核绩效目标申报（年度开始前）：指标是否齐全、目标能否核验、单位与指标库是否一致、分值合计是否为 100。

    实际完成值可以为空。每条问题都给出修改方法。
    退出码：0 无错误；1 发现错误（--strict 时警告也算）；2 用法错误。
    """
    check_profile(profile)
    try:
        res = lint(files, profile=profile, limits=Limits(max_bytes=max_bytes, max_aliases=max_aliases))
    except (ProfileError, LibraryError) as e:
        _usage_error(str(e))
    n_err = sum(i.severity == ERROR for i in res.issues)
    verdict = "通过" if not res.issues else ("未通过" if n_err or strict else "通过（有警告）")
    emit_issues(res.issues, fmt_, f"共审核 {len(files)} 个申报文件", verdict + "。")
    failed = res.has_errors or (strict and bool(res.issues))
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)
