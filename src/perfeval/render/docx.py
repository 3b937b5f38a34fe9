"""The 自评报告 as a Word document (python-docx).

Built from the same report view as the Markdown and HTML reports: the
section headings, the generated sentences, the department's own text from
``narrative:`` (or ``（单位未填写）``), a funds table and the indicator table.
Chinese text gets an East Asian font so Word and WPS do not fall back to a
Latin font.
"""

from __future__ import annotations

import io
import os

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "仿宋"
HEAD_FONT = "黑体"
TABLE_FONT = "宋体"
TABLE_STYLE = "表格文字"


def _east_asian(style_or_run, name: str) -> None:
    """Set both the Latin and the East Asian font (Word needs w:eastAsia for Chinese)."""
    style_or_run.font.name = name
    el = style_or_run.element
    rpr = el.get_or_add_rPr() if hasattr(el, "get_or_add_rPr") else el.rPr
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _setup(doc) -> dict[str, str]:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(12)
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 13)):
        st = doc.styles[name]
        _east_asian(st, HEAD_FONT)
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0, 0, 0)
    table = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = normal
    _east_asian(table, TABLE_FONT)
    table.font.size = Pt(9)
    table.paragraph_format.first_line_indent = Pt(0)
    table.paragraph_format.space_after = Pt(0)
    return {name: doc.styles[name].style_id for name in ("Title", "Heading 1", "Heading 2", "List Bullet", TABLE_STYLE)}


def _styled(doc, text: str, style_id: str):
    """A paragraph with a style set by id (python-docx's lookup by name is slow: it scans all styles)."""
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().style = style_id
    return p


def _para(doc, text: str, indent: bool = True):
    p = doc.add_paragraph(text)
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    p.paragraph_format.space_after = Pt(3)
    return p


def _table(doc, ids: dict[str, str], header: list[str], rows: list[list[str]], marks: list[set[int]] | None = None):
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    style_id = ids[TABLE_STYLE]
    for r, (row, values) in enumerate(zip(t.rows, [header, *rows], strict=False)):
        for k, (cell, v) in enumerate(zip(row.cells, values, strict=False)):
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style = style_id
            run = p.add_run(v)
            if r == 0:
                run.font.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif marks and k in marks[r - 1]:
                run.font.bold = True
                run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    _column_widths(t, [header, *rows])
    return t


TEXT_WIDTH_CM = 16.0  # A4 portrait, 2.5 cm margins


def _column_widths(t, rows: list[list[str]]) -> None:
    """Widths by content (issue #10): each column gets its share of the text width, between a floor and a cap,
    so a long indicator name wraps instead of squeezing the number columns to one character."""
    from .xlsx import display_width

    n = len(rows[0]) if rows else 0
    if not n:
        return
    need = [max(4, min(30, max((max((display_width(x) for x in str(r[k]).split("\n")), default=0) for r in rows), default=4)))
            for k in range(n)]
    total = sum(need)
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in need]
    t.autofit = False
    for k, col in enumerate(t.columns):
        col.width = widths[k]
        for cell in col.cells:
            cell.width = widths[k]


def _report(doc, ids: dict[str, str], r: dict) -> None:
    f, sec, unfilled = r["form"], r["sections"], r["unfilled"]
    _styled(doc, r["title"], ids["Title"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _styled(doc, sec["overview"], ids["Heading 1"])
    _styled(doc, sec["basic"], ids["Heading 2"])
    for s in r["basic"]["facts"]:
        _para(doc, s)
    _para(doc, f"项目基本情况说明：{r['basic']['text'] or unfilled}")
    _styled(doc, sec["funds"], ids["Heading 2"])
    for s in r["funds"]["facts"]:
        _para(doc, s)
    if r["funds"]["note"]:
        _para(doc, f"执行情况说明（单位填写）：{r['funds']['note']}")
    _para(doc, f"资金管理使用情况说明：{r['funds']['text'] or unfilled}")
    t = f["funds"]["total"]
    rows = [[f"{t['label']}（{f['unit']}）", str(t["initial"]), str(t["budget"]), str(t["executed"]), str(t["rate"])]]
    rows += [[f"其中：{s['label']}", str(s["initial"]), str(s["budget"]), str(s["executed"]), str(s["rate"])] for s in f["funds"]["sources"]]
    _table(doc, ids, ["", "年初预算数", "全年预算数", "全年执行数", "执行率"], rows)

    _styled(doc, sec["goals"], ids["Heading 1"])
    _styled(doc, sec["goal"], ids["Heading 2"])
    _para(doc, f"年度总体目标：{r['goal']['target'] or unfilled}")
    _para(doc, f"实际完成情况：{r['goal']['actual'] or unfilled}")
    _styled(doc, sec["indicators"], ids["Heading 2"])
    _para(doc, r["indicator_summary"])
    for g in r["indicator_groups"]:
        for s in g["sentences"]:
            _para(doc, s)
    rows, marks = [], []
    for i in f["indicators"]:
        rows.append([
            i["level1"], i["level2"], i["name"], i["target"], i["actual"],
            "" if i["qualitative"] else str(i["completion"]), str(i["weight"]),
            str(i["score"]) + (" ⚠" if i["diff"] else ""),
            i["tier"] if i["qualitative"] and i["tier"] else i["status_zh"],
        ])
        marks.append({7} if i["diff"] else set())
    _table(doc, ids, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成率", "分值", "得分", "完成情况"], rows, marks)

    _styled(doc, sec["conclusion"], ids["Heading 1"])
    for s in r["conclusion"]["facts"]:
        _para(doc, s)
    _para(doc, f"单位评价意见：{r['conclusion']['text'] or unfilled}")

    _styled(doc, sec["problems"], ids["Heading 1"])
    for s in r["problems"]["facts"] or ["按规则复核，未发现未达标指标或数据问题。"]:
        _para(doc, s)
    if r["problems"]["review"]:
        _para(doc, "复核意见：")
        for i in r["problems"]["review"]:
            hint = f"（{i['hint']}）" if i["hint"] else ""
            _styled(doc, f"{i['severity_zh']} {i['code']}：{i['message']}{hint}", ids["List Bullet"])
    _para(doc, f"单位填写的问题：{r['problems']['text'] or unfilled}")

    _styled(doc, sec["suggestions"], ids["Heading 1"])
    _para(doc, r["suggestions"]["text"] or unfilled)


def write_document(reports: list[dict], target: str | os.PathLike | io.BytesIO) -> None:
    """One .docx holding the given report views, a page break between projects."""
    doc = Document()
    ids = _setup(doc)
    doc.core_properties.title = reports[0]["title"] if len(reports) == 1 else "项目支出绩效自评报告"
    doc.core_properties.comments = "由 perfeval 按规则生成"
    for k, r in enumerate(reports):
        if k:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _report(doc, ids, r)
    doc.save(target if isinstance(target, io.BytesIO) else str(target))


def document_bytes(reports: list[dict]) -> bytes:
    buf = io.BytesIO()
    write_document(reports, buf)
    return buf.getvalue()
