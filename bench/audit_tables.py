"""``perfeval audit`` on 决算 documents with their tables (issue 12): what reading the tables costs.

    python bench/audit_tables.py [--repeat 3]

(a) a 20-page text-layer PDF: 10 pages of report text (the seed's lines) and 10 pages of ruled
    决算 tables (the 支出决算表 broken across pages, the 05 表 in 元, an empty table), audited in
    process — reading (pdfplumber text + tables) and all checks;
(b) the same 20 pages with the tables drawn as plain text lines (no rules): the text-only cost,
    so (a) − (b) is what the tables add;
(c) the example .docx with seven tables (examples/narratives/culture-centre-2024-tables.docx).
Each figure is the minimum of ``--repeat`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "_data" / "audit_tables"
SEED = ROOT / "examples" / "narratives" / "seed-xiqu-union-2024.txt"
EXAMPLE = ROOT / "examples" / "narratives" / "culture-centre-2024-tables.docx"


def build(path: Path, ruled: bool) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from audit_tables_docs import FUNCTIONS, FUND, _Pdf

    pdf = _Pdf(path)
    lines = [ln.strip() for ln in SEED.read_text("utf-8").splitlines() if ln.strip()]
    k = 0
    for _ in range(10):  # 10 pages of text, 40 lines each, cut to the page width
        for _ in range(40):
            pdf.text(lines[k % len(lines)][:52])
            k += 1
        pdf.page()
    cols = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    widths = [45, 140] + [62] * 6
    header = [[("项目", 2)] + [(c, 1) for c in cols], [("科目编码", 1), ("科目名称", 1)] + [("", 1)] * 6]
    rows = [[("合计", 1), ("", 1), ("273.52", 1), ("243.26", 1), ("30.26", 1), ("", 1), ("", 1), ("", 1)]]
    for code, name, total, basic, proj in FUNCTIONS + FUND:
        rows.append([(code, 1), (name, 1), (total, 1), (basic, 1), (proj, 1), ("", 1), ("", 1), ("", 1)])
    for page in range(10):  # 10 pages of tables: each page a titled table continued from / to the next
        if page % 2 == 0:
            pdf.text("支出决算表", 12)
            pdf.text("单位：万元")
        part = rows[:11] if page % 2 == 0 else rows[11:]
        if ruled:
            pdf.rows(widths, header + part)
        else:
            for r in header + part:
                pdf.text("  ".join(t for t, _ in r), 7)
        pdf.page()
    pdf.save()
    return path


def _off(page, pno, texts, first):
    return [False] * len(texts), [], {}, {}


def measure(paths: dict[str, Path], repeat: int) -> dict[str, tuple[float, int]]:
    """Interleaved runs (the machine is shared): label → (best seconds, findings).

    A label ending in "*" is run with table extraction switched off (audit.readers.pdf_page)."""
    from perfeval.audit import audit_file
    from perfeval.audit import readers as R

    on = R.pdf_page
    out: dict[str, tuple[float, int]] = {}
    for _ in range(repeat):
        for label, p in paths.items():
            R.pdf_page = _off if label.endswith("*") else on
            try:
                t = time.perf_counter()
                a = audit_file(str(p))
                dt = time.perf_counter() - t
            finally:
                R.pdf_page = on
            prev = out.get(label)
            out[label] = (min(dt, prev[0]) if prev else dt, len(a.findings))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    DATA.mkdir(parents=True, exist_ok=True)
    ruled = build(DATA / "report-20p-tables.pdf", True)
    plain = build(DATA / "report-20p-plain.pdf", False)
    from perfeval.audit import audit_file

    audit_file(str(ruled))  # warm-up: imports, fonts
    paths = {"20-page PDF, 10 pages of ruled tables": ruled,
             "the same, table extraction off *": ruled,
             "20-page PDF, tables as plain text": plain,
             "example .docx, 7 tables": EXAMPLE}
    for label, (t, n_findings) in measure(paths, args.repeat).items():
        print(f"{label:40s} {t * 1000:8.1f} ms  findings={n_findings}")


if __name__ == "__main__":
    main()
