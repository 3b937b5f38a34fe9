"""The results store's schema (version 3): tables, views, the version stamp and the migrations.

Documented for analysts in docs/store.md; a test checks that every table and
view named here is described there.  Changing a table means a new
``SCHEMA_VERSION`` and a step in :data:`MIGRATIONS` (run by :mod:`.duck` inside
the first writing run's transaction; older files stay readable as they are).

Versions: 1 — first release (status codes ``scored``/``rejected``);
2 — ``projects.status`` holds the words people read (已评分/已拒绝/重复提交, :mod:`perfeval.status`);
3 — department-wide results (``departments``, ``department_findings``, view ``v_departments``).
"""

from __future__ import annotations

from ..status import STATUS_DUPLICATE, STATUS_REJECTED, STATUS_SCORED, STATUS_ZH

SCHEMA_VERSION = 3
SCORED = STATUS_ZH[STATUS_SCORED]  # the stored status of a scored project (SQL literal below)

TABLES = {
    "meta": """
CREATE TABLE meta (
    key VARCHAR NOT NULL,
    value VARCHAR
)""",
    "runs": """
CREATE TABLE runs (
    run_id INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    perfeval_version VARCHAR,
    profile VARCHAR,
    inputs VARCHAR,
    input_hash VARCHAR,
    projects INTEGER,
    stored INTEGER,
    replaced INTEGER,
    not_stored INTEGER
)""",
    "projects": """
CREATE TABLE projects (
    project_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    code VARCHAR,
    name VARCHAR,
    department VARCHAR,
    implementer VARCHAR,
    source_file VARCHAR,
    source_line INTEGER,
    source_hash VARCHAR,
    status VARCHAR NOT NULL,
    profile VARCHAR,
    budget DOUBLE,
    executed DOUBLE,
    exec_rate DOUBLE,
    exec_score DOUBLE,
    output_score DOUBLE,
    benefit_score DOUBLE,
    satisfaction_score DOUBLE,
    cost_score DOUBLE,
    total DOUBLE,
    grade VARCHAR,
    claimed_total DOUBLE,
    claimed_grade VARCHAR,
    inflated BOOLEAN,
    errors INTEGER,
    warnings INTEGER,
    infos INTEGER
)""",
    "funds": """
CREATE TABLE funds (
    project_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    pos INTEGER,
    name VARCHAR,
    initial DOUBLE,
    budget DOUBLE,
    executed DOUBLE,
    money_unit VARCHAR
)""",
    "indicators": """
CREATE TABLE indicators (
    project_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    pos INTEGER,
    level1 VARCHAR,
    level2 VARCHAR,
    name VARCHAR,
    ref VARCHAR,
    target VARCHAR,
    actual VARCHAR,
    kind VARCHAR,
    unit VARCHAR,
    target_value DOUBLE,
    target_high DOUBLE,
    actual_value DOUBLE,
    completion DOUBLE,
    weight DOUBLE,
    score DOUBLE,
    claimed_score DOUBLE,
    scorable BOOLEAN
)""",
    "findings": """
CREATE TABLE findings (
    project_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    title VARCHAR,
    indicator VARCHAR,
    file VARCHAR,
    line INTEGER,
    message VARCHAR,
    recurring BOOLEAN NOT NULL
)""",
    "departments": """
CREATE TABLE departments (
    department_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    code VARCHAR,
    name VARCHAR,
    supervisor VARCHAR,
    source_file VARCHAR,
    source_hash VARCHAR,
    status VARCHAR NOT NULL,
    profile VARCHAR,
    weights_source VARCHAR,
    budget DOUBLE,
    executed DOUBLE,
    exec_rate DOUBLE,
    total DOUBLE,
    grade VARCHAR,
    grade_word VARCHAR,
    claimed_total DOUBLE,
    claimed_grade VARCHAR,
    linked_projects INTEGER,
    fund_weighted_score DOUBLE,
    errors INTEGER,
    warnings INTEGER,
    infos INTEGER
)""",
    "department_findings": """
CREATE TABLE department_findings (
    department_key VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    title VARCHAR,
    indicator VARCHAR,
    file VARCHAR,
    line INTEGER,
    message VARCHAR
)""",
}

# the tables of one project-year and of one department-year, keyed by (project_key | department_key, year)
PROJECT_TABLES = ("projects", "funds", "indicators", "findings")
DEPARTMENT_TABLES = ("departments", "department_findings")

# (table, columns the writer sends, in order) — the frames handed to the store carry exactly these.
COLUMNS = {
    name: [line.split()[0] for line in ddl.strip().splitlines()[1:-1]]
    for name, ddl in TABLES.items()
}

VIEWS = {
    "v_projects": """
CREATE VIEW v_projects AS
SELECT p.year, p.code, p.department, p.name, p.implementer, p.status, p.profile,
       p.budget, p.executed, p.exec_rate, p.exec_score,
       p.output_score, p.benefit_score, p.satisfaction_score, p.cost_score,
       p.total, p.grade, p.claimed_total, p.claimed_grade, p.claimed_total - p.total AS claimed_minus_total, p.inflated,
       prev.total AS prev_total, prev.grade AS prev_grade, p.total - prev.total AS change,
       p.errors, p.warnings, p.infos,
       p.source_file, p.source_line, p.source_hash, p.project_key, p.run_id, r.started_at AS run_started_at, r.perfeval_version
FROM projects p
JOIN runs r ON r.run_id = p.run_id
LEFT JOIN projects prev ON prev.project_key = p.project_key AND prev.year = p.year - 1""",
    "v_indicators": """
CREATE VIEW v_indicators AS
SELECT p.year, p.code, p.department, p.name AS project_name,
       i.pos, i.level1, i.level2, i.name, i.ref, i.target, i.actual, i.kind, i.unit,
       i.target_value, i.target_high, i.actual_value, i.completion, i.weight, i.score, i.claimed_score, i.scorable,
       i.project_key, i.run_id
FROM indicators i
JOIN projects p ON p.project_key = i.project_key AND p.year = i.year""",
    "v_findings": """
CREATE VIEW v_findings AS
SELECT p.year, p.code AS project_code, p.department, p.name AS project_name,
       f.code, f.severity, f.title, f.indicator, f.message, f.recurring, f.file, f.line,
       f.project_key, f.run_id
FROM findings f
JOIN projects p ON p.project_key = f.project_key AND p.year = f.year""",
    "v_departments_by_year": f"""
CREATE VIEW v_departments_by_year AS
SELECT p.department, p.year,
       count(*) AS projects,
       count(*) FILTER (WHERE p.status = '{SCORED}') AS scored,
       count(*) FILTER (WHERE p.status <> '{SCORED}') AS rejected,
       avg(p.total) FILTER (WHERE p.status = '{SCORED}') AS avg_total,
       CASE WHEN sum(p.budget) FILTER (WHERE p.status = '{SCORED}') > 0
            THEN sum(p.total * p.budget) FILTER (WHERE p.status = '{SCORED}') / sum(p.budget) FILTER (WHERE p.status = '{SCORED}')
       END AS budget_weighted_total,
       sum(p.budget) FILTER (WHERE p.status = '{SCORED}') AS budget,
       sum(p.executed) FILTER (WHERE p.status = '{SCORED}') AS executed,
       count(*) FILTER (WHERE p.status = '{SCORED}' AND p.inflated) AS inflated_projects,
       sum(p.errors) AS errors,
       sum(p.warnings) AS warnings
FROM projects p
GROUP BY p.department, p.year""",
    "v_departments": """
CREATE VIEW v_departments AS
SELECT d.year, d.code, d.name, d.supervisor, d.status, d.profile, d.weights_source,
       d.budget, d.executed, d.exec_rate, d.total, d.grade, d.grade_word, d.claimed_total, d.claimed_grade,
       d.claimed_total - d.total AS claimed_minus_total,
       prev.total AS prev_total, prev.grade AS prev_grade, d.total - prev.total AS change,
       d.linked_projects, d.fund_weighted_score, d.errors, d.warnings, d.infos,
       d.source_file, d.source_hash, d.department_key, d.run_id, r.started_at AS run_started_at, r.perfeval_version
FROM departments d
JOIN runs r ON r.run_id = d.run_id
LEFT JOIN departments prev ON prev.department_key = d.department_key AND prev.year = d.year - 1""",
}


def _status_case(column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{STATUS_ZH[code]}'" for code in (STATUS_SCORED, STATUS_REJECTED, STATUS_DUPLICATE))
    return f"CASE {column} {whens} ELSE {column} END"


# MIGRATIONS[v]: the statements that take a version-v store to version v + 1 (run in one transaction, in order)
MIGRATIONS: dict[int, list[str]] = {
    1: [
        f"UPDATE projects SET status = {_status_case('status')}",
        "DROP VIEW v_departments_by_year",
        VIEWS["v_departments_by_year"],
    ],
    2: [TABLES["departments"], TABLES["department_findings"], VIEWS["v_departments"]],
}
