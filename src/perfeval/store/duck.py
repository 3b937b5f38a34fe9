"""The DuckDB results store — the only place in perfeval that speaks SQL.

Frames go in and come out through the Arrow C stream interface (polars
exports it, DuckDB scans it; DuckDB relations export it, polars imports it):
no row-by-row inserts, no copies through Python objects.

A store is opened for one run and written in ONE transaction: the rows of
the projects of this run (by project key and year) are deleted and
re-inserted, so re-running a year replaces its rows instead of duplicating
them.  Nothing is visible until :meth:`Store.commit`; if the process is
interrupted or killed before that, DuckDB discards the transaction and the
file holds exactly what it held before.  A store file created by a run that
does not commit is removed again.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import polars as pl

from .schema import COLUMNS, DEPARTMENT_TABLES, MIGRATIONS, PROJECT_TABLES, SCHEMA_VERSION, TABLES, VIEWS


class StoreError(Exception):
    """A store that cannot be used; ``code`` is a stable issue code (PE714–PE718), the message is Chinese."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


class _Arrow:
    """Hands DuckDB a polars frame as an Arrow C stream (no pyarrow needed, no copy)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.frame.__arrow_c_stream__(requested_schema)


def _frame(rel: Any) -> pl.DataFrame:
    return pl.DataFrame(rel)


@dataclass
class Prior:
    """What the store knows about the years before this run's projects (keyed by project_key, year)."""

    projects: pl.DataFrame  # project_key, year, total, grade, claimed_total, department, name
    indicators: pl.DataFrame  # project_key, year, level1, name, unit, kind, actual_value, actual
    findings: pl.DataFrame  # project_key, year, code


def _connect(path: str, read_only: bool) -> Any:
    import duckdb

    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            raise StoreError("PE715", f"无法打开结果库 {path}：文件正被另一个程序使用（{text.splitlines()[0][:200]}）") from None
        raise StoreError("PE715", f"无法打开结果库 {path}：{text.splitlines()[0][:200]}") from None
    except duckdb.Error as e:
        raise StoreError("PE715", f"无法打开结果库 {path}：{str(e).splitlines()[0][:200]}") from None


class Store:
    """One open results store.  Use :func:`open_store` (reading) or :func:`open_for_run` (a batch run)."""

    def __init__(self, path: str, con: Any, created: bool, read_only: bool):
        self.path = path
        self.con = con
        self.created = created
        self.read_only = read_only
        self.in_transaction = False
        self.version = SCHEMA_VERSION  # of the file as opened; an older file is migrated by the first writing run

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False, read_only: bool = False) -> "Store":
        p = str(path)
        exists = os.path.exists(p)
        if not exists and not create:
            raise StoreError("PE714", f"结果库文件 {p} 不存在")
        if exists and os.path.isdir(p):
            raise StoreError("PE715", f"无法打开结果库 {p}：这是一个目录")
        if not exists:
            parent = Path(p).parent
            if not parent.is_dir():
                raise StoreError("PE715", f"无法创建结果库 {p}：目录 {parent} 不存在")
        con = _connect(p, read_only=read_only and exists)
        store = cls(p, con, created=not exists, read_only=read_only)
        try:
            if not exists:
                store._create()
            else:
                store._check_version()
        except BaseException:
            store.close(discard=not exists)
            raise
        return store

    def _create(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        for ddl in TABLES.values():
            self.con.execute(ddl)
        for ddl in VIEWS.values():
            self.con.execute(ddl)
        self.con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', 'perfeval')", [str(SCHEMA_VERSION)])
        self.con.execute("COMMIT")

    def _check_version(self) -> None:
        import duckdb

        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        except duckdb.Error:
            raise StoreError("PE717", f"{self.path} 不是 perfeval 结果库（没有 meta 表）") from None
        version = row[0][0] if row else None
        if version is None or not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
            raise StoreError("PE716", f"结果库 {self.path} 的结构版本为 {version}，本程序支持版本 1–{SCHEMA_VERSION}")
        self.version = int(version)

    def _migrate(self) -> None:
        """Bring an older file to :data:`SCHEMA_VERSION`, inside the run's open transaction (rolled back with it)."""
        for v in range(self.version, SCHEMA_VERSION):
            for sql in MIGRATIONS[v]:
                self.con.execute(sql)
        if self.version != SCHEMA_VERSION:
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])

    def close(self, discard: bool = False) -> None:
        """Close; ``discard`` removes a file this run created (used when the run does not commit)."""
        if self.in_transaction:
            try:
                self.con.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - closing must not hide the original error
                pass
            self.in_transaction = False
        try:
            self.con.close()
        except Exception:  # noqa: BLE001
            pass
        if discard and self.created:
            for f in (self.path, self.path + ".wal"):
                try:
                    os.unlink(f)
                except FileNotFoundError:
                    pass

    # -- reading -------------------------------------------------------------------
    def prior(self, keys: pl.DataFrame) -> Prior:
        """Rows of the year before each (project_key, year) in ``keys``."""
        con = self.con
        want = keys.select(pl.col("project_key"), (pl.col("year") - 1).cast(pl.Int32).alias("year")).unique()
        con.register("_want", _Arrow(want))
        try:
            projects = _frame(con.sql(
                "SELECT p.project_key, p.year, p.total, p.grade, p.claimed_total, p.status, p.department, p.name "
                "FROM projects p JOIN _want w ON w.project_key = p.project_key AND w.year = p.year"))
            indicators = _frame(con.sql(
                "SELECT i.project_key, i.year, i.level1, i.name, i.unit, i.kind, i.actual_value, i.actual "
                "FROM indicators i JOIN _want w ON w.project_key = i.project_key AND w.year = i.year "
                "WHERE i.actual_value IS NOT NULL"))
            findings = _frame(con.sql(
                "SELECT DISTINCT f.project_key, f.year, f.code FROM findings f "
                "JOIN _want w ON w.project_key = f.project_key AND w.year = f.year"))
        finally:
            con.unregister("_want")
        return Prior(projects, indicators, findings)

    def has_years_before(self, keys: pl.DataFrame) -> bool:
        """Whether the store holds any row of the year before one of these projects' years."""
        p = self.prior(keys)
        return p.projects.height > 0

    def history(self, code: str | None = None, department: str | None = None, name: str | None = None) -> pl.DataFrame:
        """One row per project-year, oldest first (see docs/store.md)."""
        where, params = [], []
        if code is not None:
            where.append("p.code = ?")
            params.append(code)
        if department is not None:
            # a project is the department's if it was in any year: a renamed department keeps its history
            where.append("p.project_key IN (SELECT project_key FROM projects WHERE department = ?)")
            params.append(department)
        if name is not None:
            where.append("contains(p.name, ?)")
            params.append(name)
        sql = (
            "SELECT p.code, p.name, p.department, p.year, p.status, p.total, p.grade, p.claimed_total, p.exec_rate, "
            "p.errors, p.warnings, p.infos, p.source_file, p.project_key "
            "FROM projects p" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY p.year, p.code NULLS LAST, p.department, p.name"
        )
        return _frame(self.con.sql(sql, params=params or None))

    def department_history(self, code: str | None = None, name: str | None = None) -> pl.DataFrame:
        """Department-wide results, one row per department-year, oldest first (empty for a store before schema 3)."""
        if self.version < 3:
            return pl.DataFrame(schema={c: pl.String for c in ("code", "name")})
        where, params = [], []
        if code is not None:
            where.append("d.code = ?")
            params.append(code)
        if name is not None:  # a department renamed between years keeps its history (matched by its key)
            where.append("d.department_key IN (SELECT department_key FROM departments WHERE name = ?)")
            params.append(name)
        sql = (
            "SELECT d.code, d.name, d.year, d.status, d.total, d.grade, d.grade_word, d.claimed_total, d.exec_rate, "
            "d.errors, d.warnings, d.infos, d.source_file, d.department_key FROM departments d"
            + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.year, d.code NULLS LAST, d.name"
        )
        return _frame(self.con.sql(sql, params=params or None))

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise KeyError(table)
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """A read query for tools and tests (the store is still the only module that runs SQL)."""
        return _frame(self.con.sql(sql, params=params or None))

    # -- writing ---------------------------------------------------------------------
    def write_run(
        self,
        run: dict[str, Any],
        frames: dict[str, pl.DataFrame],
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, int]:
        """Replace this run's project-years and insert its rows, in one transaction left open until :meth:`commit`.

        ``frames`` holds ``projects``, ``funds``, ``indicators``, ``findings`` (and, when the run had
        department-wide submissions, ``departments`` and ``department_findings``) with the columns of
        :data:`.schema.COLUMNS` except ``run_id`` (added here).  Each family of tables is replaced by its
        own key and year.  Returns ``{"stored", "replaced", "departments", "departments_replaced", "run_id"}``.
        """
        if self.read_only:
            raise StoreError("PE718", f"结果库 {self.path} 以只读方式打开，不能写入")
        import duckdb

        con = self.con
        step = progress or (lambda text: None)
        try:
            con.execute("BEGIN TRANSACTION")
            self.in_transaction = True
            self._migrate()
            run_id = int(con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0])
            replaced: dict[str, int] = {}
            for head, family, key in (("projects", PROJECT_TABLES, "project_key"), ("departments", DEPARTMENT_TABLES, "department_key")):
                if head not in frames:
                    continue
                con.register("_keys", _Arrow(frames[head].select(key, "year")))
                replaced[head] = int(con.execute(
                    f"SELECT count(*) FROM {head} p JOIN _keys k ON k.{key} = p.{key} AND k.year = p.year").fetchall()[0][0])
                for table in reversed(family):  # child rows first
                    step(f"结果库：替换 {table}")
                    con.execute(f"DELETE FROM {table} t USING _keys k WHERE t.{key} = k.{key} AND t.year = k.year")
                con.unregister("_keys")
            for table in (*PROJECT_TABLES, *DEPARTMENT_TABLES):
                if table not in frames:
                    continue
                step(f"结果库：写入 {table}")
                frame = frames[table].with_columns(pl.lit(run_id, pl.Int32).alias("run_id")).select(COLUMNS[table])
                con.register("_new", _Arrow(frame))
                con.execute(f"INSERT INTO {table} SELECT * FROM _new")
                con.unregister("_new")
            now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
            stored = frames["projects"].height
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, run.get("started_at") or now, now, run.get("perfeval_version"), run.get("profile"),
                 run.get("inputs"), run.get("input_hash"), run.get("projects"), stored, replaced.get("projects", 0), run.get("not_stored")],
            )
            step("结果库：写入完成，等待提交")
        except duckdb.Error as e:
            raise StoreError("PE718", f"写入结果库 {self.path} 失败：{str(e).splitlines()[0][:300]}；结果库保持运行前的状态") from None
        return {"stored": stored, "replaced": replaced.get("projects", 0), "run_id": run_id,
                "departments": frames["departments"].height if "departments" in frames else 0,
                "departments_replaced": replaced.get("departments", 0)}

    def commit(self) -> None:
        import duckdb

        try:
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            raise StoreError("PE718", f"写入结果库 {self.path} 失败：{str(e).splitlines()[0][:300]}；结果库保持运行前的状态") from None
        self.in_transaction = False
        self.created = False  # committed: the file is now the user's
        self.version = SCHEMA_VERSION


def open_store(path: str | os.PathLike) -> Store:
    """An existing store, read-only (history, score/render --db); a missing file is :class:`StoreError` PE714."""
    return Store.open(path, create=False, read_only=True)


def open_for_run(path: str | os.PathLike) -> Store:
    """A store for a batch run: created if missing (and removed again if the run does not commit)."""
    return Store.open(path, create=True, read_only=False)
