"""Receiving uploads: limits, .zip members, and storage under names the server makes up.

A file's name as uploaded is *text* (shown to the user, written into results); it never
becomes part of a filesystem path.  Each upload is stored as ``s0001.yaml``, ``s0002.csv``…
in a fresh directory: the number comes from a counter, the extension from a fixed list
(anything else is stored as ``.dat`` and read as a submission, so it is rejected with a
reason instead of dropped).  A long table's funds table (``x.funds.csv`` next to
``x.csv``) keeps its pairing by sharing the stem number.

Limits: each file (and each .zip member, counted as read, not as its header claims) at most
``max_bytes``; at most ``max_files`` files per upload; the request itself is bounded by
:class:`~.security.Guard`.  Over a limit → :class:`TooLarge` (HTTP 413) and nothing is kept.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..issues import make_issue
from .settings import Settings

KNOWN = (".yaml", ".yml", ".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".json", ".txt")
FUNDS = ".funds.csv"


class TooLarge(Exception):
    """Over a size or count limit (HTTP 413); ``code`` and ``message`` are the refusal."""

    def __init__(self, code: str, **params):
        i = make_issue(code, **params)
        self.code, self.message = i.code, i.message + (f"（{i.hint}）" if i.hint else "")
        super().__init__(self.message)


@dataclass
class Stored:
    """Uploads stored in ``directory``: ``names[path]`` is the name the user gave (display only)."""

    directory: Path
    paths: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    problems: list = field(default_factory=list)  # issues about the upload itself (unreadable .zip)
    _stems: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def add(self, name: str, data: bytes) -> str:
        name = "".join(c for c in (name or "未命名") if c.isprintable())[:300] or "未命名"
        low = name.lower()
        if name in self.names.values():  # two uploads with one name stay two rows, told apart
            k = 2
            while f"{name} ({k})" in self.names.values():
                k += 1
            name = f"{name} ({k})"
        base = os.path.basename(low.replace("\\", "/"))
        if base.endswith(FUNDS):
            stem_key, ext = base[: -len(FUNDS)], FUNDS
        else:
            root, ext = os.path.splitext(base)
            stem_key = root
            if ext not in KNOWN:
                ext = ".dat"
        # the pairing key includes the folder inside a .zip, so a.csv in two folders stays two tables
        folder = os.path.dirname(low.replace("\\", "/"))
        key = folder + "/" + stem_key
        stem = self._stems.get(key) if ext in (".csv", FUNDS) else None
        if stem is None or (self.directory / (stem + ext)).exists():
            stem = f"s{len(self.paths) + 1:05d}"
            if ext in (".csv", FUNDS):
                self._stems[key] = stem
        path = str(self.directory / (stem + ext))
        with open(path, "wb") as fh:
            fh.write(data)
        self.paths.append(path)
        self.names[path] = name
        return path


def new_store(settings: Settings, parent: Path | None = None) -> Stored:
    base = parent or settings.data_dir / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    return Stored(Path(tempfile.mkdtemp(prefix="up-", dir=base)))


async def store_form_files(files: list, settings: Settings, stored: Stored) -> None:
    """Store the ``UploadFile``s of a form (expanding .zip files); raises :class:`TooLarge`."""
    count = 0
    for f in files:
        name = getattr(f, "filename", None) or "未命名"
        size = getattr(f, "size", None)
        if size is not None and size > settings.max_bytes and not name.lower().endswith(".zip"):
            raise TooLarge("PE950", name=name[:100], size=size, limit=settings.max_bytes)
        data = await f.read(settings.max_request + 1)
        if name.lower().endswith(".zip"):
            count = _expand_zip(name, data, settings, stored, count)
            continue
        if len(data) > settings.max_bytes:
            raise TooLarge("PE950", name=name[:100], size=len(data), limit=settings.max_bytes)
        count += 1
        if count > settings.max_files:
            raise TooLarge("PE951", count=settings.max_files, limit=settings.max_files)
        stored.add(name, data)


def _expand_zip(name: str, data: bytes, settings: Settings, stored: Stored, count: int) -> int:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in zf.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        stored.problems.append(make_issue("PE953", file=name, name=name, reason=type(e).__name__))
        return count
    total = 0
    for m in members:
        base = os.path.basename(m.filename.replace("\\", "/"))
        if not base or base.startswith(".") or m.filename.startswith("__MACOSX/"):
            continue  # folders, hidden files and macOS resource forks are not submissions
        count += 1
        if count > settings.max_files:
            raise TooLarge("PE951", count=settings.max_files, limit=settings.max_files)
        if m.file_size > settings.max_bytes:
            raise TooLarge("PE950", name=f"{name}/{m.filename}"[:100], size=m.file_size, limit=settings.max_bytes)
        try:
            with zf.open(m) as fh:
                content = fh.read(settings.max_bytes + 1)  # the header may lie: read at most one byte past the limit
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, ValueError, EOFError) as e:
            stored.problems.append(make_issue("PE953", file=f"{name}/{m.filename}", name=f"{name}/{m.filename}",
                                              reason=f"{type(e).__name__}（加密或损坏）"))
            continue
        if len(content) > settings.max_bytes:
            raise TooLarge("PE950", name=f"{name}/{m.filename}"[:100], size=len(content), limit=settings.max_bytes)
        total += len(content)
        if total > settings.max_request:
            raise TooLarge("PE952", limit=settings.max_request)
        stored.add(f"{name}/{m.filename}", content)
    return count
