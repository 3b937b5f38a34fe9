"""The whole chain for a set of inputs: read → check → frames → validate → score → review.

``evaluate(paths)`` is the public entry point used by the CLI and by bulk
review.  Every input gets an index (``sub``) and is accounted for: either it is
scored, or it is rejected with the issues that explain why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import polars as pl

from .declare.load import DEFAULT_LIMITS, Limits, Loaded
from .declare.rows import Columns, add_submission
from .declare.structure import check_structure
from .issues import ERROR, Issue, make_issue, sort_issues
from .profile import DEFAULT_PROFILE, ProfileError, get_profile, packaged_profiles
from .readers import Document, read_path
from .review import review
from .scoring.engine import Scored, prepare, profiles_for, resolve_weights, score
from .scoring.methods import explain_execution, explain_row


@dataclass
class Evaluation:
    """Everything known about a batch after evaluation."""

    files: list[str]  # one unique key per submission (a table's projects: "file\0n"); see ``sources``
    status: list[str]  # "scored" | "rejected" per submission
    issues: list[Issue]
    scored: Scored | None
    by_file: dict[str, list[Issue]] = field(default_factory=dict)
    by_sub: list[list[Issue]] | None = None  # issues per submission, on their own file and row (``evaluate``)
    sources: list[str] | None = None  # the file each submission came from, as the user knows it

    def issues_of(self, sub: int) -> list[Issue]:
        if self.by_sub is not None:
            return self.by_sub[sub]
        return self.by_file.get(self.files[sub], [])

    def source(self, sub: int) -> str:
        return self.sources[sub] if self.sources is not None else self.files[sub]

    @property
    def has_errors(self) -> bool:
        return any(i.severity == ERROR for i in self.issues)


def check_loaded(ld: Loaded, profile_override: str | None = None) -> list[Issue]:
    """Structure issues plus an unknown profile, for a file that parsed."""
    issues = check_structure(ld)
    name = str(profile_override or ld.data.get("profile") or DEFAULT_PROFILE)
    if not profile_override and name not in packaged_profiles():
        # a submission may only name a packaged profile: a path would let an untrusted file choose its own rules
        issues.append(ld.issue("PE204", ("profile",), profile=name, available="、".join(packaged_profiles())))
        return issues
    try:
        get_profile(name)
    except ProfileError:
        issues.append(ld.issue("PE204", (), profile=name, available="、".join(packaged_profiles())))
    return issues


class _UnknownRef(Exception):
    pass


def default_resolver() -> Callable[[dict], dict] | None:
    """The indicator library's ``resolve_ref`` (``ref: CODE`` in a submission), if installed."""
    try:
        from .library import resolve_ref
    except ImportError:
        return None
    return resolve_ref


def _checked_resolver(ld: Loaded, resolve: Callable[[dict], dict] | None) -> Callable[[dict], dict]:
    """Wrap the resolver so an unknown code becomes a PE210 issue on the right line."""

    def run(raw: dict) -> dict:
        if resolve is None:
            ld.issues.append(ld.issue("PE210", (), line=ld.lines.get(id(raw), (None,))[0], ref=raw.get("ref")))
            raise _UnknownRef
        try:
            return resolve(raw)
        except KeyError:
            ld.issues.append(ld.issue("PE210", (), line=ld.lines.get(id(raw), (None,))[0], ref=raw.get("ref")))
            raise _UnknownRef from None

    return run


def prepare_one(
    ld: Loaded,
    sub: int,
    cols: Columns,
    profile_override: str | None = None,
    resolve_ref: Callable[[dict], dict] | None = None,
    bare_fraction: str | None = None,
) -> bool:
    """Check one loaded file and, if usable, append it to ``cols``.  Returns usability."""
    if ld.data is not None:
        ld.issues.extend(check_loaded(ld, profile_override))
    if not ld.ok:
        return False
    if profile_override:
        ld.data["profile"] = profile_override
    if resolve_ref is None:
        resolve_ref = default_resolver()
    checked = _checked_resolver(ld, resolve_ref)
    resolved: dict[int, dict] = {}
    for raw in ld.data.get("indicators") or []:
        if isinstance(raw, dict) and raw.get("ref"):
            try:
                resolved[id(raw)] = checked(raw)
            except _UnknownRef:
                pass  # every unknown code is reported (PE210) before the file is refused
    if not ld.ok:
        return False
    own = Columns()  # built apart and merged only when complete: a failure leaves no partial rows
    try:
        add_submission(ld, sub, own, lambda raw: resolved[id(raw)], bare_fraction)
    except Exception as e:  # noqa: BLE001 - a bug must cost one file, never the batch
        ld.issues.append(make_issue("PE502", file=ld.file, reason=f"{type(e).__name__}: {e}"))
        return False
    cols.merge(own)
    return True


def evaluate_columns(files: list[str], status: list[str], cols: Columns, pre_issues: list[Issue], scoring: bool = True) -> Evaluation:
    """Validate, score and review columns built from the usable inputs (``scoring=False``: validate only)."""
    return evaluate_frames(files, status, cols.frames(), pre_issues, scoring)


def evaluate_frames(
    files: list[str],
    status: list[str],
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
    pre_issues: list[Issue],
    scoring: bool = True,
) -> Evaluation:
    """:func:`evaluate_columns` for frames already built (projects, funds, indicators as ``Columns.frames()``).

    Bulk review turns each worker's chunk into frames as it arrives and concatenates them, which
    keeps the parent's memory at the size of the frames instead of millions of Python objects.
    """
    projects, funds, indicators = frames
    issues = list(pre_issues)
    scored = None
    if projects.height:
        names = sorted(set(projects["profile"].to_list()))
        profiles = profiles_for(names)
        indicators = resolve_weights(prepare(indicators, profiles), profiles)
        from .validate import validate_frames, year_end_issues  # pandera is imported only when something is validated (issue 15)

        checked = validate_frames(projects, funds, indicators, files)
        if not scoring:  # validate: a declaration is said to be one; year-end checks once any actual is filled
            checked = year_end_issues(projects, indicators, files, checked)
        else:
            checked += [i for i in year_end_issues(projects, indicators, files, []) if i.code == "PE313"]
        issues += checked
        if scoring:
            scored = score(projects, funds, indicators, profiles)
            issues += review(scored, files)
    issues = sort_issues(issues)
    by_file: dict[str, list[Issue]] = {}
    for i in issues:
        by_file.setdefault(i.file or "", []).append(i)
    return Evaluation(files=files, status=status, issues=issues, scored=scored, by_file=by_file)


def documents(paths: Iterable[str], limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Every submission in ``paths``, in order (see :mod:`perfeval.readers`): the one way a path becomes input."""
    return [d for p in paths for d in read_path(str(p), limits)]


def evaluate(
    paths: Iterable[str],
    profile: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    resolve_ref: Callable[[dict], dict] | None = None,
    scoring: bool = True,
    bare_fraction: str | None = None,
) -> Evaluation:
    """Evaluate submission files of any accepted kind (one process; bulk review parallelises the loading).

    A file may hold several submissions (a long table): each gets its own index, and every issue is
    placed on the file, sheet and row it concerns.  ``bare_fraction`` (``fraction``/``percent``) overrides
    the profiles' reading of a bare 0.96 against a % target.
    """
    return evaluate_documents(documents(paths, limits), profile, resolve_ref, scoring, bare_fraction)


def evaluate_documents(
    docs: list[Document],
    profile: str | None = None,
    resolve_ref: Callable[[dict], dict] | None = None,
    scoring: bool = True,
    bare_fraction: str | None = None,
) -> Evaluation:
    cols = Columns()
    status: list[str] = []
    own: list[list[Issue]] = []
    for sub, doc in enumerate(docs):
        ld = doc.loaded
        ok = not doc.orphan and prepare_one(ld, sub, cols, profile, resolve_ref, bare_fraction)
        status.append("scored" if ok else "rejected")
        found = ld.issues
        if any(i.code == "PE503" for i in found):  # "no funds rows" already says what "funds.sources is empty" would
            found = [i for i in found if i.code != "PE206"]
        own.append([doc.relocate(i) for i in found] + list(doc.notes))
    keys = [d.key for d in docs]
    ev = evaluate_columns(keys, status, cols, [], scoring)
    where = {k: sub for sub, k in enumerate(keys)}
    for i in ev.issues:
        sub = where.get(i.file or "")
        if sub is None:  # pragma: no cover - validation and review name the submission key
            own[0].append(i)
            continue
        own[sub].append(docs[sub].relocate(i))
    by_sub = [sort_issues(x) for x in own]
    issues = sort_issues([i for x in own for i in x])
    by_file: dict[str, list[Issue]] = {}
    for i in issues:
        by_file.setdefault(i.file or "", []).append(i)
    return Evaluation(files=keys, status=status, issues=issues, scored=ev.scored, by_file=by_file, by_sub=by_sub,
                      sources=[d.file for d in docs])


# ---------------------------------------------------------------------------
# Per-project results (the JSON contract; renderers read these)
# ---------------------------------------------------------------------------
def _r(x: Any, d: int = 2) -> Any:
    from .numbers import dec

    if x is None:
        return None
    v = dec(x, d)
    return None if v is None else float(v)


def _rate(x: Any) -> Any:
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), 6)


def results(ev: Evaluation) -> list[dict[str, Any]]:
    """One result record per input, in input order (rejected inputs included)."""
    out: list[dict[str, Any]] = []
    s = ev.scored
    proj_rows: dict[int, dict] = {}
    ind_rows: dict[int, list[dict]] = {}
    fund_rows: dict[int, list[dict]] = {}
    if s is not None:
        for r in s.projects.iter_rows(named=True):
            proj_rows[r["sub"]] = r
        for r in s.indicators.sort("sub", "pos").iter_rows(named=True):
            ind_rows.setdefault(r["sub"], []).append(r)
        for r in s.funds.sort("sub", "pos").iter_rows(named=True):
            fund_rows.setdefault(r["sub"], []).append(r)
    for sub in range(len(ev.files)):
        file = ev.source(sub)
        issues = [i.to_dict() for i in ev.issues_of(sub)]
        p = proj_rows.get(sub)
        if p is None:
            out.append({"file": file, "status": "rejected", "issues": issues})
            continue
        prof = s.profiles[p["profile"]]
        out.append({
            "file": file,
            "status": "scored",
            "project": {
                "name": p["name"], "code": p["code"], "year": p["year"],
                "department": p["department"], "implementer": p["implementer"],
            },
            "profile": {"name": prof.name, "title": prof.title, "layout": prof.layout},
            "execution": {
                "unit": p["money_unit"],
                "initial": _r(p["initial"], 6), "budget": _r(p["budget"], 6), "executed": _r(p["executed"], 6),
                "rate": _rate(p["exec_rate"]), "weight": _r(p["exec_weight"]), "score": _r(p["exec_score"]),
                "claimed_score": _r(p["exec_claimed"]), "note": p["fund_note"],
                "explain": explain_execution(p["exec_rate"], p["executed"], p["budget"], p["exec_weight"], p["exec_score"], prof.exec_curve),
                "sources": [
                    {"name": f["name"], "initial": _r(f["initial"], 6), "budget": _r(f["budget"], 6), "executed": _r(f["executed"], 6),
                     "rate": _rate(f["executed"] / f["budget"]) if f["budget"] and f["executed"] is not None else None}
                    for f in fund_rows.get(sub, [])
                ],
            },
            "goal": {"target": p["goal_target"], "actual": p["goal_actual"]},
            "narrative": json.loads(p["narrative"]) if p["narrative"] else {},
            "indicators": [
                {
                    "level1": r["level1"], "level2": r["level2"], "name": r["name"], "ref": r["ref"],
                    "target": r["target"], "actual": r["actual"], "kind": r["op"], "unit": r["unit"],
                    "tier": r["tier"], "completion": _rate(r["completion"]),
                    "weight": _r(r["weight_eff"]), "weight_default": bool(r["weight_default"]),
                    "score": _r(r["score"]) if r["scorable"] else (0.0 if r["op"] != "na" else None),
                    "scorable": bool(r["scorable"]),
                    "claimed_score": _r(r["claimed"]), "note": r["note"], "line": r["line"],
                    "explain": explain_row(r, prof),
                }
                for r in ind_rows.get(sub, [])
            ],
            "subtotals": {k[4:]: _r(v) for k, v in p.items() if k.startswith("sub_") and p.get("w_" + k[4:])},
            "total": _r(p["total"]),
            "grade": p["grade"],
            "raw_total": _r(p["raw_total"]),
            "weight_basis": _r(p["weight_basis"]),
            "rescaled": bool(p["rescaled"]),
            "grade_refused": bool(p["grade_refused"]),
            "claimed_total": _r(p["claimed_total"]),
            "claimed_grade": p["claimed_grade"],
            "issues": issues,
        })
    return out
