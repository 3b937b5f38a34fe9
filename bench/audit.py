"""``perfeval audit`` speed (issue 12): the seed alone, and 1,000 reports of its size.

    python bench/audit.py [--count 1000] [--jobs 2] [--repeat 3]

(a) one audit of the seed text (≈ 200 lines), in process, after a warm-up import: the
    minimum of ``--repeat`` × 20 runs (target < 0.2 s);
(b) ``perfeval audit DIR --jobs N --format json`` over ``--count`` copies of the seed
    (with one number changed per copy so no two files are the same), as a subprocess —
    the figure includes interpreter start-up and imports (target < 30 s for 1,000 with 2 jobs).
Runs are repeated and the minimum is reported, because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "narratives" / "seed-xiqu-union-2024.txt"
DATA = ROOT / "bench" / "_data" / "audit"


def one_seed(repeat: int) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from perfeval.audit import audit_file

    audit_file(str(SEED))
    best = float("inf")
    for _ in range(repeat * 20):
        t = time.perf_counter()
        a = audit_file(str(SEED))
        best = min(best, time.perf_counter() - t)
    assert len(a.findings) == 12
    return best


def corpus(count: int) -> Path:
    d = DATA / str(count)
    if d.is_dir() and len(list(d.iterdir())) == count:
        return d
    d.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text("utf-8")
    for i in range(count):
        (d / f"{i:05d}.txt").write_text(text.replace("27.10万元", f"{27 + i % 50}.{i % 100:02d}万元", 1), "utf-8")
    return d


def batch(count: int, jobs: int, repeat: int) -> tuple[float, int]:
    d = corpus(count)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-c", "from perfeval.cli import main; main()", "audit", str(d), "--jobs", str(jobs), "--format", "json"]
    best, n = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, env=env)
        best = min(best, time.perf_counter() - t)
        assert res.returncode == 1, res.stderr.decode()[-500:]
        n = len(json.loads(res.stdout))
    return best, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    seed = one_seed(a.repeat)
    print(f"seed ({sum(1 for _ in SEED.open(encoding='utf-8'))} lines): {seed * 1000:.1f} ms (target < 200 ms)")
    secs, n = batch(a.count, a.jobs, a.repeat)
    print(f"{n} reports, --jobs {a.jobs}: {secs:.2f} s (target < 30 s)")


if __name__ == "__main__":
    main()
