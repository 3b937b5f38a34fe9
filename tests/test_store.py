"""Results store (issue 14): a real DuckDB file in a temp folder — two years, re-runs, interruption, history."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT
from perfeval.cli import main
from perfeval.store import open_store

YEAR = re.compile(r"^  year: 20\d\d$", re.M)


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def year_dir(root: Path, year: int, edit=None) -> Path:
    """The examples as submissions of ``year`` (seed-as-published left out: it is the same project as seed-corrected)."""
    d = root / f"y{year}"
    d.mkdir()
    for src in sorted(EXAMPLES.glob("*.yaml")):
        if src.name == "seed-as-published.yaml":
            continue
        text = YEAR.sub(f"  year: {year}", src.read_text("utf-8"))
        if edit:
            text = edit(src.name, text)
        (d / src.name).write_text(text, "utf-8")
    return d


def batch(*args) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["batch", *map(str, args), "--seed", "1", "--jobs", "1"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


def history(db, *args) -> list[dict]:
    res = CliRunner().invoke(main, ["history", "--db", str(db), "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def by_file(rows: list[dict]) -> dict[str, dict]:
    return {Path(r["源文件"]).name: r for r in rows}


def snapshot(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("runs", "projects", "funds", "indicators", "findings")}
    finally:
        con.close()


@pytest.fixture
def years(tmp_path):
    def renamed(name, text):
        if name == "hubei-rural-water.yaml":  # the department is renamed in the second year; the code stays
            return text.replace("department: 某县水利和湖泊局", "department: 某县水利局")
        return text

    return year_dir(tmp_path, 2023), year_dir(tmp_path, 2024, renamed)


def test_two_years_and_a_rerun(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "results.duckdb"
    code, out = batch(y1, "--out", tmp_path / "o1", "--db", db)
    assert code in (0, 1), out
    assert db.exists()
    s1 = by_file(read_csv(tmp_path / "o1" / "summary.csv"))
    assert "上年总分" not in next(iter(s1.values()))  # nothing earlier in the store: no 上年 columns
    for run in ("o2", "o2b"):  # the second year, then a re-run of it
        code, out = batch(y2, "--out", tmp_path / run, "--db", db)
        assert code in (0, 1), out
    store = open_store(db)
    try:
        dup = store.query("SELECT project_key, year, count(*) AS n FROM projects GROUP BY ALL HAVING n > 1")
        assert dup.height == 0, dup
        assert store.count("projects") == 2 * len(s1)
        assert store.query("SELECT count(*) AS n FROM runs")["n"][0] == 3
        # no indicator, fund or finding rows are left over from the replaced run
        for table in ("indicators", "funds", "findings"):
            left = store.query(f"SELECT count(*) AS n FROM {table} t JOIN projects p USING (project_key, year) WHERE t.run_id <> p.run_id")
            assert left["n"][0] == 0, table
    finally:
        store.close()
    s2 = by_file(read_csv(tmp_path / "o2b" / "summary.csv"))
    assert s2.keys() == s1.keys()
    for name, row in s2.items():
        assert row["上年总分"] == s1[name]["总分"], name  # last year's total, as the first summary printed it
        assert row["上年等级"] == s1[name]["等级"]
        assert float(row["变化"]) == pytest.approx(float(row["总分"]) - float(s1[name]["总分"]), abs=0.005)
    # history --code: both years, totals of the summaries, oldest first; the renamed department matched by code
    code_ = s1["hubei-rural-water.yaml"]["项目编码"]
    h = history(db, "--code", code_)
    assert [r["year"] for r in h] == [2023, 2024]
    assert [f"{r['total']:.2f}" for r in h] == [s1["hubei-rural-water.yaml"]["总分"], s2["hubei-rural-water.yaml"]["总分"]]
    assert [r["department"] for r in h] == ["某县水利和湖泊局", "某县水利局"]
    assert h[1]["findings"]["warning"] == int(s2["hubei-rural-water.yaml"]["警告数"])
    # --department: the department's projects in every year, including the year under its former name
    assert [r["year"] for r in history(db, "--department", "某县水利局")] == [2023, 2024]


def test_project_without_code_is_matched_by_department_and_name(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    batch(y2, "--out", tmp_path / "o2", "--db", db)
    s1 = by_file(read_csv(tmp_path / "o1" / "summary.csv"))
    s2 = by_file(read_csv(tmp_path / "o2" / "summary.csv"))
    assert s2["seed-corrected.yaml"]["项目编码"] == ""
    assert s2["seed-corrected.yaml"]["上年总分"] == s1["seed-corrected.yaml"]["总分"]
    h = history(db, "--name", "送温暖")
    assert [(r["code"], r["year"]) for r in h] == [(None, 2023), (None, 2024)]


def test_recurring_findings_and_target_below_last_actual(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    i1 = read_csv(tmp_path / "o1" / "issues.csv")
    assert not [r for r in i1 if r["代码"] in ("PE710", "PE711")]  # no earlier year: nothing to compare
    batch(y2, "--out", tmp_path / "o2", "--db", db)
    i2 = read_csv(tmp_path / "o2" / "issues.csv")
    s2 = by_file(read_csv(tmp_path / "o2" / "summary.csv"))
    # PE406 (自评得分偏高) in both years for the Hubei project → one PE711 naming it, and the summary lists it
    hubei = [r for r in i2 if Path(r["文件"]).name == "hubei-rural-water.yaml"]
    rec = [r for r in hubei if r["代码"] == "PE711"]
    assert any("PE406" in r["说明"] for r in rec), rec
    assert "PE406" in s2["hubei-rural-water.yaml"]["上年也有的问题"].split("、")
    # every recurring code is one that the project had in both years
    had1 = {(Path(r["文件"]).name, r["代码"]) for r in i1}
    for r in (r for r in i2 if r["代码"] == "PE711"):
        found = re.match(r"(PE\d{3})", r["说明"]).group(1)
        assert (Path(r["文件"]).name, found) in had1
    # targets kept while last year's actual was higher: "≥95%" against 97 % in 2023
    pe710 = [r for r in hubei if r["代码"] == "PE710"]
    assert any(r["指标"] == "水质检测合格率" and "97%" in r["说明"] for r in pe710), pe710
    # the store marks the recurring findings
    store = open_store(db)
    try:
        f = store.query("SELECT code FROM v_findings WHERE year = 2024 AND recurring AND project_code = ?", [s2["hubei-rural-water.yaml"]["项目编码"]])
        assert "PE406" in f["code"].to_list()
        v = store.query("SELECT year, total, prev_total, change FROM v_projects WHERE code = ? ORDER BY year", [s2["hubei-rural-water.yaml"]["项目编码"]])
        assert v["prev_total"].to_list()[0] is None and v["prev_total"][1] == v["total"][0]
        d = store.query("SELECT * FROM v_departments_by_year ORDER BY department, year")
        assert d.height >= 4 and d["projects"].sum() == store.count("projects")
    finally:
        store.close()


def test_lowered_target_in_second_year(tmp_path):
    def lower(name, text):
        return text.replace('target: "≥5户"', 'target: "≥3户"') if name == "seed-corrected.yaml" else text

    y1 = year_dir(tmp_path, 2023)
    y2 = year_dir(tmp_path, 2024, lower)
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    batch(y2, "--out", tmp_path / "o2", "--db", db)
    rows = [r for r in read_csv(tmp_path / "o2" / "issues.csv") if r["代码"] == "PE710" and Path(r["文件"]).name == "seed-corrected.yaml"]
    # ≥3户 against 5 done last year; ≥95% against 100 % done last year.  ≥5户 against 5 (equal) would not be flagged.
    assert sorted(r["指标"] for r in rows) == ["按照工作计划完成进度", "送温暖帮扶困难职工数"]
    row = next(r for r in rows if r["指标"] == "送温暖帮扶困难职工数")
    assert "≥3户" in row["说明"] and "上年（2023 年）实际完成值 5" in row["说明"] and row["行号"]


def test_duplicate_project_in_one_run_is_stored_once(tmp_path):
    y1 = year_dir(tmp_path, 2023)
    # no 项目编码: the same department and name twice (PE712; PE418 needs a code)
    seed = (y1 / "seed-corrected.yaml").read_text("utf-8")
    (y1 / "zz-copy.yaml").write_text(seed, "utf-8")
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o", "--db", db)
    rows = [r for r in read_csv(tmp_path / "o" / "issues.csv") if r["代码"] == "PE712"]
    assert [Path(r["文件"]).name for r in rows] == ["zz-copy.yaml"] and "seed-corrected.yaml" in rows[0]["说明"]
    h = history(db, "--name", "送温暖")
    assert len(h) == 1 and Path(h[0]["source_file"]).name == "seed-corrected.yaml"


def test_duplicate_submission_stores_the_copy_the_batch_counts(tmp_path):
    """Same 项目编码 and year twice (PE418): the kept copy is stored, the one set aside is not (and gets no PE712)."""
    y1 = year_dir(tmp_path, 2023)
    text = (y1 / "hubei-rural-water.yaml").read_text("utf-8")
    (y1 / "zz-copy.yaml").write_text(text.replace("department: 某县水利和湖泊局", "department: 某县水利局"), "utf-8")
    os.utime(y1 / "hubei-rural-water.yaml", (1_600_000_000, 1_600_000_000))  # the original is older: the copy is kept
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o", "--db", db)
    s = by_file(read_csv(tmp_path / "o" / "summary.csv"))
    assert s["hubei-rural-water.yaml"]["状态"] == "重复提交" and s["zz-copy.yaml"]["状态"] == "已评分"
    codes = {(Path(r["文件"]).name, r["代码"]) for r in read_csv(tmp_path / "o" / "issues.csv")}
    assert ("hubei-rural-water.yaml", "PE418") in codes and not {c for c in codes if c[1] == "PE712"}
    h = history(db, "--code", "42118221T000000012345")
    assert len(h) == 1 and Path(h[0]["source_file"]).name == "zz-copy.yaml" and h[0]["department"] == "某县水利局"
    assert h[0]["status"] == "scored" and h[0]["status_zh"] == "已评分"


INTERRUPT = """
import sys, time
sys.path.insert(0, {src!r})
from perfeval.batch import Options, Progress, run

class Stop(Progress):
    def stage(self, text):
        if text.startswith({at!r}):
            open({marker!r}, "w").write(text)
            time.sleep(120)

run([{inputs!r}], Options(out={out!r}, db={db!r}, jobs=1, seed=1), Stop())
"""


def _interrupt(tmp_path, inputs, db, at, sig, name) -> subprocess.CompletedProcess:
    marker = tmp_path / f"{name}.marker"
    script = INTERRUPT.format(src=str(ROOT / "src"), at=at, marker=str(marker), inputs=str(inputs),
                              out=str(tmp_path / name), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached the store"
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_run_leaves_the_store_as_it_was(years, tmp_path, sig):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    before = snapshot(db)
    # killed after the old rows were deleted and some new ones inserted, before the commit
    res = _interrupt(tmp_path, y2, db, "结果库：写入 indicators", sig, "o2")
    if sig == signal.SIGKILL:
        assert res.returncode == -signal.SIGKILL
    else:  # the run ends with Interrupted(143), which the script does not catch
        assert res.returncode != 0 and b"Interrupted" in res.stderr, res.stderr[-2000:]
    assert snapshot(db) == before
    assert not (tmp_path / "o2" / "summary.csv").exists()
    # and the store still works: the second year goes in normally afterwards
    batch(y2, "--out", tmp_path / "o2", "--db", db)
    assert len(history(db)) == 2 * len(before["projects"])


def test_interrupted_first_run_creates_no_store(years, tmp_path):
    y1, _ = years
    db = tmp_path / "new.duckdb"
    _interrupt(tmp_path, y1, db, "结果库：写入 findings", signal.SIGTERM, "o1")
    assert not db.exists() and not Path(str(db) + ".wal").exists()


def test_history_of_a_missing_store_is_an_error_and_creates_nothing(tmp_path):
    db = tmp_path / "nope.duckdb"
    res = CliRunner().invoke(main, ["history", "--db", str(db)])
    assert res.exit_code == 2 and "PE714" in res.output
    assert not db.exists()


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(years, tmp_path):
    y1, _ = years
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database", "utf-8")
    code, out = batch(y1, "--out", tmp_path / "o", "--db", bad)
    assert code == 2 and "PE715" in out
    assert bad.read_text("utf-8") == "not a database"
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    code, out = batch(y1, "--out", tmp_path / "o", "--db", other)
    assert code == 2 and "PE717" in out
    res = CliRunner().invoke(main, ["history", "--db", str(other)])
    assert res.exit_code == 2 and "PE717" in res.output


def test_history_table_format(years, tmp_path):
    y1, _ = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o", "--db", db)
    res = CliRunner().invoke(main, ["history", "--db", str(db), "--code", "42118221T000000012345"])
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.exit_code == 0 and "农村饮水安全巩固提升工程" in res.output and "2023" in res.output
    res = CliRunner().invoke(main, ["history", "--db", str(db), "--code", "无此编码"])
    assert res.exit_code == 0 and "没有找到" in res.output
    assert os.path.getsize(db) > 0


def test_docs_describe_every_table_view_and_column():
    from perfeval.store.schema import COLUMNS, VIEWS

    doc = (ROOT / "docs" / "store.md").read_text("utf-8")
    for table, cols in COLUMNS.items():
        assert f"### {table}" in doc, table
        for c in cols:
            assert re.search(rf"\b{c}\b", doc), (table, c)
    for view in VIEWS:
        assert f"`{view}`" in doc, view


def test_rejected_project_is_stored_with_its_identity(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    f = y2 / "sichuan-school-meals.yaml"
    f.write_text(f.read_text("utf-8").replace("indicators:", "indicatorz:", 1), "utf-8")  # an unknown field: refused
    batch(y2, "--out", tmp_path / "o2", "--db", db)
    s2 = by_file(read_csv(tmp_path / "o2" / "summary.csv"))
    assert s2["sichuan-school-meals.yaml"]["状态"] == "已拒绝"
    h = history(db, "--code", s2["sichuan-school-meals.yaml"]["项目编码"])
    assert [(r["year"], r["status"], r["status_zh"]) for r in h] == [(2023, "scored", "已评分"), (2024, "rejected", "已拒绝")]
    store = open_store(db)
    try:  # the store holds the words people read; its view counts by them
        assert sorted(store.query("SELECT DISTINCT status FROM projects")["status"].to_list()) == ["已拒绝", "已评分"]
        d = store.query("SELECT year, scored, rejected FROM v_departments_by_year WHERE department = '某县教育局' ORDER BY year")
        assert d.rows() == [(2023, 1, 0), (2024, 0, 1)], d
    finally:
        store.close()
    assert h[1]["total"] is None and h[1]["findings"]["error"] >= 1
    assert s2["sichuan-school-meals.yaml"]["变化"] == ""  # nothing to compare for a refused file


def test_score_and_render_with_db(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    s1 = by_file(read_csv(tmp_path / "o1" / "summary.csv"))
    before = snapshot(db)
    f = str(y2 / "hubei-rural-water.yaml")
    res = CliRunner().invoke(main, ["score", f, "--db", str(db), "--format", "json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    r = json.loads(res.output)
    assert r["previous"]["year"] == 2023 and f"{r['previous']['total']:.2f}" == s1["hubei-rural-water.yaml"]["总分"]
    assert "PE406" in r["previous"]["recurring"]
    codes = [i["code"] for i in r["issues"]]
    assert "PE719" in codes and "PE711" in codes and "PE710" in codes
    # without --db: none of it
    plain = json.loads(CliRunner().invoke(main, ["score", f, "--format", "json"]).output)
    assert "previous" not in plain and not {"PE710", "PE711", "PE719"} & {i["code"] for i in plain["issues"]}
    # a project the store has never seen: previous is null, no PE719
    other = tmp_path / "new.yaml"
    other.write_text((y2 / "hubei-rural-water.yaml").read_text("utf-8").replace("42118221T000000012345", "NEW-1"), "utf-8")
    r = json.loads(CliRunner().invoke(main, ["score", str(other), "--db", str(db), "--format", "json"]).output)
    assert r["previous"] is None and "PE719" not in [i["code"] for i in r["issues"]]
    # render --db: the review section carries last year's comparison
    res = CliRunner().invoke(main, ["render", f, "--db", str(db), "--format", "html", "--review"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "PE719" in res.output and "上年（2023 年）总分 " + s1["hubei-rural-water.yaml"]["总分"] in res.output
    assert snapshot(db) == before  # score and render only read the store
    # a missing store: error, nothing created
    missing = tmp_path / "missing.duckdb"
    res = CliRunner().invoke(main, ["score", f, "--db", str(missing)])
    assert res.exit_code == 2 and "PE714" in res.output and not missing.exists()


def _downgrade_to_v1(db: Path) -> None:
    """A store as perfeval schema 1 wrote it: status codes, the view counting 'scored', schema_version 1."""
    from perfeval.store.schema import SCORED, VIEWS

    con = duckdb.connect(str(db))
    try:
        for ddl in ("DROP VIEW v_departments", "DROP TABLE department_findings", "DROP TABLE departments"):  # schema 3
            con.execute(ddl)
        con.execute("UPDATE projects SET status = CASE status WHEN '已评分' THEN 'scored' WHEN '已拒绝' THEN 'rejected' ELSE status END")
        con.execute("DROP VIEW v_departments_by_year")
        con.execute(VIEWS["v_departments_by_year"].replace(f"'{SCORED}'", "'scored'"))
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    finally:
        con.close()


def test_a_schema_1_store_stays_readable_and_is_migrated_by_the_next_run(years, tmp_path):
    y1, y2 = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    _downgrade_to_v1(db)
    h = history(db, "--code", "42118221T000000012345")  # read-only: the old file is read as it is, not changed
    assert [(r["status"], r["status_zh"]) for r in h] == [("scored", "已评分")]
    res = CliRunner().invoke(main, ["history", "--db", str(db), "--code", "42118221T000000012345"])
    assert res.exit_code == 0 and "已评分" in res.output and "scored" not in res.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [("1",)]
    con.close()
    code, out = batch(y2, "--out", tmp_path / "o2", "--db", db)
    assert code in (0, 1) and "PE716" not in out, out
    s2 = by_file(read_csv(tmp_path / "o2" / "summary.csv"))
    assert s2["hubei-rural-water.yaml"]["上年总分"]  # last year read from the schema-1 rows
    store = open_store(db)
    try:
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'")["value"].to_list() == ["3"]
        assert set(store.query("SELECT DISTINCT status FROM projects")["status"].to_list()) <= {"已评分", "已拒绝"}
        n = store.query("SELECT sum(scored) AS n FROM v_departments_by_year WHERE year = 2023")["n"][0]
        assert n == sum(r["状态"] == "已评分" for r in read_csv(tmp_path / "o1" / "summary.csv"))
    finally:
        store.close()


def test_a_newer_schema_is_refused(years, tmp_path):
    y1, _ = years
    db = tmp_path / "r.duckdb"
    batch(y1, "--out", tmp_path / "o1", "--db", db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    code, out = batch(y1, "--out", tmp_path / "o2", "--db", db)
    assert code == 2 and "PE716" in out


DEPT_SRC = ROOT / "examples" / "department" / "target-township-2021.yaml"


def dept_year_dir(root: Path, year: int, name: str = "某镇人民政府") -> Path:
    """The target-form department file as ``year``'s submission, with one project file beside it."""
    d = root / f"d{year}"
    d.mkdir()
    text = DEPT_SRC.read_text("utf-8").replace("  year: 2021", f"  year: {year}").replace("  name: 某镇人民政府", f"  name: {name}")
    (d / "dept.yaml").write_text(text, "utf-8")
    (d / "p.yaml").write_text(YEAR.sub(f"  year: {year}", (EXAMPLES / "hubei-rural-water.yaml").read_text("utf-8")), "utf-8")
    return d


def test_department_results_are_stored_and_shown_by_history(tmp_path):
    db = tmp_path / "r.duckdb"
    d1, d2 = dept_year_dir(tmp_path, 2020), dept_year_dir(tmp_path, 2021, name="某镇政府")  # renamed; the 单位编码 stays
    for d, out in ((d1, "o1"), (d2, "o2"), (d2, "o2b")):  # the second year, then a re-run of it
        code, output = batch(d, "--out", tmp_path / out, "--db", db)
        assert code in (0, 1) and "部门整体自评 1 份" in output, output
    assert "替换已有记录 1 份" in output
    dept = {r["年度"]: r for f in ("o1", "o2b") for r in read_csv(tmp_path / f / "department.csv")}
    store = open_store(db)
    try:
        rows = store.query("SELECT department_key, year, name, status, total, grade_word, linked_projects FROM departments ORDER BY year")
        assert rows["department_key"].to_list() == ["code:501001", "code:501001"] and rows["year"].to_list() == [2020, 2021]
        assert rows["status"].to_list() == ["已评分", "已评分"]
        assert [f"{t:.2f}" for t in rows["total"].to_list()] == [dept["2020"]["总分"], dept["2021"]["总分"]]
        n = store.query("SELECT count(*) AS n FROM department_findings WHERE year = 2021")["n"][0]
        assert n == int(dept["2021"]["错误数"]) + int(dept["2021"]["警告数"]) + store.query(
            "SELECT infos FROM departments WHERE year = 2021")["infos"][0]
        v = store.query("SELECT year, prev_total, change FROM v_departments ORDER BY year")
        assert v["prev_total"][0] is None and v["prev_total"][1] == pytest.approx(rows["total"][0])
        assert store.count("projects") == 2  # the project beside it, one per year
    finally:
        store.close()
    h = history(db, "--department", "某镇政府")  # the new name finds both years (matched by the 单位编码)
    whole = [r for r in h if r["kind"] == "department"]
    assert [(r["year"], r["department"], r["status_zh"]) for r in whole] == [(2020, "某镇人民政府", "已评分"), (2021, "某镇政府", "已评分")]
    assert [f"{r['total']:.2f}" for r in whole] == [dept["2020"]["总分"], dept["2021"]["总分"]]
    assert [r["year"] for r in history(db, "--code", "501001")] == [2020, 2021]
    res = CliRunner().invoke(main, ["history", "--db", str(db), "--department", "某镇政府"])
    assert res.exit_code == 0 and "（部门整体）" in res.output and "501001" in res.output, res.output


def test_a_schema_2_store_gets_the_department_tables(tmp_path):
    db = tmp_path / "r.duckdb"
    d1, d2 = dept_year_dir(tmp_path, 2020), dept_year_dir(tmp_path, 2021)
    batch(d1, "--out", tmp_path / "o1", "--db", db)
    con = duckdb.connect(str(db))  # as schema 2 left it: no department tables
    con.execute("DROP VIEW v_departments")
    con.execute("DROP TABLE department_findings")
    con.execute("DROP TABLE departments")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    assert [r["kind"] for r in history(db)] == ["project"]  # readable as it is (read-only: nothing changed)
    batch(d2, "--out", tmp_path / "o2", "--db", db)
    store = open_store(db)
    try:
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'")["value"].to_list() == ["3"]
        assert store.query("SELECT year FROM departments")["year"].to_list() == [2021]
    finally:
        store.close()
