"""The part of a bulk run that happens in worker processes: read → check → columns.

A worker takes a chunk of units (a few hundred submission files, or one table)
and returns one :class:`Chunk`: the chunk's rows as plain column lists
(:class:`~perfeval.declare.rows.Columns`), one :class:`Entry` per submission
and the issues found so far — never one dict per submission.  Submissions are
numbered from 0 inside the chunk; the parent renumbers them.

Nothing here uses polars: worker processes are forked from a parent that may
have run polars already, and polars' thread pool does not survive a fork (a
child that touches it can deadlock).  Plain Python is fork-safe.
"""

from __future__ import annotations

import gc
import hashlib
import signal
from dataclasses import dataclass, field
from typing import Any

from ..audit.narrative import narrative_issues
from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..declare.rows import Columns
from ..issues import Issue, make_issue
from ..pipeline import prepare_one
from ..readers import READERS, Document, Locator
from ..readers import relocate as _relocate
from .inputs import Unit

INFO_KEYS = ("name", "code", "department", "implementer", "year")


@dataclass
class Entry:
    """One submission (one row of the summary), whatever became of it."""

    key: str  # unique name of the submission in this run (``Evaluation.files``); table projects: "file\0n"
    file: str  # source file as shown to the user
    status: str  # "scored" | "rejected"
    line: int | None = None  # first row of a table project
    funds_file: str | None = None  # funds table of a table project
    info: dict[str, Any] = field(default_factory=dict)  # project fields as read (for rejected rows)
    locator: Locator | None = None  # positions in the submission → file, sheet, row, column


@dataclass
class Chunk:
    cols: Columns
    entries: list[Entry]
    issues: list[tuple[int, Issue]]  # (submission number within the chunk, issue)
    units: int  # units processed (for progress)
    hashes: dict[str, str | None] = field(default_factory=dict)  # file as shown → SHA-256 of its bytes (``batch --db``)


def relocate(issue: Issue, entry: Entry) -> Issue:
    """Put an issue on the right file and row (the display name; the funds table for funds rows …)."""
    return _relocate(issue, entry.locator)


def _info(ld: Loaded) -> dict[str, Any]:
    d = ld.data
    p = d.get("project") if isinstance(d, dict) else None
    if not isinstance(p, dict):
        return {}
    out = {}
    for k in INFO_KEYS:
        v = p.get(k)
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            out[k] = str(v)[:200]
    return out


def _one(doc: Document, cols: Columns, profile: str | None, entries: list[Entry], issues: list) -> None:
    sub = len(entries)
    ld = doc.loaded
    ok = False
    if not doc.orphan:  # funds rows without indicators: nothing to check or score (PE506 says why)
        try:
            ok = prepare_one(ld, sub, cols, profile)
        except Exception as e:  # noqa: BLE001 - a bug must cost one submission, never the batch
            ld.issues.append(make_issue("PE502", file=ld.file, reason=f"{type(e).__name__}: {e}"))
    entry = Entry(doc.key, doc.file, "scored" if ok else "rejected", doc.line, doc.funds_file,
                  {} if ok else _info(ld), doc.locator)
    entries.append(entry)
    found = ld.issues + narrative_issues(ld)  # the narrative's own numbers (perfeval audit)
    if any(i.code == "PE503" for i in found):  # "no funds rows" already says what "funds.sources is empty" would
        found = [i for i in found if i.code != "PE206"]
    issues.extend((sub, relocate(i, entry)) for i in found)


def sha256(path: str) -> str | None:
    """SHA-256 of a file's bytes (the results store records it for every stored project); None if unreadable."""
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def process(units: list[Unit], profile: str | None = None, limits: Limits = DEFAULT_LIMITS, hashes: bool = False) -> Chunk:
    """Read and check a chunk of units (runs in a worker, or in-process for small runs).

    ``hashes``: also hash each source file here, in the worker, while it is in the page cache (``batch --db``).
    """
    cols = Columns()
    entries: list[Entry] = []
    issues: list[tuple[int, Issue]] = []
    digests: dict[str, str | None] = {u.display: sha256(u.path) for u in units} if hashes else {}
    # documents are acyclic: reference counting frees them, the cyclic collector only costs time
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for u in units:
            try:
                docs = READERS[u.kind].read(u.path, limits, display=u.display, funds=u.funds, funds_display=u.funds_display)
                notes: list[tuple[int, Issue]] = []
                for doc in docs:
                    notes.extend((len(entries), i) for i in doc.notes)
                    _one(doc, cols, profile, entries, issues)
                issues.extend(notes)  # about a source as a whole: after its submissions' own issues
            except Exception as e:  # noqa: BLE001 - see _one
                entries.append(Entry(u.display, u.display, "rejected"))
                issues.append((len(entries) - 1, make_issue("PE502", file=u.display, reason=f"{type(e).__name__}: {e}")))
    finally:
        if was_enabled:
            gc.enable()
    return Chunk(cols, entries, issues, len(units), digests)


def bare_parse(paths: list[str]) -> int:
    """The floor a bulk run is measured against: parse each file with CSafeLoader, nothing else."""
    import yaml

    n = 0
    for p in paths:
        try:
            with open(p, "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            n += 1
        except Exception:  # noqa: BLE001 - broken files cost their parse attempt, like in a run
            pass
    return n


def init_worker() -> None:
    """Pool initializer: Ctrl-C is the parent's business; SIGTERM (pool.terminate) just ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_task(args: tuple[list[Unit], str | None, Limits, bool]) -> Chunk:
    return process(*args)
