"""Rates: "预算数X万元，执行数Y万元，执行率Z%" — Z is Y over X."""

from __future__ import annotations

import re

from ..model import Doc, Finding, check, printed, ratio_ok

RATE_NAME = re.compile(r"(执行率|执行进度|完成率|完成预算|支出进度)(为|是|达到|达)?\s*$")
BUDGET = re.compile(r"(预算数|预算|预算资金|预算金额|预算安排|批复预算|调整预算)(为|是)?$")
ACTUAL = re.compile(r"(执行数|执行金额|实际支出|实际执行|实际完成|实际使用|决算数|支出决算|已支出|已执行|已使用)(为|是)?$")


@check("rate")
def rates(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.sentences:
        for z in s.tokens:
            if z.kind != "pct" or not RATE_NAME.search(s.text[max(0, z.start - 8):z.start]):
                continue
            before = [t for t in s.tokens if t.end <= z.start and t.kind == "money" and not t.nested]
            budgets = [t for t in before if BUDGET.search(t.name.strip())]
            actuals = [t for t in before if ACTUAL.search(t.name.strip())]
            if len(budgets) != 1 or len(actuals) != 1:
                continue
            b, a = budgets[0], actuals[0]
            if b.yuan == 0:
                continue
            ok, expected = ratio_ok(z.value, z.decimals, a.yuan, a.half, b.yuan, b.half)
            if ok:
                continue
            out.append(doc.finding("PE803", "rate", s, z.value, expected, (z.start, z.end),
                                   actual=printed(s, a), budget=printed(s, b),
                                   claimed=printed(s, z), expected=f"{expected}%"))
    return out
