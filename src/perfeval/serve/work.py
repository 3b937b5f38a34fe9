"""Scoring for the server: stored uploads and drafts through the library's own entry points.

* :func:`evaluate_stored` — uploads of any accepted kind go through the input-reader registry
  (:mod:`perfeval.readers`; :func:`perfeval.batch.expand` pairs a long table with its funds
  table), then :func:`perfeval.pipeline.evaluate_documents` and
  :func:`~perfeval.pipeline.results`: the same records as ``perfeval score --format json``,
  named by the uploaded names.  A reader added to the registry (office forms) works here at once.
* :func:`evaluate_draft` — a draft (format-v1 data edited in the page) is written as YAML,
  read back with line numbers and scored; each issue is attached to the cell it concerns.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import yaml

from ..batch import UsageError, expand
from ..batch.runner import relabel
from ..declare.load import DEFAULT_LIMITS, Limits, load_text
from ..declare.rows import Columns
from ..issues import Issue, make_issue, sort_issues
from ..pipeline import evaluate_columns, evaluate_documents, prepare_one, results
from ..readers import READERS, Document
from .uploads import Stored


@dataclasses.dataclass
class Outcome:
    records: list[dict[str, Any]]  # one per submission, as `perfeval score --format json` (issues included)
    issues: list[Issue]  # all issues, sorted (what `perfeval validate --format json` lists)
    lines: list[int | None] = dataclasses.field(default_factory=list)  # first row of each record's project in a table


def _named(stored: Stored, text: str) -> str:
    for path, name in stored.names.items():
        text = text.replace(path, name)
    return text


def read_stored(stored: Stored, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Every submission in the stored uploads, named as uploaded (the input-reader registry decides each kind)."""
    units = [relabel(u, stored.names) for u in expand(stored.paths)]
    docs: list[Document] = []
    for u in units:
        docs.extend(READERS[u.kind].read(u.path, limits, display=u.display, funds=u.funds, funds_display=u.funds_display))
    return docs


def evaluate_stored(stored: Stored, profile: str | None = None, limits: Limits = DEFAULT_LIMITS, scoring: bool = True) -> Outcome:
    """Read, check, (score and review) every stored upload; every upload is accounted for."""
    records: list[dict[str, Any]] = []
    extra: list[Issue] = list(stored.problems)
    for i in stored.problems:
        records.append({"file": i.file, "status": "rejected", "issues": [i.to_dict()]})
    if not stored.paths:
        return Outcome(records, sort_issues(extra))
    try:
        docs = read_stored(stored, limits)
    except UsageError as e:
        issue = make_issue("PE501", file="、".join(stored.names.values())[:200], reason=_named(stored, str(e)))
        return Outcome(records + [{"file": issue.file, "status": "rejected", "issues": [issue.to_dict()]}], sort_issues(extra + [issue]))
    ev = evaluate_documents(docs, profile, scoring=scoring)
    recs = results(ev) if scoring else [{"file": d.file, "status": st, "issues": [i.to_dict() for i in ev.issues_of(k)]}
                                        for k, (d, st) in enumerate(zip(docs, ev.status, strict=True))]
    lines = [None] * len(records) + [d.line for d in docs]
    return Outcome(records + recs, sort_issues(extra + ev.issues), lines)


# ---------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------
NUMBER_FIELDS = {"weight", "claimed_score", "ratio", "initial", "budget", "executed", "year", "claimed_total"}


def as_number(v: Any) -> Any:
    """"12.5" → 12.5, "" → None; text that is not a plain number stays text (validation names it)."""
    if not isinstance(v, str):
        return v
    s = v.strip().replace(",", "").replace("，", "")
    if s == "":
        return None
    try:
        x = float(s)
    except ValueError:
        return v
    if not math.isfinite(x):
        return v
    return int(x) if x.is_integer() and "." not in s and "e" not in s.lower() else x


def normalise(data: Any) -> dict:
    """A draft as the page sends it → format-v1 data (numbers in number fields, blanks removed)."""
    if not isinstance(data, dict):
        return {}

    def clean(d: dict) -> dict:
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                v = clean(v)
            elif isinstance(v, list):
                v = [clean(x) if isinstance(x, dict) else x for x in v]
            elif k in NUMBER_FIELDS:
                v = as_number(v)
            elif isinstance(v, str):
                v = v.strip()
                if v == "":
                    v = None
            if v is None and k not in ("actual", "executed"):
                continue
            out[k] = v
        return out

    return clean(data)


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: ~10x faster than the pure-Python one


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def cell_of(i: Issue, lines: dict[int, str], rows: list[tuple[int, int, str]]) -> str | None:
    """The cell id (``indicators.3.actual``) an issue concerns, by its key path or its line."""
    if i.path and all(isinstance(p, (str, int)) for p in i.path):
        return ".".join(str(p) for p in i.path)
    if i.line is None:
        return None
    if i.line in lines:
        return lines[i.line]
    for lo, hi, cid in rows:
        if lo <= i.line <= hi:
            return cid
    return None


def evaluate_draft(data: dict, name: str = "草稿.yaml") -> dict[str, Any]:
    """Score a draft: {result, issues, cells: {cell id: [issue…]}, yaml}."""
    text = dump(data)
    ld = load_text(text, name)
    lines: dict[int, str] = {}
    rows: list[tuple[int, int, str]] = []
    if isinstance(ld.data, dict):
        for top in ("project", "funds", "goal"):
            sec = ld.data.get(top)
            if isinstance(sec, dict):
                for k in sec:
                    if not isinstance(sec[k], (dict, list)):
                        lines[ld.line_of((top, k))] = f"{top}.{k}"
        srcs = (ld.data.get("funds") or {}).get("sources") if isinstance(ld.data.get("funds"), dict) else None
        for n, listing in (("indicators", ld.data.get("indicators")), ("funds.sources", srcs)):
            if not isinstance(listing, list):
                continue
            path0 = tuple(n.split("."))
            for k, row in enumerate(listing):
                if not isinstance(row, dict):
                    continue
                first = None
                for f in row:
                    ln = ld.line_of((*path0, k, f))
                    first = ln if first is None else first
                    lines[ln] = f"{n}.{k}.{f}"
                if first is not None:
                    rows.append((first, first + len(row) - 1, f"{n}.{k}"))
    cols = Columns()
    ok = prepare_one(ld, 0, cols)
    ev = evaluate_columns([name], ["scored" if ok else "rejected"], cols, ld.issues)
    rec = results(ev)[0]
    cells: dict[str, list[dict]] = {}
    listed = []
    for i in ev.issues:
        d = dict(i.to_dict(), cell=cell_of(i, lines, rows))
        listed.append(d)
        if d["cell"]:
            cells.setdefault(d["cell"], []).append(d)
    rec["issues"] = listed
    return {"result": rec, "cells": cells, "yaml": text}
