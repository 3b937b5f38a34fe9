"""Changes: "与上年相比增加X万元，增长Y%" — last year's figure is the current one minus X."""

from __future__ import annotations

import re

from ..model import Doc, Finding, check, printed, ratio_ok
from ..text import Sentence, Token, norm_name

UP, DOWN = "增加|增长|上升|增|多", "减少|下降|降低|减|少|节约|压减"
AMOUNT_VERB = re.compile(r"(?P<verb>(?:" + UP + "|" + DOWN + r")+)了?\s*$")
PCT_GAP = re.compile(r"^\s*[,，]?\s*(同比)?(?P<verb>(?:增长|增加|上升|下降|降低|减少|增幅|降幅|减幅|幅度|增|减|降)+)(了|为|达)?\s*$")
# where the compared quantity is named: "与2023年度相比，一般公共预算财政拨款支出增加"
NAMED = re.compile(r"(?:相比|比上年|较上年|比去年|较去年|比\d{4}年度?|较\d{4}年度?|同比)[,，]?(?P<name>[^,，。；;]*?)(?:各|均|共|分别)?$")


def _direction(verb: str) -> set[int]:
    up = bool(re.search(UP, verb))
    down = bool(re.search(DOWN, verb))
    if up and down:  # "减增加": a typo in the connecting words — either reading
        return {1, -1}
    return {1} if up else {-1}


def _current(doc: Doc, s: Sentence, x: Token) -> Token | None:
    """The current-year figure the change X refers to."""
    head = s.text[:x.start]
    m = AMOUNT_VERB.search(head)
    pre = head[:m.start()] if m else head
    named = NAMED.search(pre)
    name = norm_name(named.group("name")) if named else ""
    if named and not name:
        # "“三公”经费财政拨款支出决算比上年减少": the subject stands before the comparison
        subject = re.split(r"[,，；;:：]", pre[:named.start()])[-1]
        name = norm_name(subject)
    if name:
        # the named quantity, earlier in this sentence or in the two sentences before it
        for k in range(s.index, max(-1, s.index - 3), -1):
            cand = doc.sentences[k]
            if s.para - cand.para > 3:
                break
            toks = [t for t in cand.tokens if t.kind == x.kind and not t.nested and (cand is not s or t.end <= x.start)]
            for t in reversed(toks):
                tn = norm_name(t.name)
                if tn and (tn == name or tn.endswith(name) or name.endswith(tn)) and not re.search(UP + "|" + DOWN, tn):
                    return t
        return None
    # unnamed: "机关运行经费支出140.75万元，比2023年减少19.45万元" — the amount just before
    before = [t for t in s.tokens if t.end <= x.start and not t.nested]
    if not before or before[-1].kind != x.kind:
        return None
    t = before[-1]
    gap = s.text[t.end:x.start]
    if re.search(r"比|较|相比|同比", gap) and len(gap) <= 20 and not re.search(r"(上年|去年|\d{4}年度?)的", gap):
        return t
    return None


@check("change")
def changes(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.sentences:
        for i, x in enumerate(s.tokens):
            if x.kind == "pct" or i + 1 >= len(s.tokens):
                continue
            y = s.tokens[i + 1]
            gap = PCT_GAP.match(s.text[x.end:y.start]) if y.kind == "pct" else None
            verb = AMOUNT_VERB.search(s.text[max(0, x.start - 8):x.start])
            if not gap or not verb:
                continue
            cur = _current(doc, s, x)
            if cur is None:
                continue
            ok, best = False, None
            for d in _direction(verb.group("verb")):
                prev = cur.yuan - d * x.yuan
                if prev <= 0:
                    ok = True  # from nothing: no rate to check
                    break
                hp = cur.half + x.half
                good, expected = ratio_ok(y.value, y.decimals, x.yuan, x.half, prev, hp)
                ok = ok or good
                best = best or expected
            if ok:
                continue
            out.append(doc.finding("PE802", "change", s, y.value, best, (y.start, y.end),
                                   change=printed(s, x), current=f"{cur.value}{cur.unit}",
                                   claimed=printed(s, y), expected=f"{best}%"))
    return out

