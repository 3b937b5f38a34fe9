"""``perfeval serve`` in a real browser: Debian's Chromium driven by Playwright.

The server runs as a real ``perfeval serve`` subprocess on a free loopback port, and stops on
SIGTERM within seconds (checked at teardown).  The flows:

* start page: upload the seed's form → 总分 100.00, 等级 优;
* 填报 (clerk): new project from the library → fill the actuals → the live score changes and a
  bad cell shows its problem in Chinese → preview the form → reload keeps everything → the
  downloaded YAML scores the same with ``perfeval score``; the Excel form is a real workbook;
* 复核 (reviewer): upload 50 files → progress → dashboard numbers equal ``perfeval batch`` on
  the same files → open one project;
* hostile uploads: refused or scored-with-errors, never a 500, and the server keeps serving;
* no page raises a JavaScript error.

``PERFEVAL_SCREENSHOTS=DIR`` saves the screenshots used in docs/serve.md (``make screenshots``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("PERFEVAL_SCREENSHOTS")
SHOTS = str(Path(SHOTS).resolve()) if SHOTS else None  # a test changes directory (monkeypatch.chdir)

if not Path(CHROMIUM).exists():  # .ci/run installs it; a developer machine without it is told how
    pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）：apt-get install -y chromium；.ci/run 会自动安装",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-data")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", "from perfeval.cli import main; main()", "serve", "--port", str(port),
                             "--data", str(data)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                _, err = proc.communicate(timeout=5)
                raise AssertionError(f"perfeval serve did not start: {err.decode('utf-8', 'replace')}")
            time.sleep(0.1)
    yield base, data
    t = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=8)
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure this checks for
        proc.kill()
        raise AssertionError("perfeval serve did not stop within 8 s of SIGTERM") from None
    assert time.monotonic() - t < 8
    err = proc.stderr.read().decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert "perfeval 工作台：http://127.0.0.1:" in err


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.set_default_timeout(15_000)
    pg.errors = errors  # a test that provokes an error response on purpose removes its own entry
    yield pg
    ctx.close()
    assert errors == [], errors  # no JavaScript errors, no failed requests logged by the page


def shot(pg, name: str, full: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full, timeout=60_000)


# ---------------------------------------------------------------------------
def test_start_page_scores_the_seed(page, server):
    base, _ = server
    page.goto(base + "/")
    page.set_input_files("#check-files", str(EXAMPLES / "seed-corrected.yaml"))
    page.click("#check-go")
    card = page.locator(".result").first
    expect(card.locator(".total")).to_have_text("100.00")
    expect(card.locator(".grade")).to_have_text("优")
    frame = page.frame_locator("iframe.form").first
    expect(frame.locator("body")).to_contain_text("送温暖帮扶专项经费")
    shot(page, "serve-start", full=True)


def _fill(page, selector: str, value: str) -> None:
    el = page.locator(selector)
    el.fill(value)


def test_clerk_flow(page, server, tmp_path):
    base, data = server
    page.goto(base + "/fill")
    page.select_option("#new-sector", "union")
    _fill(page, "#new-name", "送温暖帮扶专项经费")
    _fill(page, "#new-department", "某区总工会")
    _fill(page, "#new-year", "2024")
    _fill(page, "#new-budget", "3")
    shot(page, "serve-fill-new")
    page.click("#new-go")
    page.wait_for_url(re.compile(r"/fill/[0-9a-f]{16}$"))
    draft_id = page.url.rsplit("/", 1)[1]
    assert (data / "drafts" / f"{draft_id}.yaml").exists()
    rows = page.locator("#ind-table tbody tr")
    n = rows.count()
    assert n >= 4
    expect(page.locator("#weight-sum")).to_have_text("100.00")
    before = page.locator("#live-total").inner_text()
    # fill every actual from its target: the number for quantitative targets, 达成预期指标 for qualitative ones
    for k in range(n):
        target = page.locator(f'[data-path="indicators.{k}.target"]').input_value()
        m = re.search(r"\d+(?:\.\d+)?", target)
        value = (m.group(0) + ("%" if "%" in target else "")) if m else "达成预期指标"
        _fill(page, f'[data-path="indicators.{k}.actual"]', value)
    _fill(page, '[data-path="funds.sources.0.executed"]', "3")
    expect(page.locator("#save-status")).to_have_text("已保存")
    expect(page.locator("#live-total")).to_have_text("100.00")
    expect(page.locator("#live-grade")).to_have_text("优")
    assert before != "100.00"
    # a bad cell: the problem is shown under it, in Chinese, and the score changes at once
    _fill(page, '[data-path="indicators.0.actual"]', "很多")
    msg = page.locator('[data-msg="indicators.0.actual"] .msg').first
    expect(msg).to_contain_text("PE3")
    assert re.search(r"[\u4e00-\u9fff]", msg.inner_text())
    expect(page.locator("#live-total")).not_to_have_text("100.00")
    shot(page, "serve-fill-error", full=False)
    first_target = page.locator('[data-path="indicators.0.target"]').input_value()
    m = re.search(r"\d+(?:\.\d+)?", first_target)
    _fill(page, '[data-path="indicators.0.actual"]', (m.group(0) + ("%" if "%" in first_target else "")) if m else "达成预期指标")
    expect(page.locator("#live-total")).to_have_text("100.00")
    expect(page.locator("#save-status")).to_have_text("已保存")
    # preview the form in the official layout
    page.click("#preview-btn")
    expect(page.frame_locator("#preview").locator("body")).to_contain_text("100.00")
    shot(page, "serve-fill", full=True)
    # reload: nothing typed is lost
    page.reload()
    expect(page.locator('[data-path="funds.sources.0.executed"]')).to_have_value("3")
    expect(page.locator("#live-total")).to_have_text("100.00")
    # downloads: the YAML scores the same with the CLI; the Excel form and Word report are real files
    with page.expect_download() as dl:
        page.click("#dl-yaml")
    y = tmp_path / "draft.yaml"
    dl.value.save_as(y)
    from perfeval.pipeline import evaluate, results  # what `perfeval score` runs

    rec = results(evaluate([str(y)]))[0]
    assert (rec["total"], rec["grade"]) == (100.0, "优")
    with page.expect_download() as dl:
        page.click("#dl-xlsx")
    x = tmp_path / dl.value.suggested_filename
    dl.value.save_as(x)
    assert x.name.endswith("_2024年度_自评表.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(x, read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    wb.close()
    assert "送温暖帮扶专项经费" in " ".join(map(str, cells)) and any(c == 100 for c in cells if isinstance(c, (int, float)))
    with page.expect_download() as dl:
        page.click("#dl-docx")
    assert dl.value.suggested_filename.endswith("自评报告.docx")


def test_reviewer_flow_matches_perfeval_batch(page, server, tmp_path, monkeypatch):
    base, _ = server
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    src = tmp_path / "in"
    paths = generate(48, src, seed=5, bad=0.05)
    shutil.copy(EXAMPLES / "seed-corrected.yaml", src / "seed-corrected.yaml")
    shutil.copy(EXAMPLES / "hubei-rural-water.yaml", src / "hubei-rural-water.yaml")
    files = sorted(paths) + [src / "seed-corrected.yaml", src / "hubei-rural-water.yaml"]
    assert len(files) == 50
    flat = tmp_path / "flat"  # a browser uploads base names: compare with the CLI over the same names, no folders
    flat.mkdir()
    for p in files:
        shutil.copy(p, flat / p.name)
    files = sorted(flat.iterdir())
    assert len(files) == 50
    page.goto(base + "/review")
    page.set_input_files("#batch-files", [str(p) for p in files])
    _fill(page, "#batch-seed", "42")
    page.click("#batch-go")
    page.wait_for_url(re.compile(r"/review/[0-9a-f]{16}$"), timeout=60_000)
    shot(page, "serve-review")
    # the same files through `perfeval batch` (its run function, in-process, named as a browser names them)
    from perfeval.batch import Options, run

    out = tmp_path / "cli"
    monkeypatch.chdir(flat)
    run([p.name for p in files], Options(out=str(out), seed=42, jobs=1))
    import csv

    with open(out / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    scored = [r for r in rows if r["状态"] == "已评分"]
    expect(page.locator("#n-projects")).to_have_text(str(len(rows)))
    expect(page.locator("#n-scored")).to_have_text(str(len(scored)))
    expect(page.locator("#n-rejected")).to_have_text(str(len(rows) - len(scored)))
    for g in ("优", "良", "中", "差"):
        n = sum(r["等级"] == g for r in scored)
        expect(page.locator(f'#grade-chart text[data-grade="{g}"]')).to_have_text(str(n))
    from openpyxl import load_workbook

    from perfeval.numbers import fmt

    wb = load_workbook(out / "summary.xlsx", read_only=True, data_only=True)
    dept = [list(r) for r in wb["按部门"].iter_rows(values_only=True)]
    wb.close()
    head, body = dept[0], dept[1:]
    shown = page.locator("#dept-table tbody tr")
    expect(shown).to_have_count(len(body))
    col = head.index("资金加权平均分")
    for k, r in enumerate(body):
        cells = shown.nth(k).locator("td")
        assert cells.nth(head.index("主管部门")).inner_text() == str(r[head.index("主管部门")])
        want = "" if r[col] is None else fmt(r[col])
        assert cells.nth(col).inner_text() == want
    # ranking: first row equals the CLI's best project
    best = max(float(r["总分"]) for r in scored)
    first = page.locator("#rank-table tbody tr").first

    expect(first.locator('td[data-col="总分"]')).to_have_text(fmt(best))
    # the issue list filters by code
    code = page.locator("#issue-filter select[name=code] option").nth(1).get_attribute("value") or \
        page.locator("#issue-filter select[name=code] option").nth(1).inner_text()
    page.select_option("#issue-filter select[name=code]", code)
    page.click("#issue-filter button")
    page.wait_for_url(re.compile(r"[?&]code="))
    codes = page.locator('#issue-table td[data-col="代码"]').all_inner_texts()
    assert codes and set(codes) == {code}
    # open one project: its form with the claims marked and every point explained
    page.click('#rank-table a:text("送温暖帮扶专项经费")')
    expect(page.locator("#project-total")).to_have_text("100.00")
    expect(page.locator("#project-grade")).to_have_text("优")
    expect(page.frame_locator("iframe.form").locator("body")).to_contain_text("项目支出绩效自评表")
    shot(page, "serve-project", full=True)


def test_hostile_uploads_never_break_the_server(page, server, tmp_path):
    base, _ = server
    bad = ROOT / "tests" / "badinput" / "files"
    picks = [bad / n for n in ("alias_bomb.yaml", "yaml_python_object.yaml", "bidi_override_name.yaml", "deep_nesting_parser.yaml",
                               "control_chars_name.yaml")]
    binary = tmp_path / "random.yaml"
    binary.write_bytes(os.urandom(4096))
    page.goto(base + "/")
    page.set_input_files("#check-files", [str(p) for p in picks] + [str(binary)])
    page.click("#check-go")
    expect(page.locator("#check-status")).to_contain_text("共 6 个结果")
    assert page.locator('.result[data-status="rejected"]').count() >= 4
    # over the size limit: 413 with a Chinese message, shown on the page
    big = tmp_path / "big.yaml"
    big.write_bytes(b"perfeval: 1\n#" + b"x" * (6 * 1024 * 1024))
    page.set_input_files("#check-files", str(big))
    page.click("#check-go")
    expect(page.locator("#check-status")).to_contain_text("PE950")
    expect(page.locator("#check-status")).to_contain_text("超过上限")
    page.errors[:] = [e for e in page.errors if "status of 413" not in e]  # the refusal this step asks for
    # the server keeps serving
    page.goto(base + "/review")
    expect(page.locator("h1")).to_have_text("复核")
    shot(page, "serve-review-upload")
