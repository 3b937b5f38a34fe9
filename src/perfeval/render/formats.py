"""The output-format registry: one record per (document kind, format).

A document kind is ``form`` (项目支出绩效自评表) or ``report`` (自评报告); H16's
department kinds and other renderers register more.  Each :class:`OutputFormat`
says how to build one document for a list of views, its file extension and
whether it is binary.  ``render_forms``/``render_reports``, ``perfeval render``,
``perfeval report`` and ``perfeval batch --forms`` all read this table, so
adding a format is one registration (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class OutputFormat:
    kind: str  # "form" | "report" | …
    name: str  # the --format value
    extension: str  # with the dot
    binary: bool  # bytes (written to a file) rather than text (may go to the terminal)
    build: Callable[..., str | bytes]  # build(views, templates=None, show_review=True) -> document
    title: str = ""  # Chinese, for help texts
    per_project: bool = True  # offered for one file per project (``batch --forms``)


FORMATS: dict[tuple[str, str], OutputFormat] = {}


def register(fmt: OutputFormat) -> OutputFormat:
    key = (fmt.kind, fmt.name)
    if key in FORMATS:
        raise ValueError(f"output format {key!r} registered twice")
    FORMATS[key] = fmt
    return fmt


def names(kind: str) -> tuple[str, ...]:
    """Formats of a document kind, in registration order (the first is the CLI default)."""
    return tuple(n for k, n in FORMATS if k == kind)


def get(kind: str, name: str) -> OutputFormat:
    try:
        return FORMATS[(kind, name)]
    except KeyError:
        raise ValueError(f"unknown {kind} format {name!r}") from None


# --- the built-in formats -----------------------------------------------------
def _template(name: str, var: str) -> Callable[..., str]:
    def build(views: list[dict], templates: Any = None, show_review: bool = True, **_: Any) -> str:
        from .templating import render_template

        extra = {"show_review": show_review} if var == "forms" else {}
        return render_template(name, templates, **{var: views}, **extra)

    return build


def _form_xlsx(views: list[dict], templates: Any = None, show_review: bool = True, **_: Any) -> bytes:
    from .xlsx import workbook_bytes

    return workbook_bytes(views, show_review)


def _report_docx(views: list[dict], templates: Any = None, **_: Any) -> bytes:
    from .docx import document_bytes

    return document_bytes(views)


register(OutputFormat("form", "html", ".html", False, _template("form.html", "forms"), "网页（可打印）"))
register(OutputFormat("form", "md", ".md", False, _template("form.md", "forms"), "Markdown", per_project=False))
register(OutputFormat("form", "xlsx", ".xlsx", True, _form_xlsx, "Excel 工作簿"))
register(OutputFormat("report", "md", ".md", False, _template("report.md", "reports"), "Markdown"))
register(OutputFormat("report", "html", ".html", False, _template("report.html", "reports"), "网页"))
register(OutputFormat("report", "docx", ".docx", True, _report_docx, "Word 文档"))
