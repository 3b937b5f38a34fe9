"""One rule for printed shares (cross-issue decision): perfeval audit and the department review (PE906) agree.

The rule lives in perfeval.numbers (ratio_ok, rounding_tail): a printed share is right when it is the half-up
value of the printed amounts, or a value the amounts as printed could give (± half a unit of their last digit),
or — in a list printed to add to exactly 100% — one last-digit unit off (尾差).
"""

from __future__ import annotations

from decimal import Decimal as D

import yaml

from conftest import ROOT
from perfeval.declare.load import load_text
from perfeval.department import evaluate_loaded
from perfeval.numbers import decimals_of, half_unit, ratio_ok, rounding_tail

SEED = ROOT / "examples" / "department" / "seed-xiqu-union-2024.yaml"
SEED_TEXT = ROOT.parent.parent / "shared" / "seed" / "000_2979b81a862d526d.txt"
# the seed's 决算说明五（二）, as printed
LIST_LINE = ("2024年度一般公共预算财政拨款支出270.52万元，主要用于以下方面:一般公共服务支出231.12万元，占85.44%；教育支出0万元，占0%；"
             "科学技术支出0万元，占0%；文化旅游体育与传媒支出0万元，占0%；社会保障和就业支出17.83万元，占6.59%；"
             "卫生健康支出12.22万元，占4.52%；住房保障支出9.35万元，占3.45%。")


def test_rounding_tail():
    assert rounding_tail([(D("85.44"), 2), (D("0"), 0), (D("6.59"), 2), (D("4.52"), 2), (D("3.45"), 2)]) == D("0.01")
    assert rounding_tail([(D("85.44"), 2), (D("3.45"), 2)]) == 0  # does not add to 100
    assert rounding_tail([(D("100.0"), 1)]) == 0  # one share is no list
    assert rounding_tail([(D("33.3"), 1), (D("33.3"), 1), (D("33.4"), 1)]) == D("0.1")
    assert rounding_tail([(D("50"), 0), (D("50"), 0)]) == 0  # whole percentages: nothing to balance


def test_ratio_ok_bands():
    a, b = D("9.35"), D("270.52")
    ok, expected = ratio_ok(D("3.45"), 2, a, half_unit(decimals_of(a)), b, half_unit(decimals_of(b)))
    assert ok and expected == D("3.46")  # 9.345 / 270.525 = 3.4544 %: the printed amounts allow 3.45
    assert not ratio_ok(D("3.44"), 2, a, half_unit(2), b, half_unit(2))[0]
    # amounts printed to 4 decimals leave no room; only the list's 尾差 does
    a, b = D("33.3334"), D("100.0000")
    assert not ratio_ok(D("33.34"), 2, a, half_unit(4), b, half_unit(4))[0]
    assert ratio_ok(D("33.34"), 2, a, half_unit(4), b, half_unit(4), D("0.01"))[0]
    assert decimals_of(D("3")) == 0 and half_unit(0) == D("0.005") and half_unit(4) == D("0.00005")


def _department(tmp_path, shares):
    data = yaml.safe_load(SEED.read_text("utf-8"))
    data["final_accounts"]["shares"] = shares
    data.pop("projects", None)
    p = tmp_path / "dept.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    ld = load_text(p.read_text("utf-8"), str(p))
    return [i for i in evaluate_loaded(ld).issues if i.code == "PE906"]


def _row(item, value, printed, where="五（二）", base=100.0001):  # amounts to 4 decimals: no room but the tail
    return {"item": item, "value": value, "base": base, "printed": printed, "where": where}


def test_department_review_uses_the_list_tail(tmp_path):
    exact = [_row("甲", 33.3334, "33.33%"), _row("乙", 33.3333, "33.33%"), _row("丙", 33.3333, "33.34%")]
    assert _department(tmp_path, exact) == []  # 33.34 balances the list to 100.00%
    over = [_row("甲", 33.3334, "33.34%"), _row("乙", 33.3333, "33.33%"), _row("丙", 33.3333, "33.34%")]  # 100.01%
    assert [i.message.split("占比")[0] for i in _department(tmp_path, over)] == ["五（二）：甲", "五（二）：丙"]
    # the same shares printed in two places are two lists: the tail of one does not cover the other
    split = [_row("甲", 33.3334, "33.33%"), _row("乙", 33.3333, "33.33%", where="别处"), _row("丙", 33.3333, "33.34%")]
    assert [i.message.split("占比")[0] for i in _department(tmp_path, split)] == ["五（二）：丙"]


def test_audit_and_department_agree_on_the_seed(tmp_path):
    from click.testing import CliRunner

    from perfeval.cli import main

    text = tmp_path / "决算说明.txt"
    text.write_text(LIST_LINE + "\n", "utf-8")
    res = CliRunner().invoke(main, ["audit", str(text), "--format", "json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert not [f for f in __import__("json").loads(res.output)["findings"] if "3.45" in f["message"]]
    data = yaml.safe_load(SEED.read_text("utf-8"))
    rows = [r for r in data["final_accounts"]["shares"] if r.get("where") == "决算说明五（二）"]
    assert len(rows) == 7 and sum(D(r["printed"].rstrip("%")) for r in rows) == 100  # the whole list is transcribed
    assert _department(tmp_path, rows) == []
    # take the list apart (only two of its rows): the interval of the printed amounts still allows 3.45, in both
    two = [r for r in rows if r["item"] in ("一般公共服务支出", "住房保障支出")]
    assert _department(tmp_path, two) == []
