"""Property tests of perfeval audit: sentences with correct numbers are never flagged; changing one
number beyond rounding is always flagged.

"Beyond rounding" here: amounts of at least 10万元 printed to the cent, and a changed percentage at
least one point away, two when printed without decimals (a one-unit change of a share can be a legitimate 尾差 balancing, and the
rounded-intermediates band of small amounts is wide — both are documented in docs/audit.md).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval.audit import audit_text

NAMES = ["一般公共服务支出", "教育支出", "社会保障和就业支出", "卫生健康支出", "住房保障支出"]
cents = st.integers(min_value=1000, max_value=9_999_999).map(lambda c: Decimal(c) / 100)  # 10.00 … 99,999.99 万元


def r(x: Decimal, d: int = 2) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


def money(x: Decimal, sep: bool) -> str:
    return f"{x:,.2f}" if sep else f"{x:.2f}"


def share_sentence(parts: list[Decimal], d: int, sep: bool, bump: tuple[int, Decimal] | None = None) -> str:
    whole = sum(parts)
    items = []
    for i, p in enumerate(parts):
        s = r(p / whole * 100, d)
        if bump and bump[0] == i:
            s += bump[1]
        items.append(f"{NAMES[i]}{money(p, sep)}万元，占{s:.{d}f}%")
    return f"2024年度本年支出合计{money(whole, sep)}万元，其中：" + "；".join(items) + "。"


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=2, max_size=5), st.sampled_from([1, 2]), st.booleans())
def test_correct_shares_and_sums_never_flagged(parts, d, sep):
    assert audit_text(share_sentence(parts, d, sep)) == []


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=2, max_size=5), st.sampled_from([1, 2]), st.data())
def test_a_wrong_share_is_flagged(parts, d, data):
    i = data.draw(st.integers(0, len(parts) - 1))
    whole = sum(parts)
    right = r(parts[i] / whole * 100, d)
    delta = data.draw(st.integers(min_value=1, max_value=50).map(Decimal))
    sign = 1 if right - delta < 0 else data.draw(st.sampled_from([1, -1]))
    found = audit_text(share_sentence(parts, d, False, (i, sign * delta)))
    assert [(f.kind, f.to_dict()["expected"]) for f in found] == [("share", float(right) if right != int(right) else int(right))]


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=2, max_size=5), st.integers(min_value=5, max_value=1_000_000), st.booleans(), st.booleans())
def test_a_wrong_whole_is_flagged(parts, cents_off, up, sep):
    total = sum(parts)
    off = Decimal(cents_off) / 100
    whole = total + off if up else total - off
    if whole <= 0:
        whole = total + off
    names = NAMES[: len(parts) - 1] + ["其他支出"]  # a catch-all part: the list is complete
    text = f"支出合计{money(whole, sep)}万元，其中：" + "，".join(f"{n}{money(p, sep)}万元" for n, p in zip(names, parts, strict=True)) + "。"
    found = audit_text(text)
    assert [(f.kind, Decimal(str(f.to_dict()["expected"]))) for f in found] == [("sum", total)]
    ok = f"支出合计{money(total, sep)}万元，其中：" + "，".join(f"{n}{money(p, sep)}万元" for n, p in zip(names, parts, strict=True)) + "。"
    assert audit_text(ok) == []


changes = st.tuples(cents, cents).filter(lambda t: t[1] <= t[0] * 2)  # previous, change (growth ≤ 200%)


@settings(max_examples=150, deadline=None)
@given(changes, st.booleans(), st.integers(min_value=1, max_value=40), st.data())
def test_changes(prev_change, up, delta, data):
    prev, x = prev_change
    if not up and x >= prev:
        x = prev / 2
        x = r(x)
    cur = prev + x if up else prev - x
    rate = r(x / prev * 100)
    verb, pverb = ("增加", "增长") if up else ("减少", "下降")
    text = f"2024年度机关运行经费支出{cur:.2f}万元，比2023年{verb}{x:.2f}万元，{pverb}{rate:.2f}%。"
    assert audit_text(text) == []
    wrong = rate + delta if data.draw(st.booleans()) or rate - delta <= 0 else rate - delta
    bad = text.replace(f"{pverb}{rate:.2f}%", f"{pverb}{wrong:.2f}%")
    assert [f.kind for f in audit_text(bad)] == ["change"]


@settings(max_examples=150, deadline=None)
@given(cents, st.integers(min_value=0, max_value=10000), st.integers(min_value=2, max_value=30), st.sampled_from([0, 1, 2]))
def test_rates(budget, per10k, delta, d):
    actual = r(budget * per10k / 10000)
    rate = r(actual / budget * 100, d)
    text = f"项目全年预算数{budget:.2f}万元，全年执行数{actual:.2f}万元，执行率{rate:.{d}f}%。"
    assert audit_text(text) == []
    wrong = rate + delta if rate - delta < 0 else rate - delta
    bad = text.replace(f"执行率{rate:.{d}f}%", f"执行率{wrong:.{d}f}%")
    assert [f.kind for f in audit_text(bad)] == ["rate"]
