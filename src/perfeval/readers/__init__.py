"""Input readers: every kind of input a command accepts, in one registry.

A reader is one module that registers a :class:`Reader`: a name, the file
extensions it usually has, a ``sniff(head, path)`` that looks at the first bytes
of a file (content, not only the extension) and a ``read(path, limits, **opts)``
that returns :class:`Document` s — format-v1 data (the same dict a YAML file
gives) plus a :class:`Locator` that turns the positions recorded while reading
into a :class:`Location` (file, sheet, row/line, column) for issue records.

Every command (``score``, ``validate``, ``render``, ``report``, ``lint``,
``batch`` …) turns a path into documents with :func:`read_path`, so they all
accept the same inputs.  ``batch`` walks folders with :func:`scan`, which takes
every file some reader accepts and lists every other one with the reason.

Choosing a reader for a path (:func:`reader_for`):

1. the readers whose extensions match, highest ``priority`` first; when there is
   only one it is used without sniffing (the fast path);
2. when several match (``.xlsx`` may be a long table or an office form), the
   first whose ``sniff`` says yes; if none does, the highest-priority one reads
   it (and reports why it cannot);
3. no extension matches: every reader's ``sniff`` is tried (a CSV saved as
   ``.txt``); a file given explicitly that nobody claims is read as YAML, so a
   mistyped path is still reported; in a folder it is skipped with the reason.

Add a reader: write ``readers/<name>.py`` calling :func:`register`, and add its
module name to ``_BUILTIN`` below (see docs/architecture.md).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..issues import Issue, Location

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Locator:
    """Turns a position recorded in a document's line map into a :class:`Location`.

    The base class is for text files: the recorded position is the line.  Readers
    of other kinds subclass it (it must stay picklable: bulk review sends it from
    worker processes to the parent).
    """

    file: str

    def __call__(self, pos: int | None) -> Location:
        return Location(self.file, None, pos)


def relocate(issue: Issue, locator: Locator | None) -> Issue:
    """The issue placed on its own file/sheet/row/column (unchanged when already there)."""
    if locator is None:
        return issue
    loc = locator(issue.line)
    if (loc.file, loc.row, loc.sheet, loc.column) == (issue.file, issue.line, issue.sheet, issue.column):
        return issue
    return dataclasses.replace(issue, file=loc.file, line=loc.row, sheet=loc.sheet, column=loc.column)


@dataclass
class Document:
    """One submission read from an input (a YAML file is one; a table may give many).

    ``loaded`` holds the format-v1 data, the issues met while reading, and the line
    map (key path → position) that ``locator`` turns into a :class:`Location`.
    """

    loaded: Loaded
    key: str  # unique name of the submission within a run (a table's projects: "file\\0n")
    file: str  # the source as the user knows it
    locator: Locator | None = None
    line: int | None = None  # first row of a table project (shown in the batch summary)
    funds_file: str | None = None  # where this project's funds rows came from, when not ``file``
    orphan: bool = False  # nothing to check or score (its issues say why); listed as rejected
    notes: list[Issue] = field(default_factory=list)  # about the source as a whole, listed once with this document

    def location(self, path: tuple) -> Location:
        """Location of the key at ``path`` (or of the nearest enclosing key)."""
        pos = self.loaded.line_of(path)
        return self.locator(pos) if self.locator else Location(self.file, None, pos)

    def relocate(self, issue: Issue) -> Issue:
        return relocate(issue, self.locator)


@dataclass(frozen=True)
class Reader:
    """One kind of input.  ``read`` must never raise for bad input: it returns documents whose issues say why."""

    name: str  # also the batch unit kind ("yaml", "table", …)
    extensions: tuple[str, ...]  # lower-case, with the dot; matched with str.endswith
    sniff: Callable[[bytes, str], bool]  # (first HEAD_BYTES bytes, path) -> is this mine?
    read: Callable[..., list[Document]]  # read(path, limits, display=None, **opts); ignore unknown opts
    priority: int = 0  # among readers of the same extension, higher is asked first
    title: str = ""  # Chinese, for messages ("YAML 提交文件")
    many: bool = False  # one file may hold many submissions (bulk review gives it a chunk of its own)
    skip: Callable[[str], str | None] | None = None  # in a folder: a reason to skip this file, or None
    companion: Callable[[str], bool] | None = None  # in a folder: read together with another file (x.funds.csv)


READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    if reader.name in READERS:
        raise ValueError(f"reader {reader.name!r} registered twice")
    READERS[reader.name] = reader
    return reader


def _ordered() -> list[Reader]:
    return sorted(READERS.values(), key=lambda r: -r.priority)


def head(path: str | os.PathLike) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError:
        return b""


def _sniffs(r: Reader, data: bytes, path: str) -> bool:
    try:
        return bool(r.sniff(data, path))
    except Exception:  # noqa: BLE001 - a sniff is a guess; a failing guess is a no
        return False


def reader_for(path: str | os.PathLike, explicit: bool = True) -> Reader | None:
    """The reader for ``path`` (see the module docstring); ``None`` only when ``explicit`` is false."""
    p = str(path)
    low = p.lower()
    by_ext = [r for r in _ordered() if low.endswith(r.extensions)]
    if len(by_ext) == 1:
        return by_ext[0]
    data = head(p)
    if by_ext:
        return next((r for r in by_ext if _sniffs(r, data, p)), by_ext[0])
    if data:
        found = next((r for r in _ordered() if _sniffs(r, data, p)), None)
        if found is not None:
            return found
    return READERS["yaml"] if explicit else None


def read_path(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS, display: str | None = None, **opts: Any) -> list[Document]:
    """Every submission in the file at ``path`` (at least one document, rejected ones included)."""
    return reader_for(path).read(str(path), limits, display=display, **opts)


# ---------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Skipped:
    """A file in a folder that is not read, and why (listed to the user: nothing is dropped silently)."""

    path: str
    reason: str


def _why_not(path: str, name: str) -> str | None:
    if name.startswith("~$"):
        return "Office 临时文件（文件在 Excel/WPS 中打开时生成）"
    for r in _ordered():
        if r.skip is not None:
            why = r.skip(path)
            if why:
                return why
    return None


def scan(root: str) -> tuple[list[tuple[Reader, str]], list[Skipped]]:
    """Files under ``root`` (recursive, sorted, hidden entries left out) with their readers, and the files skipped."""
    found: list[tuple[Reader, str]] = []
    skipped: list[Skipped] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if any(r.companion is not None and r.companion(path) for r in READERS.values()):
                continue  # read with the file it belongs to
            why = _why_not(path, name)
            if why:
                skipped.append(Skipped(path, why))
                continue
            r = reader_for(path, explicit=False)
            if r is None:
                ext = os.path.splitext(name)[1] or "（无扩展名）"
                skipped.append(Skipped(path, f"不是可识别的提交文件（扩展名 {ext}，内容也不像 YAML 提交文件或长表）"))
            else:
                found.append((r, path))
    return found, skipped


def accepted_kinds() -> str:
    """Chinese list of what can be read, for messages."""
    return "、".join(f"{r.title}（{' '.join(r.extensions)}）" for r in _ordered() if r.title)


_BUILTIN = ("yaml", "table", "office")
for _m in _BUILTIN:
    __import__(f"{__name__}.{_m}")

__all__ = [
    "Location", "Locator", "Document", "Reader", "READERS", "register", "reader_for", "read_path", "relocate",
    "scan", "Skipped", "accepted_kinds", "head", "HEAD_BYTES",
]
