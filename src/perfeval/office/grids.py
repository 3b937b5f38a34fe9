"""Office files → grids of cells.

Each reader turns one file into :class:`Grid` objects (one per worksheet, Word
table or PDF table) with merged cells expanded to their anchor's value, so the
form recogniser (:mod:`.recognise`) never needs to know where a grid came from.
A grid keeps the coordinates of every cell so that an issue can name
``自评表.xlsx:Sheet1!F14`` or ``报告.docx:表2 第5行第3列``.

Libraries (see docs/import.md for why each one):

* ``.xlsx`` — python-calamine (Rust): cached values of formula cells, merged ranges, ~1 ms per form.
  Before calamine sees the file, the zip is checked (inflated size) and every worksheet's cell
  references are scanned, because calamine builds a *dense* range: one cell at XFD1048576 would
  allocate billions of cells.  The same scan finds error cells (``#DIV/0!``, which calamine
  returns as empty) and percent-formatted cells.
* ``.xls`` — xlrd (the reference BIFF reader; calamine's Python binding hides error cells and
  number formats, which the recogniser needs).
* ``.docx`` — python-docx; spans (gridSpan / vMerge) are expanded by python-docx's own cell grid.
* ``.pdf`` — pdfplumber (text layer, ruled tables).

Every refusal is an :class:`OfficeError` carrying a stable PE15x code.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..declare.load import DEFAULT_LIMITS, Limits

#: A form never needs more; anything larger is refused before it is loaded (cell lines are
#: encoded as ``row * 1000 + column``, so columns must stay below 1000).
MAX_ROWS = 20_000
MAX_COLS = 300
#: Inflated size allowed for a zip container, as a multiple of the file-size limit.
INFLATE_FACTOR = 20
MAX_PDF_PAGES = 50
MAX_SPAN = 100

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".doc", ".et", ".wps")


class OfficeError(Exception):
    """A file that cannot be read as a form: ``code`` (PE15x) and the message parameters."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")


@dataclass
class Grid:
    """Cells of one sheet / table.  ``rows[i][j]`` is at row ``row0 + i``, column ``j + 1``."""

    place: str  # "Sheet1", "表2", "第1页 表1"
    excel: bool  # cells are addressed A1-style (worksheets) or by row/column numbers (tables)
    rows: list[list[Any]]
    row0: int = 1
    context: list[str] = field(default_factory=list)  # text before the table (Word/PDF titles)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (i, j) -> "#DIV/0!"
    percent: set[tuple[int, int]] = field(default_factory=set)  # (i, j) of percent-formatted numbers
    hidden_rows: set[int] = field(default_factory=set)  # i of rows hidden in the workbook (xlsx)
    hidden_cols: set[int] = field(default_factory=set)  # j of columns hidden in the workbook (xlsx)
    anchor: int | None = None  # Word: line of the first row, paragraphs and table rows counted in body order
    page: int | None = None  # PDF: the page
    bbox: tuple[float, float, float, float] | None = None  # PDF: the table's box on its page
    row_tops: list[float] = field(default_factory=list)  # PDF: the top of each row

    @property
    def height(self) -> int:
        return len(self.rows)

    def where(self, i: int, j: int) -> str:
        return cell_name(self.place, self.excel, self.row0 + i, j + 1)


def col_letter(c: int) -> str:
    s = ""
    while c > 0:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_name(place: str, excel: bool, row: int, col: int) -> str:
    if excel:
        return f"{place}!{col_letter(col)}{row}"
    return f"{place} 第{row}行第{col}列"


def _letters_to_col(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 26 + ord(ch) - 64
    return n


# ---------------------------------------------------------------------------
# sniffing and refusals
# ---------------------------------------------------------------------------
def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(head: bytes, suffix: str) -> str:
    """What the bytes are: "xlsx" | "docx" | "xls" | "doc" | "encrypted" | "pdf" | "zip" | "ole" | "other"."""
    if head.startswith(PDF_MAGIC) or (b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith(OLE_MAGIC):
        if _utf16("EncryptedPackage") in head or _utf16("EncryptionInfo") in head:
            return "encrypted"
        if _utf16("WordDocument") in head:
            return "doc"
        if _utf16("Workbook") in head or _utf16("Book") in head:
            return "xls"
        return "ole"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    return "other"


KIND_ZH = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "旧版 Excel 工作簿（.xls）", "docx": "Word 文档（.docx）",
           "doc": "旧版 Word 文档（.doc）", "pdf": "PDF 文件", "zip": "zip 压缩包", "ole": "旧版 Office 文件",
           "encrypted": "加密的 Office 文件", "other": "非 Office 文件", "yaml": "文本文件"}


def _zip_kind(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def _check_zip(zf: zipfile.ZipFile, limits: Limits) -> None:
    cap = limits.max_bytes * INFLATE_FACTOR
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if total > cap:
            raise OfficeError("PE156", size=total, limit=cap)


def read_head(path: str, limits: Limits) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            raise OfficeError("PE102", size=size, limit=limits.max_bytes)
        with open(path, "rb") as fh:
            return fh.read(limits.max_bytes + 1)
    except OSError as e:
        raise OfficeError("PE100", reason=e.strerror or str(e)) from None


def content_kind(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """Kind of an office file from its bytes (zip containers are opened to look inside)."""
    kind = sniff(raw[:8192] if not raw.startswith(OLE_MAGIC) else raw, "")
    if kind == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                return _zip_kind(zf)
        except (zipfile.BadZipFile, ValueError, OSError):
            return "corrupt"
    return kind


def read_grids(path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[Grid]]:
    """(kind, grids) of an office file; raises :class:`OfficeError` for anything unreadable."""
    raw = read_head(path, limits)
    if len(raw) > limits.max_bytes:
        raise OfficeError("PE102", size=len(raw), limit=limits.max_bytes)
    suffix = os.path.splitext(path)[1].lower()
    expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".docx": "docx", ".pdf": "pdf", ".doc": "doc",
                ".et": "xls", ".wps": "doc"}.get(suffix)
    if not raw:
        raise OfficeError("PE155", kind=KIND_ZH.get(expected or "other", suffix), reason="文件为空（0 字节）")
    kind = content_kind(raw, limits)
    if kind == "encrypted" or (kind == "ole" and expected in ("xlsx", "docx")):
        raise OfficeError("PE154")
    if kind == "doc":
        raise OfficeError("PE150")
    if kind == "corrupt":
        raise OfficeError("PE155", kind=KIND_ZH.get(expected or "zip", suffix), reason="zip 结构损坏")
    if kind in ("zip", "other", "ole"):
        if expected and kind in ("other", "ole", "zip"):
            if kind == "other" and raw.lstrip()[:1] in (b"#", b"p", b"{") and expected != "pdf":
                raise OfficeError("PE157", ext=suffix, actual="文本文件（可能是 YAML 或 CSV）")
            if kind == "other":
                raise OfficeError("PE155", kind=KIND_ZH[expected], reason="文件内容不是该格式（可能已损坏或不完整）")
            raise OfficeError("PE157", ext=suffix, actual=KIND_ZH[kind])
        raise OfficeError("PE157", ext=suffix or "（无扩展名）", actual=KIND_ZH[kind])
    if expected and kind != expected:
        raise OfficeError("PE157", ext=suffix, actual=KIND_ZH.get(kind, kind))
    try:
        if kind == "xlsx":
            return kind, _xlsx(raw, limits)
        if kind == "xls":
            return kind, _xls(raw, limits)
        if kind == "docx":
            return kind, _docx(raw, limits)
        return kind, _pdf(raw, limits)
    except OfficeError:
        raise
    except MemoryError:
        raise OfficeError("PE156", size="?", limit=limits.max_bytes * INFLATE_FACTOR) from None
    except Exception as e:  # noqa: BLE001 - any library error on a damaged file means "cannot read"
        raise OfficeError("PE155", kind=KIND_ZH[kind], reason=f"{type(e).__name__}: {str(e)[:120]}") from None


# ---------------------------------------------------------------------------
# .xlsx (python-calamine, after a scan of the raw XML)
# ---------------------------------------------------------------------------
_CELL = re.compile(rb'<c\s([^>]*?)/?>')
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_ATTR_T_E = re.compile(rb'\bt="e"')
_ATTR_S = re.compile(rb'\bs="([0-9]+)"')
_ERR_VALUE = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\bt="e"[^>]*>.*?<v>([^<]*)</v>', re.DOTALL)
_NUMFMT = re.compile(rb'<numFmt\s[^>]*?numFmtId="([0-9]+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS = re.compile(rb'<cellXfs[^>]*>(.*?)</cellXfs>', re.DOTALL)
_XF = re.compile(rb'<xf\s([^>]*?)/?>')
_XF_NUMFMT = re.compile(rb'numFmtId="([0-9]+)"')
_SHEETS = re.compile(rb'<sheet\s[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\s[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL2 = re.compile(rb'<Relationship\s[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    try:
        xml = zf.read("xl/styles.xml")
    except KeyError:
        return set()
    pct_ids = {9, 10}
    for fid, code in _NUMFMT.findall(xml):
        if b"%" in code:
            pct_ids.add(int(fid))
    m = _CELLXFS.search(xml)
    out = set()
    if m:
        for k, attrs in enumerate(_XF.findall(m.group(1))):
            f = _XF_NUMFMT.search(attrs)
            if f and int(f.group(1)) in pct_ids:
                out.add(k)
    return out


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet XML path inside the zip."""
    import html

    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid: t for rid, t in _REL.findall(rels)}
    targets.update({rid: t for t, rid in _REL2.findall(rels)})
    out = {}
    for name, rid in _SHEETS.findall(wb):
        t = targets.get(rid)
        if t is None:
            continue
        t = t.decode()
        p = t.lstrip("/") if t.startswith("/") else "xl/" + t
        out[html.unescape(name.decode("utf-8", "replace"))] = p
    return out


def _scan_sheet(xml: bytes, pct_styles: set[int]) -> tuple[int, int, dict[tuple[int, int], str], set[tuple[int, int]]]:
    """(max row, max column, error cells, percent cells) from a worksheet's XML, 1-based coordinates."""
    max_r = max_c = 0
    pct: set[tuple[int, int]] = set()
    for attrs in _CELL.findall(xml):
        m = _ATTR_R.search(attrs)
        if not m:
            continue
        r, c = int(m.group(2)), _letters_to_col(m.group(1).decode())
        max_r = max(max_r, r)
        max_c = max(max_c, c)
        if pct_styles:
            s = _ATTR_S.search(attrs)
            if s and int(s.group(1)) in pct_styles:
                pct.add((r, c))
    errors = {}
    if b't="e"' in xml:
        for col, row, val in _ERR_VALUE.findall(xml):
            errors[(int(row), _letters_to_col(col.decode()))] = val.decode("utf-8", "replace")
    return max_r, max_c, errors, pct


_ROW_HIDDEN = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"|<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
_COL_HIDDEN = re.compile(rb'<(?:\w+:)?col\b[^>]*?/?>')
_MIN_MAX = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"')


def _hidden(xml: bytes) -> tuple[set[int], set[int]]:
    """0-based rows and columns a worksheet hides (what the user does not see when opening the file)."""
    if b'hidden="' not in xml:
        return set(), set()
    rows = {int(a or b) - 1 for a, b in _ROW_HIDDEN.findall(xml)}
    cols: set[int] = set()
    for tag in _COL_HIDDEN.findall(xml):
        if re.search(rb'\bhidden="(?:1|true)"', tag):
            m = _MIN_MAX.search(tag)
            if m and int(m.group(2)) - int(m.group(1)) < MAX_COLS:
                cols.update(range(int(m.group(1)) - 1, int(m.group(2))))
    return rows, cols


def _xlsx(raw: bytes, limits: Limits) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        _check_zip(zf, limits)
        pct_styles = _percent_styles(zf)
        paths = _sheet_paths(zf)
        scans = {}
        for name, p in paths.items():
            try:
                xml = zf.read(p)
            except KeyError:
                continue
            max_r, max_c, errors, pct = _scan_sheet(xml, pct_styles)
            if max_r > MAX_ROWS or max_c > MAX_COLS:
                raise OfficeError("PE158", place=name, rows=max_r, cols=max_c, max_rows=MAX_ROWS, max_cols=MAX_COLS)
            scans[name] = (errors, pct, _hidden(xml))
    wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    grids = []
    for meta in wb.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet" or meta.name not in scans:
            continue
        sh = wb.get_sheet_by_name(meta.name)
        rows = [list(r) for r in sh.to_python(skip_empty_area=False)]
        merges = sh.merged_cell_ranges or []
        _expand(rows, [((a[0], a[1]), (b[0], b[1])) for a, b in merges])
        errors, pct, (hrows, hcols) = scans[meta.name]
        g = Grid(meta.name, True, rows, hidden_rows=hrows, hidden_cols=hcols)
        g.errors = {(r - 1, c - 1): v for (r, c), v in errors.items()}
        g.percent = {(r - 1, c - 1) for (r, c) in pct}
        for (i, j) in g.errors:
            if i < len(rows) and j < len(rows[i]):
                rows[i][j] = None
        grids.append(g)
    return grids


def _expand(rows: list[list[Any]], merges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Copy each merged range's anchor value into every cell of the range (0-based, inclusive)."""
    width = max((len(r) for r in rows), default=0)
    for (r0, c0), (r1, c1) in merges:
        if r1 - r0 > MAX_ROWS or c1 - c0 > MAX_COLS:
            continue
        width = max(width, c1 + 1)
        while len(rows) <= r1:
            rows.append([])
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    for (r0, c0), (r1, c1) in merges:
        if r1 - r0 > MAX_ROWS or c1 - c0 > MAX_COLS or r0 >= len(rows):
            continue
        v = rows[r0][c0]
        for r in range(r0, r1 + 1):
            row = rows[r]
            for c in range(c0, c1 + 1):
                row[c] = v


# ---------------------------------------------------------------------------
# .xls (xlrd)
# ---------------------------------------------------------------------------
def _xls(raw: bytes, limits: Limits) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise OfficeError("PE154") from None
        raise
    grids = []
    pct_fmts = {k for k, f in book.format_map.items() if "%" in (f.format_str or "")}
    for idx in range(book.nsheets):
        sh = book.sheet_by_index(idx)
        if sh.nrows > MAX_ROWS or sh.ncols > MAX_COLS:
            raise OfficeError("PE158", place=sh.name, rows=sh.nrows, cols=sh.ncols, max_rows=MAX_ROWS, max_cols=MAX_COLS)
        rows: list[list[Any]] = []
        errors: dict[tuple[int, int], str] = {}
        pct: set[tuple[int, int]] = set()
        for i in range(sh.nrows):
            row = []
            for j, cell in enumerate(sh.row(i)):
                t = cell.ctype
                if t == xlrd.XL_CELL_ERROR:
                    errors[(i, j)] = xlrd.error_text_from_code.get(cell.value, "#ERROR")
                    row.append(None)
                    continue
                if t == xlrd.XL_CELL_NUMBER:
                    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                    if xf is not None and xf.format_key in pct_fmts:
                        pct.add((i, j))
                    row.append(cell.value)
                elif t == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif t == xlrd.XL_CELL_DATE:  # a date serial with a date format: the date the user sees
                    try:
                        row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        row.append(cell.value)
                else:
                    row.append(cell.value)
            rows.append(row)
        _expand(rows, [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in sh.merged_cells])
        grids.append(Grid(sh.name, True, rows, errors=errors, percent=pct))
        book.unload_sheet(idx)
    return grids


# ---------------------------------------------------------------------------
# .docx (python-docx)
# ---------------------------------------------------------------------------
_SPAN = re.compile(rb'w:gridSpan\s+w:val="([0-9]+)"')


def _docx(raw: bytes, limits: Limits) -> list[Grid]:
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        _check_zip(zf, limits)
        try:
            body = zf.read("word/document.xml")
        except KeyError:
            raise OfficeError("PE155", kind=KIND_ZH["docx"], reason="缺少 word/document.xml") from None
    spans = [int(x) for x in _SPAN.findall(body)]
    if spans and max(spans) > MAX_SPAN:
        raise OfficeError("PE158", place="Word 表格", rows="?", cols=max(spans), max_rows=MAX_ROWS, max_cols=MAX_SPAN)
    # python-docx's element classes on the main part only: opening the whole package (styles, numbering,
    # settings …) with docx.Document() costs more than reading the tables
    root = parse_xml(body)
    doc_body = root.find(qn("w:body"))
    if doc_body is None:
        raise OfficeError("PE155", kind=KIND_ZH["docx"], reason="word/document.xml 没有正文")
    return docx_body_grids(doc_body)


def docx_body_grids(doc_body: Any) -> list[Grid]:
    """The tables of a .docx body (``w:body`` element), in body order.

    Each grid's ``anchor`` is the line number of its first row when paragraphs and table rows are
    counted together in body order (the numbering ``perfeval audit`` gives a .docx).
    """
    from docx.oxml.ns import qn

    W_T = qn("w:t")
    grids = []
    recent: list[str] = []
    n = 0
    line = 0
    for block in doc_body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            line += 1
            text = "".join(t.text or "" for t in block.iter(W_T)).strip()
            if text:
                recent = (recent + [text])[-4:]
        elif tag == "tbl":
            n += 1
            rows = _docx_rows(block)
            if len(rows) > MAX_ROWS:
                raise OfficeError("PE158", place=f"表{n}", rows=len(rows), cols="?", max_rows=MAX_ROWS, max_cols=MAX_COLS)
            grids.append(Grid(f"表{n}", False, rows, context=recent, anchor=line + 1))
            line += len(rows)
            recent = []
    return grids


def _docx_rows(tbl: Any) -> list[list[Any]]:
    """Cell texts row by row on the table's column grid: a cell spanning columns (gridSpan) repeats its
    text in each column, a vertically merged continuation (vMerge) takes the text of the cell above.

    Read from the table XML directly: python-docx's ``row.cells`` recomputes the whole grid for every
    row (hundreds of milliseconds for a merged form table).
    """
    from docx.oxml.ns import qn

    W_T, W_P, W_TAB, W_BR = qn("w:t"), qn("w:p"), qn("w:tab"), qn("w:br")
    out: list[list[Any]] = []
    for tr in tbl.tr_lst:
        row: list[Any] = [""] * (tr.grid_before or 0)
        for tc in tr.tc_lst:
            span = min(max(tc.grid_span or 1, 1), MAX_SPAN)
            if tc.vMerge == "continue":
                col = len(row)
                above = out[-1][col] if out and col < len(out[-1]) else ""
                row.extend([above] * span)
                continue
            paras = []
            for p in tc.iter(W_P):
                parts = []
                for el in p.iter(W_T, W_TAB, W_BR):
                    parts.append(el.text or "" if el.tag == W_T else ("\t" if el.tag == W_TAB else "\n"))
                paras.append("".join(parts))
            text = "\n".join(paras).strip()
            row.extend([text] * span)
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# .pdf (pdfplumber)
# ---------------------------------------------------------------------------
def _pdf(raw: bytes, limits: Limits) -> list[Grid]:
    import pdfplumber

    grids = []
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except Exception as e:
        msg = str(e).lower()
        if "password" in msg or "encrypt" in msg or type(e).__name__ == "PDFPasswordIncorrect":
            raise OfficeError("PE154") from None
        raise
    with pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise OfficeError("PE158", place="PDF", rows=f"{len(pdf.pages)} 页", cols="-", max_rows=f"{MAX_PDF_PAGES} 页", max_cols="-")
        any_text = False
        for p, page in enumerate(pdf.pages, 1):
            if any(c.get("text", "").strip() for c in page.chars):
                any_text = True
            grids += pdf_page_grids(page, p)
        if not any_text:
            raise OfficeError("PE151")
    return grids


def pdf_page_grids(page: Any, p: int, settings: dict | None = None, each_context: bool = False) -> list[Grid]:
    """The ruled tables of one pdfplumber page (``p`` is its 1-based number).

    ``context`` is the text above the page's first table; with ``each_context`` every table gets
    the text between it and the table above it (its own caption).
    """
    tables = page.find_tables(settings) if settings else page.find_tables()
    grids = []
    prev_bottom = 0.0
    for t, table in enumerate(tables, 1):
        context: list[str] = []
        if t == 1 or each_context:
            top = table.bbox[1]
            above = page.crop((0, min(prev_bottom, max(top - 1, 0)), page.width, max(top, 1))).extract_text() or ""
            context = [x.strip() for x in above.splitlines() if x.strip()][-4:]
        prev_bottom = table.bbox[3]
        rows = [[_pdf_text(c) if isinstance(c, str) else c for c in r] for r in table.extract()]
        _fill_pdf_spans(table, rows)
        tops = [r.bbox[1] for r in table.rows]
        grids.append(Grid(f"第{p}页 表{t}", False, rows, context=context, page=p,
                          bbox=tuple(table.bbox), row_tops=tops))
    return grids


_WRAP = re.compile(r"(.?)[ \t]*\n[ \t]*(.?)")


def _pdf_text(s: str) -> str:
    """A cell's text with the PDF's line wrapping undone (no space between Chinese characters)."""
    def join(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        sep = " " if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) else ""
        return a + sep + b
    return _WRAP.sub(join, s.strip())


def _fill_pdf_spans(table: Any, rows: list[list[Any]]) -> None:
    """pdfplumber gives ``None`` for the covered part of a spanning cell: give it the spanning cell's text.

    The spanning cell is the one whose box contains the top-left corner of the covered position.
    """
    try:
        rb = [r.bbox for r in table.rows]
        cb = [c.bbox for c in table.columns]
    except Exception:  # noqa: BLE001 - older pdfplumber: leave the gaps empty
        rb = cb = []
    anchors = []
    for i, r in enumerate(table.rows):
        for j, box in enumerate(r.cells):
            if box is not None and i < len(rows) and j < len(rows[i]):
                anchors.append((box, rows[i][j]))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v is not None:
                continue
            r[j] = ""
            if i < len(rb) and j < len(cb):
                # a row's / column's own box spans its merged cells, so only its top-left corner is reliable
                x = cb[j][0] + 0.5
                y = rb[i][1] + 0.5
                for box, t in anchors:
                    if box[0] <= x < box[2] and box[1] <= y < box[3]:
                        r[j] = t or ""
                        break
