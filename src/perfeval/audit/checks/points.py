"""Percentage points: "占比由45.20%提高到47.50%，提高2.30个百分点" — a difference of two percentages,
not a ratio.  Checked only when both percentages stand in the same clause group as the points
("由A%…到B%", "上年为A%，本年为B%"); "比上年提高2个百分点" alone names one of them only and is skipped."""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Doc, Finding, check, num, printed
from ..text import Sentence, Token

VERB = re.compile(r"(提高|上升|增加|增长|下降|降低|减少|回落|加快|放缓|快|慢)了?\s*$")
FROM = re.compile(r"(由|从|上年为?|去年为?|上年度为?|较上年的?|比上年的?)\s*$")
GROUP = re.compile(r"[；;]")


def _half(t: Token) -> Decimal:
    return Decimal(5).scaleb(-t.decimals - 1)


def _pair(s: Sentence, x: Token) -> tuple[Token, Token] | None:
    start = 0
    for m in GROUP.finditer(s.text, 0, x.start):
        start = m.end()
    pcts = [t for t in s.tokens if start <= t.start and t.end <= x.start and t.kind == "pct" and not t.nested and not t.approx]
    if len(pcts) != 2:
        return None
    a, b = pcts
    # one of the two is named as the earlier value
    if not (FROM.search(s.text[max(0, a.start - 8):a.start]) or FROM.search(s.text[max(0, b.start - 8):b.start])):
        return None
    return a, b


@check("points")
def points(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.sentences:
        for x in s.tokens:
            if x.unit != "个百分点" or x.approx or x.nested or not VERB.search(s.text[max(0, x.start - 6):x.start]):
                continue
            pair = _pair(s, x)
            if pair is None:
                continue
            a, b = pair
            diff = abs(b.value - a.value)
            if abs(abs(x.value) - diff) <= _half(a) + _half(b) + _half(x):
                continue
            d = max(a.decimals, b.decimals)
            out.append(doc.finding("PE809", "points", s, x.value, diff, (x.start, x.end),
                                   first=printed(s, a), second=printed(s, b),
                                   claimed=printed(s, x), expected=f"{num(diff.quantize(Decimal(1).scaleb(-d)))}个百分点"))
    return out
