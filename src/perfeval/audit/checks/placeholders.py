"""Placeholders: unfilled template marks such as "占c%", "XX万元", "××", "占%", "（）万元"."""

from __future__ import annotations

import re

from ..model import Doc, Finding, check

_UNIT = r"(?:亿元|万元|千元|元|%|个|人次|人|名|户|辆|项|次|家)"
PLACEHOLDER = re.compile(
    r"占\s*[A-Za-z]{1,2}\s*%"  # 占c%
    r"|占[^,，；;。:：%\d\s]{0,20}\s*%"  # 占%, 占基本支出预算%
    r"|(?<=[计入出费算额金])(?:亿元|万元|元)(?=\s*[,，;；。、])"  # 本年收入合计万元，其中：…
    r"|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])"  # XX万元, XX项目
    r"|[×＊]{2,}"  # ××, ＊＊ (ASCII ** is Markdown bold)
    r"|\(\s*\)\s*" + _UNIT +  # （）万元
    r"|_{2,}\s*" + _UNIT +  # ___万元
    r"|[?？]{2,}"  # ？？
    r"|\{\{[^}]*\}\}"  # {{ }} left by a mail-merge
    r"|【\s*(?:填写|请填写|待填)[^】]{0,10}】|\(\s*(?:请填写|待填写?|填写)[^)]{0,10}\)"
)


@check("placeholder")
def placeholders(doc: Doc) -> list[Finding]:
    out = []
    for s in doc.all_sentences:
        for m in PLACEHOLDER.finditer(s.text):
            out.append(doc.finding("PE805", "placeholder", s, m.group(0).strip(), None, (m.start(), m.end()),
                                   text=m.group(0).strip()))
    return out
