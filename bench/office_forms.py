"""Reading one office 自评表: median and minimum time per file type (issue 11 targets: ≤20 ms .xlsx/.docx, ≤100 ms one-page PDF).

    PYTHONPATH=src python bench/office_forms.py [--repeats N]

Each repeat reads every example form once, interleaved (xlsx, xls, docx, pdf, xlsx, …), so a
burst of load on a shared machine hits all types alike; the time is read_forms() end to end
(file → grids → recognised v1 data with cell locations), not scoring.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from perfeval.office import read_forms

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "xlsx": ROOT / "examples/forms/national-clinic-equipment.xlsx",
    "xls": ROOT / "examples/forms/national-clinic-equipment.xls",
    "docx (2 forms)": ROOT / "examples/forms/two-projects-report.docx",
    "pdf (1 page)": ROOT / "examples/forms/seed-as-published.pdf",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    n = ap.parse_args().repeats
    times: dict[str, list[float]] = {k: [] for k in FILES}
    for k, p in FILES.items():  # warm-up: imports and first-call costs are not per-form costs
        read_forms(p)
    for _ in range(n):
        for k, p in FILES.items():
            t0 = time.perf_counter()
            docs, issues = read_forms(p)
            times[k].append(time.perf_counter() - t0)
            assert docs and not issues, (p, issues)
    print(f"{'file':<16}{'median ms':>10}{'min ms':>9}")
    for k, ts in times.items():
        print(f"{k:<16}{statistics.median(ts) * 1000:>10.1f}{min(ts) * 1000:>9.1f}")


if __name__ == "__main__":
    main()
