"""Rendering: the 项目支出绩效自评表 (HTML, Markdown, Excel) and the 自评报告 (Markdown, HTML, Word).

Renderers only read result records (:func:`perfeval.pipeline.results`); they
never score, and the layers below never import this package.

    from perfeval.pipeline import evaluate, results
    from perfeval.render import render_forms, render_reports
    res = [r for r in results(evaluate(["examples/seed-corrected.yaml"])) if r["status"] == "scored"]
    html = render_forms(res, "html")
    docx_bytes = render_reports(res, "docx")
"""

from __future__ import annotations

import os

from .context import form_view
from .report import report_view
from .templating import TemplateProblem, environment

FORM_FORMATS = ("html", "md", "xlsx")
REPORT_FORMATS = ("md", "html", "docx")
BINARY_FORMATS = ("xlsx", "docx")
EXTENSIONS = {"html": ".html", "md": ".md", "xlsx": ".xlsx", "docx": ".docx"}

__all__ = [
    "FORM_FORMATS", "REPORT_FORMATS", "BINARY_FORMATS", "EXTENSIONS", "TemplateProblem",
    "environment", "form_view", "report_view", "render_forms", "render_reports",
]


def _scored(results: list[dict]) -> list[dict]:
    return [r for r in results if r.get("status") == "scored"]


def render_forms(results: list[dict], fmt: str, templates: str | os.PathLike | None = None, show_review: bool = True) -> str | bytes:
    """All scored results' 自评表 in one document (``str`` for html/md, ``bytes`` for xlsx)."""
    views = [form_view(r) for r in _scored(results)]
    if fmt == "xlsx":
        from .xlsx import workbook_bytes

        return workbook_bytes(views, show_review)
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown form format {fmt!r}")
    from .templating import render_template

    return render_template(f"form.{fmt}", templates, forms=views, show_review=show_review)


def render_reports(results: list[dict], fmt: str, templates: str | os.PathLike | None = None) -> str | bytes:
    """All scored results' 自评报告 in one document (``str`` for md/html, ``bytes`` for docx)."""
    views = [report_view(r) for r in _scored(results)]
    if fmt == "docx":
        from .docx import document_bytes

        return document_bytes(views)
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown report format {fmt!r}")
    from .templating import render_template

    return render_template(f"report.{fmt}", templates, reports=views)
