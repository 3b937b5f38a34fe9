"""Office forms as real departments lay them out (issue 11 follow-up): what the first reader did not cope with.

Every fixture is a real file (xlsx by xlsxwriter, docx by python-docx, pdf by reportlab; tests/formmaker.py)
built in the test, mostly from the transcribed published forms in tests/fixtures/realforms.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from perfeval.pipeline import evaluate, results

sys.path.insert(0, str(Path(__file__).parent))

from formmaker import Sheet, write_docx, write_pdf, write_xlsx
from test_office import summary, twin
from test_realforms import FORMS, to_submission


def _write(kind: str, path: Path, sh: Sheet) -> None:
    if kind == "xlsx":
        write_xlsx(str(path), {"Sheet1": [sh]})
    elif kind == "docx":
        write_docx(str(path), [sh])
    else:
        write_pdf(str(path), sh)


def _hebei(form: dict) -> tuple[Sheet, dict]:
    """The Hebei layout of P04: 项目资金 header over two rows (预算数 → 年初预算数 / 全年预算数) and 自评得分 over
    单项指标得分 / 权重占比（%） / 单项指标折算得分; returns the sheet and the submission it should read as."""
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    f = form["funds"]
    s = Sheet(width=10)
    s.add([f"{form['region']}{form['year']}年度预算项目绩效自评表"] * 10)
    s.merge(0, 0, 0, 9)
    s.add(["单位：万元"])
    r = s.add(["项目名称", form["project"]] + [form["project"]] * 8)
    s.merge(r, 1, r, 9)
    r = s.add(["主管部门", form["department"], form["department"], form["department"], form["department"],
               "实施单位", form["implementer"], form["implementer"], form["implementer"], form["implementer"]])
    s.merge(r, 1, r, 4)
    s.merge(r, 6, r, 9)
    h = s.add(["项目资金（万元）", "预算数", "预算数", "全年执行数", "分值", "执行率", "得分"])
    s.add(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.merge(h, 0, h + 1, 0)
    s.merge(h, 1, h, 2)
    for c in (3, 4, 5, 6):
        s.merge(h, c, h + 1, c)
    s.add(["年度资金总额", f["annual_budget"], f["annual_budget"], f["executed"], 10, "100.00%", ""])
    for k, b in enumerate(f["breakdown"]):
        s.add([("其中：" if k == 0 else "") + b["name"], b["budget"], b["budget"], b["executed"]])
    h = s.add(["一级指标", "二级指标", "三级指标", "指标分值", "预期指标值（符号/单位）", "单项指标实际完成值",
               "单项指标完成情况", "自评得分", "自评得分", "自评得分"])
    s.add(["一级指标", "二级指标", "三级指标", "指标分值", "预期指标值（符号/单位）", "单项指标实际完成值",
           "单项指标完成情况", "单项指标得分", "权重占比（%）", "单项指标折算得分"])
    for c in range(7):
        s.merge(h, c, h + 1, c)
    s.merge(h, 7, h, 9)
    for i in form["indicators"]:
        if i.get("cut_off"):
            continue
        s.add([i["level1"], i["level2"], i["level3"], i["weight"], i["target"], i["actual"], i["completion"],
               i["score"], i["weight_share_pct"], i["weighted_score"]])
    return s, sub


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_multi_row_headers_are_read_as_paths(tmp_path, kind):
    """Hebei P04: 预算数 → 年初预算数 / 全年预算数, 自评得分 → 单项指标得分 (the claim) / 权重占比 / 折算得分 (known, not read)."""
    sh, sub = _hebei(json.loads((FORMS / "P04.json").read_text("utf-8")))
    out = tmp_path / f"hebei.{kind}"
    _write(kind, out, sh)
    ev = evaluate([str(out)])
    got = results(ev)
    assert len(got) == 1
    assert summary(got[0], pdf=kind == "pdf") == summary(twin(tmp_path, sub), pdf=kind == "pdf")
    assert [i["claimed_score"] for i in got[0]["indicators"]] == [25, 25, 30, 10]
    assert got[0]["execution"]["budget"] == 6.84
    assert not [i for i in ev.issues if i.code == "PE164"], [i.format() for i in ev.issues if i.code == "PE164"]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_merged_group_header_over_target_and_actual(tmp_path, kind):
    """A merged 绩效指标 over 年度指标值 | 实际完成值 and 分值 / 得分 merged down two rows (three header rows here)."""
    form = json.loads((FORMS / "S01.json").read_text("utf-8"))
    sub = to_submission(form)
    sub["indicators"] = [{k: v for k, v in i.items() if v is not None} for i in sub["indicators"]]
    s = Sheet(width=7)
    s.add([f"{form['year']}年度项目支出绩效自评表"] * 7)
    s.merge(0, 0, 0, 6)
    s.add(["项目名称", form["project"]] + [form["project"]] * 5)
    s.merge(1, 1, 1, 6)
    s.add(["主管部门", sub["project"]["department"], "", "实施单位", sub["project"].get("implementer") or ""])
    h = s.add(["项目资金（万元）", "全年预算数", "全年执行数", "执行率"])
    for src in sub["funds"]["sources"]:
        s.add(["年度资金总额" if len(sub["funds"]["sources"]) == 1 else src["name"], src["budget"], src["executed"]])
    h = s.add(["一级指标", "二级指标", "三级指标", "绩效指标", "绩效指标", "偏差原因分析", "偏差原因分析"])
    s.add(["一级指标", "二级指标", "三级指标", "指标值", "指标值", "偏差原因分析", "偏差原因分析"])
    s.add(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析", "偏差原因分析"])
    for c in (0, 1, 2):
        s.merge(h, c, h + 2, c)
    s.merge(h, 3, h, 4)
    s.merge(h + 1, 3, h + 1, 4)
    s.merge(h, 5, h + 2, 6)
    for i in sub["indicators"]:
        r = s.add([i["level1"], i["level2"], i["name"], i["target"], i.get("actual", ""), i.get("note", ""), i.get("note", "")])
        s.merge(r, 5, r, 6)
    out = tmp_path / f"s01.{kind}"
    _write(kind, out, s)
    ev = evaluate([str(out)])
    got = results(ev)
    assert [(i["name"], i["target"], i["actual"]) for i in got[0]["indicators"]] == \
        [(i["name"], i["target"], i.get("actual")) for i in sub["indicators"]]
    assert summary(got[0]) == summary(twin(tmp_path, sub))
