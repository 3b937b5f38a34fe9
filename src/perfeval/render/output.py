"""Where rendered documents go: stdout, one file, or one file per project in a directory."""

from __future__ import annotations

import os
from pathlib import Path

from ..safety import safe_filename

KIND_WORD = {"form": "自评表", "report": "自评报告"}


def is_directory_target(out: str) -> bool:
    """``--out`` names a directory if it is one, ends with a separator, or has no file extension."""
    p = Path(out)
    return p.is_dir() or out.endswith(("/", os.sep)) or p.suffix == ""


def project_stem(result: dict, kind: str) -> str:
    """``攀枝花市西区总工会_送温暖帮扶专项经费_2024年度_自评表`` (with the project code after the department when
    there is one): two departments' projects of the same name never share a file name.  Made safe for any file system."""
    p = result.get("project") or result.get("department") or {}  # a department-wide result names its department
    year = p.get("year")
    parts = [safe_filename(str(p[k]), max_len=40) for k in ("department", "code") if p.get(k)]
    parts.append(safe_filename(p.get("name") or "", max_len=60))
    parts.append(f"{year}年度_{KIND_WORD[kind]}" if year else KIND_WORD[kind])
    return "_".join(x for x in parts if x)


def plan_directory(results: list[dict], directory: str | os.PathLike, ext: str, kind: str) -> list[tuple[Path, dict]]:
    """One path per project; names that collide (case-insensitively) get ``_2``, ``_3``…"""
    d = Path(directory)
    used: set[str] = set()
    out = []
    for r in results:
        stem = project_stem(r, kind)
        cand, k = stem, 2
        while (cand + ext).lower() in used:
            cand = f"{stem}_{k}"
            k += 1
        used.add((cand + ext).lower())
        out.append((d / (cand + ext), r))
    return out


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same directory, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="\n")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
