"""The notation parser: comparators, numbers, units, ranges, qualitative text."""

from __future__ import annotations

import pytest

from perfeval.notation import (
    EMPTY,
    EQ,
    GE,
    GT,
    LE,
    LT,
    NA,
    QUAL,
    RANGE,
    format_rule,
    parse,
    qualitative_tier,
    same_rule,
    unit_factor,
)

CASES = [
    ("≥5户", GE, 5, None, "户"),
    ("≧5个", GE, 5, None, "个"),
    (">=5", GE, 5, None, None),
    ("＞＝５户", GE, 5, None, "户"),
    ("不低于95%", GE, 95, None, "%"),
    ("不少于3次", GE, 3, None, "次"),
    ("至少10人次", GE, 10, None, "人次"),
    ("95%以上", GE, 95, None, "%"),
    ("95%及以上", GE, 95, None, "%"),
    ("满意度95%以上", GE, 95, None, "%"),
    ("满意度≥90%", GE, 90, None, "%"),
    ("≥100百分比", GE, 100, None, "%"),
    ("≤90万元", LE, 90, None, "万元"),
    ("≦10次", LE, 10, None, "次"),
    ("<=5%", LE, 5, None, "%"),
    ("不高于5%", LE, 5, None, "%"),
    ("不超过30万元", LE, 30, None, "万元"),
    ("10天以内", LE, 10, None, "天"),
    ("5%以下", LE, 5, None, "%"),
    ("控制在90万元以内", LE, 90, None, "万元"),
    ("＞3", GT, 3, None, None),
    ("<2次", LT, 2, None, "次"),
    ("=100%", EQ, 100, None, "%"),
    ("＝100%", EQ, 100, None, "%"),
    ("═100%", EQ, 100, None, "%"),
    ("90%", EQ, 90, None, "%"),
    ("10台套", EQ, 10, None, "台套"),
    ("2,200篇", EQ, 2200, None, "篇"),
    ("１２３", EQ, 123, None, None),
    ("≤500元/人*月", LE, 500, None, "元/人*月"),
    ("80-90%", RANGE, 80, 90, "%"),
    ("80%～90%", RANGE, 80, 90, "%"),
    ("3至5天", RANGE, 3, 5, "天"),
    ("±10%", RANGE, -10, 10, "%"),
]


@pytest.mark.parametrize("text,op,value,hi,unit", CASES)
def test_parse(text, op, value, hi, unit):
    r = parse(text)
    assert (r.op, r.value, r.hi, r.unit) == (op, value, hi, unit)
    assert r.text == text


@pytest.mark.parametrize("text", ["12月底之前完成", "2023年12月", "工程质量合格", "效果明显", "高", "在项目计划完成时间内完成",
                                  "到0次", "2X", "完成2次培训", "≥5户≤3"])
def test_qualitative_text(text):
    assert parse(text).op == QUAL


@pytest.mark.parametrize("text,op", [(None, EMPTY), ("", EMPTY), ("  ", EMPTY), ("/", NA), ("／", NA), ("—", NA)])
def test_empty_and_na(text, op):
    assert parse(text).op == op


def test_numbers_from_yaml():
    assert (parse(5).op, parse(5).value) == (EQ, 5.0)
    assert parse(2.5).value == 2.5
    assert parse(float("nan")).op == QUAL


@pytest.mark.parametrize("text", [t for t, *_ in CASES])
def test_format_roundtrip(text):
    r = parse(text)
    assert same_rule(parse(format_rule(r)), r)


def test_money_scaling():
    assert unit_factor("元", "万元") == pytest.approx(1e-4)
    assert unit_factor("万元", "元") == 1e4
    assert unit_factor(None, "户") == 1.0
    assert unit_factor("个", "户") is None


@pytest.mark.parametrize("actual,tier", [
    ("达成预期指标", "达成"), ("已完成", "达成"), ("完成", "达成"), ("是", "达成"), ("合格", "达成"), ("按时完成", "达成"),
    ("已全部完成。", "达成"), ("部分达成预期指标并具有一定效果", "部分达成"), ("基本完成", "部分达成"), ("部分完成", "部分达成"),
    ("较好", "部分达成"), ("未完成预期指标且效果较差", "未达成"), ("未达成", "未达成"), ("未完成", "未达成"), ("否", "未达成"),
    ("差不多吧", None), ("100%", None), ("", None),
])
def test_qualitative_tiers(actual, tier):
    assert qualitative_tier(actual) == tier


def test_actual_repeating_target_counts_as_met():
    target = "通过送温暖帮扶困难职工，使困难职工感受到组织的温暖。"
    assert qualitative_tier("通过送温暖帮扶困难职工，使困难职工感受到组织的温暖", target) == "达成"
