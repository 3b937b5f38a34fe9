"""Realistic 部门决算 documents with their 公开 tables, for the table checks (issue 12).

One department (a district cultural centre, 2024) whose figures agree everywhere; ``plant`` changes
one printed figure.  ``python tests/audit_tables_docs.py`` rewrites the example in examples/narratives/.

Tables: 收入支出决算总表 (two sides, 行次), 收入决算表 (类/款/项 in three columns, 3 merged header
rows), 支出决算表 (科目编码 in one column), 一般公共预算财政拨款支出决算表 in 元 (text in 万元),
一般公共预算财政拨款基本支出决算表 (人员经费 | 公用经费 side by side), "三公"经费 表 (预算数/决算数,
three header rows), and an empty 国有资本经营 table with its note.
"""

from __future__ import annotations

from pathlib import Path

# (code, name, total, basic, project) — 一般公共预算 and 政府性基金, in 万元
FUNCTIONS = [
    ("201", "一般公共服务支出", "231.12", "203.86", "27.26"),
    ("20129", "群众团体事务", "231.12", "203.86", "27.26"),
    ("2012901", "行政运行", "209.66", "182.40", "27.26"),
    ("2012950", "事业运行", "21.46", "21.46", ""),
    ("208", "社会保障和就业支出", "17.83", "17.83", ""),
    ("20805", "行政事业单位养老支出", "17.83", "17.83", ""),
    ("2080501", "行政单位离退休", "5.25", "5.25", ""),
    ("2080505", "机关事业单位基本养老保险缴费支出", "12.58", "12.58", ""),
    ("210", "卫生健康支出", "12.22", "12.22", ""),
    ("21011", "行政事业单位医疗", "12.22", "12.22", ""),
    ("2101101", "行政单位医疗", "4.44", "4.44", ""),
    ("2101102", "事业单位医疗", "1.61", "1.61", ""),
    ("2101103", "公务员医疗补助", "5.48", "5.48", ""),
    ("2101199", "其他行政事业单位医疗支出", "0.69", "0.69", ""),
    ("221", "住房保障支出", "9.35", "9.35", ""),
    ("22102", "住房改革支出", "9.35", "9.35", ""),
    ("2210201", "住房公积金", "9.35", "9.35", ""),
]
FUND = [("229", "其他支出", "3.00", "", "3.00"), ("22960", "彩票公益金安排的支出", "3.00", "", "3.00"),
        ("2296002", "用于社会福利的彩票公益金支出", "3.00", "", "3.00")]

TEXT_BEFORE = [
    "某区文化馆2024年度部门决算",
    "第一部分 部门概况",
    "本部门为区委宣传部所属公益一类事业单位，编制28名。",
    "第二部分 2024年度部门决算情况说明",
    "一、收入支出决算总体情况说明",
    "2024年度收、支总计均为273.52万元。与2023年度相比，收、支总计各增加27.26万元，增长11.07%。主要变动原因是人员增加。",
    "二、收入决算情况说明",
    "2024年度本年收入合计273.52万元，其中：一般公共预算财政拨款收入270.52万元，占98.90%；政府性基金预算财政拨款收入3.00万元，占1.10%；"
    "上级补助收入0万元，占0%；事业收入0万元，占0%；其他收入0万元，占0%。",
    "三、支出决算情况说明",
    "2024年度本年支出合计273.52万元，其中：基本支出243.26万元，占88.94%；项目支出30.26万元，占11.06%。",
    "四、一般公共预算财政拨款支出决算情况说明",
    "2024年度一般公共预算财政拨款支出270.52万元，主要用于以下方面：一般公共服务支出231.12万元，占85.44%；"
    "社会保障和就业支出17.83万元，占6.59%；卫生健康支出12.22万元，占4.52%；住房保障支出9.35万元，占3.45%。",
    "五、一般公共预算财政拨款基本支出决算情况说明",
    "2024年度一般公共预算财政拨款基本支出243.26万元，其中：人员经费129.77万元，公用经费113.49万元。",
    "2024年度一般公共预算财政拨款项目支出27.26万元，主要用于职工帮扶和文化活动。",
    "六、“三公”经费财政拨款支出决算情况说明",
    "2024年“三公”经费财政拨款支出决算为4.20万元，完成预算84.00%。其中：因公出国（境）费0万元，"
    "公务用车购置及运行维护费2.80万元，公务接待费1.40万元。",
    "七、国有资本经营预算财政拨款支出决算情况说明",
    "本部门2024年度无国有资本经营预算财政拨款支出。",
    "第三部分 部门决算公开表",
]


def _table(d, caption: list[str], header: list[list[str]], merges: list[tuple[int, int, int, int]], rows: list[list[str]],
           note: str | None = None) -> None:
    for c in caption:
        d.add_paragraph(c)
    width = max(len(r) for r in header + rows)
    t = d.add_table(rows=len(header) + len(rows), cols=width)
    t.style = "Table Grid"
    for i, r in enumerate(header + rows):
        for j, v in enumerate(r):
            if v:
                t.cell(i, j).text = v
    for r0, c0, r1, c1 in merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    if note:
        d.add_paragraph(note)


def _total_table_rows(tot_in: str = "273.52", tot_out: str = "273.52", income_total: str = "273.52") -> list[list[str]]:
    inc = [("一、一般公共预算财政拨款收入", "270.52"), ("二、政府性基金预算财政拨款收入", "3.00"),
           ("三、国有资本经营预算财政拨款收入", ""), ("四、上级补助收入", ""), ("五、事业收入", ""),
           ("六、经营收入", ""), ("七、附属单位上缴收入", ""), ("八、其他收入", "")]
    out = [("一、一般公共服务支出", "231.12"), ("二、社会保障和就业支出", "17.83"), ("三、卫生健康支出", "12.22"),
           ("四、住房保障支出", "9.35"), ("五、其他支出", "3.00"), ("", ""), ("", ""), ("", "")]
    rows = []
    for k, ((a, x), (b, y)) in enumerate(zip(inc, out, strict=True), 1):
        rows.append([a, str(k), x, b, str(30 + k) if b else "", y])
    rows += [["本年收入合计", "9", income_total, "本年支出合计", "39", "273.52"],
             ["使用非财政拨款结余", "10", "", "结余分配", "40", ""],
             ["年初结转和结余", "11", "", "年末结转和结余", "41", ""],
             ["总计", "12", tot_in, "总计", "42", tot_out]]
    return rows


def build(path: Path, plant: dict[str, str] | None = None, text_after: list[str] | None = None,
          text: dict[str, str] | None = None) -> Path:
    """Write the document; ``plant`` maps a table figure's key to a wrong value (see the keys below),
    ``text`` replaces words in the text (the first occurrence)."""
    import docx

    p = plant or {}
    d = docx.Document()
    body = "\n".join(TEXT_BEFORE)
    for old, new in (text or {}).items():
        assert old in body, old
        body = body.replace(old, new, 1)
    for line in body.split("\n"):
        d.add_paragraph(line)

    # 1. 收入支出决算总表: 收入 | 支出 side by side, 行次
    _table(d, ["收入支出决算总表", "公开01表", "编制单位：某区文化馆　　　　　　　　　　　　金额单位：万元"],
           [["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"], ["栏次", "", "1", "栏次", "", "2"]],
           [(0, 0, 0, 2), (0, 3, 0, 5)],
           _total_table_rows(tot_out=p.get("总表.支出总计", "273.52"), income_total=p.get("总表.本年收入合计", "273.52")))

    # 2. 收入决算表: 类/款/项 columns, three merged header rows
    cols = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    header = [["项目", "", "", ""] + cols, ["功能分类科目编码", "", "", "科目名称"] + cols, ["类", "款", "项", ""] + cols]
    merges = [(0, 0, 0, 3), (1, 0, 1, 2), (1, 3, 2, 3)] + [(0, 4 + k, 2, 4 + k) for k in range(len(cols))]
    for r in header:  # merged cells: text in the anchor only
        for k in range(len(cols)):
            r[4 + k] = cols[k] if r is header[0] else ""
    header[1][3] = "科目名称"
    header[2][3] = ""
    rows = [["栏次", "", "", ""] + [str(k) for k in range(1, 8)], ["合计", "", "", ""] + ["273.52", "273.52"] + [""] * 5]
    for code, name, total, _b, _p in FUNCTIONS + FUND:
        split = [code[:3], code[3:5], code[5:7]]
        rows.append(split + [name, total, total] + [""] * 5)
    _table(d, ["收入决算表", "公开02表", "单位：万元"], header, merges, rows)

    # 3. 支出决算表: 科目编码 in one column
    cols = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    header = [["项目", ""] + cols, ["科目编码", "科目名称"] + [""] * len(cols)]
    merges = [(0, 0, 0, 1)] + [(0, 2 + k, 1, 2 + k) for k in range(len(cols))]
    rows = [["栏次", ""] + [str(k) for k in range(1, 7)],
            ["合计", "", p.get("支出表.合计", "273.52"), "243.26", "30.26", "", "", ""]]
    for code, name, total, basic, proj in FUNCTIONS + FUND:
        total = p.get(f"支出表.{code}", total)
        rows.append([code, name, total, basic, proj, "", "", ""])
    _table(d, ["支出决算表", "公开03表", "单位：万元"], header, merges, rows)

    # 4. 一般公共预算财政拨款支出决算表 — in 元
    header = [["项目", "", "本年支出", "", ""], ["科目编码", "科目名称", "小计", "基本支出", "项目支出"]]
    merges = [(0, 0, 0, 1), (0, 2, 0, 4)]

    def yuan(x: str) -> str:
        return f"{int(round(float(x) * 10000)):,}.00" if x else ""

    rows = [["合计", "", yuan("270.52"), yuan("243.26"), yuan("27.26")]]
    for code, name, total, basic, proj in FUNCTIONS:
        rows.append([code, name, yuan(total), yuan(basic), yuan(proj)])
    _table(d, ["一般公共预算财政拨款支出决算表", "公开05表", "单位：元"], header, merges, rows)

    # 5. 基本支出决算表: 人员经费 | 公用经费 side by side
    header = [["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"]]
    merges = [(0, 0, 0, 2), (0, 3, 0, 5)]
    left = [("301", "工资福利支出", "120.00"), ("30101", "基本工资", "60.00"), ("30102", "津贴补贴", "40.00"),
            ("30103", "奖金", "20.00"), ("303", "对个人和家庭的补助", "9.77"), ("30302", "退休费", "9.77")]
    right = [("302", "商品和服务支出", p.get("基本.302", "113.49")), ("30201", "办公费", "50.00"), ("30211", "差旅费", "20.00"),
             ("30228", "工会经费", "43.49"), ("", "", ""), ("", "", "")]
    rows = [[*a, *b] for a, b in zip(left, right, strict=True)]
    rows.append(["人员经费合计", "", "129.77", "公用经费合计", "", "113.49"])
    merges += [(2 + len(left), 0, 2 + len(left), 1), (2 + len(left), 3, 2 + len(left), 4)]
    _table(d, ["一般公共预算财政拨款基本支出决算表", "公开06表", "单位：万元"], header, merges, rows)

    # 6. "三公"经费: 预算数 | 决算数, three header rows
    parts = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
    sub = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
    header = [["预算数"] + [""] * 5 + ["决算数"] + [""] * 5, parts + parts, sub + sub]
    merges = [(0, 0, 0, 5), (0, 6, 0, 11)]
    for off in (0, 6):
        merges += [(1, off, 2, off), (1, off + 1, 2, off + 1), (1, off + 2, 1, off + 4), (1, off + 5, 2, off + 5)]
    rows = [["5.00", "0", "3.00", "0", "3.00", "2.00", p.get("三公.决算合计", "4.20"), "0", "2.80", "0", "2.80", "1.40"]]
    _table(d, ["“三公”经费财政拨款支出决算表", "公开07表", "单位：万元"], header, merges, rows)

    # 7. an empty table with its note
    header = [["项目", "", "本年支出", "", ""], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    _table(d, ["国有资本经营预算财政拨款支出决算表", "公开09表", "单位：万元"], header, [(0, 0, 0, 1), (0, 2, 0, 4)],
           [["合计", "", "", "", ""]], note="注：本单位2024年度没有国有资本经营预算财政拨款支出，故本表为空表。")
    for line in text_after or []:
        d.add_paragraph(line)
    d.save(str(path))
    return path


EXAMPLE_PLANTS = {"总表.支出总计": "237.52", "支出表.2080505": "12.85", "三公.决算合计": "4.40"}
EXAMPLE_TEXT = {"项目支出27.26万元": "项目支出27.62万元"}

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1] / "examples" / "narratives"
    build(root / "culture-centre-2024-tables.docx", EXAMPLE_PLANTS, text=EXAMPLE_TEXT)


# --- the same department as a PDF: ruled tables drawn with reportlab, one broken across two pages -----------
PDF_TEXT = [
    "某区文化馆2024年度部门决算",
    "一、支出决算情况说明",
    "2024年度本年支出合计273.52万元，其中：基本支出243.26万元，项目支出30.26万元。",
    "二、一般公共预算财政拨款支出决算情况说明",
    "2024年度一般公共预算财政拨款支出270.52万元。",
    "其中：一般公共服务支出231.12万元，社会保障和就业支出17.83万元。",
    "卫生健康支出12.22万元，住房保障支出9.35万元。",
    "三、国有资本经营预算财政拨款支出决算情况说明",
    "本部门2024年度无国有资本经营预算财政拨款支出。",
]


class _Pdf:
    """A reportlab canvas that writes lines of text and ruled tables, breaking pages as a printer does."""

    def __init__(self, path: Path):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.w, self.h = A4
        self.y = self.h - 50
        self.c.setFont("STSong-Light", 10)

    def page(self) -> None:
        self.c.showPage()
        self.c.setFont("STSong-Light", 10)
        self.y = self.h - 50

    def text(self, line: str, size: float = 10) -> None:
        self.c.setFont("STSong-Light", size)
        self.c.drawString(30, self.y, line)
        self.y -= size + 8

    def rows(self, widths: list[float], rows: list[list[tuple[str, int]]], h: float = 14, size: float = 6.5) -> None:
        """Ruled rows; each cell is (text, columns it spans)."""
        x = [30.0]
        for w in widths:
            x.append(x[-1] + w)
        c = self.c
        c.setFont("STSong-Light", size)
        top = self.y
        for r in rows:
            y0, y1 = self.y, self.y - h
            col = 0
            for text, span in r:
                c.line(x[col], y0, x[col], y1)
                if text:
                    c.drawString(x[col] + 2, y1 + 4, text)
                col += span
            c.line(x[-1], y0, x[-1], y1)
            c.line(x[0], y0, x[-1], y0)
            self.y = y1
        c.line(x[0], self.y, x[-1], self.y)
        self.y -= 16
        return top

    def save(self) -> None:
        self.c.save()


def build_pdf(path: Path, plant: dict[str, str] | None = None, repeat_header: bool = True,
              text: dict[str, str] | None = None) -> Path:
    """支出决算表 broken across pages 2–3 (its header repeated or not), the 05 表 in 元, an empty table with its note."""
    p = plant or {}
    pdf = _Pdf(path)
    body = "\n".join(PDF_TEXT)
    for old, new in (text or {}).items():
        assert old in body, old
        body = body.replace(old, new, 1)
    for line in body.split("\n"):
        pdf.text(line)
    pdf.page()
    cols = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    widths = [45, 140] + [62] * 6
    header = [[("项目", 2)] + [("", 1)] * 6, [("科目编码", 1), ("科目名称", 1)] + [(c, 1) for c in cols]]
    header[0] = [("项目", 2)] + [(c, 1) for c in cols]
    header[1] = [("科目编码", 1), ("科目名称", 1)] + [("", 1)] * 6
    data = [[("栏次", 1), ("", 1)] + [(str(k), 1) for k in range(1, 7)],
            [("合计", 1), ("", 1), (p.get("支出表.合计", "273.52"), 1), ("243.26", 1), ("30.26", 1), ("", 1), ("", 1), ("", 1)]]
    for code, name, total, basic, proj in FUNCTIONS + FUND:
        data.append([(code, 1), (name, 1), (p.get(f"支出表.{code}", total), 1), (basic, 1), (proj, 1), ("", 1), ("", 1), ("", 1)])
    pdf.text("支出决算表", 12)
    pdf.text("公开03表")
    pdf.text("单位：万元")
    cut = 12  # rows on the first page
    pdf.rows(widths, header + data[:cut])
    pdf.text("- 2 -", 8)
    pdf.page()
    pdf.rows(widths, (header if repeat_header else []) + data[cut:])

    def yuan(x: str) -> str:
        return f"{int(round(float(x) * 10000)):,}.00" if x else ""

    pdf.text("一般公共预算财政拨款支出决算表", 12)
    pdf.text("公开05表　　　　单位：元")
    widths = [45, 140, 80, 80, 80]
    head = [[("项目", 2), ("本年支出", 3)], [("科目编码", 1), ("科目名称", 1), ("小计", 1), ("基本支出", 1), ("项目支出", 1)]]
    rows = [[("合计", 1), ("", 1), (p.get("05.合计", yuan("270.52")), 1), (yuan("243.26"), 1), (yuan("27.26"), 1)]]
    for code, name, total, basic, proj in FUNCTIONS:
        rows.append([(code, 1), (name, 1), (yuan(total), 1), (yuan(basic), 1), (yuan(proj), 1)])
    pdf.rows(widths, head + rows)
    pdf.page()
    pdf.text("国有资本经营预算财政拨款支出决算表", 12)
    pdf.text("公开09表　　　　单位：万元")
    pdf.rows([45, 140, 80, 80, 80], [[("项目", 2), ("本年支出", 3)],
                                     [("科目编码", 1), ("科目名称", 1), ("合计", 1), ("基本支出", 1), ("项目支出", 1)],
                                     [("合计", 1), ("", 1), ("", 1), ("", 1), ("", 1)]])
    pdf.text("注：本单位2024年度没有国有资本经营预算财政拨款支出，故本表为空表。")
    pdf.save()
    return path
