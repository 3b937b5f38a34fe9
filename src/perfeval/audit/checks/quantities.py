"""One quantity, two values: the same named amount stated differently in one document."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Doc, Finding, check, printed
from ..text import MONEY, norm_name

# department-level quantities whose name means one figure per document and year
NAMES = (
    "本年收入合计", "本年支出合计", "收入合计", "支出合计", "年初结转和结余", "年末结转和结余",
    "基本支出", "项目支出", "人员经费", "公用经费", "机关运行经费", "机关运行经费支出",
    "财政拨款收入", "财政拨款支出", "一般公共预算财政拨款收入", "一般公共预算财政拨款支出",
    "一般公共预算财政拨款基本支出", "一般公共预算财政拨款项目支出",
    "政府性基金预算财政拨款收入", "政府性基金预算财政拨款支出",
    "国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款支出",
    "三公经费财政拨款支出", "三公经费支出", "政府采购支出总额",
)
_NAMES = set(NAMES)
# a section about one project (or one kind of projects) speaks of that project's money
PROJECT_SCOPE = re.compile(r"项目")


# a whole whose parts are the department's own figures ("本年支出合计…其中：基本支出…")
DEPARTMENT_WHOLE = re.compile(r"合计|总计|一般公共预算|财政拨款|本年支出|本年收入|支出决算|收入决算")


def _item_parts(doc: Doc) -> set[int]:
    """Tokens that are parts of one item's breakdown ("机构运行1100910.5元，其中：基本支出…，项目支出0元"):
    there 基本支出 is that item's, not the department's."""
    out = set()
    for pl in doc.lists:
        wn = norm_name(pl.whole.name)
        if wn not in _NAMES and not DEPARTMENT_WHOLE.search(wn):
            out.update(id(p.token) for p in pl.parts)
    return out


@check("quantity")
def quantities(doc: Doc) -> list[Finding]:
    seen: dict[str, list] = {}
    items = _item_parts(doc)
    for s in doc.sentences:
        if PROJECT_SCOPE.search(s.heading) or (doc.year and s.year and s.year != doc.year):
            continue
        if re.search(r"上年|去年|上一年|同期", s.text):
            continue
        for t in s.tokens:
            if t.kind != "money" or t.nested or t.approx or t.shared or id(t) in items:
                continue
            key = norm_name(t.name)
            if key in _NAMES:
                seen.setdefault(key, []).append((s, t))
    out = []
    for key, occ in seen.items():
        values = Counter(t.yuan for _, t in occ)
        if len(values) < 2 or len(values) > 2:
            continue  # one value; or three and more: the name is used for several things (per item, per year)
        ranked = values.most_common()
        if ranked[0][1] == ranked[1][1]:  # a tie: take the first stated as the reference
            ref = occ[0][1].yuan
        else:
            ref = ranked[0][0]
        ref_s, ref_t = next((s, t) for s, t in occ if t.yuan == ref)
        for s, t in occ:
            if t.yuan == ref:
                continue
            expected = ref / MONEY[t.unit]
            out.append(doc.finding("PE804", "quantity", s, t.value, expected, (t.start, t.end),
                                   name=key, claimed=printed(s, t),
                                   expected=printed(ref_s, ref_t), other_line=ref_s.line))
    return out
