"""perfeval audit on the forms real report texts take (each sentence adapted: own names and numbers).

Every pattern has a must-flag and a must-not-flag case.  The patterns come from published 部门决算/
单位决算/三公经费/财政收支 texts (see docs/audit.md, 核对什么): PDF text wrapped mid-sentence, paired
values, Traditional characters, 元/亿元, space-grouped digits, rate-first wording, last year's figure
given, breakdowns of an earlier quantity, 个百分点, approximate values, per-item breakdowns.
"""

from __future__ import annotations

import pytest

from perfeval.audit import audit_text


def _f(text: str) -> list[tuple]:
    return [(f.kind, f.code, f.line, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in audit_text(text, "t.txt")]


# --- PDF text wrapped mid-sentence -------------------------------------------------------
WRAPPED_BAD = """一、收入支出预算总体情况说明
（一）按支出结构分类划分，分为基本支出预算和项目支出预
算。
1. 基本支出预算 640000.00 元，占一般公共预算支出的
80.00%，同比减少 20000.00 元，下降 3.03 %。其中：
工资福利支出预算 512000.00 元，占基本支出预算
82.00%，同比减少 8000.00 元，下降 1.54%。
商品和服务支出预算 128000.00 元，占基本支出预算
20.00%，同比减少 12000.00 元，下降 8.57%。
2. 项目支出 160000.00 元，占一般公共预算支出的 20.00%，
同比增加 10000.00 元，增长 6.67%。
"""


def test_wrapped_share_reported_on_the_line_of_the_number():
    # 512000 ÷ 640000 = 80.00% (printed 82.00% on line 7, its amount on line 6)
    assert _f(WRAPPED_BAD) == [("share", "PE800", 7, 82, 80)]


def test_wrapped_correct_text_is_clean():
    assert _f(WRAPPED_BAD.replace("82.00%", "80.00%")) == []


def test_wrapped_change_after_a_share():
    bad = WRAPPED_BAD.replace("82.00%", "80.00%").replace("下降 8.57%", "下降 9.57%")
    assert _f(bad) == [("change", "PE802", 9, 9.57, 8.57)]


def test_short_lines_are_not_joined():
    # headings and figure captions stay their own lines: the sum below still finds its whole
    text = "收入决算情况说明\n（图2：收入决算结构图）\n本年收入合计50万元，其中：财政拨款收入40万元，占80%；其他收入10万元，占25%。\n"
    assert _f(text) == [("share", "PE800", 3, 25, 20)]


# --- paired values -------------------------------------------------------------------------
PAIRED = "2024年度收、支总计各是612.40、630.15万元。与2023年相比，收、支总计各增加52.40、80.15万元，各增长9.36%、14.57%。"


def test_paired_values_correct():
    # 52.40 ÷ 560.00 = 9.357…% → 9.36; 80.15 ÷ 550.00 = 14.5727…% → 14.57
    assert _f(PAIRED) == []


def test_paired_values_wrong_second():
    assert _f(PAIRED.replace("14.57%", "12.57%")) == [("change", "PE802", 1, 12.57, 14.57)]


def test_paired_truncated_value_is_flagged_with_a_note():
    text = "收、支总计分别是300.00、400.00万元。与上年相比，收、支总计各减少20.00、30.00万元，各下降6.25%、6.97%。"
    # 30 ÷ 430 = 6.9767…% → 6.98; 6.97 is the exact value cut off
    found = audit_text(text)
    assert [(f.kind, f.to_dict()["claimed"], f.to_dict()["expected"]) for f in found] == [("change", 6.97, 6.98)]
    assert "截断" in found[0].message and found[0].severity == "error"


def test_all_equal_then_paired_change():
    ok = "2024年度收、支总计均为500.00万元。与2023年度相比，收、支总计各减少25.00万元，下降4.76%。"
    assert _f(ok) == []
    assert _f(ok.replace("4.76%", "5.00%")) == [("change", "PE802", 1, 5, 4.76)]


# --- Traditional characters, 元/亿元, spaced digits ---------------------------------------------
def test_traditional_characters():
    ok = "本年收入合計500萬元，其中：財政撥款收入450萬元，佔90%；其他收入50萬元，佔10%。"
    assert _f(ok) == []
    assert _f(ok.replace("佔90%", "佔92%")) == [("share", "PE800", 1, 92, 90)]


def test_yi_yuan_and_wan_yuan_mixed():
    ok = "全市累计完成一般公共预算收入12.60亿元，同比增加0.60亿元，增长5.00%；上划省级收入完成8.09亿元，减少766万元，下降0.94%。"
    assert _f(ok) == []
    assert _f(ok.replace("下降0.94%", "下降1.94%")) == [("change", "PE802", 1, 1.94, 0.94)]


def test_space_grouped_digits():
    ok = "政府采购预算 1 200 000.00 元，其中：货物类采购 900 000.00 元，占政府采购预算 75.00%。"
    assert _f(ok) == []
    assert _f(ok.replace("75.00%", "70.00%")) == [("share", "PE800", 1, 70, 75)]


def test_yuan_amounts_with_shares_named_after_the_whole():
    ok = ("2. 项目支出 400000 元，占一般公共预算支出的 20.00%，同比增加 50000 元，增长 14.29%。其中：\n"
          "商品和服务支出 300000 元，占项目支出预算 75.00%，\n资本性支出 100000 元，占项目支出预算 25.00%，\n")
    assert _f(ok) == []
    assert _f(ok.replace("75.00%", "73.00%")) == [("share", "PE800", 2, 73, 75)]


# --- changes -------------------------------------------------------------------------------
@pytest.mark.parametrize("text,want", [
    # the rate first: "较上年同期增长Y%，增收X万元"
    ("地方税收收入完成5400万元，较上年同期增长8.00%，增收400万元。", []),
    ("地方税收收入完成5400万元，较上年同期增长9.00%，增收400万元。", [("change", "PE802", 1, 9, 8)]),
    # last year's figure written in the sentence
    ("公务接待费支出45万元，比上年累计支出50万元减少5万元，下降10%。", []),
    ("公务接待费支出45万元，比上年累计支出50万元减少5万元，下降12%。", [("change", "PE808", 1, 12, 10)]),
    ("公务接待费支出1.95万元，较上年2.00减少0.05万元，减少了2.50%。", []),
    # a share between the amount and its change
    ("教育支出类科目 800000 元，占支出总预算 40.00%，同比增加 100000 元，增长 14.29%。", []),
    ("教育支出类科目 800000 元，占支出总预算 40.00%，同比增加 100000 元，增长 12.50%。", [("change", "PE802", 1, 12.5, 14.29)]),
    # only a comma between the amount and its change
    ("地方财政收入完成62.00亿元，增加2.00亿元，增长3.33%。", []),
    ("地方财政收入完成62.00亿元，增加2.00亿元，增长3.23%。", [("change", "PE802", 1, 3.23, 3.33)]),
    # no change, yet a rate
    ("经营收入0.00万元，较2023年度决算数增加0.00万元，增长0%。", []),
    ("经营收入0.00万元，较2023年度决算数增加0.00万元，增长4%。", [("change", "PE807", 1, 4, 0)]),
    # 负增长 is a decrease
    ("“三公”经费3.60亿元，同比减少0.40亿元，负增长10%。", []),
    ("“三公”经费3.60亿元，同比减少0.40亿元，负增长12%。", [("change", "PE802", 1, 12, 10)]),
    # a negative increase is a decrease
    ("其他支出190万元，比上年增加-10万元，增长-5%。", []),
])
def test_change_forms(text, want):
    assert _f(text) == want


@pytest.mark.parametrize("text", [
    # compound annual growth is not a one-year change
    "一般公共预算收入从2019年的2000万元上升到2024年的2500万元，年均增长4.56%。",
    # approximate amounts are never checked
    "项目资金约300万元，比上年增加约50万元，增长30%。",
    "全年培训5-10万人次，其中线上约3万人次。",
    # a change against the budget with no current figure in reach
    "公务接待费支出决算比预算无增减变化，比去年增加0.5万元，增长45%。",
])
def test_change_not_checkable(text):
    assert _f(text) == []


# --- rates ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,want", [
    ("“三公”经费支出预算为5万元，支出决算为4.20万元，完成预算的84%。", []),
    ("“三公”经费支出预算为5万元，支出决算为4.20万元，完成预算的16%。", [("rate", "PE803", 1, 16, 84)]),
    ("“三公”经费支出决算为8.10万元，完成预算12万元的67.5%。", []),
    ("“三公”经费支出决算为8.10万元，完成预算12万元的76.5%。", [("rate", "PE803", 1, 76.5, 67.5)]),
    ("项目支出决算为190万元，决算数小于预算数10万元，完成预算95%。", []),
    ("项目支出决算为190万元，决算数小于预算数10万元，完成预算90%。", [("rate", "PE803", 1, 90, 95)]),
    # several actuals before one budget: which one the rate is of is unclear — skipped
    ("年初预算为20万元，支出决算为9万元，完成预算的45%，其中：公务接待费决算为1万元，完成预算的10%。", []),
])
def test_rate_forms(text, want):
    assert _f(text) == want


# --- a breakdown of a quantity stated before -------------------------------------------------
BREAKDOWN = ("2024年度一般公共预算财政拨款“三公”经费支出预算为4万元，支出决算为2.50万元，较上年减少0.50万元，下降16.67%。\n"
             "（二）“三公”经费支出决算具体情况说明。\n"
             "2024年度一般公共预算财政拨款“三公”经费支出决算中，公务接待费支出决算0.50万元，占20%；公务用车运行维护费支出决算2万元，占80%。\n")


def test_breakdown_correct():
    assert _f(BREAKDOWN) == []


def test_breakdown_shares_swapped():
    bad = BREAKDOWN.replace("占20%", "占80%").replace("占80%。", "占20%。")
    assert _f(bad) == [("share", "PE800", 3, 80, 20), ("share", "PE800", 3, 20, 80)]


def test_breakdown_whole_not_matching_parts_is_not_guessed():
    # the parts add to 3.00, the named whole is 2.50: the link is not sure, nothing is checked
    bad = BREAKDOWN.replace("运行维护费支出决算2万元", "运行维护费支出决算2.50万元")
    assert _f(bad) == []


# --- 个百分点 --------------------------------------------------------------------------------
@pytest.mark.parametrize("text,want", [
    ("一般公共预算支出占比由45.20%提高到47.50%，提高2.30个百分点。", []),
    ("一般公共预算支出占比由45.20%提高到47.50%，提高3.30个百分点。", [("points", "PE809", 1, 3.3, 2.3)]),
    ("预算执行率上年为92.5%，本年为96.0%，提高3.5个百分点。", []),
    # only one of the two percentages is given: skipped
    ("民生支出占比73.1%，比上年提高2个百分点。", []),
])
def test_points(text, want):
    assert _f(text) == want


# --- placeholders ---------------------------------------------------------------------------
def test_placeholders_of_real_templates():
    text = "本年收入合计万元，其中：财政拨款收入万元，占%。\n商品和服务支出 60000 元，占基本支出预算%，同比增加。\n"
    got = [(k, c, line, claimed) for k, c, line, claimed, _ in _f(text)]
    assert got == [("placeholder", "PE805", 1, "万元"), ("placeholder", "PE805", 1, "万元"), ("placeholder", "PE805", 1, "占%"),
                   ("placeholder", "PE805", 2, "占基本支出预算%")]


def test_units_alone_are_not_placeholders():
    assert _f("金额单位：万元，项目资金（万元），以万元为单位。") == []


# --- what must not be flagged ------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    # per-item breakdowns: 基本支出 of one 科目 is not the department's 基本支出
    ("2024年一般公共预算拨款支出 300000 元，其中：基本支出 280000 元，项目支出 20000 元。\n"
     "机构运行 200000 元，其中：基本支出 200000 元，项目支出 0元。\n"
     "住房公积金 80000 元，其中：基本支出 80000 元，项目支出 0元。\n"
     "其他科技支出 20000 元，其中：基本支出 0元，项目支出 20000 元。\n"),
    # a difference is no whole
    "“三公”经费支出2.05万元，年初预算为3万元，差值为0.95万元。其中：公务接待费支出2.05万元，年初预算为2万元，差值为0.05万元。",
    # a named total is not "共 N" after its parts
    "全镇一般公共预算收入4000万元，上年结转60万元，基金调入100万元，收入合计为4160万元；本级一般公共预算支出合计4160万元。",
    # the list under a section whose shares name another whole
    ("项目支出预算 50000 元，占支出总预算的 5.00%，同比无增减变化。\n其中：\n"
     "（一）教育支出类科目 700000 元，占支出总预算 70.00%。\n（二）卫生健康支出类科目 300000 元，占支出总预算 30.00%。\n"),
    # a list of parts that stops at the next numbered item
    ("1. 基本支出预算 600000 元，占一般公共预算支出的 75.00%。其中：\n工资福利支出预算 500000 元，占基本支出预算 83.33%，\n"
     "商品和服务支出预算 100000 元，占基本支出预算 16.67%。\n2. 项目支出 200000 元，占一般公共预算支出的 25.00%。\n"),
])
def test_not_flagged(text):
    assert _f(text) == []


def test_parts_used_for_purposes_add_up():
    ok = "本项目共完成预算资金59.98万元。其中：20万元用于预算编制；20万元用于审计；19.98万元用于测绘。"
    assert _f(ok) == []
    assert _f(ok.replace("19.98万元用于测绘", "20.98万元用于测绘")) == [("sum", "PE801", 1, 59.98, 60.98)]


# --- found on texts held out from the tuning (tools/audit_eval.py on a second folder) -------------
@pytest.mark.parametrize("text,want", [
    # the budget inside "完成年初预算数X万元的Y%" is not the current figure of the change after it
    ("一般公共预算收入累计完成30000万元，完成年初预算数80000万元的37.5%，比上年减收1500万元，下降4.8%。", []),
    ("一般公共预算收入累计完成30000万元，完成年初预算数80000万元的37.5%，比上年减收1500万元，下降5.8%。",
     [("change", "PE802", 1, 5.8, 4.8)]),
    # "2014年为A万元，较2014年增加X万元，增加Y%": the compared year's own figure is the base
    ("支出合计130.00万元，2014年为100.00万元，较2014年增加30.00万元，增加30%。", []),
    ("支出合计130.00万元，2014年为100.00万元，较2014年增加30.00万元，增加23%。", [("change", "PE808", 1, 23, 30)]),
    # "与上年相比" right after the amount
    ("2017年度，本单位财政拨款收入总计1500.00万元，与上年相比减少60.00万元，降低3.85%。", []),
    ("2017年度，本单位财政拨款收入总计1500.00万元，与上年相比减少60.00万元，降低4.85%。",
     [("change", "PE802", 1, 4.85, 3.85)]),
])
def test_held_out_change_forms(text, want):
    assert _f(text) == want


def test_the_current_figure_is_of_the_current_year():
    """A 2022 budget compared with 2021: the 2021 figures above are last year's, not this year's."""
    text = ("2022年度“三公”经费预算总计20.0万元，其中：公务接待12.0万元，公务用车运行费用8.0万元。\n"
            "2021年度“三公”经费合计支出20.5万元，其中：公务接待12.5万元，公务用车运行费用8.0万元。\n"
            "2022年度“三公”经费预算较2021年度减少0.5万元，其中公务接待较上年同期减少0.5万元，减少4.00%。\n")
    assert _f(text) == []
    assert _f(text.replace("减少4.00%", "减少3.85%")) == [("change", "PE802", 3, 3.85, 4)]


def test_same_basis_wording():
    text = "“三公”经费预算为300万元。其中，因公出国（境）费50万元，公务接待费250万元。\n其中：因公出国（境）费同口径比2018年减少10万元，下降16.7%。\n"
    assert _f(text) == []
    assert _f(text.replace("16.7%", "20.0%")) == [("change", "PE802", 2, 20, 16.7)]


@pytest.mark.parametrize("text,want", [
    # the 三公 are exactly three: a list of them is complete
    ("2022年度“三公”经费预算总计22.8万元，其中：因公出国（境）经费0万元，公务接待11.8万元，公务用车运行费用10万元。",
     [("sum", "PE801", 1, 22.8, 21.8)]),
    ("2022年度“三公”经费预算总计21.8万元，其中：因公出国（境）经费0万元，公务接待11.8万元，公务用车运行费用10万元。", []),
    # 购置及运行 = 购置 + 运行
    ("公务用车购置及运行维护费1900.00万元，其中：公务用车购置费420.00万元，公务用车运行维护费1430.00万元。",
     [("sum", "PE801", 1, 1900, 1850)]),
    # 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (a cent of rounding allowed)
    ("2023年度收入总计434.72万元，其中：本年收入合计434.16万元，使用非财政拨款结余0.00万元，年初结转和结余0.55万元。", []),
    ("2023年度收入总计440.72万元，其中：本年收入合计434.16万元，使用非财政拨款结余0.00万元，年初结转和结余0.55万元。",
     [("sum", "PE801", 1, 440.72, 434.71)]),
    # the retired are another population: without them the parts add up
    ("实际正式教职工62人，其中副高级职称4人，中级职称25人，初级职称23人，管理人员3人，技师3人，高级工3人，中级工1人，退休职工28人。", []),
])
def test_complete_lists(text, want):
    assert _f(text) == want


# --- listed amounts with listed shares ---------------------------------------------------------
PAIRED_SHARES = ("2023年全省政府采购规模为500.0亿元。其中，货物、工程、服务政府采购规模分别为120.0亿元、230.0亿元和150.0亿元，"
                 "占全省政府采购规模比例为24.0%、46.0%和30.0%。")


def test_paired_shares_correct():
    assert _f(PAIRED_SHARES) == []


def test_paired_shares_wrong_one():
    # each share is paired with its own amount, never with the last amount before it
    assert _f(PAIRED_SHARES.replace("46.0%", "44.0%")) == [("share", "PE800", 1, 44, 46)]


def test_shares_of_two_other_wholes_are_not_paired():
    assert _f("2019年全省政府采购规模为300.0亿元，较上年减少20.0亿元，下降6.3%，占全省财政支出和GDP的比重分别为9.0%和2.5%。") == []


def test_a_long_whole_is_found_behind_its_qualifiers():
    ok = "财政部2019年度政府采购支出总额2000.00万元，其中授予中小企业合同金额1800.00万元，占政府采购支出总额的90.0%。"
    assert _f(ok) == []
    assert _f(ok.replace("90.0%", "92.0%")) == [("share", "PE800", 1, 92, 90)]


def test_carry_over_with_its_share_is_a_part():
    ok = ("本单位2021年收入预算11654.33万元，其中：一般公共预算拨款收入3225万元，占27.67%；事业收入8000万元，占68.64%；"
          "其他收入300万元，占2.58%；上年结转129.33万元，占1.11%。")
    assert _f(ok) == []  # 2.58 for 2.57 balances the list to 100% (尾差)
    assert _f(ok.replace("11654.33万元，其中", "11754.33万元，其中"))[0][:4] == ("sum", "PE801", 1, 11754.33)


# --- one figure compared twice: with the budget, then with last year (r12b, unseen set 5) --------
def test_second_comparison_of_one_figure_is_checked():
    # 12.40 + 0.85 = 13.25 last year; 0.85 ÷ 13.25 = 6.42% (6.85% is 0.85 ÷ 12.40, over the current year)
    text = ("2022年机关“三公”经费支出合计12.40万元，较年初预算数减少7.60万元，下降38.00%，"
            "较上年支出数减少0.85万元，下降6.85%。")
    assert _f(text) == [("change", "PE802", 1, 6.85, 6.42)]


@pytest.mark.parametrize("text", [
    # both comparisons right
    "2022年机关“三公”经费支出合计12.40万元，较年初预算数减少7.60万元，下降38.00%，较上年支出数减少0.85万元，下降6.42%。",
    # the second change is of a part (其中…), not of the figure before the first comparison
    "本年收入合计480万元，比上年增加80万元，增长20%，其中财政拨款增加30万元，增长15%。",
    # a second comparison with the budget of the same figure
    "本年收入合计480万元，比上年增加80万元，增长20%，较年初预算增加30万元，增长6.67%。",
])
def test_second_comparison_clean(text):
    assert _f(text) == []


# --- the budget inside "占年初预算X万元的P%" is no whole; comma-joined parts end at the semicolon (set 6) --
def test_rate_budget_is_not_the_whole_of_the_list():
    # 512 + 40 + 36 = 588 = the revenue, not the budget 1300 nor the revenue plus the next clause's expenditure
    text = ("1-6月，全县完成政府性基金收入588万元，占年初预算1300万元的45.2%，同比下降9.1%，"
            "其中土地出让收入512万元，配套费收入40万元，污水处理费收入36万元；完成政府性基金支出2210万元，"
            "占年初预算3400万元的65.0%。")
    assert _f(text) == []


def test_rate_budget_skipped_parts_exceed_the_revenue():
    # the parts add up to 588, more than the 578 written as the revenue
    text = ("1-6月，全县完成政府性基金收入578万元，占年初预算1300万元的44.5%，同比下降9.1%，"
            "其中土地出让收入512万元，配套费收入40万元，污水处理费收入36万元；完成政府性基金支出2210万元。")
    assert [(k, c) for k, c, *_ in _f(text)] == [("sum", "PE801")]


# --- "占年初预算X万元的P%": an execution rate with the budget inside its wording (set 6) ----------------
def test_rate_of_the_budget_named_in_the_share_wording():
    # 2764 ÷ 6410 = 43.12%, written 46.1%
    text = "1-5月，全县完成税收收入2764万元，占年初预算6410万元的46.1%，同比下降4.8%。"
    assert [(k, c, claimed, exp) for k, c, _, claimed, exp in _f(text)] == [("rate", "PE803", 46.1, 43.1)]


@pytest.mark.parametrize("text", [
    "1-5月，全县完成税收收入2764万元，占年初预算6410万元的43.1%，同比下降4.8%。",
    # 1337 ÷ 3008 = 44.448% by the printed figures, but an actual printed in whole 万元 may be up to 1337.5,
    # and 1337.5 ÷ 3008 = 44.465% rounds to 44.5%: not provably wrong
    "1-5月，全县完成基金收入1337万元，占年初预算3008万元的44.5%。",
])
def test_rate_of_the_budget_named_in_the_share_wording_clean(text):
    assert _f(text) == []
