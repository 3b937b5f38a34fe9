"""The FastAPI application: pages (开始 / 填报 / 复核) and the JSON API.

Routes never score by themselves: see :mod:`.work` (uploads and drafts through the library's
entry points) and :mod:`.jobs` (bulk review through :func:`perfeval.batch.run`).  Every page is
a jinja2 template of this package (autoescaped); every asset comes from ``/static``.
"""

from __future__ import annotations

import contextlib
import json
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..batch import UsageError
from ..batch.runner import OUTPUTS
from ..issues import SEVERITY_ZH, make_issue
from ..library import LibraryError, ScaffoldError, load_library, scaffold
from ..lint import lint_config
from ..numbers import fmt, pct
from ..profile import DEFAULT_PROFILE, LEVEL1_NAMES, ProfileError, get_profile, packaged_profiles
from ..render import render_forms, render_reports
from ..safety import safe_filename
from .drafts import Drafts
from .jobs import Jobs, read_workbook
from .security import Guard, problem
from .settings import Settings
from .uploads import Stored, TooLarge, new_store, store_form_files
from .work import evaluate_draft, evaluate_stored, normalise, read_stored

HERE = Path(__file__).resolve().parent
LEVEL1 = LEVEL1_NAMES  # one source: perfeval.profile


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: compiled once per process
    )
    env.filters["fmt"] = lambda v, d=2: fmt(v, d) if v is not None else ""
    env.filters["pct"] = lambda v: pct(v) if v is not None else ""
    env.filters["sev"] = lambda s: SEVERITY_ZH.get(s, s)
    env.filters["tojson_safe"] = lambda v: json.dumps(v, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    env.filters["quote"] = lambda v: urllib.parse.quote(str(v), safe="")
    env.globals["zip"] = zip
    env.globals["cell"] = dashboard_cell
    return env


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "detail": message}, status_code=status)


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    jobs = Jobs(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="perfeval 工作台 API",
        description="项目支出绩效自评的评分、校验与批量复核接口（与 perfeval score / validate / batch 的结果相同）。",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; /api lists the endpoints instead
        redoc_url=None,
    )
    env = _env()
    drafts = Drafts(settings.data_dir)
    app.state.settings, app.state.drafts, app.state.jobs = settings, drafts, jobs
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(Guard, settings=settings)

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        csrf = request.scope.get("state", {}).get("csrf", "")
        body = env.get_template(name).render(csrf=csrf, nav=name.split(".")[0], **ctx)
        return HTMLResponse(body, status_code=status, headers={"Content-Security-Policy": CSP, "X-Frame-Options": "SAMEORIGIN"})

    # ------------------------------------------------------------------ errors
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        msg = {404: "找不到该页面", 405: "不支持该请求方法"}.get(exc.status_code, str(exc.detail))
        return _refuse(exc.status_code, f"HTTP{exc.status_code}", msg)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):  # pragma: no cover - the last line of defence
        return _refuse(500, "PE502", f"内部错误（PE502）：{type(exc).__name__}。请将输入文件反馈给维护者。")

    async def receive(request: Request, stored: Stored) -> JSONResponse | None:
        """Store the request's ``files``; a refusal response, or None when stored."""
        try:
            form = await request.form(max_files=settings.max_files + 1, max_fields=50)
        except StarletteHTTPException as e:
            stored.cleanup()
            if "files" in str(e.detail).lower():
                return _refuse(413, *problem("PE951", count=settings.max_files, limit=settings.max_files))
            return _refuse(400, "PE956", f"表单无法解析：{e.detail}")
        try:
            files = [f for f in form.getlist("files") if hasattr(f, "read")]
            if not files:
                stored.cleanup()
                return _refuse(400, *problem("PE956"))
            try:
                await store_form_files(files, settings, stored)
            except TooLarge as e:
                stored.cleanup()
                return _refuse(413, e.code, e.message)
            profile = form.get("profile")
            request.state.form_profile = profile if isinstance(profile, str) and profile in packaged_profiles() else None
            seed = form.get("seed")
            request.state.form_seed = int(seed) if isinstance(seed, str) and seed.isdigit() and len(seed) < 10 else None
        finally:
            await form.close()
        return None

    # ------------------------------------------------------------------ API
    @app.post("/api/score", tags=["API"], summary="评分并复核（同 perfeval score --format json）")
    async def api_score(request: Request):
        """multipart 字段 ``files``（一个或多个文件，任何可读类型，或 .zip）。返回每个提交一条结果的 JSON 数组。"""
        return await _evaluate(request, scoring=True)

    @app.post("/api/validate", tags=["API"], summary="校验（同 perfeval validate --format json）")
    async def api_validate(request: Request):
        """multipart 字段 ``files``。返回问题记录的 JSON 数组（不评分）。"""
        return await _evaluate(request, scoring=False)

    async def _evaluate(request: Request, scoring: bool, with_forms: bool = False):
        stored = new_store(settings)
        refused = await receive(request, stored)
        if refused is not None:
            return refused
        try:
            from starlette.concurrency import run_in_threadpool

            out = await run_in_threadpool(evaluate_stored, stored, request.state.form_profile, settings.limits, scoring)
            if not scoring:
                return JSONResponse([i.to_dict() for i in out.issues])
            if with_forms:
                forms = await run_in_threadpool(_forms, out.records)
                return JSONResponse({"records": out.records, "forms": forms})
            return JSONResponse(out.records)
        finally:
            stored.cleanup()

    def _forms(records: list[dict]) -> list[str | None]:
        return [render_forms([r], "html") if r.get("status") == "scored" else None for r in records]

    @app.post("/api/batch", tags=["API"], summary="批量复核任务（同 perfeval batch）", status_code=202)
    async def api_batch(request: Request):
        """multipart 字段 ``files``（可多选或 .zip），可选 ``profile``、``seed``。返回任务编号和查询地址。"""
        job_id, d = jobs.new_dir()
        stored = Stored(d / "in")
        refused = await receive(request, stored)
        if refused is not None:
            import shutil

            shutil.rmtree(d, ignore_errors=True)
            return refused
        job = jobs.submit(job_id, stored, request.state.form_profile, request.state.form_seed)
        return JSONResponse(job.public(), status_code=202)

    @app.get("/api/batch/{job_id}", tags=["API"], summary="批量复核任务的进度与汇总")
    async def api_batch_status(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            return _refuse(404, *problem("PE957", what="批量复核任务", name=job_id[:40]))
        return JSONResponse(job.public())

    @app.get("/api/batch/{job_id}/files/{name}", tags=["API"], summary="下载批量复核的输出文件")
    async def api_batch_file(job_id: str, name: str):
        job = jobs.get(job_id)
        d = jobs.directory(job_id)
        if job is None or d is None or name not in OUTPUTS or name not in job.outputs:
            return _refuse(404, *problem("PE957", what="输出文件", name=name[:40]))
        media = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        return FileResponse(d / "out" / name, media_type=media[name.rsplit(".", 1)[1]], filename=name)

    # ------------------------------------------------------------------ start page
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def start(request: Request):
        return page(request, "start.html", drafts=drafts.listing()[:5])

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.post("/check", include_in_schema=False)
    async def check(request: Request):
        return await _evaluate(request, scoring=True, with_forms=True)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    async def api_page(request: Request):
        spec = app.openapi()
        ops = [(m.upper(), p, o.get("summary", ""), o.get("description", "")) for p, item in spec["paths"].items() for m, o in item.items()]
        return page(request, "api.html", ops=ops)

    # ------------------------------------------------------------------ 填报
    @app.get("/fill", response_class=HTMLResponse, include_in_schema=False)
    async def fill_index(request: Request):
        try:
            lib = load_library()
        except LibraryError as e:
            return page(request, "fill_index.html", drafts=drafts.listing(), sectors=[], library_error=str(e), profiles=packaged_profiles(),
                        default_profile=DEFAULT_PROFILE)
        sectors = [{"code": s.code, "title": s.title, "indicators": [
            {"code": i.code, "level1": i.level1, "level2": i.level2, "name": i.name, "unit": i.unit, "target": i.typical_target, "core": i.core}
            for i in sorted(s.indicators, key=lambda i: i.sort_key())]} for s in lib.sectors.values()]
        return page(request, "fill_index.html", drafts=drafts.listing(), sectors=sectors, library_error=None, profiles=packaged_profiles(),
                    default_profile=DEFAULT_PROFILE)

    @app.post("/fill/new", include_in_schema=False)
    async def fill_new(request: Request):
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _refuse(400, "PE201", "请求内容应为 JSON 对象")
        profile = body.get("profile") if body.get("profile") in packaged_profiles() else DEFAULT_PROFILE
        picks = [str(c) for c in body.get("picks") or [] if isinstance(c, str)][:200]
        year = body.get("year")
        year = int(year) if isinstance(year, (int, str)) and str(year).isdigit() and 2000 <= int(year) <= 2100 else None
        budget = body.get("budget")
        try:
            budget = float(budget) if budget not in (None, "") else None
            if budget is not None and not (0 < budget < 1e12):
                budget = None
        except (TypeError, ValueError):
            budget = None
        try:
            prof = get_profile(profile)
            cfg = lint_config(profile)
            text, _chosen, added = scaffold(str(body.get("sector") or ""), prof, picks, name=_text(body.get("name")),
                                           department=_text(body.get("department")), year=year, budget=budget,
                                           require_cost=cfg.require_cost, require_level1=cfg.require_level1)
        except (ScaffoldError, ProfileError, LibraryError) as e:
            return _refuse(400, "PE210", str(e))
        from ..declare.load import load_text

        data = load_text(text, "new.yaml").data
        draft_id = drafts.new(_dump(data))
        return JSONResponse({"id": draft_id, "url": f"/fill/{draft_id}", "added": [f"{i.code} {i.name}" for i in added]})

    @app.post("/fill/upload", include_in_schema=False)
    async def fill_upload(request: Request):
        stored = new_store(settings)
        refused = await receive(request, stored)
        if refused is not None:
            return refused
        try:
            made, problems = [], [i.to_dict() for i in stored.problems]
            try:
                docs = read_stored(stored, settings.limits)
            except UsageError as e:
                docs = []
                problems.append(make_issue("PE501", file="、".join(stored.names.values())[:200], reason=str(e)).to_dict())
            for doc in docs:
                data = doc.loaded.data
                if isinstance(data, dict) and not doc.orphan:
                    made.append(drafts.new(_dump(data)))
                else:
                    problems += [doc.relocate(i).to_dict() for i in doc.loaded.issues]
        finally:
            stored.cleanup()
        if not made:
            return JSONResponse({"detail": "上传的文件中没有可编辑的项目", "issues": problems}, status_code=422)
        return JSONResponse({"ids": made, "url": f"/fill/{made[0]}", "issues": problems})

    @app.get("/fill/{draft_id}", response_class=HTMLResponse, include_in_schema=False)
    async def fill_edit(request: Request, draft_id: str):
        data = drafts.load(draft_id)
        if data is None:
            code, msg = problem("PE957", what="草稿", name=draft_id[:40])
            return page(request, "missing.html", status=404, code=code, message=msg)
        from starlette.concurrency import run_in_threadpool

        live = await run_in_threadpool(evaluate_draft, data)
        return page(request, "fill.html", draft_id=draft_id, data=data, live=live, level1=LEVEL1, profiles=packaged_profiles())

    @app.post("/fill/{draft_id}/save", include_in_schema=False)
    async def fill_save(request: Request, draft_id: str):
        if drafts.path(draft_id) is None or drafts.load(draft_id) is None:
            return _refuse(404, *problem("PE957", what="草稿", name=draft_id[:40]))
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _refuse(400, "PE201", "请求内容应为 JSON 对象")
        data = normalise(body)
        drafts.save(draft_id, data)
        from starlette.concurrency import run_in_threadpool

        live = await run_in_threadpool(evaluate_draft, data)
        return JSONResponse(live)

    def _draft_result(draft_id: str) -> tuple[dict | None, Response | None]:
        data = drafts.load(draft_id)
        if data is None:
            return None, _refuse(404, *problem("PE957", what="草稿", name=draft_id[:40]))
        rec = evaluate_draft(data)["result"]
        if rec["status"] != "scored":
            errs = "；".join(f"{i['code']} {i['message']}" for i in rec["issues"] if i["severity"] == "error")[:500]
            return None, _refuse(409, "PE703", f"草稿还不能评分，未生成文件：{errs}")
        return rec, None

    @app.get("/fill/{draft_id}/form.html", include_in_schema=False)
    def fill_form(draft_id: str):
        rec, refused = _draft_result(draft_id)
        if refused is not None:
            return refused
        return HTMLResponse(render_forms([rec], "html"), headers={"Content-Security-Policy": FORM_CSP})

    @app.get("/fill/{draft_id}/download.{ext}", include_in_schema=False)
    def fill_download(draft_id: str, ext: str):
        if ext == "yaml":
            text = drafts.text(draft_id)
            if text is None:
                return _refuse(404, *problem("PE957", what="草稿", name=draft_id[:40]))
            data = drafts.load(draft_id) or {}
            return _attachment(text.encode("utf-8"), _stem(data, "提交文件") + ".yaml", "application/yaml; charset=utf-8")
        if ext not in ("xlsx", "docx"):
            return _refuse(404, "HTTP404", "找不到该页面")
        rec, refused = _draft_result(draft_id)
        if refused is not None:
            return refused
        if ext == "xlsx":
            return _attachment(render_forms([rec], "xlsx"), _stem({"project": rec["project"]}, "自评表") + ".xlsx",
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return _attachment(render_reports([rec], "docx"), _stem({"project": rec["project"]}, "自评报告") + ".docx",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    # ------------------------------------------------------------------ 复核
    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    async def review_index(request: Request):
        recent = [j.public() for j in list(jobs.jobs.values())[-10:]][::-1]
        return page(request, "review_index.html", recent=recent, profiles=packaged_profiles(),
                    max_files=settings.max_files, max_bytes=settings.max_bytes)

    @app.post("/review/start", include_in_schema=False)
    async def review_start(request: Request):
        return await api_batch(request)

    @app.get("/review/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def review_job(request: Request, job_id: str, code: str = "", dept: str = "", sev: str = ""):
        job = jobs.get(job_id)
        if job is None:
            c, msg = problem("PE957", what="批量复核任务", name=job_id[:40])
            return page(request, "missing.html", status=404, code=c, message=msg)
        if job.state != "done":
            return page(request, "review_wait.html", job=job.public())
        d = jobs.directory(job_id)
        book = read_workbook(d / "out" / "summary.xlsx")
        return page(request, "review.html", job=job.public(), **dashboard(book, code, dept, sev))

    @app.get("/review/{job_id}/project", response_class=HTMLResponse, include_in_schema=False)
    def review_project(request: Request, job_id: str, file: str = "", name: str = ""):
        job = jobs.get(job_id)
        path = next((p for p, n in (job.names.items() if job else []) if n == file), None)
        if job is None or path is None or not Path(path).exists():
            c, msg = problem("PE957", what="项目", name=file[:60])
            return page(request, "missing.html", status=404, code=c, message=msg)
        st = Stored(Path(path).parent, paths=[path], names={path: file})
        funds = Path(path).with_suffix(".funds.csv")
        if funds.exists() and str(funds) in job.names:
            st.paths.append(str(funds))
            st.names[str(funds)] = job.names[str(funds)]
        out = evaluate_stored(st, None, settings.limits)
        mine = [r for r in out.records if r.get("file") == file] or out.records[:1]
        recs = [r for r in mine if name and (r.get("project") or {}).get("name") == name] or mine
        rec = recs[0]
        form = render_forms([rec], "html") if rec.get("status") == "scored" else None
        return page(request, "project.html", job=job.public(), rec=rec, form=form)

    return app


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")
FORM_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _text(v: Any) -> str | None:
    return str(v).strip()[:200] or None if isinstance(v, (str, int)) else None


def _dump(data: dict) -> str:
    from .work import dump

    return dump(data)


def _stem(data: dict, kind: str) -> str:
    p = data.get("project") if isinstance(data.get("project"), dict) else {}
    year = p.get("year")
    name = safe_filename(str(p.get("name") or "项目"), max_len=60)
    return f"{name}_{year}年度_{kind}" if year else f"{name}_{kind}"


def _attachment(data: bytes | str, filename: str, media: str) -> Response:
    if isinstance(data, str):
        data = data.encode("utf-8")
    quoted = urllib.parse.quote(filename)
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename=\"download\"; filename*=UTF-8''{quoted}"})


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------
def _rows(book: dict, sheet: str) -> tuple[list[str], list[list]]:
    s = book.get(sheet)
    return (s["headers"], s["rows"]) if s else ([], [])


SCORE_COLUMNS = {"平均分", "资金加权平均分", "总分", "自评总分", "自评−复核差", "执行率得分", "全年预算数（万元）", "全年执行数（万元）",
                 *(f"{l1}得分" for l1 in LEVEL1)}
RATE_COLUMNS = {"执行率"}


def dashboard_cell(v: Any, header: str) -> str:
    """A workbook value as the dashboard shows it: scores and money to 2 decimals (half up), rates as %, counts whole."""
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if header in RATE_COLUMNS:
            return pct(v)
        if header in SCORE_COLUMNS:
            return fmt(v)
        if float(v).is_integer():
            return str(int(v))
    return str(v)


def dashboard(book: dict, code: str = "", dept: str = "", sev: str = "", limit: int = 1000) -> dict[str, Any]:
    """What the 复核 dashboard shows, taken from the batch's summary.xlsx sheets."""
    sh, srows = _rows(book, "汇总")
    col = {h: k for k, h in enumerate(sh)}
    dept_of: dict[tuple, str] = {}
    for r in srows:
        dept_of[(r[col["源文件"]], r[col["项目名称"]] or r[col["项目编码"]])] = r[col["主管部门"]] or "（未填写）"
        dept_of.setdefault((r[col["源文件"]], None), r[col["主管部门"]] or "（未填写）")
    ih, irows = _rows(book, "问题清单")
    icol = {h: k for k, h in enumerate(ih)}
    issues = []
    for r in irows:
        d = dept_of.get((r[icol["文件"]], r[icol["项目"]])) or dept_of.get((r[icol["文件"]], None)) or "（未填写）"
        issues.append({"dept": d, **{h: r[k] for h, k in icol.items()}})
    codes = sorted({i["代码"] for i in issues if i["代码"]})
    depts = sorted({i["dept"] for i in issues})
    sevs = [s for s in SEVERITY_ZH.values() if any(i["级别"] == s for i in issues)]
    shown = [i for i in issues if (not code or i["代码"] == code) and (not dept or i["dept"] == dept) and (not sev or i["级别"] == sev)]
    _, grows = _rows(book, "等级分布")
    grades = [(r[0], int(r[1] or 0)) for r in grows]
    return {
        "summary_headers": sh, "summary_rows": srows, "summary_col": col,
        "dept": _rows(book, "按部门"), "ranking": _rows(book, "排名"), "recheck": _rows(book, "复核抽样"),
        "grades": grades, "grade_max": max([n for _, n in grades] or [0]) or 1,
        "issues": shown[:limit], "issues_total": len(issues), "issues_matched": len(shown), "issue_headers": ih,
        "codes": codes, "depts": depts, "sevs": sevs, "filter": {"code": code, "dept": dept, "sev": sev},
    }
