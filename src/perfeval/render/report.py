"""The narrative 自评报告: sentences generated from the result record.

Every figure in a sentence is a formatted value of the result (or a sum or
difference of such values); nothing is typed.  Text only the department can
write comes from the submission's ``narrative:`` section; where it is absent
the report says so (``（单位未填写）``) and never invents it.
"""

from __future__ import annotations

from .. import methods
from ..numbers import fmt, pct
from ..profile import LEVEL1_ORDER
from .context import MET, MISSED, NOT_APPLICABLE, OVER, PARTIAL, UNFILLED, UNSCORABLE, form_view

SECTION_TITLES = {
    "overview": "一、项目概况",
    "basic": "（一）基本情况",
    "funds": "（二）资金安排与使用情况",
    "goals": "二、绩效目标及完成情况",
    "goal": "（一）年度总体目标完成情况",
    "indicators": "（二）绩效指标完成情况",
    "conclusion": "三、评价结论",
    "problems": "四、存在的问题",
    "suggestions": "五、改进建议",
}


def _q(text: str) -> str:
    return f"“{text}”"


def _basic_facts(f: dict) -> list[str]:
    p = f["project"]
    out = []
    if p["department"] and p["department"] == p["implementer"]:
        out.append(f"{_q(p['name'])}项目由{p['department']}主管并实施。")
    else:
        who = "，".join(x for x in (f"主管部门为{p['department']}" if p["department"] else "",
                                    f"实施单位为{p['implementer']}" if p["implementer"] else "") if x)
        out.append(f"{_q(p['name'])}项目" + (f"{who}。" if who else "。"))
    if p["code"]:
        out.append(f"项目编码：{p['code']}。")
    out.append(f"本报告依据{f['year']}年度项目支出绩效自评数据生成，评分规则为{f['profile'].get('title') or f['profile'].get('name')}。")
    return out


def _funds_facts(f: dict, r: dict) -> list[str]:
    ex = r["execution"]
    t, unit, year = f["funds"]["total"], f["unit"], f["year"]
    parts = []
    if t["initial"].present:
        parts.append(f"年初预算数 {t['initial']}{unit}")
    parts += [f"全年预算数 {t['budget']}{unit}", f"全年执行数 {t['executed']}{unit}"]
    if t["rate"].present:
        parts.append(f"预算执行率 {t['rate']}")
    out = [f"{year}年度项目" + "，".join(parts) + "。"]
    if t["initial"].present and t["budget"].present and fmt(ex["initial"]) != fmt(ex["budget"]):
        d = float(ex["budget"]) - float(ex["initial"])
        out.append(f"全年预算数较年初预算数{'增加' if d > 0 else '减少'} {fmt(abs(d))}{unit}。")
    if t["budget"].present and t["executed"].present:
        left = float(ex["budget"]) - float(ex["executed"])
        if fmt(left) == fmt(0):
            out.append("全年预算已全部执行。")
        elif left > 0:
            out.append(f"尚有 {fmt(left)}{unit} 未执行。")
        else:
            out.append(f"全年执行数超过全年预算数 {fmt(-left)}{unit}。")
    srcs = ex.get("sources") or []
    budget = ex.get("budget")
    pieces = []
    for s, sv in zip(srcs, f["funds"]["sources"], strict=True):
        bits = []
        if sv["budget"].present:
            share = f"，占全年预算数的 {pct(s['budget'] / budget)}" if budget else ""
            bits.append(f"全年预算数 {sv['budget']}{unit}{share}")
        if sv["executed"].present:
            bits.append(f"执行 {sv['executed']}{unit}")
        if sv["rate"].present:
            bits.append(f"执行率 {sv['rate']}")
        pieces.append(f"{sv['label']}" + "，".join(bits))
    if pieces:
        out.append("资金来源：" + "；".join(pieces) + "。")
    if t["score"].present:
        out.append(f"预算执行率得分 {t['score']} 分（分值 {t['weight']} 分）。")
    return out


def _cmp_words(kind: str) -> str:
    m = methods.get(kind)
    return m.gap_words if m else "与年度指标值相差"


def indicator_sentence(i: dict) -> str:
    """One factual sentence about one indicator row of the form view."""
    name = _q(i["name"])
    st = i["status"]
    target = i["target"] or "（未填写）"
    if st == NOT_APPLICABLE:
        s = f"{name}：标记为不适用，不参与评分。"
    elif i["qualitative"]:
        actual = _q(i["actual"]) if i["actual"] else "未填写"
        head = f"{name}（定性指标）：年度指标值{_q(target)}，实际完成情况{actual}"
        if st == UNSCORABLE:
            why = "未填写实际完成情况" if not i["actual"] else "实际完成情况无法识别为达成、部分达成或未达成"
            s = f"{head}，{why}，不能按规则评分，按 0 分计（分值 {i['weight']} 分）。"
        else:
            s = f"{head}，评定为“{i['tier']}”，得 {i['score']} 分（分值 {i['weight']} 分"
            s += f"，扣 {i['deduction']} 分）。" if (i["deduction"].value or 0) >= 0.005 else "）。"
    else:
        actual = i["actual"] or ""
        head = f"{name}：年度指标值 {target}，"
        if st == UNSCORABLE:
            if not actual:
                s = head + f"未填写实际完成值，不能按规则评分，按 0 分计（分值 {i['weight']} 分）。"
            else:
                s = head + f"实际完成值{_q(actual)}无法与年度指标值比较，不能按规则评分，按 0 分计（分值 {i['weight']} 分）。"
        else:
            c = f"，完成率 {i['completion']}" if i["completion"].present else ""
            s = head + f"实际完成值 {actual}{c}"
            if st == MISSED:
                g = f"，{_cmp_words(i['kind'])} {i['gap']['text']}" if i["gap"] else ""
                s += f"，未达到年度指标值{g}，得 {i['score']} 分（分值 {i['weight']} 分，扣 {i['deduction']} 分）。"
            elif st == OVER:
                word = "优于年度指标值" if i["kind"] in ("<=", "<") else "超额完成年度指标值"
                s += f"，{word}，得 {i['score']} 分（分值 {i['weight']} 分）。"
            else:
                s += f"，达到年度指标值，得 {i['score']} 分（分值 {i['weight']} 分）。"
    if i.get("explain") and st != NOT_APPLICABLE and st != UNSCORABLE and (i["deduction"].value or 0) >= 0.005:
        s += f"计分依据：{i['explain']}。"  # every deducted point explained with its numbers (issue #10)
    if i["diff"]:
        d = i["diff"]
        s += f"单位自评得分 {i['claimed']} 分，比按规则计算的得分{'高' if d['direction'] == 'high' else '低'} {d['amount']} 分。"
    if i["note"]:
        s += f"偏差原因分析及改进措施（单位填写）：{i['note']}"
    return s


def _count_summary(inds: list[dict]) -> str:
    n = len(inds)
    by_l1: dict[str, int] = {}
    for i in inds:
        by_l1[i["level1"]] = by_l1.get(i["level1"], 0) + 1
    l1 = "、".join(f"{k} {v} 项" for k, v in by_l1.items())
    counts = {k: sum(1 for i in inds if i["status"] == k) for k in (MET, OVER, PARTIAL, MISSED, UNSCORABLE, NOT_APPLICABLE)}
    parts = [f"达到或超过年度指标值 {counts[MET] + counts[OVER]} 项"]
    for key, word in ((PARTIAL, "部分达成"), (MISSED, "未达到年度指标值"), (UNSCORABLE, "无法评分"), (NOT_APPLICABLE, "不适用")):
        if counts[key]:
            parts.append(f"{word} {counts[key]} 项")
    return f"本项目共设置三级指标 {n} 项（{l1}）；其中" + "，".join(parts) + "。"


def _conclusion_facts(f: dict, r: dict) -> list[str]:
    t = f["totals"]
    title = f["profile"].get("title") or f["profile"].get("name")
    full = "100.00" if t.get("rescaled") else t["weight"]
    out = [f"按{title}规则计算，项目总分 {t['score']} 分（满分 {full} 分），评价等级为“{t['grade']}”。"]
    weights: dict[str, float] = {}
    for i in f["indicators"]:
        if i["weight"].present:
            weights[i["level1"]] = weights.get(i["level1"], 0.0) + float(i["weight"].value)
    subs = r.get("subtotals") or {}
    parts = [f"预算执行率得分 {f['exec']['score']} 分（分值 {f['exec']['weight']} 分）"]
    for l1 in list(LEVEL1_ORDER) + [k for k in subs if k not in LEVEL1_ORDER]:
        if l1 in subs:
            w = f"（分值 {fmt(weights[l1])} 分）" if l1 in weights else ""
            parts.append(f"{l1}得分 {fmt(subs[l1])} 分{w}")
    out.append("其中：" + "；".join(parts) + "。")
    if t["claimed"].present:
        if t["diff"]:
            word = "高" if t["diff"]["direction"] == "high" else "低"
            out.append(f"单位自评总分 {t['claimed']} 分，比按规则计算的总分{word} {t['diff']['amount']} 分。")
        else:
            out.append(f"单位自评总分 {t['claimed']} 分，与按规则计算的总分一致。")
    if t["claimed_grade"]:
        if t["grade_diff"]:
            out.append(f"单位自评等级为“{t['claimed_grade']}”，与按规则计算的等级“{t['grade']}”不一致。")
        else:
            out.append(f"单位自评等级为“{t['claimed_grade']}”，与按规则计算的等级一致。")
    return out


def _problem_facts(f: dict) -> list[str]:
    inds = f["indicators"]
    out = []
    t = f["funds"]["total"]
    if t["rate"].present and t["rate"].value < 1 - 1e-9:
        out.append(f"预算执行率为 {t['rate']}，全年预算未全部执行。")
    missed = [i for i in inds if i["status"] in (MISSED, PARTIAL)]
    if missed:
        names = "、".join(_q(i["name"]) + (f"（完成率 {i['completion']}）" if i["completion"].present and not i["qualitative"] else
                                           (f"（{i['tier']}）" if i["qualitative"] else "")) for i in missed)
        out.append(f"{len(missed)} 项指标未完全达到年度指标值：{names}。")
    unscorable = [i for i in inds if i["status"] == UNSCORABLE]
    if unscorable:
        names = "、".join(_q(i["name"]) for i in unscorable)
        out.append(f"{len(unscorable)} 项指标的实际完成值无法与年度指标值比较，不能按规则评分：{names}。")
    diffs = [i for i in inds if i["diff"]] + ([f["exec"]] if f["exec"]["diff"] else [])
    if diffs:
        out.append(f"{len(diffs)} 处自评得分与按规则计算的得分不符。")
    return out


def report_view(r: dict) -> dict:
    """The 自评报告 for one scored result record."""
    f = form_view(r)
    p, n = f["project"], f["narrative"]
    groups: list[dict] = []
    for i in f["indicators"]:
        if not groups or groups[-1]["level1"] != i["level1"]:
            groups.append({"level1": i["level1"], "sentences": []})
        groups[-1]["sentences"].append(indicator_sentence(i))
    review = [
        {"code": i["code"], "severity_zh": i["severity_zh"], "message": i["message"], "line": i["line"], "hint": i["hint"]}
        for i in f["issues"]
    ]
    return {
        "form": f,
        "title": f"{p['name']}{f['year']}年度项目支出绩效自评报告",
        "sections": SECTION_TITLES,
        "unfilled": UNFILLED,
        "basic": {"facts": _basic_facts(f), "text": n["basic"]},
        "funds": {"facts": _funds_facts(f, r), "text": n["funds"], "note": f["funds"]["note"]},
        "goal": {"target": f["goal"]["target"], "actual": f["goal"]["actual"]},
        "indicator_summary": _count_summary(f["indicators"]),
        "indicator_groups": groups,
        "conclusion": {"facts": _conclusion_facts(f, r), "text": n["conclusion"]},
        "problems": {"facts": _problem_facts(f), "review": review, "text": n["problems"]},
        "suggestions": {"text": n["suggestions"]},
    }

