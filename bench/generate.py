"""Generate realistic synthetic submissions (format v1) for benchmarks and tests.

    python bench/generate.py --count 10000 --out bench/_data/10000 [--seed 1] [--bad 0.01]

What the files look like (all deterministic for a given seed):

* profiles national-2020 / sichuan / hubei (60 / 25 / 15 %);
* 40 departments, each file under ``<out>/dNN/`` so directories are searched recursively;
* 6–14 indicators per project: counts with units (户、人、人次、个、台套、平方米、天…),
  percentages, money (万元/元), comparators ≥ ≤ = and ranges (``80-90%``), 以上/以下 suffixes,
  qualitative targets with 达成/部分达成/未达成 actuals, some N/A rows (``/``), some
  library references (``ref: COMMON-Q-001``) with per-project targets of varying ambition;
* weights given (adding up to 100) in about half the files, profile defaults in the rest;
* claimed scores in most files, some of them inflated (claimed = weight on a shortfall),
  claimed totals, shortfall notes in some files only, funds with 1–3 sources, a printed total
  that sometimes does not add up, execution rates from 55 % to 105 %;
* about ``--bad`` of the files are broken: YAML syntax errors, binary content, empty files,
  a top-level list, a missing required section, an unknown level-1 name; plus a few GBK-encoded
  (valid, with a warning) files.

Text is written with string templates (``json.dumps`` gives valid YAML double-quoted scalars),
not ``yaml.dump``, so that generating 100,000 files takes seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

PROFILES = [("national-2020", 0.60), ("sichuan", 0.25), ("hubei", 0.15)]
DEPARTMENTS = [
    "市教育局", "市卫生健康委员会", "市人力资源和社会保障局", "市农业农村局", "市水务局", "市民政局",
    "市总工会", "市文化广电旅游局", "市交通运输局", "市住房和城乡建设局", "市生态环境局", "市自然资源局",
    "市应急管理局", "市市场监督管理局", "市司法局", "市公安局", "市科学技术局", "市工业和信息化局",
    "市商务局", "市退役军人事务局", "市医疗保障局", "市林业局", "市体育局", "市统计局", "市审计局",
    "市残疾人联合会", "市妇女联合会", "共青团市委", "市科学技术协会", "市档案馆", "市图书馆",
    "市疾病预防控制中心", "市人民医院", "市第一中学", "市职业技术学院", "市乡村振兴局", "市粮食和物资储备局",
    "市城市管理局", "市机关事务管理局", "市信访局",
]
SUBJECTS = [
    "困难职工帮扶", "义务教育营养改善", "基层医疗设备购置", "高标准农田建设", "农村饮水安全巩固", "城乡居民养老服务",
    "公共文化服务", "农村公路养护", "老旧小区改造", "大气污染防治", "地质灾害防治", "应急物资储备", "食品安全抽检",
    "法律援助", "社区戒毒康复", "科技创新券", "中小企业服务", "消费帮扶", "退役军人就业培训", "医保基金监管",
    "森林防火", "全民健身设施", "统计调查", "信息化运维", "残疾人康复救助", "妇女儿童关爱", "青少年宫运行",
    "科普活动", "档案数字化", "图书馆免费开放",
]
SUFFIXES = ["专项经费", "补助资金", "项目", "工作经费", "专项资金"]
SOURCES = ["本级财政资金", "上级补助资金", "其他资金"]

# (level1, level2, name, kind, unit, ref)  kind: count | pct | money_le | pct_eq100 | range | qual | days
TEMPLATES = [
    ("产出指标", "数量指标", "帮扶困难职工户数", "count", "户", None),
    ("产出指标", "数量指标", "受益对象人数", "count", "人", "COMMON-Q-002"),
    ("产出指标", "数量指标", "开展培训人次", "count", "人次", "COMMON-Q-003"),
    ("产出指标", "数量指标", "购置设备数量", "count", "台套", "COMMON-Q-004"),
    ("产出指标", "数量指标", "年度计划任务完成率", "pct", "%", "COMMON-Q-001"),
    ("产出指标", "数量指标", "新建改扩建校舍面积", "count", "平方米", "EDUCATION-Q-002"),
    ("产出指标", "数量指标", "开展宣传活动场次", "count", "场", None),
    ("产出指标", "数量指标", "抽检批次", "count", "批次", None),
    ("产出指标", "质量指标", "项目验收合格率", "pct_eq100", "%", "COMMON-L-001"),
    ("产出指标", "质量指标", "资金发放准确率", "pct_eq100", "%", "COMMON-L-002"),
    ("产出指标", "质量指标", "资金使用合规性", "qual", None, "COMMON-L-003"),
    ("产出指标", "质量指标", "设备完好率", "pct", "%", None),
    ("产出指标", "质量指标", "培训考核合格率", "range", "%", None),
    ("产出指标", "时效指标", "任务按期完成率", "pct", "%", "COMMON-T-001"),
    ("产出指标", "时效指标", "资金拨付及时率", "pct", "%", "COMMON-T-002"),
    ("产出指标", "时效指标", "项目完成时限", "qual", None, "COMMON-T-003"),
    ("产出指标", "时效指标", "平均办结时间", "days", "天", None),
    ("产出指标", "成本指标", "项目总成本", "money_le", "万元", "COMMON-C-001"),
    ("产出指标", "成本指标", "单位产出成本", "money_le_yuan", "元", "COMMON-C-002"),
    ("效益指标", "社会效益指标", "目标对象覆盖率", "pct", "%", "COMMON-S-001"),
    ("效益指标", "社会效益指标", "让困难群众感受到组织温暖", "qual", None, None),
    ("效益指标", "社会效益指标", "群众知晓率", "pct", "%", None),
    ("效益指标", "经济效益指标", "带动社会资金投入", "money_ge", "万元", "COMMON-E-001"),
    ("效益指标", "生态效益指标", "空气质量优良天数比例", "pct", "%", None),
    ("效益指标", "可持续影响指标", "长效管理制度建立情况", "qual", None, "COMMON-D-001"),
    ("效益指标", "可持续影响指标", "设施设备持续使用年限", "count", "年", "COMMON-D-002"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "pct", "%", "COMMON-M-001"),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "pct", "%", None),
]
MAGNITUDE = {
    "户": [5, 10, 20, 50, 100, 200], "人": [50, 100, 200, 500, 1000, 3000], "人次": [100, 200, 500, 1000, 2000],
    "台套": [5, 10, 20, 50], "平方米": [500, 1000, 3000, 5000, 10000], "场": [5, 10, 20, 30], "批次": [50, 100, 200, 500],
    "年": [3, 5, 8, 10, 15],
}
NARRATIVE = {
    "basic": "本项目依据年度部门预算批复设立，主要用于{name}相关工作，覆盖辖区内各乡镇（街道），由{dept}组织实施。",
    "funds": "资金按季度拨付，专款专用，实行项目台账管理；年度内未发生挤占挪用情况，结余资金按规定收回。",
    "conclusion": "项目总体完成年度绩效目标，部分指标受客观因素影响未完全达成，已分析原因并提出改进措施。",
    "problems": "个别指标目标值设置偏保守；部分资金下达较晚，影响了执行进度；绩效数据的收集依赖手工台账。",
    "suggestions": "下年度据实设置目标值，提前谋划项目实施，完善绩效数据台账并引入信息化手段。",
}
QUAL_TARGETS = ["审计和财政检查未发现违规使用资金", "12月底前完成", "管理制度印发并有执行记录", "有效提升服务水平", "按计划推进"]
QUAL_ACTUAL = ["达成预期指标"] * 6 + ["已完成"] * 3 + ["部分达成预期指标并具有一定效果"] * 2 + ["未达成预期指标且效果较差", "效果明显"]
NOTES = ["受疫情影响部分活动延期，下年度提前谋划。", "部分资金年底到位，已结转下年使用。", "采购流程较长，下年度提前启动采购。"]


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _num(v: float) -> str:
    return str(int(v)) if float(v) == int(v) else f"{v:.2f}".rstrip("0").rstrip(".")


def _indicator(rng: random.Random, t: tuple) -> dict:
    """target text, actual text and the fraction of the target achieved (for claims)."""
    level1, level2, name, kind, unit, ref = t
    good = rng.random() < 0.8
    if kind == "count":
        a = rng.choice(MAGNITUDE.get(unit, [5, 10, 20, 50, 100]))
        if ref and rng.random() < 0.1:
            a = max(1, a // 10)  # an unambitious target, far below peers
        b = a * (rng.uniform(1.0, 1.25) if good else rng.uniform(0.6, 0.99))
        b = round(b)
        form = rng.random()
        target = f"≥{a}{unit}" if form < 0.6 else f"{a}{unit}以上" if form < 0.8 else f"不少于{a}{unit}"
        actual = f"{b}{unit}" if rng.random() < 0.7 else b
        frac = min(b / a, 1.0)
    elif kind == "pct":
        a = rng.choice([80, 85, 90, 95, 98])
        b = min(100.0, a + rng.uniform(0, 8)) if good else a - rng.uniform(1, 15)
        b = round(b, 1)
        target = f"≥{a}%" if rng.random() < 0.7 else f"{a}%以上"
        actual = f"{_num(b)}%"
        frac = min(b / a, 1.0)
    elif kind == "pct_eq100":
        b = 100 if good else rng.choice([95, 98, 99])
        target, actual, frac = "=100%", f"{b}%", b / 100
    elif kind == "range":
        lo, hi = rng.choice([(80, 90), (85, 95), (90, 100)])
        b = rng.uniform(lo, hi) if good else lo - rng.uniform(1, 10)
        target, actual = f"{lo}-{hi}%", f"{_num(round(b, 1))}%"
        frac = 1.0 if b >= lo else b / lo
    elif kind == "money_le":
        a = rng.choice([10, 20, 50, 80, 100, 200])
        b = round(a * (rng.uniform(0.85, 1.0) if good else rng.uniform(1.01, 1.2)), 2)
        target, actual = f"≤{a}万元", f"{_num(b)}万元"
        frac = min(a / b, 1.0)
    elif kind == "money_le_yuan":
        a = rng.choice([300, 500, 800, 1500])
        b = round(a * (rng.uniform(0.8, 1.0) if good else rng.uniform(1.01, 1.3)))
        target, actual = f"≤{a}元", f"{b}元"
        frac = min(a / b, 1.0)
    elif kind == "money_ge":
        a = rng.choice([10, 20, 50])
        b = round(a * (rng.uniform(1.0, 1.5) if good else rng.uniform(0.5, 0.99)), 2)
        target, actual = f"≥{a}万元", f"{_num(b)}万元"
        frac = min(b / a, 1.0)
    elif kind == "days":
        a = rng.choice([5, 7, 10, 15, 30])
        b = rng.randint(max(1, a - 3), a) if good else a + rng.randint(1, 5)
        target, actual = f"≤{a}天", f"{b}天"
        frac = min(a / b, 1.0)
    else:  # qual
        target = rng.choice(QUAL_TARGETS)
        actual = rng.choice(QUAL_ACTUAL) if good else rng.choice(QUAL_ACTUAL[-4:])
        frac = {"部分达成预期指标并具有一定效果": 0.7, "未达成预期指标且效果较差": 0.3, "效果明显": 1.0}.get(actual, 1.0)
    if rng.random() < 0.03:
        target, actual, frac = "/", "/", None  # not applicable this year
    return {"level1": level1, "level2": level2, "name": name, "target": target, "actual": actual, "ref": ref, "frac": frac}


def _split(total: float, n: int) -> list[float]:
    base = int(total * 100) // n
    out = [base / 100] * n
    rest = int(round(total * 100)) - base * n
    for i in range(rest):
        out[i] += 0.01
    return [round(x, 2) for x in out]


PROFILE_WEIGHTS = {
    "national-2020": (10, {"产出指标": 50, "效益指标": 30, "满意度指标": 10}),
    "sichuan": (10, {"*": 90}),
    "hubei": (20, {"产出指标": 40, "效益和满意度指标": 40}),
}


def _group(profile: str, level1: str) -> str:
    if profile == "sichuan":
        return "*"
    if profile == "hubei":
        return "产出指标" if level1 in ("产出指标", "成本指标") else "效益和满意度指标"
    return "产出指标" if level1 in ("产出指标", "成本指标") else level1


def submission(rng: random.Random, i: int) -> str:
    profile = rng.choices([p for p, _ in PROFILES], weights=[w for _, w in PROFILES])[0]
    dept = rng.choice(DEPARTMENTS)
    name = f"{rng.choice(SUBJECTS)}{rng.choice(SUFFIXES)}"
    year = rng.choice([2023, 2024, 2024, 2024])
    n = rng.randint(6, 14)
    outs = [t for t in TEMPLATES if t[0] == "产出指标"]
    effs = [t for t in TEMPLATES if t[0] == "效益指标"]
    sats = [t for t in TEMPLATES if t[0] == "满意度指标"]
    n_sat = 1
    n_eff = max(1, (n - n_sat) // 3)
    chosen = rng.sample(outs, n - n_sat - n_eff) + rng.sample(effs, n_eff) + rng.sample(sats, n_sat)
    inds = [_indicator(rng, t) for t in chosen]
    # weights: given (adding up to 100) in about half the files
    exec_w, groups = PROFILE_WEIGHTS[profile]
    give_weights = rng.random() < 0.5
    if give_weights:
        for g, gw in groups.items():
            members = [d for d in inds if _group(profile, d["level1"]) == g]
            for d, w in zip(members, _split(gw, len(members)), strict=True):
                d["weight"] = w
    # funds
    k = rng.choice([1, 1, 1, 2, 2, 3])
    sources = []
    for s in SOURCES[:k]:
        budget = round(rng.choice([3, 5, 8, 10, 20, 50, 100, 200, 500]) * rng.uniform(0.5, 1.5), 2)
        rate = rng.uniform(0.55, 1.0) if rng.random() < 0.85 else rng.uniform(1.0, 1.05)
        sources.append((s, round(budget * rng.uniform(0.9, 1.0), 2), budget, round(budget * rate, 2)))
    tb = round(sum(x[2] for x in sources), 2)
    te = round(sum(x[3] for x in sources), 2)
    ti = round(sum(x[1] for x in sources), 2)
    if rng.random() < 0.03:
        tb = round(tb + rng.choice([1, 10, 0.5]), 2)  # printed total that does not add up
    rate = te / sum(x[2] for x in sources)
    note = rng.choice(NOTES) if rate < 0.9 and rng.random() < 0.6 else None
    claims = rng.random() < 0.8
    inflate = claims and rng.random() < 0.15
    lines = [
        f"# {name}（{dept}，{year} 年度）— generated by bench/generate.py",
        "perfeval: 1",
        f"profile: {profile}",
        "project:",
        f"  name: {_q(name)}",
        f"  code: \"{year}{i:07d}\"",
        f"  year: {year}",
        f"  department: {_q(dept)}",
        f"  implementer: {_q(dept if rng.random() < 0.7 else dept + '下属中心')}",
        "funds:",
        "  unit: 万元",
        "  sources:",
    ]
    for s, ini, bud, exe in sources:
        lines.append(f"    - {{name: {s}, initial: {_num(ini)}, budget: {_num(bud)}, executed: {_num(exe)}}}")
    lines.append(f"  total: {{initial: {_num(ti)}, budget: {_num(tb)}, executed: {_num(te)}}}")
    if note:
        lines.append(f"  note: {_q(note)}")
    exec_claim = round(exec_w * min(rate, 1.0), 2)
    if claims:
        lines.append(f"  claimed_score: {_num(exec_w if inflate else exec_claim)}")
    if rng.random() < 0.5:
        lines.append("narrative:")
        for k, v in NARRATIVE.items():
            lines.append(f"  {k}: {_q(v.format(name=name, dept=dept))}")
    lines += [
        "goal:",
        f"  target: {_q('按计划完成' + name + '年度任务，服务对象满意度达到90%以上。')}",
        f"  actual: {_q('已按计划完成年度任务。')}",
        "indicators:",
    ]
    claimed_sum = exec_claim if not inflate else exec_w
    for d in inds:
        use_ref = d["ref"] and rng.random() < 0.5
        if use_ref:
            lines.append(f"  - ref: {d['ref']}")
            lines.append(f"    target: {_q(d['target'])}")
        else:
            lines.append(f"  - level1: {d['level1']}")
            lines.append(f"    level2: {d['level2']}")
            lines.append(f"    name: {_q(d['name'])}")
            lines.append(f"    target: {_q(d['target'])}")
        a = d["actual"]
        lines.append(f"    actual: {a}" if isinstance(a, int) else f"    actual: {_q(a)}")
        if "weight" in d:
            lines.append(f"    weight: {_num(d['weight'])}")
            if claims and d["frac"] is not None:
                c = d["weight"] if (inflate and d["frac"] < 1) else round(d["weight"] * d["frac"], 2)
                claimed_sum += c
                lines.append(f"    claimed_score: {_num(c)}")
        if d["frac"] is not None and d["frac"] < 0.999 and rng.random() < 0.5:
            lines.append(f"    note: {_q(rng.choice(NOTES))}")
    if claims and give_weights:
        total = round(claimed_sum, 2)
        lines.append(f"claimed_total: {_num(total)}")
        grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
        lines.append(f"claimed_grade: {grade}")
    return "\n".join(lines) + "\n"


def bad_file(rng: random.Random, i: int, good: str) -> bytes:
    kind = rng.choice(["syntax", "binary", "empty", "list", "missing", "level1"])
    if kind == "syntax":
        return good.replace("  year:", "  year:: [", 1).encode("utf-8")
    if kind == "binary":
        return bytes(rng.randrange(256) for _ in range(512)) + b"\x00\x00"
    if kind == "empty":
        return b""
    if kind == "list":
        return "- 项目名称: 某项目\n- 年度: 2024\n".encode("utf-8")
    if kind == "missing":
        head, _, _ = good.partition("indicators:")
        return head.encode("utf-8")
    return good.replace("level1: 效益指标", "level1: 效果", 1).replace("level1: 效果", "level1: 影响指标", 1).encode("utf-8")


def generate(count: int, out: str | os.PathLike, seed: int = 1, bad: float = 0.01, gbk: float = 0.005) -> list[Path]:
    rng = random.Random(seed)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = submission(rng, i)
        d = root / f"d{i % 40:02d}"
        if i < 40:
            d.mkdir(exist_ok=True)
        p = d / f"p{i:06d}.yaml"
        r = rng.random()
        if r < bad:
            data = bad_file(rng, i, text)
        elif r < bad + gbk:
            data = text.encode("gb18030")
        else:
            data = text.encode("utf-8")
        p.write_bytes(data)
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out", default="bench/_data/gen")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bad", type=float, default=0.01, help="share of broken files")
    a = ap.parse_args(argv)
    paths = generate(a.count, a.out, a.seed, a.bad)
    print(f"wrote {len(paths)} files under {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
