"""``perfeval import``: office 自评表 files → one YAML v1 submission per form (docs/import.md)."""

from __future__ import annotations

import os
import sys

import click
import yaml
from rich.markup import escape

from ..declare.load import Limits
from ..issues import ERROR
from ..office import read_forms
from ..readers import READERS, relocate
from ..readers.office import CellLocator
from ..safety import safe_filename
from .app import EXIT_OK, EXIT_PROBLEMS, console, main
from .core import limits_options, print_issues


def _header(src: str, place: str, excel: bool, k: int, n: int) -> str:
    where = f"工作表“{place}”" if excel else place
    which = f"，第 {k} 张（共 {n} 张）" if n > 1 else ""
    return (f"# 由 perfeval import 从 {os.path.basename(src)}（{where}{which}）读取的自评表。\n"
            f"# 源文件：{src}\n"
            "# 得分列是单位自评得分（claimed_score）；perfeval score 按规则重新评分。\n")


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "-o", "out", required=True, type=click.Path(file_okay=False), help="写入 YAML 的目录（不存在时创建）")
@click.option("--force", is_flag=True, help="覆盖已存在的同名 YAML")
@limits_options
def import_cmd(files, out, force, max_bytes, max_aliases):
    """把 Excel/WPS（.xlsx/.xls）、Word（.docx）、PDF 自评表转成 YAML 提交文件（每张表一个文件）。

    每个 YAML 开头的注释写明来源文件和工作表/表格；对它 perfeval score 的结果与对原文件相同。
    退出码：0 全部读取；1 有文件未能读取（原因已列出）。
    """
    limits = Limits(max_bytes=max_bytes, max_aliases=max_aliases)
    os.makedirs(out, exist_ok=True)
    con = console()
    failed = False
    used: set[str] = set()
    for f in files:
        if f.lower().endswith(READERS["office"].extensions):
            docs, refused = read_forms(f, limits)
        else:
            docs, refused = [], []
            from ..issues import make_issue

            refused = [make_issue("PE152", file=f)]
        if not docs:
            failed = True
            print_issues(refused)
            continue
        for k, d in enumerate(docs, 1):
            data = d.loaded.data
            p = data.get("project") or {}
            stem = safe_filename(f"{p.get('name') or os.path.splitext(os.path.basename(f))[0]}_{p.get('year') or ''}年度".strip("_"))
            name, n = stem, 1
            while name in used or (not force and os.path.exists(os.path.join(out, name + ".yaml"))):
                n += 1
                name = f"{stem}_{n}"
            used.add(name)
            path = os.path.join(out, name + ".yaml")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(_header(f, d.place, d.excel, k, len(docs)) + dump(data))
            con.print(escape(f"已写入 {path}（来自 {f}：{d.place}）"))
            loc = CellLocator(f, d.place, d.places)
            notes = [relocate(i, loc) for i in d.loaded.issues]
            if notes:
                print_issues(notes)
            failed |= any(i.severity == ERROR for i in notes)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)
