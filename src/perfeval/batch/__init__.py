"""Bulk review (批量复核): score thousands of submissions in one run.

    from perfeval.batch import Options, run
    result = run(["submissions/", "export.csv"], Options(out="out/"))

Writes ``summary.csv``/``summary.xlsx`` (one row per project, by department,
ranking, grade chart, indicator comparison, issues, re-check sample),
``issues.csv`` and ``recheck.csv`` into ``out`` (see docs/batch.md).  This
package sits on top of the pipeline; nothing below imports it.
"""

from __future__ import annotations

from .inputs import Unit, UsageError, expand
from .runner import Interrupted, Options, Progress, Result, default_jobs, plan_tasks, run

__all__ = ["Interrupted", "Options", "Progress", "Result", "Unit", "UsageError", "default_jobs", "expand", "plan_tasks", "run"]
