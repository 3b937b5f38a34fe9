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

from . import department, formats
from .context import form_view
from .formats import FORMATS, OutputFormat
from .report import report_view
from .templating import TemplateProblem, environment

FORM_FORMATS = formats.names("form")
REPORT_FORMATS = formats.names("report")
BINARY_FORMATS = tuple(dict.fromkeys(f.name for f in FORMATS.values() if f.binary))
EXTENSIONS = {f.name: f.extension for f in FORMATS.values()}

__all__ = [
    "FORM_FORMATS", "REPORT_FORMATS", "BINARY_FORMATS", "EXTENSIONS", "FORMATS", "OutputFormat", "TemplateProblem",
    "environment", "form_view", "report_view", "render_forms", "render_reports", "render_document", "MixedKinds",
]

#: how each document kind turns result records into views (department kinds: render/department.py)
VIEWS = {"form": form_view, "report": report_view,
         "department-form": department.form_view, "department-report": department.report_view}


class MixedKinds(ValueError):
    """Project and department-wide results cannot share one document (write to a directory instead)."""


def _scored(results: list[dict]) -> list[dict]:
    return [r for r in results if r.get("status") == "scored"]


def document_kind(kind: str, results: list[dict]) -> str:
    """``form``/``report`` for project results, ``department-form``/``department-report`` for department-wide ones."""
    dept = {r.get("kind") == "department" for r in _scored(results)}
    if len(dept) > 1:
        raise MixedKinds("项目支出与部门整体自评不能写入同一个文件")
    return f"department-{kind}" if dept == {True} and kind in ("form", "report") else kind


def render_document(kind: str, results: list[dict], fmt: str, templates: str | os.PathLike | None = None,
                    show_review: bool = True) -> str | bytes:
    """All scored results as one document of ``kind`` in format ``fmt`` (see :mod:`.formats`).

    Department-wide results (``kind: department``) are drawn as the department documents of the same format.
    """
    kind = document_kind(kind, results)
    spec = formats.get(kind, fmt)
    views = [VIEWS[kind](r) for r in _scored(results)]
    return spec.build(views, templates=templates, show_review=show_review)


def render_forms(results: list[dict], fmt: str, templates: str | os.PathLike | None = None, show_review: bool = True) -> str | bytes:
    """All scored results' 自评表 in one document (``str`` for html/md, ``bytes`` for xlsx)."""
    return render_document("form", results, fmt, templates, show_review)


def render_reports(results: list[dict], fmt: str, templates: str | os.PathLike | None = None) -> str | bytes:
    """All scored results' 自评报告 in one document (``str`` for md/html, ``bytes`` for docx)."""
    return render_document("report", results, fmt, templates)
