"""The document's own 决算 tables: each table's totals against its rows and columns.

Checked only where the structure is established, never guessed:

* PE820 a 合计/总计 row against the rows it totals: the 类 rows (3-digit 科目编码) of a coded
  table, or the numbered lines (一、二、…) above 本年收入合计/本年支出合计 in the 总表, and 总计 =
  本年合计 + the 结转/结余 lines between them;
* PE821 a 类 row against its 款 rows, a 款 row against its 项 rows (by 科目编码 prefix);
* PE822 a total column against its part columns in every row, when the header names a known
  decomposition (基本支出 + 项目支出 + …, 人员经费 + 公用经费, the "三公" parts, the three funds …);
* PE823 收入总计 = 支出总计 in the two sides of a 总表;
* PE824 the text's amounts against the cells they name (:mod:`.table_text`).

Tolerance: half a unit of the last printed digit of every cell involved (as for sums in text).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Doc, Finding, check
from ..tables import BLANK_DECIMALS, NUMBERED, TOTAL_RE, Block, Row, Table, label_key
from ..text import MONEY, Token
from .table_text import text_vs_cells

# column decompositions a header may name: the parts of one total
DECOMPOSITIONS: tuple[tuple[str, ...], ...] = (
    ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
    ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
    ("人员经费", "公用经费"),
    ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费"),
    ("购置费", "运行费"),
    ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),
)
CARRY = re.compile(r"结转|结余")
_INDEX_BASE = 1_000_000


def _fmt(x: Decimal, places: int, unit: str) -> str:
    return f"{x:,.{places}f}{unit}"


def _shown(t: Token) -> str:
    return _fmt(t.value, t.decimals, t.unit)


def _half(t: Token) -> Decimal:
    """Half a unit of the cell's last printed digit (Token.half); a blank cell is an exact 0."""
    return Decimal(0) if t.decimals >= BLANK_DECIMALS else t.half


def _bad(total: Token, parts: list[Token]) -> tuple[bool, Decimal]:
    got = sum((p.yuan for p in parts), Decimal(0))
    tol = _half(total) + sum((_half(p) for p in parts), Decimal(0))
    diff = got - total.yuan
    return (diff != 0 and abs(diff) >= tol), got


def _finding(doc: Doc, code: str, t: Table, row: Row, col: int, total: Token, parts: list[Token], what: str,
             count_label: str) -> Finding | None:
    bad, got = _bad(total, parts)
    if not bad:
        return None
    unit = total.unit
    expected = got / _scale(unit)
    places = max(d for d in [total.decimals, 2 if total.unit == "万元" else 0] + [p.decimals for p in parts]
                 if d < BLANK_DECIMALS)
    f = doc.finding(code, "table", row.sentence, total.value, expected, (total.start, total.end),
                    where=t.where(row, col), what=what, claimed=_shown(total),
                    expected=_fmt(expected, places, unit), parts=count_label,
                    diff=_fmt(abs(got - total.yuan) / _scale(unit), places, unit))
    f.extra.update({"table": t.name, "row": row.no, "column": t.col_name(col)})
    return f


def _scale(unit: str) -> Decimal:
    return MONEY.get(unit, Decimal(1))


def _codes(t: Table, b: Block) -> list[tuple[Row, str]]:
    return [(r, c) for r in t.rows if (c := t.code(r, b))]


def _is_total(label: str) -> bool:
    return bool(TOTAL_RE.search(label_key(label)))


# --- PE821 / PE820 in coded tables --------------------------------------------------------
def _hierarchy(doc: Doc, t: Table) -> list[Finding]:
    out: list[Finding] = []
    for b in t.blocks:
        coded = _codes(t, b)
        codes = [c for _, c in coded]
        if len(set(codes)) != len(codes):
            continue  # a code twice: not a hierarchy we can trust
        for r, c in coded:
            if len(c) >= 7:
                continue
            kids = [r2 for r2, c2 in coded if len(c2) == len(c) + 2 and c2.startswith(c)]
            if not kids:
                continue
            level = "类" if len(c) == 3 else "款"
            for k, j in enumerate(b.num_cols):
                tot = r.values.get(j)
                parts = [x.values[j] for x in kids if j in x.values]
                if tot is None or len(parts) != len(kids):
                    continue
                f = _finding(doc, "PE821", t, r, j, tot, parts, f"{level}“{t.label(r, b)}”（{c}）",
                             f"其下 {len(kids)} 个{'款' if level == '类' else '项'}")
                if f:
                    out.append(f)
    return out


def _groups(t: Table) -> list[list[Block]]:
    """Blocks that continue one another (公用经费 over two column pairs): the same top header."""
    groups: dict[str, list[Block]] = {}
    for k, b in enumerate(t.blocks):
        path = t.columns[(b.label_cols or b.num_cols)[0]].path
        key = path[0] if len(path) > 1 else f"#{k}"
        groups.setdefault(key, []).append(b)
    return list(groups.values())


def _coded_totals(doc: Doc, t: Table) -> list[Finding]:
    out: list[Finding] = []
    for group in _groups(t):
        coded = [(r, c, b) for b in group for r, c in _codes(t, b)]
        if not coded:
            continue
        tops = {c for _, c, _ in coded if len(c) == 3}
        if any(c[:3] not in tops for _, c, _ in coded):
            continue  # rows whose 类 is not listed: the 合计 may cover more than we see
        width = {len(b.num_cols) for b in group}
        if len(width) != 1:
            continue
        for b in group:
            for r in t.rows:
                lab = t.label(r, b)
                if not lab or not _is_total(lab) or t.code(r, b):
                    continue
                for k, j in enumerate(b.num_cols):
                    tot = r.values.get(j)
                    parts = [x.values[bb.num_cols[k]] for x, c, bb in coded if len(c) == 3 and bb.num_cols[k] in x.values]
                    if tot is None or not parts:
                        continue
                    f = _finding(doc, "PE820", t, r, j, tot, parts, f"“{lab}”行", f"{len(parts)} 个类")
                    if f:
                        out.append(f)
    return out


# --- PE820 / PE823 in label tables (总表) ---------------------------------------------------
def _flat_totals(doc: Doc, t: Table) -> list[Finding]:
    out: list[Finding] = []
    totals: list[tuple[Block, Row]] = []
    for b in t.blocks:
        if _codes(t, b):
            continue
        items: list[Row] = []
        clean = True
        last_total: Row | None = None
        between: list[Row] = []
        for r in t.rows:
            lab = t.label(r, b)
            key = label_key(lab)
            if not lab:
                continue
            if key == "总计" and last_total is not None:
                totals.append((b, r))
                if between and all(CARRY.search(label_key(t.label(x, b))) for x in between):
                    for j in b.num_cols:
                        tot = r.values.get(j)
                        parts = [x.values[j] for x in [last_total, *between] if j in x.values]
                        if tot is not None and len(parts) == len(between) + 1:
                            f = _finding(doc, "PE820", t, r, j, tot, parts, "“总计”行",
                                         f"“{t.label(last_total, b)}”与结转结余 {len(between)} 行")
                            if f:
                                out.append(f)
                last_total, between = None, []
                continue
            if key == "总计":
                totals.append((b, r))
                continue
            if last_total is not None:
                between.append(r)
                continue
            if TOTAL_RE.search(key) and key.endswith("合计"):
                if clean and len(items) >= 2:
                    for j in b.num_cols:
                        tot = r.values.get(j)
                        parts = [x.values[j] for x in items if j in x.values]
                        if tot is not None and len(parts) == len(items):
                            f = _finding(doc, "PE820", t, r, j, tot, parts, f"“{lab}”行", f"以上 {len(items)} 项")
                            if f:
                                out.append(f)
                last_total, between, items, clean = r, [], [], True
                continue
            if NUMBERED.match(lab):
                items.append(r)
            elif not re.match(r"^[(（]", lab) and not lab.startswith("其中"):
                clean = False  # an unnumbered line among the numbered ones: do not guess
    if len(totals) == 2 and totals[0][0] is not totals[1][0]:
        (b1, r1), (b2, r2) = totals
        v1, v2 = r1.values.get(b1.num_cols[0]), r2.values.get(b2.num_cols[0])
        if v1 is not None and v2 is not None and abs(v1.yuan - v2.yuan) >= _half(v1) + _half(v2) and v1.yuan != v2.yuan:
            f = doc.finding("PE823", "table", r2.sentence, v2.value, v1.value, (v2.start, v2.end),
                            where=t.where(r2, b2.num_cols[0]), claimed=_shown(v2), expected=_shown(v1),
                            other=t.where(r1, b1.num_cols[0]))
            f.extra.update({"table": t.name, "row": r2.no, "column": t.col_name(b2.num_cols[0])})
            out.append(f)
    return out


# --- PE822: a total column against its part columns ------------------------------------------
def _matches(name: str, word: str) -> bool:
    n, w = label_key(name), label_key(word)
    return bool(n) and (n == w or w in n or (len(n) >= 2 and n in w and n.endswith(w[-2:])))


def _decomposition(names: list[str]) -> bool:
    for words in DECOMPOSITIONS:
        hit = []
        for n in names:
            m = [w for w in words if _matches(n, w)]
            if len(m) != 1 or m[0] in hit:
                break
            hit.append(m[0])
        else:
            return len(hit) >= 2
    return False


def column_sums(t: Table, b: Block) -> list[tuple[int, list[tuple[str, list[int]]]]]:
    """(total column, [(part name, its columns)]) for every total column whose parts the header names."""
    cols = [t.columns[j] for j in b.num_cols]
    out = []
    for tc in cols:
        if not tc.path or not TOTAL_RE.search(label_key(tc.name)):
            continue
        p = tc.path[:-1]
        sibs = [c for c in cols if c is not tc and c.path[:len(p)] == p and len(c.path) > len(p)]
        if any(len(c.path) == len(p) + 1 and TOTAL_RE.search(label_key(c.name)) for c in sibs):
            continue  # two totals side by side
        groups: dict[str, list] = {}
        for c in sibs:
            groups.setdefault(c.path[len(p)], []).append(c)
        parts = []
        for x, members in groups.items():
            own = [m for m in members if m.path == [*p, x]]
            sub = [m for m in members if len(m.path) == len(p) + 2 and TOTAL_RE.search(label_key(m.name))]
            if own:
                parts.append((x, [own[0].index]))
            elif len(sub) == 1:
                parts.append((x, [sub[0].index]))
            else:
                parts.append((x, [m.index for m in members if not TOTAL_RE.search(label_key(m.name))]))
        if len(parts) >= 2 and _decomposition([x for x, _ in parts]):
            out.append((tc.index, parts))
    return out


def _columns(doc: Doc, t: Table) -> list[Finding]:
    out: list[Finding] = []
    for b in t.blocks:
        for tj, parts in column_sums(t, b):
            names = "＋".join(x for x, _ in parts)
            for r in t.rows:
                tot = r.values.get(tj)
                vals = [r.values.get(j) for _, cols in parts for j in cols]
                if tot is None or any(v is None for v in vals):
                    continue
                f = _finding(doc, "PE822", t, r, tj, tot, vals, f"“{t.col_name(tj)}”栏", names)
                if f:
                    out.append(f)
    return out


def number_rows(doc: Doc) -> None:
    """Give the table rows sentence indexes of their own (after the prose), once per document."""
    k = _INDEX_BASE
    for t in doc.tables:
        for r in t.rows:
            r.sentence.index = k
            k += 1


@check("table")
def tables(doc: Doc) -> list[Finding]:
    if not doc.tables:
        return []
    number_rows(doc)
    out: list[Finding] = []
    for t in doc.tables:
        try:
            out += _hierarchy(doc, t) + _coded_totals(doc, t) + _flat_totals(doc, t) + _columns(doc, t)
        except Exception as e:  # noqa: BLE001 - a table we misread must not stop the audit of the rest
            if t.rows:
                out.append(doc.finding("PE829", "table", t.rows[0].sentence, None, None, None,
                                       reason=f"{t.name}：{type(e).__name__}: {str(e)[:100]}"))
    wrong = {(id(f.sentence), f.mark) for f in out}  # cells the table itself gets wrong are not a reference
    out += text_vs_cells(doc, wrong)  # the second half of the kind: the text's amounts against the cells
    return out
