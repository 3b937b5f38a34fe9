"""Findings, the document the checks read, the check registry and the rounding rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..issues import CODES, Issue, make_issue
from ..numbers import ratio_ok as ratio_ok  # the one rule for printed shares (also the department review, PE906)
from .text import Sentence, Token, norm_name


def rnd(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def num(x: Decimal | None) -> float | int | None:
    """A Decimal for JSON: 98.90 → 98.9, 3.00 → 3."""
    if x is None:
        return None
    x = x.normalize()
    return int(x) if x == x.to_integral_value() else float(x)


def printed(s: Sentence, t: Token) -> str:
    """A token as the document wrote it ("27.10万元", "19,044.27万元")."""
    return s.text[t.start:t.end].replace(" ", "")


def truncated(t: Token, part: Decimal, whole: Decimal) -> str | None:
    """A note when the printed percentage is the exact value cut off (not rounded) at its decimals.

    ``part / whole × 100`` is the exact value; 38.28 for an exact 38.2876 is still wrong by the rounding
    rule (half-up gives 38.29), but the reviewer should know the document truncates rather than mistypes.
    """
    if whole == 0:
        return None
    exact = part / whole * 100
    step = Decimal(1).scaleb(-t.decimals)
    cut = (abs(exact) // step) * step
    if abs(t.value) == cut and rnd(abs(exact), t.decimals) != cut:
        return "末位像是截断而非四舍五入"
    return None


@dataclass
class Finding:
    """One wrong number (or unfilled mark) in a report text."""

    code: str
    kind: str  # share | sum | change | rate | quantity | placeholder | against
    message: str
    sentence: Sentence
    claimed: Decimal | str | None
    expected: Decimal | str | None
    mark: tuple[int, int] | None  # the wrong number's span in the sentence
    file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> int:
        """The physical line the wrong number is printed on (a wrapped sentence spans several)."""
        return self.sentence.line_at(self.mark[0]) if self.mark else self.sentence.line

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def issue(self) -> Issue:
        """The finding as an issue record; the message quotes the sentence with the number marked."""
        quote = self.marked()
        if len(quote) > 120:  # a window around the mark
            k = max(quote.find("【"), 0)
            a, b = max(0, k - 50), min(len(quote), k + 70)
            quote = ("…" if a else "") + quote[a:b] + ("…" if b < len(quote) else "")
        return Issue(self.code, f"{self.message}：{quote}", self.severity, self.file, self.line, None)

    def marked(self) -> str:
        s = self.sentence.raw.strip()
        raw = self.sentence.raw
        if self.mark is None:
            return s
        a, b = self.mark
        lead = len(raw) - len(raw.lstrip())
        return (raw[:a] + "【" + raw[a:b] + "】" + raw[b:]).strip() if 0 <= a < b <= len(raw) else s[lead:]

    def to_dict(self) -> dict[str, Any]:
        def j(v):
            return num(v) if isinstance(v, Decimal) else v
        d = {"severity": self.severity, "code": self.code, "kind": self.kind, "message": self.message,
             "file": self.file, "line": self.line, "page": self.sentence.page,
             "claimed": j(self.claimed), "expected": j(self.expected),
             "sentence": self.sentence.raw.strip(), "hint": CODES[self.code].hint}
        d.update(self.extra)
        return d


class Doc:
    """The sentences of one document and the look-ups the checks share."""

    def __init__(self, sentences: list[Sentence], file: str | None = None, facts: dict | None = None):
        self.all_sentences = sentences
        self.sentences = [s for s in sentences if not s.table]  # prose; tables are only searched for placeholders
        for i, s in enumerate(self.sentences):
            s.index = i
        self.file = file
        self.facts = facts  # the submission's data and computed results, when audited against one
        self.tables: list = []  # the document's 决算 tables (audit.tables.Table), for the table checks
        years = [s.year for s in sentences if s.year]
        self.year = max(set(years), key=years.count) if years else None
        self.names: dict[str, list[tuple[Sentence, Token]]] = {}
        for s in sentences:
            for t in s.tokens:
                if t.kind != "pct":
                    self.names.setdefault(norm_name(t.name), []).append((s, t))

    def finding(self, code: str, kind: str, s: Sentence, value, want, mark=None, note: str | None = None,
                **params) -> Finding:
        """A finding on sentence ``s``: ``value`` as written, ``want`` the right value; ``params`` fill the
        message, ``note`` is added to it (e.g. that the last digit looks truncated)."""
        issue = make_issue(code, file=self.file, line=s.line_at(mark[0]) if mark else s.line, **params)
        message = f"{issue.message}（{note}）" if note else issue.message
        f = Finding(code, kind, message, s, value, want, mark, self.file)
        if note:
            f.extra["note"] = note
        return f

    def lookup(self, name: str, before: int | None = None) -> tuple[Sentence, Token] | None:
        """The one value the document gives for a named quantity (``本年支出合计``), or None.

        Matches names ending with ``name`` whose extra words qualify nothing financial; any
        disagreement between the matches, or no match, gives None (the caller skips).
        """
        key = norm_name(name)
        if len(key) < 4:
            return None
        hits = []
        qualifier = _QUALIFIER if len(key) < 8 else _QUALIFIER_LONG  # a long name is specific on its own
        for n, occ in self.names.items():
            if n == key or (n.endswith(key) and not qualifier.search(n[: -len(key)])):
                hits += [(s, t) for s, t in occ if not t.nested and _same_year(self, s)]
        values = {t.yuan for _, t in hits}
        if len(values) != 1:
            return None
        return hits[0]



_QUALIFIER = re.compile(r"预算|财政|拨款|基金|采购|项目|基本|经费|支出|收入|资金|上年|去年|结转|结余|上级|本级|其他|中央|省|市|县|区级")


_QUALIFIER_LONG = re.compile(r"预算|上年|去年|结转|结余|基本|项目|其他|本级|上级|中央")


def _same_year(doc: Doc, s: Sentence) -> bool:
    return s.year is None or doc.year is None or s.year == doc.year


Check = Callable[[Doc], list[Finding]]
CHECKS: dict[str, Check] = {}


def check(kind: str) -> Callable[[Check], Check]:
    """Register a check kind (one module under ``audit/checks`` each)."""
    def deco(fn: Check) -> Check:
        CHECKS[kind] = fn
        return fn
    return deco
