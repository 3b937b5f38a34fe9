"""What reading through the registry costs ``perfeval audit`` and the batch's audit hook.

    python bench/audit_sources.py [--count 2000] [--repeat 5]

(a) one ``audit_path`` (read + audit, own data, no scoring) of: an .xlsx 自评表, a Word 自评报告 with the form as
    附表, a two-project long table (files built with tests/formmaker.py);
(b) the batch worker's audit hook over ``--count`` generated submissions (bench/generate.py): the hook as it was
    (the ``narrative`` only, always audited) against the hook now (narrative + goal.actual + notes, skipped
    when no line has a digit or a template mark).  Minimum of interleaved repeats (the machine is shared).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src"), str(ROOT / "tests")]


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def files(tmp: Path) -> dict[str, Path]:
    import yaml

    from formmaker import build, write_docx, write_xlsx

    sub = yaml.safe_load((ROOT / "examples" / "national-clinic-equipment.yaml").read_text("utf-8"))
    sub["indicators"][0]["note"] = "项目预算执行率100%，设备全部到位。"
    out = {"xlsx form": tmp / "form.xlsx", "docx report + 附表": tmp / "report.docx", "csv, 2 projects": tmp / "t.csv"}
    write_xlsx(str(out["xlsx form"]), {"Sheet1": [build(sub)]})
    prose = ("一、项目基本情况", "项目全年预算数240万元，全年执行数235.23万元，项目预算执行率100%。" * 3, "二、绩效目标完成情况")
    write_docx(str(out["docx report + 附表"]), [build(sub)], between=prose)
    out["csv, 2 projects"].write_text(
        "项目编码,项目名称,主管部门,年度,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,偏差原因分析及改进措施\n"
        "P1,甲,某局,2024,产出指标,数量指标,户数,≥120户,126户,100,完成126户，占计划的105%。\n"
        "P2,乙,某局,2024,产出指标,数量指标,人次,≥500人次,520人次,100,培训500人次，其中：线上300人次，线下220人次。\n", "utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from perfeval.audit import audit_lines, audit_path
    from perfeval.audit.checks.against import facts_from_data
    from perfeval.audit.narrative import narrative_issues, narrative_lines
    from perfeval.readers import read_path

    with tempfile.TemporaryDirectory() as d:
        for what, p in files(Path(d)).items():
            audit_path(str(p), score=False)  # warm imports
            ms = _best(lambda p=p: audit_path(str(p), score=False), args.repeat) * 1000
            print(f"(a) {what}: {ms:.1f} ms (min of {args.repeat})")
        import generate

        generate.generate(args.count, Path(d) / "gen", 1)
        paths = sorted((Path(d) / "gen").rglob("*.yaml"))
        lds = [doc.loaded for p in paths for doc in read_path(str(p))]

        def before() -> None:
            for ld in lds:
                lines = narrative_lines(ld)
                if lines:
                    audit_lines(lines, ld.file, facts_from_data(ld.data))

        def now() -> None:
            for ld in lds:
                narrative_issues(ld)

        t0 = t1 = float("inf")
        for _ in range(args.repeat):  # interleaved
            t0 = min(t0, _best(before, 1))
            t1 = min(t1, _best(now, 1))
        n = len(lds)
        print(f"(b) batch audit hook, {n} generated submissions: narrative only {t0 * 1e6 / n:.0f} µs/submission, "
              f"now {t1 * 1e6 / n:.0f} µs/submission (min of {args.repeat} interleaved)")


if __name__ == "__main__":
    main()
