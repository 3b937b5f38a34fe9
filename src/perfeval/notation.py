"""Parse the notations clerks write for targets and actual values.

``parse("≥5户")`` → ``Rule(op=">=", value=5.0, unit="户")``.  The grammar:

    value := [label] [comparator] number [unit] [suffix] | range | ±x | qualitative
    comparator := ≥ ≧ >= ＞＝ 不低于 不少于 至少 大于等于 | ≤ ≦ <= 不高于 不超过 不大于 控制在 |
                  > 超过 高于 大于 | < 低于 少于 小于 | = ＝ ═ 等于 达到
    suffix := 以上 及以上 | 以内 以下 及以下

Anything that does not match the grammar exactly is qualitative text; nothing is
guessed from a number buried in prose.  A bare number means "=".  Units are
normalised (百分比 → %) and money units are scaled (1 万元 = 10 000 元).

The parser never raises: every input gives a :class:`Rule` (which may be
qualitative or empty).  :func:`format_rule` prints a rule in the canonical
notation, which parses back to the same rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .chars import NOTATION_NOISE_RE

# Operators, as stored in frames and JSON.  Each scoring operator is a method of
# perfeval.methods (registered there, with its grammar hook, printer and labels);
# "empty" and "na" are not methods: nothing written, and 不适用.
GE, GT, LE, LT, EQ, RANGE, QUAL, EMPTY, NA = ">=", ">", "<=", "<", "=", "range", "qualitative", "empty", "na"


class _Ops(Sequence):
    """Operators of the registered methods that satisfy ``pred`` — read live from the registry."""

    def __init__(self, pred) -> None:
        self._pred = pred

    def _ops(self) -> list[str]:
        return [m.op for m in _METHODS.values() if self._pred(m)]

    def __getitem__(self, i):
        return self._ops()[i]

    def __len__(self) -> int:
        return len(self._ops())

    def __contains__(self, op: object) -> bool:
        m = _METHODS.get(op) if isinstance(op, str) else None
        return m is not None and bool(self._pred(m))

    def __repr__(self) -> str:
        return repr(tuple(self._ops()))


class _Symbols(Mapping):
    """op → comparator symbol (≥ > ≤ < =) of the point methods, from the registry."""

    def _map(self) -> dict[str, str]:
        return {m.op: m.symbol for m in _METHODS.values() if m.symbol}

    def __getitem__(self, op: str) -> str:
        return self._map()[op]

    def __iter__(self):
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


NUMERIC_OPS: Sequence[str] = _Ops(lambda m: m.numeric)
OP_SYMBOL: Mapping[str, str] = _Symbols()

_PREFIX = [
    # longest first within each group; matched after NFKC normalisation
    (GE, ("大于或等于", "大于等于", "不低于", "不少于", "不小于", "至少", "≥", "≧", ">=", "=>")),
    (LE, ("小于或等于", "小于等于", "控制在", "不高于", "不超过", "不大于", "不多于", "最多", "≤", "≦", "<=", "=<")),
    (GT, ("超过", "高于", "大于", "多于", ">")),
    (LT, ("低于", "少于", "小于", "<")),
    (EQ, ("等于", "达到", "=", "═", "＝")),
]
_SUFFIX = [
    (GE, ("及以上", "以上")),
    (LE, ("及以下", "以内", "以下")),
]
NA_MARKS = frozenset({"/", "／", "—", "——", "-", "不适用", "无此项"})

# Units: canonical name -> aliases.  Money units scale to 万元-or-元 by factor.
_UNIT_ALIASES = {
    "%": ("%", "百分比", "百分点"),
    "‰": ("‰",),
}
MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_KNOWN_UNITS = sorted(
    {
        *MONEY,
        *(a for al in _UNIT_ALIASES.values() for a in al),
        "户", "人", "人次", "万人", "万人次", "个", "次", "天", "日", "批次", "批", "项", "台", "台套", "套",
        "篇", "份", "所", "家", "场", "场次", "期", "月", "年", "周", "小时", "工作日", "分钟", "公里", "千米",
        "km", "米", "m", "平方米", "㎡", "m2", "万平方米", "亩", "万亩", "公顷", "吨", "万吨", "件", "辆", "处",
        "座", "条", "间", "张", "本", "册", "门", "类", "名", "只", "头", "株", "棵", "立方米", "m3", "kg",
        "千克", "公斤", "学时", "课时", "班", "床", "所次", "宗", "起", "单", "部", "区", "村", "镇", "点",
        "个月", "万册", "万元/人", "分", "级", "星", "岁", "户次", "篇次", "期次",
    },
    key=len,
    reverse=True,
)
_UNIT_CANON = {a: canon for canon, al in _UNIT_ALIASES.items() for a in al}
KNOWN_UNITS = frozenset(_KNOWN_UNITS)
# Units that are the same quantity under another name (compared as equal, never scaled).
_SAME_UNIT = {"千米": "公里", "km": "公里", "m": "米", "㎡": "平方米", "m2": "平方米", "m3": "立方米",
              "kg": "千克", "公斤": "千克", "日": "天"}
# Magnitude prefixes that scale any base unit: 40万株 = 400000株.
SCALE_PREFIX = {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}
# A unit word the table does not list: a few CJK or Latin letters after the number ("厘米", "平方公里",
# "家次", "名学生", "cm").  Words that say when or how ("12月底前完成", "3日内") are not units: those stay text.
_NOT_UNIT_CHARS = "前后底末内初旬完成达到实现以上下及约余多左右共计的为和或与是每第月年日"
_UNKNOWN_ATOM = rf"(?:[A-Za-z]{{2,6}}|(?:(?![{_NOT_UNIT_CHARS}])[\u4e00-\u9fff]){{1,6}})"
_NUM = r"[+-]?\d+(?:\.\d+)?"
_UNIT_ATOM = "|".join(re.escape(u) for u in _KNOWN_UNITS)
_ANY_ATOM = rf"(?:{_UNIT_ATOM}|{_UNKNOWN_ATOM})"
_UNIT = rf"(?:{_ANY_ATOM})(?:[/*·](?:{_ANY_ATOM}))*"
# "5（户）": a unit in brackets after the number, as some templates print it
_RE_BRACKET_UNIT = re.compile(r"(?<=\d)\(([^()\d]{1,8})\)(?=$|及以上|以上|及以下|以下|以内|-|~|至|到)")
_RANGE_SEP = r"(?:-|~|至|到|—|–)"
_RE_RANGE = re.compile(rf"^(?P<lo>{_NUM})(?P<u1>{_UNIT})?{_RANGE_SEP}(?P<hi>{_NUM})(?P<u2>{_UNIT})?$")
_RE_PM = re.compile(rf"^±(?P<v>\d+(?:\.\d+)?)(?P<u>{_UNIT})?$")
_RE_NUM_UNIT = re.compile(rf"^(?P<v>{_NUM})(?P<u>{_UNIT})?$")
_RE_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_CONTROL = NOTATION_NOISE_RE
_TRAIL_PUNCT = "。．.，,；;！!、 "
_ALL_SUFFIXES = ("及以上", "以上", "及以下", "以内", "以下")
_RE_LABEL = re.compile(r"^[^\d+\-<>=≥≤≦≧±.~/]{1,12}?(?=\d|[<>=≥≤≦≧]|不低于|不少于|不小于|不超过|不高于|不大于|至少|控制在)")


@dataclass(frozen=True)
class Rule:
    """A parsed target or actual value.

    ``op`` is one of ``>= > <= < = range qualitative empty na``.  For ``range``
    ``value`` is the lower and ``hi`` the upper bound.  ``text`` is the
    original cell text, kept for display.
    """

    op: str
    value: float | None = None
    hi: float | None = None
    unit: str | None = None
    text: str = ""

    @property
    def numeric(self) -> bool:
        return self.op in NUMERIC_OPS

    @property
    def comparator_written(self) -> bool:
        """True if the text carried an explicit comparator (≥, 以上, …)."""
        return self.numeric and self.op != EQ or self.op == EQ and _has_eq_word(self.text)


def _has_eq_word(text: str) -> bool:
    t = _normalise(text)
    return t.startswith(("=", "等于", "达到"))


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = _CONTROL.sub("", t)
    t = t.replace("═", "=").replace("〜", "~").replace("～", "~")
    t = re.sub(r"\s+", "", t)
    t = _RE_THOUSANDS.sub("", t)
    return t.rstrip(_TRAIL_PUNCT)


def _canon_unit(u: str | None) -> str | None:
    if not u:
        return None
    return _UNIT_CANON.get(u, u)


canon_unit = _canon_unit  # for method grammar hooks (perfeval.methods)
UNIT_PATTERN = _UNIT  # a unit, possibly compound (元/人*月)


# Larger magnitudes are not plausible in any form (1e15 元 is over thirty times the whole national budget)
# and cannot be shown with two exact decimals; they are treated like NaN/Infinity.
MAX_ABS = 1e15


def _finite(x: float) -> bool:
    return math.isfinite(x) and abs(x) < MAX_ABS


finite = _finite


@lru_cache(maxsize=65536)
def parse(text: object) -> Rule:
    """Parse one target or actual cell.  Never raises."""
    if text is None:
        return Rule(EMPTY)
    if isinstance(text, bool):
        return Rule(QUAL, text="是" if text else "否")
    if isinstance(text, (int, float)):
        v = float(text)
        if not _finite(v):
            return Rule(QUAL, text=str(text))
        return Rule(EQ, v, None, None, _num_text(v))
    if not isinstance(text, str):
        return Rule(QUAL, text=str(text))
    raw = text.strip()
    if not raw:
        return Rule(EMPTY, text="")
    t = _normalise(raw)
    if not t:
        return Rule(EMPTY, text=raw)
    if t in NA_MARKS:
        return Rule(NA, text=raw)
    if "(" in t:
        t = _RE_BRACKET_UNIT.sub(r"\1", t)
    for method in _METHODS.values():  # notations of registered methods (e.g. 区间（含容差）“100±5台”)
        if method.grammar is not None:
            r = method.grammar(t, raw)
            if r is not None:
                return r

    m = _RE_PM.match(t)
    if m:
        v = float(m["v"])
        if not _finite(v):
            return Rule(QUAL, text=raw)
        return Rule(RANGE, -v, v, _canon_unit(m["u"]), raw)
    m = _RE_RANGE.match(t)
    if m:
        lo, hi = float(m["lo"]), float(m["hi"])
        if not (_finite(lo) and _finite(hi)):
            return Rule(QUAL, text=raw)
        u1, u2 = _canon_unit(m["u1"]), _canon_unit(m["u2"])
        if u1 and u2 and u1 != u2:
            return Rule(QUAL, text=raw)
        if lo <= hi and (lo >= 0 or m["lo"].startswith("-")):
            return Rule(RANGE, lo, hi, u2 or u1, raw)

    op, body = _strip_prefix(t)
    if op is None:
        # a short label may stand before the comparator or number: "满意度≥95%", "满意度95%以上"
        m = _RE_LABEL.match(t)
        if m:
            op, body = _strip_prefix(t[m.end():])
            if op is None and not body.endswith(_ALL_SUFFIXES):
                return Rule(QUAL, text=raw)
    suffix_op = None
    for cand_op, words in _SUFFIX:
        for w in words:
            if body.endswith(w) and len(body) > len(w):
                suffix_op, body = cand_op, body[: -len(w)]
                break
        if suffix_op:
            break
    if op and suffix_op and op != suffix_op:
        return Rule(QUAL, text=raw)
    m = _RE_NUM_UNIT.match(body)
    if not m:
        return Rule(QUAL, text=raw)
    v = float(m["v"])
    if not _finite(v):
        return Rule(QUAL, text=raw)
    return Rule(op or suffix_op or EQ, v, None, _canon_unit(m["u"]), raw)


def comparator(word: str) -> str | None:
    """The operator of a comparator written on its own (``"不低于"`` → ``">="``), else ``None``.

    An empty word means "=" (a bare number).  Used for the ``op`` of a ``{op, value}`` target.
    """
    t = _normalise(str(word))
    if not t:
        return EQ
    op, rest = _strip_prefix(t)
    return op if op is not None and not rest else None


def _strip_prefix(t: str) -> tuple[str | None, str]:
    for cand_op, words in _PREFIX:
        for w in words:
            if t.startswith(w):
                return cand_op, t[len(w):]
    return None, t


def _num_text(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return format(v, ".10g")


num_text = _num_text


def format_rule(rule: Rule) -> str:
    """Canonical notation for a rule; ``parse(format_rule(r))`` gives ``r`` back (text aside)."""
    m = _METHODS.get(rule.op)
    if m is not None and m.format is not None:
        return m.format(rule)
    if rule.op == NA:
        return "/"
    return rule.text


def same_rule(a: Rule, b: Rule) -> bool:
    return (a.op, a.value, a.hi, a.unit) == (b.op, b.value, b.hi, b.unit)


def unit_factor(actual_unit: str | None, target_unit: str | None) -> float | None:
    """Factor that converts a value in ``actual_unit`` into ``target_unit``.

    ``None`` when the two cannot be compared.  A missing actual unit takes the
    target's unit.
    """
    if actual_unit is None or actual_unit == target_unit:
        return 1.0
    if target_unit is None:
        return None
    if actual_unit in MONEY and target_unit in MONEY:
        return MONEY[actual_unit] / MONEY[target_unit]
    (sa, ba), (st, bt) = _scaled(actual_unit), _scaled(target_unit)
    if ba == bt or _head(ba) == bt or ba == _head(bt):
        return sa / st
    return None


def _head(unit: str) -> str:
    """The known unit a longer unit word starts with: ``"名学生"`` → ``"名"`` (``"次培训"`` → ``"次"``)."""
    if "/" in unit or unit in KNOWN_UNITS:
        return unit
    for k in _KNOWN_UNITS:  # longest first
        if unit.startswith(k) and len(unit) > len(k):
            return _base(k)
    return unit


def _base(u: str) -> str:
    return _SAME_UNIT.get(u, u)


def _scaled(unit: str) -> tuple[float, str]:
    """(scale, base unit): ``"万株"`` → ``(1e4, "株")``; a compound unit scales by its first atom."""
    for p, f in SCALE_PREFIX.items():
        if unit.startswith(p) and len(unit) > len(p):
            rest = unit[len(p):]
            if rest in MONEY:  # 万元 is a money unit of its own (handled above)
                break
            return f, _base(rest)
    return 1.0, _base(unit)


def known_unit(unit: str | None) -> bool:
    """True when every part of ``unit`` is in the unit table (after a 万/亿 prefix); ``None`` counts as known."""
    if not unit:
        return True
    for atom in re.split(r"[/*·]", unit):
        if atom in KNOWN_UNITS or atom in _UNIT_CANON:
            continue
        _, base = _scaled(atom)
        if not _concat_of_known(base):
            return False
    return True


def _concat_of_known(word: str) -> bool:
    """``"家次"`` = 家 + 次: a word made only of units in the table."""
    if word in KNOWN_UNITS or word in _SAME_UNIT.values():
        return True
    return any(word.startswith(k) and len(word) > len(k) and _concat_of_known(word[len(k):]) for k in _KNOWN_UNITS)


# ---------------------------------------------------------------------------
# Qualitative tiers
# ---------------------------------------------------------------------------
TIER_MET, TIER_PARTIAL, TIER_MISSED = "达成", "部分达成", "未达成"
TIERS = (TIER_MET, TIER_PARTIAL, TIER_MISSED)

_TIER_EXACT = {
    TIER_MET: (
        "达成预期指标", "达成年度指标", "达成预期目标", "达成年度目标", "达成", "已达成", "完成", "已完成",
        "全部完成", "圆满完成", "按时完成", "按期完成", "如期完成", "达到", "已达到", "达到预期", "达标",
        "实现", "已实现", "是", "合格", "全部合格", "验收合格", "效果明显", "效果显著", "明显", "显著",
        "高", "好", "优", "优秀", "良好", "满意", "有效", "符合", "符合要求", "符合规定", "符合相关规定",
        "严格执行", "已落实", "落实", "持续发挥", "长期", "逐步提升", "有所提升", "明显提升", "提升", "提高",
        "明显提高", "有效提升", "有效提高", "改善", "明显改善", "有效改善", "正常运转", "保障到位", "到位",
    ),
    TIER_PARTIAL: (
        "部分达成", "部分达成预期指标", "部分达成预期指标并具有一定效果", "部分达成年度指标", "部分完成",
        "基本完成", "基本达成", "基本达到", "基本实现", "基本符合", "基本满意", "较好", "一般", "基本合格",
        "部分实现", "部分达到", "有一定效果", "具有一定效果",
    ),
    TIER_MISSED: (
        "未达成", "未达成预期指标", "未达成预期指标且效果较差", "未完成预期指标且效果较差", "未完成",
        "未达到", "未实现", "否", "较差", "差", "不合格", "不满意", "未落实", "无效", "效果较差",
    ),
}
_TIER_LOOKUP = {_normalise(w): tier for tier, ws in _TIER_EXACT.items() for w in ws}


@lru_cache(maxsize=16384)
def qualitative_tier(actual: str, target: str | None = None) -> str | None:
    """Tier of a qualitative actual value, or ``None`` if the wording is unknown.

    An actual that repeats the target's own text counts as 达成.
    """
    a = _normalise(actual)
    if not a:
        return None
    if target is not None and a == _normalise(target):
        return TIER_MET
    tier = _TIER_LOOKUP.get(a)
    if tier:
        return tier
    if re.match(r"^(未|没有|尚未)(能)?(完成|达成|达到|实现|落实)", a):
        return TIER_MISSED
    if re.match(r"^(部分|基本)(完成|达成|达到|实现|符合|落实)", a):
        return TIER_PARTIAL
    if re.match(r"^(?:已经|已|全部|均已|均|按时|按期|如期)*(完成|达成|达到|实现|落实)", a) and not re.search(r"未|部分|基本", a):
        return TIER_MET
    return None


# the registry of comparison methods; imported last because the method modules use this one
from .methods import METHODS as _METHODS  # noqa: E402
