"""Office 自评表 files (.xlsx/.xls/.docx/.pdf; docs/import.md): one file, one submission per form found.

Reading is :mod:`perfeval.office` (readers to grids, the form recogniser); this module
registers it.  An ``.xlsx`` is asked of the long-table reader first (priority 10): a workbook
whose first row is a long-table header stays a long table; any other workbook is read here.
Refusals (legacy ``.doc``, scanned PDF, no form, encrypted, corrupt, a lying extension, a zip or
sheet too large) come back as one rejected document whose note says why (PE150–PE158).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..declare.load import DEFAULT_LIMITS, Limits, Loaded
from ..issues import Location
from ..office import decode, part_of, read_forms
from ..office.grids import OFFICE_SUFFIXES, OLE_MAGIC, PDF_MAGIC, ZIP_MAGIC
from . import Document, Locator, Reader, register


@dataclass(frozen=True)
class CellLocator(Locator):
    """Positions are cells encoded as ``row * 1000 + column`` in one sheet / Word table / PDF table."""

    sheet: str = ""
    places: tuple[str, ...] = ()  # a form continued over several Word/PDF tables: each part's name

    def __call__(self, pos: int | None) -> Location:
        row, col = decode(pos)
        k = part_of(pos)
        return Location(self.file, self.places[k] if 0 < k < len(self.places) else self.sheet, row, col)


def sniff(head: bytes, path: str) -> bool:
    """Office content; or an office extension on anything the long-table reader did not claim (it says PE157)."""
    return head.startswith((ZIP_MAGIC, OLE_MAGIC, PDF_MAGIC)) or path.lower().endswith(OFFICE_SUFFIXES)


def read(path: str, limits: Limits = DEFAULT_LIMITS, display: str | None = None, **_: object) -> list[Document]:
    file = display or str(path)
    docs, refused = read_forms(path, limits, display=file)
    if not docs:
        return [Document(Loaded(file=file), key=file, file=file, notes=list(refused))]
    out = []
    for d in docs:
        key = file if len(docs) == 1 else f"{file}\x00{d.key.rsplit('#', 1)[1]}"
        d.loaded.file = key
        out.append(Document(d.loaded, key=key, file=file, locator=CellLocator(file, d.place, d.places)))
    return out


READER = register(Reader("office", OFFICE_SUFFIXES, sniff, read, priority=5, title="Office 自评表（Excel/WPS、Word、PDF）",
                         many=True))
