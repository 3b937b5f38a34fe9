"""Results-store benchmarks (issue 14), measured side by side in one run.

    python bench/store.py [--count 100000] [--jobs 2] [--repeat 2] [--years 5]

(1) the cost of ``batch --db``: ``perfeval batch`` over ``--count`` generated submissions, without
    ``--db`` and with ``--db`` on a store that already holds the year before for every project
    (the worst case: last year is read, PE710/PE711 computed, the 上年 columns added, everything
    written).  Each run is a fresh child process; runs alternate (bare, db, bare, db, …) and the
    minimum and median of each are compared.  Target: ≤ 15 % added.
(2) ``history`` for one project code on a store holding ``--years`` years × ``--count``
    projects (the generated run written again with the year shifted, through the store's own
    writer): open + query + close, in-process (min/median of 20), and the whole ``perfeval
    history --code`` command in a child process.  Target: < 0.5 s.  The file size is reported.

The machine may be shared: the figures printed say so.
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

from run import dataset  # noqa: E402

WORK = HERE / "_store"
CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
from perfeval.batch import Options, run
t = time.perf_counter()
res = run([{data!r}], Options(out={out!r}, jobs={jobs}, seed=1, db={db!r}))
print(json.dumps({{"seconds": time.perf_counter() - t, "timings": res.timings, "stored": res.stored}}))
"""


def batch(data: Path, jobs: int, db: Path | None, out: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    script = CHILD.format(src=str(ROOT / "src"), data=str(data), out=str(out), jobs=jobs, db=str(db) if db else None)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def shifted_copy(src: Path, dst: Path, shifts: list[int], copies: int = 1) -> None:
    """Write the rows of ``src`` into ``dst`` once per shift, with the year moved by that many years.

    ``copies`` > 1 writes each project that many times under distinct codes (``<code>-<k>``), to reach a
    large store from a smaller generated run.
    """
    import polars as pl

    from perfeval.store import open_for_run, open_store

    if dst.exists():
        dst.unlink()
    s = open_store(src)
    try:
        frames = {t: s.query(f"SELECT * EXCLUDE (run_id) FROM {t}") for t in ("projects", "funds", "indicators", "findings")}
        run = s.query("SELECT * FROM runs ORDER BY run_id LIMIT 1").row(0, named=True)
    finally:
        s.close()
    for k in shifts:
        for c in range(copies):
            d = open_for_run(dst)
            try:
                tag = f"-{c}" if copies > 1 else ""
                moved = {t: f.with_columns((pl.col("year") + k).cast(pl.Int32), pl.col("project_key") + tag) for t, f in frames.items()}
                moved["projects"] = moved["projects"].with_columns(pl.col("code") + tag)
                d.write_run({**run, "started_at": None}, moved)
                d.commit()
            finally:
                d.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--history-projects", type=int, default=100_000, help="projects per year in the history store")
    args = ap.parse_args()
    data = dataset(args.count)
    WORK.mkdir(exist_ok=True)
    out = WORK / "out"
    seed_db = WORK / "seed.duckdb"
    prev_db = WORK / "prev.duckdb"
    hist_db = WORK / "history.duckdb"
    for f in (seed_db, prev_db):
        if f.exists():
            f.unlink()
    t = time.perf_counter()
    first = batch(data, args.jobs, seed_db, out)  # the first year into an empty store
    print(f"first run into an empty store: {first['seconds']:.1f} s, store phases "
          f"{first['timings'].get('store_read', 0):.2f} + {first['timings'].get('store_write', 0):.2f} s", file=sys.stderr)
    shifted_copy(seed_db, prev_db, [-1])  # the same projects, one year earlier
    print(f"prepared the stores in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    bare, withdb, phases = [], [], []
    for r in range(args.repeat):
        bare.append(batch(data, args.jobs, None, out)["seconds"])
        run_db = WORK / "run.duckdb"
        shutil.copyfile(prev_db, run_db)
        res = batch(data, args.jobs, run_db, out)
        withdb.append(res["seconds"])
        phases.append(res["timings"])
        assert res["stored"]["previous"] > 0.9 * args.count, res["stored"]
        print(f"repeat {r + 1}: bare {bare[-1]:.1f} s, --db {withdb[-1]:.1f} s "
              f"(store read {res['timings'].get('store_read', 0):.2f} s, write {res['timings'].get('store_write', 0):.2f} s)", file=sys.stderr)
    run_size = (WORK / "run.duckdb").stat().st_size

    copies = max(1, -(-args.history_projects // args.count))
    shifted_copy(seed_db, hist_db, list(range(-(args.years - 1), 1)), copies)
    from perfeval.store import open_store

    s = open_store(hist_db)
    try:
        n_projects = s.count("projects")
        n_ind = s.count("indicators")
        n_find = s.count("findings")
        code = s.query("SELECT code FROM projects WHERE code IS NOT NULL ORDER BY code LIMIT 1 OFFSET ?", [n_projects // (2 * args.years)])["code"][0]
    finally:
        s.close()
    times = []
    for _ in range(20):
        t = time.perf_counter()
        s = open_store(hist_db)
        h = s.history(code=code)
        s.close()
        times.append(time.perf_counter() - t)
    assert h.height == args.years, h
    cli = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from perfeval.cli import main; main()", "history", "--db", str(hist_db), "--code", code,
                        "--format", "json"], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        cli.append(time.perf_counter() - t)
    report = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores (shared with other jobs), Python {platform.python_version()}",
        "count": args.count, "jobs": args.jobs, "repeat": args.repeat,
        "batch_bare_s": {"min": min(bare), "median": statistics.median(bare), "all": bare},
        "batch_db_s": {"min": min(withdb), "median": statistics.median(withdb), "all": withdb},
        "added_pct_min": 100 * (min(withdb) / min(bare) - 1),
        "added_pct_median": 100 * (statistics.median(withdb) / statistics.median(bare) - 1),
        "store_phases_s": [{k: round(v, 2) for k, v in p.items() if k.startswith("store")} for p in phases],
        "store_after_two_years_bytes": run_size,
        "history_store": {"years": args.years, "projects": n_projects, "indicators": n_ind, "findings": n_find,
                          "bytes": hist_db.stat().st_size},
        "history_query_s": {"min": min(times), "median": statistics.median(times)},
        "history_cli_s": {"min": min(cli), "median": statistics.median(cli)},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
