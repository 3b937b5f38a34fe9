"""Rates: "预算数X万元，执行数Y万元，执行率Z%" — Z is Y over X.

Forms read, within one clause group (up to the previous "；" or "其中"):

- a budget ("…预算数/预算/预算为") and an actual ("执行数/实际支出/支出决算/决算数…") amount, then
  "执行率/完成率/完成预算(的)/完成年初预算的 Z%";
- "支出决算为17.06万元，完成预算27万元的63.2%", "收入4348万元，占年初预算10065万元的43.2%" (the budget
  inside the rate's wording);
- "决算数为A万元…决算数小于预算数X万元…完成预算Z%" (the budget is A ± X).
"""

from __future__ import annotations

import re

from ..model import Doc, Finding, check, printed, ratio_ok, truncated
from ..text import MONEY, Sentence, Token

MONEY_ROUNDED = ("万元", "亿元")

RATE_NAME = re.compile(r"(执行率|执行进度|完成率|完成(?:年初|全年|调整后?)?预算(?:数)?(?:\s*[\d.,]+\s?(?:亿元|万元|元))?|支出进度|"
                       r"(?:占|为)(?:年初|全年|调整后?)?预算(?:数)?\s*[\d.,]+\s?(?:亿元|万元|元)|"
                       r"为(?:年初|调整后?)?预算(?:数)?)(?:的)?(?:为|是|达到|达)?\s*$")
INLINE_BUDGET = re.compile(r"(?:完成|占|为)(?:年初|全年|调整后?)?预算(?:数)?\s*$")
BUDGET = re.compile(r"(预算数|预算|预算资金|预算金额|预算安排|批复预算|调整预算|调整后预算数?)(为|是)?$")
ACTUAL = re.compile(r"(执行数|执行金额|实际支出|实际执行|实际完成|实际使用|决算数|决算|支出决算|已支出|已执行|已使用)(为|是)?$")
DIFF = re.compile(r"(?:决算数?|支出)?(?P<dir>大于|多于|超过|超出|高于|小于|少于|低于)预算(?:数)?\s*$|"
                  r"比(?:年初)?预算(?:数)?(?P<verb>增加|减少|节约|节支|超支)\s*$")
SEGMENT = re.compile(r"[；;]|其中")


def _segment(s: Sentence, z: Token) -> list[Token]:
    start = 0
    for m in SEGMENT.finditer(s.text, 0, z.start):
        start = m.end()
    return [t for t in s.tokens if start <= t.start and t.end <= z.start and t.kind == "money" and not t.nested]


def _pair(s: Sentence, z: Token, before: list[Token]) -> tuple[Token | None, Token | None, int]:
    """(budget, actual, sign) — sign 0: the budget is the token; ±1: budget = actual ± the token."""
    # "完成预算27万元的63.2%"
    if before and INLINE_BUDGET.search(s.text[max(0, before[-1].start - 8):before[-1].start]) \
            and re.fullmatch(r"\s*的?\s*", s.text[before[-1].end:z.start]):
        b = before[-1]
        rest = before[:-1]
        if rest and re.fullmatch(r"\s*[,，]?\s*", s.text[rest[-1].end:b.start - len(INLINE_BUDGET.search(
                s.text[max(0, b.start - 8):b.start]).group(0))]):
            return b, rest[-1], 0
        return None, None, 0
    budgets = [t for t in before if BUDGET.search(t.name.strip()) and not DIFF.search(t.name.strip())]
    actuals = [t for t in before if ACTUAL.search(t.name.strip()) and not BUDGET.search(t.name.strip())]
    if len(budgets) == 1 and len(actuals) == 1:
        return budgets[0], actuals[0], 0
    diffs = [t for t in before if DIFF.search(t.name.strip())]
    if not budgets and len(actuals) == 1 and len(diffs) == 1:
        m = DIFF.search(diffs[0].name.strip())
        word = m.group("dir") or m.group("verb")
        over = word in ("大于", "多于", "超过", "超出", "高于", "增加", "超支")
        return diffs[0], actuals[0], (-1 if over else 1)
    return None, None, 0


@check("rate")
def rates(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.sentences:
        for z in s.tokens:
            if z.kind != "pct" or z.approx or not RATE_NAME.search(s.text[max(0, z.start - 24):z.start]):
                continue
            b, a, sign = _pair(s, z, _segment(s, z))
            if b is None or a is None or b.approx or a.approx:
                continue
            budget = b.yuan if sign == 0 else a.yuan + sign * b.yuan
            if budget <= 0:
                continue
            # an actual printed in whole 万元/亿元 ("完成969万元") is a rounded figure: spending seldom lands on
            # a whole 万元, so half of the printed unit is allowed (budgets keep the 2-decimal assumption)
            a_half = a.half if a.decimals or a.unit not in MONEY_ROUNDED else MONEY[a.unit] / 2
            ok, expected = ratio_ok(z.value, z.decimals, a.yuan, a_half, budget, b.half + (a_half if sign else 0))
            if ok:
                continue
            shown = printed(s, b) if sign == 0 else f"{printed(s, a)}{'+' if sign > 0 else '−'}{printed(s, b)}"
            out.append(doc.finding("PE803", "rate", s, z.value, expected, (z.start, z.end),
                                   note=truncated(z, a.yuan, budget),
                                   actual=printed(s, a), budget=shown,
                                   claimed=printed(s, z), expected=f"{expected}%"))
    return out
