"""Shares: "A万元，占B%" against the whole the list, the sentence or a named total gives."""

from __future__ import annotations

import re
from decimal import Decimal

from ...numbers import rounding_tail
from ..lists import same_base as _same_base
from ..model import Doc, Finding, check, num, printed, ratio_ok
from ..text import Sentence, Token, groups, norm_name

# "，占" "，占比" "，占本年支出合计的" "，占政府采购支出总额的比重为"
SHARE_RE = re.compile(r"[,，]?\s*占(?:到)?(?P<base>[^,，；;。:：%\d]{0,30}?)(?:的)?(?:比重|比例|比)?(?:为|达)?\s*$")


_EARLIER_SHARE = re.compile(r"[,，]?\s*占[^,，；;。:：%\d]{0,30}?(?:的)?(?:比重|比例|比)?(?:为|达)?\s*-?[\d.]+\s?%")
# "税收收入占地方财政收入66.19%": the part named before 占, its amount given earlier in the sentence
NAMED_SHARE = re.compile(r"(?:^|[,，；;:：])\s*(?P<subj>[^,，；;。:：\d%]{2,20}?)占(?P<base>[^,，；;。:：%\d]{2,30}?)(?:的)?(?:比重|比例|比)?"
                         r"(?:为|达)?\s*$")


def _subject(s: Sentence, p: Token) -> tuple[Token | None, str | None]:
    """The amount a percentage is the share of, and the named base (None: unnamed)."""
    prev = [t for t in s.tokens if t.end <= p.start]
    money = [t for t in prev if t.kind != "pct"]
    if money:
        t = money[-1]
        gap = s.text[t.end:p.start]
        # "完成11,136万元，占调整预算90.75%，占一般公共预算收入的38.96%": an earlier share of the same amount
        between = [u for u in prev if u.start >= t.end]
        if between:
            gap = _EARLIER_SHARE.sub("", gap, count=len(between))
            if re.search(r"\d", gap):
                gap = None
        m = SHARE_RE.match(gap) if gap is not None else None
        if m:
            base = m.group("base").strip()
            return t, (base or None)
    m = NAMED_SHARE.search(s.text[:p.start])
    if m and m.group("base").strip():
        subj = norm_name(m.group("subj"))
        hits = [t for t in money if norm_name(t.name) == subj and t.end <= m.start("subj")]
        if len(hits) == 1 and len(subj) >= 2:
            return hits[0], m.group("base").strip()
    return None, None


# "分别为A亿元、B亿元和C亿元，占全国政府采购规模(的)(比重|比例)为P%、Q%和R%"
PAIRED_SHARE = re.compile(r"^\s*[,，]?\s*占(?:到)?(?P<base>[^,，；;。:：%\d]{2,30}?)(?:的)?(?:比重|比例|比)?(?:分别)?(?:为|是|达到?)?\s*$")


def _paired(doc: Doc, s: Sentence, handled: set[int]):
    """Listed amounts and their listed shares, paired in order, of one named whole."""
    gs = groups(s)
    for i, ps in enumerate(gs[1:], 1):
        if len(ps) < 2 or ps[0].kind != "pct":
            continue
        handled.update(id(p) for p in ps)  # a list of shares is never read one by one
        amounts = gs[i - 1]
        m = PAIRED_SHARE.match(s.text[amounts[-1].end:ps[0].start])
        if len(amounts) != len(ps) or amounts[0].kind == "pct" or not m:
            continue
        if any(t.approx or t.nested for t in amounts + ps):
            continue
        hit = doc.lookup(m.group("base"))
        if hit is None:
            continue
        ws, whole = hit
        if whole.kind != amounts[0].kind or any(whole is a for a in amounts):
            continue
        tail = rounding_tail((p.value, p.decimals) for p in ps)  # 尾差 (perfeval.numbers: one rule with PE906)
        for a, p in zip(amounts, ps, strict=True):
            yield s, a, p, ws, whole, tail


def shares_of(doc: Doc):
    """Every (sentence, subject, share, whole-sentence, whole, tail) the document lets us check."""
    part_of = {}
    for pl in doc.lists:
        if pl.ambiguous or pl.approx:
            continue
        shares = [p.share for p in pl.parts]
        # 尾差: one share balanced so the list adds to 100% (perfeval.numbers: one rule with the department review PE906)
        tail = rounding_tail((x.value, x.decimals) for x in shares) if all(shares) else Decimal(0)
        for p in pl.parts:
            part_of[(p.sentence.index, p.token.start)] = (pl, tail)
    for s in doc.sentences:
        handled: set[int] = set()
        yield from _paired(doc, s, handled)
        for p in s.tokens:
            if p.kind != "pct" or id(p) in handled:
                continue
            subj, base = _subject(s, p)
            if subj is None or subj.approx or p.approx:
                continue
            whole_s = whole = None
            tail = Decimal(0)
            owner = part_of.get((s.index, subj.start))
            if base is None:
                if owner is None:
                    continue
                whole_s, whole, tail = owner[0].whole_sentence, owner[0].whole, owner[1]
            else:
                if owner is not None and _same_base(owner[0].whole.name, base):
                    whole_s, whole = owner[0].whole_sentence, owner[0].whole
                else:
                    hit = doc.lookup(base)
                    if hit is None:
                        continue
                    whole_s, whole = hit
            if whole.kind != subj.kind or whole is subj:
                continue
            yield s, subj, p, whole_s, whole, tail


@check("share")
def shares(doc: Doc) -> list[Finding]:
    out = []
    for s, subj, p, ws, whole, tail in shares_of(doc):
        if whole.yuan == 0:
            continue  # 0 of 0: nothing to say (0万元 占0% is fine)
        ok, expected = ratio_ok(p.value, p.decimals, subj.yuan, subj.half, whole.yuan, whole.half, tail)
        if ok:
            continue
        out.append(doc.finding("PE800", "share", s, p.value, expected, (p.start, p.end),
                               part=printed(s, subj), whole=printed(ws, whole),
                               claimed=printed(s, p), expected=f"{expected}%"))
    out += _over_100(doc)
    return out


def _over_100(doc: Doc) -> list[Finding]:
    """Shares of one list that add to more than 100% (when the whole itself is not stated)."""
    out = []
    for s in doc.sentences:
        if "其中" not in s.text and "分别" not in s.text:
            continue
        shares = []
        for p in s.tokens:
            if p.kind == "pct" and re.search(r"占(比为?)?\s*$", s.text[max(0, p.start - 4):p.start]):
                shares.append(p)
        if len(shares) < 2 or any(t.kind == "money" for t in s.tokens):
            continue
        d = max(p.decimals for p in shares)
        total = sum(p.value for p in shares)
        if total - 100 > len(shares) * Decimal(5).scaleb(-d - 1):
            last = shares[-1]
            out.append(doc.finding("PE806", "share", s, total, Decimal(100), (shares[0].start, last.end),
                                   total=f"{num(total)}%"))
    return out
