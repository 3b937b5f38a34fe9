"""A bulk run: inputs → worker pool → one evaluation → outputs.

1. The inputs are expanded into units (:mod:`.inputs`) and cut into chunks of
   250–500 submission files (a table is a chunk of its own).
2. A process pool reads and checks the chunks (:mod:`.worker`); each chunk
   comes back as column lists, which the parent turns into frames at once and
   renumbers, so the parent holds compact frames, not Python objects per row.
3. One :func:`perfeval.pipeline.evaluate_frames` call validates (one pandera
   call per table), scores (one vectorised pass) and reviews the whole batch.
4. The tables (:mod:`.report`), the re-check sample (:mod:`.recheck`) and the
   optional forms (:mod:`.forms`) are written under temporary names and
   published together (:class:`.writers.Staging`).

SIGINT and SIGTERM end the run cleanly: the pool is terminated, temporary
files are removed, previous outputs are left untouched, and
:class:`Interrupted` carries the exit code (130 / 143).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import secrets
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import polars as pl

from ..declare.load import DEFAULT_LIMITS, Limits
from ..issues import Issue, make_issue, os_error_zh
from ..pipeline import evaluate_frames, results
from ..profile import ProfileError, get_profile
from ..readers import READERS, Skipped
from ..render.formats import FORMATS
from ..status import STATUS_DUPLICATE, STATUS_SCORED
from . import department, recheck, storing
from . import forms as forms_mod
from .duplicates import duplicate_issues, find_duplicates
from .inputs import Unit, UsageError, expand_all
from .report import (
    TEXT,
    Batch,
    Table,
    build,
    department_table,
    detail_table,
    grade_table,
    indicators_table,
    issues_table,
    ranking_table,
    rejected_by_reason,
    sort_key,
    summary_table,
    top_codes,
)
from .storing import StoreError
from .worker import Chunk, Entry, bare_parse, init_worker, process, relocate, run_task, sha256
from .writers import Staging, Workbook, write_csv

OUTPUTS = ("summary.csv", "summary.xlsx", "issues.csv", "recheck.csv")
FORM_CHOICES = tuple(f.name for f in FORMATS.values() if f.kind == "form" and f.per_project) + ("none",)


class Interrupted(Exception):
    """The run was stopped by a signal; ``code`` is the exit code (130 SIGINT, 143 SIGTERM)."""

    def __init__(self, code: int, published: bool = False):
        self.code = code
        self.published = published  # the signal came while the finished outputs were being renamed into place
        super().__init__("已中断" if code == 130 else "已终止")


@dataclass
class Options:
    out: str
    profile: str | None = None
    jobs: int | None = None
    forms: str = "none"
    sample: int | None = None
    seed: int | None = None
    funds: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS
    floor: bool = False  # also time a bare CSafeLoader parse of the same files (``--timings``)
    db: str | None = None  # results store (DuckDB file): compare with earlier years, then store this run
    display: dict[str, str] = field(default_factory=dict)  # input path → name shown in the outputs (uploads in perfeval serve)
    prefer: tuple[str, ...] = ()  # of two submissions with the same 项目编码 and year, keep these files (else the newer one)


PHASES = [("list", "列出输入、启动进程"), ("parse", "读取、检查、建行（工作进程）"), ("evaluate", "校验、评分、复核"),
          ("forms", "自评表"), ("write", "汇总表、CSV、summary.xlsx"),
          ("store_read", "结果库：读取上年、对比"), ("store_write", "结果库：写入、提交"), ("total", "合计"), ("floor", "解析下限（仅 YAML 解析）")]


class Progress:
    """What a run reports while it works (the CLI draws it with rich; the default says nothing)."""

    def start(self, total: int) -> None: ...
    def advance(self, n: int) -> None: ...
    def stage(self, text: str) -> None: ...
    def finish(self) -> None: ...


@dataclass
class Result:
    inputs: int  # units read (files and tables)
    projects: int  # rows of the summary
    scored: int
    rejected: int
    with_errors: int  # scored projects that still have error-level issues
    grades: dict[str, int]
    top: list[tuple[str, str, int, int]]
    picks: int
    seed: int
    forms: int
    outputs: list[Path]
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)  # files in folders not read, with the reason (skipped.csv)
    rejected_reasons: list[tuple[str, str, int, list[str]]] = field(default_factory=list)  # (code, title, files, first files)
    stored: dict[str, int] = field(default_factory=dict)  # --db: stored, replaced, not_stored, previous, run_id
    duplicates: int = 0  # submissions set aside as a repeat of another (same 项目编码 and year; PE418)
    departments: int = 0  # department-wide submissions (部门整体 sheet)
    departments_rejected: int = 0
    departments_with_errors: int = 0

    @property
    def exit_code(self) -> int:
        clean = self.rejected == 0 and self.with_errors == 0 and self.departments_rejected == 0 and self.departments_with_errors == 0
        return 0 if clean else 1


# ---------------------------------------------------------------------------
def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def plan_tasks(units: list[Unit], jobs: int) -> list[list[Unit]]:
    """Chunks of 250–500 submission files (smaller for small runs, so that every worker gets work)."""
    n = sum(not READERS[u.kind].many for u in units)
    size = max(1, min(math.ceil(n / jobs) if n else 1, max(250, min(500, math.ceil(n / (jobs * 16)) if n else 1))))
    tasks: list[list[Unit]] = []
    cur: list[Unit] = []
    for u in units:
        if READERS[u.kind].many:
            if cur:
                tasks.append(cur)
                cur = []
            tasks.append([u])
            continue
        cur.append(u)
        if len(cur) >= size:
            tasks.append(cur)
            cur = []
    if cur:
        tasks.append(cur)
    return tasks


def _context() -> Any:
    # fork is cheap (no re-import in the workers) and safe here because workers run plain Python
    # only (see worker.py); elsewhere use spawn.
    if sys.platform.startswith("linux"):
        return mp.get_context("fork")
    return mp.get_context("spawn")


@contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` (SIGINT already raises KeyboardInterrupt) in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: Any) -> None:
        raise Interrupted(143)

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextmanager
def _blocked() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while outputs are renamed into place (a few system calls)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _ordered(it: Any) -> Iterator[Any]:
    """Results of ``pool.imap`` in order, waiting in short slices.

    A signal may be delivered to one of the pool's helper threads; the main thread only runs
    Python signal handlers (KeyboardInterrupt, our SIGTERM handler) when it wakes up, so it
    must not block indefinitely.
    """
    while True:
        try:
            yield it.next(timeout=0.2)
        except mp.TimeoutError:
            continue
        except StopIteration:
            return


def relabel(u: Unit, names: dict[str, str]) -> Unit:
    """The unit shown under the names in ``names`` (its path is unchanged; a sibling funds table too)."""
    from dataclasses import replace

    from ..declare.tables import sibling_funds

    funds, funds_display = u.funds, u.funds_display
    if funds is None and u.kind == "table":
        sib = sibling_funds(u.path)
        if sib is not None and str(sib) in names:
            funds = str(sib)
    if funds is not None:
        funds_display = names.get(funds, funds_display)
    return replace(u, display=names.get(u.path, u.display), funds=funds, funds_display=funds_display)


def _shift(frame: pl.DataFrame, off: int) -> pl.DataFrame:
    return frame.with_columns((pl.col("sub") + off).cast(pl.Int32)) if off else frame


def check_options(opts: Options) -> None:
    """Validate the options; raises :class:`UsageError`."""
    if opts.forms not in FORM_CHOICES:
        raise UsageError(f"--forms 应为 {'、'.join(FORM_CHOICES)} 之一")
    if opts.forms != "none":
        why = forms_mod.available()
        if why:
            raise UsageError(why)
    if opts.profile is not None:
        try:
            get_profile(opts.profile)
        except ProfileError as e:
            raise UsageError(f"PE204 {e}") from None
    if opts.jobs is not None and opts.jobs < 1:
        raise UsageError("--jobs 至少为 1")
    if opts.sample is not None and opts.sample < 0:
        raise UsageError("--sample 不能为负数")
    out = Path(opts.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {opts.out} 已存在且不是目录")
    if opts.db is not None:
        try:
            storing.check(opts.db)
        except StoreError as e:
            raise UsageError(f"{e.code} {e}") from None


def run(inputs: list[str], opts: Options, progress: Progress | None = None) -> Result:
    """Run a bulk review; raises :class:`UsageError` or :class:`Interrupted`."""
    progress = progress or Progress()
    t_start = time.perf_counter()
    check_options(opts)
    units, skipped = expand_all(inputs, opts.funds)
    if opts.display:
        units = [relabel(u, opts.display) for u in units]
    units, dept_units = department.split_units(units)
    if not units and not dept_units:
        raise UsageError("没有可处理的输入文件")
    out = Path(opts.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"无法创建输出目录 {opts.out}：{os_error_zh(e)}") from None
    jobs = opts.jobs or default_jobs()
    staging = Staging(out)
    pool = None
    session: storing.Session | None = None
    stored: dict[str, int] = {}
    timings: dict[str, float] = {}
    try:
        with _signals():
            try:
                tasks = plan_tasks(units, jobs)
                if jobs > 1 and len(tasks) > 1:
                    pool = _context().Pool(min(jobs, len(tasks)), initializer=init_worker)
                if opts.db is not None:  # opened once, after the pool is forked (duckdb stays out of the workers), before the long part
                    session = storing.Session.open(opts.db)
                timings["list"] = time.perf_counter() - t_start
                t0 = time.perf_counter()
                progress.start(len(units))
                entries, frames, pre, hashes = _parse(tasks, opts, pool, progress)
                timings["parse"] = time.perf_counter() - t0
                progress.stage("评分与复核")
                t0 = time.perf_counter()
                files = [e.key for e in entries]
                status = [e.status for e in entries]
                ev = evaluate_frames(files, status, frames, [], scoring=True)
                issues = pre + _locate(ev.issues, entries)
                # the same project and year sent twice: report it, keep one, count one (issue #10)
                pairs = find_duplicates(ev.scored, entries, opts.prefer)
                for dropped, _ in pairs:
                    entries[dropped].status = STATUS_DUPLICATE
                issues += duplicate_issues(pairs, ev.scored, entries)
                depts = department.evaluate(dept_units, opts.profile, opts.limits) if dept_units else []
                if session is not None:  # department files are read here, not by a worker: hash them here
                    hashes.update({u.display: sha256(u.path) for u in dept_units})
                timings["evaluate"] = time.perf_counter() - t0
                n_forms = 0
                links: dict[int, str] = {}
                if opts.forms != "none":
                    progress.stage("生成自评表")
                    t0 = time.perf_counter()
                    n_forms, failures, links = _forms(ev, entries, issues, opts.forms, staging, pool)
                    issues += failures
                    timings["forms"] = time.perf_counter() - t0
                if pool is not None:
                    pool.close()
                    pool.join()
                    pool = None
                scored = ev.scored
                del ev, frames, pre  # what is needed lives on in ``issues`` and ``scored``
                if session is not None:
                    progress.stage("对比结果库中的上年数据")
                    t0 = time.perf_counter()
                    session.entries, session.hashes = entries, hashes
                    issues += session.compare(scored, issues)
                    timings["store_read"] = time.perf_counter() - t0
                progress.stage("写出汇总")
                t0 = time.perf_counter()
                issues.sort(key=sort_key)
                batch = build(entries, scored, issues)
                if session is not None:
                    batch.summary = session.columns(batch.summary)
                seed = opts.seed if opts.seed is not None else secrets.randbits(32)
                n_pick = opts.sample if opts.sample is not None else recheck.default_size(batch.n)
                picks = _recheck(batch, n_pick, seed)
                # department-wide results only when there are some (keeps _write's signature for the project-only path)
                _write(batch, picks, seed, staging, links, **({"depts": depts} if depts else {}))
                if skipped:
                    _write_skipped(skipped, staging)
                timings["write"] = time.perf_counter() - t0
                if session is not None:
                    progress.stage("写入结果库")
                    t0 = time.perf_counter()
                    stored = session.write(batch, inputs, opts.profile, progress.stage, depts)
                    stored["not_stored"] = session.not_stored
                    stored["departments_not_stored"] = session.departments_not_stored
                    stored["previous"] = int(batch.summary["上年总分"].is_not_null().sum()) if "上年总分" in batch.summary.columns else 0
                    timings["store_write"] = time.perf_counter() - t0
                timings["total"] = time.perf_counter() - t_start
                try:
                    with _blocked():
                        if session is not None:
                            t0 = time.perf_counter()
                            session.commit()  # the store first: if it fails, no output is published either
                            timings["store_write"] += time.perf_counter() - t0
                        outputs = staging.commit()
                        if not skipped:  # a list from an earlier run into the same folder would mislead
                            (out / "skipped.csv").unlink(missing_ok=True)
                except KeyboardInterrupt:
                    raise Interrupted(130, published=True) from None
                except Interrupted as e:
                    e.published = True
                    raise
                progress.finish()
            except KeyboardInterrupt:
                raise Interrupted(130) from None
    except StoreError as e:
        raise UsageError(f"{e.code} {e}") from None
    finally:
        progress.finish()
        if pool is not None:
            pool.terminate()
            pool.join()
        staging.discard()
        if session is not None:
            session.close()  # rolls back an uncommitted run; removes a store file this run created
    if opts.floor:
        timings["floor"] = parse_floor(units, jobs)
    s = batch.summary
    if s.height == 0:  # department files only: the project summary is empty and untyped
        s = s.cast({"状态": pl.String, "等级": pl.String, "错误数": pl.Int64})
    scored_mask = s["状态"] == STATUS_SCORED
    grades = {g: int(((s["等级"] == g) & scored_mask).sum()) for g in batch.grade_names}
    return Result(
        inputs=len(units) + len(dept_units),
        departments=len(depts), departments_rejected=sum(d.record["status"] != STATUS_SCORED for d in depts),
        departments_with_errors=sum(d.record["status"] == STATUS_SCORED and d.has_errors for d in depts), projects=batch.n, scored=int(scored_mask.sum()),
        rejected=int((~scored_mask & (s["状态"] != STATUS_DUPLICATE)).sum()), duplicates=int((s["状态"] == STATUS_DUPLICATE).sum()),
        with_errors=int(((s["错误数"] > 0) & scored_mask).sum()), grades=grades, top=top_codes(batch),
        picks=len(picks), seed=seed, forms=n_forms, outputs=outputs, timings=timings, skipped=skipped, stored=stored,
        rejected_reasons=rejected_by_reason(batch),
    )


def parse_floor(units: list[Unit], jobs: int) -> float:
    """Seconds to merely parse the same submission files with CSafeLoader, same pool and chunks (the floor)."""
    tasks = [[u.path for u in t if u.kind == "yaml"] for t in plan_tasks(units, jobs)]
    tasks = [t for t in tasks if t]
    t0 = time.perf_counter()
    if jobs > 1 and len(tasks) > 1:
        with _context().Pool(min(jobs, len(tasks)), initializer=init_worker) as pool:
            pool.map(bare_parse, tasks, chunksize=1)
    else:
        for t in tasks:
            bare_parse(t)
    return time.perf_counter() - t0


def _parse(tasks: list[list[Unit]], opts: Options, pool: Any, progress: Progress) -> tuple[list[Entry], tuple, list, dict]:
    args = [(t, opts.profile, opts.limits, opts.db is not None) for t in tasks]
    chunks = _ordered(pool.imap(run_task, args, chunksize=1)) if pool is not None else (process(*a) for a in args)
    entries: list[Entry] = []
    pre: list[tuple[int, Issue]] = []
    hashes: dict[str, str | None] = {}
    parts: tuple[list, list, list] = ([], [], [])
    for chunk in chunks:
        chunk: Chunk
        off = len(entries)
        for acc, frame in zip(parts, chunk.cols.frames(), strict=True):
            if frame.height:
                acc.append(_shift(frame, off))
        entries.extend(chunk.entries)
        pre.extend((s + off, i) for s, i in chunk.issues)
        hashes.update(chunk.hashes)
        progress.advance(chunk.units)
    from ..declare.rows import Columns

    empty = Columns().frames()
    frames = tuple(pl.concat(acc, how="vertical", rechunk=True) if acc else e for acc, e in zip(parts, empty, strict=True))
    return entries, frames, pre, hashes


def _locate(issues: list[Issue], entries: list[Entry]) -> list[tuple[int, Issue]]:
    """Issues from validation and review (named by submission key) → (submission number, issue on its file/row)."""
    where = {e.key: k for k, e in enumerate(entries)}
    out = []
    for i in issues:
        sub = where.get(i.file or "", 0)  # dtype problems carry no file; they cannot occur for frames built by declare.rows
        out.append((sub, relocate(i, entries[sub]) if entries else i))
    return out


def _forms(ev: Any, entries: list[Entry], issues: list[tuple[int, Issue]], fmt: str, staging: Staging,
           pool: Any) -> tuple[int, list[tuple[int, Issue]], dict[int, str]]:
    """Render the forms; returns (forms written, failures, {submission: form path relative to the output directory})."""
    directory = staging.directory("forms")
    recs = results(ev)
    subs = [k for k, r in enumerate(recs) if r.get("status") == STATUS_SCORED]
    own: dict[int, list[tuple[int, Issue]]] = {}
    for item in issues:
        own.setdefault(item[0], []).append(item)
    scored = []
    for k in subs:
        r = recs[k]
        r["file"] = entries[k].file  # the source as the user knows it, and issues on their own file and row
        r["issues"] = [i.to_dict() for _, i in sorted(own.get(k, []), key=sort_key)]
        scored.append(r)
    planned = forms_mod.plan(scored, directory, fmt)
    items = [(str(p), r) for p, r in planned]
    size = 200
    chunks = [(items[i:i + size], fmt) for i in range(0, len(items), size)]
    done = _ordered(pool.imap(forms_mod.render_chunk, chunks, chunksize=1)) if pool is not None else map(forms_mod.render_chunk, chunks)
    failures = []
    written = 0
    links: dict[int, str] = {}
    for c, res in enumerate(done):
        for k, err in res:
            sub = subs[c * size + k]
            if err is None:
                written += 1
                links[sub] = f"forms/{Path(items[c * size + k][0]).name}"
            else:
                failures.append((sub, make_issue("PE502", file=entries[sub].file, line=entries[sub].line, reason=f"生成自评表失败（{err}）")))
    return written, failures, links


def _recheck(b: Batch, n: int, seed: int) -> list[recheck.Pick]:
    s = b.summary
    eligible = [int(x) for x in s.filter(pl.col("状态") == STATUS_SCORED)["sub"].to_list()]
    above = {int(x) for x in s.filter(pl.col("自评−复核差") > 0.005)["sub"].to_list()}
    by_sub: dict[int, list[Issue]] = {}
    for sub, i in b.issues:
        by_sub.setdefault(sub, []).append(i)
    profiles = recheck.risk_profile(by_sub, above)
    return recheck.draw(eligible, profiles, n, seed)


RECHECK_SPEC = [("抽取顺序", "int", 8), ("源文件", "text", 36), ("行号", "int", 7), ("项目名称", "text", 30), ("项目编码", "text", 16),
                ("主管部门", "text", 22), ("总分", "score", 9), ("等级", "text", 6), ("自评总分", "score", 10),
                ("自评−复核差", "score", 12), ("风险分", "score", 8), ("抽取原因", "text", 60), ("随机种子", "text", 12)]


def recheck_table(b: Batch, picks: list[recheck.Pick], seed: int) -> Table:
    s = b.summary
    cols: list[list[Any]] = [[] for _ in RECHECK_SPEC]
    for p in picks:
        row = s.row(p.sub, named=True)
        vals = [p.order, row["源文件"], row["_line"], row["项目名称"], row["项目编码"], row["主管部门"], row["总分"], row["等级"],
                row["自评总分"], row["自评−复核差"], p.risk, p.reason, str(seed)]
        for c, v in zip(cols, vals, strict=True):
            c.append(v)
    return Table("复核抽样", [h for h, _, _ in RECHECK_SPEC], [k for _, k, _ in RECHECK_SPEC], cols, [w for _, _, w in RECHECK_SPEC])


def _write_skipped(skipped: list[Skipped], staging: Staging) -> None:
    """skipped.csv: every file of the input folders that was not read, and why (nothing is dropped silently)."""
    t = Table("已跳过的文件", ["文件", "原因"], ["text", "text"], [[s.path for s in skipped], [s.reason for s in skipped]], [60, 60])
    write_csv(staging.path("skipped.csv"), t)


def _href(relpath: str) -> str:
    """A relative link as rust_xlsxwriter takes it: "#" would start an anchor, so a name with "#" or "%" is escaped
    (the writer then leaves the whole link as given, spaces too); ordinary names stay readable."""
    if "#" in relpath or "%" in relpath:
        return relpath.replace("%", "%25").replace("#", "%23").replace(" ", "%20")
    return relpath


def _with_links(t: Table, b: Batch, links: dict[int, str]) -> tuple[Table, list[str]]:
    """The summary sheet with a 自评表 column linking each scored row to its form (``--forms``)."""
    if not links:
        return t, []
    col = [None if (p := links.get(int(s))) is None else f"file:///./{_href(p)}" for s in b.summary["sub"].to_list()]
    return Table(t.name, [*t.headers, "自评表"], [*t.kinds, TEXT], [*t.columns, col], [*(t.widths or []), 40]), ["自评表"]


def _write(b: Batch, picks: list[recheck.Pick], seed: int, staging: Staging, links: dict[int, str] | None = None,
           depts: list | None = None) -> None:
    summary = summary_table(b)
    issues = issues_table(b)
    rc = recheck_table(b, picks, seed)
    write_csv(staging.path("summary.csv"), summary)
    write_csv(staging.path("issues.csv"), issues)
    write_csv(staging.path("recheck.csv"), rc)
    wb = Workbook(staging.path("summary.xlsx"))
    sheet, link_cols = _with_links(summary, b, links or {})
    wb.sheet(sheet, "summary.csv", links=link_cols)
    wb.sheet(department_table(b))
    wb.sheet(ranking_table(b))
    grades = grade_table(b)
    wb.grade_chart(wb.sheet(grades), grades)
    wb.sheet(indicators_table(b))
    wb.sheet(detail_table(b))
    wb.sheet(rc)
    wb.sheet(issues, "issues.csv")
    if depts:  # department-wide submissions: one more frame → sheet each, and their CSVs
        dt, di = department.department_table(depts), department.department_issues_table(depts)
        write_csv(staging.path("department.csv"), dt)
        write_csv(staging.path("department_issues.csv"), di)
        wb.sheet(dt, "department.csv")
        wb.sheet(di, "department_issues.csv")
    wb.close()


__all__ = ["PHASES", "Options", "Progress", "Result", "Interrupted", "UsageError", "run", "plan_tasks", "default_jobs", "OUTPUTS"]
