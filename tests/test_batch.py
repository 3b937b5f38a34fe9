"""perfeval batch: accounting, outputs, determinism, re-check sample, atomic writes, signals."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, make_submission
from perfeval.batch import Options, UsageError, expand, plan_tasks, run
from perfeval.batch import recheck as rc
from perfeval.cli import main


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """120 generated submissions (a few of them broken) plus hand-made bad files."""
    d = tmp_path_factory.mktemp("corpus")
    _generator().generate(120, d / "gen", seed=11, bad=0.03)
    bad = d / "bad"
    bad.mkdir()
    (bad / "syntax.yaml").write_text("perfeval: 1\nproject: {name: x\n", "utf-8")
    (bad / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (bad / "empty.yaml").write_bytes(b"")
    return d


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def yaml_files(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_every_input_appears_exactly_once(corpus, tmp_path):
    files = yaml_files(corpus)
    extra = str(files[3])  # also named explicitly (and twice): still one row
    res = run([str(corpus), extra, extra, str(tmp_path / "missing.yaml")], Options(out=str(tmp_path / "out"), jobs=2, seed=1))
    rows = read_csv(tmp_path / "out" / "summary.csv")
    sources = [r["源文件"] for r in rows]
    assert len(rows) == len(files) + 1 == res.projects
    assert sorted(sources) == sorted([str(p) for p in files] + [str(tmp_path / "missing.yaml")])
    assert len(set(sources)) == len(sources)
    assert res.scored + res.rejected == len(rows)
    assert {r["状态"] for r in rows} == {"已评分", "已拒绝"}
    assert res.exit_code == 1


def test_rejected_files_are_listed_with_their_reason(corpus, tmp_path):
    run([str(corpus / "bad")], Options(out=str(tmp_path), jobs=1, seed=1))
    rows = {Path(r["源文件"]).name: r for r in read_csv(tmp_path / "summary.csv")}
    assert set(rows) == {"syntax.yaml", "binary.yaml", "empty.yaml"}
    assert all(r["状态"] == "已拒绝" for r in rows.values())
    assert rows["syntax.yaml"]["拒绝原因"].startswith("PE101")
    assert rows["binary.yaml"]["拒绝原因"].startswith("PE103")
    assert rows["empty.yaml"]["拒绝原因"].startswith("PE107")
    issues = read_csv(tmp_path / "issues.csv")
    assert {(Path(i["文件"]).name, i["代码"]) for i in issues} >= {("syntax.yaml", "PE101"), ("binary.yaml", "PE103"), ("empty.yaml", "PE107")}
    assert next(i for i in issues if i["代码"] == "PE101")["行号"] == "3"  # the unclosed mapping is found at the end


def test_one_bad_submission_does_not_stop_the_rest(tmp_path, monkeypatch):
    """An unexpected error while preparing one file costs that file only (PE502)."""
    import perfeval.batch.worker as worker

    good = tmp_path / "in"
    good.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(EXAMPLES / "seed-corrected.yaml", good / f"{name}.yaml")
    real = worker.prepare_one

    def flaky(ld, *a, **k):
        if ld.file.endswith("b.yaml"):
            raise RuntimeError("boom")
        return real(ld, *a, **k)

    monkeypatch.setattr(worker, "prepare_one", flaky)
    res = run([str(good)], Options(out=str(tmp_path / "out"), jobs=1, seed=1))
    rows = read_csv(tmp_path / "out" / "summary.csv")
    assert [r["状态"] for r in rows] == ["已评分", "已拒绝", "已评分"]
    assert "PE502" in rows[1]["拒绝原因"] and "boom" in rows[1]["拒绝原因"]
    assert res.scored == 2


def test_outputs_are_deterministic(corpus, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run([str(corpus)], Options(out=str(a), jobs=2, seed=5))
    run([str(corpus)], Options(out=str(b), jobs=1, seed=5))
    for name in ("summary.csv", "issues.csv", "recheck.csv", "summary.xlsx"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_summary_columns_and_values(tmp_path):
    run([str(EXAMPLES / "seed-corrected.yaml"), str(EXAMPLES / "seed-as-published.yaml")], Options(out=str(tmp_path), jobs=1, seed=1))
    rows = read_csv(tmp_path / "summary.csv")
    head = list(rows[0])
    for col in ("源文件", "主管部门", "实施单位", "项目名称", "项目编码", "年度", "全年预算数（万元）", "全年执行数（万元）", "执行率",
                "执行率得分", "产出指标得分", "效益指标得分", "满意度指标得分", "成本指标得分", "总分", "等级", "自评总分", "自评−复核差",
                "错误数", "警告数", "状态", "拒绝原因"):
        assert col in head, col
    ok, published = rows
    assert ok["总分"] == "100.00" and ok["等级"] == "优" and ok["执行率"] == "100.00%" and ok["执行率得分"] == "10.00"
    assert ok["产出指标得分"] == "50.00" and ok["成本指标得分"] == "" and ok["状态"] == "已评分"
    assert published["总分"] == "73.34" and published["错误数"] == "2" and published["状态"] == "已评分"


def test_exit_code_zero_when_all_scored_without_errors(tmp_path):
    res = run([str(EXAMPLES / "seed-corrected.yaml")], Options(out=str(tmp_path), jobs=1, seed=1))
    assert res.exit_code == 0 and res.scored == 1 and res.picks == 1


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    data = yaml.safe_load((EXAMPLES / "seed-corrected.yaml").read_text("utf-8"))
    data["project"]["name"] = "=1+1"
    data["project"]["department"] = "@SUM(A1:A9)"
    src = tmp_path / "evil.yaml"
    src.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    run([str(src)], Options(out=str(out), jobs=1, seed=1))
    row = read_csv(out / "summary.csv")[0]
    assert row["项目名称"] == "'=1+1" and row["主管部门"] == "'@SUM(A1:A9)"
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("项目名称") + 1)
    assert cell.data_type == "s" and cell.value == "'=1+1"
    for sheet in wb:
        for r in sheet.iter_rows():
            for c in r:
                assert c.data_type != "f", f"formula in {sheet.title}!{c.coordinate}"


def test_workbook_sheets_and_native_chart(corpus, tmp_path):
    run([str(corpus / "gen")], Options(out=str(tmp_path), jobs=1, seed=2))
    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert wb.sheetnames == ["汇总", "按部门", "排名", "等级分布", "指标对比", "指标明细", "复核抽样", "问题清单"]
    assert len(wb["等级分布"]._charts) == 1
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert len(summary) == 1 + len(yaml_files(corpus / "gen"))
    header = summary[0]
    total = header.index("总分")
    assert any(isinstance(r[total], float) for r in summary[1:])  # typed numbers, not text
    dept = list(wb["按部门"].iter_rows(values_only=True))
    h = dept[0]
    assert {"项目数", "平均分", "资金加权平均分", "自评偏高项目数", "优", "良", "中", "差"} <= set(h)
    assert sum(r[h.index("项目数")] for r in dept[1:]) == len(summary) - 1
    ranking = list(wb["排名"].iter_rows(values_only=True))
    totals = [r[ranking[0].index("总分")] for r in ranking[1:]]
    assert totals == sorted(totals, reverse=True)
    issues_csv = read_csv(tmp_path / "issues.csv")
    assert wb["问题清单"].max_row == len(issues_csv) + 1


def test_indicator_comparison_sheet_flags_a_target_far_below_peers(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for k, target in enumerate(["≥100人", "≥120人", "≥90人", "≥10人"]):
        inds = [
            {"ref": "COMMON-Q-002", "target": target, "actual": "110人"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "覆盖率", "target": "≥90%", "actual": "95%"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%", "actual": "95%"},
        ]
        sub = make_submission(inds)
        sub["project"]["name"] = f"项目{k}"
        (d / f"p{k}.yaml").write_text(yaml.safe_dump(sub, allow_unicode=True), "utf-8")
    run([str(d)], Options(out=str(tmp_path / "out"), jobs=1, seed=1))
    ws = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["指标对比"]
    rows = list(ws.iter_rows(values_only=True))
    h = rows[0]
    row = next(r for r in rows[1:] if r[h.index("指标库编码")] == "COMMON-Q-002")
    assert row[h.index("项目数")] == 4 and row[h.index("目标值最小")] == 10 and row[h.index("目标值最大")] == 120
    assert row[h.index("目标值中位数")] == 95
    assert row[h.index("目标偏松项目数")] == 1 and "项目3" in row[h.index("目标偏松项目")]


def test_recheck_sample_is_reproducible_and_risk_weighted(corpus, tmp_path):
    def picks(seed, name):
        run([str(corpus / "gen")], Options(out=str(tmp_path / name), jobs=1, seed=seed, sample=12))
        return (tmp_path / name / "recheck.csv").read_bytes(), read_csv(tmp_path / name / "recheck.csv")

    a_bytes, a = picks(7, "a")
    b_bytes, _ = picks(7, "b")
    assert a_bytes == b_bytes  # same batch, same seed: same picks in the same order
    assert len(a) == 12 and len({r["源文件"] for r in a}) == 12
    assert all(r["随机种子"] == "7" and r["抽取原因"] for r in a)
    others = [picks(s, f"s{s}")[1] for s in (8, 9, 10)]
    assert any([r["源文件"] for r in o] != [r["源文件"] for r in a] for o in others)
    # risky projects are drawn more often than clean ones over many seeds (numpy only, fast)
    eligible = list(range(40))
    profiles = {k: {"inflated": ["PE406"]} for k in range(10)}
    hits = sum(p.sub < 10 for seed in range(200) for p in rc.draw(eligible, profiles, 4, seed))
    assert hits / (200 * 4) > 0.45  # 10 of 40 projects carry 5/(5·10+30) = 62% of the weight


def test_recheck_default_size_and_reasons():
    assert rc.default_size(1) == 1 and rc.default_size(9) == 1 and rc.default_size(10) == 1
    assert rc.default_size(11) == 2 and rc.default_size(10_000) == 1000
    assert rc.reason({}) == "无风险标记（随机抽取）"
    text = rc.reason({"unexplained": ["PE404", "PE404"], "inflated": ["PE406", "PE412"]})
    assert text == "自评得分偏高（PE406，PE412）；扣分未说明原因（PE404×2）"
    assert rc.score({"inflated": ["PE406"], "errors": ["PE301"]}) == 1 + 4 + 3


def test_interrupted_write_leaves_no_half_written_summary(tmp_path, monkeypatch):
    import perfeval.batch.writers as writers

    out = tmp_path / "out"
    run([str(EXAMPLES / "seed-corrected.yaml")], Options(out=str(out), jobs=1, seed=1))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real = writers.Workbook.sheet

    def failing(self, table, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:  # in the middle of the workbook, after the CSV files were staged
            raise OSError("disk full")
        return real(self, table, *a, **k)

    monkeypatch.setattr(writers.Workbook, "sheet", failing)
    with pytest.raises(OSError, match="disk full"):
        run([str(EXAMPLES / "seed-corrected.yaml"), str(EXAMPLES / "seed-as-published.yaml")], Options(out=str(out), jobs=1, seed=1))
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # previous outputs untouched, no temporary files left behind
    fresh = tmp_path / "fresh"
    calls["n"] = 0
    with pytest.raises(OSError):
        run([str(EXAMPLES / "seed-corrected.yaml")], Options(out=str(fresh), jobs=1, seed=1))
    assert list(fresh.iterdir()) == []


def test_staging_commit_replaces_atomically(tmp_path):
    from perfeval.batch.writers import Staging

    (tmp_path / "summary.csv").write_text("old", "utf-8")
    st = Staging(tmp_path)
    st.path("summary.csv").write_text("new", "utf-8")
    assert (tmp_path / "summary.csv").read_text("utf-8") == "old"  # nothing visible before commit
    st.commit()
    assert (tmp_path / "summary.csv").read_text("utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


def test_plan_tasks_chunks_of_250_to_500():
    from perfeval.batch.inputs import Unit

    units = [Unit("yaml", f"{k}.yaml", f"{k}.yaml") for k in range(10_000)]
    sizes = [len(t) for t in plan_tasks(units, 2)]
    assert sum(sizes) == 10_000 and max(sizes) <= 500 and min(sizes[:-1]) >= 250
    small = [len(t) for t in plan_tasks(units[:100], 2)]
    assert sum(small) == 100 and len(small) >= 2  # every worker gets work
    mixed = units[:3] + [Unit("table", "t.csv", "t.csv")] + units[3:5]
    assert [[u.kind for u in t] for t in plan_tasks(mixed, 2)] == [["yaml"] * 3, ["table"], ["yaml"] * 2]


def test_expand_sorts_directories_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    for p in ("b/2.yaml", "b/1.yml", "a/z.yaml", ".git/x.yaml", "a/.hidden.yaml", "a/notes.txt"):
        (tmp_path / p).write_text("x", "utf-8")
    got = [Path(u.path).relative_to(tmp_path).as_posix() for u in expand([str(tmp_path)])]
    assert got == ["a/z.yaml", "b/1.yml", "b/2.yaml"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError):
        expand([str(tmp_path / "empty")])


def test_cli_batch_usage_errors_and_summary(tmp_path):
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES), "--out", str(tmp_path / "o"), "--profile", "nope"])
    assert r.exit_code == 2 and "PE204" in r.output
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES)])
    assert r.exit_code == 2  # --out is required
    (tmp_path / "file").write_text("x", "utf-8")
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES / "seed-corrected.yaml"), "--out", str(tmp_path / "file")])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES / "seed-corrected.yaml"), str(EXAMPLES / "seed-as-published.yaml"),
                                  "--out", str(tmp_path / "o"), "--jobs", "1", "--seed", "3"])
    assert r.exit_code == 1, r.output  # seed-as-published is scored, but with errors (PE301)
    assert "已评分 2" in r.output and "随机种子 3" in r.output and "PE301" in r.output


def test_cli_exit_one_when_something_is_rejected(corpus, tmp_path):
    r = CliRunner().invoke(main, ["batch", str(corpus / "bad"), "--out", str(tmp_path), "--jobs", "1"])
    assert r.exit_code == 1 and "已拒绝 3" in r.output


def test_forms_one_per_scored_project(tmp_path):
    out = tmp_path / "out"
    res = run([str(EXAMPLES / "seed-corrected.yaml"), str(EXAMPLES / "national-clinic-equipment.yaml"), str(tmp_path / "missing.yaml")],
              Options(out=str(out), jobs=1, seed=1, forms="html"))
    forms = sorted(p.name for p in (out / "forms").iterdir())
    assert res.forms == 2 and len(forms) == 2 and all(f.endswith(".html") for f in forms)
    assert "送温暖帮扶专项经费" in "".join(forms)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _signal_run(tmp_path: Path, sig: int) -> tuple[int, Path, str]:
    """Run the CLI on 200 slowed-down files in a subprocess and send ``sig`` once it is working."""
    src = tmp_path / "in"
    _generator().generate(200, src, seed=3, bad=0.0)
    out = tmp_path / "out"
    marker = f"perfeval-signal-test-{os.getpid()}-{sig}"
    code = (
        f"# {marker}\n"
        "import time, sys\n"
        "import perfeval.batch.worker as w\n"
        "real = w.process\n"
        "def slow(units, *a):\n"
        "    time.sleep(0.05 * len(units))\n"
        "    return real(units, *a)\n"
        "w.process = slow\n"
        "from perfeval.cli import main\n"
        f"sys.argv = ['perfeval', 'batch', {str(src)!r}, '--out', {str(out)!r}, '--jobs', '2']\n"
        "main()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and not out.exists():
        time.sleep(0.05)
    time.sleep(0.8)  # workers are busy now (the slowed-down run takes ≥ 5 s)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, out, marker


def _alive(marker: str) -> list[str]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(d.name)
            except OSError:
                pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to look for leftover workers")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_cleanly(tmp_path, sig, code):
    rc_, out, marker = _signal_run(tmp_path, sig)
    assert rc_ == code
    assert list(out.iterdir()) == []  # no outputs and no temporary files
    time.sleep(0.2)
    assert _alive(marker) == []  # the worker pool is gone too


def test_forms_without_the_renderer_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "perfeval.render", None)  # as if the rendering package were not installed
    with pytest.raises(UsageError, match="表单渲染尚未安装"):
        run([str(EXAMPLES / "seed-corrected.yaml")], Options(out=str(tmp_path), forms="html"))
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES / "seed-corrected.yaml"), "--out", str(tmp_path), "--forms", "xlsx"])
    assert r.exit_code == 2 and "表单渲染尚未安装" in r.output
    assert list(tmp_path.iterdir()) == []


def test_progress_bar_can_be_forced_on(tmp_path):
    r = CliRunner().invoke(main, ["batch", str(EXAMPLES), "--out", str(tmp_path), "--progress", "--jobs", "1", "--seed", "1"])
    assert r.exit_code == 1 and "批量复核完成" in r.output


def _sheet(path: Path, name: str) -> tuple[tuple, list[tuple]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_indicator_detail_sheet_has_one_row_per_indicator_with_its_findings(tmp_path):
    """Issue 10 §11: 指标明细 — every indicator of every scored project, with the codes found on it."""
    srcs = [EXAMPLES / "seed-corrected.yaml", EXAMPLES / "seed-as-published.yaml"]
    run([str(p) for p in srcs], Options(out=str(tmp_path), jobs=1, seed=1))
    h, rows = _sheet(tmp_path / "summary.xlsx", "指标明细")
    for col in ("源文件", "项目名称", "三级指标", "目标值", "实际完成值", "完成率", "分值", "得分", "自评得分", "问题代码"):
        assert col in h, col
    n = sum(len(yaml.safe_load(p.read_text("utf-8"))["indicators"]) for p in srcs)
    assert len(rows) == n
    assert [r[h.index("源文件")] for r in rows] == sorted((r[h.index("源文件")] for r in rows), key=[str(p) for p in srcs].index)
    issues = read_csv(tmp_path / "issues.csv")
    named = {(i["文件"], i["指标"], i["代码"]) for i in issues if i["指标"]}
    assert named, "the published seed has findings on named indicators"
    for f, ind, code in named:
        hit = [r for r in rows if r[h.index("源文件")] == f and r[h.index("三级指标")] == ind]
        assert hit and all(code in (r[h.index("问题代码")] or "") for r in hit), (f, ind, code)
    scored = [r for r in rows if r[h.index("得分")] is not None]
    assert scored and all(isinstance(r[h.index("分值")], float) for r in scored)


def test_indicator_comparison_groups_unreferenced_indicators_by_normalised_name(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for k, (name, target) in enumerate([("培训人数", "≥100人"), ("培训 人数", "≥120人"), ("培训人数（）", "≥10人"), ("培训人数", "≥90人")]):
        inds = [
            {"level1": "产出指标", "level2": "数量指标", "name": name, "target": target, "actual": "110人"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "target": "≥90%", "actual": "95%"},
        ]
        sub = make_submission(inds)
        sub["project"]["name"] = f"项目{k}"
        (d / f"p{k}.yaml").write_text(yaml.safe_dump(sub, allow_unicode=True), "utf-8")
    run([str(d)], Options(out=str(tmp_path / "out"), jobs=1, seed=1))
    h, rows = _sheet(tmp_path / "out" / "summary.xlsx", "指标对比")
    row = next(r for r in rows if r[h.index("三级指标")] == "培训人数")
    assert row[h.index("指标库编码")] is None and row[h.index("项目数")] == 4
    assert row[h.index("目标值最小")] == 10 and row[h.index("目标偏松项目数")] == 1 and "项目2" in row[h.index("目标偏松项目")]
    assert any(r[h.index("三级指标")] == "满意度" and r[h.index("项目数")] == 4 for r in rows)


def test_summary_rows_link_to_their_forms(tmp_path):
    out = tmp_path / "out"
    run([str(EXAMPLES / "seed-corrected.yaml"), str(tmp_path / "missing.yaml")], Options(out=str(out), jobs=1, seed=1, forms="xlsx"))
    ws = openpyxl.load_workbook(out / "summary.xlsx")["汇总"]
    h = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=h.index("自评表") + 1)
    assert cell.hyperlink is not None
    target = cell.hyperlink.target
    from urllib.parse import unquote
    assert (out / unquote(target)).is_file() and unquote(target).startswith("./forms/")
    assert ws.cell(row=3, column=h.index("自评表") + 1).value is None  # the rejected row has no form
    assert "自评表" not in read_csv(out / "summary.csv")[0]  # the CSV stays as it was


def test_screen_summary_lists_rejected_files_by_reason(corpus, tmp_path):
    """Issue 10 §13: code, count and the first file names; the department of an unreadable file is its folder."""
    d = tmp_path / "市教育局"
    d.mkdir()
    for k in range(5):
        (d / f"broken{k}.yaml").write_text("perfeval: 1\nproject: {name: x\n", "utf-8")
    (d / "empty.yaml").write_bytes(b"")
    r = CliRunner().invoke(main, ["batch", str(d), "--out", str(tmp_path / "out"), "--jobs", "1", "--seed", "1"])
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert r.exit_code == 1
    assert "被拒绝的文件（按原因）" in r.output
    line = next(ln for ln in r.output.splitlines() if "PE101" in ln and "个文件" in ln)
    assert "5 个文件" in line and "broken0.yaml" in line and "broken3.yaml" not in line and "等 5 个" in line
    assert any("PE107" in ln and "empty.yaml" in ln for ln in r.output.splitlines())
    rows = read_csv(tmp_path / "out" / "summary.csv")
    assert {row["主管部门"] for row in rows} == {"市教育局"}


def test_timings_prints_each_phase_and_the_parse_floor(corpus, tmp_path):
    r = CliRunner().invoke(main, ["batch", str(corpus / "gen"), "--out", str(tmp_path), "--jobs", "2", "--seed", "1", "--timings"])
    assert r.exit_code in (0, 1), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    for label in ("读取、检查、建行", "校验、评分、复核", "汇总表、CSV、summary.xlsx", "解析下限"):
        assert label in r.output, label


def test_form_links_survive_hash_and_percent_in_project_names(tmp_path):
    data = yaml.safe_load((EXAMPLES / "seed-corrected.yaml").read_text("utf-8"))
    data["project"]["name"] = "帮扶#2 项目 50%"
    src = tmp_path / "p.yaml"
    src.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    run([str(src)], Options(out=str(out), jobs=1, seed=1, forms="html"))
    ws = openpyxl.load_workbook(out / "summary.xlsx")["汇总"]
    h = [c.value for c in ws[1]]
    link = ws.cell(row=2, column=h.index("自评表") + 1).hyperlink
    from urllib.parse import unquote
    assert link is not None and not link.location  # no anchor split off at "#"
    assert (out / unquote(link.target)).is_file()
