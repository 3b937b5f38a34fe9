"""Report text as the checks see it: lines → sentences → clauses → numeric tokens.

Nothing here judges a number; it only finds them and the words in front of them.
A *token* is a number with a unit (money 元/万元/亿元, a percentage, or a count such
as 辆, 人, 个); bare numbers (years, codes, list numbers) are never tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

# full-width digits and signs → ASCII, one character for one (positions stay valid)
_WIDTH = str.maketrans("０１２３４５６７８９．，％：；（）", "0123456789.,%:;()")

MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
COUNT_UNITS = ("个百分点", "台(套)", "人次", "批次", "辆", "人", "名", "户", "次", "个", "台", "套", "项", "家", "所", "件", "座", "亩", "公里", "分")
_UNIT_RE = "|".join(re.escape(u) for u in ("亿元", "万元", "千元", "元", "%") + COUNT_UNITS)
TOKEN_RE = re.compile(r"(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?(" + _UNIT_RE + r")")
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

    @property
    def kind(self) -> str:
        if self.unit in MONEY:
            return "money"
        if self.unit == "%":
            return "pct"
        return "count:" + self.unit

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


@dataclass
class Line:
    text: str
    no: int
    page: int | None = None
    table: bool = False  # a table row (cells joined by tabs)
    breaks: tuple[int, ...] = ()  # offsets where a further physical line starts (a folded YAML text)


def normalise(s: str) -> str:
    return s.translate(_WIDTH)


def _paren_depth(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "(【[":
            depth += 1
        out.append(depth)
        if ch in ")】]" and depth:
            depth -= 1
    return out


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    depth = None
    for m in TOKEN_RE.finditer(text):
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        if unit == "台(套)":
            unit = "台"
        value = Decimal(whole.replace(",", "") + ("." + frac if frac else ""))
        # the name: back to the last clause separator (a "：" that ends a list label counts too)
        i = m.start()
        j = i
        while j > 0 and not CLAUSE_SEP.match(text[j - 1]) and not SENTENCE_END.match(text[j - 1]):
            j -= 1
        if depth is None:
            depth = _paren_depth(text)
        out.append(Token(value, len(frac or ""), unit, m.start(), m.end(), text[j:i].strip(), depth[m.start()] > 0))
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


def split(lines: list[Line]) -> list[Sentence]:
    """Sentences in reading order, each carrying its tokens and the headings above it ("a / b / c")."""
    out: list[Sentence] = []
    stack: dict[int, str] = {}
    heading = ""
    for ln in lines:
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
            no = ln.no + sum(1 for k in ln.breaks if k <= lead)
            out.append(Sentence(text, raw_line[a:b], no, ln.page, len(out), tokens(text), heading,
                                y.group(1) if y else None, k == 0, k == len(pieces) - 1, ln.table))
    return out


_YEAR_PREFIX = re.compile(r"^(截[至止]\d{4}年\d{1,2}月\d{1,2}日|\d{4}年度?|本年度|全年|[,，]|的)+")
_VERB_SUFFIX = re.compile(r"(均为|各为|分别为|为|是|达到|达)+$")


def norm_name(name: str) -> str:
    """The quantity a token names: year prefixes and linking verbs removed, quotes unified."""
    s = re.sub(r"[\s“”\"'‘’《》]", "", name)
    s = _YEAR_PREFIX.sub("", s)
    s = _VERB_SUFFIX.sub("", s)
    return s
