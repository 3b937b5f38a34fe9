"""Find every 项目支出绩效自评表 in a grid and map it to submission format v1.

Recognition works from the *words* of the layout, never from positions:

1. An **indicator header row** is a row with cells reading 一级指标, 二级指标 and 三级指标 (after
   removing spaces, line breaks and bracketed notes such as “（A）”).  Each such row starts one form.
   If the same row also has a 项目名称 / 项目编码 / 主管部门 column, every row carries its own project:
   that is a long table (:mod:`perfeval.declare.tables`), not a form.
2. The other columns of that row are matched by header words with synonyms (年度指标值 / 指标值 /
   年度目标值 …; 实际完成值 / 全年实际值 / 实际值 …; 分值 / 权重; 得分 / 自评得分; 偏差原因分析 …;
   Sichuan's 指标性质 + 指标值 + 度量单位).  Indicator rows follow until a footer label (总分, 合计,
   等级, 评价结论, 填报人 …) or the next form; 一级/二级 cells that are blank (merged or left empty)
   inherit the value above.
3. Above the header row, up to the previous form: the 项目资金 block (a row with 预算数/执行数 headers,
   then 年度资金总额 and the 其中 rows), the 年度总体目标 block, the 项目名称 / 主管部门 / 实施单位
   label cells (value = the next different cell to the right), the year (“（2022年度）” in the title or
   a 年度 cell) and the money unit (“单位：万元”, “项目资金（万元）”).
4. Below the indicators: 总分 (claimed total), 等级 (claimed grade), and the Sichuan 评价结论 / 存在问题 /
   改进措施 rows.

The department's printed 得分 is its claim (``claimed_score``); when a 自评得分 column is present as
well (perfeval's own rendering prints its computed 得分 beside it) the 自评得分 column is the claim.
Every field read gets the (row, column) it came from; every cell inside the form's indicator rows
that is not read is reported, so nothing is silently dropped.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .grids import Grid

# ---------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------
_BRACKETS = re.compile(r"[（(\[【][^）)\]】]{0,12}[）)\]】]")
_SPACE = re.compile(r"[\s\u3000\xa0]+")


def norm(v: Any) -> str:
    """Header text for matching: NFKC, no spaces, no bracketed notes, no trailing colon."""
    if v is None or isinstance(v, (int, float)) and not isinstance(v, bool):
        return ""
    s = unicodedata.normalize("NFKC", str(v))
    s = _SPACE.sub("", s)
    s = _BRACKETS.sub("", s)
    return s.rstrip(":：")


_WRAPPED = re.compile(r"(.?)[ \t\u3000]*\r?\n[ \t\u3000]*(.?)")
_JOINS = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9%％.≥≤=<>≧≦＞＜═/（）()]")


def oneline(s: str) -> str:
    """A cell's text typed on several lines ("社会效益\n指标", "≥1200\n人") as the one line it means: a line
    break between Chinese characters, digits or signs is dropped, between two Latin words it is a space."""
    if "\n" not in s:
        return s

    def join(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        return a + ("" if not a or not b or _JOINS.match(a) or _JOINS.match(b) else " ") + b

    return _WRAPPED.sub(join, s).strip()


def text(v: Any) -> str:
    """Cell content as text (numbers without a spurious .0; a date as 2024-11-30)."""
    if v is None:
        return ""
    if isinstance(v, datetime.datetime):
        return v.date().isoformat() if v.time() == datetime.time() else v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return ""
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    s = str(v).strip()
    if s.startswith("'") and len(s) > 1:  # Excel's text prefix (and perfeval's own safe_cell)
        s = s[1:]
    return s


IND_KEYS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "三级指标名称", "绩效指标名称"),
    "nature": ("指标性质", "指标类型", "比较方式", "符号"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "年度设定指标值", "预期指标值", "预期目标值",
               "年度预期指标值", "年度绩效指标值", "计划指标值", "指标目标值", "预期值", "年度指标"),
    "unit": ("度量单位", "计量单位", "单位"),
    "actual": ("实际完成值", "全年实际值", "实际值", "完成值", "全年完成值", "实际完成", "实际完成情况",
               "单项指标实际完成值", "年度实际完成值", "实际达到值", "完成情况"),
    "weight": ("分值", "权重", "指标分值", "标准分值", "分数", "权重分"),
    "claimed": ("得分", "自评得分", "单项指标得分", "评分", "实际得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "未完成原因分析", "未完成原因",
             "原因分析及改进措施", "原因分析", "偏差原因及改进措施", "备注", "说明"),
    "rate": ("完成率", "完成比率", "指标完成率", "单项指标完成情况"),
    # computed from the others and not read (Hebei: 折算得分 = 单项指标得分 × 权重占比); listed so they are not PE164
    "derived": ("权重占比", "折算得分", "单项指标折算得分", "加权得分", "折算分"),
}
# a header that only contains one of these words (fallback when no exact synonym matched)
IND_CONTAINS: tuple[tuple[str, str], ...] = (
    ("note", "原因"), ("target", "指标值"), ("target", "目标值"), ("actual", "实际"), ("weight", "分值"),
    ("weight", "权重"), ("claimed", "得分"), ("rate", "完成率"),
)
PROJECT_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称",),
    "code": ("项目编码", "项目代码"),
    "department": ("主管部门", "项目主管单位", "主管单位", "主管部门名称", "项目主管部门", "主管部门及代码"),
    "implementer": ("实施单位", "项目实施单位", "实施单位名称", "预算单位", "单位名称"),
    "year": ("年度", "预算年度", "项目年度", "评价年度"),
}
LONG_TABLE_HEADERS = {"项目名称", "项目编码", "项目代码", "主管部门", "主管部门名称"}
FUND_KEYS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "年初预算金额", "年初批复数", "年初预算安排"),
    "budget": ("全年预算数", "调整后预算数", "预算数", "全年预算", "调整后预算", "全年预算金额", "预算金额", "批复预算数",
               "全年批复数", "全年预算数A"),
    "executed": ("全年执行数", "执行数", "预算执行数", "实际完成数", "实际执行数", "实际支出数", "全年实际执行数",
                 "实际支出", "全年执行", "全年执行数B", "支出数"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率", "执行率B/A"),
    "claimed": ("得分", "自评得分"),
    "note": ("原因", "执行偏低原因", "偏差原因", "原因说明", "偏差原因分析", "说明", "备注"),
}
TOTAL_LABELS = ("年度资金总额", "资金总额", "总额", "合计", "年度财政资金总额", "资金合计", "年度资金总计")
FOOTER_TOTAL = ("总分", "合计", "总计", "合计得分", "总得分", "自评总分", "综合得分")
FOOTER_GRADE = ("等级", "自评等级", "评价等级", "绩效等级", "评价结果等级")
NARRATIVE = {"评价结论": "conclusion", "存在问题": "problems", "改进措施": "suggestions", "主要问题": "problems",
             "存在的问题": "problems", "改进建议": "suggestions", "自评结论": "conclusion",
             # Hubei and other layouts: the deviation / improvement rows under the indicators (text kept for audit)
             "偏差大或目标未完成原因分析": "problems", "目标未完成原因分析": "problems", "偏差原因分析": "problems",
             "存在问题及原因分析": "problems", "改进措施及结果应用方案": "suggestions", "改进措施及建议": "suggestions",
             "整改措施": "suggestions"}
#: a footer cell holding label and text together ("偏差大或目标未完成原因分析：无")
_LABELLED = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, NARRATIVE), key=len, reverse=True)) + r")\s*[:：]\s*(\S.*)$", re.S)
FOOTER_WORDS = ("填报人", "填表人", "联系电话", "填报日期", "填表日期", "审核人", "负责人", "日期", "注:", "注：", "说明:",
                "说明：", "备注:", "备注：", "单位负责人", "财务负责人")
GOAL_TARGET = ("预期目标", "年度设定目标", "项目年度目标", "年度目标", "总体目标", "绩效目标", "年初设定目标", "预期总体目标")
GOAL_ACTUAL = ("实际完成情况", "年度目标完成情况", "总体目标完成情况", "目标完成情况", "完成情况", "实际完成")
GOAL_BLOCK = ("年度总体目标", "总体目标", "项目基本情况", "年度总体目标完成情况", "绩效目标")
SECTION_WORDS = ("年度总体目标", "绩效指标", "一级指标", "项目基本情况", "项目名称", "主管部门", "实施单位", "项目资金",
                 "预算执行情况")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度")
_YEAR_ANY = re.compile(r"^((?:19|20)\d\d)\s*年?$")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
_UNIT_PAREN = re.compile(r"[（(](万元|元)[）)]")
_SOURCE_PREFIX = re.compile(r"^\s*(?:其中\s*[:：]?|其\s*中\s*[:：]?)\s*")
_COMPARATORS = {"≥": "≥", ">=": "≥", "≧": "≥", "＞＝": "≥", "≤": "≤", "<=": "≤", "≦": "≤", "＜＝": "≤", "=": "=", "＝": "=",
                "═": "=", "﹦": "=", ">": ">", "＞": ">", "<": "<", "＜": "<"}
_QUAL_NATURE = ("定性", "定性指标")
_GRADES = "优良中差"


def _match(h: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for key, words in table.items():
        if h in words:
            return key
    return None


@dataclass
class Field:
    value: Any
    at: tuple[int, int] | None  # (i, j) in the grid


@dataclass
class Form:
    """One recognised form: v1 data, the cell each key path came from, and what was noticed."""

    grid: Grid
    data: dict
    cells: dict[tuple, tuple[int, int]]  # key path -> (i, j)
    notes: list[tuple[str, tuple[int, int] | None, dict]] = field(default_factory=list)  # (code, cell, params)
    first_row: int = 0
    header_row: int = 0
    header_cols: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# helpers on rows
# ---------------------------------------------------------------------------
def _row_norms(row: list[Any]) -> list[str]:
    return [norm(v) if isinstance(v, str) else "" for v in row]


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _distinct_right(row: list[Any], j: int, stop_words: tuple[str, ...] = ()) -> tuple[Any, int] | None:
    """The first non-empty cell right of ``j`` whose value differs from cell ``j`` (merged copies skipped)."""
    me = row[j]
    for k in range(j + 1, len(row)):
        v = row[k]
        if _is_empty(v) or v == me:
            continue
        if stop_words and norm(v) in stop_words:
            return None
        return v, k
    return None


def _col_key(h: str, table: dict[str, tuple[str, ...]], contains: tuple[tuple[str, str], ...] = ()) -> str | None:
    key = _match(h, table)
    if key is None and len(h) <= 14:
        for k2, word in contains:
            if word in h:
                return k2
    return key


def _header_span(g: Grid, i: int, table: dict[str, tuple[str, ...]], contains: tuple[tuple[str, str], ...] = (),
                 copy_cols: tuple[int, ...] = ()) -> tuple[list[str], int]:
    """A header over one to three rows, read as paths (top label / sub label).

    Row ``i`` is the top header row.  A row below it continues the header when every non-empty cell is either a
    copy of the cell above (a vertical merge expanded) or a header word of ``table``, and at least one is new;
    the cells of ``copy_cols`` (三级指标) must be empty or copies.  Each column's header is the deepest label of
    its path that names a column (年度指标值 under a merged 绩效指标; 单项指标得分 under 自评得分), else the
    top one.  Returns (header per column, number of header rows below ``i``: 0–2).
    """
    rows = g.rows
    depth = 0
    for d in (1, 2):
        r = i + d
        if r >= len(rows):
            break
        row, new, ok = rows[r], False, True
        for j, v in enumerate(row):
            if _is_empty(v) or any(j < len(rows[i + k]) and rows[i + k][j] == v for k in range(d)):
                continue
            h = norm(v) if isinstance(v, str) else ""
            if j in copy_cols or not h or _col_key(h, table, contains) is None:
                ok = False
                break
            new = True
        if not ok or not new:
            break
        depth = d
    top = _row_norms(rows[i])
    if depth == 0:
        return top, 0
    width = max(len(rows[i + k]) for k in range(depth + 1))
    eff = []
    for j in range(width):
        path: list[str] = []
        for k in range(depth + 1):
            v = rows[i + k][j] if j < len(rows[i + k]) else None
            h = norm(v) if isinstance(v, str) else ""
            if h and (not path or path[-1] != h):
                path.append(h)
        eff.append(next((h for h in reversed(path) if _col_key(h, table, contains) is not None), path[0] if path else ""))
    return eff, depth


def _headers(g: Grid) -> list[tuple[int, dict[str, int], bool, int]]:
    """(row index, column map, is_long_table, header rows below it) of each indicator header."""
    out: list[tuple[int, dict[str, int], bool, int]] = []
    for i, row in enumerate(g.rows):
        if out and i <= out[-1][0] + out[-1][3]:
            continue  # the lower rows of a header already read (merged 一级指标 copies)
        ns = _row_norms(row)
        if "一级指标" not in ns or "三级指标" not in ns and "三级指标名称" not in ns:
            continue
        name_cols = tuple(j for j, h in enumerate(ns) if h in IND_KEYS["name"])
        ns, depth = _header_span(g, i, IND_KEYS, IND_CONTAINS, name_cols)
        cols: dict[str, int] = {}
        long_table = False
        claimed_cols: list[tuple[str, int]] = []
        for j, h in enumerate(ns):
            if not h:
                continue
            if h in LONG_TABLE_HEADERS:
                long_table = True
            key = _col_key(h, IND_KEYS, IND_CONTAINS)
            if key is None:
                continue
            if key == "claimed":
                claimed_cols.append((h, j))
                continue
            if key == "derived":
                cols[f"derived{j}"] = j  # every such column is known (not read, not PE164)
                continue
            cols.setdefault(key, j)
        if claimed_cols:
            own = [j for h, j in claimed_cols if h == "自评得分"]
            cols["claimed"] = own[0] if own else claimed_cols[0][1]
            if own and len(claimed_cols) > 1:
                cols["computed"] = next(j for h, j in claimed_cols if j != own[0])
        if "level1" in cols and "name" in cols:
            out.append((i, cols, long_table, depth))
    return out


def indicator_header_rows(g: Grid) -> list[tuple[int, dict[str, int], bool]]:
    """(row index, column map, is_long_table) of each indicator header row."""
    return [(i, c, lt) for i, c, lt, _ in _headers(g)]


def is_long_table(g: Grid) -> bool:
    return any(lt for _, _, lt in indicator_header_rows(g))


def _label_of_row(row: list[Any], upto: int) -> tuple[str, int] | None:
    """The first non-empty text cell of a row at or left of column ``upto``."""
    for j in range(min(upto + 1, len(row))):
        v = row[j]
        if isinstance(v, str) and v.strip():
            return norm(v), j
    return None


def _starts(h: str, words: tuple[str, ...]) -> bool:
    return any(h.startswith(w) for w in words)


# ---------------------------------------------------------------------------
# the recogniser
# ---------------------------------------------------------------------------
def recognise(g: Grid) -> list[Form]:
    """All forms in a grid (empty list: none)."""
    headers = [(i, c, d) for i, c, lt, d in _headers(g) if not lt]
    # a header repeated on the next page (Word table split by a page break, PDF over two pages) with no footer
    # between continues the form above it: its rows are skipped, not read as a new form
    repeats: set[int] = set()
    k = 1
    while k < len(headers):
        (h0, c0, d0), (h1, c1, d1) = headers[k - 1], headers[k]
        if c0 == c1 and d0 == d1 and _indicator_end(g, h0, c0, h1) == h1:
            repeats.update(range(h1, h1 + d1 + 1))
            headers[k - 1:k + 1] = [(h0, c0, d0)]
            continue
        k += 1
    forms = []
    prev_end = 0
    for k, (hi, cols, depth) in enumerate(headers):
        next_hi = headers[k + 1][0] if k + 1 < len(headers) else len(g.rows)
        end = _indicator_end(g, hi, cols, next_hi)
        # the next form's top: its title/project/funds rows lie between this form's footer and its header
        foot_end = _footer_end(g, end, next_hi) if k + 1 < len(headers) else len(g.rows)
        forms.append(_form(g, prev_end, hi, cols, end, foot_end, depth, repeats))
        prev_end = foot_end
    return forms


def _indicator_end(g: Grid, hi: int, cols: dict[str, int], limit: int) -> int:
    """Row index after the last indicator row."""
    first_col = min(cols.values())
    i = hi + 1
    while i < limit:
        row = g.rows[i]
        lab = _label_of_row(row, max(cols.get("level1", 0), first_col))
        if lab is not None:
            h, _ = lab
            if (_starts(h, FOOTER_TOTAL) or _starts(h, FOOTER_GRADE) or h in NARRATIVE or _LABELLED.match(h) or _starts(h, FOOTER_WORDS)
                    or h in ("项目名称", "项目资金", "年度总体目标") or "自评表" in h):
                return i
        i += 1
    return limit


def _footer_end(g: Grid, end: int, next_hi: int) -> int:
    """Where the next form's top begins: the first title / 项目名称 / funds row after this form's footer."""
    for i in range(end, next_hi):
        ns = _row_norms(g.rows[i])
        for h in ns:
            if not h:
                continue
            if "自评表" in h or h in PROJECT_LABELS["name"] or h.startswith("项目资金") or _YEAR.search(h):
                return i
    return next_hi


def _form(g: Grid, top: int, hi: int, cols: dict[str, int], end: int, bottom: int, depth: int = 0,
          repeats: set[int] | frozenset[int] = frozenset()) -> Form:
    data: dict[str, Any] = {"perfeval": 1}
    cells: dict[tuple, tuple[int, int]] = {}
    notes: list = []
    f = Form(g, data, cells, notes, first_row=top, header_row=hi, header_cols=cols)
    _project(g, top, hi, f)
    _funds(g, top, hi, f)
    _goal(g, top, hi, f)
    _indicators(g, hi + depth, cols, end, f, repeats)
    _footer(g, end, bottom, cols, f)
    noted = {at for code, at, _ in notes if code == "PE161"}
    for (i, j), v in sorted(g.errors.items()):  # error cells the form does not read (执行率, 完成率 …) are listed too
        if top <= i < bottom and (i, j) not in noted:
            notes.append(("PE161", (i, j), {"value": v, "field": "未读取的单元格"}))
    return f


def _num(g: Grid, i: int, j: int) -> Any:
    """A money/score cell: numbers stay numbers, text is kept (the structure check reports bad text)."""
    v = g.rows[i][j] if j < len(g.rows[i]) else None
    if _is_empty(v):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v) if float(v) == int(v) and abs(v) < 1e15 else v
    s = text(v)
    s2 = unicodedata.normalize("NFKC", s).replace(",", "").replace(" ", "")
    for suffix in ("万元", "元", "分"):
        s2 = s2.removesuffix(suffix)
    if s2 in ("-", "—", "/", "－", "——", "无"):
        return None
    try:
        x = float(s2)
        return int(x) if x == int(x) and abs(x) < 1e15 else x
    except ValueError:
        return s


def _error_note(g: Grid, i: int, j: int, f: Form, what: str) -> None:
    if (i, j) in g.errors:
        f.notes.append(("PE161", (i, j), {"value": g.errors[(i, j)], "field": what}))


def _project(g: Grid, top: int, hi: int, f: Form) -> None:
    project: dict[str, Any] = {}
    f.data["project"] = project
    texts = list(g.context)
    for i in range(top, hi):
        row = g.rows[i]
        for j, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            h = norm(v)
            texts.append(v)
            key = _match(h, PROJECT_LABELS)
            if key is None or key in project:
                continue
            got = _distinct_right(row, j, tuple(w for ws in PROJECT_LABELS.values() for w in ws))
            if got is None:
                continue
            val, k = got
            if key == "year":
                m = _YEAR_ANY.match(text(val))
                if not m:
                    continue
                project["year"] = int(m.group(1))
            else:
                project[key] = text(val)
            f.cells[("project", key)] = (i, k)
    if "year" not in project:
        for t in texts:
            m = _YEAR.search(unicodedata.normalize("NFKC", t))
            if m:
                project["year"] = int(m.group(1))
                break
    order = ("name", "code", "year", "department", "implementer")
    f.data["project"] = {k: project[k] for k in order if k in project}
    unit = None
    for t in texts:
        t2 = unicodedata.normalize("NFKC", str(t))
        m = _UNIT.search(t2)
        if m:
            unit = m.group(1)
            break
    f.data["_unit"] = unit


def _funds(g: Grid, top: int, hi: int, f: Form) -> None:
    funds: dict[str, Any] = {}
    f.data["funds"] = funds
    hdr = None
    for i in range(top, hi):
        ns = _row_norms(g.rows[i])
        cols: dict[str, int] = {}
        for j, h in enumerate(ns):
            key = _match(h, FUND_KEYS)
            if key == "claimed" and h == "自评得分":
                cols["claimed"] = j  # beside a computed 得分 (perfeval's rendering), 自评得分 is the claim
            elif key and key not in cols:
                cols[key] = j
        if "budget" in cols and "executed" in cols:
            ns2, depth = _header_span(g, i, FUND_KEYS)
            if depth:  # 预算数 over 年初预算数 / 全年预算数: the sub labels name the columns
                cols = {}
                for j, h in enumerate(ns2):
                    key = _match(h, FUND_KEYS)
                    if key == "claimed" and h == "自评得分":
                        cols["claimed"] = j
                    elif key and key not in cols:
                        cols[key] = j
            hdr = (i, cols, depth)
            break
    unit = f.data.pop("_unit", None)
    if hdr is None:
        funds["unit"] = unit or "万元"
        funds["sources"] = []
        f.notes.append(("PE162", None, {}))
        return
    i0, cols, fdepth = hdr
    block_label = None
    for v in g.rows[i0]:
        if isinstance(v, str) and v.strip():
            block_label = v
            break
    for v in g.rows[i0]:
        m = _UNIT_PAREN.search(unicodedata.normalize("NFKC", str(v or "")))
        if m and unit is None:
            unit = m.group(1)
    funds["unit"] = unit or "万元"
    first_num = min(cols.values())
    sources = []
    total = None
    total_row = None
    for i in range(i0 + 1 + fdepth, hi):
        row = g.rows[i]
        label = None
        for j in range(first_num - 1, -1, -1):
            v = row[j] if j < len(row) else None
            if isinstance(v, str) and v.strip() and v != block_label:
                label = v
                break
        h = norm(label) if label else ""
        if label is None or any(h.startswith(w) for w in SECTION_WORDS) or h in GOAL_BLOCK or _match(h, {"x": GOAL_TARGET}):
            break
        vals = {k: _num(g, i, cols[k]) for k in ("initial", "budget", "executed") if k in cols}
        for k in ("initial", "budget", "executed"):
            if k in cols:
                _error_note(g, i, cols[k], f, f"资金“{text(label)}”的{ {'initial': '年初预算数', 'budget': '全年预算数', 'executed': '全年执行数'}[k]}")
        name = _SOURCE_PREFIX.sub("", text(label)).strip().strip("\u3000")
        if _starts(h, TOTAL_LABELS) or h in TOTAL_LABELS:
            total = {k: v for k, v in vals.items() if v is not None}
            total_row = i
            if "claimed" in cols:
                c = _num(g, i, cols["claimed"])
                if c is not None:
                    funds["claimed_score"] = c
                    f.cells[("funds", "claimed_score")] = (i, cols["claimed"])
            if "note" in cols:
                nv = text(g.rows[i][cols["note"]]) if cols["note"] < len(row) else ""
                if nv and nv not in ("-", "/", "无"):
                    funds["note"] = nv
                    f.cells[("funds", "note")] = (i, cols["note"])
            continue
        if all(v is None for v in vals.values()):
            continue  # an empty 其中 row (上年结转资金 with nothing in it)
        src = {"name": name}
        for k in ("initial", "budget", "executed"):
            if k in vals and vals[k] is not None:
                src[k] = vals[k]
        pos = len(sources)
        sources.append(src)
        f.cells[("funds", "sources", pos)] = (i, cols.get("budget", first_num))
        for k in ("initial", "budget", "executed"):
            if k in cols:
                f.cells[("funds", "sources", pos, k)] = (i, cols[k])
    if not sources and total:
        # only a 年度资金总额 row: it is the one source
        sources.append({"name": "年度资金总额", **total})
        f.cells[("funds", "sources", 0)] = (total_row, cols.get("budget", first_num))
        f.notes.append(("PE163", (total_row, first_num - 1 if first_num else 0), {}))
        total = None
    funds["sources"] = sources
    if total:
        funds["total"] = total
        f.cells[("funds", "total")] = (total_row, cols.get("budget", first_num))
        for k in total:
            f.cells[("funds", "total", k)] = (total_row, cols[k])
    f.cells[("funds",)] = (i0, first_num)


def _goal(g: Grid, top: int, hi: int, f: Form) -> None:
    for i in range(top, hi):
        ns = _row_norms(g.rows[i])
        tj = next((j for j, h in enumerate(ns) if h in GOAL_TARGET), None)
        aj = next((j for j, h in enumerate(ns) if h in GOAL_ACTUAL and (tj is None or j > tj)), None)
        if tj is not None and aj is not None:
            goal = {}
            for key, j in (("target", tj), ("actual", aj)):
                for i2 in range(i + 1, min(i + 4, hi)):
                    v = g.rows[i2][j] if j < len(g.rows[i2]) else None
                    if not _is_empty(v) and norm(v) not in GOAL_BLOCK:
                        goal[key] = text(v)
                        f.cells[("goal", key)] = (i2, j)
                        break
            if goal:
                f.data["goal"] = goal
            return
        bj = next((j for j, h in enumerate(ns) if h in GOAL_BLOCK), None)
        if bj is not None:
            row = g.rows[i]
            got = _distinct_right(row, bj)
            if got and norm(got[0]) not in GOAL_TARGET:
                goal = {"target": text(got[0])}
                f.cells[("goal", "target")] = (i, got[1])
                got2 = _distinct_right(row, got[1])
                if got2:
                    goal["actual"] = text(got2[0])
                    f.cells[("goal", "actual")] = (i, got2[1])
                f.data["goal"] = goal
                return


def _target(g: Grid, i: int, cols: dict[str, int]) -> tuple[Any, int | None]:
    row = g.rows[i]

    def cell(key: str) -> Any:
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    tv = cell("target")
    tj = cols.get("target")
    if tv is not None and isinstance(tv, (int, float)) and not isinstance(tv, bool) and (i, tj) in g.percent:
        tv = f"{_pct_num(tv)}%"
    nature = norm(cell("nature")) if "nature" in cols else ""
    unit = oneline(text(cell("unit"))) if "unit" in cols else ""
    t = oneline(text(tv))
    if "nature" in cols or "unit" in cols:
        if nature in _QUAL_NATURE:
            return t, tj
        op = _COMPARATORS.get(nature, "")
        if t and unit and not t.endswith(unit):
            t = t + unit
        if t and op and not any(t.startswith(c) for c in _COMPARATORS):
            t = op + t
        return t, tj
    return t, tj


def _pct_num(v: float) -> str:
    x = round(float(v) * 100, 10)
    return str(int(x)) if x == int(x) else repr(x)


def _indicators(g: Grid, hi: int, cols: dict[str, int], end: int, f: Form,
                repeats: set[int] | frozenset[int] = frozenset()) -> None:
    inds = []
    l1 = l2 = ""
    used = set(cols.values())
    for i in range(hi + 1, end):
        if i in repeats:
            continue  # the header repeated at the top of the next page
        row = g.rows[i]

        def cell(key: str, row=row) -> Any:
            j = cols.get(key)
            return row[j] if j is not None and j < len(row) else None

        v1, v2 = oneline(text(cell("level1"))), oneline(text(cell("level2")))
        name = oneline(text(cell("name")))
        if norm(v1) in ("一级指标",):  # a repeated header row (page break)
            continue
        target, tj = _target(g, i, cols)
        actual_v = cell("actual")
        aj = cols.get("actual")
        if isinstance(actual_v, (int, float)) and not isinstance(actual_v, bool) and aj is not None and (i, aj) in g.percent:
            actual = f"{_pct_num(actual_v)}%"
        else:
            actual = oneline(text(actual_v))
        weight = _num(g, i, cols["weight"]) if "weight" in cols else None
        claimed = _num(g, i, cols["claimed"]) if "claimed" in cols else None
        note = text(cell("note"))
        if v1 and v1 != l1:
            l1, l2 = v1, ""
        if v2:
            l2 = v2
        content = [name, target, actual]
        if not any(content) and weight is None and claimed is None:
            continue  # a level-only row or an empty template row
        ind: dict[str, Any] = {"level1": l1, "level2": l2, "name": name, "target": target}
        if actual:
            ind["actual"] = actual
        if weight is not None:
            ind["weight"] = weight
        if claimed is not None:
            ind["claimed_score"] = claimed
        if note:
            ind["note"] = note
        pos = len(inds)
        inds.append(ind)
        if i in g.hidden_rows or g.hidden_cols & {cols[k] for k in ("name", "target", "actual", "weight", "claimed") if k in cols}:
            hid = i in g.hidden_rows
            f.notes.append(("PE166", (i, cols["name"]), {"what": "行" if hid else "列", "indicator": name}))
        f.cells[("indicators", pos)] = (i, cols["name"])
        for key, ck in (("level1", "level1"), ("level2", "level2"), ("name", "name"), ("target", "target"),
                        ("actual", "actual"), ("weight", "weight"), ("claimed_score", "claimed"), ("note", "note")):
            if ck in cols:
                f.cells[("indicators", pos, key)] = (i, cols[ck] if key != "target" or tj is None else tj)
        for key, ck in (("target", "target"), ("actual", "actual"), ("weight", "weight"), ("claimed_score", "claimed")):
            if ck in cols:
                _error_note(g, i, cols[ck], f, f"指标“{name}”的{ {'target': '年度指标值', 'actual': '实际完成值', 'weight': '分值', 'claimed_score': '得分'}[key]}")
        # anything written in a column the form does not have a meaning for is listed, never dropped silently
        for j, v in enumerate(row):
            if j in used or _is_empty(v) or (j > 0 and row[j - 1] == v and (j - 1) in used):
                continue
            if j < min(used):
                continue  # the block label (绩效指标) merged down the left edge
            f.notes.append(("PE164", (i, j), {"value": text(v)[:40]}))
    f.data["indicators"] = inds
    if "weight" not in cols and inds:
        # no 分值 column: every weight is the rule's (equal shares within each 一级指标), not the department's
        f.notes.append(("PE165", (f.header_row, cols["name"]), {"count": len(inds)}))


def _footer(g: Grid, end: int, bottom: int, cols: dict[str, int], f: Form) -> None:
    score_col = cols.get("claimed")
    for i in range(end, bottom):
        row = g.rows[i]
        lab = _label_of_row(row, max(cols.values()))
        if lab is None:
            continue
        h, j = lab
        if _starts(h, FOOTER_TOTAL) and "claimed_total" not in f.data:
            if score_col is not None:
                v = _num(g, i, score_col)
                if v is not None:
                    f.data["claimed_total"] = v
                    f.cells[("claimed_total",)] = (i, score_col)
                    _error_note(g, i, score_col, f, "总分")
        elif _starts(h, FOOTER_GRADE) and "claimed_grade" not in f.data:
            got = _distinct_right(row, j)
            if got:
                s = text(got[0])
                m = re.search(r"自评[:：]\s*([优良中差])", s)
                grade = m.group(1) if m else next((ch for ch in s if ch in _GRADES), None)
                if grade:
                    f.data["claimed_grade"] = grade
                    f.cells[("claimed_grade",)] = (i, got[1])
        elif h in NARRATIVE:
            got = _distinct_right(row, j)
            if got:
                _narrative(f, NARRATIVE[h], text(got[0]), (i, got[1]))
        elif isinstance(row[j], str) and _LABELLED.match(row[j]):
            m = _LABELLED.match(row[j])
            _narrative(f, NARRATIVE[norm(m.group(1))], m.group(2).strip(), (i, j))


def _narrative(f: Form, key: str, value: str, at: tuple[int, int]) -> None:
    """A footer text (评价结论, 偏差原因分析 …); two rows of the same kind are joined, never one dropped."""
    n = f.data.setdefault("narrative", {})
    if key in n:
        n[key] = f"{n[key]}\n{value}"
        return
    n[key] = value
    f.cells[("narrative", key)] = at


def submission(form: Form) -> dict:
    """The v1 submission dict in the documented key order."""
    d = form.data
    out: dict[str, Any] = {"perfeval": 1, "project": d.get("project", {}), "funds": d.get("funds", {})}
    if d.get("goal"):
        out["goal"] = d["goal"]
    out["indicators"] = d.get("indicators", [])
    for k in ("claimed_total", "claimed_grade", "narrative"):
        if k in d:
            out[k] = d[k]
    return out
