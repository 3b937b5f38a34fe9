"""What ``perfeval audit`` reads, and the text it finds there.

Two kinds of input (docs/audit.md 可以核对的文件):

* **report text** — .txt/.md (UTF-8 or GB18030), .docx (paragraphs and table rows in body order),
  text-layer .pdf (with page).  A .docx/.pdf is a *report* unless it holds no prose but a
  项目支出绩效自评表 (then it is a form, below).  A report that *contains* a form (自评报告 with the form
  as 附表) is audited as text and against the embedded form (``Source.against`` says so).
* **submissions** — whatever the reader registry (:mod:`perfeval.readers`) accepts: YAML files
  (projects and ``kind: department``), long tables (.csv/.xlsx; each project its own document),
  office forms (.xlsx/.xls, and .docx/.pdf forms).  Their text — ``narrative``, 年度总体目标的
  实际完成情况, 偏差原因分析, 执行偏低原因, 评价结论 … (:data:`TEXT_FIELDS`) — is audited against their
  own data, each line numbered by the position the reader recorded (the YAML line, the table row,
  the form's cell), turned into a :class:`~perfeval.issues.Location` by the document's locator.

Each reader gives :class:`~.text.Line` s.  Nothing here raises for bad input: problems are issue
records (PE84x, and the office readers' PE15x for encrypted / corrupt / lying files).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..declare.load import DEFAULT_LIMITS, Limits
from ..issues import Issue, Location, make_issue
from .narrative import narrative_lines
from .tables import docx_tables, pdf_page, tables_from_grids
from .text import Line

TEXT_EXT = (".txt", ".md", ".markdown", ".text")
REPORT_EXT = TEXT_EXT + (".docx", ".pdf")
#: formats we cannot read, with what they are (a refusal says how to convert them)
OLD_EXT = {".doc": "旧版 Word 文档（.doc）", ".wps": "WPS 文字文档（.wps）", ".dps": "WPS 演示文稿（.dps）",
           ".ppt": "PowerPoint 演示文稿（.ppt）", ".rtf": "RTF 文档（.rtf）", ".odt": "OpenDocument 文档（.odt）",
           ".ods": "OpenDocument 表格（.ods）", ".et": "WPS 表格（.et）"}
IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic")


def submission_ext() -> tuple[str, ...]:
    from ..readers import READERS

    return tuple(sorted({e for r in READERS.values() for e in r.extensions} - set(REPORT_EXT) - set(OLD_EXT)))


def extensions() -> set[str]:
    """Every extension ``audit`` reads (report texts and the registry's submission files)."""
    return set(REPORT_EXT) | set(submission_ext())


@dataclass
class Source:
    """One document to audit: its text lines, where they are, and what they are checked against."""

    file: str
    lines: list[Line] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    loaded: Any = None  # the submission (``declare.load.Loaded``), when the text is a submission's
    kind: str = "report"  # report | yaml | table | office | department
    locator: Any = None  # positions of ``lines`` → Location (cells of a form, rows of a table)
    project: dict[str, str] = field(default_factory=dict)  # 项目名称/编码 of a submission
    facts: dict | None = None  # the data the text is checked against (own data or an embedded form)
    against: str | None = None  # what the text was checked against, in words ("与文中附表核对：…")
    document: Any = None  # the registry's Document (for scoring)
    embedded: list = field(default_factory=list)  # forms found inside a report (registry Documents)
    in_report: bool = False  # a form inside a report: its cells are also the report's table rows (placeholders found there)
    tables: list = field(default_factory=list)  # the 决算 tables of a .docx/.pdf (audit.tables.Table)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def where(self, line: int | None) -> Location:
        if self.locator is not None and line is not None:
            return self.locator(line)
        return Location(self.file, None, line)


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, encoding) — UTF-8 first, then GB18030 (which reads GBK and GB2312 too)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            return None, None
        return text, enc
    return None, None


# ---------------------------------------------------------------------------
# report text
# ---------------------------------------------------------------------------
def _text(path: Path, src: Source, limits: Limits) -> None:
    from ..office import lying_extension

    lie = lying_extension(path, limits, src.file)  # a Word/Excel/PDF file named .txt says so
    if lie is not None:
        src.issues.append(lie)
        return
    text, _ = decode(path.read_bytes())
    if text is None:
        src.issues.append(make_issue("PE841", file=src.file, reason="既不是 UTF-8 也不是 GB18030 编码的文本"))
        return
    md = path.suffix.lower() in (".md", ".markdown")
    src.lines = [Line(t, i + 1, table=md and t.lstrip().startswith("|")) for i, t in enumerate(text.splitlines())]


def _docx(path: Path, src: Source) -> None:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    n = 0
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n += 1
            for piece in Paragraph(block, d).text.split("\n"):
                src.lines.append(Line(piece, n))
        elif tag == "tbl":
            for row in Table(block, d).rows:
                n += 1
                cells, last = [], None
                for c in row.cells:  # merged cells repeat: keep one
                    if c._tc is last:
                        continue
                    last = c._tc
                    cells.append(c.text.replace("\n", " ").strip())
                src.lines.append(Line("\t".join(cells), n, table=True))
    _attach_tables(src, lambda: docx_tables(d.element.body, src.lines))


def _attach_tables(src: Source, extract) -> None:
    """The document's tables for the table checks; a table that cannot be read is a warning, not a failure."""
    try:
        src.tables = extract()
    except Exception as e:  # noqa: BLE001 - an odd table must not stop the audit of the text
        src.issues.append(make_issue("PE829", file=src.file, reason=f"{type(e).__name__}: {str(e)[:120]}"))


def _pdf(path: Path, src: Source) -> None:
    try:
        _pdf_lines(path, src)
    except Exception:
        if b"/Encrypt" in path.read_bytes():  # an open password (pdfminer says only "PdfminerException")
            src.issues.append(make_issue("PE154", file=src.file))
            return
        raise


def _pdf_lines(path: Path, src: Source) -> None:
    import pdfplumber

    n = 0
    grids: list = []
    row_lines: dict = {}
    after: dict = {}
    with pdfplumber.open(str(path)) as pdf:
        for pno, page in enumerate(pdf.pages, 1):
            text = page.extract_text() or ""
            texts = text.splitlines()
            inside = [False] * len(texts)
            try:  # ruled tables (only on pages that draw lines); lines inside a table are table rows
                inside, g, rl, af = pdf_page(page, pno, texts, n + 1)
                grids += g
                row_lines.update(rl)
                after.update(af)
            except Exception as e:  # noqa: BLE001 - an odd table must not stop the audit of the text
                src.issues.append(make_issue("PE829", file=src.file, reason=f"第{pno}页：{type(e).__name__}: {str(e)[:100]}"))
            for k, t in enumerate(texts):
                n += 1
                src.lines.append(Line(t, n, pno, table=inside[k]))
    if grids:
        _attach_tables(src, lambda: tables_from_grids(grids, after, row_lines))
    if not any(ln.text.strip() for ln in src.lines):
        src.issues.append(make_issue("PE842", file=src.file))


_EXPECTED_KIND = {".docx": "docx", ".pdf": "pdf"}


def _precheck(path: Path, src: Source, limits: Limits) -> bool:
    """Is a .docx/.pdf what its name says (not encrypted, a .doc, a zip of something else)?"""
    from ..office.grids import KIND_ZH, OLE_MAGIC, content_kind

    with open(path, "rb") as fh:
        raw = fh.read(limits.max_bytes + 1)
    want = _EXPECTED_KIND[path.suffix.lower()]
    if not raw:
        src.issues.append(make_issue("PE155", file=src.file, kind=KIND_ZH[want], reason="文件为空（0 字节）"))
        return False
    kind = content_kind(raw if raw.startswith(OLE_MAGIC) else raw[: 1 << 16] if want == "pdf" else raw, limits)
    if kind == "encrypted" or (kind == "ole" and want == "docx"):
        src.issues.append(make_issue("PE154", file=src.file))
    elif kind == "doc":
        src.issues.append(make_issue("PE844", file=src.file, kind=KIND_ZH["doc"] + "（扩展名为 " + path.suffix + "）"))
    elif kind == "corrupt" or (kind == "other" and want == "docx") or (kind == "zip" and want == "docx"):
        src.issues.append(make_issue("PE155", file=src.file, kind=KIND_ZH[want], reason="不是完整的 Word 文档（zip 结构损坏或缺少正文）"))
    elif kind == "other" and want == "pdf":
        src.issues.append(make_issue("PE155", file=src.file, kind=KIND_ZH[want], reason="文件头不是 %PDF-（可能已损坏或不完整）"))
    elif kind != want:
        src.issues.append(make_issue("PE157", file=src.file, ext=path.suffix, actual=KIND_ZH.get(kind, kind)))
    return src.ok


#: words of a form's layout (a line made of these and the form's own values is not prose)
_FORM_WORDS = re.compile(r"自评表|年度|单位[:：]|项目名称|主管部门|实施单位|项目资金|年初预算数|全年预算数|全年执行数|分值|执行率|得分|"
                         r"年度资金总额|其中|年度总体目标|预期目标|实际完成情况|绩效指标|[一二三]级指标|指标值|实际完成值|偏差原因|"
                         r"总分|等级|填报人|联系电话|填报日期|财政资金|其他资金|上年结转资金|[:：]")
PROSE_MIN = 60  # characters of prose outside the forms that make a .docx/.pdf a report


def _strings(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for v in node.values():
            _strings(v, out)
    elif isinstance(node, list):
        for v in node:
            _strings(v, out)
    elif node is not None and not isinstance(node, bool):
        out.append(str(node))


def _blob(forms: list) -> str:
    corpus: list[str] = []
    for d in forms:
        _strings(d.loaded.data, corpus)
    return "\n".join(re.sub(r"\s+", "", s) for s in corpus)


def _prose(text: str, blob: str) -> int:
    """Characters of ``text`` that are neither a form's own value nor its layout words."""
    n = 0
    for piece in re.split(r"\s+", text):
        p = _FORM_WORDS.sub("", piece)
        p = re.sub(r"[\d.,%，。；、（）()—\-/]+", "", p)
        if len(p) >= 6 and piece not in blob:
            n += len(p)
    return n


def prose_chars(lines: list[Line], forms: list) -> int:
    """Characters of text outside the forms (report vs form); a PDF's lines made only of form cells become table rows."""
    blob = _blob(forms)
    n = 0
    for ln in lines:
        if ln.table:
            continue
        k = _prose(ln.text, blob)
        if k == 0 and ln.page is not None and ln.text.strip():
            ln.table = True  # a PDF line of the form (its cells): like a Word table row, not prose
        n += k
    return n


def _office_forms(path: Path, src: Source, limits: Limits) -> list:
    """The 自评表 in a .docx/.pdf (registry Documents); [] when there is none."""
    from ..readers import READERS

    docs = READERS["office"].read(str(path), limits, display=src.file)
    return [d for d in docs if d.loaded.data is not None]


def _report_or_form(path: Path, src: Source, limits: Limits) -> list[Source]:
    ext = path.suffix.lower()
    if not _precheck(path, src, limits):
        return [src]
    (_docx if ext == ".docx" else _pdf)(path, src)
    if not src.ok or not src.lines:
        return [src]
    looks_like_form = any("三级指标" in ln.text for ln in src.lines) and any("一级指标" in ln.text for ln in src.lines)
    if not looks_like_form:
        return [src]
    forms = _office_forms(path, src, limits)
    if not forms:
        return [src]
    if prose_chars(src.lines, forms) < PROSE_MIN:
        return [_submission_source(d, src.file, "office") for d in forms]  # the file is a form (or several)
    src.embedded = forms
    cells = []
    for d in forms:  # the forms' own text cells (偏差原因 …) against their own data, located by cell
        s = _submission_source(d, src.file, "office")
        s.in_report = True
        if s.lines or not s.ok:
            cells.append(s)
    return [src] + cells


# ---------------------------------------------------------------------------
# submissions (through the reader registry)
# ---------------------------------------------------------------------------
#: a submission's text fields: (path, label).  ``narrative`` is taken whole (every key).
TEXT_FIELDS: tuple[tuple[tuple, str], ...] = (
    (("goal", "actual"), "年度总体目标实际完成情况"),
    (("funds", "note"), "执行偏低原因"),
    (("classes", "*", "analysis"), "分类分析"),
    (("indicators", "*", "note"), "偏差原因分析及改进措施"),
)


def _field_lines(ld: Any) -> list[Line]:
    """Text of the fields other than ``narrative``, each line at the position the reader recorded."""
    data = ld.data
    out: list[Line] = []
    for path, _label in TEXT_FIELDS:
        for concrete, value in _walk(data, path, ()):
            if not isinstance(value, str) or not value.strip():
                continue
            at = ld.line_of(concrete) or 1
            out += [Line(t, at) for t in value.splitlines()]
    return out


def _walk(node: Any, path: tuple, done: tuple):
    if not path:
        yield done, node
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(node, list):
            for k, v in enumerate(node):
                yield from _walk(v, rest, done + (k,))
    elif isinstance(node, dict) and step in node:
        yield from _walk(node[step], rest, done + (step,))


def submission_lines(ld: Any, raw: list[str] | None = None) -> list[Line]:
    """Every text line of a loaded submission (narrative first, then the other text fields), sorted by position."""
    if not isinstance(ld.data, dict):
        return []
    lines = narrative_lines(ld, raw) + _field_lines(ld)
    return sorted(lines, key=lambda ln: ln.no)


def _project_of(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        return {}
    p = data.get("department") if data.get("kind") == "department" else data.get("project")
    if not isinstance(p, dict):
        return {}
    return {k: str(p[k]) for k in ("name", "code") if p.get(k) not in (None, "")}


def _submission_source(doc: Any, file: str, reader: str, path: Path | None = None) -> Source:
    from .checks.against import facts_from_data

    ld = doc.loaded
    data = ld.data if isinstance(ld.data, dict) else None
    kind = "department" if data is not None and data.get("kind") == "department" else reader
    src = Source(file, kind=kind, loaded=ld, locator=doc.locator, document=doc, project=_project_of(data))
    if data is None or doc.orphan:
        src.issues += [doc.relocate(i) for i in ld.issues if i.severity == "error"] + [i for i in doc.notes if i.severity == "error"]
        if not src.issues:
            src.issues.append(make_issue("PE840", file=file, reason="没有可读取的提交数据"))
        return src
    raw = None
    if reader == "yaml" and path is not None:  # the file's own lines number each sentence of a folded block exactly
        try:
            raw = path.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            raw = None
    src.lines = submission_lines(ld, raw)
    src.facts = facts_from_data(data)
    return src


def _submissions(path: Path, file: str, limits: Limits) -> list[Source]:
    from ..readers import reader_for

    r = reader_for(str(path))
    docs = r.read(str(path), limits, display=file)
    out = []
    for d in docs:
        if r.name == "office" and d.loaded.data is None and any(i.code == "PE152" for i in d.notes):
            # a spreadsheet that is not a form: report text kept in Excel is not read
            s = Source(file, kind="office", issues=[make_issue("PE845", file=file)])
            out.append(s)
            continue
        out.append(_submission_source(d, file, r.name, path))
    return out


# ---------------------------------------------------------------------------
# one path
# ---------------------------------------------------------------------------
def read_all(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[Source]:
    """The documents of one file (several for a long table or a workbook of forms); problems become issues."""
    file = display or path
    src = Source(file)
    p = Path(path)
    low = p.name.lower()
    ext = p.suffix.lower()
    try:
        if not p.is_file():
            src.issues.append(make_issue("PE840", file=file, reason="文件不存在或不是普通文件"))
        elif ext == ".et":  # WPS 表格: the office reader reads it when it is a BIFF workbook; otherwise 另存为 .xlsx
            got = _submissions(p, file, limits) if p.stat().st_size <= limits.max_bytes else []
            if got and all(s.ok for s in got):
                return got
            src.issues.append(make_issue("PE844", file=file, kind=OLD_EXT[ext]))
        elif ext in OLD_EXT:
            src.issues.append(make_issue("PE844", file=file, kind=OLD_EXT[ext]))
        elif p.stat().st_size > limits.max_bytes:
            src.issues.append(make_issue("PE102", file=file, size=p.stat().st_size, limit=limits.max_bytes))
        elif low.endswith(TEXT_EXT):
            _text(p, src, limits)
        elif low.endswith((".docx", ".pdf")):
            return _report_or_form(p, src, limits)
        elif low.endswith(submission_ext()):
            return _submissions(p, file, limits)
        else:
            src.issues.append(make_issue("PE843", file=file, ext=ext or "（无扩展名）", accepted=accepted()))
    except Exception as e:  # noqa: BLE001 - a damaged file is bad input, not a crash
        src.issues.append(make_issue("PE840", file=file, reason=f"{type(e).__name__}: {str(e)[:200]}"))
    return [src]


def read(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Source:
    """The first document of a file (a report text has one)."""
    return read_all(path, display, limits)[0]


def accepted() -> str:
    return "、".join(REPORT_EXT[:2] + (".docx", ".pdf")) + " 和提交文件（" + "、".join(submission_ext()) + "）"


# ---------------------------------------------------------------------------
# folders
# ---------------------------------------------------------------------------
def skip_reason(path: str) -> str | None:
    """Why a file met in a folder is not audited (listed to the user), or None: audit it."""
    name = os.path.basename(path)
    low = name.lower()
    if name.startswith("~$"):
        return "Office 临时文件（文件在 Excel/WPS/Word 中打开时生成），不是提交的文件"
    if name.startswith("."):
        return "隐藏文件"
    if low.endswith(".expected.json"):
        return "核对用例的预期结果文件（.expected.json），不是报告"
    if low.endswith(IMAGE_EXT):
        return "图片文件：无法读取文字（扫描件请提供原文 .docx/.txt 或带文字层的 PDF）"
    if low.endswith(tuple(OLD_EXT)) or low.endswith(REPORT_EXT):
        return None
    from ..readers import READERS

    for r in READERS.values():
        if r.companion is not None and r.companion(path):
            return "资金表：与同名的长表一起读取"
        if r.skip is not None:
            why = r.skip(path)
            if why:
                return why
    if low.endswith(submission_ext()):
        return None
    ext = os.path.splitext(name)[1] or "（无扩展名）"
    return f"不是可核对的文件（扩展名 {ext}）；可核对 {accepted()}"


def walk(root: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(files to audit, [(file, reason skipped)]) under ``root``, sorted, subfolders included."""
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        hidden = sorted(d for d in dirnames if d.startswith("."))
        skipped += [(os.path.join(dirpath, d), "隐藏目录，未进入") for d in hidden]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            why = skip_reason(path)
            if why:
                skipped.append((path, why))
            else:
                files.append(path)
    return files, skipped
