"""Drafts of the 填报 page: one YAML file per project under ``<data>/drafts/``.

A draft's id is random (16 hex digits) and is the only thing that names its file
(``<id>.yaml``); the project name is data inside it.  Writes are atomic (temporary file +
rename), so a reload or a restart finds the last complete save.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from ..declare.load import load_path
from .work import dump

ID = re.compile(r"^[0-9a-f]{16}$")


class Drafts:
    def __init__(self, root: Path):
        self.root = root / "drafts"
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, draft_id: str) -> Path | None:
        if not ID.match(draft_id or ""):
            return None
        return self.root / f"{draft_id}.yaml"

    def new(self, text: str) -> str:
        draft_id = secrets.token_hex(8)
        self._write(self.root / f"{draft_id}.yaml", text)
        return draft_id

    def save(self, draft_id: str, data: dict) -> bool:
        p = self.path(draft_id)
        if p is None or not p.exists():
            return False
        self._write(p, dump(data))
        return True

    def load(self, draft_id: str) -> dict | None:
        p = self.path(draft_id)
        if p is None or not p.exists():
            return None
        ld = load_path(p)
        return ld.data if isinstance(ld.data, dict) else {}

    def text(self, draft_id: str) -> str | None:
        p = self.path(draft_id)
        return p.read_text("utf-8") if p is not None and p.exists() else None

    def listing(self) -> list[dict]:
        out = []
        for p in sorted(self.root.glob("*.yaml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if not ID.match(p.stem):
                continue
            d = load_path(p).data
            proj = d.get("project") if isinstance(d, dict) else None
            proj = proj if isinstance(proj, dict) else {}
            out.append({"id": p.stem, "name": str(proj.get("name") or "（未命名项目）"), "department": str(proj.get("department") or ""),
                        "year": proj.get("year")})
        return out

    @staticmethod
    def _write(path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
