"""Lists of parts: a whole, an introducer (其中、主要用于、包括 …) and the parts after it.

Shares and sums both need to know which whole a part belongs to; this module finds
the lists once per document.  A list can continue over the following lines when its
introducer ends a line ("基本支出243.26万元，其中：" then one part per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import Sentence, Token, is_heading, norm_name

INTRO_RE = re.compile(r"其中|主要用于以下方面|主要用于|主要包括|包括|分别为|具体为|具体如下")
NOT_PART = re.compile(r"增|减|上年|去年|同期|比|较|占|预算数|执行数|决算数|实际支出|执行率|年初|调整|持平|超|节约|结余率|"
                      r"合计|总计|小计|差值|差额|相差")
# a whole is an amount, not a difference or a change: "差值为0.9万元，其中：…" lists no parts of 0.9
NOT_WHOLE = re.compile(r"差值|差额|相差|增减")
CHANGE_NAME = re.compile(r"(增加|减少|增长|下降|降低|上升|增|减)了?$|比|较|相比")
# the budget a rate is taken of, not a whole: "收入969万元，占年初预算2180万元的44.5%，…，其中：…"
RATE_BASE = re.compile(r"(占|完成|为)(年初|全年|调整后?的?)?预算数?的?\s*$")
_PROBE = Token(__import__("decimal").Decimal(0), 2, "万元", 0, 0, "")  # any money part
_ITEM = re.compile(r"^\s*([(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[.、．](?!\d))")
CARRY_OVER = re.compile(r"^(上年|年初)(结转|结余)")
CHANGE_WORDS = re.compile(r"增|减|比|较|同期|差")
SUBTOTAL_PARTS = {"本年收入合计", "本年支出合计", "年初结转和结余", "年末结转和结余"}  # parts of 收入总计/支出总计
KNOWN_COMPLETE = ({"人员经费", "公用经费"}, {"基本支出", "项目支出"},
                  {"本年收入合计", "使用非财政拨款结余", "年初结转和结余"}, {"本年支出合计", "结余分配", "年末结转和结余"})


@dataclass
class Part:
    sentence: Sentence
    token: Token
    share: Token | None = None  # an unnamed "占P%" right after the part


@dataclass
class PartList:
    whole_sentence: Sentence
    whole: Token
    parts: list[Part] = field(default_factory=list)
    ambiguous: bool = False  # a second introducer in the same sentence (nested lists)
    total_after: bool = False  # "A、B，共N": the whole names itself the total of the parts

    @property
    def approx(self) -> bool:
        """An approximate whole or part (约、余、以上, a range): nothing about the list is checked."""
        return self.whole.approx or any(p.token.approx for p in self.parts)

    def complete(self) -> bool:
        """Is there evidence the parts are all of the whole (not just some of them)?"""
        if self.total_after:
            return True
        names = [p.token.name for p in self.parts]
        if any("其他" in n for n in names):
            return True
        core = {norm_name(n) for n in names}
        if any(k <= core for k in KNOWN_COMPLETE):
            return True
        whole = norm_name(self.whole.name)
        joined = "|".join(core)
        # the 三公 are exactly 因公出国（境）+ 公务接待 + 公务用车（购置及运行）; 购置及运行 is 购置 + 运行
        if "三公" in whole and all(w in joined for w in ("出国", "接待", "公务用车")):
            return True
        if "购置及运行" in whole and len(core) == 2 and any("购置" in n and "运行" not in n for n in core) \
                and any("运行" in n and "购置" not in n for n in core):
            return True
        shares = [p.share for p in self.parts]
        if shares and all(shares):
            total = sum(s.value for s in shares)
            d = max(s.decimals for s in shares)
            return abs(total - 100) <= len(shares) * (5 * 10 ** (-d - 1)) + 10 ** -d
        return False


_BASE_TAIL = re.compile(r"(预算数?|决算数?|总额|总数|数)$")


def same_base(whole_name: str, base: str) -> bool:
    """Does the base a share names ("占项目支出预算") denote the whole ("项目支出469500元")?"""
    w, b = norm_name(whole_name), norm_name(base)
    if len(b) < 2:
        return False
    if w.endswith(b):
        return True
    w2, b2 = _BASE_TAIL.sub("", w), _BASE_TAIL.sub("", b)
    return len(b2) >= 2 and (w2.endswith(b2) or w2 == b2)


_NAMED_SHARE_AFTER = re.compile(r"^\s*[,，]?\s*占(?P<base>[^,，；;。:：%\d]{2,30}?)(?:的)?(?:比重|比例|比)?(?:为|达)?\s*-?\d")


def _other_whole(pl: "PartList") -> bool:
    """The parts' own shares name a different whole ("占支出总预算78.33%" under 项目支出48100元): the list
    hangs from that whole, not from the amount found in front of 其中."""
    other = 0
    for p in pl.parts:
        m = _NAMED_SHARE_AFTER.match(p.sentence.text[p.token.end:])
        if m and not same_base(pl.whole.name, m.group("base")):
            other += 1
    return other > 0


def _same_kind(whole: Token, t: Token) -> bool:
    if whole is _PROBE:
        return t.kind == "money"
    return whole.kind == t.kind and t.kind != "pct"


_SHARE_GAP = re.compile(r"^\s*[,，]?\s*占(比为?|比例为?)?\s*$")


def _share_after(s: Sentence, t: Token) -> Token | None:
    for u in s.tokens:
        if u.start >= t.end and u.kind == "pct":
            return u if _SHARE_GAP.match(s.text[t.end:u.start]) else None
        if u.start >= t.end:
            return None
    return None


def _parts_in(s: Sentence, whole: Token, a: int, b: int) -> list[Part]:
    out = []
    for t in s.tokens:
        if not (a <= t.start < b) or t.nested or not _same_kind(whole, t):
            continue
        name = t.name.strip()
        if not name and re.match(r"\s*用于", s.text[t.end:]):
            name = "用于"  # "其中：30万元用于预算编制；30万元用于审计"
        share = _share_after(s, t)
        if not name or (NOT_PART.search(name) and norm_name(name) not in SUBTOTAL_PARTS
                        and not (CARRY_OVER.search(name) or (share is not None and not CHANGE_WORDS.search(name)))):
            continue  # a carry-over ("上年结转129.33万元") or an amount with its own share "，占P%" is a part
        out.append(Part(s, t, share))
    return out


def _first_part_of_line(sents: list[Sentence], whole: Token) -> Part | None:
    s = sents[0]
    for t in s.tokens:
        if t.nested or t.kind == "pct":
            continue
        if not _same_kind(whole, t) or not t.name.strip() or NOT_PART.search(t.name):
            return None
        return Part(s, t, _share_after(s, t))
    return None


def find_lists(sentences: list[Sentence]) -> list[PartList]:
    by_line: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_line.setdefault(s.para, []).append(s)
    line_order = sorted(by_line)
    out: list[PartList] = []
    for s in sentences:
        intros = list(INTRO_RE.finditer(s.text))
        for k, m in enumerate(intros):
            whole, ws = _whole_before(s, m.start(), sentences)
            if whole is None:
                continue
            end = intros[k + 1].start() if k + 1 < len(intros) else len(s.text)
            # "其中A 866万元，B 35万元，C 68万元；完成…支出4093万元": parts joined by commas end at the semicolon
            first = _parts_in(s, whole, m.end(), end)[:2]
            if len(first) == 2:
                a0 = (first[0].share or first[0].token).end
                semi = re.search(r"[；;]", s.text[a0:end])
                if semi and not re.search(r"[；;]", s.text[a0:first[1].token.start]):
                    end = a0 + semi.start()
            pl = PartList(ws, whole, _parts_in(s, whole, m.end(), end), ambiguous=len(intros) > 1)
            rest = s.text[m.end():].strip(" :：")
            if not pl.parts and not rest and s.line_end:
                # the parts follow, one per line
                pos = line_order.index(s.para)
                marked = None
                for n, ln in enumerate(line_order[pos + 1: pos + 31]):
                    sents = by_line[ln]
                    if is_heading(sents[0].raw):
                        break
                    item = bool(_ITEM.match(sents[0].text))
                    if marked is None:
                        marked = item
                    elif item and not marked:
                        break  # "2. 项目支出…" after the parts of "1. 基本支出…": the next item, not a part
                    inline = [q for q in _parts_in(sents[0], whole, 0, len(sents[0].text))]
                    if n == 0 and len(inline) >= 2:
                        pl.parts = inline  # "其中：\n基本支出150384元，项目支出0元。": the parts on one line
                        break
                    if n > 0 and "其中" in sents[0].text:
                        break  # a new list starts
                    p = _first_part_of_line(sents, whole)
                    if p is None:
                        break
                    pl.parts.append(p)
            if pl.parts and not _other_whole(pl):
                out.append(pl)
        out += _totals_after(s)
        out += _breakdown(s, sentences)
    return out


# "…“三公”经费支出决算中，因公出国（境）费…0万元，占0%；公务接待费…16.3万元，占63.42%；…"
_BREAKDOWN = re.compile(r"(?:^|[,，；;:：])\s*(?P<name>[^,，；;:：。%]{4,80}?(?:支出|经费|收入|决算|预算|资金)(?:决算|预算|数)?)中\s*[,，:：]")


def _breakdown(s: Sentence, sentences: list[Sentence]) -> list[PartList]:
    """A breakdown of a quantity stated earlier: the whole is the nearest earlier amount of that name,
    taken only when the parts add up to it (the name alone is too loose a link)."""
    m = _BREAKDOWN.search(s.text)
    if not m:
        return []
    parts = [p for p in _parts_in(s, _PROBE, m.end(), len(s.text)) if p.token.kind == "money"]
    if len(parts) < 2 or any(p.token.approx for p in parts):
        return []
    key = norm_name(m.group("name"))
    total = sum(p.token.yuan for p in parts)
    tol = sum(p.token.half for p in parts)
    for k in range(s.index, max(-1, s.index - 7), -1):
        cand = sentences[k]
        if s.para - cand.para > 4:
            break
        for t in reversed(cand.tokens):
            if t.kind != "money" or t.nested or t.approx or (cand is s and t.start >= m.start("name")):
                continue
            tn = norm_name(t.name)
            if len(tn) >= 2 and (key.endswith(tn) or tn.endswith(key)) and abs(t.yuan - total) <= tol + t.half:
                return [PartList(cand, t, parts)]
    return []


def _whole_before(s: Sentence, at: int, sentences: list[Sentence]) -> tuple[Token | None, Sentence]:
    """The whole a list hangs from: the last amount before the introducer, with only shares in between."""
    cand = None
    for t in s.tokens:
        if t.end > at:
            break
        if t.nested:
            continue
        if t.kind == "pct" or RATE_BASE.search(t.name):
            continue
        cand = t
    if cand is not None and (CHANGE_NAME.search(cand.name) or NOT_WHOLE.search(cand.name) or cand.approx):
        return None, s  # "较上年增加10万元，其中：" — a change is no whole
    if cand is not None:
        between = [t for t in s.tokens if cand.end <= t.start < at]
        if all(t.kind == "pct" or RATE_BASE.search(t.name) for t in between) and at - cand.end <= 40 + 16 * any(
                RATE_BASE.search(t.name) for t in between if t.kind != "pct"):
            return cand, s
        return None, s
    # "…万元。其中：" — the whole ends the previous sentence (on this line or the line before)
    if s.text[:at].strip(" \t") == "" and s.index > 0:
        p = sentences[s.index - 1]
        near = p.para == s.para or (s.line_start and p.line_end and s.para - p.para <= 2)
        if not near:
            return None, s
        if p.tokens and p.tokens[-1].kind != "pct" and not p.tokens[-1].nested and not p.tokens[-1].approx \
                and not CHANGE_NAME.search(p.tokens[-1].name) and not NOT_WHOLE.search(p.tokens[-1].name):
            t = p.tokens[-1]
            if len(p.text) - t.end <= 3:
                return t, p
        # "基本支出881300.39元，占…96.74%，同比减少166271.4元，下降15.87%。其中：" — the one amount of the
        # sentence that is not a change (shares and changes of it may follow it)
        money = [t for t in p.tokens if t.kind != "pct" and not t.nested]
        subjects = [t for t in money if not CHANGE_NAME.search(t.name) and not NOT_WHOLE.search(t.name)]
        if len(subjects) == 1 and subjects[0] is money[0] and not subjects[0].approx and subjects[0].name.strip():
            return subjects[0], p
    return None, s


# "A 4名、B 2名，共8名": the total word stands alone (not "…支出合计", a named quantity)
_TOTAL_NAME = re.compile(r"^(以上|上述|总|两项|三项)?(共|共计|合计|总计|总共|一共)(为|是|达)?$")


def _totals_after(s: Sentence) -> list[PartList]:
    """"A 4名、B 2名，共8名": parts listed first, the total named after them."""
    out = []
    for i, t in enumerate(s.tokens):
        if t.nested or t.approx or t.kind == "pct" or not _TOTAL_NAME.search(t.name.strip()):
            continue
        parts = [Part(s, u) for u in s.tokens[:i]
                 if _same_kind(t, u) and not u.nested and u.name.strip() and not NOT_PART.search(u.name)]
        if len(parts) >= 2:
            out.append(PartList(s, t, parts, total_after=True))
    return out
