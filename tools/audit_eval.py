"""Measure ``perfeval audit`` on a folder of report texts: findings as they are, and recall on planted errors.

    python tools/audit_eval.py DIR [--plants 100] [--seed 12] [--labels labels.json] [--show]

1. Every ``*.txt``/``*.md`` in DIR is audited as it is.  Each finding is printed with ``--show``; with
   ``--labels`` (a JSON object ``{"file:line:code:claimed": "true"|"false"}``, written by hand after
   checking the arithmetic) the findings are counted as true errors / false alarms (precision).
2. Plants: one number of one claim is changed in a copy of a text (a share, a change rate or an
   execution rate by at least 0.5 point / one printed unit, or the whole in front of 其中 by 2–10 %);
   the copy is audited and the plant counts as found when a finding that the original did not have
   lands within two lines of the changed number.  Plants are spread over the texts round-robin and
   chosen with a fixed seed, so a run is reproducible; recall is reported per kind.

The texts themselves are third-party material: keep them outside the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

_SRC = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(Path(__file__).resolve().parents[1] / "src")
sys.path.insert(0, _SRC)  # --src: measure another checkout (e.g. main before a change) with the same plants

from perfeval.audit import audit_text  # noqa: E402
from perfeval.audit.readers import decode  # noqa: E402

# the plant finder has its own number pattern, independent of the code under test
NUMBER = re.compile(r"(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(%|亿元|万元|元)")

KINDS = {
    "share": re.compile(r"占[^%\d,，;；。]{0,14}$"),
    "change": re.compile(r"(增长|下降|降低|减少|增加|上升|增幅|降幅|负增长)了?(为)?\s*$"),
    "rate": re.compile(r"(完成预算|执行率|完成率|完成年初预算|完成调整预算)(数)?[的为]?\s*$"),
}
WHOLE_AFTER = re.compile(r"^\s*[,，。.]?\s*其中")
# a change rate with its amount in front ("增加27.26万元，增长11.21%"), an execution rate with two amounts before it
CHANGE_AMOUNT = re.compile(r"(增加|减少|增长|下降|上升|降低|增|减|节约|压减)了?\s?[\d,.]+\s?(亿元|万元|元)\s?[,，]?\s?(同比)?"
                           r"(增长|下降|降低|减少|增加|上升|增幅|降幅|负增长)了?(为)?\s*$")
MONEY_BEFORE = re.compile(r"[\d.]+\s?(亿元|万元|元)")


def key(f: dict, name: str) -> str:
    return f"{name}:{f['line']}:{f['code']}:{f['claimed']}"


def candidates(lines: list[str]) -> list[tuple[str, int, int, int, str, bool]]:
    """(kind, line index, start, end, printed, checkable) of every number a plant may change.

    ``checkable``: the claim carries what checking it needs on its own line (a change rate with its
    amount, an execution rate with two amounts before it; shares and sums always count).
    """
    out = []
    for i, raw in enumerate(lines):
        for m in NUMBER.finditer(raw):
            if m.group(2) == "%":
                before = raw[max(0, m.start() - 16):m.start()]
                for kind, rx in KINDS.items():
                    if rx.search(before):
                        ok = True
                        if kind == "change":
                            ok = bool(CHANGE_AMOUNT.search(raw[max(0, m.start() - 40):m.start()]))
                        elif kind == "rate":
                            ok = len(MONEY_BEFORE.findall(raw[:m.start()])) >= 2
                        out.append((kind, i, m.start(), m.end(), m.group(0), ok))
                        break
            elif WHOLE_AFTER.match(raw[m.end():m.end() + 6]) and float(m.group(1).replace(",", "")) > 0:
                out.append(("sum", i, m.start(), m.end(), m.group(0), True))
    return out


_NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")


def planted(printed: str, kind: str, rng: random.Random) -> str | None:
    m = _NUM.search(printed)
    if not m:
        return None
    s = m.group(0).replace(",", "")
    d = len(s.partition(".")[2])
    v = Decimal(s)
    unit = Decimal(1).scaleb(-d)
    if kind == "sum":
        new = (v * Decimal(1 + rng.uniform(0.02, 0.10))).quantize(unit)
        if new == v:
            new = v + unit
    else:
        delta = max(Decimal(str(rng.choice([0.6, 1, 1.5, 2, 3, 5]))), unit).quantize(unit)
        if delta == 0:
            delta = unit
        new = v - delta if v - delta >= 0 and rng.random() < 0.5 else v + delta
    return printed[:m.start()] + f"{new:.{d}f}" + printed[m.end():]


def audit_rows(text: str, name: str) -> list[dict]:
    return [f.to_dict() for f in audit_text(text, name)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--plants", type=int, default=100)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--labels")
    ap.add_argument("--show", action="store_true", help="print every finding and every missed plant")
    ap.add_argument("--src", help="the src/ directory whose perfeval is measured (default: this checkout)")
    a = ap.parse_args(argv)
    files = sorted(p for p in Path(a.dir).iterdir() if p.suffix in (".txt", ".md"))
    texts = {p.name: decode(p.read_bytes())[0] or "" for p in files}
    labels = json.loads(Path(a.labels).read_text("utf-8")) if a.labels else {}

    # 1. the texts as they are
    base: dict[str, set[tuple]] = {}
    verdict = Counter()
    by_kind = Counter()
    for name, text in texts.items():
        rows = audit_rows(text, name)
        base[name] = {(r["line"], r["code"], str(r["claimed"])) for r in rows}
        for r in rows:
            v = labels.get(key(r, name), "?")
            verdict[v] += 1
            by_kind[r["kind"]] += 1
            if a.show:
                print(f"[{v:5}] {name}:{r['line']} {r['code']} {r['kind']} claimed={r['claimed']} expected={r['expected']}"
                      f"  {r['sentence'][:90]}")
    n = sum(verdict.values())
    print(f"texts: {len(texts)}  findings: {n}  by kind: {dict(by_kind)}")
    if labels:
        judged = verdict["true"] + verdict["false"]
        prec = verdict["true"] / judged if judged else 1.0
        print(f"  true errors: {verdict['true']}  false alarms: {verdict['false']}  unlabelled: {verdict['?']}"
              f"  precision: {prec:.1%}")

    # 2. plants
    rng = random.Random(a.seed)
    pools = {name: candidates(text.splitlines()) for name, text in texts.items()}
    for pool in pools.values():
        rng.shuffle(pool)
    order = [n for n in texts if pools[n]]
    plants = []
    while len(plants) < a.plants and any(pools[n] for n in order):
        for name in order:
            if pools[name] and len(plants) < a.plants:
                plants.append((name, pools[name].pop()))
    hit = Counter()
    tried = Counter()
    missed = []
    for name, (kind, i, start, end, printed, checkable) in plants:
        if not checkable:
            kind += "?"
        new = planted(printed, kind.rstrip("?"), rng)
        if new is None:
            continue
        lines = texts[name].splitlines()
        lines[i] = lines[i][:start] + new + lines[i][end:]
        rows = audit_rows("\n".join(lines), name)
        fresh = [r for r in rows if (r["line"], r["code"], str(r["claimed"])) not in base[name]]
        tried[kind] += 1
        if any(abs(r["line"] - (i + 1)) <= 2 for r in fresh):
            hit[kind] += 1
        else:
            missed.append((name, i + 1, kind, printed, new, lines[i].strip()))
    total_t, total_h = sum(tried.values()), sum(hit.values())
    ct = sum(v for k, v in tried.items() if not k.endswith("?"))
    ch = sum(v for k, v in hit.items() if not k.endswith("?"))
    print(f"plants: {total_t}  found: {total_h}  recall: {total_h / max(total_t, 1):.1%}"
          f"  (checkable on their line: {ch}/{ct} = {ch / max(ct, 1):.1%}; kind? = not checkable alone)")
    for kind in sorted(tried):
        print(f"  {kind:7} {hit[kind]:3}/{tried[kind]:3}  {hit[kind] / tried[kind]:.1%}")
    if a.show:
        per = defaultdict(list)
        for m in missed:
            per[m[2]].append(m)
        for kind, ms in per.items():
            for name, line, _, old, new, text in ms:
                print(f"  missed {kind}: {name}:{line} {old} → {new}  {text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
