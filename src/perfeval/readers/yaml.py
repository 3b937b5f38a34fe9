"""The YAML submission file (format v1, docs/format.md): one file, one submission."""

from __future__ import annotations

import re

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded, load_path
from . import Document, Locator, Reader, register

_TOP_KEY = re.compile(rb"^(?:\xef\xbb\xbf)?(?:perfeval|project|indicators)\s*:", re.M)


def sniff(head: bytes, path: str) -> bool:
    """A text whose top level names ``perfeval:``, ``project:`` or ``indicators:`` (UTF-8/GBK keys are ASCII)."""
    return b"\x00" not in head[:1024] and _TOP_KEY.search(head) is not None


def read(path: str, limits: Limits = DEFAULT_LIMITS, display: str | None = None, **_: object) -> list[Document]:
    from ..office import lying_extension  # an office file named .yaml says so (PE157), not "binary text"

    lie = lying_extension(path, limits, display)
    if lie is not None:
        return [Document(Loaded(file=lie.file, issues=[lie]), key=lie.file, file=lie.file)]
    ld = load_path(path, limits, display=display)
    return [Document(ld, key=ld.file, file=ld.file, locator=Locator(ld.file))]


READER = register(Reader("yaml", (".yaml", ".yml"), sniff, read, priority=0, title="YAML 提交文件"))
