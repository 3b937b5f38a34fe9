"""Deadline targets written as dates: "2023年12月", "2018年10月底", "2024-06-30".

A 时效 indicator often states a deadline instead of a number.  Such a target
stays qualitative; when the actual is a date too, the tier follows from the
comparison: on or before the deadline is 达成, later is 未达成.  A month with
"底/末" (or no day) means the last day of that month.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import lru_cache

_DATE = re.compile(
    r"^(?:在|于)?(?P<y>\d{4})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月)?"
    r"(?:\s*(?:-|/|\.)?\s*(?P<d>\d{1,2})\s*(?:日|号)?)?"
    r"\s*(?P<tail>底|末|初|上旬|中旬|下旬)?\s*(?:前|之前|以前)?\s*(?:完成|前完成|竣工|完工)?[。.]?$"
)


@lru_cache(maxsize=8192)
def parse_date(text: str | None) -> int | None:
    """Date as a sortable integer yyyymmdd, or ``None`` when the text is not a date."""
    if not text or not isinstance(text, str):
        return None
    t = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.match(t)
    if not m:
        return None
    y, mo = int(m["y"]), int(m["m"])
    if not (1 <= mo <= 12 and 1900 <= y <= 2200):
        return None
    last = calendar.monthrange(y, mo)[1]
    if m["d"]:
        d = int(m["d"])
        if not 1 <= d <= last:
            return None
    else:
        d = {"初": 10, "上旬": 10, "中旬": 20}.get(m["tail"] or "", last)
    return y * 10000 + mo * 100 + d


def deadline_tier(target: str | None, actual: str | None) -> str | None:
    """达成 / 未达成 for a date target and a date actual; ``None`` if either is not a date."""
    t, a = parse_date(target), parse_date(actual)
    if t is None or a is None:
        return None
    return "达成" if a <= t else "未达成"
