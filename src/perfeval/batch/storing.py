"""``perfeval batch --db``: compare the run with earlier years in the results store, then store it.

The SQL lives in :mod:`perfeval.store`; this module turns the run (entries,
scored frames, issues, the summary frame) into the store's frames and back.

1. :meth:`Session.compare` (after evaluation, before the summary is built):
   reads last year's rows for this run's projects and returns the new findings —
   PE710 (target below last year's actual), PE711 (a finding that recurs),
   PE712 (the same project twice in this run), PE713 (a scored project that
   cannot be identified across years).
2. :meth:`Session.columns` adds 上年总分, 上年等级, 变化, 上年也有的问题 to the
   summary frame when the store holds last year for any project of the run.
3. :meth:`Session.write` replaces this run's project-years in one open
   transaction; the runner commits it together with publishing the outputs.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from ..issues import CODES, ERROR, INFO, WARNING, Issue, make_issue
from ..profile import LEVEL1_NAMES
from ..scoring.engine import Scored
from ..status import STATUS_DUPLICATE, STATUS_SCORED, status_zh
from ..store import Prior, Store, key_expr, open_for_run, previous_columns, year_expr
from ..store.duck import StoreError
from ..store.yoy import compare, issues_frame
from .report import Batch, status_column
from .worker import Entry, relocate, sha256

SCORE_COLUMNS = dict(zip(LEVEL1_NAMES, ("output_score", "benefit_score", "satisfaction_score", "cost_score"), strict=True))
PREVIOUS = ("上年总分", "上年等级", "变化", "上年也有的问题")


def check(path: str) -> None:
    """What can be said of the store path without opening it (no duckdb import): raises StoreError.

    The store itself is opened by :meth:`Session.open` right after the worker pool is started (duckdb
    is not loaded into the processes the pool forks) and before any file is read, so a store that
    cannot be used still stops the run before the long part.
    """
    if os.path.isdir(path):
        raise StoreError("PE715", f"无法打开结果库 {path}：这是一个目录")
    if not os.path.exists(path):
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise StoreError("PE715", f"无法创建结果库 {path}：目录 {parent} 不存在")


def version() -> str:
    try:
        from importlib.metadata import version as _v

        return _v("perfeval")
    except Exception:  # noqa: BLE001 - running from a source tree
        return "unknown"


@dataclass
class Session:
    store: Store
    entries: list[Entry]
    keys: pl.DataFrame = field(default_factory=pl.DataFrame)  # sub, project_key, year, stored
    prior: Prior | None = None
    recurring: pl.DataFrame | None = None  # project_key, year, code
    not_stored: int = 0
    started_at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None))
    written: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    hashes: dict[str, str | None] = field(default_factory=dict)  # source file as shown → SHA-256 (from the workers)
    departments_not_stored: int = 0  # department-wide files without a name or code and year (or repeated in the run)

    @classmethod
    def open(cls, path: str, entries: list[Entry] | None = None) -> "Session":
        return cls(open_for_run(path), entries if entries is not None else [])

    # -- 1. compare ------------------------------------------------------------------
    def compare(self, scored: Scored | None, issues: list[tuple[int, Issue]]) -> list[tuple[int, Issue]]:
        entries = self.entries
        ids = self._identities(scored)
        keyed = ids.with_columns(key_expr(), year_expr())
        ok = pl.col("project_key").is_not_null() & pl.col("year").is_not_null()
        # the copy a batch counts is the one stored: a submission set aside as a duplicate (PE418) never is
        dup = pl.Series("_dup", [e.status == STATUS_DUPLICATE for e in entries], dtype=pl.Boolean)
        keyed = keyed.with_columns(dup.gather(keyed["sub"]).alias("_dup"))
        first = pl.col("sub").sort_by(pl.col("_dup"), pl.col("sub")).first().over("project_key", "year")
        keyed = keyed.with_columns((ok & (pl.col("sub") == first)).alias("stored"), first.alias("_first"))
        extra: list[tuple[int, Issue]] = []
        for r in keyed.filter(ok & ~pl.col("stored") & ~pl.col("_dup")).iter_rows(named=True):
            f = entries[r["_first"]]
            where = f.file + (f"：第 {f.line} 行" if f.line else "")
            extra.append((r["sub"], make_issue("PE712", file=entries[r["sub"]].key, line=self.entries[r["sub"]].line,
                                               key=_show_key(r["project_key"]), year=r["year"], first=where)))
        scored_subs = set(scored.projects["sub"].to_list()) if scored is not None and scored.projects.height else set()
        for r in keyed.filter(~ok).iter_rows(named=True):
            if r["sub"] in scored_subs:
                missing = "、".join(x for x, bad in (("年度", r["year"] is None),
                                                    ("项目编码（或主管部门和项目名称）", r["project_key"] is None)) if bad)
                extra.append((r["sub"], make_issue("PE713", file=entries[r["sub"]].key, line=self.entries[r["sub"]].line, missing=missing)))
        self.not_stored = int(keyed.filter(~pl.col("stored")).height)
        self.keys = keyed.select("sub", "project_key", "year", "stored")
        comparable = self.keys.filter(ok).select("sub", "project_key", "year")
        comp = compare(self.store, comparable, scored, issues_frame(issues + extra), [e.key for e in entries], self._place)
        self.prior, self.recurring = comp.prior, comp.recurring
        return [(s, relocate(i, entries[s])) for s, i in extra] + comp.issues  # comp.issues are placed already

    def _place(self, sub: int, line: int | None) -> tuple:
        """Where an issue of submission ``sub`` at ``line`` is shown: the entry's own file, sheet, row (as :func:`relocate`)."""
        e = self.entries[sub]
        if e.locator is None:
            return (e.key, line, None, None)
        loc = e.locator(line)
        return (loc.file, loc.row, loc.sheet, loc.column)

    def _identities(self, scored: Scored | None) -> pl.DataFrame:
        schema = {"sub": pl.Int32, "code": pl.String, "department": pl.String, "name": pl.String, "year": pl.String}
        parts = []
        if scored is not None and scored.projects.height:
            parts.append(scored.projects.select(
                pl.col("sub").cast(pl.Int32), "code", "department", "name", pl.col("year").cast(pl.String)))
        have = set(parts[0]["sub"].to_list()) if parts else set()
        rows = [(k, e.info.get("code"), e.info.get("department"), e.info.get("name"), e.info.get("year"))
                for k, e in enumerate(self.entries) if k not in have]
        if rows:
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
        if not parts:
            return pl.DataFrame(schema=schema)
        return pl.concat(parts, how="vertical").sort("sub")

    # -- 2. summary columns ------------------------------------------------------------
    def columns(self, summary: pl.DataFrame) -> pl.DataFrame:
        """The summary with 上年总分, 上年等级, 变化, 上年也有的问题 when the store holds last year of any project."""
        if self.prior is None or self.prior.projects.height == 0:
            return summary
        cur = self.keys.filter(pl.col("project_key").is_not_null() & pl.col("year").is_not_null()).join(
            summary.select(pl.col("sub").cast(pl.Int32), pl.col("总分").alias("total")), on="sub", how="left")
        prev = previous_columns(cur, self.prior)
        if self.recurring is not None and self.recurring.height:
            codes = (self.recurring.join(self.keys.select("sub", "project_key", "year"), on=["project_key", "year"])
                     .group_by("sub").agg(pl.col("code").unique().sort().str.join("、").alias("上年也有的问题")))
            prev = prev.join(codes, on="sub", how="left")
        else:
            prev = prev.with_columns(pl.lit(None, pl.String).alias("上年也有的问题"))
        out = summary.join(prev.with_columns(pl.col("sub").cast(summary["sub"].dtype)), on="sub", how="left")
        # a project the summary shows as rejected has no score to compare
        return out.with_columns(pl.when(pl.col("状态") == STATUS_SCORED).then(pl.col("变化")).otherwise(None).alias("变化"))

    # -- 3. write ------------------------------------------------------------------------
    def write(self, b: Batch, inputs: list[str], profile: str | None, progress: Callable[[str], None] | None = None,
              depts: list | None = None) -> dict[str, int]:
        step = progress or (lambda text: None)
        step("结果库：整理数据")
        keys = self.keys.filter(pl.col("stored")).select("sub", "project_key", "year")
        s = (b.summary.drop("project_key", "year", strict=False)  # the summary's own ``year`` is empty for rejected files
             .with_columns(pl.col("sub").cast(pl.Int32)).join(keys, on="sub", how="inner"))
        subs = s["sub"].to_list()
        files = [self.entries[k].file for k in subs]
        hashes = {f: self.hashes[f] for f in files if f in self.hashes}
        hashes.update(_hashes([f for f in files if f not in hashes]))  # files not read by a worker (department files)
        n = len(self.entries)
        counts = issues_frame(b.issues).group_by("sub").agg(
            (pl.col("severity") == ERROR).sum().alias("_e"), (pl.col("severity") == WARNING).sum().alias("_w"),
            (pl.col("severity") == INFO).sum().alias("_i"))
        s = s.join(counts, on="sub", how="left")
        if b.scored is not None and b.scored.projects.height:
            s = s.join(b.scored.projects.select(pl.col("sub").cast(pl.Int32), "claimed_grade", "money_unit"), on="sub", how="left")
        else:
            s = s.with_columns(pl.lit(None, pl.String).alias("claimed_grade"), pl.lit(None, pl.String).alias("money_unit"))
        projects = s.select(
            "project_key", "year",
            pl.col("项目编码").alias("code"), pl.col("项目名称").alias("name"), pl.col("主管部门").alias("department"),
            pl.col("实施单位").alias("implementer"), pl.col("源文件").alias("source_file"),
            pl.col("_line").alias("source_line"), pl.Series("source_hash", [hashes.get(self.entries[k].file) for k in subs], dtype=pl.String),
            status_column().alias("status"), pl.col("评分规则").alias("profile"),
            pl.col("全年预算数（万元）").alias("budget"), pl.col("全年执行数（万元）").alias("executed"),
            pl.col("执行率").alias("exec_rate"), pl.col("执行率得分").alias("exec_score"),
            *[pl.col(f"{l1}得分").alias(col) for l1, col in SCORE_COLUMNS.items()],
            pl.col("总分").alias("total"), pl.col("等级").alias("grade"), pl.col("自评总分").alias("claimed_total"),
            "claimed_grade", pl.col("_inflated").alias("inflated"),
            pl.col("_e").fill_null(0).cast(pl.Int32).alias("errors"), pl.col("_w").fill_null(0).cast(pl.Int32).alias("warnings"),
            pl.col("_i").fill_null(0).cast(pl.Int32).alias("infos"),
        )
        if b.scored is not None and b.scored.projects.height:
            unit = b.scored.projects.select(pl.col("sub").cast(pl.Int32), "money_unit")
            funds = b.scored.funds.with_columns(pl.col("sub").cast(pl.Int32)).join(keys, on="sub", how="inner").join(unit, on="sub", how="left").select(
                "project_key", "year", "pos", "name", "initial", "budget", "executed", "money_unit")
            ind = b.scored.indicators
            indicators = ind.with_columns(pl.col("sub").cast(pl.Int32)).join(keys, on="sub", how="inner").sort("sub", "pos").select(
                "project_key", "year", "pos", "level1", "level2", "name", "ref", "target", "actual", pl.col("op").alias("kind"), "unit",
                pl.col("a").alias("target_value"), pl.col("a_hi").alias("target_high"), pl.col("b").alias("actual_value"),
                "completion", pl.col("weight_eff").alias("weight"),
                pl.when(pl.col("scorable")).then(pl.col("score")).when(pl.col("op") != "na").then(0.0).otherwise(None).alias("score"),
                pl.col("claimed").alias("claimed_score"), "scorable",
            )
        else:
            funds = _empty("funds")
            indicators = _empty("indicators")
        findings = _findings(b.issues, keys, self.recurring)
        run = {
            "started_at": self.started_at, "perfeval_version": version(), "profile": profile,
            "inputs": json.dumps(list(inputs), ensure_ascii=False),
            "input_hash": _run_hash(hashes), "projects": n, "not_stored": self.not_stored,
        }
        frames = {"projects": projects, "funds": funds, "indicators": indicators, "findings": findings}
        if depts:
            frames["departments"], frames["department_findings"], self.departments_not_stored = department_frames(depts, self.hashes)
            hashes.update({f: self.hashes.get(f) for f in frames["departments"]["source_file"].to_list()})
            run["input_hash"] = _run_hash(hashes)
        self.written = self.store.write_run(run, frames, step)
        return self.written

    def commit(self) -> None:
        self.store.commit()
        self.committed = True

    def close(self) -> None:
        self.store.close(discard=not self.committed)


def department_key(dept: dict) -> str | None:
    """A department across years: ``code:<单位编码>`` when it has one (a renamed department keeps its history), else ``name:<名称>``."""
    code, name = (str(dept.get(k) or "").strip() for k in ("code", "name"))
    return f"code:{code}" if code else f"name:{name}" if name else None


def department_frames(depts: list, hashes: dict[str, str | None]) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(departments, department_findings, not stored) for the department-wide submissions of a run (``DeptEvaluation``)."""
    from .department import money_wan

    rows, found, seen, skipped = [], [], set(), 0
    titles = {c: spec.title for c, spec in CODES.items()}
    for ev in depts:
        r = ev.record
        d = r.get("department") or {}
        key, year = department_key(d), d.get("year")
        if key is None or not year or (key, year) in seen:
            skipped += 1  # no identity (a file that could not be read) or the same department-year twice in this run
            continue
        seen.add((key, year))
        ex, prof, ru = r.get("execution") or {}, r.get("profile") or {}, r.get("rollup") or {}
        sev = [i.severity for i in ev.issues]
        rows.append({
            "department_key": key, "year": int(year), "code": d.get("code"), "name": d.get("name"), "supervisor": d.get("supervisor"),
            "source_file": ev.file, "source_hash": hashes.get(ev.file), "status": status_zh(r.get("status")),
            "profile": prof.get("name"), "weights_source": prof.get("weights_source"),
            "budget": money_wan(ex, "budget"), "executed": money_wan(ex, "executed"), "exec_rate": ex.get("rate"),
            "total": r.get("total"), "grade": r.get("grade"), "grade_word": r.get("grade_word"),
            "claimed_total": r.get("claimed_total"), "claimed_grade": r.get("claimed_grade"),
            "linked_projects": len(r.get("projects") or []), "fund_weighted_score": ru.get("fund_weighted_score"),
            "errors": sev.count(ERROR), "warnings": sev.count(WARNING), "infos": sev.count(INFO),
        })
        found += [{"department_key": key, "year": int(year), "code": i.code, "severity": i.severity, "title": titles.get(i.code),
                   "indicator": i.indicator, "file": i.file, "line": i.line, "message": i.message} for i in ev.issues]
    types = {"department_key": pl.String, "year": pl.Int32, "code": pl.String, "name": pl.String, "supervisor": pl.String,
             "source_file": pl.String, "source_hash": pl.String, "status": pl.String, "profile": pl.String, "weights_source": pl.String,
             "budget": pl.Float64, "executed": pl.Float64, "exec_rate": pl.Float64, "total": pl.Float64, "grade": pl.String,
             "grade_word": pl.String, "claimed_total": pl.Float64, "claimed_grade": pl.String, "linked_projects": pl.Int32,
             "fund_weighted_score": pl.Float64, "errors": pl.Int32, "warnings": pl.Int32, "infos": pl.Int32}
    ftypes = {"department_key": pl.String, "year": pl.Int32, "code": pl.String, "severity": pl.String, "title": pl.String,
              "indicator": pl.String, "file": pl.String, "line": pl.Int32, "message": pl.String}
    return pl.DataFrame(rows, schema=types), pl.DataFrame(found, schema=ftypes), skipped


def _show_key(key: str) -> str:
    if key.startswith("code:"):
        return "编码 " + key[5:]
    return key[5:].replace("\x1f", "／")


def _findings(issues: list[tuple[int, Issue]], keys: pl.DataFrame, rec: pl.DataFrame | None) -> pl.DataFrame:
    titles = {c: spec.title for c, spec in CODES.items()}
    f = pl.DataFrame(
        {
            "sub": pl.Series([s for s, _ in issues], dtype=pl.Int32),
            "code": pl.Series([i.code for _, i in issues], dtype=pl.String),
            "severity": pl.Series([i.severity for _, i in issues], dtype=pl.String),
            "indicator": pl.Series([i.indicator for _, i in issues], dtype=pl.String),
            "file": pl.Series([i.file for _, i in issues], dtype=pl.String),
            "line": pl.Series([i.line for _, i in issues], dtype=pl.Int32),
            "message": pl.Series([i.message for _, i in issues], dtype=pl.String),
        }
    ).join(keys, on="sub", how="inner")
    f = f.with_columns(pl.col("code").replace_strict(titles, default=None, return_dtype=pl.String).alias("title"))
    if rec is not None and rec.height:
        f = f.join(rec.with_columns(pl.lit(True).alias("recurring")), on=["project_key", "year", "code"], how="left")
        f = f.with_columns(pl.col("recurring").fill_null(False))
    else:
        f = f.with_columns(pl.lit(False).alias("recurring"))
    return f.sort("sub", maintain_order=True).select("project_key", "year", "code", "severity", "title", "indicator", "file", "line", "message", "recurring")


def _empty(table: str) -> pl.DataFrame:
    types = {
        "funds": {"project_key": pl.String, "year": pl.Int32, "pos": pl.Int32, "name": pl.String, "initial": pl.Float64,
                  "budget": pl.Float64, "executed": pl.Float64, "money_unit": pl.String},
        "indicators": {"project_key": pl.String, "year": pl.Int32, "pos": pl.Int32, "level1": pl.String, "level2": pl.String,
                       "name": pl.String, "ref": pl.String, "target": pl.String, "actual": pl.String, "kind": pl.String,
                       "unit": pl.String, "target_value": pl.Float64, "target_high": pl.Float64, "actual_value": pl.Float64,
                       "completion": pl.Float64, "weight": pl.Float64, "score": pl.Float64, "claimed_score": pl.Float64,
                       "scorable": pl.Boolean},
    }
    return pl.DataFrame(schema=types[table])


def _hashes(files: list[str]) -> dict[str, str | None]:
    unique = sorted(set(files))
    if len(unique) < 64:
        return {f: sha256(f) for f in unique}
    with ThreadPoolExecutor(max_workers=4) as ex:
        return dict(zip(unique, ex.map(sha256, unique), strict=True))


def _run_hash(hashes: dict[str, str | None]) -> str:
    h = hashlib.sha256()
    for f, d in sorted(hashes.items()):
        h.update(f"{f}\0{d or ''}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


__all__ = ["PREVIOUS", "Session", "StoreError", "check"]
