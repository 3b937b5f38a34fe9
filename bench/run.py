"""Bulk-review benchmarks, measured side by side in one run (``make bench``).

    python bench/run.py [--count 10000] [--jobs 2] [--rows 1000000] [--repeat 3] [--big]

(a) ``perfeval batch`` over ``--count`` generated submission files (all outputs, no forms)
    against merely parsing the same files with PyYAML's CSafeLoader in a pool of the same
    number of processes, with the same chunks: ratio, target ≤ 1.25.
(b) validation + scoring of a ``--rows`` indicator-row long frame (pandera + polars engine)
    against a bare numpy implementation of the same rules on the same data (weights
    defaulted and redistributed, completion and score per comparator, execution rate,
    subtotals, total, grade, and the same validation predicates): ratio, target ≤ 3.  The
    numpy totals are checked against the engine's before any figure is printed.
(c) with ``--big``: peak memory of a batch over 100,000 generated projects (the batch runs
    in a child process that reports its own and its workers' ru_maxrss): target < 2 GB.

Runs alternate (bare, batch, bare, batch, …) and the minima are compared, because the
machine is shared and noisy.  Generated files go to bench/_data/ (git-ignored) and are
reused while the generator's seed and count match.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import generate  # noqa: E402

DATA = HERE / "_data"
OUT = HERE / "_out"


def dataset(count: int, seed: int = 1) -> Path:
    d = DATA / str(count)
    stamp = d / ".stamp"
    want = json.dumps({"count": count, "seed": seed, "generator": (HERE / "generate.py").stat().st_mtime_ns})
    if stamp.exists() and stamp.read_text() == want:
        return d
    if d.exists():
        shutil.rmtree(d)
    t = time.perf_counter()
    generate.generate(count, d, seed)
    stamp.write_text(want)
    print(f"generated {count} files in {time.perf_counter() - t:.1f} s → {d}", file=sys.stderr)
    return d


# ---------------------------------------------------------------------------
# (a) batch vs bare parse
# ---------------------------------------------------------------------------
def _bare_chunk(paths: list[str]) -> int:
    import yaml

    n = 0
    for p in paths:
        try:
            with open(p, "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            n += 1
        except Exception:  # noqa: BLE001 - broken files are part of the data set
            pass
    return n


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the pool workers)."""
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def bare_parse(units, jobs: int) -> tuple[float, float]:
    """(wall, CPU) seconds to parse the same files with CSafeLoader in the same pool and chunks."""
    import multiprocessing as mp

    from perfeval.batch.runner import plan_tasks

    t, c = time.perf_counter(), _cpu()
    chunks = [[u.path for u in task] for task in plan_tasks(units, jobs)]
    with mp.get_context("fork").Pool(jobs) as pool:
        sum(pool.imap(_bare_chunk, chunks, chunksize=1))
    return time.perf_counter() - t, _cpu() - c


def batch_run(inputs: list[str], jobs: int, forms: str = "none", tag: str = "a") -> tuple[float, float, dict]:
    from perfeval.batch import Options, run

    out = OUT / tag
    t, c = time.perf_counter(), _cpu()
    res = run(inputs, Options(out=str(out), jobs=jobs, seed=1, forms=forms))
    return time.perf_counter() - t, _cpu() - c, {**res.timings, "projects": res.projects, "scored": res.scored,
                                                 "rejected": res.rejected, "n_forms": res.forms}


PHASE_KEYS = ("list", "parse", "evaluate", "write")


def bench_a(count: int, jobs: int, repeat: int) -> dict:
    """Batch vs bare parse, interleaved; the minimum of each (the machine is shared), wall and CPU."""
    from perfeval.batch import expand

    d = dataset(count)
    units = expand([str(d)])
    _bare_chunk([u.path for u in units])  # warm the page cache
    bare, full, bare_cpu, full_cpu, phases = [], [], [], [], []
    for _ in range(repeat):
        w, c = bare_parse(units, jobs)
        bare.append(w)
        bare_cpu.append(c)
        w, c, ph = batch_run([str(d)], jobs)
        full.append(w)
        full_cpu.append(c)
        phases.append(ph)
    mb, mf = min(bare), min(full)
    ph = {k: min(p.get(k, 0.0) for p in phases) for k in PHASE_KEYS}
    return {"files": len(units), "jobs": jobs, "bare_s": mb, "batch_s": mf, "ratio": mf / mb, "phases": ph,
            "bare_cpu_s": min(bare_cpu), "batch_cpu_s": min(full_cpu), "cpu_ratio": min(full_cpu) / min(bare_cpu),
            "bare_runs": bare, "batch_runs": full, "scored": phases[-1]["scored"], "rejected": phases[-1]["rejected"]}


def bench_d(count: int, jobs: int, repeat: int) -> dict:
    """Forms per second (``--forms html`` / ``xlsx``) over the first ``count`` generated files, and CPU per form."""
    d = dataset(count)
    out: dict = {"files": count, "jobs": jobs}
    for fmt in ("html", "xlsx"):
        rates, cpu = [], []
        for _ in range(repeat):
            _, c0, _ = batch_run([str(d)], jobs, "none", "d0")
            _, c1, ph = batch_run([str(d)], jobs, fmt, "d")
            rates.append(ph["n_forms"] / max(ph.get("forms", 0.0), 1e-9))  # forms written per second of the forms phase
            cpu.append(max(c1 - c0, 0.0) / max(ph["n_forms"], 1))  # CPU of the run with forms minus the run without
        out[fmt] = {"forms": ph["n_forms"], "per_s": max(rates), "cpu_ms_per_form": min(cpu) * 1000,
                    "per_s_cpu_bound": jobs / (min(cpu) or 1e-9)}
    return out


# ---------------------------------------------------------------------------
# (b) validation + scoring of a long frame vs bare numpy
# ---------------------------------------------------------------------------
def long_frames(rows: int):
    """A ``rows``-row indicator frame: 2,000 generated projects parsed once, then tiled."""
    import polars as pl

    from perfeval.declare.load import load_path
    from perfeval.declare.rows import Columns
    from perfeval.pipeline import prepare_one

    d = dataset(2000, seed=7)
    cols = Columns()
    sub = 0
    for p in sorted(d.rglob("*.yaml")):
        if prepare_one(load_path(p), sub, cols):
            sub += 1
    P, F, I = cols.frames()
    reps = max(1, -(-rows // I.height))
    Ps, Fs, Is = [], [], []
    for k in range(reps):
        off = k * sub
        Ps.append(P.with_columns(pl.col("sub") + off))
        Fs.append(F.with_columns(pl.col("sub") + off))
        Is.append(I.with_columns(pl.col("sub") + off))
    I = pl.concat(Is).head(rows)
    last = int(I["sub"].max())
    P = pl.concat(Ps).filter(pl.col("sub") <= last)
    F = pl.concat(Fs).filter(pl.col("sub") <= last)
    files = [f"f{k}" for k in range(last + 1)]
    return P.rechunk(), F.rechunk(), I.rechunk(), files


def engine(P, F, I, files):
    from perfeval.scoring.engine import prepare, profiles_for, score
    from perfeval.validate import validate_frames

    profiles = profiles_for(sorted(set(P["profile"].to_list())))
    Ip = prepare(I, profiles)
    issues = validate_frames(P, F, Ip, files)
    s = score(P, F, Ip, profiles)
    return s, issues


def numpy_inputs(P, I):
    """Plain arrays (what a bare numpy implementation starts from), outside the timed region."""
    import numpy as np

    from perfeval.profile import get_profile

    prof_names = sorted(set(P["profile"].to_list()))
    profiles = [get_profile(n) for n in prof_names]
    pid_of = {n: k for k, n in enumerate(prof_names)}
    ops = [">=", ">", "<=", "<", "=", "range", "qualitative", "na", "empty"]
    op_id = {o: k for k, o in enumerate(ops)}
    tiers = ["达成", "部分达成", "未达成"]
    l1 = ["产出指标", "效益指标", "满意度指标", "成本指标"]
    to_id = lambda s, m: np.array([m.get(x, -1) for x in s.to_list()], dtype=np.int16)  # noqa: E731
    return {
        "profiles": profiles,
        "sub": I["sub"].to_numpy().astype(np.int64),
        "prof": to_id(I["profile"], pid_of),
        "op": to_id(I["op"], op_id),
        "b_op": to_id(I["b_op"], op_id),
        "l1": to_id(I["level1"], {x: k for k, x in enumerate(l1)}),
        "tier": to_id(I["tier"], {x: k for k, x in enumerate(tiers)}),
        "a": I["a"].to_numpy().astype(float), "hi": I["a_hi"].to_numpy().astype(float), "b": I["b"].to_numpy().astype(float),
        "w": I["weight"].to_numpy().astype(float), "ratio": I["ratio"].to_numpy().astype(float),
        "claimed": I["claimed"].to_numpy().astype(float),
        "pct": (I["unit"] == "%").fill_null(False).to_numpy(), "unit_ok": I["unit_ok"].to_numpy(),
        "p_sub": P["sub"].to_numpy().astype(np.int64), "p_prof": to_id(P["profile"], pid_of),
        "budget": P["budget"].to_numpy().astype(float), "executed": P["executed"].to_numpy().astype(float),
        "n_sub": int(P["sub"].max()) + 1,
    }


def numpy_score(x):
    """The national/provincial rules in bare numpy (same formulas as perfeval.scoring)."""
    import numpy as np

    from perfeval.numbers import round_half_up

    GE, GT, LE, LT, EQ, RANGE, QUAL, NA, EMPTY = range(9)
    sub, prof, op, l1, tier = x["sub"], x["prof"], x["op"], x["l1"], x["tier"]
    a, hi, b, w, ratio = x["a"], x["hi"], x["b"], x["w"], x["ratio"]
    n, n_sub = len(sub), x["n_sub"]
    profiles = x["profiles"]
    # --- validation predicates (counts of failing rows), as in perfeval.validate ---
    numeric = op <= RANGE
    bad = 0
    bad += np.count_nonzero(op == EMPTY)
    bad += np.count_nonzero((numeric | (op == QUAL)) & (x["b_op"] == EMPTY))
    bad += np.count_nonzero(numeric & (x["b_op"] == QUAL))
    bad += np.count_nonzero(~x["unit_ok"])
    bad += np.count_nonzero((op == QUAL) & (x["b_op"] != EMPTY) & (x["b_op"] != NA) & (tier < 0))
    point = op <= EQ
    bad += np.count_nonzero(x["pct"] & (np.abs(np.nan_to_num(a)) > 100) & point)
    bad += np.count_nonzero(x["pct"] & (np.nan_to_num(b) > 100))
    bad += np.count_nonzero(point & (a < 0)) + np.count_nonzero((op != RANGE) & (b < 0))
    bad += np.count_nonzero(w < 0) + np.count_nonzero(x["claimed"] < 0) + np.count_nonzero(w > 100)
    bad += np.count_nonzero(l1 < 0)
    # --- weight groups and targets ---
    grp = np.full(n, -1, dtype=np.int64)
    target = np.zeros(n)
    applicable = op != NA
    G = 8
    for k, p in enumerate(profiles):
        in_p = prof == k
        names = [g.name for g in p.groups]
        for gi, g in enumerate(p.groups):
            lv = np.isin(l1, [["产出指标", "效益指标", "满意度指标", "成本指标"].index(v) for v in g.levels])
            grp[in_p & lv] = gi
        for gi, g in enumerate(p.groups):
            t = np.full(n, g.weight)
            for src, dst in p.missing_group_to.items():
                if dst == g.name and src in names:
                    si = names.index(src)
                    has = np.zeros(n_sub, dtype=bool)
                    m = in_p & (grp == si) & applicable
                    has[sub[m]] = True
                    src_w = p.groups[si].weight
                    t = t + np.where(has[sub], 0.0, src_w)
            sel = in_p & (grp == gi)
            target[sel] = t[sel]
    key = sub * G + np.where(grp < 0, G - 1, grp)
    miss = applicable & np.isnan(w)
    given = np.bincount(key, np.where(applicable & ~np.isnan(w), w, 0.0), minlength=n_sub * G)[key]
    nmiss = np.bincount(key, miss, minlength=n_sub * G)[key]
    naw = np.bincount(key, np.where(~applicable & ~np.isnan(w), w, 0.0), minlength=n_sub * G)[key]
    order = np.argsort(key, kind="stable")
    cm = np.cumsum(miss[order])
    starts = np.r_[0, np.flatnonzero(np.diff(key[order])) + 1]
    base = np.repeat(np.r_[0, cm[starts[1:] - 1]], np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = cm - base - 1
    cents = np.clip(np.round((target - given) * 100), 0, None).astype(np.int64)
    nm = np.maximum(nmiss, 1)
    split = (cents // nm + (rank < cents % nm)) / 100.0
    redistribute = (nmiss == 0) & (naw > 0) & (given > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.round(w * (given + naw) / given, 2)
    weff = np.where(~applicable, 0.0, np.where(miss & (grp >= 0), split, np.where(miss, 0.0, np.where(redistribute, scaled, w))))
    # residual cents after redistribution go to the largest row of the group
    resid = np.round(given + naw - np.bincount(key, np.nan_to_num(weff), minlength=n_sub * G)[key], 2)
    order2 = np.lexsort((np.arange(n), -np.nan_to_num(weff), key))
    first = np.zeros(n, dtype=bool)
    firsts = order2[np.r_[0, np.flatnonzero(np.diff(key[order2])) + 1]]
    first[firsts] = True
    weff = np.where(redistribute & applicable & first, np.round(weff + resid, 2), weff)
    # --- completion and fraction per comparator ---
    usable = np.where(op == QUAL, tier >= 0, ~np.isnan(b) & ~np.isnan(a))
    frac = np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, p in enumerate(profiles):
            in_p = (prof == k) & usable
            m = in_p & ((op == GE) | (op == GT))
            c = np.where(a[m] == 0, 1.0, b[m] / a[m])
            frac[m] = np.clip(c, 0, 1)
            m = in_p & ((op == LE) | (op == LT))
            am, bm = a[m], b[m]
            r = np.where(bm == 0, 1.0, am / bm)
            if p.reverse == "linear":
                f = np.where(bm <= am, 1.0, 1.0 - np.where(am == 0, np.inf, (bm - am) / am))
            else:
                f = np.where(bm <= am, np.maximum(r, 1.0), r)
            frac[m] = np.clip(np.nan_to_num(f, nan=0.0, neginf=0.0), 0, 1)
            m = in_p & (op == EQ)
            am, bm = a[m], b[m]
            ceil = np.isin(am, np.asarray(p.equality_ceiling, dtype=float)) & x["pct"][m]
            lo, hi_ = np.minimum(am, bm), np.maximum(am, bm)
            sym = np.where(hi_ == 0, 1.0, lo / hi_)
            pos = np.where(am == 0, 1.0, bm / am)
            frac[m] = np.where(ceil, np.clip(pos, 0, 1), np.clip(sym, 0, 1))
            m = in_p & (op == RANGE)
            lo_, hi2, bm = a[m], hi[m], b[m]
            below = np.where(lo_ > 0, np.where(lo_ == 0, 0.0, bm / lo_), np.where(lo_ < 0, np.where(bm == 0, 0.0, lo_ / bm), 0.0))
            above = np.where(hi2 > 0, np.where(bm == 0, 0.0, hi2 / bm), 0.0)
            f = np.where(bm < lo_, below, np.where(bm > hi2, above, 1.0))
            frac[m] = np.clip(np.nan_to_num(f, nan=0.0), 0, 1)
            m = in_p & (op == QUAL)
            dflt = np.array([p.qual_default[t] for t in ("达成", "部分达成", "未达成")])[tier[m]]
            frac[m] = np.clip(np.where(np.isnan(ratio[m]), dflt, ratio[m]), 0, 1)
    score = round_half_up(np.nan_to_num(weff) * frac, 2)
    # --- per project ---
    ind_score = np.bincount(sub, score, minlength=n_sub)
    subtotals = [np.bincount(sub, np.where(l1 == k, score, 0.0), minlength=n_sub) for k in range(4)]
    pp, budget, executed = x["p_prof"], x["budget"], x["executed"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(budget > 0, executed / budget, np.nan)
    exec_w = np.zeros(len(pp))
    for k, p in enumerate(profiles):
        exec_w[pp == k] = p.exec_weight
    exec_score = round_half_up(exec_w * np.clip(np.nan_to_num(rate), 0, 1), 2)
    total = np.round((exec_score + ind_score[x["p_sub"]]) * 100) / 100
    grade = np.full(len(pp), 3, dtype=np.int8)
    for k, p in enumerate(profiles):
        g = np.select([total >= lo - 1e-9 for _, lo in p.grades[:-1]], list(range(len(p.grades) - 1)), len(p.grades) - 1)
        grade[pp == k] = g[pp == k]
    return total, grade, subtotals, bad


def bench_b(rows: int, repeat: int) -> dict:
    import numpy as np

    P, F, I, files = long_frames(rows)
    x = numpy_inputs(P, I)
    engine(P, F, I, files)  # warm: pandera schema construction, profile parsing
    numpy_score(x)
    eng, npy = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        s, issues = engine(P, F, I, files)
        eng.append(time.perf_counter() - t)
        t = time.perf_counter()
        total, grade, _, bad = numpy_score(x)
        npy.append(time.perf_counter() - t)
    ref = s.projects.sort("sub")["total"].to_numpy()
    mismatch = int(np.count_nonzero(np.abs(np.nan_to_num(ref) - total) > 1e-6))
    t = time.perf_counter()
    from perfeval.review import review

    review(s, files)
    t_review = time.perf_counter() - t
    me, mn = statistics.median(eng), statistics.median(npy)
    return {"rows": I.height, "projects": P.height, "engine_s": me, "numpy_s": mn, "ratio": me / mn,
            "total_mismatches": mismatch, "validation_issues": len(issues), "numpy_failing_rows": int(bad),
            "review_s": t_review, "engine_runs": eng, "numpy_runs": npy}


# ---------------------------------------------------------------------------
# (c) peak memory for 100,000 projects
# ---------------------------------------------------------------------------
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {src!r})
from perfeval.batch import Options, run
t = time.perf_counter()
res = run([{data!r}], Options(out={out!r}, jobs={jobs}, seed=1))
wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "projects": res.projects, "timings": res.timings,
    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""


def bench_c(count: int, jobs: int) -> dict:
    d = dataset(count)
    code = CHILD.format(src=str(ROOT / "src"), data=str(d), out=str(OUT / "c"), jobs=jobs)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    parent_mb, worker_mb = r["self_kb"] / 1024, r["workers_kb"] / 1024
    return {"projects": r["projects"], "wall_s": r["wall"], "timings": r["timings"], "parent_peak_mb": parent_mb,
            "worker_peak_mb": worker_mb, "sum_upper_bound_mb": parent_mb + jobs * worker_mb}


# ---------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big", action="store_true", help="also measure peak memory over 100,000 projects (slow)")
    ap.add_argument("--big-count", type=int, default=100_000)
    ap.add_argument("--forms-count", type=int, default=1_000, help="files for the forms-per-second measure (d)")
    ap.add_argument("--no-forms", action="store_true", help="skip (d)")
    ap.add_argument("--json", help="write the figures to this file as JSON")
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    figures: dict = {"machine": machine()}
    print(f"machine: {figures['machine']}")
    ra = figures["a"] = bench_a(a.count, a.jobs, a.repeat)
    rb = figures["b"] = bench_b(a.rows, a.repeat)
    rc = figures["c"] = bench_c(a.big_count, a.jobs) if a.big else None
    rd = figures["d"] = None if a.no_forms else bench_d(a.forms_count, a.jobs, a.repeat)
    rows = [
        ("(a) batch over {:,} files, {} processes".format(ra["files"], ra["jobs"]),
         f"{ra['batch_s']:.2f} s", f"bare CSafeLoader parse {ra['bare_s']:.2f} s", f"{ra['ratio']:.2f}", "≤ 1.25"),
        ("(a') the same in CPU seconds (parent + workers)",
         f"{ra['batch_cpu_s']:.2f} s", f"bare parse {ra['bare_cpu_s']:.2f} s", f"{ra['cpu_ratio']:.2f}", "≤ 1.25"),
        ("(b) validate + score {:,} rows".format(rb["rows"]),
         f"{rb['engine_s']:.3f} s", f"bare numpy {rb['numpy_s']:.3f} s", f"{rb['ratio']:.2f}", "≤ 3"),
    ]
    if rd:
        for fmt, target in (("html", 1500), ("xlsx", 400)):
            x = rd[fmt]
            rows.append((f"(d) --forms {fmt}, {rd['jobs']} processes ({x['forms']} forms)", f"{x['per_s']:.0f} /s",
                         f"CPU {x['cpu_ms_per_form']:.2f} ms/form → {x['per_s_cpu_bound']:.0f} /s on {rd['jobs']} idle cores",
                         "", f"≥ {target} /s"))
    if rc:
        rows.append(("(c) peak memory, {:,} projects".format(rc["projects"]), f"{rc['parent_peak_mb']:.0f} MB parent",
                     f"{rc['worker_peak_mb']:.0f} MB per worker", f"≤ {rc['sum_upper_bound_mb']:.0f} MB total", "< 2048 MB"))
    w = [max(len(str(r[i])) for r in rows) for i in range(5)]
    print()
    for r in [("measure", "perfeval", "baseline", "ratio", "target")] + rows:
        print("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(max(w[i], 8)) for i, c in enumerate(r)))
    ph = ra["phases"]
    print("\n(a) phases (minimum of the runs) as a multiple of the bare parse: "
          + ", ".join(f"{k} {ph[k]:.2f} s = {ph[k] / ra['bare_s']:.2f}×" for k in PHASE_KEYS))
    print(f"(a) read+check {ph['parse']:.2f} s, evaluate {ph['evaluate']:.2f} s, write outputs {ph['write']:.2f} s; "
          f"{ra['scored']} scored, {ra['rejected']} rejected; runs bare {['%.2f' % x for x in ra['bare_runs']]}, "
          f"batch {['%.2f' % x for x in ra['batch_runs']]}")
    print(f"(b) engine runs {['%.3f' % x for x in rb['engine_runs']]}, numpy runs {['%.3f' % x for x in rb['numpy_runs']]}; "
          f"totals differing from numpy: {rb['total_mismatches']}; review (not timed above) {rb['review_s']:.2f} s")
    if rc:
        print(f"(c) wall {rc['wall_s']:.1f} s, phases {json.dumps({k: round(v, 1) for k, v in rc['timings'].items()})}")
    if a.json:
        Path(a.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
