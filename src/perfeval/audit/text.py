"""Report text as the checks see it: lines → sentences → clauses → numeric tokens.

Nothing here judges a number; it only finds them and the words in front of them.
A *token* is a number with a unit (money 元/万元/亿元, a percentage, or a count such
as 辆, 人, 个); bare numbers (years, codes, list numbers) are never tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

# full-width digits and signs → ASCII, and the Traditional forms some sites serve (萬元, 佔, 預算) →
# Simplified: one character for one, so positions in the normalised text are positions in the raw text
_TRADITIONAL = ("萬億佔預決數為較與長減撥經費財總計項補務購運維護車輛機關員資產産節約實際執現結轉餘點個額"
                "國級進報說況區縣鎮鄉貨採設備業單達於從對應當體門開動變類養險醫療學稅續專戶舊績評價標層試驗臺並這歸衛環災")
_SIMPLIFIED = ("万亿占预决数为较与长减拨经费财总计项补务购运维护车辆机关员资产产节约实际执现结转余点个额"
               "国级进报说况区县镇乡货采设备业单达于从对应当体门开动变类养险医疗学税续专户旧绩评价标层试验台并这归卫环灾")
_WIDTH = str.maketrans("０１２３４５６７８９．，％：；（）－" + _TRADITIONAL, "0123456789.,%:;()-" + _SIMPLIFIED)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)

MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
COUNT_UNITS = ("个百分点", "台(套)", "人次", "批次", "辆", "人", "名", "户", "次", "个", "台", "套", "项", "家", "所", "件", "座", "亩", "公里", "分")
_UNIT_RE = "|".join(re.escape(u) for u in ("亿元", "万元", "千元", "元", "%") + COUNT_UNITS)
# a number: thousands separated by commas (19,044.27) or by single spaces (19 596.9, as PDF text has them), or plain
TOKEN_RE = re.compile(r"(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u2009]\d{3})+(?=\.\d|\s?[万亿千元%])|\d+)"
                      r"(?:\.(\d+))?\s?(" + _UNIT_RE + r")")
# "各是4125.49、4143.91万元": bare numbers listed before one that carries the unit share it
# a number as printed, with or without thousands separators (also the table reader's)
BARE_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_BARE_LIST = re.compile(r"(?<![\d.,A-Za-z\-])(" + BARE_NUM + r")(?=\s?[、和与及]\s?\d)")
_LIST_GAP = re.compile(r"^\s?[、和与及]\s?$")
# approximate or bounded values are never checked: 约/近/超过 10万元, 10余万元, 5-10万元, 10万元以上
_APPROX_BEFORE = re.compile(r"(约|近|超过|逾|将近|接近|不足|不到|大约|约为|多达|达到约|\d\s?[-~～至到])\s*$")
_APPROX_AFTER = re.compile(r"^\s*(余|多|左右|以上|以下|以内|上下)")
_NEG_BEFORE = re.compile(r"(?<![\d.])[-−]\s?$")
SENTENCE_END = re.compile(r"[。！？!?]")
CLAUSE_SEP = re.compile(r"[，,；;、:：]")
HEADING_RE = re.compile(r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|"
                        r"\d+[.、．]|\(\d+\)|附件\d*|附表)")
YEAR_RE = re.compile(r"(\d{4})年")


@dataclass
class Token:
    value: Decimal  # as printed, in its own unit
    decimals: int  # printed decimals
    unit: str  # 万元, %, 辆 …
    start: int  # offsets in the sentence text
    end: int
    name: str  # words between the clause start and the number
    nested: bool = False  # inside (…): an aside, never a part of a list
    approx: bool = False  # 约/近/超过…, …余/以上, a range: never checked
    shared: bool = False  # "A、B万元": the unit was written once, after the last number

    kind: str = field(init=False, default="")  # money | pct | count:<unit>

    def __post_init__(self) -> None:
        self.kind = "money" if self.unit in MONEY else "pct" if self.unit == "%" else "count:" + self.unit

    @property
    def yuan(self) -> Decimal:
        """Money in 元 (counts and percentages unchanged)."""
        return self.value * MONEY.get(self.unit, Decimal(1))

    @property
    def half(self) -> Decimal:
        """Half a unit of the last printed digit, in 元 for money (at least 2 decimals assumed)."""
        if self.kind.startswith("count"):
            return Decimal(0)
        d = max(self.decimals, 2)
        return (Decimal(5).scaleb(-d - 1)) * MONEY.get(self.unit, Decimal(1))


@dataclass
class Sentence:
    text: str  # normalised (ASCII digits and signs)
    raw: str  # as written
    line: int  # 1-based line (paragraph for .docx/.pdf)
    page: int | None
    index: int  # position in the document's sentence list
    tokens: list[Token] = field(default_factory=list)
    heading: str = ""  # nearest heading above
    year: str | None = None  # first year named in the sentence
    line_start: bool = False  # first sentence of its line
    line_end: bool = False  # last sentence of its line
    table: bool = False  # a table row: cells, not prose (only placeholders are looked for)
    segs: tuple[tuple[int, int], ...] = ()  # (offset in text, physical line) where each wrapped piece starts
    para: int = 0  # the logical line (paragraph) the sentence is part of

    def line_at(self, offset: int) -> int:
        """The physical line a character of the sentence is printed on."""
        return _line_at(self.segs, offset) if self.segs else self.line


@dataclass
class Line:
    text: str
    no: int
    page: int | None = None
    table: bool = False  # a table row (cells joined by tabs)
    breaks: tuple[int, ...] = ()  # offsets where a further physical line starts (a folded YAML text)


_LIST_COMMA = re.compile(r"(?<=\d\.\d)(\d*)[,，](?=\s?\d)")


_NEEDS_TRANSLATE = re.compile("[０-９．，％：；（）－" + _TRADITIONAL + "]")


def normalise(s: str) -> str:
    """Full-width and Traditional forms → ASCII/Simplified; a comma after a decimal number → "、" (a list)."""
    if _NEEDS_TRANSLATE.search(s):
        s = s.translate(_WIDTH)
    if "." in s and "," in s:
        s = _LIST_COMMA.sub(lambda m: m.group(1) + "、", s)
    return s


def _paren_depth(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "(【[":
            depth += 1
        out.append(depth)
        if ch in ")】]" and depth:
            depth -= 1
    return out


_NAME_STOP = re.compile(r"[，,；;、:：。！？!?]")


def _name(text: str, i: int, stops: list[int] | None = None) -> str:
    """The words in front of offset ``i``: back to the last clause separator (a "：" ending a list label counts too)."""
    if stops is None:
        stops = [m.end() for m in _NAME_STOP.finditer(text, 0, i)]
    j = stops[bisect_right(stops, i) - 1] if stops and stops[0] <= i else 0
    return text[j:i].strip()


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    depth = None
    stops: list[int] | None = None
    for m in TOKEN_RE.finditer(text):
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        if unit == "台(套)":
            unit = "台"
        value = Decimal(re.sub(r"[,\s]", "", whole) + ("." + frac if frac else ""))
        if _NEG_BEFORE.search(text[max(0, m.start() - 2):m.start()]):
            value = -value  # "-0.07万元", "增长-3.5%"
        if depth is None:
            depth = _paren_depth(text)
            stops = [k.end() for k in _NAME_STOP.finditer(text)]
        t = Token(value, len(frac or ""), unit, m.start(), m.end(), _name(text, m.start(), stops), depth[m.start()] > 0)
        t.approx = bool(_APPROX_BEFORE.search(text[max(0, m.start() - 4):m.start()]) or _APPROX_AFTER.match(text[m.end():]))
        out.append(t)
    if out and _BARE_LIST.search(text):
        out = _shared_units(text, out, depth or _paren_depth(text))
    return out


def _shared_units(text: str, out: list[Token], depth: list[int]) -> list[Token]:
    """Give "A、B万元" (and "A,B万元" after decimals, see :func:`normalise`) the unit of the last number."""
    starts = {t.start: t for t in out}
    extra = []
    for m in _BARE_LIST.finditer(text):
        if any(t.start <= m.start() < t.end for t in out):
            continue
        # follow the chain of bare numbers to the first one with a unit
        pos, chain = m.start(), []
        while True:
            n = re.match(BARE_NUM, text[pos:])
            if not n:
                break
            if pos in starts:
                owner = starts[pos]
                for a, b in chain:
                    v = text[a:b].replace(",", "")
                    frac = v.partition(".")[2]
                    t = Token(Decimal(v), len(frac), owner.unit, a, b, _name(text, a), depth[a] > 0)
                    t.shared = True
                    t.approx = owner.approx
                    extra.append(t)
                break
            chain.append((pos, pos + n.end()))
            gap = re.match(r"\s?[、和与及]\s?", text[pos + n.end():])
            if not gap:
                break
            pos = pos + n.end() + gap.end()
    if not extra:
        return out
    seen = {t.start for t in out}
    return sorted(out + [t for t in extra if t.start not in seen], key=lambda t: t.start)


_GROUP_SEP = re.compile(r"^\s?[、和与及]\s?$")


def groups(s: "Sentence") -> list[list[Token]]:
    """Runs of values of one kind listed together: "A、B万元", "A亿元和B亿元", "23.51%、38.28%"."""
    out: list[list[Token]] = []
    for t in s.tokens:
        last = out[-1][-1] if out else None
        if last is not None and last.kind == t.kind and _GROUP_SEP.match(s.text[last.end:t.start]):
            out[-1].append(t)
        else:
            out.append([t])
    return out


def is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 40 or TOKEN_RE.search(normalise(s)):
        return False
    if SENTENCE_END.search(s[:-1]):
        return False
    return bool(HEADING_RE.match(normalise(s))) or not re.search(r"[，,；;。]", s)


_LEVELS = ((re.compile(r"^(第[一二三四五六七八九十]+部分|附件|附表)"), 0), (re.compile(r"^[一二三四五六七八九十]+[、.]"), 2),
           (re.compile(r"^\([一二三四五六七八九十]+\)"), 3), (re.compile(r"^\d+[.、．]"), 4), (re.compile(r"^\(\d+\)"), 5))


def heading_level(line: str) -> int:
    s = normalise(line.strip())
    for rx, level in _LEVELS:
        if rx.match(s):
            return level
    return 1  # an unnumbered title


_WRAP_END = re.compile(r"[。！？!?；;:：]\s*$")
_STARTS_ITEM = re.compile(r"^\s*([-*#>|—–]|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|"
                          r"\d+[.、．](?!\d)|[①-⑳]|附件|附表|注[:：])")


def _width(s: str) -> int:
    """Display width: CJK characters count two (three bytes in UTF-8), ASCII one."""
    s = s.strip()
    n = len(s)
    return n + (len(s.encode("utf-8")) - n) // 2


def paragraphs(lines: list[Line]) -> list[tuple[Line, tuple[tuple[int, int], ...]]]:
    """Lines joined where a page layout wrapped one sentence over several (PDF text, fixed-width .txt).

    A line continues on the next when it is about as wide as the document's wrapped lines (70 % of the
    90th percentile width), does not end a sentence or a clause list (。；：), the next line follows it
    directly and starts no item or heading.  Returns each logical line with its pieces
    ``(offset, physical line)`` so a number can be reported on the line it is printed on.
    """
    width = {id(ln): _width(ln.text) for ln in lines if not ln.table and not ln.breaks}
    widths = sorted(w for w in width.values() if w)
    wrap = 0.7 * widths[int(0.9 * (len(widths) - 1))] if len(widths) >= 4 else float("inf")
    out: list[tuple[Line, tuple[tuple[int, int], ...]]] = []
    prev: Line | None = None
    for ln in lines:
        if prev is not None and out and not ln.table and not prev.table and not ln.breaks and not prev.breaks \
                and ln.no == prev.no + 1 and ln.text.strip() and max(wrap, 16) <= width.get(id(prev), 0) \
                and not _WRAP_END.search(prev.text) and not _STARTS_ITEM.match(ln.text) and not is_heading(prev.text):
            head, segs = out[-1]
            piece = ln.text.strip()
            out[-1] = (Line(head.text.rstrip() + piece, head.no, head.page, False), segs + ((len(head.text.rstrip()), ln.no),))
        else:
            segs = ((0, ln.no),) + tuple((k, ln.no + i + 1) for i, k in enumerate(ln.breaks))
            out.append((ln, segs))
        prev = ln
    return out


def split(lines: list[Line]) -> list[Sentence]:
    """Sentences in reading order, each carrying its tokens and the headings above it ("a / b / c")."""
    out: list[Sentence] = []
    stack: dict[int, str] = {}
    heading = ""
    for para, (ln, segs) in enumerate(paragraphs(lines)):
        raw_line = ln.text
        if not raw_line.strip():
            continue
        if not ln.table and is_heading(raw_line):
            level = heading_level(raw_line)
            stack = {k: v for k, v in stack.items() if k < level}
            stack[level] = raw_line.strip()
            heading = " / ".join(stack[k] for k in sorted(stack))
        norm = normalise(raw_line)
        start = 0
        pieces = []
        for m in SENTENCE_END.finditer(norm):
            pieces.append((start, m.end()))
            start = m.end()
        if start < len(norm):
            pieces.append((start, len(norm)))
        pieces = [(a, b) for a, b in pieces if norm[a:b].strip()]
        for k, (a, b) in enumerate(pieces):
            text = norm[a:b]
            y = YEAR_RE.search(text)
            lead = a + len(text) - len(text.lstrip())
            mine = tuple((max(off - a, 0), no) for off, no in segs if off < b)
            mine = tuple(x for i, x in enumerate(mine) if i + 1 == len(mine) or mine[i + 1][0] > 0)
            s = Sentence(text, raw_line[a:b], _line_at(mine, lead - a), ln.page, len(out), tokens(text), heading,
                         y.group(1) if y else None, k == 0, k == len(pieces) - 1, ln.table)
            s.segs = mine
            s.para = para
            out.append(s)
    return out


def _line_at(segs: tuple[tuple[int, int], ...], offset: int) -> int:
    no = segs[0][1]
    for off, n in segs:
        if off <= offset:
            no = n
    return no


_YEAR_PREFIX = re.compile(r"^(截[至止]\d{4}年\d{1,2}月\d{1,2}日|\d{4}年度?|本年度|全年|[,，]|的)+")
_VERB_SUFFIX = re.compile(r"(均为|各为|分别为|为|是|达到|达|累计完成|完成|实现|安排)+$")
_LIST_MARK = re.compile(r"^([(（]?[一二三四五六七八九十\d]+[)）.、．]\s*)+")


def norm_name(name: str) -> str:
    """The quantity a token names: year prefixes and linking verbs removed, quotes unified."""
    s = re.sub(r"[\s“”\"'‘’《》]", "", name)
    s = _LIST_MARK.sub("", s)
    s = _YEAR_PREFIX.sub("", s)
    s = _VERB_SUFFIX.sub("", s)
    return s
