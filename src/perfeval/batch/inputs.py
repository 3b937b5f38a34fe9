"""What a bulk run reads: files, directories and tables expanded into work units.

* a directory is searched recursively (hidden entries left out, sorted so that two runs over
  the same tree number the inputs identically) for every file an input reader accepts
  (:func:`perfeval.readers.scan`: YAML submissions, long tables, and whatever else is
  registered); every other file is listed as skipped, with the reason;
* a file's reader is chosen by :func:`perfeval.readers.reader_for` (extension, then content);
  a long table is one unit that may hold many projects; ``x.funds.csv`` next to ``x.csv`` is
  that table's funds table;
* a ``*.funds.csv`` given on the command line (or with ``--funds``) whose indicator table is
  not in the batch serves every CSV table that has no sibling funds file;
* anything else given explicitly is read as a submission, so a mistyped or unreadable path
  still appears in the summary as rejected (nothing is dropped silently);
* the same file reached twice (given twice, or inside a directory also given) counts once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

from ..declare.tables import FUNDS_SUFFIX, is_funds_table, sibling_funds
from ..readers import Skipped, accepted_kinds, reader_for, scan

YAML_SUFFIXES = (".yaml", ".yml")


class UsageError(Exception):
    """A mistake in the command line (exit code 2); the message is in Chinese."""


@dataclass(frozen=True)
class Unit:
    """One input: a submission file or a table (which may hold many projects)."""

    kind: str  # the reader's name ("yaml", "table", …; perfeval.readers.READERS)
    path: str
    display: str
    funds: str | None = None
    funds_display: str | None = None


def _identity(path: str) -> str:
    try:
        return os.path.realpath(path)
    except OSError:  # pragma: no cover - realpath does not raise on POSIX
        return os.path.abspath(path)


def expand(inputs: Iterable[str], funds: Iterable[str] = ()) -> list[Unit]:
    """Work units in input order (see the module docstring); raises :class:`UsageError`."""
    return expand_all(inputs, funds)[0]


def expand_all(inputs: Iterable[str], funds: Iterable[str] = ()) -> tuple[list[Unit], list[Skipped]]:
    """(work units in input order, files in folders that were skipped and why); raises :class:`UsageError`."""
    skipped: list[Skipped] = []
    seen: set[str] = set()
    units: list[Unit] = []
    pooled: list[str] = list(funds)
    explicit_funds: list[str] = []
    empty_dirs: list[str] = []

    def add(kind: str, path: str) -> None:
        ident = _identity(path)
        if ident in seen:
            return
        seen.add(ident)
        units.append(Unit(kind, path, path))

    for raw in inputs:
        path = str(raw)
        if os.path.isdir(path):
            files, skip = scan(path)
            skipped.extend(skip)
            if not files:
                empty_dirs.append(path)
            for r, f in files:
                add(r.name, f)
        elif is_funds_table(path):
            explicit_funds.append(path)
        else:
            add(reader_for(path).name, path)
    if empty_dirs and not units:
        why = "".join(f"\n  {s.path}：{s.reason}" for s in skipped[:20])
        more = f"\n  ……共 {len(skipped)} 个" if len(skipped) > 20 else ""
        raise UsageError(f"目录 {'、'.join(empty_dirs)} 中没有找到可读取的提交文件（可读取：{accepted_kinds()}）{why}{more}")
    # a funds table given on the command line next to its indicator table is simply that table's
    # sibling; any other one serves the tables that have no sibling
    table_ids = {_identity(u.path) for u in units if u.kind == "table"}
    for f in explicit_funds:
        main = f[: -len(FUNDS_SUFFIX)] + ".csv"
        if _identity(main) not in table_ids:
            pooled.append(f)
    pooled = list(dict.fromkeys(pooled))
    if len(pooled) > 1:
        raise UsageError("给出了多个资金表（" + "、".join(pooled) + "），无法确定与指标表的对应关系；"
                         "请把资金表命名为 <指标表名>.funds.csv 放在指标表旁边")
    if pooled and not any(u.kind == "table" and sibling_funds(u.path) is None and not u.path.lower().endswith((".xlsx", ".xlsm")) for u in units):
        raise UsageError(f"资金表 {pooled[0]} 没有对应的 CSV 指标表")
    if pooled:
        shared = pooled[0]
        if not os.path.isfile(shared):
            raise UsageError(f"资金表 {shared} 不存在")
        units = [
            Unit(u.kind, u.path, u.display, shared, shared)
            if u.kind == "table" and not u.path.lower().endswith((".xlsx", ".xlsm")) and sibling_funds(u.path) is None
            else u
            for u in units
        ]
    return units, skipped

