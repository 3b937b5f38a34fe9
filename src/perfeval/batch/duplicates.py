"""Duplicate submissions in a batch (issue #10): the same 项目编码 and year sent twice (an original and a 更正版).

Both used to be scored and both counted in the department averages.  Now the pair is reported (PE418), one of
them is kept — the file named by ``--prefer``, else the one written last (file modification time, then the later
input) — and the other is marked ``duplicate``: listed, never counted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..issues import Issue, make_issue


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return float("-inf")


def _preferred(file: str, prefer: tuple[str, ...]) -> bool:
    if not prefer:
        return False
    p = Path(file)
    for want in prefer:
        w = Path(want)
        if p == w or p.name == w.name or (w.exists() and p.exists() and os.path.samefile(p, w)):
            return True
    return False


def find_duplicates(scored: Any, entries: list, prefer: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """(dropped submission, kept submission) for every scored submission whose (code, year) another one has."""
    if scored is None or scored.projects.height == 0:
        return []
    p = scored.projects.select("sub", "code", "year").drop_nulls()
    groups: dict[tuple[str, int], list[int]] = {}
    for sub, code, year in p.iter_rows():
        code = str(code).strip()
        if code:
            groups.setdefault((code, int(year)), []).append(int(sub))
    out = []
    for subs in groups.values():
        if len(subs) < 2:
            continue
        keep = max(subs, key=lambda s: (_preferred(entries[s].file, prefer), _mtime(entries[s].file), s))
        out += [(s, keep) for s in subs if s != keep]
    return sorted(out)


def duplicate_issues(pairs: list[tuple[int, int]], scored: Any, entries: list) -> list[tuple[int, Issue]]:
    info = {r["sub"]: r for r in scored.projects.select("sub", "code", "year").iter_rows(named=True)} if pairs else {}
    out = []
    for dropped, kept in pairs:
        r = info[dropped]
        out.append((dropped, make_issue("PE418", file=entries[dropped].file, other=entries[kept].file, project_code=r["code"],
                                        year=r["year"], kept=entries[kept].file, dropped="本文件")))
    return out
