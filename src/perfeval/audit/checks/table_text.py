"""The text's amounts against the table cells they name (PE824); part of the ``table`` check kind.

Each table offers *concepts* — a named department-level quantity and the cell that carries it
(本年支出合计 in the 合计 row of the 支出决算表, 一般公共预算财政拨款支出 in the 05 表, a 功能分类 类
row, the "三公" 决算数 …).  An amount in the prose whose name (the words before it, as
:func:`~..text.norm_name` gives them) is one of these concepts is compared with the cell, after
converting 元/千元/万元.  Only when exactly one value can be meant: every cell offering the concept
agrees (an all-funds 支出决算表 and a 财政拨款 table that differ make the name ambiguous → skipped),
the sentence is of the document's year, not about the previous year, and not in a project section.
Tolerance: half a unit of the last printed digit of the text's amount plus that of the cell.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Doc, Finding
from ..tables import BLANK_DECIMALS, TOTAL_RE, Block, Row, Table, label_key
from ..text import MONEY, Sentence, Token, norm_name
from .quantities import NAMES, PROJECT_SCOPE

# the table quantities the text names that the one-quantity check's list (quantities.NAMES) does not carry
TABLE_NAMES = (
    "收入总计", "支出总计", "财政拨款收入总计", "财政拨款支出总计", "上级补助收入", "事业收入", "经营收入",
    "附属单位上缴收入", "其他收入", "使用非财政拨款结余", "上缴上级支出", "经营支出", "对附属单位补助支出",
    "因公出国(境)费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行费", "公务接待费",
)
VOCABULARY = {label_key(n) for n in NAMES + TABLE_NAMES}
CLASS = "类:"  # prefix of a 功能分类 类 concept ("类:一般公共服务支出")
APPROX = re.compile(r"(约|近|逾|超过|不足|大约|将近|接近)$")
APPROX_AFTER = re.compile(r"^\s*(左右|以上|以下|多)")
PREVIOUS = re.compile(r"上年|去年|上一年|同期|以前年度")
_BOTH_TOTALS = re.compile(r"(财政拨款)?收、?支总计(均为|各为|均|各|为)?\s*$")
_FUNDS = (("一般公共预算财政拨款", "一般公共预算财政拨款"), ("政府性基金预算财政拨款", "政府性基金预算财政拨款"),
          ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款"))

Cell = tuple[Table, Row, int, Token]


def _side(t: Table, b: Block) -> str:
    path = t.columns[(b.label_cols or b.num_cols)[0]].path
    top = path[0] if path else ""
    if "收入" in top:
        return "收入"
    if "支出" in top:
        return "支出"
    return "收入" if b is t.blocks[0] else "支出"


def _total_col(t: Table, b: Block) -> int | None:
    for j in b.num_cols:
        if TOTAL_RE.search(label_key(t.columns[j].name)):
            return j
    return b.num_cols[0] if len(b.num_cols) == 1 else None


def _add(out: dict[str, list[Cell]], key: str, t: Table, r: Row, j: int) -> None:
    tok = r.values.get(j)
    if tok is not None and not PREVIOUS.search(t.col_name(j)):
        out.setdefault(key, []).append((t, r, j, tok))


def concepts(tables: list[Table]) -> dict[str, list[Cell]]:
    """Concept name → the cells offering it (tables whose unit is known only)."""
    out: dict[str, list[Cell]] = {}
    for t in tables:
        if t.unit is None or t.kind is None:
            continue
        for b in t.blocks:
            if t.kind in ("收入支出决算总表", "财政拨款收入支出决算总表"):
                _overview(out, t, b)
            elif t.kind == "三公经费支出决算表":
                _three(out, t, b)
            else:
                _detail(out, t, b)
    return out


def _overview(out, t: Table, b: Block) -> None:
    side = _side(t, b)
    grant = t.kind == "财政拨款收入支出决算总表"
    past_total = False
    for r in t.rows:
        lab = label_key(t.label(r, b))
        if not lab:
            continue
        main = b.num_cols[0]
        if lab == "总计":
            _add(out, ("财政拨款" if grant else "") + side + "总计", t, r, main)
            continue
        if lab in ("本年收入合计", "本年支出合计"):
            past_total = True
            if not grant:
                _add(out, lab, t, r, main)
            elif side == "收入":
                _add(out, "财政拨款收入", t, r, main)
            else:
                for j in b.num_cols:
                    name = label_key(t.columns[j].name)
                    fund = next((f for f, _ in _FUNDS if f in name), None)
                    if fund:
                        _add(out, fund + "支出", t, r, j)
                    elif TOTAL_RE.search(name) or j == main:
                        _add(out, "财政拨款支出", t, r, j)
            continue
        if past_total:
            if not grant:
                _add(out, lab, t, r, main)  # 年初结转和结余, 使用非财政拨款结余 …
            continue  # in the 财政拨款 总表 the lines after the total repeat the funds (结转结余 by fund)
        if side == "收入":
            name = lab if not grant else (lab + "收入" if not lab.endswith("收入") else lab)
            _add(out, name, t, r, main)
        elif lab.endswith("支出"):
            _add(out, CLASS + lab, t, r, main)


_DETAIL_TOTALS = {"收入决算表": "本年收入合计", "支出决算表": "本年支出合计"}


def _detail(out, t: Table, b: Block) -> None:
    tc = _total_col(t, b)
    gp = t.kind in ("一般公共预算财政拨款支出决算表",)
    for r in t.rows:
        lab = label_key(t.label(r, b))
        code = t.code(r, b)
        if not lab:
            continue
        if code and len(code) == 3 and tc is not None and t.kind != "收入决算表" and t.kind != "基本支出决算表":
            _add(out, CLASS + lab, t, r, tc)
            continue
        if code or not TOTAL_RE.search(lab):
            continue
        if t.kind == "基本支出决算表":
            if lab in ("人员经费合计", "公用经费合计"):
                _add(out, lab[:-2], t, r, b.num_cols[0])
            continue
        if lab not in ("合计", "总计", "本年收入合计", "本年支出合计"):
            continue
        for j in b.num_cols:
            name = label_key(t.columns[j].name)
            if j == tc:
                if gp:
                    _add(out, "一般公共预算财政拨款支出", t, r, j)
                elif t.kind in _DETAIL_TOTALS:
                    _add(out, _DETAIL_TOTALS[t.kind], t, r, j)
                elif t.kind in ("政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"):
                    _add(out, t.kind.split("财政拨款")[0] + "财政拨款支出", t, r, j)
            elif gp and name in ("基本支出", "项目支出", "人员经费", "公用经费"):
                _add(out, ("一般公共预算财政拨款" + name) if name in ("基本支出", "项目支出") else name, t, r, j)
            elif t.kind in _DETAIL_TOTALS:
                _add(out, name, t, r, j)


def _three_key(name: str, parent: str = "") -> str:
    if TOTAL_RE.search(name) and "公务用车" in parent:
        return "公务用车购置及运行维护费"
    if TOTAL_RE.search(name):
        return "三公经费财政拨款支出"
    if "购置" in name and "公务用车" in parent + name and "运行" not in name:
        return "公务用车购置费"
    if "运行" in name and "公务用车" in parent + name and "购置" not in name:
        return "公务用车运行费"
    return name


def _three(out, t: Table, b: Block) -> None:
    """The "三公" 经费 table: the 决算数 columns of its one figure row (or its 合计 row);
    laid out down the page (one row per part), the rows of its 决算数 column."""
    if b.label_cols:
        dec = [j for j in b.num_cols if "决算" in t.col_name(j)]
        col = dec[0] if len(dec) == 1 else (b.num_cols[0] if len(b.num_cols) == 1 else None)
        if col is None:
            return
        car = ""
        for r in t.rows:
            name = label_key(t.label(r, b))
            if not name:
                continue
            if "公务用车购置及运行维护费" in name:
                car = name
            key = _three_key(name, car if name != car and ("购置" in name or "运行" in name) and "公务用车" not in name else "")
            if key in VOCABULARY:
                _add(out, key, t, r, col)
        return
    rows = [r for r in t.rows if r.values]
    totals = [r for r in rows if TOTAL_RE.search(label_key(t.label(r, b)))]
    row = totals[0] if len(totals) == 1 else (rows[0] if len(rows) == 1 else None)
    if row is None:
        return
    budget_split = any("预算" in t.col_name(j) for j in b.num_cols)
    for j in b.num_cols:
        path = t.col_name(j)
        if budget_split and "决算" not in path:
            continue
        name = label_key(t.columns[j].name)
        parent = label_key(t.columns[j].path[-2]) if len(t.columns[j].path) >= 2 else ""
        _add(out, _three_key(name, parent), t, row, j)


def _text_key(doc: Doc, s: Sentence, t: Token) -> list[str]:
    """The concept(s) an amount in the text names, or []."""
    before = s.text[: t.start]
    m = _BOTH_TOTALS.search(before)
    if m:
        pre = m.group(1) or ""
        return [pre + "收入总计", pre + "支出总计"]
    key = label_key(norm_name(t.name))
    key = re.sub(r"(决算数|决算)$", "", key)
    key = re.sub(r"\((类|款|项)\)", "", key)
    if key.endswith("费支出") and key[:-2] in VOCABULARY:
        key = key[:-2]  # 公务接待费支出 → 公务接待费
    if key == "公务用车运行维护费":
        key = "公务用车运行费"
    if key in ("基本支出", "项目支出"):
        scope = s.heading + s.text[: t.start] + _whole_name(doc, s, t)
        if "一般公共预算财政拨款" in scope:
            key = "一般公共预算财政拨款" + key
        elif "财政拨款" in scope or "基金" in scope:
            return []  # another fund's 基本支出: no table here says which
    if key in VOCABULARY:
        return [key]
    return [CLASS + key] if key.endswith("支出") else []


def _whole_name(doc: Doc, s: Sentence, t: Token) -> str:
    for pl in getattr(doc, "lists", []):
        if any(p.token is t for p in pl.parts):
            return pl.whole.name
    return ""


def _agree(cells: list[Cell]) -> Cell | None:
    """The one value the tables give, or None if they disagree (the most precise cell is returned)."""
    vals = [c[3] for c in cells]
    lo = min(v.yuan for v in vals)
    hi = max(v.yuan for v in vals)
    halves = [Decimal(0) if v.decimals >= BLANK_DECIMALS else v.half for v in vals]
    if hi - lo > max(halves) * 2:
        return None
    return min(cells, key=lambda c: (c[3].half if c[3].decimals < BLANK_DECIMALS else Decimal(0)))


def _shown(v: Decimal, decimals: int, unit: str) -> str:
    return f"{v:,.{decimals}f}{unit}"


def text_vs_cells(doc: Doc, wrong: set | None = None) -> list[Finding]:
    """PE824 findings; ``wrong`` holds (id(row sentence), cell span) of cells the table checks found wrong —
    those are no reference for the text (the table finding names them already)."""
    offered = concepts(doc.tables)
    if wrong:
        offered = {k: [c for c in v if (id(c[1].sentence), (c[3].start, c[3].end)) not in wrong] for k, v in offered.items()}
        offered = {k: v for k, v in offered.items() if v}
    if not offered:
        return []
    out: list[Finding] = []
    for s in doc.sentences:
        if PROJECT_SCOPE.search(s.heading) or (doc.year and s.year and s.year != doc.year) or PREVIOUS.search(s.text):
            continue
        for t in s.tokens:
            if t.kind != "money" or t.nested:
                continue
            if APPROX.search(s.text[max(0, t.start - 4): t.start]) or APPROX_AFTER.match(s.text[t.end:]):
                continue  # "约273万元", "270万元左右": not a figure to compare to the cent
            keys = [k for k in _text_key(doc, s, t) if k in offered]
            for key in keys:
                cell = _agree(offered[key])
                if cell is None:
                    continue
                tab, row, j, v = cell
                half_text = Decimal(5).scaleb(-t.decimals - 1) * MONEY[t.unit]  # as printed: "231万元" is ±0.5万元
                half_cell = Decimal(0) if v.decimals >= BLANK_DECIMALS else v.half
                if abs(t.yuan - v.yuan) < half_text + half_cell or t.yuan == v.yuan:
                    continue
                want = v.yuan / MONEY[t.unit]
                d = max(t.decimals, 2 if t.unit == "万元" else 0)
                cell_text = _shown(v.value, 0 if v.decimals >= BLANK_DECIMALS else v.decimals, v.unit)
                f = doc.finding("PE824", "table", s, t.value, want, (t.start, t.end),
                                name=key.removeprefix(CLASS), claimed=s.text[t.start:t.end].replace(" ", ""),
                                where=tab.where(row, j), cell=cell_text, expected=_shown(want, d, t.unit))
                f.extra.update({"table": tab.name, "row": row.no, "column": tab.col_name(j)})
                out.append(f)
                break
    return out
