"""Write examples/forms/: office 自评表 files made from the YAML examples (their twins).

    PYTHONPATH=src python tools/make_example_forms.py

The .xls file is converted from the .xlsx by LibreOffice when ``soffice`` is installed (it is
committed, so a clean checkout does not need LibreOffice).  tests/test_office.py checks that each
form scores exactly like its twin; TWINS below is the list it uses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from formmaker import Layout, build, write_docx, write_pdf, write_xlsx

OUT = ROOT / "examples" / "forms"

#: form file -> YAML twin(s) (several for a file holding several forms, in order)
TWINS = {
    "national-clinic-equipment.xlsx": ["examples/national-clinic-equipment.yaml"],
    "national-clinic-equipment.xls": ["examples/national-clinic-equipment.yaml"],
    "sichuan-school-meals.xlsx": ["examples/forms/sichuan-school-meals.yaml"],
    "two-projects-report.docx": ["examples/seed-corrected.yaml", "examples/hubei-rural-water.yaml"],
    "seed-as-published.pdf": ["examples/seed-as-published.yaml"],
}


def load(p: str) -> dict:
    return yaml.safe_load((ROOT / p).read_text("utf-8"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # national layout as departments fill it: a blank row and column before the form, merged 一级/二级
    # cells, numbers typed as text, 执行率 as text, the empty 其中 rows left in, a footer
    nat = load("examples/national-clinic-equipment.yaml")
    sheet = build(nat, Layout(numbers_as_text=True, rate_as_text=True, total_formula=False), top=1, left=1)
    write_xlsx(str(OUT / "national-clinic-equipment.xlsx"), {"自评表": [sheet]})
    # Sichuan layout (指标性质 / 指标值 / 度量单位 columns); the form names its rules in a 评分规则 line
    sc = load("examples/forms/sichuan-school-meals.yaml")
    write_xlsx(str(OUT / "sichuan-school-meals.xlsx"), {"Sheet1": [build(sc, Layout(style="sichuan", levels="repeated"))]})
    # a Word report with two forms between its paragraphs
    a, b = load("examples/seed-corrected.yaml"), load("examples/hubei-rural-water.yaml")
    write_docx(str(OUT / "two-projects-report.docx"), [build(a, Layout(levels="blank")), build(b, Layout(score_first=True))])
    # the seed's own layout: no 分值/得分 columns, 年度设定指标值, published as PDF
    seed = load("examples/seed-as-published.yaml")
    write_pdf(str(OUT / "seed-as-published.pdf"),
              build(seed, Layout(no_weight=True, no_score=True, header={"target": "年度设定指标值"}, footer=False)))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", tmp,
                            str(OUT / "national-clinic-equipment.xlsx")], check=True, capture_output=True, timeout=180)
            shutil.copy(Path(tmp) / "national-clinic-equipment.xls", OUT / "national-clinic-equipment.xls")
    else:
        print("soffice 未安装：保留已提交的 .xls", file=sys.stderr)
    for f in TWINS:
        print(OUT / f)


if __name__ == "__main__":
    main()
