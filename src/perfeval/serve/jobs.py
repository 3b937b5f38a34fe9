"""Bulk-review jobs of the 复核 page and ``POST /api/batch``: :func:`perfeval.batch.run` in a thread.

Each job lives in ``<data>/jobs/<id>/``: ``in/`` holds the uploads (stored under made-up names,
see :mod:`.uploads`), ``out/`` the batch's own outputs (summary.csv, summary.xlsx, issues.csv,
recheck.csv), and ``job.json`` the state, so a finished job survives a restart.  The dashboard
reads the published summary.xlsx — the numbers on the page are the numbers in the workbook.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..batch import Interrupted, Options, UsageError, run
from ..batch import runner as _runner
from .settings import Settings
from .uploads import Stored

ID = re.compile(r"^[0-9a-f]{16}$")
SMALL = 400  # below this many files one process is faster than starting a pool


@dataclass
class Job:
    id: str
    files: int
    state: str = "queued"  # queued | running | done | failed
    stage: str = "排队中"
    total: int = 0
    done: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # stored path → uploaded name

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("names")
        d["progress"] = round(self.done / self.total, 4) if self.total else (1.0 if self.state == "done" else 0.0)
        d["links"] = {name: f"/api/batch/{self.id}/files/{name}" for name in self.outputs}
        d["dashboard"] = f"/review/{self.id}"
        return d


class _Progress(_runner.Progress):
    def __init__(self, job: Job):
        self.job = job

    def start(self, total: int) -> None:
        self.job.total, self.job.done, self.job.stage = total, 0, "读取与检查"

    def advance(self, n: int) -> None:
        self.job.done += n

    def stage(self, text: str) -> None:
        self.job.stage = text


class Jobs:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.data_dir / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)
        self.jobs: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfeval-batch")
        self.lock = threading.Lock()

    def directory(self, job_id: str) -> Path | None:
        return self.root / job_id if ID.match(job_id or "") else None

    def new_dir(self) -> tuple[str, Path]:
        job_id = secrets.token_hex(8)
        d = self.root / job_id
        (d / "in").mkdir(parents=True)
        return job_id, d

    def get(self, job_id: str) -> Job | None:
        if job_id in self.jobs:
            return self.jobs[job_id]
        d = self.directory(job_id)
        if d is None or not (d / "job.json").exists():
            return None
        try:
            job = Job(**json.loads((d / "job.json").read_text("utf-8")))
        except (ValueError, TypeError, OSError):
            return None
        self.jobs[job_id] = job
        return job

    def submit(self, job_id: str, stored: Stored, profile: str | None = None, seed: int | None = None) -> Job:
        job = Job(job_id, files=len(stored.paths), names=dict(stored.names))
        self.jobs[job_id] = job
        self.pool.submit(self._run, job, stored, profile, seed)
        return job

    def _run(self, job: Job, stored: Stored, profile: str | None, seed: int | None) -> None:
        job.state, job.stage = "running", "读取与检查"
        out = self.root / job.id / "out"
        jobs = self.settings.batch_jobs or (1 if len(stored.paths) < SMALL else None)
        opts = Options(out=str(out), profile=profile, jobs=jobs, seed=seed,
                       limits=self.settings.limits, display=dict(stored.names))
        try:
            if not stored.paths:
                raise UsageError("没有可处理的输入文件")
            res = run(list(stored.paths), opts, _Progress(job))
            job.summary = {"inputs": res.inputs, "projects": res.projects, "scored": res.scored, "rejected": res.rejected,
                           "with_errors": res.with_errors, "grades": res.grades, "picks": res.picks, "seed": res.seed}
            job.outputs = [p.name for p in res.outputs]
            job.state, job.stage = "done", "完成"
        except (UsageError, Interrupted) as e:
            job.state, job.error, job.stage = "failed", str(e), "失败"
        except Exception as e:  # noqa: BLE001 - a failed job is reported on its page, never kills the server
            job.state, job.error, job.stage = "failed", f"内部错误（PE502）：{type(e).__name__}: {e}", "失败"
        finally:
            job.finished = time.time()
            try:
                (self.root / job.id / "job.json").write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
            except OSError:
                pass

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def read_workbook(path: Path) -> dict[str, dict[str, Any]]:
    """Every sheet of the batch's summary.xlsx as {sheet: {"headers": [...], "rows": [[...], ...]}}."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if not rows:
                continue
            out[ws.title] = {"headers": [str(h) if h is not None else "" for h in rows[0]], "rows": rows[1:]}
        return out
    finally:
        wb.close()
