"""Department-wide evaluation speed: ``python bench/department.py [--repeat N]`` (issue 16).

Evaluates every example in examples/department/ (the seed's links its project file) N times and prints
the minimum per-file time over interleaved repeats, per example.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from perfeval.department import evaluate_departments

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--inner", type=int, default=20)
    a = ap.parse_args()
    files = sorted(str(p) for p in (ROOT / "examples" / "department").glob("*.yaml"))
    evaluate_departments(files)  # warm-up: imports, profile cache
    best = {f: float("inf") for f in files}
    for _ in range(a.repeat):
        for f in files:
            t0 = time.perf_counter()
            for _ in range(a.inner):
                evaluate_departments([f])
            best[f] = min(best[f], (time.perf_counter() - t0) / a.inner)
    for f, t in best.items():
        print(f"{Path(f).name:40s} {t * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
