"""``perfeval audit``: check the numbers in a department's own report text (数字勾稽核对).

The text is split into sentences (:mod:`.text`), lists of parts are found once
(:mod:`.lists`), and each registered check kind (:mod:`.checks`, one module each)
returns :class:`~.model.Finding` s.  A claim whose whole cannot be found is skipped,
never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import Issue
from . import checks  # noqa: F401  (registers the check kinds)
from .checks.against import facts_from_data, facts_from_result
from .lists import find_lists
from .model import CHECKS, Doc, Finding
from .readers import EXTENSIONS, Source, read
from .text import Line, split

__all__ = [
    "CHECKS",
    "EXTENSIONS",
    "Audit",
    "Finding",
    "audit_file",
    "audit_lines",
    "audit_text",
    "facts_from_data",
    "facts_from_result",
    "read",
]


@dataclass
class Audit:
    file: str
    findings: list[Finding] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # the file could not be read (PE84x)

    def to_dict(self) -> dict:
        return {"file": self.file, "findings": [f.to_dict() for f in self.findings],
                "problems": [i.to_dict() for i in self.issues]}


def audit_lines(lines: list[Line], file: str | None = None, facts: dict | None = None,
                kinds: tuple[str, ...] | None = None) -> list[Finding]:
    doc = Doc(split(lines), file, facts)
    doc.lists = find_lists(doc.sentences)
    out: list[Finding] = []
    for kind, fn in CHECKS.items():
        if kinds is None or kind in kinds:
            out += fn(doc)
    seen = set()
    unique = []
    for f in sorted(out, key=lambda f: (f.line, f.sentence.index, f.mark or (0, 0), f.code)):
        key = (f.sentence.index, f.mark) if f.mark else (f.code, f.sentence.index)  # one wrong number, one finding
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def audit_text(text: str, file: str | None = None, facts: dict | None = None) -> list[Finding]:
    return audit_lines([Line(t, i + 1) for i, t in enumerate(text.splitlines())], file, facts)


def audit_file(path: str, facts: dict | None = None, display: str | None = None) -> Audit:
    src: Source = read(path, display)
    a = Audit(src.file, issues=list(src.issues))
    if not src.ok:
        return a
    if facts is None and src.loaded is not None and getattr(src.loaded, "data", None) is not None:
        facts = facts_from_data(src.loaded.data)  # a submission's own narrative is checked against its data
    a.findings = audit_lines(src.lines, src.file, facts)
    return a
