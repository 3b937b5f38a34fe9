"""The 决算 tables a .docx/.pdf report carries, as the table checks see them.

A :class:`~perfeval.office.grids.Grid` (the office reader's cells, merged cells expanded) becomes a
:class:`Table`: its title (the caption above: "收入支出决算总表", "公开01表"), its kind (recognised by
title words), its money unit (元/千元/万元 from a "单位：" line or the header), its header rows,
and its data rows.  Each data row is a :class:`~.text.Sentence` (``table=True``) whose numeric
cells are :class:`~.text.Token` s, so the checks use the same rounding rule as for prose
(``Token.half``) and a finding marks the wrong cell in the row.

Untidy tables: 栏次 rows (1, 2, 3 …) and notes ("注：本表为空表") are dropped; blank cells and
dashes are 0; 科目编码 may be one column (201, 20129, 2012901), 类/款/项 columns, or lead the
name ("201 一般公共服务支出"); a table may sit side by side in *blocks* (收入 | 支出 in the
总表, 人员经费 | 公用经费 in the 基本支出表); a PDF table continued on the next page (no new title,
the same number of columns) is joined to the part before, its repeated header dropped.
Nothing here judges a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..office.grids import Grid
from .text import BARE_NUM, Sentence, Token, normalise

# standard kinds of the 部门决算 公开 tables, most specific first (matched in the title)
KINDS: tuple[tuple[str, re.Pattern], ...] = tuple((k, re.compile(rx)) for k, rx in (
    ("财政拨款收入支出决算总表", r"财政拨款收入支出决算总表"),
    ("收入支出决算总表", r"收入支出决算总表"),
    ("收入决算表", r"收入决算表"),
    ("基本支出决算表", r"基本支出决算(明细)?表"),
    ("政府性基金预算财政拨款收入支出决算表", r"政府性基金预算财政拨款(收入)?支出决算表"),
    ("国有资本经营预算财政拨款支出决算表", r"国有资本经营预算财政拨款(收入)?支出决算表"),
    ("一般公共预算财政拨款支出决算表", r"一般公共预算财政拨款(项目)?支出决算(明细)?表"),
    ("三公经费支出决算表", r"三公.{0,3}经费"),
    ("支出决算表", r"支出决算表"),
))
TITLE_RE = re.compile(r"决算.{0,8}表|公开\s*\d+\s*表|^附?表\s*\d+|经费.{0,10}表")
UNIT_RE = re.compile(r"单位\s*[:：]\s*(万元|千元|元)")
HEADER_UNIT_RE = re.compile(r"[(（](万元|千元|元)[)）]")
EMPTY_NOTE = re.compile(r"空表|无数据|本表无|故本表|本表为空|没有.{0,20}(收入|支出|数据)")
NUM_RE = re.compile(rf"^-?{BARE_NUM}$")
DASH = {"-", "—", "－", "——", "/", "－－", "--", "0-"}
CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
LEAD_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*([^\d\s.、．,，].*)$")
CODE_HEAD = re.compile(r"编码|代码|^类$|^款$|^项$")
INDEX_HEAD = re.compile(r"行次|栏次|序号|^行$")
LABEL_HEAD = re.compile(r"名称|^项目$|^科目$|收入项目|支出项目|^摘要$")
TOTAL_RE = re.compile(r"(合计|总计|小计)$")
NUMBERED = re.compile(r"^([一二三四五六七八九十]+)[、.]")


def clean(s: object) -> str:
    """A cell's text: ASCII digits and signs, no spaces inside (Word/PDF break and pad cells)."""
    return re.sub(r"\s+", "", normalise(str(s or "")))


def label_key(s: str) -> str:
    """A row label or column name as a key: no numbering, quotes, spaces; 费用 → 费."""
    s = re.sub(r"[“”\"'‘’《》]", "", clean(s))
    s = NUMBERED.sub("", s)
    s = re.sub(r"^\(([一二三四五六七八九十]+|\d+)\)", "", s)
    s = re.sub(r"^\d+[.、]", "", s)
    s = s.replace("费用", "费").replace("（", "(").replace("）", ")")
    return s


@dataclass
class Column:
    index: int
    path: list[str]  # header texts from the top, repeated (merged) texts once
    role: str  # "code" | "label" | "index" | "num" | "other"

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass
class Row:
    sentence: Sentence  # the row's cells joined by tabs; numeric cells are tokens
    no: int  # row number as printed (1-based, header rows counted) within its page part
    page: int | None
    cells: list[str]  # cleaned cell texts
    spans: list[tuple[int, int]]  # each cell's span in the sentence text
    values: dict[int, Token] = field(default_factory=dict)  # column → number (blank/dash cells → 0)
    note: bool = False


@dataclass
class Block:
    """Side-by-side part of a table: its label/code columns and the numeric columns after them."""

    code_cols: list[int]
    label_cols: list[int]
    num_cols: list[int]


@dataclass
class Table:
    no: int  # table number in the document
    title: str
    kind: str | None
    unit: str | None  # 元 / 千元 / 万元, or None when the table does not say
    columns: list[Column]
    header: list[list[str]]
    rows: list[Row]
    blocks: list[Block]
    page: int | None = None
    note: str | None = None  # a 空表 note
    parts: int = 1  # pages the table spans

    @property
    def name(self) -> str:
        return f"表{self.no}" + (f"（{self.title}）" if self.title else "")

    def where(self, row: Row, col: int | None = None) -> str:
        page = f"第{row.page}页 " if row.page else ""
        c = f" “{self.col_name(col)}”列" if col is not None else ""
        return f"{page}{self.name} 第{row.no}行{c}"

    def col_name(self, col: int) -> str:
        path = self.columns[col].path
        return "/".join(path) if path else f"第{col + 1}列"

    def label(self, row: Row, block: Block) -> str:
        """The row's name in a block ("合计" may stand in the 科目编码 column)."""
        texts = []
        for c in block.code_cols + block.label_cols:
            t = row.cells[c] if c < len(row.cells) else ""
            if c in block.code_cols and (not t or t.isdigit()):
                continue
            if t and t not in texts:
                texts.append(t)
        lab = "".join(texts)
        m = LEAD_CODE.match(lab)
        return m.group(2) if m else lab

    def code(self, row: Row, block: Block) -> str | None:
        if block.code_cols:
            got = "".join(row.cells[c] for c in block.code_cols if c < len(row.cells))
            return got if CODE_RE.match(got) else None
        texts = [row.cells[c] for c in block.label_cols if c < len(row.cells)]
        m = LEAD_CODE.match("".join(texts)) if texts else None
        return m.group(1) if m else None

    @property
    def empty(self) -> bool:
        return not any(t.value for r in self.rows for t in r.values.values())


BLANK_DECIMALS = 12  # a blank cell is an exact 0: no rounding tolerance


def _num(text: str) -> tuple[Decimal, int] | None:
    if text in DASH or text == "":
        return Decimal(0), BLANK_DECIMALS
    if NUM_RE.match(text):
        whole, _, frac = text.replace(",", "").partition(".")
        return Decimal(text.replace(",", "")), len(frac)
    return None


def kind_of(title: str, header_words: str = "") -> str | None:
    t = clean(title)
    for k, rx in KINDS:
        if rx.search(t):
            return k
    return None


def _title_unit(context: list[str]) -> tuple[str, str | None, str | None]:
    """(title, unit, note) from the paragraphs just above a table."""
    title, unit, kind_line = "", None, ""
    for line in context:
        c = clean(line)
        m = UNIT_RE.search(c)
        if m:
            unit = m.group(1)
        if len(c) > 40 or "。" in c:
            continue  # a sentence of the text, not a caption
        if kind_of(c):
            kind_line = line.strip()  # the nearest caption above the table wins
        elif TITLE_RE.search(c):
            title = title or line.strip()
    return (kind_line or title), unit, None


def _is_index_row(cells: list[str]) -> bool:
    """A 栏次 row: "栏次", or small integers 1, 2, 3 … in order."""
    vals = [c for c in cells if c]
    if not vals:
        return False
    if vals[0] in ("栏次", "行次"):
        return True
    seq = []
    for v in vals:
        if not v.isdigit():
            return False
        if not seq or int(v) != seq[-1]:
            seq.append(int(v))
    return len(seq) >= 2 and seq == list(range(seq[0], seq[0] + len(seq))) and seq[0] <= 1


def _is_note(cells: list[str]) -> bool:
    vals = {c for c in cells if c}
    if len(vals) != 1:
        return False
    v = next(iter(vals))
    return v.startswith(("注", "说明", "备注")) or bool(EMPTY_NOTE.search(v)) and not NUM_RE.match(v)


def _caption(cells: list[str]) -> bool:
    """A row inside the table that is its title or unit line (one text over the whole width)."""
    vals = {c for c in cells if c}
    if len(vals) != 1:
        return False
    v = next(iter(vals))
    return (len(cells) > 1 and all(cells)) or bool(TITLE_RE.search(v) or UNIT_RE.search(v) or kind_of(v))


def _is_header_row(cells: list[str]) -> bool:
    """No number in the row (a data row has amounts, a code or a 行次)."""
    return not any(NUM_RE.match(c) for c in cells)


def _columns(header: list[list[str]], data: list[list[str]], width: int) -> list[Column]:
    cols = []
    for j in range(width):
        path: list[str] = []
        for r in header:
            t = r[j] if j < len(r) else ""
            if t and (not path or path[-1] != t):
                path.append(t)
        name = path[-1] if path else ""
        vals = [r[j] for r in data if j < len(r) and r[j]]
        if CODE_HEAD.search(name) or (vals and all(CODE_RE.match(v) for v in vals) and not path):
            role = "code"
        elif INDEX_HEAD.search(name):
            role = "index"
        elif LABEL_HEAD.search(name) or (vals and sum(_num(v) is None for v in vals) > len(vals) / 2):
            role = "label"
        elif vals and all(_num(v) is not None for v in vals):
            role = "num"
        elif not vals and path and not CODE_HEAD.search(name):
            role = "num"  # an all-blank numeric column (zeros)
        else:
            role = "other"
        cols.append(Column(j, path, role))
    return cols


def _blocks(cols: list[Column]) -> list[Block]:
    blocks: list[Block] = []
    cur: Block | None = None
    for c in cols:
        if c.role in ("code", "label"):
            if cur is None or cur.num_cols:
                cur = Block([], [], [])
                blocks.append(cur)
            (cur.code_cols if c.role == "code" else cur.label_cols).append(c.index)
        elif c.role == "num" and cur is not None:
            cur.num_cols.append(c.index)
    blocks = [b for b in blocks if b.num_cols and b.label_cols]
    if not blocks and not any(c.role in ("code", "label") for c in cols):
        nums = [c.index for c in cols if c.role == "num"]  # one row of figures ("三公" 经费): no label column
        blocks = [Block([], [], nums)] if nums else []
    return blocks


def _row(cells_raw: list[str], no: int, line: int, page: int | None, num_cols: set[int], unit: str,
         label: str) -> Row:
    raw_parts = [str(c or "").replace("\n", " ").replace("\t", " ").strip() for c in cells_raw]
    raw = "\t".join(raw_parts)
    text = normalise(raw)
    spans, pos = [], 0
    for p in raw_parts:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 1
    cells = [clean(p) for p in raw_parts]
    s = Sentence(text, raw, line, page, -1, [], "", None, True, True, True)
    row = Row(s, no, page, cells, spans)
    for j in sorted(num_cols):
        if j >= len(cells):
            continue
        got = _num(cells[j])
        if got is None:
            continue
        a, b = spans[j]
        if raw_parts[j]:  # the number itself within the cell
            m = re.search(r"-?[\d,]+(?:\.\d+)?", text[a:b])
            if m:
                a, b = a + m.start(), a + m.end()
        row.values[j] = Token(got[0], got[1], unit, a, b, label)
    return row


def from_grid(grid: Grid, no: int, after: list[str] | None = None, row_lines: list[int] | None = None) -> Table | None:
    """A :class:`Table` from one grid, or None when it has no numeric column under a label column."""
    rows = [[str(c) if c is not None else "" for c in r] for r in grid.rows]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    cleaned = [[clean(c) for c in r] for r in rows]
    title, unit, _ = _title_unit(grid.context)
    note = None
    header_idx, data_idx = [], []
    started = False
    for i, r in enumerate(cleaned):
        if _is_note(r):
            note = note or next(c for c in r if c)
            continue
        if _is_index_row(r):
            continue
        if not started and _is_header_row(r) and not _data_like(r):
            header_idx.append(i)
            continue
        started = True
        data_idx.append(i)
    caption = [r for r in (cleaned[i] for i in header_idx) if _caption(r)]
    header = [cleaned[i] for i in header_idx if cleaned[i] not in caption]
    if caption:  # a title or "单位：万元" row inside the table, spanning all columns
        t2, u2, _ = _title_unit([next(c for c in r if c) for r in caption])
        title, unit = title or t2, unit or u2
    for r in header:
        for c in r:
            m = HEADER_UNIT_RE.search(c) or UNIT_RE.search(c)
            if m and unit is None:
                unit = m.group(1)
    for line in after or []:
        c = clean(line)
        if c.startswith(("注", "说明")) and EMPTY_NOTE.search(c):
            note = note or line.strip()
    if not data_idx and note is None:
        return None  # a caption or layout table: no rows of figures
    cols = _columns(header, [cleaned[i] for i in data_idx], width)
    blocks = _blocks(cols)
    kind = kind_of(title)
    if not title and not blocks:
        return None
    num_cols = {j for b in blocks for j in b.num_cols}
    out_rows = []
    for i in data_idx:
        line = (grid.anchor + i) if grid.anchor else (row_lines[i] if row_lines and i < len(row_lines) else 0)
        label = "".join(dict.fromkeys(cleaned[i][c] for b in blocks for c in b.label_cols if cleaned[i][c]))
        out_rows.append(_row(rows[i], i + 1, line, grid.page, num_cols, unit or "", label))
    return Table(no, title, kind, unit, cols, header, out_rows, blocks, grid.page, note)


def _data_like(r: list[str]) -> bool:
    """A row that starts the data although it has no decimal amount: a 合计 row, a coded row."""
    first = next((c for c in r if c), "")
    return bool(CODE_RE.match(first)) or bool(LEAD_CODE.match(first)) or (TOTAL_RE.search(first) is not None
                                                                           and any(NUM_RE.match(c) for c in r))


def tables_from_grids(grids: list[Grid], after: dict[int, list[str]] | None = None,
                      row_lines: dict[int, list[int]] | None = None) -> list[Table]:
    """Tables in document order; a PDF table continued on the next page is joined to its first part.

    ``after`` (grid id → the lines under it) finds a 空表 note; ``row_lines`` (grid id → the text line
    of each grid row) numbers PDF rows as the text lines are numbered.
    """
    out: list[Table] = []
    prev_grid: Grid | None = None
    after, row_lines = after or {}, row_lines or {}
    carry: list[str] = []
    for g in grids:
        if prev_grid is not None and out and _continues(prev_grid, g, out[-1]):
            _join(out[-1], g, row_lines.get(id(g)), after.get(id(g)))
            prev_grid = g
            continue
        if carry:  # the caption sat in a small table of its own ("编制单位：… | 单位：万元")
            g.context = [*g.context, *carry] if g.context else carry
            carry = []
        t = from_grid(g, len(out) + 1, after.get(id(g)), row_lines.get(id(g)))
        prev_grid = g
        if t is not None:
            out.append(t)
        else:
            prev_grid = None
            if len(g.rows) <= 2:
                cells = [str(c) for r in g.rows for c in dict.fromkeys(r) if c and (UNIT_RE.search(clean(c)) or kind_of(str(c)))]
                carry = [*g.context, *cells] if cells else []
    return out


def _continues(prev: Grid, g: Grid, t: Table) -> bool:
    """A PDF table at the top of the next page with the same columns and no title of its own."""
    if prev.page is None or g.page != prev.page + 1 or not g.place.endswith(" 表1"):
        return False
    width = max((len(r) for r in g.rows), default=0)
    if width != len(t.columns):
        return False
    return not any(TITLE_RE.search(clean(c)) or kind_of(c) for c in g.context)


def _join(t: Table, g: Grid, row_lines: list[int] | None, after: list[str] | None) -> None:
    rows = [[str(c) if c is not None else "" for c in r] for r in g.rows]
    width = len(t.columns)
    rows = [r + [""] * (width - len(r)) for r in rows]
    cleaned = [[clean(c) for c in r] for r in rows]
    head = {tuple(h) for h in t.header}
    num_cols = {j for b in t.blocks for j in b.num_cols}
    k = 0
    while k < len(cleaned) and (tuple(cleaned[k]) in head or _is_index_row(cleaned[k])
                                or (_is_header_row(cleaned[k]) and not _data_like(cleaned[k]) and k < len(t.header))):
        k += 1
    for i in range(k, len(rows)):
        if _is_note(cleaned[i]):
            t.note = t.note or next(c for c in cleaned[i] if c)
            continue
        if _is_index_row(cleaned[i]):
            continue
        label = "".join(dict.fromkeys(cleaned[i][c] for b in t.blocks for c in b.label_cols if cleaned[i][c]))
        line = row_lines[i] if row_lines and i < len(row_lines) else 0
        t.rows.append(_row(rows[i], i + 1, line, g.page, num_cols, t.unit or "", label))
    for line in after or []:
        c = clean(line)
        if c.startswith(("注", "说明")) and EMPTY_NOTE.search(c):
            t.note = t.note or line.strip()
    t.parts += 1


def docx_tables(body: object, lines: list) -> list[Table]:
    """The tables of a .docx body; ``lines`` are the document's lines (for a note under a table)."""
    from ..office.grids import docx_body_grids

    grids = docx_body_grids(body)
    by_no = {ln.no: ln.text for ln in lines}
    after = {}
    for g in grids:
        if g.anchor:
            end = g.anchor + len(g.rows)
            after[id(g)] = [by_no[k] for k in range(end, end + 2) if k in by_no]
    return tables_from_grids(grids, after)


def _ruled(page: object) -> bool:
    """Does the page draw lines or boxes (a ruled table)?  Pages of text only are never searched."""
    return len(page.lines) + len(page.rects) >= 4  # type: ignore[attr-defined]


def pdf_page(page: object, pno: int, texts: list[str], first: int) -> tuple[list[bool], list[Grid], dict, dict]:
    """The ruled tables of one PDF page: (which text lines lie inside a table, grids, row lines, lines after).

    ``texts`` are the page's text lines (``extract_text().splitlines()``), numbered from ``first``.
    A table row's line is the first text line at or below the row's top.
    """
    from ..office.grids import pdf_page_grids

    flags = [False] * len(texts)
    if not _ruled(page):
        return flags, [], {}, {}
    grids = pdf_page_grids(page, pno, each_context=True)
    if not grids:
        return flags, [], {}, {}
    tl = page.extract_text_lines(return_chars=False)  # type: ignore[attr-defined]
    row_lines: dict[int, list[int]] = {}
    after: dict[int, list[str]] = {}
    if len(tl) != len(texts):
        return flags, grids, row_lines, after  # cannot match positions to lines: rows get the page's first line
    tops = [ln["top"] for ln in tl]
    for g in grids:
        x0, top, x1, bottom = g.bbox or (0, 0, 0, 0)
        for k, ln in enumerate(tl):
            if top - 1 <= ln["top"] <= bottom + 1 and ln["x0"] < x1 and ln["x1"] > x0:
                flags[k] = True
        rl = []
        for rt in g.row_tops:
            k = next((k for k, t in enumerate(tops) if t >= rt - 2), len(tops) - 1)
            rl.append(first + k)
        row_lines[id(g)] = rl
        after[id(g)] = [texts[k] for k, t in enumerate(tops) if t > bottom + 1][:2]
    return flags, grids, row_lines, after
