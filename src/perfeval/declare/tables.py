"""Long-format tables (CSV / Excel) as submissions: one row per indicator.

This is how a 预算管理一体化 system exports data.  A table holds many
projects; each group of rows with the same 项目编码 (or, without a code, the
same 项目名称) becomes one submission, built as the very dict the YAML loader
produces, with a line map that points at the table's rows.  The structure
check, the rows builder, validation, scoring and review then apply unchanged,
and every issue names the table and the row (Excel's row number: the header
is row 1).

Funds live in a second table: for ``x.csv`` the sibling ``x.funds.csv`` (or a
funds table given explicitly), for a workbook the sheet named 资金 (or the
second sheet).  Funds rows carry the project code (or name) they belong to.

CSV encodings: UTF-8, UTF-8 with BOM, GBK/GB18030 and UTF-16 with BOM are
detected; the delimiter (comma, tab or semicolon) is taken from the header.

Nothing here imports polars: tables are read inside bulk-review worker
processes.  Columns are documented in ``docs/format.md`` (长表格式).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..issues import Issue, make_issue, os_error_zh
from .load import Loaded, decode

#: Lines of rows that come from the funds table are stored as ``FUNDS_LINE + row`` in the
#: submission's line map, so that an issue raised on a funds row (by the structure check, by
#: validation or by review) can be told apart and attributed to the funds file.
FUNDS_LINE = 1_000_000_000
#: Tables are not limited by the per-submission size limit; this bounds memory instead.
MAX_TABLE_BYTES = 512 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
FUNDS_SUFFIX = ".funds.csv"
MAIN_SHEETS = ("指标", "绩效指标", "indicators")
FUNDS_SHEETS = ("资金", "资金来源", "funds")

# canonical key -> (Chinese name used in messages, accepted header spellings).  Headers are
# compared after NFKC normalisation, lower-casing and removing spaces; a trailing unit in
# brackets ("全年预算数（万元）") is removed (and, for money, taken as the funds unit).
MAIN_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("项目编码", ("code", "project.code", "project_code", "项目编码", "项目代码")),
    "project": ("项目名称", ("project", "project.name", "project_name", "项目名称")),
    "department": ("主管部门", ("department", "project.department", "主管部门", "主管部门名称")),
    "implementer": ("实施单位", ("implementer", "project.implementer", "实施单位", "实施单位名称")),
    "year": ("年度", ("year", "project.year", "年度", "预算年度")),
    "profile": ("评分规则", ("profile", "评分规则")),
    "ref": ("指标库编码", ("ref", "指标库编码")),
    "level1": ("一级指标", ("level1", "一级指标")),
    "level2": ("二级指标", ("level2", "二级指标")),
    "name": ("三级指标", ("name", "indicator", "三级指标", "三级指标名称", "指标名称")),
    "target": ("年度指标值", ("target", "年度指标值", "年度目标值", "指标值", "目标值")),
    "actual": ("实际完成值", ("actual", "实际完成值", "全年实际值", "实际值", "完成值")),
    "unit": ("计量单位", ("unit", "计量单位")),
    "weight": ("分值", ("weight", "分值", "权重")),
    "claimed_score": ("得分", ("claimed_score", "得分", "自评得分")),
    "ratio": ("得分系数", ("ratio", "得分系数")),
    "note": ("偏差原因分析及改进措施", ("note", "偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "未完成原因分析", "备注")),
    "definition": ("计算口径", ("definition", "计算口径", "指标解释")),
    "claimed_total": ("自评总分", ("claimed_total", "自评总分", "总分")),
    "claimed_grade": ("自评等级", ("claimed_grade", "自评等级", "等级")),
    "goal_target": ("年度总体目标", ("goal.target", "goal_target", "年度总体目标", "总体目标")),
    "goal_actual": ("总体目标完成情况", ("goal.actual", "goal_actual", "总体目标完成情况", "总体目标实际完成情况")),
    "money_unit": ("金额单位", ("funds.unit", "money_unit", "金额单位")),
}
FUNDS_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": MAIN_COLUMNS["code"],
    "project": MAIN_COLUMNS["project"],
    "source": ("资金来源", ("source", "name", "funds.sources.name", "资金来源", "资金来源名称", "资金名称")),
    "initial": ("年初预算数", ("initial", "年初预算数", "年初预算")),
    "budget": ("全年预算数", ("budget", "全年预算数", "调整后预算数", "全年预算")),
    "executed": ("全年执行数", ("executed", "全年执行数", "执行数", "实际支出数")),
    "claimed_score": ("执行率自评得分", ("claimed_score", "funds.claimed_score", "执行率得分", "执行率自评得分", "自评得分", "得分")),
    "note": ("执行偏低原因", ("note", "funds.note", "执行偏低原因", "执行率偏低原因", "原因说明", "说明")),
    "money_unit": MAIN_COLUMNS["money_unit"],
}
# project-level fields repeated on every row (or given on the first row of the project)
PROJECT_FIELDS = ("code", "project", "department", "implementer", "year", "profile",
                  "claimed_total", "claimed_grade", "goal_target", "goal_actual", "money_unit")
INDICATOR_FIELDS = ("ref", "level1", "level2", "name", "target", "actual", "unit", "weight",
                    "claimed_score", "ratio", "note", "definition")
_PERCENT_COLUMNS = ("target", "actual")
_MONEY_UNITS = ("万元", "元")
_BRACKET_TAIL = re.compile(r"[(（\[【]([^()（）\[\]【】]*)[)）\]】]$")


def _norm_header(h: Any) -> tuple[str, str | None]:
    """(normalised header, unit written in brackets or None)."""
    s = unicodedata.normalize("NFKC", str(h or "")).strip().lstrip("\ufeff")
    unit = None
    m = _BRACKET_TAIL.search(s)
    if m:
        unit = m.group(1).strip() or None
        s = s[: m.start()]
    return re.sub(r"\s+", "", s).lower(), unit


def _alias_map(spec: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    out = {}
    for key, (_, aliases) in spec.items():
        for a in aliases:
            out[_norm_header(a)[0]] = key
    return out


_MAIN_ALIASES = _alias_map(MAIN_COLUMNS)
_FUNDS_ALIASES = _alias_map(FUNDS_COLUMNS)


def is_table(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(TABLE_SUFFIXES)


def is_funds_table(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(FUNDS_SUFFIX)


def sibling_funds(path: str | os.PathLike) -> Path | None:
    """``x.csv`` → ``x.funds.csv`` when that file exists."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv"):
        return None
    cand = p.with_name(p.stem + FUNDS_SUFFIX)
    return cand if cand.is_file() else None


# ---------------------------------------------------------------------------
# Reading raw rows
# ---------------------------------------------------------------------------
@dataclass
class Sheet:
    """Rows of one table: (row number as Excel shows it, cell values) — header first."""

    file: str  # display name used in issues
    rows: list[tuple[int, list[Any]]]
    percent: dict[int, set[int]] = field(default_factory=dict)  # row -> columns formatted as %


class TableError(Exception):
    """A table that cannot be read at all (its message is the Chinese reason)."""


def _read_bytes(path: str | os.PathLike) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_TABLE_BYTES:
            raise TableError(f"文件大小 {size} 字节，超过表格上限 {MAX_TABLE_BYTES} 字节")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise TableError(os_error_zh(e)) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_rows(raw: bytes, file: str) -> Sheet:
    """Decode (UTF-8 / BOM / GBK-GB18030 / UTF-16) and split a CSV into numbered rows."""
    if not raw.strip():
        raise TableError("表格为空（没有表头）")
    text, _warning, err = decode(raw)
    if err:
        raise TableError(err)
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first), strict=True)
    rows: list[tuple[int, list[Any]]] = []
    n = 0
    try:
        for rec in reader:
            n += 1
            rows.append((n, rec))
    except csv.Error as e:
        raise TableError(f"CSV 格式错误（第 {n + 1} 行）：{e}") from None
    return Sheet(file, rows)


def _xlsx_value(cell: Any) -> tuple[Any, bool]:
    v = getattr(cell, "value", None)
    if isinstance(v, _dt.datetime):
        v = v.date().isoformat() if v.time() == _dt.time() else v.isoformat(sep=" ")
    elif isinstance(v, (_dt.date, _dt.time)):
        v = v.isoformat()
    pct = isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in str(getattr(cell, "number_format", "") or "")
    return v, pct


def read_xlsx_sheets(path: str | os.PathLike, file: str) -> tuple[Sheet, Sheet | None]:
    """(indicator sheet, funds sheet or None) of a workbook, read in streaming mode."""
    _read_bytes_size_check(path)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "cannot read"
        raise TableError(f"不是可读取的 .xlsx 工作簿（{type(e).__name__}: {str(e)[:120]}）") from None
    try:
        names = list(wb.sheetnames)
        if not names:
            raise TableError("工作簿中没有工作表")
        main_name = next((n for n in names if n.strip().lower() in MAIN_SHEETS), names[0])
        funds_name = next((n for n in names if n.strip().lower() in FUNDS_SHEETS and n != main_name), None)
        if funds_name is None:
            rest = [n for n in names if n != main_name]
            funds_name = rest[0] if rest else None
        main = _sheet(wb[main_name], file)
        funds = _sheet(wb[funds_name], f"{file}[{funds_name}]") if funds_name else None
        return main, funds
    except TableError:
        raise
    except Exception as e:  # noqa: BLE001
        raise TableError(f"读取工作簿失败（{type(e).__name__}: {str(e)[:120]}）") from None
    finally:
        wb.close()


def _read_bytes_size_check(path: str | os.PathLike) -> None:
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise TableError(os_error_zh(e)) from None
    if size > MAX_TABLE_BYTES:
        raise TableError(f"文件大小 {size} 字节，超过表格上限 {MAX_TABLE_BYTES} 字节")
    if size == 0:
        raise TableError("文件为空")


def _sheet(ws: Any, file: str) -> Sheet:
    rows: list[tuple[int, list[Any]]] = []
    percent: dict[int, set[int]] = {}
    for idx, row in enumerate(ws.iter_rows(), start=1):
        r = getattr(row[0], "row", None) if row else None
        n = r if isinstance(r, int) else idx
        vals = []
        for j, cell in enumerate(row):
            v, pct = _xlsx_value(cell)
            vals.append(v)
            if pct:
                percent.setdefault(n, set()).add(j)
        rows.append((n, vals))
    return Sheet(file, rows, percent)


# ---------------------------------------------------------------------------
# From rows to records
# ---------------------------------------------------------------------------
def _cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _pct_text(v: Any) -> Any:
    """A number formatted as a percentage in Excel (0.95 shown as 95%) → ``"95%"``."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = round(float(v) * 100, 10)
        return f"{int(x)}%" if x.is_integer() else f"{x:g}%"
    return v


@dataclass
class Record:
    line: int
    values: dict[str, Any]


@dataclass
class Parsed:
    """Records of one table plus what the header told us."""

    file: str
    records: list[Record]
    issues: list[Issue]
    money_unit: str | None = None


def _header(sheet: Sheet, aliases: dict[str, str], spec: dict, issues: list[Issue]) -> tuple[int, dict[int, str], str | None]:
    """(index of the header row in ``sheet.rows``, column → key, money unit from a header)."""
    hi = next((i for i, (_, r) in enumerate(sheet.rows) if any(_cell(c) is not None for c in r)), None)
    if hi is None:
        raise TableError("表格为空（没有表头）")
    line, header = sheet.rows[hi]
    cols: dict[int, str] = {}
    unknown, dup = [], []
    unit = None
    for j, h in enumerate(header):
        if _cell(h) is None:
            continue
        key_text, bracket = _norm_header(h)
        key = aliases.get(key_text)
        if key is None:
            unknown.append(str(h).strip())
        elif key in cols.values():
            dup.append(str(h).strip())
        else:
            cols[j] = key
            if bracket in _MONEY_UNITS and key in ("initial", "budget", "executed"):
                unit = bracket
    if unknown or dup:
        what = "、".join(f"“{x}”" for x in unknown) + ("" if not dup else ("；重复的列 " + "、".join(f"“{x}”" for x in dup)))
        issues.append(make_issue("PE504", file=sheet.file, line=line, columns=what))
    return hi, cols, unit


def _records(sheet: Sheet, hi: int, cols: dict[int, str], fill_keys: tuple[str, ...]) -> list[Record]:
    """Data rows as records; rows without a project code or name continue the project above."""
    out: list[Record] = []
    prev: dict[str, Any] | None = None
    for line, row in sheet.rows[hi + 1:]:
        pct = sheet.percent.get(line, ())
        vals: dict[str, Any] = {}
        for j, key in cols.items():
            if j >= len(row):
                continue
            v = row[j]
            if j in pct and key in _PERCENT_COLUMNS:
                v = _pct_text(v)
            v = _cell(v)
            if v is not None:
                vals[key] = v
        if not vals:
            continue  # blank row
        if prev is not None and vals.get("code") is None and vals.get("project") is None:
            # merged cells exported as blanks: the row belongs to the project above
            for k in fill_keys:
                if k in prev and k not in vals:
                    vals[k] = prev[k]
            vals["_filled"] = True
        prev = vals
        out.append(Record(line, vals))
    return out


def parse_main(sheet: Sheet) -> Parsed:
    issues: list[Issue] = []
    hi, cols, unit = _header(sheet, _MAIN_ALIASES, MAIN_COLUMNS, issues)
    have = set(cols.values())
    missing = []
    if not have & {"code", "project"}:
        missing.append("项目编码或项目名称")
    for key in ("department", "year", "target"):
        if key not in have:
            missing.append(MAIN_COLUMNS[key][0])
    if not have & {"name", "ref"}:
        missing.append("三级指标（或指标库编码）")
    if missing:
        raise _MissingColumns(sheet.file, sheet.rows[hi][0], missing)
    return Parsed(sheet.file, _records(sheet, hi, cols, PROJECT_FIELDS), issues, unit)


def parse_funds(sheet: Sheet) -> Parsed:
    issues: list[Issue] = []
    hi, cols, unit = _header(sheet, _FUNDS_ALIASES, FUNDS_COLUMNS, issues)
    have = set(cols.values())
    missing = []
    if not have & {"code", "project"}:
        missing.append("项目编码或项目名称")
    for key in ("source", "budget", "executed"):
        if key not in have:
            missing.append(FUNDS_COLUMNS[key][0])
    if missing:
        raise _MissingColumns(sheet.file, sheet.rows[hi][0], missing)
    return Parsed(sheet.file, _records(sheet, hi, cols, ("code", "project", "money_unit")), issues, unit)


class _MissingColumns(Exception):
    def __init__(self, file: str, line: int, missing: list[str]):
        self.issue = make_issue("PE500", file=file, line=line, columns="、".join(missing))
        super().__init__(self.issue.message)


# ---------------------------------------------------------------------------
# Records to submissions
# ---------------------------------------------------------------------------
def _key(values: dict[str, Any]) -> tuple[str, str] | None:
    code = values.get("code")
    if code is not None:
        return ("code", str(code))
    name = values.get("project")
    if name is not None:
        return ("name", str(name))
    return None


@dataclass
class TableSubmission:
    """One project of a table, ready for ``pipeline.prepare_one``."""

    loaded: Loaded
    line: int  # first row of the project in the main table (or in the funds table)
    funds_file: str | None
    orphan: bool = False  # funds rows without any indicator row: reported (PE506), never scored


@dataclass
class TableResult:
    file: str
    submissions: list[TableSubmission]
    issues: list[Issue]  # about the table as a whole (unknown columns; unreadable; missing columns)
    readable: bool = True


def _group(records: list[Record]) -> dict[tuple, list[Record]]:
    """Rows by project: by code; a row with a name but no code joins the coded project of that name."""
    groups: dict[tuple, list[Record]] = {}
    coded: dict[str, tuple] = {}
    for rec in records:
        k = _key(rec.values) or ("row", str(rec.line))
        name = rec.values.get("project")
        if k[0] == "code" and name is not None:
            coded.setdefault(str(name), k)
        elif k[0] == "name":
            k = coded.get(k[1], k)
        groups.setdefault(k, []).append(rec)
    return groups


def _project_value(field_: str, recs: list[Record], zh: str, ld_issues: list[Issue], file: str, line_of: int = 0) -> tuple[Any, int | None]:
    """First non-empty value of a project-level field; a different value later is an error (PE505)."""
    first_val, first_line = None, None
    for rec in recs:
        v = rec.values.get(field_)
        if v is None:
            continue
        if first_val is None:
            first_val, first_line = v, rec.line
        elif str(v) != str(first_val) and not rec.values.get("_filled"):
            ld_issues.append(make_issue("PE505", file=file, line=rec.line + line_of, field=zh, value=str(v)[:60],
                                        first=first_line, other=str(first_val)[:60]))
    return first_val, (first_line + line_of if first_line is not None else None)


def _submission(file: str, recs: list[Record], funds: list[Record], funds_file: str | None,
                money_unit: str | None, no_funds_reason: str | None) -> TableSubmission:
    issues: list[Issue] = []
    lines: dict[int, tuple[int, dict[Any, int]]] = {}
    main_first = recs[0].line if recs else None
    first = main_first if main_first is not None else FUNDS_LINE + funds[0].line
    data: dict[str, Any] = {"perfeval": 1}
    top_lines: dict[Any, int] = {"perfeval": first}

    def pv(key: str, zh: str) -> Any:
        v, ln = _project_value(key, recs, zh, issues, file)
        if v is None and funds and key in ("code", "project", "money_unit"):
            v, ln = _project_value(key, funds, zh, issues, funds_file or file, FUNDS_LINE)
        return v, ln

    profile, ln = pv("profile", "评分规则")
    if profile is not None:
        data["profile"] = profile
        top_lines["profile"] = ln
    project: dict[str, Any] = {}
    p_lines: dict[Any, int] = {}
    for key, yaml_key, zh in (("project", "name", "项目名称"), ("code", "code", "项目编码"), ("year", "year", "年度"),
                              ("department", "department", "主管部门"), ("implementer", "implementer", "实施单位")):
        v, ln = pv(key, zh)
        if v is not None:
            project[yaml_key] = v
            p_lines[yaml_key] = ln
    data["project"] = project
    top_lines["project"] = first
    lines[id(project)] = (first, p_lines)

    # funds
    funds_d: dict[str, Any] = {}
    f_first = FUNDS_LINE + funds[0].line if funds else first
    f_lines: dict[Any, int] = {}
    unit, ln = pv("money_unit", "金额单位")
    unit = unit or money_unit
    if unit is not None:
        funds_d["unit"] = unit
        f_lines["unit"] = ln or f_first
    sources = []
    for rec in funds:
        src: dict[str, Any] = {}
        s_lines: dict[Any, int] = {}
        for key, yaml_key in (("source", "name"), ("initial", "initial"), ("budget", "budget"), ("executed", "executed")):
            v = rec.values.get(key)
            if v is not None:
                src[yaml_key] = v
                s_lines[yaml_key] = FUNDS_LINE + rec.line
        sources.append(src)
        lines[id(src)] = (FUNDS_LINE + rec.line, s_lines)
    funds_d["sources"] = sources
    f_lines["sources"] = f_first
    for key, zh in (("claimed_score", "执行率自评得分"), ("note", "执行偏低原因")):
        v, ln = _project_value(key, funds, zh, issues, funds_file or file, FUNDS_LINE)
        if v is not None:
            funds_d[key] = v
            f_lines[key] = ln
    data["funds"] = funds_d
    top_lines["funds"] = f_first
    lines[id(funds_d)] = (f_first, f_lines)
    if not funds:
        name = project.get("name") or project.get("code") or "（未命名）"
        issues.append(make_issue("PE503", file=file, line=first, project=name, reason=no_funds_reason or "资金表中没有该项目的行"))

    goal: dict[str, Any] = {}
    g_lines: dict[Any, int] = {}
    for key, yaml_key, zh in (("goal_target", "target", "年度总体目标"), ("goal_actual", "actual", "总体目标完成情况")):
        v, ln = pv(key, zh)
        if v is not None:
            goal[yaml_key] = v
            g_lines[yaml_key] = ln
    if goal:
        data["goal"] = goal
        top_lines["goal"] = min(g_lines.values())
        lines[id(goal)] = (top_lines["goal"], g_lines)

    indicators = []
    for rec in recs:
        ind: dict[str, Any] = {}
        i_lines: dict[Any, int] = {}
        for key in INDICATOR_FIELDS:
            v = rec.values.get(key)
            if v is not None:
                ind[key] = v
                i_lines[key] = rec.line
        indicators.append(ind)
        lines[id(ind)] = (rec.line, i_lines)
    data["indicators"] = indicators
    top_lines["indicators"] = first
    for key, zh in (("claimed_total", "自评总分"), ("claimed_grade", "自评等级")):
        v, ln = pv(key, zh)
        if v is not None:
            data[key] = v
            top_lines[key] = ln
    lines[id(data)] = (first, top_lines)
    orphan = not recs
    if orphan:
        name = project.get("name") or project.get("code") or "（未命名）"
        issues.append(make_issue("PE506", file=funds_file or file, line=FUNDS_LINE + funds[0].line, project=name))
    ld = Loaded(file=file, data=data, issues=issues, lines=lines)
    line = main_first if main_first is not None else funds[0].line
    return TableSubmission(ld, line, funds_file if funds else None, orphan)


def build_submissions(main: Parsed, funds: Parsed | None, no_funds_reason: str | None = None) -> list[TableSubmission]:
    """One submission per project of ``main`` (and per funds-only project of ``funds``), in table order."""
    groups = _group(main.records)
    funds_groups = _group(funds.records) if funds else {}
    # a project with a code is looked up by code, else by name; names also match funds rows keyed by code
    funds_by_name: dict[str, tuple] = {}
    for k, recs in funds_groups.items():
        n = recs[0].values.get("project")
        if n is not None:
            funds_by_name.setdefault(str(n), k)
    used: set[tuple] = set()
    out = []
    for k, recs in groups.items():
        fk = k if k in funds_groups else None
        if fk is None and k[0] == "code":
            n = recs[0].values.get("project")
            cand = funds_by_name.get(str(n)) if n is not None else None
            if cand is not None and cand[0] == "name":
                fk = cand
        if fk is None and k[0] == "name":
            fk = funds_by_name.get(k[1])
        if fk in used:
            fk = None
        f_recs = funds_groups.get(fk, []) if fk else []
        if fk:
            used.add(fk)
        out.append(_submission(main.file, recs, f_recs, funds.file if funds else None, main.money_unit or (funds.money_unit if funds else None), no_funds_reason))
    for k, f_recs in funds_groups.items():
        if k not in used:  # funds for a project that has no indicator rows: still accounted for
            out.append(_submission(main.file, [], f_recs, funds.file, funds.money_unit, no_funds_reason))
    return out


def _parse_or_issue(fn, sheet: Sheet) -> tuple[Parsed | None, Issue | None]:
    try:
        return fn(sheet), None
    except _MissingColumns as e:
        return None, e.issue
    except TableError as e:
        return None, make_issue("PE501", file=sheet.file, reason=str(e))


def read_table(
    path: str | os.PathLike,
    display: str | None = None,
    funds: str | os.PathLike | None = None,
    funds_display: str | None = None,
) -> TableResult:
    """Read a CSV or XLSX long table into submissions (never raises for bad input).

    ``funds`` is the funds table for a CSV (default: the sibling ``<stem>.funds.csv``);
    a workbook keeps its funds in a second sheet.
    """
    file = display or str(path)
    try:
        if str(path).lower().endswith((".xlsx", ".xlsm")):
            main_sheet, funds_sheet = read_xlsx_sheets(path, file)
            reason = "工作簿中没有资金工作表（应命名为“资金”，或作为第二个工作表）" if funds_sheet is None else None
        else:
            main_sheet = read_csv_rows(_read_bytes(path), file)
            if funds is None:
                funds = sibling_funds(path)
            funds_sheet = None
            reason = None
            if funds is None:
                reason = f"未找到资金表（应为同目录下的 {Path(path).stem}{FUNDS_SUFFIX}，或用 --funds 指定）"
            else:
                fd = funds_display or str(funds)
                try:
                    funds_sheet = read_csv_rows(_read_bytes(funds), fd)
                except TableError as e:
                    return TableResult(file, [], [make_issue("PE501", file=fd, reason=str(e))], readable=False)
    except TableError as e:
        return TableResult(file, [], [make_issue("PE501", file=file, reason=str(e))], readable=False)
    main, bad = _parse_or_issue(parse_main, main_sheet)
    if bad:
        return TableResult(file, [], [bad], readable=False)
    fparsed = None
    if funds_sheet is not None:
        fparsed, bad = _parse_or_issue(parse_funds, funds_sheet)
        if bad:
            return TableResult(file, [], main.issues + [bad], readable=False)
    subs = build_submissions(main, fparsed, reason)
    issues = main.issues + (fparsed.issues if fparsed else [])
    if not subs:
        issues.append(make_issue("PE501", file=file, reason="表格只有表头，没有数据行"))
        return TableResult(file, [], issues, readable=False)
    return TableResult(file, subs, issues)


def locate(issue_line: int | None, funds_file: str | None, file: str) -> tuple[str, int | None]:
    """(file, line) of an issue raised on a table submission (funds rows are offset by FUNDS_LINE)."""
    if issue_line is not None and issue_line >= FUNDS_LINE:
        return (funds_file or file), issue_line - FUNDS_LINE
    return file, issue_line


__all__ = [
    "FUNDS_LINE", "MAIN_COLUMNS", "FUNDS_COLUMNS", "TableResult", "TableSubmission", "read_table",
    "is_table", "is_funds_table", "sibling_funds", "locate", "build_submissions",
]

