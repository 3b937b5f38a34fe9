"""Review (复核) findings for department-wide submissions (rules doc §6), one registered check each.

Each check reads the submission, the profile, the computed figures and the scores, and yields
:class:`~perfeval.issues.Issue` records with the line of the key they concern (codes PE902–PE926).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from ..declare.load import Loaded
from ..declare.structure import as_number
from ..issues import Issue
from ..numbers import dec, decimals_of, fmt, half_unit, pct, ratio_ok, rounding_tail
from .figures import NATURE_BASIC, NATURE_PROJECT, Facts
from .profile import DeptProfile
from .score import Scoring


@dataclass
class Ctx:
    ld: Loaded
    dp: DeptProfile
    facts: Facts
    scoring: Scoring
    rollup: dict
    total: float
    grade: str

    @property
    def tol(self) -> float:
        return self.dp.tolerance


FINDINGS: list[Callable[[Ctx], Iterable[Issue]]] = []


def finding(fn: Callable[[Ctx], Iterable[Issue]]) -> Callable[[Ctx], Iterable[Issue]]:
    FINDINGS.append(fn)
    return fn


def run_findings(c: Ctx) -> list[Issue]:
    out: list[Issue] = []
    for fn in FINDINGS:
        out.extend(fn(c))
    return out


def _rows(facts: Facts, key: str) -> list[tuple[int, dict]]:
    return [(k, r) for k, r in enumerate(facts.get("funds", key) or []) if isinstance(r, dict)]


@finding
def execution_base(c: Ctx) -> Iterable[Issue]:
    """No adjusted budget: the rate is on 年初预算 (PE902); execution above the budget (PE903)."""
    f = c.facts
    if f.num("funds", "total", "budget") is None and f.num("funds", "total", "initial") is not None:
        yield c.ld.issue("PE902", ("funds", "total"), initial=fmt(f.num("funds", "total", "initial")))
    base, base_name = f.budget_base
    ex = f.num("funds", "total", "executed")
    if base and ex is not None and ex > base * (1 + 1e-9) + c.tol:
        yield c.ld.issue("PE903", ("funds", "total", "executed"), what="年度资金总额", executed=fmt(ex), base=base_name, budget=fmt(base), rate=pct(ex / base))
    for key in ("by_nature", "by_source"):
        for k, r in _rows(f, key):
            b = as_number(r.get("budget")) if as_number(r.get("budget")) is not None else as_number(r.get("initial"))
            e = as_number(r.get("executed"))
            if b and e is not None and e > b + c.tol:
                word = "全年预算数" if as_number(r.get("budget")) is not None else "年初预算数"
                yield c.ld.issue("PE903", ("funds", key, k, "executed"), what=f"{r.get('name')}", executed=fmt(e), base=word, budget=fmt(b), rate=pct(e / b))


def _sum_check(c: Ctx, path: tuple, total: float | None, total_name: str, parts: list[float | None], parts_name: str) -> Iterable[Issue]:
    vals = [p for p in parts if p is not None]
    if total is None or not vals or len(vals) < len(parts):
        return
    s = sum(vals)
    if abs(s - total) > c.tol:
        yield c.ld.issue("PE904", path, total_name=total_name, total=fmt(total), parts_name=parts_name, parts=fmt(s), diff=fmt(abs(s - total)))


@finding
def totals_against_parts(c: Ctx) -> Iterable[Issue]:
    """基本 + 项目 = 总额 (each column); Σ by fund source = 总额; 人员 + 公用 = 基本."""
    f = c.facts
    for key, label in (("by_nature", "基本支出、项目支出等"), ("by_source", "各资金性质")):
        rows = _rows(f, key)
        if not rows:
            continue
        for col, word in (("initial", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数")):
            if all(as_number(r.get(col)) is None for _, r in rows):
                continue
            yield from _sum_check(c, ("funds", key), f.num("funds", "total", col), f"年度资金总额{word}",
                                  [as_number(r.get(col)) for _, r in rows], f"{label}{word}")
    basic = f.nature(NATURE_BASIC)
    pers, pub = f.num("funds", "personnel", "executed"), f.num("funds", "public", "executed")
    if basic is not None and pers is not None and pub is not None:
        yield from _sum_check(c, ("funds", "personnel"), basic, "基本支出", [pers, pub], "人员经费与公用经费")


# 决算 items a printed figure may name, and where the form keeps them
_TOTAL_NAMES = ("收入合计", "支出合计", "本年收入合计", "本年支出合计", "收支总计", "收入总计", "支出总计", "年度资金总额")
_FISCAL = re.compile(r"一般公共预算|政府性基金|国有资本经营")


def form_figure(f: Facts, item: str) -> float | None:
    """The department's own figure for a 决算 item name (income items read the budget column)."""
    item = item.strip()
    col = "budget" if "收入" in item else "executed"
    if item in _TOTAL_NAMES:
        return f.num("funds", "total", col) if col == "budget" and f.num("funds", "total", col) is not None else f.num("funds", "total", "executed")
    if item in ("人员经费", "人员支出"):
        return f.num("funds", "personnel", "executed")
    if item in ("公用经费", "公用支出", "机关运行经费"):
        return f.num("funds", "public", "executed")
    if item in ("三公经费", "“三公”经费"):
        return f.num("three_public", "actual")
    if item in ("政府采购", "政府采购支出"):
        return f.num("procurement", "actual")
    if item in ("结转结余", "年末结转结余", "年末结转和结余"):
        return f.num("funds", "carryover", "end")
    for key in ("by_nature", "by_source"):
        for _, r in _rows(f, key):
            name = str(r.get("name") or "").strip()
            if item == name or item in (name + "收入", name + "支出", name + "财政拨款收入", name + "财政拨款支出"):
                return as_number(r.get(col))
    if item in ("财政拨款收入", "财政拨款支出", "财政拨款收支总计"):
        vals = [as_number(r.get(col)) for _, r in _rows(f, "by_source") if _FISCAL.search(str(r.get("name") or ""))]
        return sum(v for v in vals if v is not None) if vals else None
    return None


@finding
def form_against_final_accounts(c: Ctx) -> Iterable[Issue]:
    """Figures printed in the 决算 text against the department form (PE905), printed shares (PE906)."""
    f = c.facts
    for k, r in enumerate(f.get("final_accounts", "figures") or []):
        if not isinstance(r, dict):
            continue
        form = form_figure(f, str(r.get("item") or ""))
        v = as_number(r.get("value"))
        if form is None or v is None or abs(form - v) <= c.tol:
            continue
        yield c.ld.issue("PE905", ("final_accounts", "figures", k), where=r.get("where") or "决算", item=r.get("item"),
                         printed=fmt(v), form=fmt(form), diff=fmt(abs(form - v)))
    rows = [(k, r) for k, r in enumerate(f.get("final_accounts", "shares") or []) if isinstance(r, dict)]
    tails = _share_tails(rows)
    for k, r in rows:
        value = as_number(r.get("value"))
        if value is None:
            value = form_figure(f, str(r.get("item") or ""))
        base_raw = r.get("base")
        base = as_number(base_raw)
        if base is None and base_raw is not None:
            base = form_figure(f, str(base_raw))
        if base is None:
            base = f.num("funds", "total", "executed")
        printed = str(r.get("printed") or "").strip()
        share = _printed_share(printed)
        if value is None or not base:
            continue
        # the rule perfeval audit applies to report text (numbers.ratio_ok): half-up to the digits printed, or any value
        # the amounts as printed could give (each ± half a unit of its last digit), ± 尾差 when the list adds to 100%
        a, b = Decimal(repr(float(value))), Decimal(repr(float(base)))
        if share is None:
            ok, computed = False, dec(value / base * 100, 2)
        else:
            ok, computed = ratio_ok(share[0], share[1], a, half_unit(decimals_of(a)), b, half_unit(decimals_of(b)), tails[k])
        if not ok:
            yield c.ld.issue("PE906", ("final_accounts", "shares", k), where=(r.get("where") or "") and f"{r.get('where')}：",
                             item=r.get("item"), printed=printed, value=fmt(value), base=fmt(base), computed=f"{computed}%")


def _printed_share(printed: str) -> tuple[Decimal, int] | None:
    """A printed percentage ("3.45%", "3.45") as (value, decimals printed); None when it is not a number ("c%")."""
    m = re.fullmatch(r"([0-9]+(?:\.([0-9]+))?)\s*%?", printed)
    return (Decimal(m.group(1)), len(m.group(2) or "")) if m else None


def _share_tails(rows: list[tuple[int, dict]]) -> dict[int, Decimal]:
    """尾差 allowed for each share row: the rows printed in one place (``where``) against one base are one list."""
    lists: dict[tuple[str, str], list[int]] = {}
    for k, r in rows:
        lists.setdefault((str(r.get("where") or ""), str(r.get("base") or "")), []).append(k)
    out: dict[int, Decimal] = {}
    printed = {k: _printed_share(str(r.get("printed") or "").strip()) for k, r in rows}
    for ks in lists.values():
        shares = [printed[k] for k in ks]
        tail = rounding_tail(shares) if all(s is not None for s in shares) else Decimal(0)  # type: ignore[arg-type]
        for k in ks:
            out[k] = tail
    return out


@finding
def claims_against_rules(c: Ctx) -> Iterable[Issue]:
    """Claimed row scores and total against the rule scores, both directions (PE907/PE908); PE926."""
    for r in c.scoring.rows:
        if r.get("basis") == "indicator":
            continue  # the project review reports indicator rows (PE406/PE407)
        cl, sc = r.get("claimed_score"), r.get("score")
        if cl is None or sc is None:
            continue
        if cl > sc + c.tol:
            yield c.ld.issue("PE907", ("framework", r["name"]), indicator=r["name"], claimed=fmt(cl), computed=fmt(sc), diff=fmt(cl - sc))
        elif cl < sc - c.tol:
            yield c.ld.issue("PE908", ("framework", r["name"]), indicator=r["name"], claimed=fmt(cl), computed=fmt(sc), diff=fmt(sc - cl))
    ct = as_number(c.ld.data.get("claimed_total"))
    if ct is not None:
        if ct > c.total + c.tol:
            yield c.ld.issue("PE907", ("claimed_total",), indicator="总分", claimed=fmt(ct), computed=fmt(c.total), diff=fmt(ct - c.total))
        elif ct < c.total - c.tol:
            yield c.ld.issue("PE908", ("claimed_total",), indicator="总分", claimed=fmt(ct), computed=fmt(c.total), diff=fmt(c.total - ct))
        claimed = [r["claimed_score"] for r in c.scoring.rows if r.get("claimed_score") is not None]
        ex = c.scoring.execution.get("claimed_score")
        if c.dp.family == "target" and ex is not None:
            claimed.append(ex)
        if claimed and len(claimed) == len([r for r in c.scoring.rows if r.get("weight")]) + (1 if c.dp.family == "target" else 0):
            s = sum(claimed)
            if abs(s - ct) > c.tol:
                yield c.ld.issue("PE926", ("claimed_total",), claimed_total=fmt(ct), claimed_sum=fmt(s))


@finding
def grade_claims(c: Ctx) -> Iterable[Issue]:
    """A grade with no score (the seed's "整体绩效评价为好", PE909); a grade that contradicts the score (PE910)."""
    g = c.ld.data.get("claimed_grade")
    if g is None:
        return
    if as_number(c.ld.data.get("claimed_total")) is None:
        yield c.ld.issue("PE909", ("claimed_grade",), claimed_grade=str(g), total=fmt(c.total), grade=c.grade)
    mapped = c.dp.grade_of_word(str(g))
    if mapped != c.grade:
        yield c.ld.issue("PE910", ("claimed_grade",), claimed_grade=str(g), total=fmt(c.total), grade=c.grade, bands=c.dp.bands_text)


@finding
def income_without_spending(c: Ctx) -> Iterable[Issue]:
    """Income of a fund type with no spending of it (the seed's 政府性基金 3 / 0): the 决算 split when given, else the form's."""
    rows = [(("final_accounts", "by_source", k), r.get("name"), as_number(r.get("income")), as_number(r.get("spending")))
            for k, r in enumerate(c.facts.get("final_accounts", "by_source") or []) if isinstance(r, dict)]
    if not rows:
        rows = [(("funds", "by_source", k), r.get("name"), as_number(r.get("budget")), as_number(r.get("executed")))
                for k, r in _rows(c.facts, "by_source")]
    for path, name, inc, sp in rows:
        if inc is not None and sp is not None and inc > c.tol and sp <= c.tol:
            yield c.ld.issue("PE911", path, fund=name, income=fmt(inc), spending=fmt(sp))


_CLASS_FIGURE = {"人员类": (("funds", "personnel", "executed"), "人员经费"), "运转类": (("funds", "public", "executed"), "公用经费")}
_NONE = {"无", "无。", "/", "／", "—", "-", "不适用"}


@finding
def class_analysis(c: Ctx) -> Iterable[Issue]:
    """人员类 / 运转类 / 特定目标类: a class analysed as "无" with money in it (PE912), or with another class's amount (PE913)."""
    for k, r in enumerate(c.ld.data.get("classes") or []):
        if not isinstance(r, dict):
            continue
        name = str(r.get("name") or "").strip()
        if name in _CLASS_FIGURE:
            path, label = _CLASS_FIGURE[name]
            value = c.facts.num(*path)
        elif name == "特定目标类":
            label, value = "项目支出", c.facts.nature(NATURE_PROJECT)
        else:
            continue
        if value is None:
            continue
        text = str(r.get("analysis") or "").strip()
        if text in _NONE and value > c.tol:
            yield c.ld.issue("PE912", ("classes", k), klass=name, figure=label, value=fmt(value))
            continue
        amt = as_number(r.get("amount"))
        if amt is not None and abs(amt - value) > c.tol:
            yield c.ld.issue("PE913", ("classes", k, "amount"), klass=name, printed=fmt(amt), expected=fmt(value), figure=label)


@finding
def rollup_consistency(c: Ctx) -> Iterable[Issue]:
    """The department's 项目支出 against its projects (PE919, PE921)."""
    items = [it for it in c.rollup.get("items") or [] if it.get("status") in ("scored", "given", "unscored")]
    if not items:
        return
    for col, word in (("budget", "全年预算数"), ("executed", "全年执行数")):
        dept = c.facts.nature(NATURE_PROJECT, col)
        vals = [it.get(col) for it in items]
        if dept is None or any(v is None for v in vals):
            continue
        s = sum(vals)
        if abs(s - dept) > c.tol:
            yield c.ld.issue("PE919", ("projects",), field=word, dept=fmt(dept), sum=fmt(s), n=len(items))
    dept_ex = c.facts.nature(NATURE_PROJECT, "executed")
    if dept_ex is not None:
        for it in items:
            if it.get("executed") is not None and it["executed"] > dept_ex + c.tol:
                yield c.ld.issue("PE921", ("projects",), project=it.get("name") or it.get("file"), executed=fmt(it["executed"]), dept=fmt(dept_ex))


@finding
def coverage(c: Ctx) -> Iterable[Issue]:
    n, w = c.facts.num("management", "projects"), c.facts.num("management", "with_targets")
    if n and w is not None and w < n:
        yield c.ld.issue("PE923", ("management",), n_without=fmt(n - w, 0), n=fmt(n, 0), rate=pct(w / n))


@finding
def unspent_without_balance(c: Ctx) -> Iterable[Issue]:
    base, _ = c.facts.budget_base
    ex = c.facts.num("funds", "total", "executed")
    end = c.facts.num("funds", "carryover", "end")
    if base and ex is not None and end is not None and ex < base - c.tol and end <= c.tol:
        yield c.ld.issue("PE924", ("funds", "carryover"), rate=pct(ex / base), gap=fmt(base - ex))


@finding
def sub_row_scores(c: Ctx) -> Iterable[Issue]:
    """A score printed on a sub-row is informational; a finding only if it disagrees with the row's rate (open question 3)."""
    w = c.scoring.execution.get("weight")
    if not w:
        return
    for key in ("by_nature", "by_source"):
        for k, r in _rows(c.facts, key):
            cl = as_number(r.get("claimed_score"))
            if cl is None:
                continue
            b = as_number(r.get("budget")) if as_number(r.get("budget")) is not None else as_number(r.get("initial"))
            e = as_number(r.get("executed"))
            if not b or e is None:
                continue
            expected = w * min(e / b, 1.0)
            if abs(expected - cl) > c.tol + 0.005:
                yield c.ld.issue("PE925", ("funds", key, k, "claimed_score"), indicator="预算执行率", name=r.get("name"),
                                 claimed=fmt(cl), expected=fmt(expected))

