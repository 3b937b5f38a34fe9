"""Report text from a file: .txt/.md (UTF-8 or GB18030), .docx, text-layer .pdf, or the
``narrative`` of a submission (.yaml/.yml).  Each reader gives :class:`~.text.Line` s with the
number a reviewer looks for: the line of a text file, the paragraph of a .docx/.pdf (and its page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..declare.load import DEFAULT_LIMITS, Limits, load_path
from ..issues import Issue, make_issue
from .narrative import narrative_lines
from .text import Line

TEXT_EXT = {".txt", ".md", ".markdown", ".text"}
SUBMISSION_EXT = {".yaml", ".yml"}
EXTENSIONS = TEXT_EXT | SUBMISSION_EXT | {".docx", ".pdf"}
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Source:
    file: str
    lines: list[Line] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    loaded: object = None  # the submission, for a .yaml file

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


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


def _text(path: Path, src: Source) -> None:
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


def _pdf(path: Path, src: Source) -> None:
    import pdfplumber

    n = 0
    with pdfplumber.open(str(path)) as pdf:
        for pno, page in enumerate(pdf.pages, 1):
            text = page.extract_text() or ""
            for t in text.splitlines():
                n += 1
                src.lines.append(Line(t, n, pno))
    if not any(ln.text.strip() for ln in src.lines):
        src.issues.append(make_issue("PE842", file=src.file))


def _submission(path: Path, src: Source, limits: Limits) -> None:
    ld = load_path(str(path), limits, display=src.file)
    src.loaded = ld
    if ld.data is None:
        src.issues += ld.issues
        return
    src.lines = narrative_lines(ld, path.read_text("utf-8", errors="replace").splitlines())


def read(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Read one file; problems become issues (PE840–PE842), never exceptions."""
    src = Source(display or path)
    p = Path(path)
    ext = p.suffix.lower()
    try:
        if not p.is_file():
            src.issues.append(make_issue("PE840", file=src.file, reason="文件不存在或不是普通文件"))
        elif ext not in EXTENSIONS:
            src.issues.append(make_issue("PE843", file=src.file, ext=ext or "（无扩展名）"))
        elif p.stat().st_size > MAX_BYTES:
            src.issues.append(make_issue("PE840", file=src.file, reason=f"文件超过 {MAX_BYTES // 1024 // 1024} MB"))
        elif ext in TEXT_EXT:
            _text(p, src)
        elif ext == ".docx":
            _docx(p, src)
        elif ext == ".pdf":
            _pdf(p, src)
        else:
            _submission(p, src, limits)
    except Exception as e:  # noqa: BLE001 - a damaged .docx/.pdf is bad input, not a crash
        src.issues.append(make_issue("PE840", file=src.file, reason=f"{type(e).__name__}: {e}"))
    return src
