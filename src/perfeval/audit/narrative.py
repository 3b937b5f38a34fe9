"""A submission's ``narrative:`` section as report text (for ``audit`` and ``batch``)."""

from __future__ import annotations

import dataclasses
import os
import re

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..issues import Issue, make_issue
from .text import Line

_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")
_LITERAL = re.compile(r":\s*\|[-+0-9]*\s*(#.*)?$")


def narrative_lines(ld: Loaded, raw: list[str] | None = None) -> list[Line]:
    """The narrative's text lines, numbered by the submission's own lines.

    With the file's ``raw`` lines a literal block (``|``) gets one number per line and a
    folded one (``>``) the number of the physical line each sentence starts on; without
    them every line of a key carries the key's line (enough for a batch's 问题清单).
    """
    data = ld.data if isinstance(ld.data, dict) else {}
    narrative = data.get("narrative")
    if not isinstance(narrative, dict):
        return []
    out: list[Line] = []
    for key, value in narrative.items():
        if not isinstance(value, str) or not value.strip():
            continue
        at = ld.line_of(("narrative", key)) or 1
        if raw is None or not (0 < at <= len(raw)):
            out += [Line(t, at) for t in value.splitlines()]
            continue
        block = bool(_BLOCK.search(raw[at - 1]))
        base = at + 1 if block else at
        if block and _LITERAL.search(raw[at - 1]):
            out += [Line(t, base + i) for i, t in enumerate(value.splitlines())]
            continue
        # a folded or plain scalar: one logical line made of several physical ones
        breaks, pos = [], 0
        for r in raw[base: base + value.count(" ") + value.count("\n") + 1]:
            piece = r.strip()
            if not piece:
                continue
            k = value.find(piece[:12], pos + 1)
            if k < 0:
                break
            breaks.append(k)
            pos = k
        out.append(Line(value.replace("\n", " "), base, breaks=tuple(breaks)))
    return out


_DIGIT = re.compile(r"[0-9０-９]")


def _checkable(text: str) -> bool:
    """Could any check flag this line without a computed result? It has a digit, or an unfilled template mark."""
    from .checks.placeholders import PLACEHOLDER
    from .text import normalise

    return bool(_DIGIT.search(text)) or PLACEHOLDER.search(normalise(text)) is not None


def narrative_issues(ld: Loaded) -> list[Issue]:
    """Audit findings on a loaded submission's text (narrative and the other text fields), as issue records (batch's 问题清单).

    Positions stay as the reader recorded them (a form's encoded cell, a table row): the caller relocates.
    """
    from . import audit_lines
    from .checks.against import facts_from_data
    from .readers import submission_lines

    try:
        lines = submission_lines(ld)  # narrative, goal.actual, notes: an office form's cells, a table's rows
        if not any(_checkable(ln.text) for ln in lines):
            return []  # no number and no placeholder (or no text at all): nothing a check could flag, no cost
        facts = facts_from_data(ld.data)
        found = audit_lines(lines, ld.file, facts)
        if found and ld.file.lower().endswith((".yaml", ".yml")) and os.path.isfile(ld.file):
            # something to report: read the file's lines once to number each sentence exactly
            with open(ld.file, encoding="utf-8", errors="replace") as fh:
                found = audit_lines(submission_lines(ld, fh.read().splitlines()), ld.file, facts)
        return [f.issue() for f in found]
    except Exception as e:  # noqa: BLE001 - a bug in the audit costs the audit, never the submission
        return [make_issue("PE502", file=ld.file, reason=f"核对报告文字时出错：{type(e).__name__}: {e}")]


def file_text_issues(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[Issue]:
    """Audit findings on the text of the YAML submission at ``path`` (a department file in a batch, read apart)."""
    from ..declare.load import load_path

    ld = load_path(path, limits, display=display)
    if not isinstance(ld.data, dict):
        return []  # unreadable: the evaluation says why
    if display and display != path and not os.path.isfile(display):
        ld.file = path  # exact YAML lines need the file itself
        return [dataclasses.replace(i, file=display) for i in narrative_issues(ld)]
    return narrative_issues(ld)
