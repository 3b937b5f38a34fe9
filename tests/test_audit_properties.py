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


# --- the forms real texts take: paired values, 个百分点, 元 and 亿元 --------------------------------
pairs = st.tuples(cents, cents, st.integers(min_value=1, max_value=9000), st.integers(min_value=1, max_value=9000))


@settings(max_examples=120, deadline=None)
@given(pairs, st.booleans(), st.integers(min_value=1, max_value=30), st.integers(0, 1))
def test_paired_changes(p, up, delta, which):
    """"收、支总计各是A、B万元…各增加X、Y万元，各增长P%、Q%": each rate against its own pair."""
    prev = [p[0], p[1]]
    xs = [r(prev[0] * p[2] / 10000), r(prev[1] * p[3] / 10000)]  # changes below 90 %
    cur = [prev[i] + xs[i] if up else prev[i] - xs[i] for i in range(2)]
    rates = [r(xs[i] / prev[i] * 100) for i in range(2)]
    verb, pverb = ("增加", "增长") if up else ("减少", "下降")

    def text(rs):
        return (f"2024年度收、支总计各是{cur[0]:.2f}、{cur[1]:.2f}万元。与2023年相比，收、支总计各{verb}"
                f"{xs[0]:.2f}、{xs[1]:.2f}万元，各{pverb}{rs[0]:.2f}%、{rs[1]:.2f}%。")
    assert audit_text(text(rates)) == []
    wrong = list(rates)
    wrong[which] = rates[which] + delta
    found = audit_text(text(wrong))
    assert [(f.kind, Decimal(str(f.to_dict()["expected"]))) for f in found] == [("change", rates[which])]


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=9999), st.sampled_from([1, 2]),
       st.integers(min_value=1, max_value=20))
def test_percentage_points(a, b, d, delta):
    """"由A%提高到B%，提高X个百分点": X is B − A, a difference, not a ratio."""
    a, b = Decimal(a) / 100, Decimal(b) / 100
    a, b = r(a, d), r(b, d)
    lo, hi = min(a, b), max(a, b)
    verb = "提高" if b >= a else "下降"
    text = f"一般公共预算支出占比由{a:.{d}f}%{verb}到{b:.{d}f}%，{verb}{hi - lo:.{d}f}个百分点。"
    assert audit_text(text) == []
    bad = text.replace(f"{verb}{hi - lo:.{d}f}个百分点", f"{verb}{hi - lo + delta:.{d}f}个百分点")
    assert [f.kind for f in audit_text(bad)] == ["points"]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(min_value=100_000, max_value=99_999_999), min_size=2, max_size=4), st.sampled_from(["元", "亿元"]),
       st.data())
def test_shares_in_yuan_and_yi_yuan(parts, unit, data):
    """Shares of amounts in 元 (whole yuan, as budget texts print them) and in 亿元 (to 0.01亿)."""
    if unit == "亿元":
        vals = [Decimal(p) / 100 + 10 for p in parts]  # 10.00 … 1,000,009.99 亿元
        fmt = "{:.2f}"
    else:
        vals = [Decimal(p) for p in parts]
        fmt = "{:d}"
    whole = sum(vals)
    shares = [r(v / whole * 100) for v in vals]

    def text(ss):
        items = "；".join(f"{NAMES[i]}{fmt.format(v if unit == '亿元' else int(v))}{unit}，占{s:.2f}%" for i, (v, s) in enumerate(zip(vals, ss, strict=True)))
        return f"本年支出合计{fmt.format(whole if unit == '亿元' else int(whole))}{unit}，其中：{items}。"
    assert audit_text(text(shares)) == []
    i = data.draw(st.integers(0, len(vals) - 1))
    delta = data.draw(st.integers(min_value=1, max_value=20).map(Decimal))
    wrong = list(shares)
    wrong[i] = shares[i] + delta if shares[i] - delta < 0 or data.draw(st.booleans()) else shares[i] - delta
    found = audit_text(text(wrong))
    assert [(f.kind, Decimal(str(f.to_dict()["expected"]))) for f in found] == [("share", shares[i])]
