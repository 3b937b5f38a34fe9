"""Sums: the parts after 其中/包括 (or before 共/合计) add up to the whole."""

from __future__ import annotations

import re
from decimal import Decimal

from ..lists import PartList
from ..model import Doc, Finding, check, num, printed
from ..text import MONEY

OTHER_POPULATION = re.compile(r"退休|离休|离退休|遗属|编外|临时|外聘|聘用|借调|返聘")


def _fmt(x: Decimal) -> str:
    return f"{num(x)}"


def _bad(pl: PartList, parts) -> tuple[bool, Decimal, Decimal]:
    w = pl.whole
    total = sum((p.token.yuan for p in parts), Decimal(0))
    tol = w.half + sum((p.token.half for p in parts), Decimal(0))
    diff = total - w.yuan
    if abs(diff) < tol or diff == 0:
        return False, total, diff
    if w.kind != "money" and diff > 0 and not pl.complete():
        # counts: "实有62人，其中副高4人、中级25人…退休职工28人" lists another population after the
        # parts; without it the parts may well add up
        own = [p for p in parts if not OTHER_POPULATION.search(p.token.name)]
        if len(own) < len(parts) and sum((p.token.yuan for p in own), Decimal(0)) <= w.yuan + tol:
            return False, total, diff
    return (diff > 0 or pl.complete()), total, diff


@check("sum")
def sums(doc: Doc) -> list[Finding]:
    out = []
    for pl in doc.lists:
        if pl.ambiguous or pl.approx or len(pl.parts) < 2:
            continue
        bad, total, diff = _bad(pl, pl.parts)
        if bad and pl.total_after:
            # "编制10名，现有A 4名、B 2名，共6名": the total may cover only the last parts listed
            bad = all(_bad(pl, pl.parts[k:])[0] for k in range(1, len(pl.parts) - 1))
        if not bad:
            continue
        w = pl.whole
        scale = MONEY.get(w.unit, Decimal(1))
        expected = total / scale
        places = max([w.decimals] + [p.token.decimals for p in pl.parts if p.token.unit == w.unit])
        shown = f"{expected:,.{places}f}" if abs(expected) >= 10000 and "," in printed(pl.whole_sentence, w) else f"{expected:.{places}f}"
        out.append(doc.finding(
            "PE801", "sum", pl.whole_sentence, w.value, expected, (w.start, w.end),
            claimed=printed(pl.whole_sentence, w), expected=shown + w.unit, count=len(pl.parts),
            diff=_fmt(abs(diff) / scale) + w.unit))
    return out
