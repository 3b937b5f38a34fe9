"""Changes: "与上年相比增加X万元，增长Y%" — last year's figure is the current one minus X.

Forms read (each checked only when the current figure is found, never guessed):

- "A万元，比上年增加X万元，增长Y%" (the current figure just before, shares and execution rates in
  between skipped), "A万元，增加X万元，增长Y%" (only a comma between), and the quantity named after
  "与上年相比，…" looked up in this sentence or the two before;
- "较上年同期增长Y%，增收X万元" (the rate first);
- "比上年累计支出433万元减少2万元，下降0.46%", "较上年2.08减少0.03万元" (last year's figure given);
- paired values: "收、支总计各是A、B万元…各减少X、Y万元，各下降P%、Q%" (and "均为A万元…各增加X万元");
- "增加0万元，增长3%": no change, so no growth, whatever the current figure.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Doc, Finding, check, num, printed, ratio_ok, truncated
from ..text import Sentence, Token, groups, norm_name

UP, DOWN = "增加|增长|上升|增收|增支|增|多", "减少|下降|降低|减收|减支|减|少|节约|压减"
AMOUNT_VERB = re.compile(r"(?P<verb>(?:" + UP + "|" + DOWN + r")+)了?\s*$")
PCT_GAP = re.compile(r"^\s*[,，]?\s*(各|分别|均)?(同比)?(?P<verb>负?(?:增长|增加|上升|下降|降低|减少|增幅|降幅|减幅|幅度|增|减|降)+)"
                     r"(了|为|达)?\s*$")
# "同比增长10.85%，增收2,798万元": the rate first, the amount after it
AFTER_PCT = re.compile(r"^\s*[,，]\s*(?P<verb>增收|减收|增支|减支|增加|减少|多收|少收)了?\s*$")
# where the compared quantity is named: "与2023年度相比，一般公共预算财政拨款支出增加"
NAMED = re.compile(r"(?:同口径)?(?:(?:(?:与|和|同)(?:上年|去年|上一年|\d{4}年度?)(?:同期)?(?:决算数?|预算数?)?)?相比|"
                   r"(?:比|较)(?:上年|去年|上一年|\d{4}年度?)(?:同期)?(?:(?:支出|收入)?(?:决算数?|预算数?|数))?|同比)[,，]?"
                   r"(?P<name>[^,，。；;]*?)(?:各|均|共|分别)?$")
COMPARED = re.compile(r"比|较|相比|同比")
RATE_WORD = re.compile(r"(占|完成|执行率|执行进度|完成率)[^%]{0,20}$")
PREV_NAME = re.compile(r"^(比|较|与)?(上年|去年|上一年|\d{4}年度?)(同期)?")


def _direction(verb: str) -> set[int]:
    up = bool(re.search(UP, verb))
    down = bool(re.search(DOWN, verb))
    if up and down:  # "减增加": a typo in the connecting words — either reading
        return {1, -1}
    return {1} if up else {-1}


def _usable(t: Token) -> bool:
    return not t.nested and not t.approx


def _current(doc: Doc, s: Sentence, x: Token, at: int) -> Token | None:
    """The current-year figure the change X (whose wording starts at ``at``) refers to."""
    head = s.text[:at]
    m = AMOUNT_VERB.search(head)
    pre = head[:m.start()] if m and m.end() == len(head) else head
    named = NAMED.search(pre)
    name = norm_name(named.group("name")) if named else ""
    if re.fullmatch(r"[\d.,]*", name):  # "较上年2.08减少0.03万元": last year's figure, not a name
        name = ""
    if named and not name:
        # "“三公”经费财政拨款支出决算比上年减少": the subject stands before the comparison
        subject = re.split(r"[,，；;:：]", pre[:named.start()])[-1]
        name = norm_name(subject)
        if re.search(r"\d", name):
            name = ""
    if name:
        years = re.findall(r"(\d{4})年", s.text)
        now = max(years) if years else doc.year
        # the named quantity, earlier in this sentence or in the two sentences before it
        for k in range(s.index, max(-1, s.index - 3), -1):
            cand = doc.sentences[k]
            if s.para - cand.para > 3:
                break
            if cand is not s and cand.year and now and cand.year < now:
                continue  # "2021年度…公务接待12.39万元" is not the current figure of a 2022 sentence
            toks = [t for t in cand.tokens if t.kind == x.kind and _usable(t) and (cand is not s or t.end <= at)]
            for t in reversed(toks):
                tn = norm_name(t.name)
                if tn and (tn == name or tn.endswith(name) or name.endswith(tn)) and not re.search(UP + "|" + DOWN, tn):
                    return t
        return None
    # unnamed: "机关运行经费支出140.75万元，比2023年减少19.45万元" — the amount just before, past any
    # share or execution rate of it ("…元，占支出总预算82.27%，同比增加…")
    before = [t for t in s.tokens if t.end <= at and not t.nested and t is not x]
    skipped = 0
    # "9.07万元，较年初预算数减少10.93万元，下降54.65%，较上年支出数减少0.71万元": an earlier comparison
    # of the same figure (amount + rate) stands between it and this one — only when this clause compares too
    while (len(before) >= 3 and before[-1].kind == "pct" and before[-2].kind == x.kind
           and PCT_GAP.match(s.text[before[-2].end:before[-1].start])
           and AMOUNT_VERB.search(s.text[max(0, before[-2].start - 16):before[-2].start])
           and COMPARED.search(s.text[max(0, before[-2].start - 16):before[-2].start])
           and re.match(r"[\s,，]*(较|比|与)", s.text[before[-1].end:len(pre)])):
        del before[-2:]
        skipped += 1
    while before and before[-1].kind == "pct" and RATE_WORD.search(s.text[max(0, before[-1].start - 24):before[-1].start]):
        before.pop()
        skipped += 1
        # "完成年初预算数60999万元的40.4%": the budget inside the rate is not the current figure either
        if before and before[-1].kind != "pct" and re.search(r"(完成|为|占)(年初|全年|调整后?)?预算(数)?$", before[-1].name.strip()):
            before.pop()
    if not before or before[-1].kind != x.kind or before[-1].approx:
        return None
    t = before[-1]
    gap = s.text[t.end:len(pre)]
    if re.search(r"(上年|去年|\d{4}年度?)的", gap):
        return None
    if COMPARED.search(gap) and len(gap) <= 20 + 20 * skipped:
        return t
    if not skipped and re.fullmatch(r"\s*[,，]\s*", gap):  # "完成51653万元，增加6455万元，增长14.28%"
        return t
    return None


def _explicit_prev(s: Sentence, x: Token, at: int) -> Token | None:
    """"比上年累计支出433万元减少2万元": last year's figure written just before the change."""
    before = [t for t in s.tokens if t.end <= at and t is not x]
    if not before or before[-1].kind != x.kind or not _usable(before[-1]):
        return None
    t = before[-1]
    raw = re.sub(r"[\s“”\"]", "", t.name)
    if PREV_NAME.match(raw) and not re.fullmatch(r"\d{4}年度?", raw[:6]) and re.fullmatch(r"\s*", s.text[t.end:at]):
        return t  # "比上年累计支出433万元减少2万元"
    # "支出合计141.55万元，2014年为107.89万元，较2014年增加33.66万元": the compared year's own figure
    y = re.match(r"(\d{4})年度?(为|是)?$", raw)
    m = re.fullmatch(r"\s*[,，]?\s*(?:较|比|与)(\d{4})年度?(?:相比)?[,，]?\s*", s.text[t.end:at])
    if y and m and y.group(1) == m.group(1):
        return t
    return None


def _check(doc: Doc, s: Sentence, x: Token, y: Token, verb: str, cur: Token | None, prev_t: Token | None):
    """A finding if Y% is not a right value of X over last year's figure, else None."""
    if x.value == 0:
        if y.value == 0:
            return None
        return doc.finding("PE807", "change", s, y.value, Decimal(0), (y.start, y.end),
                           change=printed(s, x), claimed=printed(s, y))
    ax, ay = abs(x.yuan), abs(y.value)
    dirs = _direction(verb)
    if x.value < 0 or y.value < 0:  # "增加-10万元，增长-5%": a decrease written as a negative increase
        if (x.value < 0) != (y.value < 0) and y.value != 0:
            return None  # signs disagree: unclear wording, skip
        dirs = {-d for d in dirs}
    ok, best = False, None
    for d in dirs:
        if prev_t is not None:
            prev, hp = prev_t.yuan, prev_t.half + x.half
        elif cur is not None:
            prev, hp = cur.yuan - d * ax, cur.half + x.half
        else:
            return None
        if prev <= 0:
            return None  # from nothing: no rate to check
        good, expected = ratio_ok(ay, y.decimals, ax, x.half, prev, hp)
        ok = ok or good
        best = best or expected
    if ok:
        return None
    if prev_t is not None:
        return doc.finding("PE808", "change", s, y.value, best, (y.start, y.end), note=truncated(y, ax, prev),
                           change=printed(s, x), previous=f"{num(prev_t.value)}{prev_t.unit}", claimed=printed(s, y), expected=f"{best}%")
    return doc.finding("PE802", "change", s, y.value, best, (y.start, y.end), note=truncated(y, ax, prev),
                       change=printed(s, x), current=f"{num(cur.value)}{cur.unit}", claimed=printed(s, y), expected=f"{best}%")


def _paired(doc: Doc, s: Sentence, done: set[int]) -> list[Finding]:
    """"各减少X、Y万元，各下降P%、Q%" against "各是A、B万元" (or "均为A万元") before it."""
    out: list[Finding] = []
    gs = groups(s)
    for i, xs in enumerate(gs[:-1]):
        ps = gs[i + 1]
        if xs[0].kind == "pct" or ps[0].kind != "pct" or len(xs) != len(ps) or len(xs) < 2:
            continue
        verb = AMOUNT_VERB.search(s.text[max(0, xs[0].start - 8):xs[0].start])
        if not verb or not PCT_GAP.match(s.text[xs[-1].end:ps[0].start]) or not all(_usable(t) for t in xs):
            continue
        cur = _current_group(doc, s, xs)
        if cur is None:
            continue
        for k, (x, y) in enumerate(zip(xs, ps, strict=True)):
            c = cur[k] if len(cur) == len(xs) else cur[0]
            f = _check(doc, s, x, y, verb.group("verb"), c, None)
            done.add(id(y))
            if f:
                out.append(f)
    return out


def _current_group(doc: Doc, s: Sentence, xs: list[Token]) -> list[Token] | None:
    """The values "各是/分别为/均为" gave, in this sentence or the two before, for a paired change."""
    for k in range(s.index, max(-1, s.index - 3), -1):
        cand = doc.sentences[k]
        if s.para - cand.para > 2:
            break
        for g in reversed(groups(cand)):
            if cand is s and g[-1].end > xs[0].start:
                continue
            if g[0].kind != xs[0].kind or not all(_usable(t) for t in g):
                continue
            if len(g) == len(xs) and re.search(r"(各|分别)(是|为)$", norm_name(g[0].name) + g[0].name.strip()):
                return g
            if len(g) == 1 and re.search(r"均为$", g[0].name.strip()):
                return g
    return None


@check("change")
def changes(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.sentences:
        done: set[int] = set()
        out += _paired(doc, s, done)
        for i, x in enumerate(s.tokens):
            if x.kind == "pct" or not _usable(x) or i + 1 >= len(s.tokens):
                continue
            y = s.tokens[i + 1]
            if id(y) in done or y.kind != "pct" or y.approx:
                continue
            gap = PCT_GAP.match(s.text[x.end:y.start])
            verb = AMOUNT_VERB.search(s.text[max(0, x.start - 8):x.start])
            if not gap or not verb:
                continue
            prev_t = _explicit_prev(s, x, verb.start() + max(0, x.start - 8))
            cur = None if prev_t is not None else _current(doc, s, x, x.start)
            f = _check(doc, s, x, y, verb.group("verb"), cur, prev_t)
            if f:
                out.append(f)
        # the rate first: "较上年同期增长15.35%，增收25457万元"
        for i, y in enumerate(s.tokens[:-1]):
            x = s.tokens[i + 1]
            if y.kind != "pct" or x.kind != "money" or not _usable(x) or y.approx:
                continue
            after = AFTER_PCT.match(s.text[y.end:x.start])
            if not after or not re.search(r"(增长|下降|降低|上升|负增长)\s*$", s.text[max(0, y.start - 4):y.start]):
                continue
            cur = _current(doc, s, x, y.start)
            f = _check(doc, s, x, y, after.group("verb"), cur, None)
            if f:
                out.append(f)
    return out
