"""``perfeval audit``: check the numbers in a department's own report text (数字勾稽核对).

The text is split into sentences (:mod:`.text`), lists of parts are found once
(:mod:`.lists`), and each registered check kind (:mod:`.checks`, one module each)
returns :class:`~.model.Finding` s.  A claim whose whole cannot be found is skipped,
never guessed.  What is read, and as which kind of document, is :mod:`.readers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..declare.load import DEFAULT_LIMITS, Limits
from ..issues import Issue, make_issue
from . import checks  # noqa: F401  (registers the check kinds)
from .checks.against import facts_from_data, facts_from_result
from .lists import find_lists
from .model import CHECKS, Doc, Finding
from .readers import Source, extensions, read, read_all
from .text import Line, split

__all__ = [
    "CHECKS",
    "Audit",
    "Candidate",
    "Finding",
    "audit_file",
    "audit_lines",
    "audit_path",
    "audit_source",
    "audit_text",
    "candidates",
    "extensions",
    "facts_from_data",
    "facts_from_result",
    "read",
    "read_all",
]

KIND_ZH = {"report": "报告文字", "yaml": "YAML 提交文件", "table": "长表中的项目", "office": "自评表",
           "department": "部门整体自评提交文件"}


@dataclass
class Audit:
    file: str
    findings: list[Finding] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # the file could not be read (PE84x), or --against could not be matched
    kind: str = "report"
    project: dict[str, str] = field(default_factory=dict)
    against: str | None = None  # what the text was checked against, in words
    sentences: int = 0  # text lines read (0: nothing to audit)
    readable: bool = True  # false: the file could not be read (its issues say why)

    def to_dict(self) -> dict:
        return {"file": self.file, "findings": [f.to_dict() for f in self.findings],
                "problems": [i.to_dict() for i in self.issues]}


def audit_lines(lines: list[Line], file: str | None = None, facts: dict | None = None,
                kinds: tuple[str, ...] | None = None, tables: list | None = None) -> list[Finding]:
    doc = Doc(split(lines), file, facts)
    doc.tables = tables or []
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


# ---------------------------------------------------------------------------
# what a text is checked against
# ---------------------------------------------------------------------------
@dataclass
class Candidate:
    """A submission a text may be checked against: its project and facts (picklable)."""

    name: str
    code: str
    facts: dict
    label: str  # "hubei.yaml", "表.csv 第 2 行（项目名称）"


def _facts_of(doc: Any, score: bool) -> dict:
    """What a submission's data and (when ``score``) perfeval's computed result say."""
    data = doc.loaded.data
    own = facts_from_data(data)
    if not score or doc.orphan:
        return own
    try:
        if isinstance(data, dict) and data.get("kind") == "department":
            from ..department import evaluate_loaded

            rec = evaluate_loaded(doc.loaded).record
        else:
            from ..pipeline import evaluate_documents, results

            rec = results(evaluate_documents([doc]))[0]
    except Exception:  # noqa: BLE001 - scoring failed: the data alone still says amounts and actuals
        return own
    if rec.get("status") != "scored":
        return own
    got = facts_from_result(rec)
    got["named"] = own.get("named") or {}
    got["year"] = own.get("year")
    return got


def candidates(path: str, limits: Limits = DEFAULT_LIMITS, score: bool = True) -> tuple[list[Candidate], list[Issue]]:
    """Every submission in ``path`` (YAML, long table, office form) as a :class:`Candidate`, or the issues why none."""
    srcs = read_all(path, None, limits)
    out: list[Candidate] = []
    issues: list[Issue] = []
    for s in srcs:
        if s.document is None or not s.ok:
            issues += s.issues or [make_issue("PE845", file=s.file)]
            continue
        d = s.document
        where = s.file if d.line is None else f"{s.file} 第 {d.line} 行"
        name = s.project.get("name", "")
        out.append(Candidate(name, s.project.get("code", ""), _facts_of(d, score),
                             f"{where}（{name}）" if name else where))
    return out, issues


def _norm(s: str) -> str:
    return re.sub(r"[\s“”\"'《》]", "", s)


def pick(cands: list[Candidate], text: str, project: str | None, against: str) -> tuple[Candidate | None, Issue | None]:
    """The candidate a text is about: ``--project`` (code or name), the only one, or the one named in the text."""
    if project:
        hit = [c for c in cands if project in (c.code, c.name)]
        if len(hit) == 1:
            return hit[0], None
        return None, make_issue("PE849", file=against, project=project, available=_listing(cands))
    if len(cands) == 1:
        return cands[0], None
    t = _norm(text)
    named = [c for c in cands if (c.code and c.code in t) or (len(c.name) >= 4 and _norm(c.name) in t)]
    if len(named) > 1:  # a longer name containing a shorter one: keep the most specific
        longest = max(len(_norm(c.name)) for c in named)
        named = [c for c in named if (c.code and c.code in t) or len(_norm(c.name)) == longest]
    if len(named) == 1:
        return named[0], None
    return None, make_issue("PE848", file=against, n=len(cands), available=_listing(cands))


def _listing(cands: list[Candidate]) -> str:
    shown = [f"{c.code or '（无编码）'} {c.name}" for c in cands[:8]]
    return "；".join(shown) + ("；……" if len(cands) > 8 else "")


# ---------------------------------------------------------------------------
# one document, one file
# ---------------------------------------------------------------------------
_OTHER_LINE = re.compile(r"第 (\d+) 行")


def _place(found: list[Finding], src: Source) -> None:
    """Findings on the cell/row the reader recorded (``自评表.xlsx:Sheet1!C9``, ``表.csv:7``)."""
    if src.locator is None or src.kind == "report":
        return
    for f in found:
        loc = src.where(f.line)
        f.file = loc.file
        f.extra.update(line=loc.row, location=str(loc))
        if loc.sheet is not None:
            f.extra["sheet"] = loc.sheet
        if loc.column is not None:
            f.extra["column"] = loc.column
        if loc.sheet is not None or loc.column is not None:  # "在第 9003 行" → "在 自评表.xlsx:Sheet1!C9"
            f.message = _OTHER_LINE.sub(lambda m: f"在 {src.where(int(m.group(1)))} ", f.message).replace("  ", " ")


def audit_source(src: Source, facts: dict | None = None, cands: list[Candidate] | None = None,
                 project: str | None = None, against: str | None = None, score: bool = False) -> Audit:
    """Audit one document: against ``facts``/``cands`` (``--against``), else its own data or embedded form."""
    a = Audit(src.file, issues=list(src.issues), kind=src.kind, project=dict(src.project), sentences=len(src.lines),
              readable=src.ok)
    if not src.ok or not src.lines:
        return a
    text = "\n".join(ln.text for ln in src.lines)
    if cands is not None:
        c, problem = pick(cands, text, project, against or "")
        if problem is not None:
            a.issues.append(_on(problem, src.file))
        else:
            facts, a.against = c.facts, f"与 {c.label} 核对"
    elif facts is not None:
        a.against = "与 --against 的提交文件核对"
    elif src.embedded:
        own = [Candidate(*_name_code(d), _facts_of(d, score), f"附表（{_name_code(d)[0] or d.loaded.file}）") for d in src.embedded]
        prose = "\n".join(ln.text for ln in src.lines if not ln.table)  # the forms' own cells name every project
        c, _ = pick(own, prose, None, src.file)
        if c is not None:
            facts, a.against = c.facts, f"与文中附表核对：{c.name or c.label}"
        else:
            a.against = f"文中有 {len(own)} 张附表，正文未写明项目名称，未与附表核对"
    elif src.document is not None:
        facts = _facts_of(src.document, score)
        a.against = ("文中附表：表中文字与本表数据核对" if src.in_report else "与本文件自身的数据核对") + (
            "和评分结果" if score and facts.get("total") is not None else "")
    kinds = tuple(k for k in CHECKS if k != "placeholder") if src.in_report else None  # the report's table rows have them
    a.findings = audit_lines(src.lines, src.file, facts, kinds, tables=src.tables)
    _place(a.findings, src)
    return a


def _on(issue: Issue, file: str) -> Issue:
    import dataclasses

    return dataclasses.replace(issue, file=file)


def _name_code(doc: Any) -> tuple[str, str]:
    p = (doc.loaded.data or {}).get("project") or {}
    return str(p.get("name") or ""), str(p.get("code") or "")


def audit_path(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS, facts: dict | None = None,
               cands: list[Candidate] | None = None, project: str | None = None, against: str | None = None,
               score: bool = True) -> list[Audit]:
    """Every document of one file, audited (one :class:`Audit` each)."""
    return [audit_source(s, facts, cands, project, against, score) for s in read_all(path, display, limits)]


def audit_file(path: str, facts: dict | None = None, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Audit:
    """The first document of a file, audited against ``facts`` or its own data (not scored)."""
    src = read(path, display, limits)
    return audit_source(src, facts, score=False)
